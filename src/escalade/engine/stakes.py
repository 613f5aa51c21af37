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

from escalade.engine.compiled import B, Cast, F, I, draw_param, indices, model_draw, stacked
from escalade.engine.factions import risk_tolerance
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State

NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Inducements:
    """Inducements on offer, each at stake from its day (until delivered, if conditional)."""

    to: I
    value: F  # (R, n) as a share of the receiver's cost of a regional war
    above_rung: I
    from_day: I
    until_day: I  # the day a conditional offer is delivered (NEVER: at stake to the horizon)


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
                until_day=indices(
                    [
                        NEVER if ind.hold_days is None else ind.from_day + ind.hold_days
                        for ind in ins
                    ]
                ),
            ),
        )


@dataclass
class OnOffer:
    """M10 state: which inducements are at stake in each run."""

    active: B  # (R, n) offered, not yet delivered, not forfeited
    lost: B  # (R, n) forfeited by striking above its rung

    @classmethod
    def initial(cls, runs: int, offers: int) -> OnOffer:
        return cls(
            active=np.zeros((runs, offers), dtype=np.bool_),
            lost=np.zeros((runs, offers), dtype=np.bool_),
        )


def inducements_in_force(state: State, params: Params, day: int) -> None:
    """M10: an inducement is at stake from its day until it is delivered (a conditional offer,
    after ``hold_days`` of restraint) or forfeited."""
    ind = params.stakes.inducements
    open_ = (ind.from_day <= day) & (day < ind.until_day)
    state.on_offer.active[:] = open_[None, :] & ~state.on_offer.lost


def forfeit_inducements(state: State, params: Params, runs: I, actor: int, rung: I) -> None:
    """M10: striking above an inducement's rung forfeits it for good."""
    ind = params.stakes.inducements
    for k in np.flatnonzero(ind.to == actor):
        gone = state.on_offer.active[runs, k] & (rung > ind.above_rung[k])
        state.on_offer.lost[runs[gone], k] = True
        state.on_offer.active[runs[gone], k] = False


def war_cost_scale(state: State, params: Params, runs: I, actor: int) -> F:
    """M9/M10/M12: what a wider war would cost this leader, given stakes and risk tolerance,
    growing with the days already spent at war (``war_weariness``)."""
    rt = risk_tolerance(state, params, runs, actor)
    weary = 1.0 + params.thresholds.war_weariness[runs] * state.war_days[runs]
    return (
        params.stakes.war_cost[runs]
        * params.stakes.stakes[runs, actor]
        * params.factions.war_aversion[runs, actor]
        * (1.0 - rt)
        * weary
    )


def forfeit(state: State, params: Params, runs: I, actor: int, scale: F) -> F:
    """M10: (n, K) what each answer would forfeit: the value of every inducement at stake that
    striking at its rung loses, in units of the actor's war cost ``scale`` (value 1 = as much as
    a regional war would cost it)."""
    ind = params.stakes.inducements
    r = params.catalog.rung[None, :]
    out = np.zeros((len(runs), len(r[0])))
    for k in np.flatnonzero(ind.to == actor):
        at_stake = state.on_offer.active[runs, k] * ind.value[runs, k] * scale
        out += (r > ind.above_rung[k]) * at_stake[:, None]
    return out
