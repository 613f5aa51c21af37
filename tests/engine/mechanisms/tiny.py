"""A tiny hand-made scenario for the mechanism unit tests: two states, RED and BLUE, with
every model parameter that a test does not set left at its documented default.

``tiny(...)`` validates a scenario dict, ``compiled(...)`` compiles it for ``runs`` runs and
returns the parameters, a fresh state and the random streams, so that a test can set the few
state entries a mechanism function reads, call the function, and check the numbers its
docstring's formula gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from escalade.engine.compiled import I
from escalade.engine.params import Params, compile_params
from escalade.engine.rng import Streams
from escalade.engine.state import EVENT_KINDS, EventLog, State
from escalade.scenario.load import validate
from escalade.scenario.schema import Scenario

SEED = 1

TWO_STATES: dict[str, Any] = {"RED": {"role": "state"}, "BLUE": {"role": "state"}}


def tiny(actors: dict[str, Any] | None = None, **sections: Any) -> Scenario:
    """A validated scenario: ``actors`` (default RED and BLUE, both states) and any other
    top-level sections (``model``, ``channels``, ``relations``, ``red_lines``, ...)."""
    data: dict[str, Any] = {
        "name": "tiny",
        "start": "2024-01-01",
        "horizon_days": 30,
        "actors": actors if actors is not None else dict(TWO_STATES),
    }
    data.update(sections)
    return validate(data)


@dataclass
class Batch:
    """A compiled tiny scenario and a fresh state for ``runs`` runs."""

    scenario: Scenario
    params: Params
    state: State
    streams: Streams
    log: EventLog

    @property
    def runs(self) -> I:
        return np.arange(self.streams.runs, dtype=np.int64)

    def ix(self, actor: str) -> int:
        return self.params.index(actor)


def compiled(scenario: Scenario, runs: int = 4, seed: int = SEED) -> Batch:
    """Compile ``scenario`` for ``runs`` runs (ids 0..runs-1) and make its initial state."""
    streams = Streams(seed, np.arange(runs, dtype=np.int64))
    params = compile_params(scenario, streams)
    return Batch(scenario, params, State.initial(params, runs), streams, EventLog())


def batch(runs: int = 4, actors: dict[str, Any] | None = None, **sections: Any) -> Batch:
    """``compiled(tiny(actors, **sections), runs)`` in one call."""
    return compiled(tiny(actors, **sections), runs)


def binomial_tolerance(p: float, n: int, k: float = 3.0) -> float:
    """``k`` standard errors of a share ``p`` estimated from ``n`` runs."""
    return k * float(np.sqrt(p * (1.0 - p) / n))


def events(log: EventLog, kind: str | None = None) -> dict[str, np.ndarray]:
    """The log as arrays, keeping only events of ``kind`` when given."""
    arr = log.arrays()
    if kind is None:
        return arr
    keep = arr["kind"] == EVENT_KINDS.index(kind)
    return {k: v[keep] for k, v in arr.items()}
