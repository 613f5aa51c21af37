"""Ensemble statistics with honest uncertainty: proportions with Wilson score intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

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
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    p = successes / trials
    denom = 1.0 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(label: str, mask: np.ndarray, confidence: float = CONFIDENCE) -> Proportion:
    k, n = int(np.sum(mask)), int(np.size(mask))
    lo, hi = wilson(k, n, confidence)
    return Proportion(label, k, n, lo, hi)


THRESHOLDS = {
    "direct exchange between states": "first_direct_day",
    "strikes on strategic assets": "first_strategic_day",
    "sustained war": "first_war_day",
    "combat by the watched actor": "first_combat_day",
}


def threshold_probabilities(outcomes: pa.Table, by_day: int | None = None) -> list[Proportion]:
    """P(threshold crossed), optionally by day ``by_day``, for each M12 threshold."""
    out = []
    for label, col in THRESHOLDS.items():
        day = outcomes[col]
        crossed = pc.fill_null(pc.is_valid(day), False)
        if by_day is not None:
            crossed = pc.and_(crossed, pc.fill_null(pc.less_equal(day, by_day), False))
        out.append(proportion(label, np.asarray(crossed)))
    return out


def rung_exceedance(outcomes: pa.Table, top: int) -> list[Proportion]:
    """P(max rung >= k) for k = 1 .. top."""
    rungs = np.asarray(outcomes["max_rung"])
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
    ended = np.asarray(outcomes["ended"].to_numpy(zero_copy_only=False))
    return [
        proportion(f"ended: {reason}", ended == reason)
        for reason in ("quiet", "ceasefire", "war", "ongoing")
    ]


def summary(outcomes: pa.Table, top: int = 13) -> dict[str, object]:
    """The headline numbers of an ensemble, as plain data (the CLI and report render it)."""
    deaths = np.asarray(outcomes["deaths"])
    cost = np.asarray(outcomes["defence_cost_usd"])
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
                *np.unique(np.asarray(outcomes["max_rung"]), return_counts=True), strict=True
            )
        },
    }
