"""M3 Forewarning: telegraphing a strike lets the target and its partners prepare.

An actor that telegraphs gives ``forewarning_lead_days`` of notice. The notice reaches the
target through its channel with the sender (delay, fidelity: M4), or publicly when they have
none; a partner pledged to defend the target hears it only through its own channel with the
sender. The defence is warned if any of them hears in time. Forewarning acts through what it
does, not through a discount: a warned defence is fully in place, an unwarned one only at its
layers' ``unwarned_readiness`` (M6), so the attacker expects a telegraphed strike to be felt
less — less pressure on the victim to counter-retaliate, and less deterrent value (the
calculus scales both with the felt share). See docs/model/M3-forewarning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.channels import arrival_day, channel_delivery
from escalade.engine.compiled import B, Cast, F, I, indices
from escalade.engine.engagement import EngagementParams
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


@dataclass(frozen=True)
class ForewarningParams:
    """M3 parameters."""

    lead_days: I  # (A,) days of notice each actor gives when it telegraphs
    may_telegraph: B  # (A,) telegraphing is among the actor's options
    min_answer_lag_days: int  # a scheduled answer lands no sooner than this many days on
    defended: B  # (A,) the actor has air-defence layers over it
    unwarned_share: F  # (R, A) share of its defence in place without warning

    @classmethod
    def compile(
        cls, scenario: Scenario, streams: Streams, cast: Cast, engagement: EngagementParams
    ) -> ForewarningParams:
        shares = np.zeros((streams.runs, cast.n))
        defended = np.zeros(cast.n, dtype=np.bool_)
        for a, table in enumerate(engagement.defences):
            if table.layers == 0:
                continue
            defended[a] = True
            weight = table.capacity[None, :] * table.defend
            total = weight.sum(axis=1)
            ready = (weight * table.unwarned_readiness).sum(axis=1)
            shares[:, a] = np.divide(ready, total, out=np.zeros_like(ready), where=total > 0)
        return cls(
            lead_days=indices([a.policy.forewarning_lead_days for a in scenario.actors.values()]),
            may_telegraph=np.array([a.policy.may_telegraph for a in scenario.actors.values()]),
            min_answer_lag_days=scenario.model.min_answer_lag_days,
            defended=defended,
            unwarned_share=shares,
        )


def lead_time(params: Params, actor: int, telegraphed: B) -> I:
    """M3: days of notice given for each scheduled strike (0 when not telegraphed)."""
    return np.where(telegraphed, params.forewarning.lead_days[actor], 0)


def landing_day(params: Params, day: int, lead: I) -> I:
    """M3: an answer decided on ``day`` lands after its notice, and no sooner than
    ``min_answer_lag_days``."""
    return day + np.maximum(lead, params.forewarning.min_answer_lag_days)


def expected_felt(state: State, params: Params, runs: I, actor: int, target: I, warned: bool) -> F:
    """M3/M6/M14: (n, K) the share of each answer the actor expects its target to feel.

    For a strike that meets defences (a strike on the target's soil): ``intercepted_weight +
    (1 - intercepted_weight) x (1 - expected interception)``, where the expected interception
    is what the actor has learnt the defences stop (M14) — all of it when the defence is warned,
    ``unwarned_share`` of it when not — and 0 for a target without defences. Other answers are
    felt in full.
    """
    fw = params.forewarning
    cat = params.catalog
    belief = state.belief_interception[runs, actor] * fw.defended[target]
    if not warned:
        belief = belief * fw.unwarned_share[runs, target]
    floor = params.retaliation.intercepted_weight[runs]
    felt = floor + (1.0 - floor) * (1.0 - belief)
    meets = cat.strike & cat.soil
    return np.where(meets[None, :], felt[:, None], 1.0)


def warning_received(
    params: Params,
    streams: Streams,
    day: int,
    runs: I,
    sender: int,
    target: I,
    lead: I,
    channel: I | None = None,
) -> B:
    """M3/M4 Forewarning: is a telegraphed strike's notice received in time?

    The target hears through its channel with the sender, or publicly (``public_delivery``)
    when there is none; every partner pledged to defend it (an alliance with ``defend`` > 0)
    hears only through its own channel with the sender — a channel that fails leaves the
    partners it serves unwarned. The defence is warned if any of them gets the notice no later
    than ``lead`` days before the strike lands (a notice is a message: it lands no sooner than
    ``min_message_lag_days`` after it is sent, M4). Each pair's notice travels through its
    fastest channel, or through the one the sender chose (``channel``, per run) for the pair
    that channel joins.
    """
    received = np.zeros(len(runs), dtype=np.bool_)
    for x in range(params.cast.n):
        if x == sender:
            continue
        partner = (target != x) & (params.backing.defend[runs, x, target] > 0)
        if params.channels.delay[sender, x] < 0:
            partner[:] = False  # a partner without a channel to the sender does not hear
        told = (target == x) | partner
        if not told.any():
            continue
        rows = np.flatnonzero(told)
        arrives, delay = channel_delivery(
            params,
            streams,
            day,
            runs[rows],
            sender,
            np.full(len(rows), x),
            f"warn:{params.cast.actors[sender]}>{params.cast.actors[x]}",
            None if channel is None else channel[rows],
        )
        lands = arrival_day(params, day, delay)  # no sooner than min_message_lag_days
        received[rows] |= arrives & (lands - day <= lead[rows])
    return received
