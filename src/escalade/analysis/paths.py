"""Whole paths (issue 9, item 1): what a run does over the path window, counted as the record is.

The record codes every episode's path (``path:`` in ``data/episodes/*.yaml``, the rules in
``data/episodes/README.md``); :func:`path_quantities` counts the same three quantities in
simulated runs, from the event log, by the same rules:

* **Window.** The days the engine simulates for a horizon of ``horizon`` days: day 0 (the
  scenario's start; every initial event, the trigger among them, lands inside it) to day
  ``horizon - 1``.
* **Sides.** Each principal with its proxies (actors whose ``patron`` is the principal).
* **Direct blows.** Blows (the trigger and other initial events, strikes, proxy harassment) by
  one *principal* on the *other principal* at rung >= 7 (:data:`DIRECT_RUNG`), the trigger
  included when it is one; one side's fire on one day is one blow (several strikes by the same
  principal on the same day count once).
* **Highest rung.** The highest rung of any act (trigger, strike, harassment, statement) in the
  window by either side against the other (0 when there is none).
* **At the horizon.** From the run's ``ended`` (``outcomes``): a run that ended inside the window
  stands as it ended (``quiet``, ``ceasefire``, ``war``). A run still going at the horizon is
  ``war`` if a blow between the sides at rung >= 11 landed in the last :data:`QUIET_WINDOW_DAYS`
  days of the window, ``ongoing`` if a blow at rung >= 4 or a warning of one (an announced
  answer still to come) did, and ``quiet`` otherwise (no blow in roughly the last two weeks:
  the record's rule). A proxy's harassment on its own initiative does not keep a crisis
  going unless the proxy is a principal: it is the model's chronic background fire, which the
  record does not count when it goes on at its usual level (Hezbollah's daily fire after E7
  and E8).

Scores (:func:`score_quantity`): log score and multi-category Brier on buckets, the ranked
probability score ``sum_k (F_k - O_k)^2`` over the cumulative buckets (ordinal; for the state at
the horizon in the order quiet, ceasefire, ongoing, war), Brier and log on binary events, and a
non-randomised PIT (Czado, Gneiting and Held 2009) of the count of direct blows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import ArrayLike, NDArray

from escalade.scenario.schema import Role, Scenario

DIRECT_RUNG = 7
"""Lowest rung of a direct blow between the principals (README: limited direct strike)."""
ONGOING_RUNG = 4
"""Lowest rung of a blow that keeps a crisis ``ongoing`` at the horizon."""
WAR_RUNG = 11
"""Lowest rung of sustained war."""
QUIET_WINDOW_DAYS = 14
"""Days before the horizon without a blow for a crisis still running to count as quiet."""
BLOW_KINDS = ("trigger", "strike", "harassment")
"""Events that are blows: the trigger and other initial events, strikes, proxy harassment."""
CHRONIC_KIND = "harassment"
"""A proxy's attack on its own initiative: the model's chronic background fire. It does not keep
a crisis ``ongoing`` at the horizon unless a principal fires it (the record does not count
chronic fire that goes on at its usual level, data/episodes/README.md)."""
ACT_KINDS = (*BLOW_KINDS, "statement")
STATES: tuple[str, ...] = ("quiet", "ceasefire", "ongoing", "war")
"""States at the horizon, in the order the ranked probability score uses."""


@dataclass(frozen=True)
class CountBucket:
    label: str
    low: int
    high: int | None


BLOW_BUCKETS: tuple[CountBucket, ...] = (
    CountBucket("0", 0, 0),
    CountBucket("1", 1, 1),
    CountBucket("2", 2, 2),
    CountBucket("3", 3, 3),
    CountBucket("4–9", 4, 9),
    CountBucket("10+", 10, None),
)
HIGHEST_BUCKETS: tuple[CountBucket, ...] = (
    CountBucket("0–3", 0, 3),
    CountBucket("4", 4, 4),
    CountBucket("5", 5, 5),
    CountBucket("6", 6, 6),
    CountBucket("7", 7, 7),
    CountBucket("8", 8, 8),
    CountBucket("9–10", 9, 10),
    CountBucket("11+", 11, None),
)
QUANTITIES: dict[str, tuple[str, ...]] = {
    "direct_blows": tuple(b.label for b in BLOW_BUCKETS),
    "highest_rung": tuple(b.label for b in HIGHEST_BUCKETS),
    "at_horizon": STATES,
}
"""The scored path quantities and their bucket labels."""
QUANTITY_LABELS = {
    "direct_blows": "direct blows",
    "highest_rung": "highest rung",
    "at_horizon": "state at horizon",
}
BINARY: dict[str, str] = {
    "any_direct_blow": "at least one direct blow",
    "at_most_two_blows": "at most two direct blows (one each, then none: SF6)",
    "closed": "closed at the horizon (quiet or cease-fire)",
    "war": "war at the horizon",
}
"""Binary events scored with Brier and log scores."""
PIT_BINS = 5


def buckets_of(values: ArrayLike, buckets: Sequence[CountBucket]) -> NDArray[np.int64]:
    lows = np.array([b.low for b in buckets])
    v = np.asarray(values, dtype=np.int64)
    return np.maximum(np.searchsorted(lows, v, side="right") - 1, 0).astype(np.int64)


def sides_of(scenario: Scenario, principals: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each principal with its proxies (actors of role proxy whose patron it is)."""
    return tuple(
        (p, *(a for a, x in scenario.actors.items() if x.role == Role.PROXY and x.patron == p))
        for p in principals
    )


@dataclass(frozen=True)
class PathQuantities:
    """Per run (in the order of the outcome table's ``run`` column)."""

    direct_blows: NDArray[np.int64]
    highest_rung: NDArray[np.int64]
    at_horizon: NDArray[np.int64]  # index into STATES


def path_quantities(
    events: pa.Table,
    outcomes: pa.Table,
    principals: Sequence[str],
    horizon: int,
    sides: Sequence[Sequence[str]] | None = None,
) -> PathQuantities:
    """The record's path quantities of every run, counted by the rules in the module doc.

    ``events`` is the event log (``run_batch(..., keep_events=True)``), ``outcomes`` the outcome
    table (its ``run``, ``ended`` and ``end_day``), ``principals`` the two sides' states,
    ``horizon`` the window in days, ``sides`` each principal with its proxies
    (:func:`sides_of`; default: the principals alone).
    """
    if len(principals) != 2 or principals[0] == principals[1]:
        raise ValueError(f"principals: expected two distinct actor ids, got {list(principals)!r}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 day, got {horizon}")
    a, b = principals
    side_a, side_b = (tuple(s) for s in (sides or ([a], [b])))
    run_ids = np.asarray(outcomes["run"], dtype=np.int64)
    runs = len(run_ids)
    order = np.argsort(run_ids)

    def pos(t: pa.Table) -> NDArray[np.int64]:
        return np.asarray(
            order[np.searchsorted(run_ids, np.asarray(t["run"], dtype=np.int64), sorter=order)]
        )

    ev = events.filter(pc.less(events["day"], horizon))
    actor, target = ev["actor"], ev["target"]

    def among(col: pa.ChunkedArray, names: Sequence[str]) -> pa.ChunkedArray:
        return pc.is_in(col, value_set=pa.array(list(names), pa.string()))

    across = pc.or_(
        pc.and_(among(actor, side_a), among(target, side_b)),
        pc.and_(among(actor, side_b), among(target, side_a)),
    )
    across = pc.fill_null(across, False)
    blows = among(ev["kind"], BLOW_KINDS)
    direct = pc.and_(
        pc.and_(blows, pc.greater_equal(ev["rung"], DIRECT_RUNG)),
        pc.or_(
            pc.and_(pc.equal(actor, a), pc.equal(target, b)),
            pc.and_(pc.equal(actor, b), pc.equal(target, a)),
        ),
    )
    d = ev.filter(pc.fill_null(direct, False))
    n_blows = np.zeros(runs, dtype=np.int64)
    if d.num_rows:
        key = np.stack(
            [pos(d), np.asarray(d["day"]), np.asarray(pc.equal(d["actor"], a), dtype=np.int64)]
        )
        uniq = np.unique(key, axis=1)
        np.add.at(n_blows, uniq[0], 1)

    acts = ev.filter(pc.and_(among(ev["kind"], ACT_KINDS), across))
    highest = np.zeros(runs, dtype=np.int64)
    if acts.num_rows:
        np.maximum.at(highest, pos(acts), np.asarray(acts["rung"], dtype=np.int64))

    ended = np.asarray(outcomes["ended"].to_pylist(), dtype=object)
    end_day = np.asarray(outcomes["end_day"], dtype=np.int64)
    state = np.full(runs, STATES.index("quiet"), dtype=np.int64)
    late = ev.filter(pc.and_(across, pc.greater_equal(ev["day"], horizon - QUIET_WINDOW_DAYS)))
    chronic = pc.and_(
        pc.equal(late["kind"], CHRONIC_KIND), pc.invert(among(late["actor"], principals))
    )
    late_blows = late.filter(
        pc.and_(among(late["kind"], BLOW_KINDS), pc.invert(pc.fill_null(chronic, False)))
    )
    warned = late.filter(pc.equal(late["kind"], "warning"))
    busy = np.zeros(runs, dtype=np.bool_)
    at_war = np.zeros(runs, dtype=np.bool_)
    if late_blows.num_rows:
        r = np.asarray(late_blows["rung"], dtype=np.int64)
        p = pos(late_blows)
        busy[p[r >= ONGOING_RUNG]] = True
        at_war[p[r >= WAR_RUNG]] = True
    if warned.num_rows:
        r = np.asarray(warned["rung"], dtype=np.int64)
        busy[pos(warned)[r >= ONGOING_RUNG]] = True
    state[busy] = STATES.index("ongoing")
    state[at_war] = STATES.index("war")
    inside = (end_day < horizon) & (ended != "ongoing")
    for name in ("quiet", "ceasefire", "war"):
        state[inside & (ended == name)] = STATES.index(name)
    return PathQuantities(n_blows, highest, state)


# --------------------------------------------------------------------------- forecasts


@dataclass(frozen=True)
class PathForecast:
    """An ensemble's path quantities of one episode, as counts."""

    runs: int
    counts: dict[str, NDArray[np.int64]]  # quantity -> counts per bucket
    blow_values: dict[int, int]  # number of direct blows -> runs (for the PIT)
    binary: dict[str, int]  # binary event -> runs in which it happened

    @classmethod
    def from_quantities(cls, q: PathQuantities) -> PathForecast:
        kb = buckets_of(q.direct_blows, BLOW_BUCKETS)
        hb = buckets_of(q.highest_rung, HIGHEST_BUCKETS)
        values, counts = np.unique(q.direct_blows, return_counts=True)
        return cls(
            runs=len(q.direct_blows),
            counts={
                "direct_blows": np.bincount(kb, minlength=len(BLOW_BUCKETS)),
                "highest_rung": np.bincount(hb, minlength=len(HIGHEST_BUCKETS)),
                "at_horizon": np.bincount(q.at_horizon, minlength=len(STATES)),
            },
            blow_values={int(v): int(c) for v, c in zip(values, counts, strict=True)},
            binary={
                k: int(v.sum()) for k, v in binary_events(q.direct_blows, q.at_horizon).items()
            },
        )


def binary_events(blows: ArrayLike, state: ArrayLike) -> dict[str, NDArray[np.bool_]]:
    """The binary events of :data:`BINARY` from direct blows and state indices."""
    n = np.asarray(blows, dtype=np.int64)
    s = np.asarray(state, dtype=np.int64)
    return {
        "any_direct_blow": n >= 1,
        "at_most_two_blows": n <= 2,
        "closed": (s == STATES.index("quiet")) | (s == STATES.index("ceasefire")),
        "war": s == STATES.index("war"),
    }


@dataclass(frozen=True)
class PathObserved:
    """An episode's coded path as bucket indices."""

    direct_blows: int
    highest_rung: int
    at_horizon: str

    def bucket(self, quantity: str) -> int:
        if quantity == "direct_blows":
            return int(buckets_of([self.direct_blows], BLOW_BUCKETS)[0])
        if quantity == "highest_rung":
            return int(buckets_of([self.highest_rung], HIGHEST_BUCKETS)[0])
        return STATES.index(self.at_horizon)

    def binary(self) -> dict[str, bool]:
        ev = binary_events([self.direct_blows], [STATES.index(self.at_horizon)])
        return {k: bool(v[0]) for k, v in ev.items()}


# --------------------------------------------------------------------------- scores


def rps(probs: ArrayLike, observed: int) -> float:
    """Ranked probability score ``sum_k (F_k - O_k)^2`` over the K - 1 cumulative buckets
    (lower is better; 0 perfect, K - 1 worst)."""
    p = np.asarray(probs, dtype=np.float64)
    o = np.zeros(len(p))
    o[observed] = 1.0
    return float(((np.cumsum(p) - np.cumsum(o))[:-1] ** 2).sum())


def binary_brier(p: float, happened: bool) -> float:
    """``(p - o)^2`` for the probability ``p`` of a binary event."""
    return float((p - (1.0 if happened else 0.0)) ** 2)


def binary_log(p: float, happened: bool) -> float:
    q = p if happened else 1.0 - p
    return math.log(q) if q > 0 else -math.inf


@dataclass(frozen=True)
class QuantityScores:
    p: float
    log: float
    brier: float
    rps: float


def score_quantity(probs: ArrayLike, observed: int) -> QuantityScores:
    """Log, Brier and ranked probability scores of a bucket forecast."""
    from escalade.analysis.hindcast import brier_score, log_score

    p = np.asarray(probs, dtype=np.float64)
    return QuantityScores(
        float(p[observed]), log_score(p, observed), brier_score(p, observed), rps(p, observed)
    )


def pit_interval(values: Mapping[int, int], observed: int) -> tuple[float, float]:
    """``(F(y - 1), F(y))`` of the ensemble's empirical distribution of counts at ``y``."""
    total = sum(values.values())
    if total == 0:
        return 0.0, 1.0
    below = sum(c for v, c in values.items() if v < observed)
    at = values.get(observed, 0)
    return below / total, (below + at) / total


def pit_histogram(intervals: Sequence[tuple[float, float]], bins: int = PIT_BINS) -> list[float]:
    """Non-randomised PIT histogram (Czado et al. 2009): the share of the episodes' PIT mass
    in each of ``bins`` equal bins of [0, 1]; a calibrated forecaster puts 1/bins in each."""
    if not intervals:
        return [math.nan] * bins

    def cdf(u: float, lo: float, hi: float) -> float:
        if u <= lo:
            return 0.0
        if u >= hi:
            return 1.0
        return (u - lo) / (hi - lo)

    edges = np.linspace(0.0, 1.0, bins + 1)
    mean_cdf = [float(np.mean([cdf(float(u), lo, hi) for lo, hi in intervals])) for u in edges]
    return [mean_cdf[i + 1] - mean_cdf[i] for i in range(bins)]


__all__ = [
    "BINARY",
    "BLOW_BUCKETS",
    "DIRECT_RUNG",
    "HIGHEST_BUCKETS",
    "QUANTITIES",
    "STATES",
    "PathForecast",
    "PathObserved",
    "PathQuantities",
    "binary_brier",
    "binary_events",
    "path_quantities",
    "pit_histogram",
    "pit_interval",
    "rps",
    "score_quantity",
    "sides_of",
]
