"""M2 Calibration: answers are sized to signal, not to win.

Credibility is restored per rung answered up to the grievance (``signal_value``); answering
above it costs ``overshoot_cost`` a rung; the risk of a more severe counter-blow rises
convexly with the rung (``escalation_convexity``). See docs/model/M2-calibration.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import Cast, F, I, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params


@dataclass(frozen=True)
class CalibrationParams:
    """M2 parameters, each (R,)."""

    signal_value: F
    overshoot_cost: F
    escalation_convexity: F
    unacknowledged_signal_discount: F
    unacknowledged_risk_discount: F

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> CalibrationParams:
        return cls(
            signal_value=model_draw(scenario, streams, "signal_value"),
            overshoot_cost=model_draw(scenario, streams, "overshoot_cost"),
            escalation_convexity=model_draw(scenario, streams, "escalation_convexity"),
            unacknowledged_signal_discount=model_draw(
                scenario, streams, "unacknowledged_signal_discount"
            ),
            unacknowledged_risk_discount=model_draw(
                scenario, streams, "unacknowledged_risk_discount"
            ),
        )


def signal(params: Params, runs: I, grievance: F) -> F:
    """M2: (n, K) ``signal_value x min(rung, grievance)``: credibility restored per answer."""
    r = params.catalog.rung.astype(np.float64)[None, :]
    return params.calibration.signal_value[runs][:, None] * np.minimum(r, grievance[:, None])


def overshoot(params: Params, runs: I, grievance: F) -> F:
    """M2: (n, K) ``overshoot_cost x max(rung - grievance, 0)``: the cost of answering too big."""
    r = params.catalog.rung.astype(np.float64)[None, :]
    return params.calibration.overshoot_cost[runs][:, None] * np.maximum(
        r - grievance[:, None], 0.0
    )


def counter_escalation_risk(params: Params, runs: I) -> F:
    """M2: (n, K) ``(rung / top rung) ^ escalation_convexity``: how sharply the risk of a more
    severe counter-blow rises with an answer's rung."""
    rung = params.catalog.rung.astype(np.float64) / max(params.ladder_top, 1)
    return rung[None, :] ** params.calibration.escalation_convexity[runs][:, None]
