"""The decision calculus of an answer: the terms of M2, M3, M5, M7, M8, M9, M10 and M14 put
together. Each term is computed in its mechanism's module; :func:`answer_utility` adds them up
for every catalog action (unwarned and telegraphed) in a batch of runs, and policies choose
from the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.backing import ally_effect
from escalade.engine.calibration import counter_escalation_risk, overshoot, signal
from escalade.engine.compiled import B, F, I
from escalade.engine.decision import Appraisal
from escalade.engine.learning import learnt_discount
from escalade.engine.red_lines import red_line_commitment
from escalade.engine.stakes import forfeit, war_cost_scale

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


def available_actions(params: Params, actor: int, target: I) -> B:
    """(n, K): actions the actor can take against each run's target (its options, as compiled,
    and the roles each action can target)."""
    by_role = params.catalog.against[:, params.cast.role[target]].T  # (n, K)
    return by_role & params.options[actor][None, :]


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
    cat = params.catalog
    r = cat.rung.astype(np.float64)[None, :]
    resolve = params.retaliation.resolve[runs, actor][:, None]
    value = resolve * signal(params, runs, grievance) * learnt_discount(
        state, params, runs, actor
    ) - overshoot(params, runs, grievance)
    deniable = np.where(cat.via_proxy, params.proxies.deniability[runs][:, None], 0.0)
    risk = counter_escalation_risk(params, runs) * (1.0 - deniable)
    cost = (
        war_cost_scale(state, params, runs, actor)[:, None]
        * risk
        * ally_effect(state, params, runs, actor)
    )
    audience, commitment = red_line_commitment(state, params, runs, actor, target)
    below = (r < commitment[:, None]) * audience[:, None]
    lost = forfeit(state, params, runs, actor)
    unwarned = value - cost - below - lost
    fw = params.forewarning
    warned = (
        value * (1.0 - fw.signal_discount[runs][:, None])
        - cost * (1.0 - fw.risk_discount[runs][:, None])
        - below
        - lost
    )
    can_warn = (cat.strike & cat.forewarnable)[None, :]
    available = available_actions(params, actor, target)
    act = np.stack(
        [np.where(available, unwarned, -np.inf), np.where(available & can_warn, warned, -np.inf)],
        axis=2,
    )
    m1 = params.retaliation
    wait = -m1.obligation_pressure[runs] * m1.resolve[runs, actor] * grievance - audience
    # M13: declaring the matter concluded without answering forgoes all the credibility at stake.
    backing_down = wait - resolve[:, 0] * params.calibration.signal_value[runs] * grievance
    drop = cat.deescalate[None, :]
    act[:, :, 0] = np.where(drop & available, backing_down[:, None], act[:, :, 0])
    return Appraisal(act=act, wait=wait, available=available, commitment=commitment)
