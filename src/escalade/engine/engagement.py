"""Layered coalition air defence: one salvo against the layers over one actor (M6, with M3).

A salvo is a count of munitions of each type, per run. It is resolved in stages, every stage
an array operation over the runs (no Python loop over runs):

1. **Failure** (M6). ``failed ~ Binomial(launched, failure_rate)`` per munition type; the
   failure rate is drawn once per run from the scenario's ``munitions.<id>.failure_rate``.
2. **Layers, outer first** (M6). The layers over the defended actor are taken in the order the
   scenario lists them (list the outermost first). A layer only engages the munition types in
   its ``engages`` list, and only if it has *joined* (:func:`layers_joined`: own layers always;
   a partner's layers per the alliance's ``defend`` probability and the warning, M3).
3. **Arrival, capacity and stock** (M6, M3). Each type arrives evenly over its
   ``arrival_spread_hours`` after its flight time; with the defence's ``window_hours`` the
   threats of one window share each layer's capacity (:func:`arrival_windows`,
   :func:`split_counts`). A layer engages at most ``round(capacity_per_wave * readiness)``
   threats a window, readiness rising from ``unwarned_readiness`` at 0 h of warning to 1 at
   ``full_readiness_hours``, the hours the threats flew counting as warning
   (:func:`effective_capacity`). It also engages no more threats than its interceptor
   stock allows: ``stock // shots_per_threat`` under shoot-shoot, ``stock`` under
   shoot-look-shoot. When the threats it could engage exceed that budget, the budget is shared
   across the threat types in proportion to their numbers (largest remainders get the odd
   units, ties to the type listed first).
4. **Kills** (M6). *Shoot-shoot*: each engaged threat receives ``shots_per_threat`` interceptors
   at once and dies with probability ``1 - (1 - pk)^shots``; the layer uses
   ``engaged * shots`` interceptors. *Shoot-look-shoot*: the layer fires in rounds of one
   interceptor per surviving engaged threat, looking after each round; round 1 fires at every
   engaged threat, round j fires at the engaged threats still flying after round j-1, up to
   ``shots_per_threat`` rounds and while stock lasts (shared proportionally when it runs out).
   Each round kills ``Binomial(fired, pk)``. With ample stock the kill probability per engaged
   threat is the same ``1 - (1 - pk)^shots`` as shoot-shoot, but fewer interceptors are spent
   (on average ``(1 - (1 - pk)^shots) / pk`` per threat). Threats not killed pass to the next
   layer.
5. **Leakers and effects** (M6). Threats alive after the last layer are leakers; a share
   ``accuracy`` of them hit the target class, the rest fall in open ground, and a share
   ``debris_share`` of the intercepted drop debris (counted, harmless).
   ``damage = hits * damage_per_hit`` and ``deaths ~ Poisson(hits * casualties_per_hit)``,
   with both rates drawn once per run from the scenario's ``target_classes.<class>``.
6. **Costs** (M6). ``attack_cost = sum(launched * munition unit cost)``;
   ``defence_cost = sum(interceptors used * interceptor unit cost)``. Unit costs given as
   distributions enter at their mean (costs are book-keeping, not behaviour).

Randomness: every draw takes one uniform from :class:`~escalade.engine.rng.Streams`, keyed by
``(seed, run_id, day, stream)``, with a stream name built from ``tag``, the stage, the layer and
the munition id (e.g. ``engagement:salvo:kill:USA/f15e:shahed_136:1``). Run K therefore gives
the same result alone or inside any batch, two salvos with different tags on the same day draw
different numbers, and what-if variants of a scenario share their draws (common random
numbers). Binomial and Poisson draws use :mod:`escalade.engine.draws` through :class:`Streams`
(exact inverse CDF for small variances, a Cornish-Fisher corrected normal inverse above
:data:`~escalade.engine.draws.EXACT_VARIANCE_MAX`), which are ~10x faster than the exact scipy
inverse CDF behind :meth:`Streams.binomial` while keeping one uniform per draw.

See ``docs/model/M6-engagement.md`` for parameters, sources and calibration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from escalade.engine.compiled import draw_param
from escalade.engine.rng import Streams
from escalade.scenario.distributions import mean_of
from escalade.scenario.schema import Scenario, TargetClass

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


def _binomial(streams: Streams, day: int, stream: str, n: Ints, p: Floats) -> Ints:
    """Binomial draws over runs, shape (R,), on their own counter stream (skipped if all n=0)."""
    if not np.any(n > 0):
        return np.zeros(streams.runs, dtype=np.int64)
    return streams.binomial(day, stream, n, p)


# --------------------------------------------------------------------------------------------
# Tables compiled from the scenario
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunitionTable:
    """The scenario's munitions, in ``scenario.munitions`` order (index m)."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    failure_rate: Floats  # (R, M) drawn per run
    unit_cost: Floats  # (M,) US dollars
    flight_time_hours: Floats  # (M,)
    arrival_spread_hours: Floats  # (M,) threats of a type arrive evenly over this span
    accuracy: Floats  # (M,) share of leakers on the aim point (mean)
    debris_share: Floats  # (M,) share of intercepts whose debris falls in the defended area

    def index(self, name: str) -> int:
        return self.names.index(name)

    def salvo(self, fire: Mapping[str, int], runs: int) -> Ints:
        """The launched array (R, M) for ``{munition id: count}`` (same in every run)."""
        row = np.zeros(len(self.names), dtype=np.int64)
        for name, count in fire.items():
            row[self.index(name)] += int(count)
        return np.tile(row, (runs, 1))


@dataclass(frozen=True)
class DefenceTable:
    """The air-defence layers over one defended actor, outer first (index l)."""

    defended: str
    names: tuple[str, ...]
    owners: tuple[str, ...]
    engages: Bools  # (L, M)
    kill_probability: Floats  # (R, L) drawn per run
    shots_per_threat: Ints  # (L,)
    look_shoot: Bools  # (L,) doctrine == shoot-look-shoot
    capacity: Ints  # (L,) threats per wave when warned
    initial_stock: Ints  # (L,)
    unit_cost: Floats  # (L,) US dollars per interceptor
    unwarned_readiness: Floats  # (R, L) drawn per run
    defend: Floats  # (R, L) owner's chance of joining: 1 own, alliance `defend` drawn per run,
    #                 0 for a partner without an alliance with the defended actor
    full_readiness_hours: Floats  # (L,) lead time at which a layer is fully in place (M3)
    resupply_per_day: Floats  # (L,) interceptors delivered per day (mean)
    reserve: Floats  # (L,) share of the starting stock held back (ration policy, mean)
    window_hours: float | None = None  # engagement window; None: one window per salvo

    @property
    def layers(self) -> int:
        return len(self.names)

    def stock(self, runs: int) -> Ints:
        """A fresh (R, L) stock array at the scenario's initial stocks."""
        return np.tile(self.initial_stock, (runs, 1))

    def keys(self) -> tuple[str, ...]:
        """Stable per-layer stream keys ``owner/name`` (with ``#l`` appended if not unique)."""
        raw = [f"{o}/{n}" for o, n in zip(self.owners, self.names, strict=True)]
        return tuple(k if raw.count(k) == 1 else f"{k}#{i}" for i, k in enumerate(raw))


def munition_table(
    scenario: Scenario, streams: Streams, drawn: Iterable[str] | None = None
) -> MunitionTable:
    """Compile ``scenario.munitions`` (M6).

    Failure rates are drawn per run from ``munitions.<id>.failure_rate`` for every munition in
    ``drawn`` (default: all); the others take their mean, which saves time when only a few
    types are fired (a PERT draw costs ~1.4 us a run). Costs and flight times enter at their
    mean.
    """
    names = tuple(scenario.munitions)
    wanted = set(names if drawn is None else drawn)
    runs = streams.runs
    fail = np.empty((runs, len(names)), dtype=np.float64)
    for m, (mid, mun) in enumerate(scenario.munitions.items()):
        if mid in wanted:
            fail[:, m] = draw_param(streams, mun.failure_rate, f"munitions.{mid}.failure_rate")
        else:
            fail[:, m] = mean_of(mun.failure_rate)
    return MunitionTable(
        names=names,
        kinds=tuple(m.kind for m in scenario.munitions.values()),
        failure_rate=np.clip(fail, 0.0, 1.0),
        unit_cost=np.array(
            [mean_of(m.unit_cost_usd) for m in scenario.munitions.values()], dtype=np.float64
        ),
        flight_time_hours=np.array(
            [mean_of(m.flight_time_hours) for m in scenario.munitions.values()], dtype=np.float64
        ),
        arrival_spread_hours=np.array(
            [m.arrival_spread_hours for m in scenario.munitions.values()], dtype=np.float64
        ),
        accuracy=np.array(
            [mean_of(m.accuracy) for m in scenario.munitions.values()], dtype=np.float64
        ),
        debris_share=np.array(
            [mean_of(m.debris_share) for m in scenario.munitions.values()], dtype=np.float64
        ),
    )


def defence_table(scenario: Scenario, defended: str, streams: Streams) -> DefenceTable:
    """Compile the layers of ``actors.<defended>.defence``.

    Kill probabilities and unwarned readiness are drawn per run
    (``actors.<defended>.defence.layers.<l>.<field>``); so is each partner's willingness to
    defend, from the first ``alliance`` relation ``between: [partner, defended]``
    (``relations.<i>.defend``; 0 when there is none, 1 for the defended actor's own layers).
    Interceptor costs enter at their mean.
    """
    if defended not in scenario.actors:
        raise KeyError(f"unknown actor '{defended}'")
    layers = scenario.actors[defended].defence.layers
    munitions = list(scenario.munitions)
    runs, n_layers = streams.runs, len(layers)
    engages = np.zeros((n_layers, len(munitions)), dtype=np.bool_)
    pk = np.empty((runs, n_layers), dtype=np.float64)
    ready = np.empty((runs, n_layers), dtype=np.float64)
    for i, layer in enumerate(layers):
        for mid in layer.engages:
            engages[i, munitions.index(mid)] = True
        path = f"actors.{defended}.defence.layers.{i}"
        pk[:, i] = draw_param(streams, layer.kill_probability, f"{path}.kill_probability")
        ready[:, i] = draw_param(streams, layer.unwarned_readiness, f"{path}.unwarned_readiness")
    defend = np.ones((runs, n_layers), dtype=np.float64)
    for owner in dict.fromkeys(layer.owner for layer in layers):
        if owner == defended:
            continue
        cols = [i for i, layer in enumerate(layers) if layer.owner == owner]
        rel = next(
            (
                (i, r)
                for i, r in enumerate(scenario.relations)
                if r.kind == "alliance" and tuple(r.between) == (owner, defended)
            ),
            None,
        )
        if rel is None:
            defend[:, cols] = 0.0
        else:
            defend[:, cols] = draw_param(streams, rel[1].defend, f"relations.{rel[0]}.defend")[
                :, None
            ]
    return DefenceTable(
        defended=defended,
        names=tuple(layer.name for layer in layers),
        owners=tuple(layer.owner for layer in layers),
        engages=engages,
        kill_probability=np.clip(pk, 0.0, 1.0),
        shots_per_threat=np.array([la.shots_per_threat for la in layers], dtype=np.int64),
        look_shoot=np.array([la.doctrine == "shoot-look-shoot" for la in layers], dtype=np.bool_),
        capacity=np.array([la.capacity_per_wave for la in layers], dtype=np.int64),
        initial_stock=np.array([la.stock for la in layers], dtype=np.int64),
        unit_cost=np.array([mean_of(la.unit_cost_usd) for la in layers], dtype=np.float64),
        unwarned_readiness=np.clip(ready, 0.0, 1.0),
        defend=np.clip(defend, 0.0, 1.0),
        full_readiness_hours=np.array([la.full_readiness_hours for la in layers], dtype=float),
        resupply_per_day=np.array([mean_of(la.resupply_per_day) for la in layers], dtype=float),
        reserve=np.clip(np.array([mean_of(la.reserve) for la in layers], dtype=float), 0, 1),
        window_hours=scenario.actors[defended].defence.window_hours,
    )


def without_partners(table: DefenceTable, keep: Iterable[str] | None) -> DefenceTable:
    """The table with every partner's layers out except those of the owners in ``keep``
    (``None``: all partners as the scenario says; ``[]``: the defended actor alone). A layer
    out of the defence never joins (its ``defend`` is 0); the defended actor's own layers
    always stay."""
    if keep is None:
        return table
    kept = set(keep) | {table.defended}
    out = [i for i, o in enumerate(table.owners) if o not in kept]
    if not out:
        return table
    defend = table.defend.copy()
    defend[:, out] = 0.0
    return replace(table, defend=defend)


def target_effects(
    scenario: Scenario,
    target_class: str | None,
    streams: Streams,
    lead_hours: Floats | float | None = None,
) -> tuple[Floats, Floats]:
    """Per-run ``(damage_per_hit, casualties_per_hit)`` of a target class (M6), after the
    shelter and dispersal the warning allowed (M3, :func:`sheltered_factors`; ``lead_hours``
    None: no adjustment).

    ``None`` (or a scenario without target classes) takes the schema's defaults.
    """
    if target_class is None:
        tc, path = TargetClass(), "target_classes.<default>"
    else:
        tc, path = scenario.target_classes[target_class], f"target_classes.{target_class}"
    dmg = draw_param(streams, tc.damage_per_hit, f"{path}.damage_per_hit")
    cas = draw_param(streams, tc.casualties_per_hit, f"{path}.casualties_per_hit")
    if lead_hours is None:
        return dmg, cas
    fd, fc = sheltered_factors(
        np.broadcast_to(np.asarray(lead_hours, dtype=np.float64), (streams.runs,)),
        tc.shelter_hours,
        mean_of(tc.dispersed_damage_factor),
        mean_of(tc.sheltered_casualty_factor),
    )
    return dmg * fd, cas * fc


def sheltered_factors(
    lead_hours: Floats, shelter_hours: float, damage_factor: float, casualty_factor: float
) -> tuple[Floats, Floats]:
    """Multipliers of damage and deaths per hit after ``lead_hours`` of warning (M3).

    The sheltered (and dispersed) share is ``s = min(1, lead_hours / shelter_hours)`` (1 when
    ``shelter_hours`` is 0); damage per hit is multiplied by ``1 - s (1 - damage_factor)`` and
    deaths per hit by ``1 - s (1 - casualty_factor)``.
    """
    h = np.asarray(lead_hours, dtype=np.float64)
    s = np.ones_like(h) if shelter_hours <= 0 else np.clip(h / shelter_hours, 0.0, 1.0)
    return 1.0 - s * (1.0 - damage_factor), 1.0 - s * (1.0 - casualty_factor)


# --------------------------------------------------------------------------------------------
# Mechanisms
# --------------------------------------------------------------------------------------------


def lead_hours_of(warning: Any, runs: int) -> Floats:
    """Lead time in hours, (R,), from hours (numbers) or from the old warned flags (booleans:
    warned = unlimited lead time, i.e. full readiness; not warned = 0 h)."""
    w = np.asarray(warning)
    if w.dtype == np.bool_:
        w = np.where(w, np.inf, 0.0)
    h = w.astype(np.float64, copy=False)
    if h.shape != (runs,):
        h = np.broadcast_to(h, (runs,))
    if not (h >= 0).all():  # negative or NaN
        raise ValueError("lead time must be >= 0 hours")
    return h


def readiness(table: DefenceTable, lead_hours: Floats) -> Floats:
    """Share of each layer in place after ``lead_hours`` of warning, (R, L) (M3).

    ``readiness = r0 + (1 - r0) * min(1, lead_hours / full_readiness_hours)``, with ``r0`` the
    layer's ``unwarned_readiness`` (drawn per run): alert and manning of the fire units, their
    dispersal and, for a partner, its ships and aircraft moved on station. A layer with
    ``full_readiness_hours`` 0 is always fully in place.
    """
    h = np.asarray(lead_hours, dtype=np.float64)[:, None]
    full = table.full_readiness_hours[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ramp = np.where(full > 0, np.clip(h / np.where(full > 0, full, 1.0), 0.0, 1.0), 1.0)
    r0 = table.unwarned_readiness
    return r0 + (1.0 - r0) * ramp


def layers_joined(table: DefenceTable, streams: Streams, day: int, warned: Any) -> Bools:
    """Which layers take part in the defence, per run: (R, L) bool (M6, M3).

    ``warned`` is the lead time in hours (R,) — or, as before, booleans (True: fully warned,
    False: 0 h); see :func:`lead_hours_of`.

    - The defended actor's own layers always take part.
    - A partner's layers take part only if an ``alliance`` relation ``between: [partner,
      defended]`` exists (the first one listed counts); its ``defend`` probability was drawn
      per run when the table was compiled (:func:`defence_table`, ``table.defend``). One
      uniform ``u`` is drawn per run, day and partner (stream
      ``engagement:join:<defended>:<partner>``) and shared by all the partner's layers.
    - A partner's layer joins when ``u < defend * readiness[layer]`` (:func:`readiness` at the
      lead time): fully warned, ``u < defend``, so a partner joins as a whole; with no
      warning, ``u < defend * unwarned_readiness``: the partner must be both willing and have
      that layer in place (less ready layers join only in runs where the readier ones do).
      Its capacity is then reduced further by :func:`effective_capacity`, like the defender's
      own layers.
    """
    runs = streams.runs
    ready = readiness(table, lead_hours_of(warned, runs))
    joined = np.ones((runs, table.layers), dtype=np.bool_)
    for owner in dict.fromkeys(table.owners):
        if owner == table.defended:
            continue
        cols = [i for i, o in enumerate(table.owners) if o == owner]
        if not table.defend[:, cols].any():
            joined[:, cols] = False
            continue
        u = streams.uniform(day, f"engagement:join:{table.defended}:{owner}")
        for c in cols:
            joined[:, c] = u < table.defend[:, c] * ready[:, c]
    return joined


def effective_capacity(defence: DefenceTable, joined: Bools, warned: Any) -> Ints:
    """Threats each layer can engage in one window, (R, L) (M3, M6).

    ``round(capacity_per_wave * readiness)`` at the lead time ``warned`` (hours, or booleans
    as in :func:`lead_hours_of`): full capacity when fully warned, ``round(capacity *
    unwarned_readiness)`` at 0 h (the share of fire units manned and in place without
    notice); zero when not joined.
    """
    runs = joined.shape[0]
    lead = lead_hours_of(warned, runs)
    if defence.layers and lead.min(initial=np.inf) >= defence.full_readiness_hours.max():
        return np.where(joined, defence.capacity[None, :], 0)  # every layer fully in place
    ready = readiness(defence, lead)
    cap = np.rint(defence.capacity[None, :] * ready).astype(np.int64)
    return np.where(joined, cap, 0)


def arrival_windows(
    munitions: MunitionTable, window_hours: float | None
) -> list[tuple[float, Floats]]:
    """The engagement windows of a salvo launched at hour 0 (M6): ``[(start_hour, weights)]``
    in time order, ``weights`` (M,) the share of each munition type arriving in that window.

    Type ``m`` arrives evenly over ``[flight_time, flight_time + arrival_spread]`` hours
    (all at ``flight_time`` when the spread is 0); window ``k`` covers
    ``[k * window_hours, (k + 1) * window_hours)``. ``window_hours`` None: one window at
    hour 0 holding everything (the whole salvo meets the layers together).
    """
    n = len(munitions.names)
    if window_hours is None or window_hours <= 0:
        return [(0.0, np.ones(n))]
    w = float(window_hours)
    start = munitions.flight_time_hours
    spread = munitions.arrival_spread_hours
    weights: dict[int, Floats] = {}
    for m in range(n):
        a, span = float(start[m]), float(spread[m])
        if span <= 0:
            k = int(np.floor(a / w))
            weights.setdefault(k, np.zeros(n))[m] += 1.0
            continue
        k0, k1 = int(np.floor(a / w)), int(np.floor((a + span) / w))
        for k in range(k0, k1 + 1):
            lo, hi = max(a, k * w), min(a + span, (k + 1) * w)
            if hi > lo:
                weights.setdefault(k, np.zeros(n))[m] += (hi - lo) / span
    return [(k * w, weights[k]) for k in sorted(weights)]


def split_counts(counts: Ints, weights: Floats) -> Ints:
    """Split per-run counts (R,) over windows by fixed ``weights`` (K,) summing to 1, exactly,
    by cumulative rounding: window ``k`` gets ``floor(n W_k) - floor(n W_{k-1})`` with ``W``
    the cumulative weights, so each part is within one of ``n w_k`` and the parts sum to
    ``counts``. Returns (K, R); deterministic (no draw)."""
    n = np.asarray(counts, dtype=np.int64)
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    cum[-1] = 1.0  # the last window closes the span exactly
    edges = np.floor(n[None, :] * cum[:, None] + 1e-9).astype(np.int64)
    edges[-1] = n
    return np.diff(edges, axis=0, prepend=0)


def resupply(defence: DefenceTable, stock: Ints, from_day: float, to_day: float) -> Ints:
    """Stock after the deliveries between ``from_day`` and ``to_day`` (M6 campaigns):
    ``floor(rate * to_day) - floor(rate * from_day)`` interceptors per layer, never raising a
    layer above its starting stock (a layer already above it keeps what it has)."""
    rate = defence.resupply_per_day
    if not np.any(rate > 0):
        return stock
    add = (np.floor(rate * to_day + 1e-9) - np.floor(rate * from_day + 1e-9)).astype(np.int64)
    cap = np.maximum(defence.initial_stock[None, :], stock)
    return np.minimum(stock + add[None, :], cap)


def resupply_interceptors(engagement: EngagementParams, arsenals: Arsenals, day: int) -> None:
    """Day hook (M6): every defended actor's layers receive their ``resupply_per_day`` for
    ``day`` (see :func:`resupply`), in place. Nothing happens when no layer is resupplied."""
    for a, table in enumerate(engagement.defences):
        if table.layers and np.any(table.resupply_per_day > 0):
            arsenals.interceptors[a] = resupply(table, arsenals.interceptors[a], day, day + 1)


def share_budget(eligible: Ints, budget: Ints) -> Ints:
    """Split a per-run budget over threat types in proportion to their numbers (M6).

    ``eligible`` (R, k) threats per type, ``budget`` (R,). Rows whose threats fit the budget are
    returned whole; otherwise each type gets ``floor(budget * e / E)`` and the leftover units go
    to the largest remainders (ties to the lower column). Never exceeds ``eligible``.
    """
    return _share(np.asarray(eligible, dtype=np.int64).T, np.asarray(budget, dtype=np.int64)).T


def _share(eligible: Ints, budget: Ints) -> Ints:
    """:func:`share_budget` on type-major arrays: ``eligible`` (k, R) -> (k, R)."""
    budget = np.maximum(budget, 0)
    if eligible.shape[0] == 1:
        return np.minimum(eligible, budget[None, :])
    total = eligible.sum(axis=0)
    over = total > budget
    if not over.any():
        return eligible.copy()
    out = eligible.copy()
    e, b, t = eligible[:, over], budget[over], total[over]
    num = b[None, :] * e
    base = num // t[None, :]
    frac = num - base * t[None, :]
    left = b - base.sum(axis=0)
    rank = np.argsort(np.argsort(-frac, axis=0, kind="stable"), axis=0, kind="stable")
    out[:, over] = base + (rank < left[None, :]).astype(np.int64)
    return out


@dataclass(frozen=True)
class SalvoResult:
    """Outcome of one salvo per run (leading axis R); munitions m and layers l as in the tables."""

    launched: Ints  # (R, M)
    failed: Ints  # (R, M)
    leaked: Ints  # (R, M) threats alive after the last layer (aim point + open ground)
    engaged: Ints  # (R, L, M) threats engaged (first shot) by each layer
    intercepted: Ints  # (R, L, M) threats killed by each layer
    interceptors_used: Ints  # (R, L)
    killed: Ints  # (R,) threats intercepted by all layers (``intercepted`` summed)
    hits: Ints  # (R,) leakers striking the aim point (the target class)
    damage: Floats  # (R,) damage units
    deaths: Ints  # (R,)
    attack_cost: Floats  # (R,) US dollars
    defence_cost: Floats  # (R,) US dollars
    stock_after: Ints  # (R, L) interceptors left; pass it to the next salvo
    open_ground: Ints | None = None  # (R,) leakers falling in open ground (missed the aim point)
    debris: Ints | None = None  # (R,) intercepted threats whose debris fell in the defended area
    layer_cost: Floats | None = None  # (R, L) US dollars of interceptors fired by each layer

    @property
    def interception_rate(self) -> Floats:
        """Threats intercepted / threats that did not fail, per run (NaN if none flew)."""
        flew = (self.launched - self.failed).sum(axis=1).astype(np.float64)
        killed = self.killed.astype(np.float64)
        return np.divide(killed, flew, out=np.full_like(flew, np.nan), where=flew > 0)

    @property
    def cost_exchange(self) -> Floats:
        """Defence dollars spent per attack dollar, per run (NaN if the attack cost nothing)."""
        return np.divide(
            self.defence_cost,
            self.attack_cost,
            out=np.full_like(self.attack_cost, np.nan),
            where=self.attack_cost > 0,
        )


def resolve_salvo(
    streams: Streams,
    day: int,
    tag: str,
    launched: Ints,
    munitions: MunitionTable,
    defence: DefenceTable,
    joined: Bools,
    warned: Any,
    stock: Ints,
    damage_per_hit: Floats,
    casualties_per_hit: Floats,
) -> SalvoResult:
    """Resolve one salvo against a layered defence, for every run at once (M6, M3).

    ``launched`` (R, M) munitions fired; ``joined`` (R, L) from :func:`layers_joined`;
    ``warned`` (R,) the defenders' lead time in hours (or booleans: True fully warned,
    False 0 h; :func:`lead_hours_of`); ``stock`` (R, L) interceptors available (not modified;
    the remainder is ``result.stock_after``); ``damage_per_hit`` and ``casualties_per_hit``
    (R,) from :func:`target_effects`. The stages (failure, arrival windows, layers outer
    first, capacity and stock, shoot-shoot or shoot-look-shoot kills, leakers on the aim
    point or in open ground, debris, effects, costs) are described in the module docstring.
    ``tag`` names this salvo in the random streams: use a different tag for every salvo resolved
    on the same day.
    """
    launched = np.asarray(launched, dtype=np.int64)
    runs, n_mun = launched.shape
    n_lay = defence.layers
    if launched.min(initial=0) < 0:
        raise ValueError("launched counts must be >= 0")
    stock = np.asarray(stock, dtype=np.int64)
    if stock.shape != (runs, n_lay):
        raise ValueError(f"stock must have shape {(runs, n_lay)}, got {stock.shape}")
    lead = lead_hours_of(warned, runs)
    base = f"engagement:{tag}"
    names = munitions.names
    # Internally arrays are munition- or layer-major (M, R), (L, M, R): every per-type column
    # is contiguous, and the (L, M, R) blocks of types a layer never meets are never written
    # (their zero pages are never touched). The result exposes (R, ...) views.
    launched_t = np.ascontiguousarray(launched.T)
    failed_t = np.zeros((n_mun, runs), dtype=np.int64)
    fired_types = np.flatnonzero(launched_t.any(axis=1)).tolist()
    if fired_types:
        failed_t[fired_types] = streams.binomials(
            day,
            [f"{base}:fail:{names[m]}" for m in fired_types],
            launched_t[fired_types],
            munitions.failure_rate[:, fired_types].T,
        )
    alive = launched_t - failed_t

    engaged = np.zeros((n_lay, n_mun, runs), dtype=np.int64)
    intercepted = np.zeros((n_lay, n_mun, runs), dtype=np.int64)
    used = np.zeros((n_lay, runs), dtype=np.int64)
    killed_all = np.zeros(runs, dtype=np.int64)  # summed as layers kill: the (L, M, R) blocks
    #                                              of types a layer never meets stay untouched
    stock_left = np.array(stock.T, dtype=np.int64, order="C", copy=True)  # never the caller's
    floor = np.floor(defence.reserve * defence.initial_stock + 1e-9).astype(np.int64)
    keys = defence.keys()
    engages = [np.flatnonzero(row).tolist() for row in defence.engages]
    shots_of = defence.shots_per_threat.tolist()
    look_shoot = defence.look_shoot.tolist()

    windows = arrival_windows(munitions, defence.window_hours if n_lay else None)
    flying_types = np.flatnonzero(alive.any(axis=1)).tolist()
    parts = alive[None] if len(windows) == 1 else np.zeros((len(windows), *alive.shape), np.int64)
    if len(windows) > 1:
        for m in flying_types:
            parts[:, m] = split_counts(alive[m], np.array([float(win[1][m]) for win in windows]))
    # Tactical warning: threats arriving `start` hours after launch were seen coming, so each
    # window has its own capacity, unless every layer is fully in place already (one for all).
    in_place = bool(n_lay) and lead.min(initial=np.inf) >= defence.full_readiness_hours.max()
    capacity_at: dict[float, tuple[Ints, Any]] = {}  # (L, R) capacities, has any (L,)
    for k, (start, _) in enumerate(windows):
        arriving = parts[k]
        present = arriving.any(axis=1).tolist()  # kept up to date as layers kill
        if not n_lay or not any(present):
            continue
        wbase = base if len(windows) == 1 else f"{base}:w{k}"
        at = 0.0 if in_place else start
        if at not in capacity_at:
            cap = np.ascontiguousarray(effective_capacity(defence, joined, lead + at).T)
            capacity_at[at] = cap, cap.any(axis=1).tolist()
        capacity, has_capacity = capacity_at[at]
        for lay in range(n_lay):
            cols = [c for c in engages[lay] if present[c]]
            if not cols or not has_capacity[lay]:
                continue
            shots = shots_of[lay]
            pk = defence.kill_probability[:, lay]
            left = np.maximum(stock_left[lay] - floor[lay], 0)
            eligible = arriving[cols]
            if look_shoot[lay]:
                eng = _share(eligible, np.minimum(capacity[lay], left))
                killed = np.zeros_like(eng)
                fired = np.zeros(runs, dtype=np.int64)
                flying = eng.copy()
                for rnd in range(shots):
                    fire = flying.copy() if rnd == 0 else _share(flying, left - fired)
                    kk = streams.binomials(
                        day,
                        [f"{wbase}:kill:{keys[lay]}:{names[c]}:{rnd + 1}" for c in cols],
                        fire,
                        pk,
                    )
                    killed += kk
                    flying -= kk
                    fired += fire.sum(axis=0)
            else:
                eng = _share(eligible, np.minimum(capacity[lay], left // shots))
                killed = streams.binomials(
                    day,
                    [f"{wbase}:kill:{keys[lay]}:{names[c]}" for c in cols],
                    eng,
                    1.0 - (1.0 - pk) ** shots,
                )
                fired = eng.sum(axis=0) * shots
            engaged[lay, cols] += eng
            intercepted[lay, cols] += killed
            killed_all += killed.sum(axis=0)
            arriving[cols] -= killed
            used[lay] += fired
            stock_left[lay] -= fired
            for c, still in zip(cols, arriving[cols].any(axis=1).tolist(), strict=True):
                present[c] = still
    alive = parts.sum(axis=0) if len(parts) > 1 else parts[0]

    on_target = alive
    open_ground = np.zeros(runs, dtype=np.int64)
    debris = np.zeros(runs, dtype=np.int64)
    leaking = alive.any(axis=1).tolist()
    aimed = [m for m in flying_types if munitions.accuracy[m] < 1.0 and leaking[m]]
    if aimed:
        on_target = alive.copy()
        on_target[aimed] = streams.binomials(
            day,
            [f"{base}:aim:{names[m]}" for m in aimed],
            alive[aimed],
            munitions.accuracy[aimed, None],
        )
        open_ground = (alive[aimed] - on_target[aimed]).sum(axis=0)
    dropping = [m for m in flying_types if munitions.debris_share[m] > 0]
    if dropping:
        debris = streams.binomials(
            day,
            [f"{base}:debris:{names[m]}" for m in dropping],
            intercepted[:, dropping].sum(axis=0),  # only for types that leave debris
            munitions.debris_share[dropping, None],
        ).sum(axis=0)
    hits = on_target.sum(axis=0)
    dph = np.broadcast_to(np.asarray(damage_per_hit, dtype=np.float64), (runs,))
    cph = np.broadcast_to(np.asarray(casualties_per_hit, dtype=np.float64), (runs,))
    lam = hits * cph
    deaths = (
        streams.poisson(day, f"{base}:deaths", lam)
        if np.any(lam > 0)
        else np.zeros(runs, dtype=np.int64)
    )
    return SalvoResult(
        launched=launched,
        failed=failed_t.T,
        leaked=alive.T,
        engaged=engaged.transpose(2, 0, 1),
        intercepted=intercepted.transpose(2, 0, 1),
        interceptors_used=used.T,
        killed=killed_all,
        hits=hits,
        damage=hits * dph,
        deaths=deaths,
        attack_cost=cost_per_run(launched_t, munitions.unit_cost),
        defence_cost=cost_per_run(used, defence.unit_cost),
        stock_after=stock_left.T,
        open_ground=open_ground,
        debris=debris,
        layer_cost=(used * defence.unit_cost[:, None]).T,
    )


def cost_per_run(counts: Ints, unit_cost: Floats) -> Floats:
    """Sum of ``counts[i, run] * unit_cost[i]`` per run, added in a fixed order.

    A matrix product would let BLAS choose the summation order by batch shape, and a run's
    cost would then differ in the last bit between a batch and a replay (non-negotiable 4).
    """
    total = np.zeros(counts.shape[1])
    for i in np.flatnonzero(counts.any(axis=1)):  # zero rows add exactly nothing
        total += counts[i] * unit_cost[i]
    return total


__all__ = [
    "DefenceTable",
    "MunitionTable",
    "SalvoResult",
    "arrival_windows",
    "defence_table",
    "effective_capacity",
    "layers_joined",
    "lead_hours_of",
    "munition_table",
    "readiness",
    "resolve_salvo",
    "resupply",
    "resupply_interceptors",
    "share_budget",
    "sheltered_factors",
    "split_counts",
    "target_effects",
    "without_partners",
]


# --------------------------------------------------------------------------------------------
# The engagement block of a compiled scenario, and its state
# --------------------------------------------------------------------------------------------

PER_RUN_FIELDS = ("failure_rate", "kill_probability", "unwarned_readiness", "defend")
"""The fields of the munition and defence tables that hold one row per run."""


@dataclass(frozen=True)
class EngagementParams:
    """M6 parameters: munitions, every actor's defences, strike packages and target effects."""

    munitions: MunitionTable
    defences: list[DefenceTable]  # one per actor (possibly without layers)
    arsenal: Ints  # (A, M) munitions each actor starts with
    packages: Ints  # (A, K, M) munitions fired by each actor for each action
    target_damage: Floats  # (R, C) damage per hit, by target class
    target_casualties: Floats  # (R, C) deaths per hit, by target class
    default_damage: float  # per hit, for an action without a target class (schema default)
    default_casualties: float
    target_shelter: Floats  # (C, 3) shelter_hours, dispersed_damage_factor,
    #                         sheltered_casualty_factor by target class (M3)

    @classmethod
    def compile(
        cls, scenario: Scenario, streams: Streams, actors: tuple[str, ...]
    ) -> EngagementParams:
        munitions = tuple(scenario.munitions)
        action_names = [a.name for a in scenario.actions]
        arsenal = np.zeros((len(actors), len(munitions)), dtype=np.int64)
        packages = np.zeros((len(actors), len(action_names), len(munitions)), dtype=np.int64)
        for i, actor in enumerate(scenario.actors.values()):
            for name, count in actor.arsenal.items():
                arsenal[i, munitions.index(name)] = count
            for action, package in actor.packages.items():
                for mname, count in package.items():
                    packages[i, action_names.index(action), munitions.index(mname)] = count

        def per_class(name: str) -> Floats:
            columns = [
                draw_param(streams, getattr(c, name), f"target_classes.{n}.{name}")
                for n, c in scenario.target_classes.items()
            ]
            return np.stack(columns, axis=1) if columns else np.zeros((streams.runs, 0))

        fallback = TargetClass()
        return cls(
            munitions=munition_table(scenario, streams),
            defences=[defence_table(scenario, a, streams) for a in actors],
            arsenal=arsenal,
            packages=packages,
            target_damage=per_class("damage_per_hit"),
            target_casualties=per_class("casualties_per_hit"),
            default_damage=float(mean_of(fallback.damage_per_hit)),
            default_casualties=float(mean_of(fallback.casualties_per_hit)),
            target_shelter=np.array(
                [
                    [
                        c.shelter_hours,
                        mean_of(c.dispersed_damage_factor),
                        mean_of(c.sheltered_casualty_factor),
                    ]
                    for c in scenario.target_classes.values()
                ],
                dtype=np.float64,
            ).reshape(-1, 3),
        )


@dataclass
class Arsenals:
    """M6 state: munitions and interceptors left."""

    stocks: Ints  # (R, A, M) munitions left
    interceptors: list[Ints]  # per defended actor, (R, L_a) interceptors left

    @classmethod
    def initial(cls, params: EngagementParams, runs: int) -> Arsenals:
        return cls(
            stocks=np.repeat(params.arsenal[None, :, :], runs, axis=0),
            interceptors=[d.initial_stock[None, :].repeat(runs, axis=0) for d in params.defences],
        )


def subset_rows(table: Any, runs: Ints) -> Any:
    """The rows ``runs`` (sorted, distinct) of every per-run array of a frozen table."""
    changes = {f.name: getattr(table, f.name) for f in fields(table) if f.name in PER_RUN_FIELDS}
    if all(len(rows) == len(runs) for rows in changes.values()):
        return table  # every row, in order
    changes = {name: rows[runs] for name, rows in changes.items()}
    return replace(table, **changes)


def strike_defences(
    engagement: EngagementParams,
    arsenals: Arsenals,
    streams: Streams,
    day: int,
    runs: Ints,
    target: int,
    launched: Ints,
    lead_hours: Floats,
    target_class: int,
    tag: str,
) -> SalvoResult:
    """M6 with M3: the target's layers (partners joining per their readiness) meet a salvo in
    ``runs`` after ``lead_hours`` (R,) of warning (0 when the warning did not arrive; the
    engine passes 24 x the telegraphed lead in days); leakers hit ``target_class`` (the
    schema's default effects when -1), sheltered per the lead time. Interceptors used are
    taken from the target's stock."""
    defence = subset_rows(engagement.defences[target], runs)
    munitions = subset_rows(engagement.munitions, runs)
    sub_streams = streams.subset(runs)
    lead = lead_hours_of(lead_hours, len(runs))
    joined = layers_joined(defence, sub_streams, day, lead)
    if target_class >= 0:
        hours, fd, fc = engagement.target_shelter[target_class]
        f_dmg, f_cas = sheltered_factors(lead, float(hours), float(fd), float(fc))
        dmg = engagement.target_damage[runs, target_class] * f_dmg
        cas = engagement.target_casualties[runs, target_class] * f_cas
    else:
        dmg = np.full(len(runs), engagement.default_damage)
        cas = np.full(len(runs), engagement.default_casualties)
    res = resolve_salvo(
        sub_streams,
        day,
        tag,
        launched,
        munitions,
        defence,
        joined,
        lead,
        arsenals.interceptors[target][runs],
        dmg,
        cas,
    )
    arsenals.interceptors[target][runs] -= res.interceptors_used
    return res
