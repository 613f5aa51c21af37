"""Ensemble statistics with honest uncertainty: proportions with Wilson score intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import special

from escalade.analysis.columns import values
from escalade.outcomes import DISTRIBUTIONS, THRESHOLDS

CONFIDENCE = 0.95
"""Default confidence level of every interval escalade reports."""


@dataclass(frozen=True)
class Proportion:
    """An estimated probability with its Wilson score interval."""

    label: str
    successes: int
    trials: int
    low: float
    high: float

    @property
    def estimate(self) -> float:
        return self.successes / self.trials if self.trials else float("nan")

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "label": self.label,
            "p": self.estimate,
            "low": self.low,
            "high": self.high,
            "successes": self.successes,
            "runs": self.trials,
        }


def wilson(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good at p near 0 or 1)."""
    if trials == 0:
        return float("nan"), float("nan")
    z = float(special.ndtri(0.5 + confidence / 2.0))
    p = successes / trials
    denom = 1.0 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    low = 0.0 if successes == 0 else max(0.0, float(centre - half))
    high = 1.0 if successes == trials else min(1.0, float(centre + half))
    return low, high


def proportion(label: str, mask: np.ndarray, confidence: float = CONFIDENCE) -> Proportion:
    k, n = int(np.sum(mask)), int(np.size(mask))
    lo, hi = wilson(k, n, confidence)
    return Proportion(label, k, n, lo, hi)


def threshold_probabilities(outcomes: pa.Table, by_day: int | None = None) -> list[Proportion]:
    """P(threshold crossed), optionally by day ``by_day``, for each M12 threshold."""
    out = []
    for label, col in THRESHOLDS.items():
        day = outcomes[col]
        crossed = pc.is_valid(day)  # a validity mask, never null
        if by_day is not None:
            crossed = pc.and_(crossed, pc.fill_null(pc.less_equal(day, by_day), False))
        out.append(proportion(label, values(crossed)))
    return out


def rung_exceedance(outcomes: pa.Table, top: int) -> list[Proportion]:
    """P(max rung >= k) for k = 1 .. top."""
    rungs = values(outcomes["max_rung"])
    return [proportion(f"max rung >= {k}", rungs >= k) for k in range(1, top + 1)]


def survival(outcomes: pa.Table, column: str, horizon: int) -> np.ndarray:
    """Share of runs that have not crossed a threshold by each day 0 .. horizon-1."""
    day = np.asarray(pc.fill_null(outcomes[column], horizon + 1))
    counts = np.bincount(np.minimum(day, horizon), minlength=horizon + 1)[:horizon]
    return 1.0 - np.cumsum(counts) / max(len(day), 1)


def quantiles(values: np.ndarray, qs: tuple[float, ...] = (0.05, 0.5, 0.95)) -> list[float]:
    if len(values) == 0:
        return [float("nan")] * len(qs)
    return [float(v) for v in np.quantile(values, qs)]


def ending_shares(outcomes: pa.Table) -> list[Proportion]:
    ended = values(outcomes["ended"])
    return [
        proportion(f"ended: {reason}", ended == reason)
        for reason in ("quiet", "ceasefire", "war", "ongoing")
    ]


def summary(outcomes: pa.Table, top: int = 13) -> dict[str, object]:
    """The headline numbers of an ensemble, as plain data (the CLI and report render it)."""
    deaths = values(outcomes["deaths"])
    cost = values(outcomes["defence_cost_usd"])
    return {
        "runs": outcomes.num_rows,
        "thresholds": [p.as_dict() for p in threshold_probabilities(outcomes)],
        "endings": [p.as_dict() for p in ending_shares(outcomes)],
        "max_rung": [p.as_dict() for p in rung_exceedance(outcomes, top)],
        "deaths_q05_q50_q95": quantiles(deaths),
        "mean_deaths": float(deaths.mean()) if len(deaths) else float("nan"),
        "defence_cost_usd_q05_q50_q95": quantiles(cost),
        "max_rung_distribution": {
            int(k): int(v)
            for k, v in zip(
                *np.unique(values(outcomes["max_rung"]), return_counts=True), strict=True
            )
        },
    }


# --------------------------------------------------------------------------------------------
# Intervals for means, thresholds by day, survival with bands, distributions, precision vs n.
# --------------------------------------------------------------------------------------------


def z_value(confidence: float = CONFIDENCE) -> float:
    """The two-sided standard normal quantile of ``confidence`` (1.96 at 95%)."""
    return float(special.ndtri(0.5 + confidence / 2.0))


@dataclass(frozen=True)
class Mean:
    """A sample mean with its Student-t interval (the sampling error of the mean, not spread)."""

    label: str
    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "label": self.label,
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "runs": self.n,
        }


def mean_interval(label: str, values: np.ndarray, confidence: float = CONFIDENCE) -> Mean:
    """Mean ± t(n-1) · s/√n; exact for normal data, and by the CLT for large ensembles."""
    x = np.asarray(values, dtype=np.float64)
    n = int(x.size)
    if n == 0:
        return Mean(label, float("nan"), float("nan"), float("nan"), 0)
    m = float(x.mean())
    if n == 1:
        return Mean(label, m, float("nan"), float("nan"), 1)
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2.0)) * float(x.std(ddof=1)) / np.sqrt(n)
    return Mean(label, m, m - half, m + half, n)


def crossed(outcomes: pa.Table, column: str, by_day: int | None = None) -> np.ndarray:
    """Per run: was the threshold whose first day is ``column`` crossed (by day ``by_day``)?"""
    day = outcomes[column]
    mask = pc.fill_null(pc.is_valid(day), False)
    if by_day is not None:
        mask = pc.and_(mask, pc.fill_null(pc.less_equal(day, by_day), False))
    return np.asarray(mask, dtype=np.bool_)


def threshold_by_days(
    outcomes: pa.Table, days: list[int], confidence: float = CONFIDENCE
) -> dict[str, list[Proportion]]:
    """P(threshold crossed by day t) with Wilson intervals, for each threshold and each t."""
    return {
        label: [
            proportion(f"{label} by day {t}", crossed(outcomes, col, t), confidence) for t in days
        ]
        for label, col in THRESHOLDS.items()
    }


@dataclass(frozen=True)
class Survival:
    """Share of runs that have not crossed a threshold by the end of each day, with bands.

    There is no censoring inside the horizon: a run that ends early (quiet, cease-fire) has
    ended and can no longer cross, so each day's share is a plain binomial proportion and
    its band is the Wilson interval (pointwise, not simultaneous).
    """

    label: str
    column: str
    days: np.ndarray
    surviving: np.ndarray
    low: np.ndarray
    high: np.ndarray
    runs: int


def survival_curve(
    outcomes: pa.Table,
    column: str,
    horizon: int,
    label: str = "",
    confidence: float = CONFIDENCE,
) -> Survival:
    """Survival (not yet crossed) by the end of each day 0 .. horizon-1, with Wilson bands."""
    n = outcomes.num_rows
    day = np.asarray(pc.fill_null(outcomes[column], horizon + 1))
    counts = np.bincount(np.minimum(day, horizon), minlength=horizon + 1)[:horizon]
    crossed_by = np.cumsum(counts)
    bands = np.array([wilson(int(k), n, confidence) for k in crossed_by]).reshape(-1, 2)
    return Survival(
        label=label or column,
        column=column,
        days=np.arange(horizon),
        surviving=1.0 - crossed_by / max(n, 1),
        low=1.0 - bands[:, 1],
        high=1.0 - bands[:, 0],
        runs=n,
    )


def survival_curves(
    outcomes: pa.Table, horizon: int, confidence: float = CONFIDENCE
) -> list[Survival]:
    """One survival curve per M12 threshold."""
    return [
        survival_curve(outcomes, col, horizon, label, confidence)
        for label, col in THRESHOLDS.items()
    ]


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Distribution:
    """Quantiles of a per-run quantity (its spread) and its mean with an interval."""

    label: str
    column: str
    mean: Mean
    quantiles: dict[float, float]
    max: float
    share_nonzero: Proportion

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "column": self.column,
            "mean": self.mean.mean,
            "mean_low": self.mean.low,
            "mean_high": self.mean.high,
            "quantiles": {f"q{round(q * 100):02d}": v for q, v in self.quantiles.items()},
            "max": self.max,
            "share_nonzero": self.share_nonzero.as_dict(),
        }


def distribution(
    outcomes: pa.Table,
    column: str,
    label: str = "",
    qs: tuple[float, ...] = QUANTILES,
    confidence: float = CONFIDENCE,
) -> Distribution:
    values = np.asarray(outcomes[column], dtype=np.float64)
    label = label or column
    return Distribution(
        label=label,
        column=column,
        mean=mean_interval(label, values, confidence),
        quantiles=dict(zip(qs, quantiles(values, qs), strict=True)),
        max=float(values.max()) if len(values) else float("nan"),
        share_nonzero=proportion(f"{label} > 0", values > 0, confidence),
    )


def distributions(
    outcomes: pa.Table, columns: dict[str, str] | None = None, confidence: float = CONFIDENCE
) -> list[Distribution]:
    """Casualty, damage, munition and cost distributions (columns absent are skipped)."""
    wanted = DISTRIBUTIONS if columns is None else columns
    return [
        distribution(outcomes, col, label, confidence=confidence)
        for label, col in wanted.items()
        if col in outcomes.column_names
    ]


@dataclass(frozen=True)
class Precision:
    """How wide a proportion's interval is after ``n`` runs (one row of a precision table)."""

    n: int
    estimate: float
    low: float
    high: float
    half_width: float
    predicted_half_width: float
    scaled: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "runs": self.n,
            "p": self.estimate,
            "low": self.low,
            "high": self.high,
            "half_width": self.half_width,
            "predicted_half_width": self.predicted_half_width,
            "half_width_x_sqrt_n": self.scaled,
        }


def default_sizes(total: int, smallest: int = 20) -> list[int]:
    """Sizes 20, 50, 100, 200, 500, ... (1-2-5 steps) below ``total``, then ``total``."""
    steps = [m * 10**e for e in range(1, 10) for m in (1, 2, 5)]
    return [n for n in steps if smallest <= n < total] + [total]


def half_width_table(
    mask: np.ndarray, sizes: list[int] | None = None, confidence: float = CONFIDENCE
) -> list[Precision]:
    """Interval half-width of a proportion estimated from the first n runs, for several n.

    ``predicted_half_width`` is z·√(p(1−p)/n) with p the estimate from all runs: the
    half-width falls as 1/√n, so ``half_width_x_sqrt_n`` stays roughly constant (it is exactly
    z·√(p(1−p)) in the limit). Quadrupling the runs halves the interval.
    """
    x = np.asarray(mask, dtype=np.bool_)
    total = int(x.size)
    p_all = float(x.mean()) if total else float("nan")
    z = z_value(confidence)
    rows = []
    for n in sizes or default_sizes(total):
        if n < 1 or n > total:
            raise ValueError(f"sizes must lie in 1..{total}, got {n}")
        k = int(x[:n].sum())
        lo, hi = wilson(k, n, confidence)
        half = (hi - lo) / 2.0
        rows.append(
            Precision(
                n=n,
                estimate=k / n,
                low=lo,
                high=hi,
                half_width=half,
                predicted_half_width=z * float(np.sqrt(p_all * (1 - p_all) / n)),
                scaled=half * float(np.sqrt(n)),
            )
        )
    return rows


def runs_for_half_width(p: float, half_width: float, confidence: float = CONFIDENCE) -> int:
    """Runs needed for a normal-approximation interval of ±``half_width`` at proportion p."""
    if not 0 < half_width < 1:
        raise ValueError(f"half_width must lie in (0, 1), got {half_width}")
    p = min(max(p, 0.0), 1.0)
    z = z_value(confidence)
    return max(1, int(np.ceil(z * z * max(p * (1 - p), 1e-12) / (half_width * half_width))))


def rung_distribution(
    outcomes: pa.Table, top: int, confidence: float = CONFIDENCE
) -> list[Proportion]:
    """P(max rung = k) for k = 0 .. top, with Wilson intervals."""
    rungs = np.asarray(outcomes["max_rung"])
    return [proportion(f"max rung = {k}", rungs == k, confidence) for k in range(top + 1)]


def median_rung(outcomes: pa.Table) -> int:
    """The (lower) median of the runs' highest rungs: a rung some run actually reached."""
    rungs = np.asarray(outcomes["max_rung"])
    if len(rungs) == 0:
        raise ValueError("no runs")
    return int(np.quantile(rungs, 0.5, method="lower"))
