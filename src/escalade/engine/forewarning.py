"""M3 Forewarning: telegraphing a strike lets the target and its partners prepare.

An actor that telegraphs gives ``forewarning_lead_days`` of notice; the notice travels to the
target and to every partner pledged to defend it (M4), and the defence is warned if any of them
hears in time. In the calculus a telegraphed strike loses ``forewarning_signal_discount`` of its
signal value and ``forewarning_risk_discount`` of its counter-escalation risk. See
docs/model/M3-forewarning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.channels import channel_delivery
from escalade.engine.compiled import B, Cast, F, I, indices, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params


@dataclass(frozen=True)
class ForewarningParams:
    """M3 parameters."""

    lead_days: I  # (A,) days of notice each actor gives when it telegraphs
    signal_discount: F  # (R,)
    risk_discount: F  # (R,)
    min_answer_lag_days: int  # a scheduled answer lands no sooner than this many days on

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> ForewarningParams:
        return cls(
            lead_days=indices([a.policy.forewarning_lead_days for a in scenario.actors.values()]),
            signal_discount=model_draw(scenario, streams, "forewarning_signal_discount"),
            risk_discount=model_draw(scenario, streams, "forewarning_risk_discount"),
            min_answer_lag_days=scenario.model.min_answer_lag_days,
        )


def lead_time(params: Params, actor: int, telegraphed: B) -> I:
    """M3: days of notice given for each scheduled strike (0 when not telegraphed)."""
    return np.where(telegraphed, params.forewarning.lead_days[actor], 0)


def landing_day(params: Params, day: int, lead: I) -> I:
    """M3: an answer decided on ``day`` lands after its notice, and no sooner than
    ``min_answer_lag_days``."""
    return day + np.maximum(lead, params.forewarning.min_answer_lag_days)


def warning_received(
    params: Params, streams: Streams, day: int, runs: I, sender: int, target: I, lead: I
) -> B:
    """M3/M4 Forewarning: is a telegraphed strike's notice received in time?

    The notice goes to the target and to every partner pledged to defend it (an alliance with
    ``defend`` > 0): through their channel with the sender (its delay and fidelity), or
    publicly where there is none. The defence is warned if any of them gets it no later than
    ``lead`` days before the strike lands.
    """
    received = np.zeros(len(runs), dtype=np.bool_)
    for x in range(params.cast.n):
        told = (target == x) | (params.backing.defend[runs, x, target] > 0)
        if x == sender or not told.any():
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
        )
        received[rows] |= arrives & (delay <= lead[rows])
    return received
