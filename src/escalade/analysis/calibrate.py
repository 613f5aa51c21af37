"""Calibrate: fit model parameters to the historical episodes by maximum likelihood.

The likelihood of a parameter vector is the probability the model gives to what happened in
each episode: the observed rung bucket and (by default) the observed lag bucket of the
responder's first answer, as scored by :mod:`escalade.analysis.hindcast` (same answer rule,
buckets and additive smoothing). The objective is the mean log score over the episodes,
``mean_i [ln p_i(rung bucket) + ln p_i(lag bucket)]`` (a composite likelihood: the two
marginals, which are less noisy than their joint with few runs), or the mean Brier score with
``method="brier"``.

Every candidate is simulated with the same seed, so candidates share their random numbers
(common random numbers): two candidates differ only through the parameters, not the luck
of the draw. The search is:

1. the model as it ships (no overrides), the reference;
2. a Latin hypercube design of ``design`` points in the box of parameter ranges
   (``scipy.stats.qmc``, seeded: the design does not depend on the data);
3. Nelder–Mead (``scipy.optimize.minimize``, bounded to the box, in coordinates scaled to
   [0, 1]) from the best design point (from the shipped defaults if they beat every design
   point), for at most ``iters`` evaluations. With common random
   numbers the objective is a step function of the parameters, so Nelder–Mead is used with
   a wide initial simplex and stops at the budget; the best point evaluated wins.

**Leave-one-out, of the whole fit** (issue 9, item 3a). For each episode, the whole fit above
is repeated on the other episodes alone (the choice among the model as shipped and the design
points, which were placed without looking at any episode, then ``loo_refine`` Nelder–Mead
evaluations on those episodes: by default as many as ``iters``, so every fitted parameter is
re-fitted exactly as in the full fit), and the fold's winner is scored on the held-out episode.

**Temporal split** (item 3b, ``train_until``). The whole fit is made on the episodes dated on
or before the date, and the winner and the shipped defaults are scored on those after; the
overlay is then the fit on the training episodes.

**The gate.** Out of sample (the test episodes of the temporal split when there is one, else
the leave-one-out folds), the fitted model's mean loss is compared with the shipped defaults';
``worse_out_of_sample`` says whether the fit lost, and ``escalade calibrate`` does not write
such an overlay without ``--force``. The mean held-out score, set beside the shipped
model's, shows whether fitting generalises or overfits. Each evaluation simulates every
episode, so held-out scores are read from the same evaluations (no extra runs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from escalade.analysis.hindcast import (
    LAG_LABELS,
    RUNG_BUCKETS,
    SMOOTHING,
    Case,
    EpisodeFile,
    Forecast,
    brier_score,
    forecasts,
    lag_bucket,
    log_score,
    prepare,
    prepare_all,
    rung_bucket,
    smoothed,
)
from escalade.executor import Executor, worker_count
from escalade.scenario.distributions import Beta, Param, Pert, Uniform, mean_of
from escalade.scenario.load import ScenarioError
from escalade.scenario.schema import ModelParameters

DEFAULT_PARAMS: tuple[str, ...] = (
    "model.war_cost=10:80",
    "model.restraint_weight=0:3",
    "model.obligation_pressure=0.05:1",
)
"""Parameters fitted when none are given (dotted path = low:high)."""
DEFAULT_RUNS = 100
"""Runs per episode per evaluation (the engine's fixed cost per day dominates small runs: one
evaluation of the 21 shipped episodes takes about half a minute on 2 cores at any small size)."""
DEFAULT_DESIGN = 6
DEFAULT_ITERS = 0
"""Nelder–Mead evaluations after the design. 0 by default: each leave-one-out fold repeats the
whole fit, so every refinement evaluation is paid once per episode as well."""
SIMPLEX_STEP = 0.2
"""Edge of Nelder–Mead's initial simplex, as a share of each range (wide: the objective has
steps under common random numbers)."""
Method = Literal["ml", "brier"]
METHODS: tuple[str, ...] = ("ml", "brier")


@dataclass(frozen=True)
class ParamRange:
    """A parameter to fit: its dotted scenario path and the box it is searched in."""

    path: str
    low: float
    high: float
    integer: bool = False

    def value(self, unit: float) -> float:
        """The parameter's value at ``unit`` in [0, 1] of its range."""
        v = self.low + min(max(unit, 0.0), 1.0) * (self.high - self.low)
        return float(round(v)) if self.integer else float(f"{v:.4g}")

    def unit(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)

    def __str__(self) -> str:
        return f"{self.path}={_fmt(self.low)}:{_fmt(self.high)}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def declared_default(path: str) -> Param | None:
    """The documented default of a numeric ``model.*`` parameter, a number or a distribution
    (None for other paths and for parameters that are not numbers)."""
    if not path.startswith("model."):
        return None
    info = ModelParameters.model_fields.get(path.removeprefix("model."))
    if info is None:
        return None
    value = info.get_default(call_default_factory=True)
    if isinstance(value, bool) or not isinstance(value, int | float | Pert | Beta | Uniform):
        return None
    return value


def model_default(path: str) -> float | None:
    """The documented default of a ``model.*`` parameter as a number (a distribution's mean;
    None for other paths)."""
    value = declared_default(path)
    return None if value is None else mean_of(value)


def default_point(params: Sequence[ParamRange]) -> tuple[float, ...] | None:
    """The shipped defaults as a point, if every parameter has one inside its range."""
    values = [model_default(p.path) for p in params]
    if any(v is None or not p.low <= v <= p.high for p, v in zip(params, values, strict=True)):
        return None
    return tuple(float(v) for v in values if v is not None)


def _is_integer(path: str) -> bool:
    info = ModelParameters.model_fields.get(path.removeprefix("model."))
    return path.startswith("model.") and info is not None and info.annotation is int


def parse_param(spec: str) -> ParamRange:
    """``path=low:high``, or ``model.NAME`` alone (half to twice its default; the bounds of a
    default that is a distribution)."""
    path, sep, rng = spec.partition("=")
    path = path.strip()
    if not path or any(not part for part in path.split(".")):
        raise ValueError(f"--param expects path=low:high (e.g. model.war_cost=10:60), got '{spec}'")
    integer = _is_integer(path)
    if not sep:
        declared = declared_default(path)
        if declared is None:
            raise ValueError(
                f"--param {path}: give its range as {path}=low:high "
                "(only model.* parameters have a default range)"
            )
        if not isinstance(declared, int | float):
            low, high = declared.bounds  # an uncertain default: its own range
        elif declared > 0:
            low, high = declared / 2, declared * 2
        else:
            low, high = 0.0, 1.0
        if integer:
            low, high = math.floor(low), math.ceil(high)
        return ParamRange(path, low, high, integer)
    lo_text, colon, hi_text = rng.partition(":")
    try:
        low, high = float(lo_text), float(hi_text)
    except ValueError:
        raise ValueError(
            f"--param {path}: the range must be low:high numbers, got '{rng}'"
        ) from None
    if not colon or not (math.isfinite(low) and math.isfinite(high)) or not low < high:
        raise ValueError(f"--param {path}: the range must be low:high with low < high, got '{rng}'")
    return ParamRange(path, low, high, integer)


def check_ranges(params: Sequence[ParamRange], episode: EpisodeFile) -> None:
    """Both ends of every range must give a valid scenario (e.g. a probability <= 1)."""
    seen = set()
    for p in params:
        if p.path in seen:
            raise ValueError(f"--param {p.path} is given twice")
        seen.add(p.path)
        for end in (p.low, p.high):
            value = round(end) if p.integer else end
            try:
                prepare(episode, {p.path: value})
            except ScenarioError as exc:
                why = "; ".join(
                    f"{q.message}" + (f" ({q.hint})" if q.hint else "") for q in exc.problems
                )
                raise ValueError(f"--param {p}: {_fmt(end)} is not a valid value: {why}") from None


Point = tuple[float, ...] | None
"""Parameter values in the order of the ranges; None is the model as it ships."""


@dataclass(frozen=True)
class EpisodeScore:
    log_rung: float
    log_lag: float
    brier_rung: float
    brier_lag: float


def episode_score(case: Case, f: Forecast, alpha: float = SMOOTHING) -> EpisodeScore:
    obs = case.ep.episode.observed
    kb, lb = rung_bucket(obs.rung), lag_bucket(obs.lag_days)
    pr, pl = smoothed(f.rung, alpha), smoothed(f.lag, alpha)
    return EpisodeScore(
        log_score(pr, kb), log_score(pl, lb), brier_score(pr, kb), brier_score(pl, lb)
    )


@dataclass(frozen=True)
class Evaluation:
    stage: str  # "default", "design", "refine", "loo:<id>"
    point: Point
    scores: dict[str, EpisodeScore]


class Objective:
    """Per-episode scores of parameter points, simulated once each and cached."""

    def __init__(
        self,
        episodes: Sequence[EpisodeFile],
        params: Sequence[ParamRange],
        runs: int,
        seed: int,
        executor: Executor,
        method: Method = "ml",
        use_lag: bool = True,
        alpha: float = SMOOTHING,
        on_eval: Callable[[Evaluation], None] | None = None,
        on_episode: Callable[[str], None] | None = None,
    ) -> None:
        self.on_episode = on_episode
        self.episodes = list(episodes)
        self.params = list(params)
        self.runs, self.seed, self.executor = runs, seed, executor
        self.method, self.use_lag, self.alpha = method, use_lag, alpha
        self.on_eval = on_eval
        self.cache: dict[Point, Evaluation] = {}
        self.order: list[Evaluation] = []

    def overrides(self, point: Point) -> dict[str, float]:
        if point is None:
            return {}
        return {
            p.path: (round(v) if p.integer else v) for p, v in zip(self.params, point, strict=True)
        }

    def point(self, unit: Sequence[float] | NDArray[np.float64]) -> tuple[float, ...]:
        return tuple(p.value(float(u)) for p, u in zip(self.params, unit, strict=True))

    def evaluate(self, point: Point, stage: str) -> Evaluation:
        if point in self.cache:
            return self.cache[point]
        cases = prepare_all(self.episodes, self.overrides(point))
        found = forecasts(cases, self.runs, self.seed, self.executor, self.on_episode)
        ev = Evaluation(
            stage, point, {c.id: episode_score(c, found[c.id], self.alpha) for c in cases}
        )
        self.cache[point] = ev
        self.order.append(ev)
        if self.on_eval is not None:
            self.on_eval(ev)
        return ev

    def loss_of(self, s: EpisodeScore) -> float:
        """One episode's contribution to the loss (lower is better)."""
        if self.method == "brier":
            return s.brier_rung + (s.brier_lag if self.use_lag else 0.0)
        return -(s.log_rung + (s.log_lag if self.use_lag else 0.0))

    def loss(self, ev: Evaluation, ids: Sequence[str] | None = None) -> float:
        keys = list(ev.scores) if ids is None else list(ids)
        return float(np.mean([self.loss_of(ev.scores[k]) for k in keys]))

    def refine(
        self, start: tuple[float, ...], iters: int, ids: Sequence[str] | None, stage: str
    ) -> Evaluation:
        """Nelder–Mead from ``start`` (unit box), at most ``iters`` new evaluations."""
        from scipy import optimize  # imported here: about 0.6 s, and few commands need it

        visited = [self.evaluate(start, stage)]
        if iters <= 0:
            return visited[0]
        left = [iters]

        def f(u: NDArray[np.float64]) -> float:
            pt = self.point(u)
            if pt not in self.cache:
                if left[0] <= 0:
                    raise _BudgetSpent
                left[0] -= 1
            ev = self.evaluate(pt, stage)
            visited.append(ev)
            return self.loss(ev, ids)

        x0 = np.array([p.unit(v) for p, v in zip(self.params, start, strict=True)])
        simplex = [x0]
        for i in range(len(x0)):
            x = x0.copy()
            x[i] = x[i] + SIMPLEX_STEP if x[i] + SIMPLEX_STEP <= 1.0 else x[i] - SIMPLEX_STEP
            simplex.append(x)
        with contextlib.suppress(_BudgetSpent):
            optimize.minimize(
                f,
                x0,
                method="Nelder-Mead",
                bounds=[(0.0, 1.0)] * len(x0),
                options={
                    "initial_simplex": np.array(simplex),
                    "maxfev": 20 * iters + 10,
                    "xatol": 1e-3,
                    "fatol": 1e-4,
                },
            )
        return min(visited, key=lambda ev: self.loss(ev, ids))


class _BudgetSpent(Exception):
    """Stops Nelder–Mead once its evaluations are spent."""


@dataclass(frozen=True)
class HeldOut:
    """One leave-one-out fold: chosen on the other episodes, scored on this one."""

    id: str
    point: Point
    fitted: EpisodeScore
    default: EpisodeScore


@dataclass(frozen=True)
class TemporalSplit:
    """The whole fit on the episodes dated on or before ``until``, scored on those after."""

    until: str
    train: list[str]
    test: list[str]
    point: Point
    fitted: dict[str, EpisodeScore]  # test id -> the train fit's scores
    default: dict[str, EpisodeScore]  # test id -> the shipped defaults' scores


@dataclass
class CalibrationResult:
    params: list[ParamRange]
    method: str
    use_lag: bool
    runs: int
    seed: int
    design: int
    iters: int
    loo_refine: int
    alpha: float
    default: Evaluation
    best: Evaluation
    loss_default: float
    loss_best: float
    loo: list[HeldOut] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    temporal: TemporalSplit | None = None
    out_of_sample: dict[str, float] | None = None
    """Mean loss out of sample ("fitted", "default") and the "protocol" used (the gate)."""

    @property
    def worse_out_of_sample(self) -> bool:
        """The fit scores worse out of sample than the shipped defaults (lower loss is better)."""
        o = self.out_of_sample
        return o is not None and o["fitted"] > o["default"]

    def gate_text(self) -> str:
        o = self.out_of_sample
        if o is None:
            return "no out-of-sample check (one episode)"
        where = (
            f"on the {len(self.temporal.test)} episodes after {self.temporal.until}"
            if self.temporal is not None
            else "leave-one-out, every fold re-fitted without its episode"
        )
        verdict = "WORSE than" if self.worse_out_of_sample else "no worse than"
        return (
            f"Out of sample ({where}), the fitted model scores {verdict} the shipped defaults: "
            f"mean loss {o['fitted']:.3f} vs {o['default']:.3f} (lower is better)."
        )

    def values(self) -> dict[str, float]:
        """The fitted values (the shipped defaults if nothing beat the model as it ships)."""
        point = self.best.point
        if point is None:
            return {p.path: _default_or_nan(p.path) for p in self.params}
        return {
            p.path: (int(v) if p.integer else v) for p, v in zip(self.params, point, strict=True)
        }

    def mean_log(self, ev: Evaluation, which: str) -> float:
        return float(np.mean([getattr(s, which) for s in ev.scores.values()]))

    def loo_mean(self, who: str, which: str) -> float:
        """Mean held-out score: ``who`` is "fitted" or "default", ``which`` a score name."""
        return float(np.mean([getattr(getattr(h, who), which) for h in self.loo]))

    def to_dict(self) -> dict[str, Any]:
        def scores(ev: Evaluation) -> dict[str, Any]:
            return {k: vars(s) for k, s in ev.scores.items()}

        return {
            "settings": {
                "params": [
                    {"path": p.path, "low": p.low, "high": p.high, "integer": p.integer}
                    for p in self.params
                ],
                "method": self.method,
                "objective": self.objective_text(),
                "runs": self.runs,
                "seed": self.seed,
                "design": self.design,
                "iters": self.iters,
                "loo_refine": self.loo_refine,
                "smoothing": self.alpha,
                "evaluations": len(self.evaluations),
            },
            "fitted": self.values(),
            "loss": {"default": self.loss_default, "fitted": self.loss_best},
            "in_sample": {
                who: {
                    "log_rung": self.mean_log(ev, "log_rung"),
                    "log_lag": self.mean_log(ev, "log_lag"),
                    "brier_rung": self.mean_log(ev, "brier_rung"),
                }
                for who, ev in (("default", self.default), ("fitted", self.best))
            },
            "leave_one_out": {
                "folds": [
                    {
                        "id": h.id,
                        "chosen": None
                        if h.point is None
                        else dict(zip([p.path for p in self.params], h.point, strict=True)),
                        "fitted": vars(h.fitted),
                        "default": vars(h.default),
                    }
                    for h in self.loo
                ],
                "mean": {
                    who: {
                        "log_rung": self.loo_mean(who, "log_rung"),
                        "log_lag": self.loo_mean(who, "log_lag"),
                    }
                    for who in ("fitted", "default")
                }
                if self.loo
                else None,
            },
            "episodes": {"default": scores(self.default), "fitted": scores(self.best)},
            "temporal_split": None
            if self.temporal is None
            else {
                "until": self.temporal.until,
                "train": self.temporal.train,
                "test": self.temporal.test,
                "chosen": None
                if self.temporal.point is None
                else dict(zip([p.path for p in self.params], self.temporal.point, strict=True)),
                "fitted": {k: vars(v) for k, v in self.temporal.fitted.items()},
                "default": {k: vars(v) for k, v in self.temporal.default.items()},
            },
            "out_of_sample": self.out_of_sample,
            "worse_out_of_sample": self.worse_out_of_sample,
        }

    def objective_text(self) -> str:
        parts = "rung bucket" + (" and lag bucket" if self.use_lag else "")
        if self.method == "brier":
            return f"mean Brier score of the observed {parts} (lower is better)"
        return f"mean log score of the observed {parts} (maximum likelihood)"


def _default_or_nan(path: str) -> float:
    d = model_default(path)
    return math.nan if d is None else d


def fit(
    obj: Objective,
    ids: Sequence[str],
    default: Evaluation,
    design_evals: Sequence[Evaluation],
    iters: int,
    stage: str,
) -> Evaluation:
    """The whole fit on the episodes ``ids``: the best of the shipped model and the design
    points, refined by at most ``iters`` Nelder–Mead evaluations (module doc)."""
    loss = partial(obj.loss, ids=list(ids))
    start = min(design_evals, key=loss)
    shipped = default_point(obj.params)
    if iters and shipped is not None and loss(default) < loss(start):
        start = obj.evaluate(shipped, stage)  # refine around the shipped defaults
    best = obj.refine(start.point or (), iters, list(ids), stage) if iters else start
    best = min([best, *design_evals], key=loss)
    return default if loss(default) <= loss(best) else best


def calibrate(
    episodes: Sequence[EpisodeFile],
    params: Sequence[ParamRange],
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    method: Method = "ml",
    design: int = DEFAULT_DESIGN,
    iters: int = DEFAULT_ITERS,
    loo_refine: int | None = None,
    use_lag: bool = True,
    workers: int | None = 1,
    alpha: float = SMOOTHING,
    on_eval: Callable[[Evaluation], None] | None = None,
    scheduler: str | None = None,
    train_until: dt.date | None = None,
    on_episode: Callable[[str], None] | None = None,
) -> CalibrationResult:
    """Fit ``params`` to ``episodes`` (see the module docstring for the procedure).

    ``loo_refine`` (None: ``iters``) is the Nelder–Mead budget of each leave-one-out fold.
    Each evaluation's episodes run on ``workers`` local processes (None: the CPUs available)
    or the Dask cluster at ``scheduler``, kept open for the whole search; the fit does not
    depend on where.
    """
    from scipy.stats import qmc  # imported here: about 1 s, and few commands need it

    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; known: {', '.join(METHODS)}")
    if not params:
        raise ValueError("no parameters to fit")
    fold_iters = iters if loo_refine is None else loo_refine
    if runs < 1 or design < 1 or iters < 0 or fold_iters < 0:
        raise ValueError("runs and design must be at least 1; iters and loo_refine at least 0")
    if not episodes:
        raise ValueError("no episodes to fit")
    prepare_all(episodes)  # every problem of the episodes first, located
    check_ranges(params, episodes[0])
    ids = [e.id for e in episodes]
    train = test = None
    if train_until is not None:
        train = [e.id for e in episodes if e.episode.date <= train_until]
        test = [e.id for e in episodes if e.episode.date > train_until]
        if not train or not test:
            raise ValueError(
                f"--train-until {train_until}: {len(train)} episodes on or before it and "
                f"{len(test)} after; both sides need at least one"
            )
    with Executor(worker_count(workers, len(episodes)), scheduler) as ex:
        obj = Objective(
            episodes, params, runs, seed, ex, method, use_lag, alpha, on_eval, on_episode
        )
        default = obj.evaluate(None, "default")
        sampler = qmc.LatinHypercube(d=len(params), seed=seed)
        units = sampler.random(design)
        design_evals = [obj.evaluate(obj.point(u), "design") for u in units]
        best = fit(obj, ids, default, design_evals, iters, "refine")
        loss_default, loss_best = obj.loss(default), obj.loss(best)
        loo: list[HeldOut] = []
        if len(ids) > 1:
            for held in ids:
                rest = [i for i in ids if i != held]
                pick = fit(obj, rest, default, design_evals, fold_iters, f"loo:{held}")
                loo.append(HeldOut(held, pick.point, pick.scores[held], default.scores[held]))
        temporal = None
        out_of_sample = None
        if train is not None and test is not None:
            pick = fit(obj, train, default, design_evals, iters, "train")
            temporal = TemporalSplit(
                until=train_until.isoformat() if train_until else "",
                train=train,
                test=test,
                point=pick.point,
                fitted={i: pick.scores[i] for i in test},
                default={i: default.scores[i] for i in test},
            )
            best = pick  # the overlay is the fit on the training episodes
            loss_best = obj.loss(best, train)
            loss_default = obj.loss(default, train)
            out_of_sample = {
                "fitted": float(np.mean([obj.loss_of(s) for s in temporal.fitted.values()])),
                "default": float(np.mean([obj.loss_of(s) for s in temporal.default.values()])),
            }
        elif loo:
            out_of_sample = {
                "fitted": float(np.mean([obj.loss_of(h.fitted) for h in loo])),
                "default": float(np.mean([obj.loss_of(h.default) for h in loo])),
            }
        return CalibrationResult(
            params=list(params),
            method=method,
            use_lag=use_lag,
            runs=runs,
            seed=seed,
            design=design,
            iters=iters,
            loo_refine=fold_iters,
            alpha=alpha,
            default=default,
            best=best,
            loss_default=loss_default,
            loss_best=loss_best,
            loo=loo,
            evaluations=list(obj.order),
            temporal=temporal,
            out_of_sample=out_of_sample,
        )


def planned_evaluations(
    design: int, iters: int, loo_refine: int, episodes: int, temporal: bool = False
) -> int:
    """An upper bound on the evaluations :func:`calibrate` makes (for a progress bar)."""
    per_fit = (1 + iters) if iters else 0
    folds = episodes * ((1 + loo_refine) if loo_refine else 0) if episodes > 1 else 0
    return 1 + design + per_fit + folds + (per_fit if temporal else 0)


def overlay_text(result: CalibrationResult, command: str = "") -> str:
    """The fitted values as a YAML overlay (dotted path -> value) with a header comment."""
    ids = ", ".join(result.default.scores)
    lines = [
        "# escalade calibrate: parameters fitted to the historical episodes",
        f"# episodes: {ids}",
        f"# objective: {result.objective_text()}",
        f"# method: default model, a Latin hypercube of {result.design} points in the ranges "
        f"below, then Nelder-Mead ({result.iters} evaluations at most) from the best point",
        f"# runs per episode per evaluation: {result.runs}, seed {result.seed} (common random "
        f"numbers across candidates); smoothing {result.alpha}; {len(result.evaluations)} "
        "evaluations",
        "# ranges: " + ", ".join(str(p) for p in result.params),
        "# mean log score (rung) in sample: default "
        f"{result.mean_log(result.default, 'log_rung'):.3f}, fitted "
        f"{result.mean_log(result.best, 'log_rung'):.3f}",
    ]
    if result.loo:
        lines.append(
            "# leave-one-out mean log score (rung): default "
            f"{result.loo_mean('default', 'log_rung'):.3f}, fitted "
            f"{result.loo_mean('fitted', 'log_rung'):.3f}"
        )
    if result.best.point is None:
        lines.append("# nothing beat the model as it ships: these are its defaults")
    if result.out_of_sample is not None:
        lines.append("# " + result.gate_text())
    if command:
        lines.append(f"# command: {command}")
    lines.append("# use: escalade run SCENARIO --overlay FILE; escalade hindcast --overlay FILE")
    lines.append("# (an episode's own overrides are applied on top of these values)")
    for path, value in result.values().items():
        if isinstance(value, float) and math.isnan(value):
            lines.append(f"# {path}: no default known")
        else:
            lines.append(f"{path}: {value}")
    wrapped = []
    for line in lines:
        if line.startswith("# ") and len(line) > 99:
            wrapped += textwrap.wrap(line, 99, subsequent_indent="#   ", break_on_hyphens=False)
        else:
            wrapped.append(line)
    return "\n".join(wrapped) + "\n"


__all__ = [
    "DEFAULT_PARAMS",
    "LAG_LABELS",
    "RUNG_BUCKETS",
    "CalibrationResult",
    "Evaluation",
    "Objective",
    "ParamRange",
    "calibrate",
    "check_ranges",
    "model_default",
    "overlay_text",
    "parse_param",
    "planned_evaluations",
]
