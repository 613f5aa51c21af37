"""Ensemble statistics: Wilson intervals, thresholds by day, survival bands, precision vs n."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from escalade.analysis.stats import (
    crossed,
    default_sizes,
    distributions,
    half_width_table,
    mean_interval,
    median_rung,
    rung_distribution,
    runs_for_half_width,
    survival_curve,
    threshold_by_days,
    wilson,
    z_value,
)
from escalade.api import simulate
from escalade.scenario.schema import Scenario


def outcomes(days: list[int | None], rungs: list[int] | None = None) -> pa.Table:
    """A minimal outcome table: one threshold column set, others never crossed."""
    n = len(days)
    never = pa.array([None] * n, type=pa.int64())
    return pa.table(
        {
            "run": pa.array(range(n), type=pa.int64()),
            "max_rung": pa.array(rungs or [0] * n, type=pa.int64()),
            "first_direct_day": pa.array(days, type=pa.int64()),
            "first_strategic_day": never,
            "first_war_day": never,
            "first_combat_day": never,
            "deaths": pa.array(range(n), type=pa.int64()),
        }
    )


def test_wilson_matches_the_textbook_value() -> None:
    # Wilson (1927) score interval for 81/263 at 95%: 0.2553 – 0.3662 (Newcombe 1998a, ex. 1)
    lo, hi = wilson(81, 263)
    assert lo == pytest.approx(0.2553, abs=5e-5)
    assert hi == pytest.approx(0.3662, abs=5e-5)


def test_wilson_stays_inside_zero_one_at_the_extremes() -> None:
    assert wilson(0, 50)[0] == 0.0 and 0 < wilson(0, 50)[1] < 0.1
    assert wilson(50, 50)[1] == 1.0 and 0.9 < wilson(50, 50)[0] < 1


def test_threshold_by_day_counts_only_crossings_on_or_before_the_day() -> None:
    t = outcomes([0, 3, 3, 10, None])
    got = threshold_by_days(t, [0, 3, 9, 10])["direct exchange between states"]
    assert [p.successes for p in got] == [1, 3, 3, 4]
    assert all(p.trials == 5 for p in got)
    assert list(crossed(t, "first_direct_day")) == [True, True, True, True, False]


def test_survival_curve_steps_down_on_crossing_days_with_wilson_bands() -> None:
    t = outcomes([0, 3, 3, 10, None])
    s = survival_curve(t, "first_direct_day", horizon=12, label="direct")
    assert s.surviving[0] == pytest.approx(0.8)
    assert s.surviving[2] == pytest.approx(0.8)
    assert s.surviving[3] == pytest.approx(0.4)
    assert s.surviving[11] == pytest.approx(0.2)
    # Band at day 3: 1 - Wilson(3 crossed of 5), reversed.
    lo, hi = wilson(3, 5)
    assert (s.low[3], s.high[3]) == pytest.approx((1 - hi, 1 - lo))
    assert np.all(s.low <= s.surviving) and np.all(s.surviving <= s.high)
    assert np.all(np.diff(s.surviving) <= 0)


def test_mean_interval_is_the_student_t_interval() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    m = mean_interval("x", x)
    half = 3.182446305284263 * x.std(ddof=1) / 2  # t(0.975, 3)
    assert (m.mean, m.low, m.high) == pytest.approx((2.5, 2.5 - half, 2.5 + half))


def test_distributions_report_quantiles_and_share_nonzero() -> None:
    t = outcomes([None] * 101)
    (deaths,) = distributions(t)  # only the columns present are reported
    assert deaths.column == "deaths"
    assert deaths.quantiles[0.5] == 50 and deaths.quantiles[0.05] == 5
    assert deaths.max == 100
    assert deaths.share_nonzero.successes == 100


def test_rung_distribution_and_median() -> None:
    t = outcomes([None] * 5, rungs=[1, 3, 3, 7, 9])
    dist = rung_distribution(t, top=9)
    assert [p.successes for p in dist] == [0, 1, 0, 2, 0, 0, 0, 1, 0, 1]
    assert median_rung(t) == 3
    # An even count takes the lower middle value: always a rung some run reached.
    assert median_rung(outcomes([None] * 4, rungs=[1, 3, 7, 9])) == 3


def test_default_sizes_step_one_two_five_and_end_at_total() -> None:
    assert default_sizes(1000) == [20, 50, 100, 200, 500, 1000]
    assert default_sizes(10) == [10]


def test_half_width_falls_as_one_over_root_n() -> None:
    # 8,000 Bernoulli(0.3) draws (fixed seed). Away from p=0 or 1 the Wilson half-width is
    # z*sqrt(p(1-p)/n) up to O(1/n); p-hat from the first n draws is within a few
    # sqrt(p(1-p)/n) of 0.3, which moves the half-width by well under 10% for n >= 200.
    x = np.random.default_rng(7).random(8000) < 0.3
    rows = half_width_table(x, [200, 800, 3200])
    for r in rows:
        assert r.half_width == pytest.approx(r.predicted_half_width, rel=0.1)
    # Quadrupling n halves the interval (within the same 10%).
    assert rows[0].half_width / rows[1].half_width == pytest.approx(2.0, rel=0.1)
    assert rows[1].half_width / rows[2].half_width == pytest.approx(2.0, rel=0.1)
    scaled = [r.scaled for r in rows]
    limit = z_value() * math.sqrt(0.3 * 0.7)
    assert all(v == pytest.approx(limit, rel=0.1) for v in scaled)


def test_half_width_table_rejects_sizes_beyond_the_runs() -> None:
    with pytest.raises(ValueError, match="sizes must lie"):
        half_width_table(np.ones(10, dtype=bool), [20])


def test_runs_for_half_width() -> None:
    # 1.96^2 * 0.25 / 0.01^2 = 9604 runs for +-1 point at p = 1/2.
    assert runs_for_half_width(0.5, 0.01) == 9604
    with pytest.raises(ValueError):
        runs_for_half_width(0.5, 0.0)


def test_threshold_probabilities_on_a_real_ensemble_are_consistent(duel: Scenario) -> None:
    t = simulate(duel, runs=200, seed=3).outcomes
    by_day = threshold_by_days(t, [5, 15, duel.horizon_days - 1])
    for props in by_day.values():
        counts = [p.successes for p in props]
        assert counts == sorted(counts)  # crossing by day t can only grow with t
    final = by_day["direct exchange between states"][-1].successes
    assert final == int(crossed(t, "first_direct_day").sum())
