"""The decision interface: what an actor perceives (:class:`Situation`), what it may choose
(:class:`Choice`), and the :class:`Policy` protocol every policy implements.

The engine hands a policy a :class:`Situation` for the runs in which its actor convenes and
checks that the :class:`Choice` it returns is open to the actor. Policies live outside the
engine (``escalade.policies`` and plug-ins) and are handed in; the engine never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from escalade.engine.compiled import B, F, I
from escalade.engine.rng import Streams

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State

NO_ACTION = -1
"""The choice not to act today (wait)."""
GRUDGE_TARGET = -1
"""In :attr:`Choice.target`: act against the situation's target (the largest grievance)."""


@dataclass(frozen=True)
class Appraisal:
    """Scores of the answers open to one actor in a batch of runs (n runs, K actions)."""

    act: F  # (n, K, 3): utility of each action: owned and unwarned [..., OWNED], telegraphed
    #         [..., TELEGRAPHED], carried out without owning it [..., UNACKNOWLEDGED]
    wait: F  # (n,): utility of not answering today
    available: B  # (n, K)
    commitment: I  # (n,): rung committed to by a crossed red line, -1 none

    def utilities(self) -> F:
        """(n, 1 + 3K): waiting first, then each action owned, telegraphed and unacknowledged
        in turn (-inf where closed) — the options a policy chooses among."""
        n, k = self.act.shape[0], self.act.shape[1]
        return np.concatenate([self.wait[:, None], self.act.reshape(n, VARIANTS * k)], axis=1)


OWNED, TELEGRAPHED, UNACKNOWLEDGED = 0, 1, 2
"""The ways of carrying out an action (the last axis of :attr:`Appraisal.act`)."""
VARIANTS = 3


def option_choice(pick: I) -> Choice:
    """The choice of options indexed as in :meth:`Appraisal.utilities` (0: wait)."""
    variant = (pick - 1) % VARIANTS
    return Choice(
        action=np.where(pick == 0, NO_ACTION, (pick - 1) // VARIANTS).astype(np.int64),
        warned=(pick > 0) & (variant == TELEGRAPHED),
        unacknowledged=(pick > 0) & (variant == UNACKNOWLEDGED),
    )


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
    state: State | None = None  # the batch's state, read-only: what a person playing the actor
    #                             is shown, and other targets' appraisals (engine.choices)

    @property
    def n(self) -> int:
        return len(self.runs)

    @property
    def rationality(self) -> F:
        return self.params.rationality[self.runs, self.actor]

    def uniform(self, name: str) -> F:
        """Uniforms for this actor's choice today, keyed by run id (reproducible)."""
        tag = f"policy:{self.params.cast.actors[self.actor]}:{name}"
        return self.streams.uniform(self.day, tag)[self.runs]

    def answer_at_most(self, rung: I) -> I:
        """Per run, the available answer (anything but de-escalation) with the highest rung
        not above ``rung``; :data:`NO_ACTION` if there is none. Ties go to the action listed
        first in the catalog."""
        cat = self.params.catalog
        ok = (
            self.appraisal.available
            & ~cat.deescalate[None, :]
            & (cat.rung[None, :] <= np.asarray(rung)[:, None])
        )
        score = np.where(ok, cat.rung[None, :] * 1000 - np.arange(cat.size), -1)
        best = np.argmax(score, axis=1)
        return np.where(ok.any(axis=1), best, NO_ACTION)

    def action(self, name: str | None) -> I:
        """Per run, the named action where it is available, else :data:`NO_ACTION`."""
        k = self.params.catalog.find(name)
        if k < 0:
            return np.full(self.n, NO_ACTION)
        return np.where(self.appraisal.available[:, k], k, NO_ACTION)

    def declared_end(self) -> I:
        """Per run, the scenario's declared-end action (M13) where available."""
        k = self.params.ending.declaration_action
        return self.action(self.params.catalog.names[k] if k >= 0 else None)


@dataclass(frozen=True)
class Choice:
    """One decision per run: an action index (or :data:`NO_ACTION`), whether to telegraph it
    (M3), whether to carry it out without owning it (M11) and, optionally, against whom: an
    actor index among the actor's open targets (:func:`escalade.engine.choices.open_targets`),
    or :data:`GRUDGE_TARGET` (-1) for the situation's own target (the default everywhere);
    and through which channel a telegraphed strike's notice goes: an index into the scenario's
    channels, or -1 (``channels.DEFAULT_CHANNEL``) for the fastest of each pair (the default)."""

    action: I
    warned: B
    unacknowledged: B | None = None
    target: I | None = None
    channel: I | None = None

    @classmethod
    def unwarned(cls, action: I) -> Choice:
        return cls(action=np.asarray(action, dtype=np.int64), warned=np.zeros(len(action), bool))

    @property
    def denied(self) -> B:
        """Whether each choice is unacknowledged (none, if the policy never says)."""
        if self.unacknowledged is None:
            return np.zeros(len(self.action), dtype=np.bool_)
        return self.unacknowledged


@runtime_checkable
class Policy(Protocol):
    """How an actor decides: a ``name``, a ``classifier`` describing the policy (in the manner
    of the Axelrod library: ``{"stochastic": True, ...}``) and :meth:`choose`."""

    name: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]

    def choose(self, situation: Situation) -> Choice:
        """One choice per run of ``situation``; closed choices are refused by the engine."""
        ...
