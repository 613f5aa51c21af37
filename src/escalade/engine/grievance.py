"""Grievance, obligation and commitments: M1, M7 (alliance obligations), M8, M9."""

from __future__ import annotations

import numpy as np

from escalade.engine.params import ROLES, Params
from escalade.engine.state import B, F, I, State
from escalade.scenario.schema import Role

_STATE = ROLES.index(Role.STATE)


def blow_grievance(
    params: Params, runs: I, perceived_rung: F, soil: B | bool, deaths: I, senior: I, damage: F
) -> F:
    """M1 Retaliation obligation: the grievance (in rungs) a blow leaves its victim.

    It grows with the perceived rung, weighs more on the victim's own soil (or what it declares
    equal to it), and grows with senior figures killed, deaths and damage.
    """
    m = params.m
    soil_mult = np.where(soil, m["soil_weight"][runs], 1.0)
    return (
        m["rung_weight"][runs] * perceived_rung * soil_mult
        + m["senior_weight"][runs] * senior
        + m["casualty_weight"][runs] * np.log1p(deaths)
        + m["damage_weight"][runs] * np.log1p(damage)
    )


def felt_share(params: Params, runs: I, landed: F) -> F:
    """M1 with M3/M6: an intercepted salvo weighs less than one that lands.

    A salvo stopped entirely by the defences is felt at ``intercepted_weight`` of its rung;
    the share that gets through is felt in full.
    """
    floor = params.m["intercepted_weight"][runs]
    return floor + (1.0 - floor) * np.clip(landed, 0.0, 1.0)


def discharge_obligation(
    state: State, params: Params, runs: I, actor: I | int, target: I, rung: I
) -> None:
    """M1: an answer discharges the answerer's grievance against its target by its rung."""
    g = state.grievance[runs, actor, target]
    state.grievance[runs, actor, target] = np.maximum(g - params.m["discharge"][runs] * rung, 0.0)


def decay_grievance(state: State, params: Params) -> None:
    """M1: an unanswered obligation fades with time."""
    state.grievance *= (1.0 - params.m["grievance_decay"])[:, None, None]


def alliance_obligation(state: State, params: Params, runs: I, victim: I, culprit: I, g: F) -> None:
    """M7: an ally takes a share (``join_offensive``) of a blow on its protégé as its own.

    A restraint statement by the ally toward its protégé ("will not join an offensive")
    lowers that share from the day it is made (:func:`statements_in_force`).
    """
    for ally in params.allies:
        share = state.join_offensive[runs, ally, victim]
        hit = (share > 0) & (culprit != ally)
        if hit.any():
            r, c = runs[hit], culprit[hit]
            state.grievance[r, ally, c] += share[hit] * g[hit]


def cross_red_lines(
    state: State, params: Params, day: int, runs: I, culprit: I, victim: I, rung: I
) -> None:
    """M8 Red lines: a blow at or above a declared threshold crosses the holder's line (once the
    line has been declared)."""
    red = params.red_lines
    for k in np.flatnonzero(red.from_day <= day):
        crossed = (
            (culprit == red.crosser[k]) & (victim == red.holder[k]) & (rung >= red.rung_at_least[k])
        )
        state.red_crossed[runs[crossed], k] = True


def honour_red_lines(state: State, params: Params, runs: I, actor: int, target: I, rung: I) -> None:
    """M8: a commitment met (an answer at or above the committed rung) is discharged."""
    red = params.red_lines
    for k in np.flatnonzero(red.holder == actor):
        met = (target == red.crosser[k]) & (rung >= red.commits_to_rung[k])
        state.red_crossed[runs[met], k] = False


def hardliner_drift(state: State, params: Params, runs: I, victim: I, rung: I) -> None:
    """M9 Factions: a serious blow (rung >= ``hardliner_from_rung``) on a state shifts
    influence toward its hard-liners ("the era of strategic patience is over")."""
    is_state = (params.role[victim] == _STATE) & (rung >= params.m_int["hardliner_from_rung"])
    r, v = runs[is_state], victim[is_state]
    room = 1.0 - state.hard_weight[r, v] - params.soft_weight[r, v]
    state.hard_weight[r, v] += (
        params.m["hardliner_drift"][r] * np.maximum(room, 0.0) * (params.hard_weight[r, v] > 0)
    )


def hardliner_relaxation(state: State, params: Params) -> None:
    """M9: without new blows, hard-liners' extra influence fades back toward its baseline."""
    gained = state.hard_weight - params.hard_weight
    state.hard_weight -= params.m["hardliner_relaxation"][:, None] * gained


def risk_tolerance(state: State, params: Params, runs: I, actor: int) -> F:
    """M9: the leader's risk tolerance pulled toward the factions' by their influence."""
    hard = state.hard_weight[runs, actor]
    soft = params.soft_weight[runs, actor]
    leader = np.clip(1.0 - hard - soft, 0.0, 1.0)
    return (
        leader * params.leader_risk[runs, actor]
        + hard * params.hard_risk[runs, actor]
        + soft * params.soft_risk[runs, actor]
    )
