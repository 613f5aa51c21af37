"""Scenario discovery: the regions of parameter space where an outcome is likely (PRIM, CART).

Design points are drawn over the ranges of some scenario fields (a Latin hypercube), each
simulated with the same seed and run ids (common random numbers, :func:`run_sweep`), and the
Patient Rule Induction Method (Friedman & Fisher 1999, the ``prim`` package) peels the box of
parameter space where the points with a high probability of the outcome concentrate. A box is
reported by its *coverage* (the share of all high points that fall in it), its *density* (the
share of the points in it that are high) and its bounds, in words.

A shallow classification tree (CART, Breiman et al. 1984, scikit-learn's
``DecisionTreeClassifier``) is fitted on the same points: each leaf where most points are high
is another region, reported like the box (:class:`Leaf`). The tree's depth and the fewest
points a leaf may hold are parameters (:data:`DEFAULT_TREE_DEPTH`, :data:`DEFAULT_MIN_LEAF`).

``prim`` and ``scikit-learn`` are optional dependencies (``pip install
'escalade[discover]'``); ``prim`` is licensed under the GPL, unlike escalade (MIT).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, MutableMapping
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
DEFAULT_TREE_DEPTH = 3
"""CART's default depth (``--tree-depth``): at most 2^3 = 8 leaves, each bounded by at most
three cuts, few enough to say in a sentence."""
DEFAULT_MIN_LEAF = 5
"""CART's default fewest design points in a leaf (``--min-leaf``): a leaf of fewer says
little about its region (its density moves by 20 points or more with one point)."""


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


def _bounds_words(bounds: list[Bound]) -> str:
    return " and ".join(b.words() for b in bounds)


@dataclass(frozen=True)
class Leaf:
    """A leaf of the CART tree where most points are high: its bounds (the parameters it
    cuts), its coverage, density and mass (as for PRIM's box)."""

    bounds: list[Bound]
    coverage: float
    density: float
    mass: float

    def words(self) -> str:
        where = _bounds_words(self.bounds) or "everywhere"
        return (
            f"{where}: density {self.density:.0%}, coverage {self.coverage:.0%}, "
            f"mass {self.mass:.0%}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "bounds": [b.__dict__ for b in self.bounds],
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "words": self.words(),
        }


def cart_leaves(
    x: np.ndarray,
    high: np.ndarray,
    params: list[Param],
    depth: int = DEFAULT_TREE_DEPTH,
    min_leaf: int = DEFAULT_MIN_LEAF,
    labels: dict[str, str] | None = None,
) -> list[Leaf]:
    """CART's leaves where the outcome is likely: a tree of at most ``depth`` levels and
    leaves of at least ``min_leaf`` points, fitted on the design ``x`` (one row a point) and
    whether each point is ``high``; the leaves where most points are high, densest first."""
    from sklearn.tree import DecisionTreeClassifier

    if depth < 1 or min_leaf < 1:
        raise ValueError(f"the tree needs depth >= 1 and min leaf >= 1, got {depth}, {min_leaf}")
    names = labels or {}
    # random_state fixes the order in which tied splits are tried: the same tree every time.
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=min_leaf, random_state=0)
    tree.fit(x, high.astype(int))
    t = tree.tree_
    total_high = max(int(high.sum()), 1)
    leaf_of = tree.apply(x)
    leaves: list[Leaf] = []

    def walk(node: int, box: list[tuple[float, float]]) -> None:
        if t.children_left[node] == -1:  # a leaf
            inside = leaf_of == node
            n, k = int(inside.sum()), int(high[inside].sum())
            if n == 0 or 2 * k <= n:
                return
            bounds = [
                Bound(p.path, names.get(p.path, p.path), lo, hi, p.low, p.high)
                for p, (lo, hi) in zip(params, box, strict=True)
                if lo > p.low + 1e-12 or hi < p.high - 1e-12
            ]
            leaves.append(Leaf(bounds, k / total_high, k / n, n / len(high)))
            return
        j, cut = int(t.feature[node]), float(t.threshold[node])
        lo, hi = box[j]
        walk(int(t.children_left[node]), [*box[:j], (lo, min(hi, cut)), *box[j + 1 :]])
        walk(int(t.children_right[node]), [*box[:j], (max(lo, cut), hi), *box[j + 1 :]])

    walk(0, [(p.low, p.high) for p in params])
    return sorted(leaves, key=lambda leaf: (-leaf.density, -leaf.coverage))


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
    leaves: list[Leaf] = field(default_factory=list)
    """CART's leaves where the outcome is likely (:func:`cart_leaves`)."""
    tree_depth: int = DEFAULT_TREE_DEPTH
    min_leaf: int = DEFAULT_MIN_LEAF
    design: list[dict[str, float]] = field(default_factory=list)
    """Every point: ``point``, each parameter's value, and ``y``, its P(outcome)."""

    def sentence(self) -> str:
        if not self.bounds:
            return self._no_region()
        return (
            f"P({self.outcome}) > {self.level:.3g} is concentrated where "
            + _bounds_words(self.bounds)
            + f": {self.density:.0%} of the points there are above it (against "
            f"{self.base_rate:.0%} overall), and the region holds {self.coverage:.0%} of all "
            f"such points ({self.mass:.0%} of the points)."
        )

    def _no_region(self) -> str:
        """Why there is no box, with the advice that follows: no point or every point above the
        level (move ``--level`` or widen the ranges), or likely points spread everywhere."""
        ys = [point["y"] for point in self.design]
        spread = (
            f"P({self.outcome}) is between {min(ys):.3g} and {max(ys):.3g} over the "
            f"{self.points} points"
            if ys
            else f"{self.points} points"
        )
        if self.base_rate == 0:
            return (
                f"No point has P({self.outcome}) above {self.level:.3g} ({spread}): over these "
                "ranges the outcome does not reach the level; widen the ranges or lower --level."
            )
        if self.base_rate == 1:
            return (
                f"Every point has P({self.outcome}) above {self.level:.3g} ({spread}): over "
                "these ranges nothing keeps the outcome below the level; widen the ranges or "
                "raise --level."
            )
        return (
            f"No region found where P({self.outcome}) > {self.level:.3g} concentrates "
            f"({spread}, {self.base_rate:.0%} of them above the level)."
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
            "tree_depth": self.tree_depth,
            "min_leaf": self.min_leaf,
            "leaves": [leaf.as_dict() for leaf in self.leaves],
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
    tree_depth: int = DEFAULT_TREE_DEPTH,
    min_leaf: int = DEFAULT_MIN_LEAF,
    cache: MutableMapping[int, dict[str, float]] | None = None,
) -> Discovery:
    """PRIM's first box and CART's likely leaves for ``P(outcome) > level`` over a Latin
    hypercube of ``samples`` points (``level`` default: the upper quartile of the points'
    probabilities). ``cache``: the points already simulated, by index, and where each new one
    is put (:func:`run_sweep`), so that an interrupted discovery resumes where it stopped."""
    try:
        import pandas as pd
        import prim
        import sklearn  # noqa: F401  (CART, in cart_leaves)
    except ImportError:  # pragma: no cover - depends on the environment
        raise ValueError(
            "scenario discovery needs the 'prim' and 'scikit-learn' packages: "
            "pip install 'escalade[discover]'"
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
        cache=cache,
    )
    y = sweep.y[DISCOVER_OUTCOMES[outcome]]
    cut = float(np.quantile(y, 0.75)) if level is None else level
    names = labels or {}
    out = Discovery(sweep.scenario, outcome, cut, len(y), runs_per_point, seed)
    out.tree_depth, out.min_leaf = tree_depth, min_leaf
    out.design = [
        {"point": i, **{p.path: p.value(v) for p, v in zip(params, row, strict=True)},
         "y": float(y[i])}
        for i, row in enumerate(sweep.x)
    ]  # fmt: skip
    high = y > cut
    out.base_rate = float(high.mean())
    if high.sum() == 0 or high.all():
        return out
    out.leaves = cart_leaves(sweep.x, high, params, tree_depth, min_leaf, names)
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
