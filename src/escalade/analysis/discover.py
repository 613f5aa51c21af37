"""Scenario discovery: the regions of parameter space where an outcome is likely (PRIM).

Design points are drawn over the ranges of some scenario fields (a Latin hypercube), each
simulated with the same seed and run ids (common random numbers, :func:`run_sweep`), and the
Patient Rule Induction Method (Friedman & Fisher 1999, the ``prim`` package) peels the box of
parameter space where the points with a high probability of the outcome concentrate. A box is
reported by its *coverage* (the share of all high points that fall in it), its *density* (the
share of the points in it that are high) and its bounds, in words.

``prim`` is an optional dependency (``pip install 'escalade[discover]'``); it is licensed
under the GPL, unlike escalade (MIT).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from escalade.analysis.sensitivity import Design, Param, design_points, run_sweep

DISCOVER_OUTCOMES = {
    "war": "p_war",
    "direct": "p_direct",
}
"""What ``--outcome`` may name: the per-point probability it looks at."""
DISCOVER_COLUMNS = {"war": "first_war_day", "direct": "first_direct_day"}
"""The outcome column (its definition, :mod:`escalade.outcomes`) behind each ``--outcome``."""


@dataclass(frozen=True)
class Bound:
    path: str
    label: str
    low: float
    high: float
    range_low: float
    range_high: float

    def words(self) -> str:
        lo_cut = self.low > self.range_low + 1e-12
        hi_cut = self.high < self.range_high - 1e-12
        if lo_cut and hi_cut:
            text = f"between {self.low:.3g} and {self.high:.3g}"
        elif lo_cut:
            text = f"at least {self.low:.3g}"
        else:
            text = f"at most {self.high:.3g}"
        return f"{self.label} {text} (of {self.range_low:g}–{self.range_high:g})"


@dataclass
class Discovery:
    scenario: str
    outcome: str
    level: float
    points: int
    runs_per_point: int
    seed: int
    coverage: float = math.nan
    density: float = math.nan
    mass: float = math.nan
    base_rate: float = math.nan
    bounds: list[Bound] = field(default_factory=list)
    design: list[dict[str, float]] = field(default_factory=list)
    """Every point: ``point``, each parameter's value, and ``y``, its P(outcome)."""

    def sentence(self) -> str:
        if not self.bounds:
            return (
                f"No region found where P({self.outcome}) > {self.level:.3g} concentrates "
                f"({self.points} points, {self.base_rate:.0%} of them above it)."
            )
        return (
            f"P({self.outcome}) > {self.level:.3g} is concentrated where "
            + " and ".join(b.words() for b in self.bounds)
            + f": {self.density:.0%} of the points there are above it (against "
            f"{self.base_rate:.0%} overall), and the region holds {self.coverage:.0%} of all "
            f"such points ({self.mass:.0%} of the points)."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "outcome": self.outcome,
            "level": self.level,
            "points": self.points,
            "runs_per_point": self.runs_per_point,
            "seed": self.seed,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "base_rate": self.base_rate,
            "bounds": [b.__dict__ for b in self.bounds],
            "sentence": self.sentence(),
        }

    def points_table(self) -> pa.Table:
        """The design points and their probabilities (the store's Parquet table)."""
        return pa.Table.from_pylist(self.design)


def discover(
    spec: str | Path,
    params: list[Param],
    outcome: str = "war",
    samples: int = 64,
    runs_per_point: int = 100,
    seed: int = 0,
    days: int | None = None,
    base_overrides: dict[str, Any] | None = None,
    level: float | None = None,
    labels: dict[str, str] | None = None,
    on_point: Callable[[int], None] | None = None,
    workers: int | None = 1,
) -> Discovery:
    """PRIM's first box for ``P(outcome) > level`` over a Latin hypercube of ``samples``
    points (``level`` default: the upper quartile of the points' probabilities)."""
    try:
        import pandas as pd
        import prim
    except ImportError:  # pragma: no cover - depends on the environment
        raise ValueError(
            "scenario discovery needs the 'prim' package: pip install 'escalade[discover]'"
        ) from None
    if outcome not in DISCOVER_OUTCOMES:
        raise ValueError(f"--outcome: one of {', '.join(DISCOVER_OUTCOMES)}, got '{outcome}'")
    x = design_points(params, Design.LHS, samples, seed)
    sweep = run_sweep(
        spec,
        params,
        Design.LHS,
        samples,
        runs_per_point,
        seed,
        days,
        base_overrides,
        on_point,
        x,
        workers=workers,
        analysed=False,
    )
    y = sweep.y[DISCOVER_OUTCOMES[outcome]]
    cut = float(np.quantile(y, 0.75)) if level is None else level
    names = labels or {}
    out = Discovery(sweep.scenario, outcome, cut, len(y), runs_per_point, seed)
    out.design = [
        {"point": i, **{p.path: p.value(v) for p, v in zip(params, row, strict=True)},
         "y": float(y[i])}
        for i, row in enumerate(sweep.x)
    ]  # fmt: skip
    high = y > cut
    out.base_rate = float(high.mean())
    if high.sum() == 0 or high.all():
        return out
    frame = pd.DataFrame(sweep.x, columns=[p.path for p in params])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(frame, high.astype(float), threshold=0.5, threshold_type=">").find_box()
    out.coverage, out.density = float(box.coverage), float(box.density)
    out.mass = float(box.mass)
    limits = box.limits
    for p in params:
        if p.path not in limits.index:
            continue
        lo, hi = float(limits.loc[p.path, "min"]), float(limits.loc[p.path, "max"])
        bound = Bound(p.path, names.get(p.path, p.path), lo, hi, p.low, p.high)
        if lo > p.low + 1e-12 or hi < p.high - 1e-12:
            out.bounds.append(bound)
    return out
