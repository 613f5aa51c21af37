"""Sensitivity of ensemble outcomes to scenario parameters (SALib designs and analyses).

A sweep draws design points over the ranges of some scenario fields (``path=low:high``),
simulates ``runs_per_point`` runs at each point with the *same* seed and run ids (common
random numbers: the points differ only by their parameters, not by their luck), reduces each
point to a few outcomes, and analyses how the outcomes vary with the parameters:

=========  ===========================================  =======================================
design     points                                       analysis
=========  ===========================================  =======================================
sobol      N·(D+2) (Saltelli/Sobol' sequence; N a       Sobol first-order S1 and total ST
           power of two)                                indices with bootstrap confidence
morris     N·(D+1) (N trajectories, 4 levels)           Morris μ* (with confidence) and σ
lhs        N (Latin hypercube)                          RBD-FAST first-order S1 with confidence
grid       N^D (N levels per parameter)                 main-effect share Var(E[Y|x_i])/Var(Y)
=========  ===========================================  =======================================

Each point's outcomes are themselves estimates from ``runs_per_point`` runs; their sampling
noise adds variance that no parameter explains (it lowers S1, raises ST − S1 and σ). More
runs per point shrink it as 1/R.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from escalade.analysis.stats import crossed
from escalade.api import simulate
from escalade.executor import Executor, worker_count
from escalade.scenario.load import annotation_at, load_scenario
from escalade.scenario.schema import Scenario


class Design(StrEnum):
    SOBOL = "sobol"
    MORRIS = "morris"
    LHS = "lhs"
    GRID = "grid"


DEFAULT_SAMPLES = {Design.SOBOL: 8, Design.MORRIS: 6, Design.LHS: 32, Design.GRID: 4}
"""Default ``samples`` per design: base N, trajectories, points, levels per parameter.

Small, for a first look in about a minute with two or three parameters; indices worth
quoting need more (e.g. ``--samples 64 --runs-per-point 500`` for Sobol)."""
DEFAULT_RUNS_PER_POINT = 100
MORRIS_LEVELS = 4
RBD_HARMONICS = 4

OUTCOMES = {
    "p_war": "P(sustained war by the horizon)",
    "p_direct": "P(direct exchange between states)",
    "mean_max_rung": "mean highest rung",
    "mean_deaths": "mean deaths",
}
"""Outcomes computed at every design point (key -> label)."""


@dataclass(frozen=True)
class Param:
    """A scenario field swept over [low, high]; integer fields are rounded to whole numbers.

    :func:`parse_param` reads ``integer`` from the scenario schema (``channels.0.delay_days``
    is an integer, ``model.war_cost`` is not, whatever the bounds look like).
    """

    path: str
    low: float
    high: float
    integer: bool = False

    def value(self, x: float) -> float | int:
        return round(x) if self.integer else float(x)

    def as_dict(self) -> dict[str, Any]:
        """The fields, as JSON keeps them: ``Param(**p.as_dict()) == p``."""
        return {"path": self.path, "low": self.low, "high": self.high, "integer": self.integer}


def parse_param(text: str) -> Param:
    """``path=low:high``; a field the schema declares as an integer is swept in whole numbers."""
    path, sep, rng = text.partition("=")
    low_s, colon, high_s = rng.partition(":")
    path = path.strip()
    if not sep or not path or not colon:
        raise ValueError(f"--param expects path=low:high, got '{text}'")
    try:
        low, high = float(low_s), float(high_s)
    except ValueError:
        raise ValueError(f"--param {path}: bounds must be numbers, got '{rng}'") from None
    if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise ValueError(f"--param {path}: need finite low < high, got {low_s}:{high_s}")
    return Param(path, low, high, annotation_at(tuple(path.split("."))) is int)


def problem(params: list[Param]) -> dict[str, Any]:
    """The SALib problem definition for these parameters."""
    names = [p.path for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"each parameter may be swept once, got {names}")
    return {
        "num_vars": len(params),
        "names": names,
        "bounds": [[p.low, p.high] for p in params],
    }


def design_points(params: list[Param], design: Design, samples: int, seed: int) -> np.ndarray:
    """The design matrix (points × parameters), integer parameters rounded."""
    from SALib.sample import latin, morris
    from SALib.sample import sobol as sobol_sample

    if not params:
        raise ValueError("a sweep needs at least one --param path=low:high")
    if samples < 2:
        raise ValueError(f"samples must be at least 2, got {samples}")
    prob = problem(params)
    if design is Design.SOBOL:
        if samples & (samples - 1):
            raise ValueError(
                f"a Sobol design needs --samples a power of two, got {samples} "
                f"(try {1 << (samples.bit_length() - 1)} or {1 << samples.bit_length()})"
            )
        x = sobol_sample.sample(prob, samples, calc_second_order=False, seed=seed)
    elif design is Design.MORRIS:
        x = morris.sample(prob, samples, num_levels=MORRIS_LEVELS, seed=seed)
    elif design is Design.LHS:
        x = latin.sample(prob, samples, seed=seed)
    else:
        axes = [np.linspace(p.low, p.high, samples) for p in params]
        x = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    x = np.asarray(x, dtype=np.float64)
    for j, p in enumerate(params):
        if p.integer:
            x[:, j] = np.round(x[:, j])
    return x


def simulate_point(
    spec: str | Path, overrides: dict[str, Any], runs: int, seed: int, days: int | None
) -> dict[str, float]:
    """The outcomes of one design point: ``runs`` runs of the overridden scenario."""
    sc: Scenario = load_scenario(spec, overrides)
    return point_outcomes(simulate(sc, runs=runs, seed=seed, days=days).outcomes)


def _point_item(
    spec: str | Path, runs: int, seed: int, days: int | None, job: tuple[int, dict[str, Any]]
) -> dict[str, float]:
    return simulate_point(spec, job[1], runs, seed, days)


def point_outcomes(outcomes: pa.Table) -> dict[str, float]:
    """The outcomes of one design point's runs."""
    return {
        "p_war": float(crossed(outcomes, "first_war_day").mean()),
        "p_direct": float(crossed(outcomes, "first_direct_day").mean()),
        "mean_max_rung": float(np.asarray(outcomes["max_rung"]).mean()),
        "mean_deaths": float(np.asarray(outcomes["deaths"]).mean()),
    }


@dataclass
class Sweep:
    """A finished sweep: its design, the outcomes at every point, and the analyses."""

    scenario: str
    params: list[Param]
    design: Design
    samples: int
    runs_per_point: int
    seed: int
    days: int | None
    x: np.ndarray
    y: dict[str, np.ndarray]
    indices: dict[str, list[dict[str, float | str]]] = field(default_factory=dict)
    centre: dict[str, float] | None = None
    """The outcomes at the scenario's own values (no swept parameter changed)."""
    one_at_a_time: list[tuple[dict[str, float], dict[str, float]]] | None = None
    """Per parameter, the outcomes with it alone at its low and at its high bound (the others
    at the scenario's own values): the tornado's bars."""
    labels: dict[str, str] = field(default_factory=dict)
    """Readable names of parameters (e.g. the lever a path belongs to), by path."""

    def label(self, path: str) -> str:
        return self.labels.get(path, path)

    @property
    def points(self) -> int:
        return int(self.x.shape[0])

    def as_dict(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "design": str(self.design),
            "samples": self.samples,
            "runs_per_point": self.runs_per_point,
            "seed": self.seed,
            "days": self.days,
            "params": [p.as_dict() for p in self.params],
            "outcomes": OUTCOMES,
            "indices": self.indices,
            "tornado": {k: [t.as_dict() for t in v] for k, v in tornado(self).items()},
            "centre": self.centre,
            "labels": self.labels,
            "points": [
                {
                    "x": {p.path: p.value(v) for p, v in zip(self.params, row, strict=True)},
                    "y": {k: float(self.y[k][i]) for k in self.y},
                }
                for i, row in enumerate(self.x)
            ],
        }


ROLES = ("design", "scenario", "low", "high")
"""What a row of a sweep's points table is: a design point, the scenario's own values, or one
parameter alone at its low or high bound (the tornado's points)."""


def points_table(sweep: Sweep) -> pa.Table:
    """Every point a sweep simulated, one row each: ``point``, ``role`` (:data:`ROLES`),
    ``param`` (the one moved, for ``low``/``high``), each parameter's value and each outcome
    (what the store keeps as the sweep's Parquet table)."""
    rows: list[dict[str, Any]] = []

    def add(role: str, param: str | None, values: list[float], y: dict[str, float]) -> None:
        rows.append(
            {"point": len(rows), "role": role, "param": param,
             **{p.path: p.value(v) for p, v in zip(sweep.params, values, strict=True)},
             **{k: float(y[k]) for k in OUTCOMES}}
        )  # fmt: skip

    for i, row in enumerate(sweep.x):
        add("design", None, list(row), {k: sweep.y[k][i] for k in OUTCOMES})
    own = [p.low for p in sweep.params]  # placeholder values: the scenario's own are not swept
    if sweep.centre is not None and sweep.one_at_a_time is not None:
        add("scenario", None, own, sweep.centre)
        for i, (lo, hi) in enumerate(sweep.one_at_a_time):
            p = sweep.params[i]
            for role, y, v in (("low", lo, p.low), ("high", hi, p.high)):
                add(role, p.path, [v if j == i else own[j] for j in range(len(own))], y)
    return pa.Table.from_pylist(rows)


def sweep_from(results: dict[str, Any], points: pa.Table) -> Sweep:
    """A stored sweep (:meth:`Sweep.as_dict` without its points, and :func:`points_table`)
    back as a :class:`Sweep`."""
    params = [Param(**p) for p in results["params"]]
    rows = points.to_pylist()
    design = [r for r in rows if r["role"] == "design"]
    x = np.asarray([[r[p.path] for p in params] for r in design], dtype=np.float64)
    y = {k: np.asarray([r[k] for r in design], dtype=np.float64) for k in OUTCOMES}
    sweep = Sweep(
        results["scenario"],
        params,
        Design(results["design"]),
        int(results["samples"]),
        int(results["runs_per_point"]),
        int(results["seed"]),
        results["days"],
        x.reshape(len(design), len(params)),
        y,
        results["indices"],
        labels=dict(results.get("labels") or {}),
    )
    centre = [r for r in rows if r["role"] == "scenario"]
    if centre:
        sweep.centre = {k: centre[0][k] for k in OUTCOMES}
        side = {(r["role"], r["param"]): {k: r[k] for k in OUTCOMES} for r in rows}
        sweep.one_at_a_time = [(side["low", p.path], side["high", p.path]) for p in params]
    return sweep


def run_sweep(
    spec: str | Path,
    params: list[Param],
    design: Design = Design.SOBOL,
    samples: int | None = None,
    runs_per_point: int = DEFAULT_RUNS_PER_POINT,
    seed: int = 0,
    days: int | None = None,
    base_overrides: dict[str, Any] | None = None,
    on_point: Callable[[int], None] | None = None,
    x: np.ndarray | None = None,
    workers: int | None = 1,
    scheduler: str | None = None,
    analysed: bool = True,
    cache: MutableMapping[int, dict[str, float]] | None = None,
) -> Sweep:
    """Simulate every design point (same seed and run ids at each) and analyse the outcomes.

    The points run on ``workers`` local processes (None: the CPUs available) or the Dask
    cluster at ``scheduler`` (:class:`escalade.executor.Executor`); the results do not depend
    on where. ``x`` gives the design matrix directly (else it is drawn from ``design``).
    ``analysed=False`` skips the indices and the tornado's points (only the design's outcomes,
    e.g. for scenario discovery). ``cache`` holds the outcomes of the points already
    simulated, by index (design points first, then the tornado's): they are not simulated
    again, and each new point is put there as it finishes (how an interrupted sweep resumes
    with the same results).
    """
    if runs_per_point < 1:
        raise ValueError(f"runs per point must be at least 1, got {runs_per_point}")
    n = DEFAULT_SAMPLES[design] if samples is None else samples
    least = 2 * RBD_HARMONICS + 1  # RBD-FAST resolves M harmonics from more than 2M points
    if analysed and design is Design.LHS and n < least:
        raise ValueError(
            f"an LHS design's RBD-FAST indices need --samples of at least {least} "
            f"(more than twice its {RBD_HARMONICS} harmonics), got {n}"
        )
    if x is None:
        x = design_points(params, design, n, seed)
    base = dict(base_overrides or {})
    # Validate the paths and bounds once, with located messages, before the long loop.
    for p in params:
        for v in (p.low, p.high):
            load_scenario(spec, {**base, p.path: p.value(v)})
    jobs = [{**base, **{p.path: p.value(v) for p, v in zip(params, row, strict=True)}} for row in x]
    # The tornado's points: the scenario itself, then each parameter alone at each bound.
    if analysed:
        jobs.append(base)
        for p in params:
            jobs += [{**base, p.path: p.value(p.low)}, {**base, p.path: p.value(p.high)}]
    known = {} if cache is None else cache
    results: list[dict[str, float] | None] = [known.get(i) for i in range(len(jobs))]
    todo = [(i, job) for i, job in enumerate(jobs) if results[i] is None]
    if on_point is not None and len(todo) < len(jobs):
        on_point(len(jobs) - len(todo))  # the points done before
    with Executor(worker_count(workers, len(todo)), scheduler) as ex:
        item = partial(_point_item, spec, runs_per_point, seed, days)
        for (i, _), y in ex.map(item, iter(todo), len(todo)):
            results[i] = y
            known[i] = y
            if on_point is not None:
                on_point(1)
    design_y = results[: len(x)]
    extra = [r for r in results[len(x) :] if r is not None]
    ys = {k: [r[k] for r in design_y if r is not None] for k in OUTCOMES}
    name = load_scenario(spec, base or None).name
    sweep = Sweep(
        name,
        params,
        design,
        n,
        runs_per_point,
        seed,
        days,
        x,
        {k: np.asarray(v) for k, v in ys.items()},
    )
    if not analysed:
        return sweep
    sweep.indices = analyse(sweep)
    sweep.centre = extra[0]
    sweep.one_at_a_time = [(extra[1 + 2 * i], extra[2 + 2 * i]) for i in range(len(params))]
    return sweep


def _clean(v: Any) -> float:
    f = float(v)
    return f if math.isfinite(f) else float("nan")


def analyse(sweep: Sweep) -> dict[str, list[dict[str, float | str]]]:
    """Sensitivity indices per outcome: one row per parameter (keys depend on the design)."""
    from SALib.analyze import morris, rbd_fast
    from SALib.analyze import sobol as sobol_analyze

    prob = problem(sweep.params)
    names = prob["names"]
    out: dict[str, list[dict[str, float | str]]] = {}
    for key, y in sweep.y.items():
        rows: list[dict[str, float | str]]
        if np.ptp(y) == 0:
            # The outcome never changed: nothing to apportion (SALib would divide by zero).
            zero = {
                Design.SOBOL: ("S1", "S1_conf", "ST", "ST_conf"),
                Design.MORRIS: ("mu", "mu_star", "mu_star_conf", "sigma"),
                Design.LHS: ("S1", "S1_conf"),
                Design.GRID: ("S1",),
            }[sweep.design]
            out[key] = [{"param": n, **dict.fromkeys(zero, 0.0)} for n in names]
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if sweep.design is Design.SOBOL:
                r = sobol_analyze.analyze(
                    prob, y, calc_second_order=False, seed=sweep.seed, print_to_console=False
                )
                rows = _per_param(names, r, ("S1", "S1_conf", "ST", "ST_conf"))
            elif sweep.design is Design.MORRIS:
                r = morris.analyze(
                    prob,
                    sweep.x,
                    y,
                    num_levels=MORRIS_LEVELS,
                    seed=sweep.seed,
                    print_to_console=False,
                )
                rows = _per_param(names, r, ("mu", "mu_star", "mu_star_conf", "sigma"))
            elif sweep.design is Design.LHS:
                r = rbd_fast.analyze(prob, sweep.x, y, M=RBD_HARMONICS, seed=sweep.seed)
                rows = _per_param(names, r, ("S1", "S1_conf"))
            else:
                rows = [
                    {"param": n, "S1": main_effect(sweep.x[:, i], y)} for i, n in enumerate(names)
                ]
        out[key] = rows
    return out


def _per_param(names: list[str], result: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per parameter with the named SALib indices (NaN and infinities cleaned)."""
    return [{"param": n, **{k: _clean(result[k][i]) for k in keys}} for i, n in enumerate(names)]


def main_effect(xi: np.ndarray, y: np.ndarray) -> float:
    """Var over the levels of x_i of E[y | x_i], as a share of Var(y) (a full grid's S1)."""
    total = float(np.var(y))
    if total == 0:
        return 0.0
    _, inverse = np.unique(xi, return_inverse=True)
    means = np.bincount(inverse, weights=y) / np.bincount(inverse)
    weights = np.bincount(inverse) / len(y)
    return float(np.sum(weights * (means - y.mean()) ** 2) / total)


@dataclass(frozen=True)
class Swing:
    """Mean outcome with a parameter in the bottom vs the top quarter of its range."""

    param: str
    low_mean: float
    high_mean: float
    baseline: float

    @property
    def width(self) -> float:
        return abs(self.high_mean - self.low_mean)

    def as_dict(self) -> dict[str, float | str]:
        return {
            "param": self.param,
            "low_mean": self.low_mean,
            "high_mean": self.high_mean,
            "baseline": self.baseline,
        }


RANKED_BY = {Design.SOBOL: "ST", Design.MORRIS: "mu_star", Design.LHS: "S1", Design.GRID: "S1"}
"""The index that orders the tornado's bars and the index tables (so the two agree)."""


def tornado(sweep: Sweep, quarter: float = 0.25) -> dict[str, list[Swing]]:
    """Per outcome, each parameter's swing: a tornado chart's bars, in the order of the
    design's sensitivity index (:data:`RANKED_BY`, largest first; then widest swing).

    The bars are centred on the scenario's own outcome: each is the outcome with that
    parameter alone at its low and at its high bound, the others at the scenario's values,
    simulated with the same seed and run ids (``sweep.one_at_a_time``). A sweep without those
    points (built by hand) falls back to the design's points: "low" for parameter i when x_i
    lies in the bottom ``quarter`` of its range, "high" in the top one, centred on their mean.
    """
    out: dict[str, list[Swing]] = {}
    for key, y in sweep.y.items():
        swings = []
        for i, p in enumerate(sweep.params):
            if sweep.one_at_a_time is not None and sweep.centre is not None:
                lo_y, hi_y = sweep.one_at_a_time[i]
                swings.append(Swing(p.path, lo_y[key], hi_y[key], sweep.centre[key]))
                continue
            u = (sweep.x[:, i] - p.low) / (p.high - p.low)
            lo, hi = u <= quarter + 1e-9, u >= 1 - quarter - 1e-9
            swings.append(
                Swing(
                    p.path,
                    float(y[lo].mean()) if lo.any() else float("nan"),
                    float(y[hi].mean()) if hi.any() else float("nan"),
                    float(y.mean()),
                )
            )
        rank = {
            str(r["param"]): _finite(r.get(RANKED_BY[sweep.design], 0.0))
            for r in sweep.indices.get(key, [])
        }
        out[key] = sorted(
            swings,
            key=lambda s: (-rank.get(s.param, 0.0), -s.width if math.isfinite(s.width) else 0.0),
        )
    return out


def _finite(value: Any) -> float:
    f = float(value)
    return f if math.isfinite(f) else 0.0
