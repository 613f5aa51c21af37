"""M10 Stakes and inducements: war endangers what each side has; inducements buy restraint.

An actor's war cost is ``war_cost x stakes x war_aversion x (1 - risk tolerance)`` (M9), where
``stakes = value_at_risk + oil_stakes_weight x oil exports in million barrels a day``.
Inducements on offer add up from their day and are forfeited by striking above the lowest of
their rungs. See docs/model/M10-stakes-and-inducements.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import Cast, F, I, draw_param, indices, model_draw, stacked
from escalade.engine.factions import risk_tolerance
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State

NO_RUNG_LIMIT = np.iinfo(np.int64).max
"""The forfeit rung when no inducement is on offer: no strike forfeits anything."""


@dataclass(frozen=True)
class Inducements:
    """Inducements on offer, each at stake from its day."""

    to: I
    value: F  # (R, n)
    above_rung: I
    from_day: I


@dataclass(frozen=True)
class StakesParams:
    """M10 parameters."""

    stakes: F  # (R, A) war-cost multiplier from what each actor has at risk
    war_cost: F  # (R,)
    inducements: Inducements

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> StakesParams:
        oil = cast.per_actor(scenario, streams, "stakes.oil_exports_bpd")
        weight = model_draw(scenario, streams, "oil_stakes_weight")
        ins = scenario.inducements
        return cls(
            stakes=cast.per_actor(scenario, streams, "stakes.value_at_risk")
            + weight[:, None] * oil / 1e6,
            war_cost=model_draw(scenario, streams, "war_cost"),
            inducements=Inducements(
                to=indices([cast.index(ind.to) for ind in ins]),
                value=stacked(
                    [
                        draw_param(streams, ind.value, f"inducements.{k}.value")
                        for k, ind in enumerate(ins)
                    ],
                    streams.runs,
                ),
                above_rung=indices([ind.above_rung for ind in ins]),
                from_day=indices([ind.from_day for ind in ins]),
            ),
        )


@dataclass
class OnOffer:
    """M10 state: the value at stake for each actor and the rung that forfeits it."""

    value: F  # (R, A)
    forfeit_above: I  # (A,) striking above this rung forfeits it

    @classmethod
    def initial(cls, runs: int, actors: int) -> OnOffer:
        return cls(
            value=np.zeros((runs, actors)),
            forfeit_above=np.full(actors, NO_RUNG_LIMIT, dtype=np.int64),
        )


def inducements_in_force(state: State, params: Params, day: int) -> None:
    """M10: inducements made so far (``from_day <= day``) add up, forfeited by striking above
    the lowest of their rungs."""
    ind = params.stakes.inducements
    offer = state.on_offer
    offer.value[:] = 0.0
    offer.forfeit_above[:] = NO_RUNG_LIMIT
    for k in np.flatnonzero(ind.from_day <= day):
        t = ind.to[k]
        offer.value[:, t] += ind.value[:, k]
        offer.forfeit_above[t] = min(offer.forfeit_above[t], ind.above_rung[k])


def war_cost_scale(state: State, params: Params, runs: I, actor: int) -> F:
    """M9/M10: what a wider war would cost this leader, given stakes and risk tolerance."""
    rt = risk_tolerance(state, params, runs, actor)
    return (
        params.stakes.war_cost[runs]
        * params.stakes.stakes[runs, actor]
        * params.factions.war_aversion[runs, actor]
        * (1.0 - rt)
    )


def forfeit(state: State, params: Params, runs: I, actor: int) -> F:
    """M10: (n, K) the inducement value each answer would forfeit."""
    r = params.catalog.rung[None, :]
    return (r > state.on_offer.forfeit_above[actor]) * state.on_offer.value[runs, actor][:, None]
