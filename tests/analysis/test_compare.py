"""Paired comparisons: Newcombe's intervals, the gain from common random numbers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from escalade.analysis.compare import (
    align,
    compare,
    independent_proportion,
    newcombe_independent,
    newcombe_paired,
    paired_mean,
    paired_proportion,
    wald_paired,
)
from escalade.api import simulate
from escalade.scenario.load import load_scenario
from tests.conftest import FIXTURES

DUEL = FIXTURES / "duel.yaml"


def test_newcombe_paired_matches_the_published_example() -> None:
    # Fagerland, Lydersen & Laake, "Statistical analysis of contingency tables" (2017),
    # ch. 8, Cavo et al. (2012): table [[59, 6], [16, 80]]; difference -0.0621,
    # Newcombe square-and-add 95% CI -0.1186 to -0.0046, Wald -0.1184 to -0.0058.
    lo, hi = newcombe_paired(59, 6, 16, 80)
    assert (lo, hi) == pytest.approx((-0.1186, -0.0046), abs=5e-5)
    first = np.r_[np.ones(65), np.zeros(96)].astype(bool)
    second = np.r_[np.ones(59), np.zeros(6), np.ones(16), np.zeros(80)].astype(bool)
    assert wald_paired(second, first) == pytest.approx((-0.1184, -0.0058), abs=5e-5)


def test_newcombe_independent_matches_the_published_example() -> None:
    # Newcombe (1998), Stat. Med. 17:873, table II example (c): 56/70 - 48/80,
    # method 10: 0.0524 to 0.3339.
    assert newcombe_independent(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_paired_interval_covers_the_true_difference_95_percent_of_the_time() -> None:
    # 1,500 synthetic paired samples of n = 200 (fixed seed), P_A = 0.3, P_B = 0.4, the two
    # outcomes sharing their uniform draw in 70% of runs (as common random numbers do).
    # Coverage is a binomial proportion over 1,500 trials: s.e. sqrt(.95*.05/1500) = 0.0056,
    # so +-3 s.e. is [0.933, 0.967].
    rng = np.random.default_rng(20240413)
    reps, n, pa_, pb_ = 1500, 200, 0.3, 0.4
    hits = 0
    for _ in range(reps):
        u1, u2 = rng.random(n), rng.random(n)
        a = u1 < pa_
        b = np.where(rng.random(n) < 0.7, u1, u2) < pb_
        d = paired_proportion("x", a, b)
        hits += d.low <= pb_ - pa_ <= d.high
    assert 0.933 <= hits / reps <= 0.967


def test_paired_intervals_agree_with_the_per_run_standard_error_for_large_counts() -> None:
    rng = np.random.default_rng(5)
    u = rng.random(20_000)
    a, b = u < 0.30, u < 0.33
    d = paired_proportion("x", a, b)
    lo, hi = wald_paired(a, b)
    assert d.diff == pytest.approx(b.mean() - a.mean())
    assert (d.low, d.high) == pytest.approx((lo, hi), abs=0.002)


def test_a_rare_threshold_still_gets_an_honest_interval() -> None:
    # Never crossed in either arm: the Wald interval from the per-run differences would
    # have zero width; Newcombe's does not claim the difference is known to be exactly 0.
    a = b = np.zeros(300, dtype=bool)
    d = paired_proportion("x", a, b)
    assert d.diff == 0 and d.low < 0 < d.high
    assert wald_paired(a, b) == (0.0, 0.0)


def test_paired_mean_is_a_t_interval_on_the_differences() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    b = a + np.array([1.0, 1.5, 0.5, 1.0, 1.0])
    d = paired_mean("x", a, b)
    diffs = b - a
    half = 2.7764451051977987 * diffs.std(ddof=1) / np.sqrt(5)  # t(0.975, 4)
    assert (d.diff, d.low, d.high) == pytest.approx((1.0, 1.0 - half, 1.0 + half))
    # The arms vary a lot but their differences little: pairing is what makes it precise.
    assert d.gain > 3


def test_align_refuses_arms_with_different_runs() -> None:
    a = pa.table({"run": [0, 1, 2]})
    with pytest.raises(ValueError, match="same run ids"):
        align(a, pa.table({"run": [0, 1, 3]}))
    x, y = align(pa.table({"run": [2, 0, 1]}), pa.table({"run": [0, 1, 2]}))
    assert x["run"].to_pylist() == y["run"].to_pylist() == [0, 1, 2]


def test_an_arm_compared_with_itself_differs_by_nothing() -> None:
    t = simulate(load_scenario(DUEL), runs=100, seed=1).outcomes
    for d in compare(t, t):
        assert d.diff == 0
        assert d.low <= 0 <= d.high


def test_common_random_numbers_give_narrower_intervals_than_independent_seeds() -> None:
    # Arm B raises RED's resolve. Paired: both arms with seed 5 and runs 0..399. Independent:
    # arm B with seed 6. The half-widths are themselves estimates with relative sampling error
    # about 1/sqrt(2n) = 3.5% at n = 400 (for means; similar for the proportions' s.e.), so
    # the factor of ~2 observed with these seeds is many standard errors from "no gain"; we
    # require 0.7.
    n = 400
    a = simulate(load_scenario(DUEL), runs=n, seed=5).outcomes
    spec_b = load_scenario(DUEL, {"actors.RED.resolve": 0.9})
    b_same = simulate(spec_b, runs=n, seed=5).outcomes
    b_other = simulate(spec_b, runs=n, seed=6).outcomes
    paired = {d.label: d for d in compare(a, b_same, paired=True)}
    indep = {d.label: d for d in compare(a, b_other, paired=False)}
    for label in ("P(direct exchange)", "mean max rung"):
        assert paired[label].half_width < 0.7 * indep[label].half_width, label
        # The "unpaired" width reported beside a paired one predicts the independent design.
        assert paired[label].unpaired_half_width == pytest.approx(indep[label].half_width, rel=0.25)
    # Both designs estimate the same effect: their intervals overlap.
    for label in paired:
        assert paired[label].low <= indep[label].high and indep[label].low <= paired[label].high


def test_independent_proportion_uses_the_hybrid_score_interval() -> None:
    a = np.r_[np.ones(48), np.zeros(32)].astype(bool)
    b = np.r_[np.ones(56), np.zeros(14)].astype(bool)
    d = independent_proportion("x", a, b)
    assert (d.low, d.high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
