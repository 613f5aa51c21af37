"""A person decides for one actor: the choice comes from a callback (``escalade play``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from escalade.engine.decision import NO_ACTION, Choice, Situation
from escalade.policies.base import Policy

Ask = Callable[[Situation, int], tuple[int, bool, bool]]
"""``ask(situation, row) -> (action index or NO_ACTION, telegraphed, unacknowledged)`` for one
run."""


class Human(Policy):
    """Ask a person what to do, run by run (meant for a single replayed run).

    Not in the registry: it needs a way to ask, so it is passed to ``run_batch(policies=...)``
    for the actor a person plays. The engine still checks that the choice is open to the actor.
    """

    name = "human"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "human": True}

    def __init__(self, ask: Ask) -> None:
        self.ask = ask

    def choose(self, situation: Situation) -> Choice:
        picks = [self.ask(situation, row) for row in range(situation.n)]
        action = np.array([a for a, _, _ in picks] or [], dtype=np.int64)
        warned = np.array([w for _, w, _ in picks] or [], dtype=np.bool_)
        denied = np.array([d for _, _, d in picks] or [], dtype=np.bool_)
        return Choice(action=action, warned=warned, unacknowledged=denied)


__all__ = ["NO_ACTION", "Ask", "Human"]
