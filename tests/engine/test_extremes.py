"""Extreme but valid inputs: every amount at its upper bound (``MAX_AMOUNT``) still gives
finite outcomes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.scenario.distributions import MAX_AMOUNT
from escalade.scenario.load import validate
from escalade.simulation import run_batch
from tests.engine.test_properties import scenarios

MODEL_AMOUNTS = [
    "soil_weight",
    "senior_weight",
    "rung_weight",
    "casualty_weight",
    "damage_weight",
    "discharge",
    "obligation_pressure",
    "signal_value",
    "overshoot_cost",
    "war_cost",
    "escalation_convexity",
    "restraint_weight",
    "oil_stakes_weight",
    "perception_noise",
    "accept_end_below",
    "quiet_below",
]


def _extreme(data: dict[str, Any], chosen: set[str]) -> dict[str, Any]:
    """``data`` with the chosen kinds of amount set to the largest valid value."""
    top = MAX_AMOUNT
    if "effects" in chosen:
        for tc in data["target_classes"].values():
            tc.update(damage_per_hit=top, casualties_per_hit=top)
    if "costs" in chosen:
        for m in data["munitions"].values():
            m["unit_cost_usd"] = top
    for actor in data["actors"].values():
        if "costs" in chosen:
            for layer in actor.get("defence", {}).get("layers", []):
                layer["unit_cost_usd"] = top
        if "stakes" in chosen:
            actor["stakes"] = {"oil_exports_bpd": top, "value_at_risk": top}
        if "rationality" in chosen:
            actor.setdefault("policy", {})["rationality"] = top
        if "harassment" in chosen and actor["role"] == "proxy":
            actor["harassment_rate"] = top
    if "events" in chosen:
        for event in data["initial_events"]:
            event["damage"] = top
    for name in MODEL_AMOUNTS:
        if name in chosen:
            data["model"][name] = top
    return data


KINDS = ["effects", "costs", "stakes", "rationality", "harassment", "events", *MODEL_AMOUNTS]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=scenarios(),
    chosen=st.sets(st.sampled_from(KINDS), min_size=1),
    seed=st.integers(0, 2**32),
)
def test_amounts_at_their_bound_give_finite_outcomes(
    data: dict[str, Any], chosen: set[str], seed: int
) -> None:
    scenario = validate(_extreme(data, chosen))
    with warnings.catch_warnings():
        # The quantal response computes exp() of options it then masks out, which can
        # overflow harmlessly for huge utilities (policies/retaliation.py); what must hold is
        # that every outcome is finite.
        warnings.simplefilter("ignore", RuntimeWarning)
        out = run_batch(scenario, seed, np.arange(10)).outcomes
    for name in out.column_names:
        column = out[name]
        if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
            values = np.asarray(column.drop_null(), dtype=np.float64)
            assert np.isfinite(values).all(), name
