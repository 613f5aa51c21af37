"""Scores, buckets and baselines on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from escalade.analysis.hindcast import (
    LAG_LABELS,
    RUNG_BUCKETS,
    RUNG_LABELS,
    Forecast,
    brier_score,
    climatology_loo,
    first_answers,
    in_kind_forecast,
    lag_bucket,
    log_score,
    reliability,
    rung_bucket,
    smoothed,
    uniform_forecast,
)


def test_log_score_is_the_log_of_the_probability_of_what_happened() -> None:
    p = [0.5, 0.25, 0.25]
    assert log_score(p, 0) == pytest.approx(math.log(0.5))
    assert log_score(p, 2) == pytest.approx(-1.3862944)
    assert log_score([1.0, 0.0], 0) == 0.0
    assert log_score([1.0, 0.0], 1) == -math.inf


def test_brier_score_sums_squared_errors_over_buckets() -> None:
    # (0.5-1)^2 + 0.25^2 + 0.25^2 = 0.25 + 0.0625 + 0.0625
    assert brier_score([0.5, 0.25, 0.25], 0) == pytest.approx(0.375)
    # (0.5)^2 + (0.25-1)^2 + 0.25^2 = 0.25 + 0.5625 + 0.0625
    assert brier_score([0.5, 0.25, 0.25], 1) == pytest.approx(0.875)
    assert brier_score([1.0, 0.0], 0) == 0.0
    assert brier_score([0.0, 1.0], 0) == pytest.approx(2.0)


def test_smoothing_keeps_every_bucket_above_zero() -> None:
    p = smoothed([8, 0, 2], alpha=0.5)
    # (8.5, 0.5, 2.5) / 11.5
    assert p == pytest.approx([8.5 / 11.5, 0.5 / 11.5, 2.5 / 11.5])
    assert p.sum() == pytest.approx(1.0)
    assert math.isfinite(log_score(p, 1))
    assert smoothed([3, 1], alpha=0.0) == pytest.approx([0.75, 0.25])


@pytest.mark.parametrize(
    ("rung", "label"),
    [
        (0, "0–1"),
        (1, "0–1"),
        (2, "2–3"),
        (3, "2–3"),
        (4, "4–5"),
        (5, "4–5"),
        (6, "6"),
        (7, "7"),
        (8, "8"),
        (9, "9+"),
        (12, "9+"),
        (13, "9+"),
    ],
)
def test_rung_buckets(rung: int, label: str) -> None:
    assert RUNG_LABELS[rung_bucket(rung)] == label
    assert RUNG_BUCKETS[rung_bucket(rung)].contains(rung)


@pytest.mark.parametrize(
    ("lag", "label"),
    [
        (0, "0–3"),
        (3, "0–3"),
        (4, "4–7"),
        (7, "4–7"),
        (8, "8–14"),
        (14, "8–14"),
        (15, "15–30"),
        (30, "15–30"),
        (31, "31+"),
        (62, "31+"),
        (None, "none"),
        (-1, "none"),
    ],
)
def test_lag_buckets(lag: int | None, label: str) -> None:
    assert LAG_LABELS[lag_bucket(lag)] == label


def test_climatology_leaves_the_scored_episode_out() -> None:
    # observed buckets of four episodes over K = 3 buckets
    out = climatology_loo([0, 0, 1, 2], k=3, alpha=0.5)
    # episode 0: the others are (0, 1, 2) -> counts (1, 1, 1) + 0.5 -> 1/3 each
    assert out[0] == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    # episode 2 (bucket 1): others (0, 0, 2) -> (2.5, 0.5, 1.5) / 4.5
    assert out[2] == pytest.approx([2.5 / 4.5, 0.5 / 4.5, 1.5 / 4.5])
    # an episode alone in its bucket gets only the smoothing mass there
    assert out[3][2] == pytest.approx(0.5 / 4.5)


def test_in_kind_and_uniform_baselines() -> None:
    p = in_kind_forecast(2, k=4, runs=100, alpha=0.5)
    assert p == pytest.approx([0.5 / 102, 0.5 / 102, 100.5 / 102, 0.5 / 102])
    assert uniform_forecast(7) == pytest.approx(np.full(7, 1 / 7))
    assert log_score(uniform_forecast(7), 3) == pytest.approx(-math.log(7))


def test_reliability_bins_every_episode_and_bucket() -> None:
    forecasts = [np.array([0.9, 0.1, 0.0]), np.array([0.3, 0.3, 0.4])]
    observed = [0, 2]
    bins = reliability(forecasts, observed, edges=(0.0, 0.2, 0.5, 1.0))
    # probabilities 0.9, 0.1, 0.0 (bucket 0 happened) and 0.3, 0.3, 0.4 (bucket 2 happened)
    assert [b.n for b in bins] == [2, 3, 1]
    low, mid, high = bins
    assert (low.hits, low.observed_frequency, low.mean_predicted) == (0, 0.0, pytest.approx(0.05))
    assert mid.hits == 1 and mid.mean_predicted == pytest.approx(1 / 3)
    assert mid.observed_frequency == pytest.approx(1 / 3)
    assert (high.hits, high.observed_frequency) == (1, 1.0)


def test_reliability_counts_the_hit_in_its_bin() -> None:
    bins = reliability([np.array([0.3, 0.3, 0.4])], [2], edges=(0.0, 0.35, 1.0))
    assert (bins[0].n, bins[0].hits) == (2, 0)
    assert (bins[1].n, bins[1].hits, bins[1].observed_frequency) == (1, 1, 1.0)


def _events(rows: list[tuple[int, int, str, str, str, int]]) -> pa.Table:
    run, day, kind, actor, target, rung = zip(*rows, strict=True)
    return pa.table(
        {
            "run": pa.array(run, pa.int64()),
            "day": pa.array(day, pa.int64()),
            "kind": pa.array(kind),
            "actor": pa.array(actor),
            "target": pa.array(target),
            "rung": pa.array(rung, pa.int64()),
        }
    )


def test_first_answer_rule() -> None:
    events = _events(
        [
            # run 0: talk first (not an answer), then a strike on the trigger's actor on day 4
            (0, 0, "trigger", "ISR", "IRN", 6),
            (0, 1, "statement", "IRN", "ISR", 1),
            (0, 2, "warning", "IRN", "ISR", 8),
            (0, 4, "strike", "IRN", "ISR", 8),
            (0, 9, "strike", "IRN", "ISR", 9),
            # run 1: strikes elsewhere and a proxy's harassment do not count; the patron does
            (1, 2, "strike", "IRN", "USA", 8),
            (1, 3, "harassment", "IRN", "ISR", 4),
            (1, 5, "strike", "HEZ", "ISR", 4),
            (1, 6, "strike", "IRN", "PATRON", 5),
            # run 2: two acts on the first day: the higher rung is the answer
            (2, 3, "statement", "IRN", "ISR", 2),
            (2, 3, "strike", "IRN", "ISR", 7),
            # run 3: nothing but talk and a declared end
            (3, 1, "statement", "IRN", "ISR", 1),
            (3, 2, "declaration", "IRN", "ISR", 0),
            # run 4: an act before the trigger's day does not count
            (4, 0, "strike", "IRN", "ISR", 5),
            (4, 3, "strike", "IRN", "ISR", 7),
        ]
    )
    run_ids = np.arange(6)  # run 5 has no events at all
    rung, lag = first_answers(events, run_ids, "IRN", ("ISR", "PATRON"), trigger_day=1)
    assert rung.tolist() == [8, 5, 7, 0, 7, 0]
    assert lag.tolist() == [3, 5, 2, -1, 2, -1]


def test_forecast_counts_buckets_and_joint() -> None:
    rung = np.array([0, 0, 7, 8, 8, 9, 3])
    lag = np.array([-1, -1, 5, 12, 12, 40, 0])
    f = Forecast.from_answers(rung, lag)
    assert f.runs == 7
    assert f.rung.tolist() == [2, 1, 0, 0, 1, 2, 1]
    assert f.lag.tolist() == [1, 1, 2, 0, 1, 2]
    assert f.joint.sum() == 7 and f.joint[0, 5] == 2 and f.joint[5, 2] == 2
    assert f.by_rung == {0: 2, 3: 1, 7: 1, 8: 2, 9: 1}
    assert f.median_lag == 12.0  # median of 0, 5, 12, 12, 40 (runs that answered)
