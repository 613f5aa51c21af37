"""The yardstick (issue 9, items 1, 2, 6): every quantity of an episode, the model against five
baselines, under a stated rule for the data the baselines may see.

Quantities: the first answer (``rung`` and ``lag`` buckets, :mod:`escalade.analysis.hindcast`)
and the whole path (``direct_blows``, ``highest_rung``, ``at_horizon``,
:mod:`escalade.analysis.paths`), plus the binary events of :data:`paths.BINARY`.

Baselines, each built from a *pool* of episodes: the other scored episodes (rule
``leave-one-out``, the default) or a reference set that excludes every scored episode (rule
``reference``; ``--reference`` or ``--train-until``):

* ``uniform``: equal probability on every bucket.
* ``climatology``: the pool's observed buckets, smoothed (``a = 0.5``).
* ``in_kind`` (answer in kind, then the round closes): the first answer at the trigger's rung;
  over the path, the trigger answered once at its rung: 2 direct blows when the trigger is a
  direct blow between the principals (else 0), the highest rung the trigger's, quiet at the
  horizon. No lag forecast.
* ``last_round`` ("last round repeats"): the observed buckets of the most recent pool episode
  dated before the scored one (uniform when there is none).
* ``persistence`` (the crisis stays as the trigger left it): no answer (rung bucket 0–1, lag
  none); over the path no blow but the trigger, the trigger's rung the highest, and at the
  horizon the trigger's own state (war for a trigger at rung >= 11, ongoing at rung >= 4, else
  quiet).

Point forecasts (in kind, last round, persistence) are smoothed as an ensemble of the model's
size that all landed in one bucket, as the answer-in-kind baseline of the hindcast is.

Comparisons (:meth:`Yardstick.compare`): the model against one baseline on one quantity,
episode by episode: the mean difference of log scores with its standard error over episodes,
the episodes on which each forecaster scores better, a two-sided exact sign test, and the
standard error of the model's mean log score that comes from its finite ensembles (delta
method on the count of runs in the observed bucket, :func:`ensemble_log_variance`). A
difference smaller than either error is not evidence for or against the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import binomtest

from escalade.analysis import paths as pq
from escalade.analysis.hindcast import (
    LAG_LABELS,
    RUNG_LABELS,
    SMOOTHING,
    Case,
    EpisodeFile,
    Forecast,
    lag_bucket,
    reliability,
    rung_bucket,
    smoothed,
)

FORECASTERS: dict[str, str] = {
    "model": "model",
    "uniform": "uniform",
    "climatology": "climatology",
    "in_kind": "answer in kind",
    "last_round": "last round repeats",
    "persistence": "persistence",
}
BASELINES: tuple[str, ...] = tuple(k for k in FORECASTERS if k != "model")
LABELS: dict[str, tuple[str, ...]] = {"rung": RUNG_LABELS, "lag": LAG_LABELS, **pq.QUANTITIES}
QUANTITY_NAMES = {"rung": "first answer: rung", "lag": "first answer: lag", **pq.QUANTITY_LABELS}
PATH_QUANTITIES = tuple(pq.QUANTITIES)
LOO = "leave-one-out"
REFERENCE = "reference"


@dataclass(frozen=True)
class Observed:
    """What an episode's record says, as buckets (path ones None without a ``path:`` block)."""

    id: str
    date: Any
    buckets: dict[str, int]
    path: pq.PathObserved | None

    @classmethod
    def of(cls, ep: EpisodeFile) -> Observed:
        e = ep.episode
        b = {"rung": rung_bucket(e.observed.rung), "lag": lag_bucket(e.observed.lag_days)}
        path = None
        if e.path is not None:
            path = pq.PathObserved(e.path.direct_blows, e.path.highest_rung, e.path.at_horizon)
            b.update({q: path.bucket(q) for q in PATH_QUANTITIES})
        return cls(e.id, e.date, b, path)


def _point(k: int, bucket: int, runs: int, alpha: float) -> NDArray[np.float64]:
    c = np.zeros(k)
    c[bucket] = runs
    return smoothed(c, alpha)


def _trigger_path(case: Case) -> tuple[int, int, int]:
    """(direct blows, highest rung, state index) of the trigger alone."""
    t, rec = case.trigger, case.ep.episode.path
    assert rec is not None
    direct = int(t.rung >= pq.DIRECT_RUNG and {t.actor, t.target} == set(rec.principals))
    state = "war" if t.rung >= pq.WAR_RUNG else "ongoing" if t.rung >= pq.ONGOING_RUNG else "quiet"
    return direct, t.rung, pq.STATES.index(state)


def baselines(
    case: Case, pool: Sequence[Observed], runs: int, alpha: float = SMOOTHING
) -> dict[str, dict[str, NDArray[np.float64] | None]]:
    """Every baseline's forecast of every quantity of ``case`` from ``pool`` (module doc)."""
    quantities = ["rung", "lag"] + (list(PATH_QUANTITIES) if case.ep.episode.path else [])
    me = Observed.of(case.ep)
    earlier = [o for o in pool if o.date < me.date]
    last = max(earlier, key=lambda o: o.date) if earlier else None
    out: dict[str, dict[str, NDArray[np.float64] | None]] = {b: {} for b in BASELINES}
    for q in quantities:
        k = len(LABELS[q])
        seen = [o.buckets[q] for o in pool if q in o.buckets]
        out["uniform"][q] = np.full(k, 1.0 / k)
        out["climatology"][q] = smoothed(np.bincount(seen, minlength=k), alpha)
        if last is not None and q in last.buckets:
            out["last_round"][q] = _point(k, last.buckets[q], runs, alpha)
        else:
            out["last_round"][q] = np.full(k, 1.0 / k)
    t = case.trigger
    out["in_kind"]["rung"] = _point(len(RUNG_LABELS), rung_bucket(t.rung), runs, alpha)
    out["in_kind"]["lag"] = None
    out["persistence"]["rung"] = _point(len(RUNG_LABELS), 0, runs, alpha)
    out["persistence"]["lag"] = _point(len(LAG_LABELS), len(LAG_LABELS) - 1, runs, alpha)
    if case.ep.episode.path is not None:
        direct, rung, state = _trigger_path(case)
        kinds = {
            "in_kind": (2 * direct, rung, pq.STATES.index("quiet")),
            "persistence": (direct, rung, state),
        }
        for who, (blows, high, st) in kinds.items():
            obs = pq.PathObserved(blows, high, pq.STATES[st])
            for q in PATH_QUANTITIES:
                out[who][q] = _point(len(LABELS[q]), obs.bucket(q), runs, alpha)
    return out


def binary_probs(p: dict[str, NDArray[np.float64] | None]) -> dict[str, float]:
    """The probabilities of the binary events from bucket forecasts of the path quantities."""
    blows, state = p.get("direct_blows"), p.get("at_horizon")
    if blows is None or state is None:
        return {}
    s = pq.STATES
    return {
        "any_direct_blow": float(1.0 - blows[0]),
        "at_most_two_blows": float(blows[:3].sum()),
        "closed": float(state[s.index("quiet")] + state[s.index("ceasefire")]),
        "war": float(state[s.index("war")]),
    }


@dataclass(frozen=True)
class EpisodeYardstick:
    id: str
    observed: Observed
    probs: dict[str, dict[str, NDArray[np.float64] | None]]  # who -> quantity -> forecast
    scores: dict[str, dict[str, pq.QuantityScores]]  # who -> quantity -> scores
    binary: dict[str, dict[str, tuple[float, float]]]  # who -> event -> (p, Brier)
    pit: tuple[float, float] | None  # (F(y-1), F(y)) of the model's direct blows


@dataclass(frozen=True)
class Comparison:
    """The model against one baseline on one quantity (log scores; module doc)."""

    quantity: str
    baseline: str
    n: int  # episodes scored by both
    difference: float  # mean over episodes of model minus baseline (> 0: the model is better)
    se_episodes: float  # standard error of that mean over episodes (0 with one episode)
    better: int  # episodes on which the model scores higher
    worse: int  # episodes on which the baseline scores higher
    sign_p: float  # two-sided exact sign test of better vs worse (ties left out)
    se_ensemble: float  # standard error of the model's mean log score from its finite runs


def ensemble_log_variance(
    probs: NDArray[np.float64], observed: int, runs: int, alpha: float
) -> float:
    """Sampling variance of the log score of a smoothed ensemble forecast (delta method).

    The forecast is ``p = (c + alpha) / (runs + alpha K)`` with ``c`` the runs in the observed
    bucket, a binomial count of variance ``runs x p (1 - p)`` (the forecast's own, smoothed
    probability, so a bucket no run reached keeps its error); its log varies by
    ``var(c) / (c + alpha)^2``."""
    if runs <= 0:
        return 0.0
    p = float(probs[observed])
    c = max(p * (runs + alpha * len(probs)) - alpha, 0.0)
    return runs * p * (1.0 - p) / (c + alpha) ** 2


@dataclass(frozen=True)
class InTheLarge:
    """The model's mean forecast per bucket of one quantity, and the episodes observed in each
    (:meth:`Yardstick.in_the_large`)."""

    quantity: str
    n: int
    model: list[float]
    observed: list[int]


@dataclass(frozen=True)
class Yardstick:
    rule: str
    reference: list[str]
    runs: int
    alpha: float
    episodes: list[EpisodeYardstick]

    def mean(self, who: str, quantity: str, metric: str) -> float | None:
        v = [
            getattr(e.scores[who][quantity], metric)
            for e in self.episodes
            if quantity in e.scores.get(who, {})
        ]
        return float(np.mean(v)) if v else None

    def mean_binary(self, who: str, event: str) -> float | None:
        v = [e.binary[who][event][1] for e in self.episodes if event in e.binary.get(who, {})]
        return float(np.mean(v)) if v else None

    def compare(self, quantity: str, baseline: str) -> Comparison | None:
        """The model against ``baseline`` on ``quantity``, episode by episode (module doc);
        None when no episode has both forecasts."""
        both = [e for e in self.episodes if quantity in e.scores["model"]]
        both = [e for e in both if quantity in e.scores.get(baseline, {})]
        if not both:
            return None
        d = np.array(
            [e.scores["model"][quantity].log - e.scores[baseline][quantity].log for e in both]
        )
        better, worse = int((d > 0).sum()), int((d < 0).sum())
        variance = 0.0
        for e in both:
            probs = e.probs["model"][quantity]
            if probs is not None:
                variance += ensemble_log_variance(
                    probs, e.observed.buckets[quantity], self.runs, self.alpha
                )
        return Comparison(
            quantity=quantity,
            baseline=baseline,
            n=len(both),
            difference=float(d.mean()),
            se_episodes=float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else 0.0,
            better=better,
            worse=worse,
            sign_p=float(binomtest(better, better + worse).pvalue) if better + worse else 1.0,
            se_ensemble=math.sqrt(variance) / len(both),
        )

    def strongest_baseline(self, quantity: str) -> str | None:
        """The baseline with the highest mean log score on ``quantity``."""
        means = {b: self.mean(b, quantity, "log") for b in BASELINES}
        scored = {b: m for b, m in means.items() if m is not None and math.isfinite(m)}
        return max(scored, key=lambda b: scored[b]) if scored else None

    def comparisons(self) -> list[Comparison]:
        """For every quantity, the model against its strongest baseline."""
        out = []
        for q in self.quantities():
            b = self.strongest_baseline(q)
            c = None if b is None else self.compare(q, b)
            if c is not None:
                out.append(c)
        return out

    def quantities(self) -> list[str]:
        return [q for q in LABELS if any(q in e.scores["model"] for e in self.episodes)]

    def pit_histogram(self) -> list[float]:
        return pq.pit_histogram([e.pit for e in self.episodes if e.pit is not None])

    def reliability(self, quantity: str) -> list[Any]:
        got = [e for e in self.episodes if e.probs["model"].get(quantity) is not None]
        return reliability(
            [e.probs["model"][quantity] for e in got],  # type: ignore[misc]
            [e.observed.buckets[quantity] for e in got],
        )

    def in_the_large(self, quantity: str) -> InTheLarge | None:
        """Calibration in the large of the model on ``quantity``: its mean forecast of each
        bucket over the episodes against the share of episodes observed in it (a calibrated
        forecaster's means match the shares up to sampling error: with ``n`` episodes one
        episode moves a share by ``1/n``). None when no episode has the quantity."""
        got = [e for e in self.episodes if e.probs["model"].get(quantity) is not None]
        if not got:
            return None
        probs = np.array([e.probs["model"][quantity] for e in got])
        seen = np.bincount([e.observed.buckets[quantity] for e in got], minlength=probs.shape[1])
        return InTheLarge(
            quantity=quantity,
            n=len(got),
            model=[float(x) for x in probs.mean(axis=0)],
            observed=[int(x) for x in seen],
        )

    def rule_text(self) -> str:
        if self.rule == LOO:
            return "baselines leave-one-out: each episode's baselines see the other scored episodes"
        return "baselines from a reference set that excludes the scored episodes: " + ", ".join(
            self.reference
        )

    def summary(self) -> dict[str, dict[str, dict[str, float | None]]]:
        return {
            who: {
                q: {m: self.mean(who, q, m) for m in ("log", "brier", "rps")}
                for q in self.quantities()
            }
            for who in FORECASTERS
        }

    def to_dict(self) -> dict[str, Any]:
        def arr(p: NDArray[np.float64] | None, q: str) -> dict[str, float] | None:
            return None if p is None else dict(zip(LABELS[q], map(float, p), strict=True))

        return {
            "rule": self.rule,
            "rule_text": self.rule_text(),
            "reference": self.reference,
            "runs": self.runs,
            "smoothing": self.alpha,
            "quantities": {q: list(LABELS[q]) for q in self.quantities()},
            "binary_events": dict(pq.BINARY),
            "episodes": [
                {
                    "id": e.id,
                    "observed": {q: LABELS[q][b] for q, b in e.observed.buckets.items()},
                    "forecasts": {
                        w: {q: arr(p, q) for q, p in qs.items()} for w, qs in e.probs.items()
                    },
                    "scores": {
                        w: {q: vars(s) for q, s in qs.items()} for w, qs in e.scores.items()
                    },
                    "binary": {
                        w: {k: {"p": p, "brier": b} for k, (p, b) in ev.items()}
                        for w, ev in e.binary.items()
                    },
                    "pit_direct_blows": None if e.pit is None else list(e.pit),
                }
                for e in self.episodes
            ],
            "summary": self.summary(),
            "binary_summary": {
                w: {k: self.mean_binary(w, k) for k in pq.BINARY} for w in FORECASTERS
            },
            "pit_direct_blows": {"bins": pq.PIT_BINS, "histogram": self.pit_histogram()},
            "comparisons": [vars(c) for c in self.comparisons()],
            "reliability": {
                q: [
                    {
                        "bin": b.label,
                        "n": b.n,
                        "hits": b.hits,
                        "mean_predicted": None if b.n == 0 else b.mean_predicted,
                        "observed_frequency": None if b.n == 0 else b.observed_frequency,
                    }
                    for b in self.reliability(q)
                ]
                for q in PATH_QUANTITIES
                if q in self.quantities()
            },
        }


def yardstick(
    cases: Sequence[Case],
    forecasts: dict[str, Forecast],
    reference: Sequence[EpisodeFile] | None = None,
    alpha: float = SMOOTHING,
) -> Yardstick:
    """Score every quantity of every case, the model and the five baselines (module doc)."""
    scored = [Observed.of(c.ep) for c in cases]
    ref = None if reference is None else [Observed.of(e) for e in reference]
    out = []
    for i, c in enumerate(cases):
        f = forecasts[c.id]
        pool = ref if ref is not None else [o for j, o in enumerate(scored) if j != i]
        model: dict[str, NDArray[np.float64] | None] = {
            "rung": smoothed(f.rung, alpha),
            "lag": smoothed(f.lag, alpha),
        }
        if f.path is not None and c.ep.episode.path is not None:
            model.update({q: smoothed(f.path.counts[q], alpha) for q in PATH_QUANTITIES})
        probs = {"model": model, **baselines(c, pool, f.runs, alpha)}
        obs = scored[i]
        scores = {
            w: {q: pq.score_quantity(p, obs.buckets[q]) for q, p in qs.items() if p is not None}
            for w, qs in probs.items()
        }
        binary: dict[str, dict[str, tuple[float, float]]] = {}
        pit = None
        if obs.path is not None and f.path is not None:
            happened = obs.path.binary()
            for w, qs in probs.items():
                binary[w] = {
                    k: (p, pq.binary_brier(p, happened[k])) for k, p in binary_probs(qs).items()
                }
            pit = pq.pit_interval(f.path.blow_values, obs.path.direct_blows)
        out.append(EpisodeYardstick(c.id, obs, probs, scores, binary, pit))
    return Yardstick(
        rule=LOO if reference is None else REFERENCE,
        reference=[] if reference is None else [e.id for e in reference],
        runs=max((f.runs for f in forecasts.values()), default=0),
        alpha=alpha,
        episodes=out,
    )


def split_by_date(
    episodes: Sequence[EpisodeFile], until: Any
) -> tuple[list[EpisodeFile], list[EpisodeFile]]:
    """(train, test): episodes dated on or before ``until``, and those after."""
    train = [e for e in episodes if e.episode.date <= until]
    test = [e for e in episodes if e.episode.date > until]
    return train, test


def finite_or_none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else x


__all__ = [
    "BASELINES",
    "FORECASTERS",
    "LABELS",
    "LOO",
    "REFERENCE",
    "Observed",
    "Yardstick",
    "baselines",
    "binary_probs",
    "split_by_date",
    "yardstick",
]


# --------------------------------------------------------------------------- the documented tables

DOC_BEGIN = "<!-- yardstick:begin (generated by scripts/yardstick.py; do not edit by hand) -->"
DOC_END = "<!-- yardstick:end -->"


def doc_summary(yard: Yardstick) -> dict[str, Any]:
    """What docs/validation.md reports of one protocol (JSON-safe)."""
    return {
        "rule": yard.rule_text(),
        "episodes": [e.id for e in yard.episodes],
        "summary": yard.summary(),
        "binary_summary": {w: {k: yard.mean_binary(w, k) for k in pq.BINARY} for w in FORECASTERS},
        "pit_direct_blows": yard.pit_histogram(),
        "comparisons": [vars(c) for c in yard.comparisons()],
    }


def in_the_large_doc(yard: Yardstick) -> list[dict[str, Any]]:
    """Calibration in the large of every quantity (JSON-safe; docs/validation.md)."""
    found = (yard.in_the_large(q) for q in yard.quantities())
    return [vars(c) for c in found if c is not None]


IN_THE_LARGE_NOTE = (
    "Calibration in the large: the model's mean forecast of each bucket over the {n} episodes "
    "against the share of episodes observed in it (a calibrated forecaster matches the shares "
    "up to sampling error; one episode is {one:.2f} of a share)"
)
IN_THE_LARGE_COLUMNS: tuple[str, ...] = (
    "quantity",
    "bucket",
    "observed",
    "share observed",
    "model's mean forecast",
)


def in_the_large_note(rows: Sequence[dict[str, Any]]) -> str:
    n = max(r["n"] for r in rows)
    return IN_THE_LARGE_NOTE.format(n=n, one=1 / n)


def in_the_large_cells(rows: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The calibration in the large (``in_the_large_doc``) as rows of
    :data:`IN_THE_LARGE_COLUMNS`, one per quantity and bucket."""
    return [
        [
            QUANTITY_NAMES[r["quantity"]],
            label,
            f"{seen} of {r['n']}",
            f"{seen / r['n']:.2f}",
            f"{mean:.2f}",
        ]
        for r in rows
        for label, seen, mean in zip(LABELS[r["quantity"]], r["observed"], r["model"], strict=True)
    ]


def in_the_large_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The calibration-in-the-large table (markdown)."""
    if not rows:
        return []
    out = ["#### Calibration in the large (all episodes)", "", in_the_large_note(rows) + ":", ""]
    out += ["| " + " | ".join(IN_THE_LARGE_COLUMNS) + " |", "|---|---|" + "---:|" * 3]
    out += ["| " + " | ".join(c) + " |" for c in in_the_large_cells(rows)]
    return [*out, ""]


def _f(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.2f}"


def markdown_tables(doc: dict[str, Any]) -> str:
    """The yardstick section of docs/validation.md, rendered from the measured data (the JSON
    that ``scripts/yardstick.py`` writes); a test checks the page holds exactly this text."""
    lines = [
        DOC_BEGIN,
        "",
        f"Measured with `{doc['command']}` (escalade {doc['version']}): the default model "
        f"(no overlay), {doc['runs']} runs per episode, seed {doc['seed']}. Higher log scores "
        "are better; lower RPS and Brier scores are better. **Bold**: the best forecaster of "
        "the column.",
        "",
    ]
    for key, proto in doc["protocols"].items():
        s = proto["summary"]
        qs = [q for q in LABELS if s["model"].get(q, {}).get("log") is not None]
        lines += [f"#### {key}: {len(proto['episodes'])} episodes scored", "", proto["rule"], ""]
        for metric, better in (("log", max), ("rps", min)):
            lines.append(
                f"Mean {'log score ↑' if metric == 'log' else 'ranked probability score ↓'}:"
            )
            lines.append("")
            lines.append("| forecaster | " + " | ".join(QUANTITY_NAMES[q] for q in qs) + " |")
            lines.append("|---|" + "---:|" * len(qs))
            best = {}
            for q in qs:
                vals = [s[w][q][metric] for w in FORECASTERS if s[w][q][metric] is not None]
                best[q] = better(vals)
            for w, label in FORECASTERS.items():
                cells = []
                for q in qs:
                    v = s[w][q][metric]
                    cells.append(f"**{_f(v)}**" if v is not None and v == best[q] else _f(v))
                lines.append(f"| {label} | " + " | ".join(cells) + " |")
            lines.append("")
        b = proto["binary_summary"]
        lines.append("Mean Brier score ↓ of binary events:")
        lines.append("")
        lines.append("| forecaster | " + " | ".join(pq.BINARY.values()) + " |")
        lines.append("|---|" + "---:|" * len(pq.BINARY))
        for w, label in FORECASTERS.items():
            lines.append(f"| {label} | " + " | ".join(_f(b[w][k]) for k in pq.BINARY) + " |")
        lines.append("")
        lost = []
        for q in qs:
            beaten = [
                FORECASTERS[w]
                for w in BASELINES
                if s[w][q]["log"] is not None and s[w][q]["log"] > s["model"][q]["log"]
            ]
            if beaten:
                lost.append(f"{QUANTITY_NAMES[q]} (beaten by {', '.join(beaten)})")
        lines.append(
            "Where the model loses on mean log score: "
            + ("; ".join(lost) if lost else "nowhere")
            + "."
        )
        lines += comparison_lines(proto.get("comparisons", []))
        hist = ", ".join(_f(h) for h in proto["pit_direct_blows"])
        lines += ["", f"PIT of the direct blows (5 bins, 0.20 each if calibrated): {hist}.", ""]
    lines += in_the_large_lines(doc.get("in_the_large", []))
    cal = doc.get("calibration")
    if cal:
        lines += [
            "#### The fit out of sample (`escalade calibrate`)",
            "",
            f"Measured with `{cal['command']}` ({cal.get('settings', '')}). "
            "Loss = minus the mean log score of the first answer's rung and lag buckets "
            "(lower is better).",
            "",
            "| protocol | episodes scored | fitted | shipped defaults |",
            "|---|---:|---:|---:|",
        ]
        for row in cal["rows"]:
            lines.append(
                f"| {row['protocol']} | {row['n']} | {_f(row['fitted'])} | {_f(row['default'])} |"
            )
        lines.append("")
    lines.append(DOC_END)
    return "\n".join(lines) + "\n"


COMPARISON_COLUMNS: tuple[str, ...] = (
    "quantity",
    "strongest baseline",
    "model − baseline",
    "s.e. over episodes",
    "episodes better / worse",
    "sign test p",
    "s.e. from the ensembles",
)
COMPARISON_NOTE = (
    "The model against the strongest baseline of each quantity, episode by episode (log score; "
    "a difference within about two standard errors of either kind is not evidence either way)"
)


def comparison_cells(row: dict[str, Any]) -> list[str]:
    """One comparison (``vars(Comparison)``) as the cells of :data:`COMPARISON_COLUMNS`."""
    return [
        QUANTITY_NAMES[row["quantity"]],
        FORECASTERS[row["baseline"]],
        f"{row['difference']:+.2f}",
        f"{row['se_episodes']:.2f}",
        f"{row['better']} / {row['worse']}",
        f"{row['sign_p']:.2f}",
        f"{row['se_ensemble']:.3f}",
    ]


def comparison_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The table of the model against the strongest baseline of each quantity (markdown)."""
    if not rows:
        return []
    out = ["", COMPARISON_NOTE + ":", "", "| " + " | ".join(COMPARISON_COLUMNS) + " |"]
    out.append("|---|---|" + "---:|" * (len(COMPARISON_COLUMNS) - 2))
    out += ["| " + " | ".join(comparison_cells(r)) + " |" for r in rows]
    return out


def splice(page: str, block: str) -> str:
    """``page`` with the text between the yardstick markers replaced by ``block``."""
    if DOC_BEGIN not in page or DOC_END not in page:
        return page.rstrip("\n") + "\n\n" + block
    head = page.split(DOC_BEGIN, 1)[0]
    tail = page.split(DOC_END, 1)[1]
    return head + block.rstrip("\n") + tail


def block_of(page: str) -> str | None:
    """The yardstick block of a page (markers included), or None."""
    if DOC_BEGIN not in page or DOC_END not in page:
        return None
    return DOC_BEGIN + page.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0] + DOC_END + "\n"
