"""The decision calculus of an answer: the terms of M2, M3, M5, M7, M8, M9, M10, M11 and M14
put together. Each term is computed in its mechanism's module; :func:`answer_utility` adds them
up for every catalog action, owned, telegraphed or unacknowledged, in a batch of runs, and
policies choose from the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.backing import ally_effect, restraint_cost, signalling_share
from escalade.engine.calibration import counter_escalation_risk, overshoot, signal
from escalade.engine.compiled import B, F, I
from escalade.engine.decision import OWNED, TELEGRAPHED, UNACKNOWLEDGED, Appraisal
from escalade.engine.forewarning import expected_felt
from escalade.engine.learning import expected_risk_share
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

    For each action and each way of carrying it out:

    ``U = felt x (resolve x signal - overshoot) - felt x war cost x risk x allies x belief
    - audience cost owed - inducements forfeited``

    M2: credibility is restored up to the grievance (``signal``), answering above it costs
    (``overshoot``; M7: on the rungs allies would join, only for the share of the answer that
    is a signal, ``signalling_share``), and the risk of a more severe counter-blow rises
    convexly with the rung.
    M3/M6/M14: both the value and the counter-escalation risk scale with the share of the
    answer the target is expected to feel (``felt``): a telegraphed strike meets a warned
    defence and is felt less, so it restores less and provokes less. M9/M10: the war cost
    grows with stakes, war aversion and low risk tolerance (and with days at war, M12). M7:
    restraint urged on the actor makes high rungs dearer, backing cheaper. M5: acting through
    a proxy avoids ``proxy_deniability`` of the risk. M11: a state that does not own a deniable
    strike loses ``unacknowledged_signal_discount`` of its value and avoids
    ``unacknowledged_risk_discount`` of its risk (its victim can play it down). M14: the risk
    expected from a target believed yielding is ``yielding_risk`` of a resolute one's. M8:
    answering below a crossed red line's committed rung costs its audience cost. M10:
    striking above an inducement's rung forfeits its value, in units of the war cost. M7: the
    part of the grievance held on a partner's account is answered with pressure only: above
    ``on_behalf_max_rung`` credibility is restored up to the actor's own account, and waiting
    (or declaring an end) costs only that account.
    """
    cat = params.catalog
    r = cat.rung.astype(np.float64)[None, :]
    resolve = params.retaliation.resolve[runs, actor][:, None]
    sized = signalling_share(params, runs, actor)
    credibility = resolve * signal(params, runs, grievance) - sized * overshoot(
        params, runs, grievance
    )
    own = grievance
    if state.grievances.held_on_behalf[actor].any():  # some held on a partner's account (M7)
        own = state.grievances.own(runs, actor, target, grievance)
        credibility = np.where(
            r <= params.backing.on_behalf_max_rung,  # pressure answers a partner's account
            credibility,
            resolve * signal(params, runs, own) - sized * overshoot(params, runs, own),
        )
    deniable = np.where(cat.via_proxy, params.proxies.deniability[runs][:, None], 0.0)
    belief = expected_risk_share(state, params, runs, actor, target)[:, None]
    scale = war_cost_scale(state, params, runs, actor)
    danger = (
        scale[:, None]
        * counter_escalation_risk(params, runs)
        * (1.0 - deniable)
        * ally_effect(state, params, runs, actor)
        * belief
    )
    audience, commitment = red_line_commitment(state, params, runs, actor, target)
    fixed = (
        (r < commitment[:, None]) * audience[:, None]
        + forfeit(state, params, runs, actor, scale)
        + restraint_cost(state, params, runs, actor)
    )
    felt_owned = expected_felt(state, params, runs, actor, target, warned=False)
    felt_warned = expected_felt(state, params, runs, actor, target, warned=True)
    m = params.calibration
    owned = felt_owned * (credibility - danger) - fixed
    telegraphed = felt_warned * (credibility - danger) - fixed
    unowned = (
        felt_owned
        * (
            credibility * (1.0 - m.unacknowledged_signal_discount[runs][:, None])
            - danger * (1.0 - m.unacknowledged_risk_discount[runs][:, None])
        )
        - fixed
    )
    available = available_actions(params, actor, target)
    can_warn = (cat.strike & cat.forewarnable & params.forewarning.may_telegraph[actor])[None, :]
    can_deny = (cat.deniable & params.can_deny[actor])[None, :]
    act = np.full((len(runs), cat.size, 3), -np.inf)
    act[:, :, OWNED] = np.where(available, owned, -np.inf)
    act[:, :, TELEGRAPHED] = np.where(available & can_warn, telegraphed, -np.inf)
    act[:, :, UNACKNOWLEDGED] = np.where(available & can_deny, unowned, -np.inf)
    m1 = params.retaliation
    # M1: leaving its own account unanswered costs; a partner's account (M7) only offers what
    # pressure restores.
    wait = -m1.obligation_pressure[runs] * m1.resolve[runs, actor] * own - audience
    # M13: declaring the matter concluded without answering forgoes all the credibility at stake.
    backing_down = wait - resolve[:, 0] * m.signal_value[runs] * own
    drop = cat.deescalate[None, :]
    act[:, :, OWNED] = np.where(drop & available, backing_down[:, None], act[:, :, OWNED])
    return Appraisal(act=act, wait=wait, available=available, commitment=commitment)
