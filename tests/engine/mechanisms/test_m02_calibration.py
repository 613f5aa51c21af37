"""M2 Calibration: answers are sized to signal, not to win — credibility restored up to the
grievance, a cost for overshooting it, and a risk of counter-escalation convex in the rung."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.calibration import counter_escalation_risk, overshoot, signal
from tests.engine.mechanisms.tiny import batch

# A five-rung ladder (0..4) with one action a rung, so the numbers are easy to follow.
LADDER: list[dict[str, Any]] = [{"level": i, "name": f"rung {i}"} for i in range(5)]
ACTIONS: list[dict[str, Any]] = [
    {"name": "stand_down", "rung": 0, "kind": "deescalate"},
    {"name": "warn", "rung": 1, "kind": "statement"},
    {"name": "squeeze", "rung": 2, "kind": "pressure"},
    {"name": "sabotage", "rung": 3, "kind": "covert", "overt": False},
    {"name": "strike", "rung": 4, "kind": "strike", "soil": True},
]


def small_ladder(**model: float) -> Any:
    return batch(runs=2, ladder=LADDER, actions=ACTIONS, model=dict(model))


def test_credibility_is_restored_per_rung_up_to_the_grievance() -> None:
    b = small_ladder(signal_value=0.7)
    s = signal(b.params, b.runs, np.array([2.5, 10.0]))
    # signal_value x min(rung, grievance): a grievance of 2.5 rungs is restored by rung 2.5
    # at most: 0.7 x [0, 1, 2, 2.5, 2.5] = [0, 0.7, 1.4, 1.75, 1.75].
    assert s[0] == pytest.approx([0.0, 0.7, 1.4, 1.75, 1.75])
    # A grievance of 10 caps nothing on this ladder: 0.7 x [0, 1, 2, 3, 4].
    assert s[1] == pytest.approx([0.0, 0.7, 1.4, 2.1, 2.8])


def test_answering_above_the_grievance_costs_overshoot_cost_a_rung() -> None:
    b = small_ladder(overshoot_cost=0.3)
    o = overshoot(b.params, b.runs, np.array([2.5, 10.0]))
    # 0.3 x max(rung - 2.5, 0) = [0, 0, 0, 0.15, 0.45]; nothing overshoots a grievance of 10.
    assert o[0] == pytest.approx([0.0, 0.0, 0.0, 0.15, 0.45])
    assert o[1] == pytest.approx([0.0] * 5)


def test_counter_escalation_risk_rises_convexly_to_one_at_the_top_of_the_ladder() -> None:
    b = small_ladder(escalation_convexity=2.0)
    risk = counter_escalation_risk(b.params, b.runs)
    # (rung / top rung) ^ 2 with the top rung 4 (the ladder's, not a fixed 13):
    # [0, 1/16, 4/16, 9/16, 1].
    assert b.params.ladder_top == 4
    assert risk.shape == (2, 5)
    assert risk[0] == pytest.approx([0.0, 0.0625, 0.25, 0.5625, 1.0])


def test_on_the_default_ladder_a_large_salvo_carries_a_small_share_of_the_war_risk() -> None:
    b = batch(runs=1, model={"escalation_convexity": 8.0})
    risk = counter_escalation_risk(b.params, b.runs)[0]
    k = b.params.catalog.find("large_salvo")
    # Rung 8 of a ladder topped by rung 13: (8/13) ^ 8 = 0.0205.
    assert risk[k] == pytest.approx((8 / 13) ** 8)
    assert risk[k] == pytest.approx(0.0205, abs=1e-4)
