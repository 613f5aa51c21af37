"""A person decides for one actor: the choice comes from a callback (``escalade play``,
:mod:`escalade.game`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

import numpy as np

from escalade.engine.channels import DEFAULT_CHANNEL
from escalade.engine.decision import GRUDGE_TARGET, NO_ACTION, Choice, Situation
from escalade.policies.base import Policy


class Pick(NamedTuple):
    """One run's choice: an action index or :data:`NO_ACTION`, telegraphed, unacknowledged,
    against whom (an actor index, or :data:`GRUDGE_TARGET`: the situation's target) and the
    channel its notice goes through (a channel index, or :data:`DEFAULT_CHANNEL`)."""

    action: int
    warned: bool = False
    unacknowledged: bool = False
    target: int = GRUDGE_TARGET
    channel: int = DEFAULT_CHANNEL


Ask = Callable[[Situation, int], Pick]
"""``ask(situation, row) -> Pick`` for one run."""


class Human(Policy):
    """Ask a person what to do, run by run (meant for a single replayed run).

    Not in the registry: it needs a way to ask, so it is passed to ``run_batch(policies=...)``
    for the actor a person plays. The engine still checks that the choice (action and target)
    is open to the actor.
    """

    name = "human"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "human": True}

    def __init__(self, ask: Ask) -> None:
        self.ask = ask

    def choose(self, situation: Situation) -> Choice:
        picks = [self.ask(situation, row) for row in range(situation.n)]

        def column(i: int, dtype: type) -> np.ndarray:
            return np.array([p[i] for p in picks], dtype=dtype)

        return Choice(
            action=column(0, np.int64),
            warned=column(1, np.bool_),
            unacknowledged=column(2, np.bool_),
            target=column(3, np.int64),
            channel=column(4, np.int64),
        )


__all__ = ["DEFAULT_CHANNEL", "GRUDGE_TARGET", "NO_ACTION", "Ask", "Human", "Pick"]
