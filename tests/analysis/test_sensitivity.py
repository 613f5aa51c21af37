"""Sensitivity sweeps: designs, analyses on functions with known answers, a real small sweep."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.analysis.sensitivity import (
    Design,
    Param,
    Sweep,
    analyse,
    design_points,
    main_effect,
    parse_param,
    problem,
    run_sweep,
    tornado,
)
from escalade.scenario.load import ScenarioError
from tests.conftest import FIXTURES

DUEL = FIXTURES / "duel.yaml"
P3 = [Param("x1", 0.0, 1.0), Param("x2", 0.0, 1.0), Param("x3", 0.0, 1.0)]


def synthetic(design: Design, samples: int, f: object) -> Sweep:
    """A sweep whose every outcome is f(x): no simulation, a known answer."""
    x = design_points(P3, design, samples, seed=11)
    y = np.asarray([f(row) for row in x])  # type: ignore[operator]
    s = Sweep("synthetic", P3, design, samples, 1, 11, None, x, dict.fromkeys(
        ("p_war", "p_direct", "mean_max_rung", "mean_deaths"), y))  # fmt: skip
    s.indices = analyse(s)
    return s


def test_parse_param() -> None:
    assert parse_param("actors.IRN.resolve=0.2:0.8") == Param("actors.IRN.resolve", 0.2, 0.8)
    # Whether a field is swept in whole numbers comes from the schema, not from the bounds.
    assert parse_param("channels.0.delay_days=1:5").integer
    assert parse_param("initial_events.0.casualties.senior=0:4").integer
    assert not parse_param("model.war_cost=10:40").integer
    assert not parse_param("actors.IRN.leader.risk_tolerance=0:1").integer
    assert not parse_param("no.such.field=1:5").integer
    for bad in ("x", "x=1", "x=a:b", "x=3:1", "x=1:1", "=0:1", "x=0:inf"):
        with pytest.raises(ValueError):
            parse_param(bad)
    with pytest.raises(ValueError, match="once"):
        problem([Param("x", 0, 1), Param("x", 0, 2)])


@pytest.mark.parametrize(
    ("design", "samples", "points"),
    [(Design.SOBOL, 8, 8 * (3 + 2)), (Design.MORRIS, 4, 4 * (3 + 1)), (Design.LHS, 16, 16),
     (Design.GRID, 3, 27)],
)  # fmt: skip
def test_design_sizes_and_bounds(design: Design, samples: int, points: int) -> None:
    params = [Param("a", -1.0, 1.0), Param("b", 10.0, 20.0), Param("c", 1, 5, integer=True)]
    x = design_points(params, design, samples, seed=1)
    assert x.shape == (points, 3)
    assert np.all(x[:, 0] >= -1) and np.all(x[:, 0] <= 1)
    assert np.all(x[:, 1] >= 10) and np.all(x[:, 1] <= 20)
    assert np.all(x[:, 2] == np.round(x[:, 2]))
    assert np.array_equal(x, design_points(params, design, samples, seed=1))  # seeded


def test_sobol_needs_a_power_of_two() -> None:
    with pytest.raises(ValueError, match=r"power of two.*8 or 16"):
        design_points(P3, Design.SOBOL, 12, seed=0)


def test_an_lhs_design_has_more_points_than_twice_the_rbd_fast_harmonics() -> None:
    # RBD-FAST reads RBD_HARMONICS (4) harmonics from the sorted outputs: 8 points cannot
    # resolve them (SALib divided by zero on 8); 9 is the least.
    # A design of 8 points is still drawn (scenario discovery uses one, without indices).
    with pytest.raises(ValueError, match="at least 9"):
        run_sweep(DUEL, [Param("actors.RED.resolve", 0.2, 1.0)], Design.LHS, 8, 5)
    assert design_points(P3, Design.LHS, 8, seed=0).shape == (8, 3)


def test_sobol_indices_recover_a_linear_function() -> None:
    # y = 4 x1 + 2 x2 (x3 inert), x uniform: Var shares are 16/20 = 0.8, 4/20 = 0.2 and 0.
    s = synthetic(Design.SOBOL, 512, lambda r: 4 * r[0] + 2 * r[1])
    rows = {
        r["param"]: {k: float(v) for k, v in r.items() if k != "param"} for r in s.indices["p_war"]
    }
    # With N = 512 base samples the estimator's bootstrap half-widths are about 0.05-0.1;
    # we allow 0.1 around the exact values.
    assert rows["x1"]["S1"] == pytest.approx(0.8, abs=0.1)
    assert rows["x2"]["S1"] == pytest.approx(0.2, abs=0.1)
    assert abs(rows["x3"]["ST"]) < 0.05
    assert rows["x1"]["ST"] == pytest.approx(0.8, abs=0.1)


def test_morris_ranks_influence() -> None:
    s = synthetic(Design.MORRIS, 20, lambda r: 4 * r[0] + 2 * r[1])
    rows = {
        r["param"]: {k: float(v) for k, v in r.items() if k != "param"} for r in s.indices["p_war"]
    }
    # Elementary effects of a linear function are exact: mu* = slope (4 and 2), sigma = 0.
    assert rows["x1"]["mu_star"] == pytest.approx(4.0)
    assert rows["x2"]["mu_star"] == pytest.approx(2.0)
    assert rows["x3"]["mu_star"] == pytest.approx(0.0)
    assert rows["x1"]["sigma"] == pytest.approx(0.0, abs=1e-9)


def test_lhs_rbd_fast_ranks_influence() -> None:
    s = synthetic(Design.LHS, 512, lambda r: 4 * r[0] + 2 * r[1])
    rows = {
        r["param"]: {k: float(v) for k, v in r.items() if k != "param"} for r in s.indices["p_war"]
    }
    assert rows["x1"]["S1"] > rows["x2"]["S1"] > rows["x3"]["S1"]
    assert rows["x1"]["S1"] == pytest.approx(0.8, abs=0.1)


def test_grid_main_effects_are_exact() -> None:
    s = synthetic(Design.GRID, 5, lambda r: 4 * r[0] + 2 * r[1])
    rows = {r["param"]: r["S1"] for r in s.indices["p_war"]}
    assert rows == pytest.approx({"x1": 0.8, "x2": 0.2, "x3": 0.0})
    assert main_effect(np.array([0, 0, 1, 1]), np.array([1.0, 1.0, 1.0, 1.0])) == 0.0


def test_an_outcome_that_never_changes_gets_zero_indices() -> None:
    s = synthetic(Design.SOBOL, 8, lambda r: 0.25)
    assert all(r["S1"] == 0 and r["ST"] == 0 for r in s.indices["p_war"])


def test_tornado_swings_point_the_right_way() -> None:
    s = synthetic(Design.LHS, 64, lambda r: 4 * r[0] - 2 * r[1])
    bars = tornado(s)["p_war"]
    assert [b.param for b in bars][:2] == ["x1", "x2"]  # widest first
    x1, x2 = bars[0], bars[1]
    assert x1.high_mean > x1.baseline > x1.low_mean  # increasing in x1
    assert x2.high_mean < x2.low_mean  # decreasing in x2


def test_a_real_sweep_uses_common_random_numbers() -> None:
    # A 3-level grid of an integer parameter over 0:1 rounds to 0, 0, 1 (round half to
    # even): two levels are the same scenario, and with the same seed and run ids at every
    # point they must give identical outcomes, while the level 1 differs.
    params = [Param("initial_events.0.casualties.senior", 0, 1, integer=True)]
    s = run_sweep(DUEL, params, Design.GRID, samples=3, runs_per_point=40, seed=2)
    assert s.x[:, 0].tolist() == [0.0, 0.0, 1.0]
    for key, y in s.y.items():
        assert y[0] == y[1], key
    assert s.y["mean_max_rung"][2] != s.y["mean_max_rung"][0]
    assert set(s.indices) == {"p_war", "p_direct", "mean_max_rung", "mean_deaths"}


def test_sweep_results_do_not_depend_on_the_number_of_workers() -> None:
    params = [Param("actors.RED.resolve", 0.2, 1.0)]
    kw = {"design": Design.LHS, "samples": 9, "runs_per_point": 30, "seed": 4}
    ticks: list[int] = []
    one = run_sweep(DUEL, params, **kw, on_point=ticks.append)  # type: ignore[arg-type]
    two = run_sweep(DUEL, params, **kw, workers=2)  # type: ignore[arg-type]
    assert sum(ticks) == 9 + 1 + 2  # the design, the scenario, the parameter at each bound
    for key in one.y:
        assert np.array_equal(one.y[key], two.y[key])


def test_a_bad_path_is_reported_before_any_simulation() -> None:
    with pytest.raises(ScenarioError):
        run_sweep(DUEL, [Param("actors.NOBODY.resolve", 0, 1)], Design.LHS, 9, 10)


def test_the_tornado_is_centred_on_the_scenario_and_ordered_by_the_index() -> None:
    """Issue 13: the bars start from the scenario's own outcome (not the mean of the design
    points) and list the parameters in the order of the index shown beside them."""
    from escalade.analysis.sensitivity import RANKED_BY, simulate_point

    params = [Param("actors.RED.resolve", 0.2, 1.0), Param("model.war_cost", 5.0, 60.0)]
    s = run_sweep(DUEL, params, Design.MORRIS, samples=4, runs_per_point=30, seed=6)
    assert s.centre == simulate_point(DUEL, {}, 30, 6, None)
    low = simulate_point(DUEL, {"actors.RED.resolve": 0.2}, 30, 6, None)
    for key, bars in tornado(s).items():
        assert all(b.baseline == s.centre[key] for b in bars)
        bar = next(b for b in bars if b.param == "actors.RED.resolve")
        assert bar.low_mean == low[key]
        index = {str(r["param"]): float(r[RANKED_BY[s.design]]) for r in s.indices[key]}
        ranked = [index[b.param] for b in bars]
        assert ranked == sorted(ranked, reverse=True), key
