"""The decision calculus of an answer: M2 calibration, M3 forewarning, M7 restraint and
backing, M8 audience costs, M9 risk tolerance, M10 stakes and inducements, M14 learning.

:func:`answer_utility` scores every catalog action (unwarned and telegraphed) for a batch of
runs; policies choose from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalade.engine.grievance import risk_tolerance
from escalade.engine.params import KINDS, Params
from escalade.engine.state import B, F, I, State

_STRIKE = KINDS.index("strike")
_DEESCALATE = KINDS.index("deescalate")


def available_actions(params: Params, actor: int, target: I) -> B:
    """(n, K): actions the actor can take against each run's target (role, rung, options)."""
    scenario_actor = params.scenario.actors[params.actors[actor]]
    allowed = params.action_rung <= params.max_rung[actor]
    if scenario_actor.options is not None:
        allowed &= np.isin(np.array(params.action_names), scenario_actor.options)
    if params.patron[actor] < 0 and actor not in params.patron:
        allowed &= ~params.action_via_proxy  # no proxies to act through (a proxy acts itself)
    by_role = params.action_against[:, params.role[target]].T  # (n, K)
    return by_role & allowed[None, :]


def counter_escalation_risk(params: Params, runs: I) -> F:
    """M2: how sharply the risk of a more severe counter-blow rises with an answer's rung."""
    rung = params.action_rung.astype(np.float64) / max(params.ladder_top, 1)
    return rung[None, :] ** params.m["escalation_convexity"][runs][:, None]


def war_cost_scale(state: State, params: Params, runs: I, actor: int) -> F:
    """M9/M10: what a wider war would cost this leader, given stakes and risk tolerance."""
    rt = risk_tolerance(state, params, runs, actor)
    return (
        params.m["war_cost"][runs]
        * params.stakes[runs, actor]
        * params.war_aversion[runs, actor]
        * (1.0 - rt)
    )


def ally_effect(state: State, params: Params, runs: I, actor: int) -> F:
    """M7 Restraint and backing: an ally's restraint makes high rungs dearer; backing cheaper."""
    m = params.m
    high = params.action_rung[None, :] >= params.m_int["restraint_from_rung"]
    restraint = 1.0 + m["restraint_weight"][runs][:, None] * state.restraint[runs, actor][:, None]
    backing = 1.0 - m["backing_weight"][runs] * state.backing[runs, actor]
    return np.where(high, restraint, 1.0) * backing[:, None]


def red_line_commitment(
    state: State, params: Params, runs: I, actor: int, target: I
) -> tuple[F, I]:
    """M8: audience cost owed and rung committed to, for red lines ``target`` has crossed."""
    red = params.red_lines
    cost = np.zeros(len(runs))
    commit = np.full(len(runs), -1, dtype=np.int64)
    for k in np.flatnonzero(red.holder == actor):
        crossed = state.red_crossed[runs, k] & (target == red.crosser[k])
        cost = np.where(crossed, np.maximum(cost, red.audience_cost[runs, k]), cost)
        commit = np.where(crossed, np.maximum(commit, red.commits_to_rung[k]), commit)
    return cost, commit


@dataclass(frozen=True)
class Appraisal:
    """Scores of the answers open to one actor in a batch of runs (n runs, K actions)."""

    act: F  # (n, K, 2): utility of each action, unwarned [..., 0] and telegraphed [..., 1]
    wait: F  # (n,): utility of not answering today
    available: B  # (n, K)
    commitment: I  # (n,): rung committed to by a crossed red line, -1 none


def answer_utility(
    state: State, params: Params, runs: I, actor: int, target: I, grievance: F
) -> Appraisal:
    """Value of restoring credibility against the expected cost of counter-escalation.

    M2: credibility is restored up to the grievance; answering above it costs. The expected
    cost of counter-escalation rises convexly with the rung, scaled by war cost, stakes and
    risk tolerance (M9, M10) and by allies' restraint or backing (M7). M3: a telegraphed strike
    loses part of its signal value but most of its counter-escalation risk. M5: acting through
    a proxy avoids part of the risk. M8: answering below a red-line commitment costs the
    audience cost. M10: striking above an inducement's rung forfeits it. M14: a strike on
    territory is worth less to an attacker who has learnt that the defences stop its blows.
    """
    m = params.m
    r = params.action_rung.astype(np.float64)[None, :]
    g = grievance[:, None]
    resolve = params.resolve[runs, actor][:, None]
    signal = m["signal_value"][runs][:, None] * np.minimum(r, g)
    meets_defences = (params.action_kind == _STRIKE) & params.action_soil
    learnt = (
        1.0
        - (m["interception_signal_loss"][runs] * state.belief_interception[runs, actor])[:, None]
        * meets_defences[None, :]
    )
    value = resolve * signal * learnt - m["overshoot_cost"][runs][:, None] * np.maximum(r - g, 0.0)
    deniable = np.where(params.action_via_proxy, m["proxy_deniability"][runs][:, None], 0.0)
    risk = counter_escalation_risk(params, runs) * (1.0 - deniable)
    cost = (
        war_cost_scale(state, params, runs, actor)[:, None]
        * risk
        * ally_effect(state, params, runs, actor)
    )
    audience, commitment = red_line_commitment(state, params, runs, actor, target)
    below = (r < commitment[:, None]) * audience[:, None]
    forfeit = (r > state.inducement_rung[actor]) * state.inducement[runs, actor][:, None]
    unwarned = value - cost - below - forfeit
    warned = (
        value * (1.0 - m["forewarning_signal_discount"][runs][:, None])
        - cost * (1.0 - m["forewarning_risk_discount"][runs][:, None])
        - below
        - forfeit
    )
    can_warn = ((params.action_kind == _STRIKE) & params.action_forewarnable)[None, :]
    available = available_actions(params, actor, target)
    act = np.stack(
        [np.where(available, unwarned, -np.inf), np.where(available & can_warn, warned, -np.inf)],
        axis=2,
    )
    wait = -m["obligation_pressure"][runs] * params.resolve[runs, actor] * grievance - audience
    # M13: declaring the matter concluded without answering forgoes all the credibility at stake.
    backing_down = wait - resolve[:, 0] * m["signal_value"][runs] * grievance
    drop = (params.action_kind == _DEESCALATE)[None, :]
    act[:, :, 0] = np.where(drop & available, backing_down[:, None], act[:, :, 0])
    return Appraisal(act=act, wait=wait, available=available, commitment=commitment)
