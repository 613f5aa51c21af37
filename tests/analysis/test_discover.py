"""Scenario discovery with PRIM (issue 13, item 4): the box, in words."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.analysis.discover import Bound, Discovery, cart_leaves, discover
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
    assert d.leaves, "CART finds a likely leaf where PRIM finds a box"
    for leaf in d.leaves:
        assert leaf.density > 0.5 and 0.0 < leaf.coverage <= 1.0
        assert round(leaf.mass * d.points) >= d.min_leaf  # no leaf smaller than the minimum


def test_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="--outcome"):
        discover(FIXTURES / "duel.yaml", [Param("model.war_cost", 0, 1)], "peace", samples=8)


def test_cart_finds_a_known_region() -> None:
    """High exactly where a > 0.6 and b < 0.3 (c is noise): a depth-2 tree's likely leaf is
    that region. With 400 uniform points about 400 x 0.3 = 120 lie in b < 0.3, so the points
    along a's cut are about 1/120 apart (and 1/(400 x 0.4) along b's): a cut lies within
    0.05 (several such gaps) of the truth."""
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(400, 3))
    high = (x[:, 0] > 0.6) & (x[:, 1] < 0.3)
    params = [Param("a", 0, 1), Param("b", 0, 1), Param("c", 0, 1)]
    leaves = cart_leaves(x, high, params, depth=2, min_leaf=5, labels={"a": "lever a"})
    assert len(leaves) == 1
    leaf = leaves[0]
    bounds = {b.path: b for b in leaf.bounds}
    assert set(bounds) == {"a", "b"}  # c, the noise, is not cut
    assert bounds["a"].low == pytest.approx(0.6, abs=0.05) and bounds["a"].high == 1
    assert bounds["b"].high == pytest.approx(0.3, abs=0.05) and bounds["b"].low == 0
    assert leaf.density == 1.0 and leaf.coverage == 1.0  # the region is exactly separable
    assert leaf.mass == pytest.approx(high.mean())
    assert leaf.words().startswith("lever a at least 0.6")


def test_cart_leaves_respect_the_minimum_leaf_size() -> None:
    """A lone high point is no region when a leaf must hold at least 5 points."""
    pytest.importorskip("sklearn")
    x = np.linspace(0, 1, 40)[:, None]
    high = np.zeros(40, dtype=bool)
    high[7] = True
    assert cart_leaves(x, high, [Param("a", 0, 1)], depth=3, min_leaf=5) == []
    assert cart_leaves(x, high, [Param("a", 0, 1)], depth=6, min_leaf=1)  # alone, it is found
    with pytest.raises(ValueError, match="depth"):
        cart_leaves(x, high, [Param("a", 0, 1)], depth=0)


def test_without_a_box_the_sentence_says_why_and_what_to_change() -> None:
    """An outcome certain at every point (april-2024's direct exchange) has no region to find:
    the sentence gives the spread and says to widen the ranges or raise --level."""

    def without_box(ys: list[float], level: float) -> str:
        d = Discovery("s", "direct", level, len(ys), 20, 0)
        d.design = [{"point": i, "y": y} for i, y in enumerate(ys)]
        d.base_rate = float(np.mean([y > level for y in ys]))
        return d.sentence()

    assert without_box([1.0, 1.0, 0.95], 1.0).startswith("No point has P(direct) above 1 ")
    assert "between 0.95 and 1" in without_box([1.0, 1.0, 0.95], 1.0)
    assert "raise --level" in without_box([0.6, 0.7], 0.5)
    assert "concentrates" in without_box([0.2, 0.7, 0.1, 0.9], 0.5)
