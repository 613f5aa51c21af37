"""Scenario discovery with PRIM (issue 13, item 4): the box, in words."""

from __future__ import annotations

import pytest

from escalade.analysis.discover import Bound, discover
from escalade.analysis.sensitivity import Param
from tests.conftest import FIXTURES

pytest.importorskip("prim")


def test_bounds_are_said_in_words() -> None:
    assert Bound("x", "x", 0.3, 1.0, 0.0, 1.0).words() == "x at least 0.3 (of 0–1)"
    assert Bound("x", "x", 0.0, 0.4, 0.0, 1.0).words() == "x at most 0.4 (of 0–1)"
    assert "between 0.2 and 0.4" in Bound("x", "x", 0.2, 0.4, 0.0, 1.0).words()


def test_discovery_reports_a_box_consistent_with_its_points() -> None:
    """War in the duel needs a low cost of war: the box's density beats the base rate and
    its coverage and density are shares."""
    params = [Param("model.war_cost", 0.0, 200.0), Param("actors.RED.resolve", 0.2, 1.0)]
    d = discover(FIXTURES / "duel.yaml", params, "direct", samples=24, runs_per_point=20, seed=5)
    assert d.points == 24 and 0.0 < d.base_rate < 1.0
    assert d.bounds, d.sentence()
    assert 0.0 < d.coverage <= 1.0 and d.base_rate <= d.density <= 1.0
    assert d.sentence().startswith("P(direct) >")
    assert all(b.range_low <= b.low <= b.high <= b.range_high for b in d.bounds)


def test_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="--outcome"):
        discover(FIXTURES / "duel.yaml", [Param("model.war_cost", 0, 1)], "peace", samples=8)
