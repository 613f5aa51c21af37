"""M9 Factions and risk tolerance: leaders weigh factions; hard-liners gain under attack.

The leader's risk tolerance is pulled toward its factions' by their influence (weights); a
serious blow (rung >= ``hardliner_from_rung``) on a state shifts influence toward its
hard-liners by ``hardliner_drift`` of the room left, which relaxes back by
``hardliner_relaxation`` a day. Drawn weights that add up to more than 1 in a run are scaled
down to sum to 1 (the scenario's means must not exceed 1: the loader says so). See
docs/model/M9-factions.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import ROLES, Cast, F, I, draw_param, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Role, Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State

_STATE = ROLES.index(Role.STATE)


@dataclass(frozen=True)
class FactionParams:
    """M9 parameters, (R, A) unless noted."""

    leader_risk: F
    war_aversion: F
    hard_weight: F  # total weight of hard-line factions
    hard_risk: F  # their weighted risk tolerance
    soft_weight: F
    soft_risk: F
    drift: F  # (R,)
    relaxation: F  # (R,)
    from_rung: int
    hardline: list[int]  # the actors with hard-line factions (the others never drift)

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> FactionParams:
        runs, n_a = streams.runs, cast.n
        hard_w = np.zeros((runs, n_a))
        hard_r = np.zeros((runs, n_a))
        soft_w = np.zeros((runs, n_a))
        soft_r = np.zeros((runs, n_a))
        for i, (aid, actor) in enumerate(scenario.actors.items()):
            for fname, fac in actor.factions.items():
                w = draw_param(streams, fac.weight, f"actors.{aid}.factions.{fname}.weight")
                r = draw_param(streams, fac.risk_tolerance, f"actors.{aid}.factions.{fname}.risk")
                if fac.hardline:
                    hard_r[:, i] += w * r
                    hard_w[:, i] += w
                else:
                    soft_r[:, i] += w * r
                    soft_w[:, i] += w
        total = hard_w + soft_w
        scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-12), 1.0)
        hard_w, soft_w = hard_w * scale, soft_w * scale
        hard_r = np.divide(hard_r, hard_w / scale, out=np.zeros_like(hard_r), where=hard_w > 0)
        soft_r = np.divide(soft_r, soft_w / scale, out=np.zeros_like(soft_r), where=soft_w > 0)
        return cls(
            leader_risk=cast.per_actor(scenario, streams, "leader.risk_tolerance"),
            war_aversion=cast.per_actor(scenario, streams, "leader.war_aversion"),
            hard_weight=hard_w,
            hard_risk=hard_r,
            soft_weight=soft_w,
            soft_risk=soft_r,
            drift=model_draw(scenario, streams, "hardliner_drift"),
            relaxation=model_draw(scenario, streams, "hardliner_relaxation"),
            from_rung=scenario.model.hardliner_from_rung,
            hardline=np.flatnonzero((hard_w > 0).any(axis=0)).tolist(),
        )


def hardliner_drift(state: State, params: Params, runs: I, victim: I, rung: I) -> None:
    """M9 Factions: a serious blow (rung >= ``hardliner_from_rung``) on a state shifts
    influence toward its hard-liners ("the era of strategic patience is over")."""
    f = params.factions
    is_state = (params.cast.role[victim] == _STATE) & (rung >= f.from_rung)
    r, v = runs[is_state], victim[is_state]
    room = 1.0 - state.hard_weight[r, v] - f.soft_weight[r, v]
    state.hard_weight[r, v] += f.drift[r] * np.maximum(room, 0.0) * (f.hard_weight[r, v] > 0)


def hardliner_relaxation(state: State, params: Params) -> None:
    """M9: without new blows, hard-liners' extra influence fades back toward its baseline."""
    f = params.factions
    for a in f.hardline:  # elsewhere the weight is its baseline of 0 and stays so
        state.hard_weight[:, a] -= f.relaxation * (state.hard_weight[:, a] - f.hard_weight[:, a])


def risk_tolerance(state: State, params: Params, runs: I, actor: int) -> F:
    """M9: the leader's risk tolerance pulled toward the factions' by their influence:
    ``(1 - hard - soft) x leader + hard x hard-liners' + soft x others'``."""
    f = params.factions
    hard = state.hard_weight[runs, actor]
    soft = f.soft_weight[runs, actor]
    leader = np.clip(1.0 - hard - soft, 0.0, 1.0)
    return (
        leader * f.leader_risk[runs, actor]
        + hard * f.hard_risk[runs, actor]
        + soft * f.soft_risk[runs, actor]
    )
