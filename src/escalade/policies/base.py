"""What a policy sees and returns, and the registry of policies (built-in and entry points).

A policy is one small class, in the manner of the Axelrod library's strategies: a ``name``,
a ``classifier`` describing it, and :meth:`Policy.choose`, which maps an actor's situation in
a batch of runs to one choice per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar

import numpy as np

from escalade.engine.calculus import Appraisal
from escalade.engine.params import KINDS, Params
from escalade.engine.rng import Streams
from escalade.engine.state import B, F, I

NO_ACTION = -1
_ANSWERS = {KINDS.index(k) for k in ("statement", "pressure", "covert", "proxy", "strike")}


@dataclass(frozen=True)
class Situation:
    """One actor's view of the runs in which it decides today (n runs)."""

    day: int
    actor: int
    runs: I  # positions in the batch
    target: I  # (n,) whom the actor holds the largest grievance against
    grievance: F  # (n,) that grievance, in rungs (M1)
    received_rung: I  # (n,) rung of the last blow it took from the target
    appraisal: Appraisal  # utilities of every action (M2, M3, M7, M8, M9, M10, M14)
    params: Params
    streams: Streams

    @property
    def n(self) -> int:
        return len(self.runs)

    @property
    def rationality(self) -> F:
        return self.params.rationality[self.runs, self.actor]

    def uniform(self, name: str) -> F:
        """Uniforms for this actor's choice today, keyed by run id (reproducible)."""
        tag = f"policy:{self.params.actors[self.actor]}:{name}"
        return self.streams.uniform(self.day, tag)[self.runs]

    def answer_at_most(self, rung: I) -> I:
        """Per run, the available answer (anything but de-escalation) with the highest rung
        not above ``rung``; :data:`NO_ACTION` if there is none."""
        p = self.params
        answers = np.isin(p.action_kind, list(_ANSWERS))
        ok = (
            self.appraisal.available
            & answers[None, :]
            & (p.action_rung[None, :] <= np.asarray(rung)[:, None])
        )
        score = np.where(ok, p.action_rung[None, :] * 1000 - np.arange(len(p.action_rung)), -1)
        best = np.argmax(score, axis=1)
        return np.where(ok.any(axis=1), best, NO_ACTION)

    def action(self, name: str) -> I:
        """Per run, the named action where it is available, else :data:`NO_ACTION`."""
        k = self.params.action_names.index(name) if name in self.params.action_names else -1
        if k < 0:
            return np.full(self.n, NO_ACTION)
        return np.where(self.appraisal.available[:, k], k, NO_ACTION)


@dataclass(frozen=True)
class Choice:
    """One decision per run: an action index (or :data:`NO_ACTION`) and whether to telegraph."""

    action: I
    warned: B

    @classmethod
    def unwarned(cls, action: I) -> Choice:
        return cls(action=np.asarray(action, dtype=np.int64), warned=np.zeros(len(action), bool))


class Policy:
    """Base class: subclasses set ``name`` and ``classifier`` and implement :meth:`choose`."""

    name: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {}

    def choose(self, situation: Situation) -> Choice:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


_REGISTRY: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator adding a policy to the registry under its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def policy_names() -> list[str]:
    _load_entry_points()
    return sorted(_REGISTRY)


def make_policy(name: str) -> Policy:
    """An instance of the policy registered as ``name`` (built-in or from an entry point)."""
    _load_entry_points()
    if name not in _REGISTRY:
        raise KeyError(f"unknown policy '{name}'; registered: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]()


@cache
def _load_entry_points() -> None:
    """Policies from other packages: ``[project.entry-points."escalade.policies"]`` (once)."""
    for ep in entry_points(group="escalade.policies"):
        if ep.name not in _REGISTRY:
            cls = ep.load()
            _REGISTRY[ep.name] = cls
