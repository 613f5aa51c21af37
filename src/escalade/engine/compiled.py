"""Building blocks of a compiled scenario: array types, per-run draws and the cast of actors.

Every mechanism module compiles its own typed parameter block from the scenario with these
(``compile(scenario, streams, cast)``); the engine then reads arrays only, never the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from escalade.engine.rng import PARAMETER_DAY, Streams
from escalade.scenario.distributions import Param, draw
from escalade.scenario.schema import Role, Scenario

F = NDArray[np.float64]
I = NDArray[np.int64]
B = NDArray[np.bool_]

ROLES: tuple[Role, ...] = tuple(Role)


def draw_param(streams: Streams, value: Param, path: str) -> F:
    """One value per run for the parameter at ``path`` (a fixed number is repeated).

    The draw depends only on ``(seed, run_id, path)``: the same run gets the same value in
    any chunk, and two scenarios that share a parameter path share its draws.
    """
    return draw(value, streams.uniform(PARAMETER_DAY, f"param:{path}"))


def model_draw(scenario: Scenario, streams: Streams, name: str) -> F:
    """(R,) the model parameter ``model.<name>`` drawn per run."""
    value: Param = getattr(scenario.model, name)
    return draw_param(streams, value, f"model.{name}")


def stacked(columns: list[F], runs: int) -> F:
    """(R, n) from n per-run columns (an empty (R, 0) array when there are none)."""
    return np.stack(columns, axis=1) if columns else np.zeros((runs, 0))


def indices(values: list[int]) -> I:
    return np.array(values, dtype=np.int64)


@dataclass(frozen=True)
class Cast:
    """The actors of a scenario, by index: who they are and what they may do."""

    actors: tuple[str, ...]
    role: I  # (A,) index into ROLES
    patron: I  # (A,) -1 if none
    home_soil: B  # (A,) strikes on the actor hit its own soil (M1)

    @classmethod
    def compile(cls, scenario: Scenario) -> Cast:
        ids = tuple(scenario.actors)
        return cls(
            actors=ids,
            role=indices([ROLES.index(a.role) for a in scenario.actors.values()]),
            patron=indices(
                [ids.index(a.patron) if a.patron else -1 for a in scenario.actors.values()]
            ),
            home_soil=np.array([a.strikes_hit_soil for a in scenario.actors.values()]),
        )

    @property
    def n(self) -> int:
        return len(self.actors)

    def index(self, actor: str) -> int:
        return self.actors.index(actor)

    def per_actor(self, scenario: Scenario, streams: Streams, getter: str) -> F:
        """(R, A): the actor field at dotted ``getter`` drawn per run for every actor."""
        out = np.zeros((streams.runs, self.n))
        for i, (aid, actor) in enumerate(scenario.actors.items()):
            value: Param = actor  # type: ignore[assignment]
            for part in getter.split("."):
                value = getattr(value, part)
            out[:, i] = draw_param(streams, value, f"actors.{aid}.{getter}")
        return out
