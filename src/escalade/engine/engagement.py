"""Layered coalition air defence: one salvo against the layers over one actor (M6, with M3).

A salvo is a count of munitions of each type, per run. It is resolved in stages, every stage
an array operation over the runs (no Python loop over runs):

1. **Failure** (M6). ``failed ~ Binomial(launched, failure_rate)`` per munition type; the
   failure rate is drawn once per run from the scenario's ``munitions.<id>.failure_rate``.
2. **Layers, outer first** (M6). The layers over the defended actor are taken in the order the
   scenario lists them (list the outermost first). A layer only engages the munition types in
   its ``engages`` list, and only if it has *joined* (:func:`layers_joined`: own layers always;
   a partner's layers per the alliance's ``defend`` probability and the warning, M3).
3. **Capacity and stock** (M6, M3). A layer engages at most ``capacity_per_wave`` threats per
   salvo when the defender was warned, ``round(capacity_per_wave * unwarned_readiness)`` when it
   was not (:func:`effective_capacity`). It also engages no more threats than its interceptor
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
5. **Leakers and effects** (M6). Threats alive after the last layer are leakers; every leaker
   is a hit on the target class. ``damage = hits * damage_per_hit`` and
   ``deaths ~ Poisson(hits * casualties_per_hit)``, with both rates drawn once per run from
   the scenario's ``target_classes.<class>``.
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
    )


def target_effects(
    scenario: Scenario, target_class: str | None, streams: Streams
) -> tuple[Floats, Floats]:
    """Per-run ``(damage_per_hit, casualties_per_hit)`` of a target class (M6).

    ``None`` (or a scenario without target classes) takes the schema's defaults.
    """
    if target_class is None:
        tc, path = TargetClass(), "target_classes.<default>"
    else:
        tc, path = scenario.target_classes[target_class], f"target_classes.{target_class}"
    return (
        draw_param(streams, tc.damage_per_hit, f"{path}.damage_per_hit"),
        draw_param(streams, tc.casualties_per_hit, f"{path}.casualties_per_hit"),
    )


# --------------------------------------------------------------------------------------------
# Mechanisms
# --------------------------------------------------------------------------------------------


def layers_joined(table: DefenceTable, streams: Streams, day: int, warned: Bools) -> Bools:
    """Which layers take part in the defence, per run: (R, L) bool (M6, M3).

    - The defended actor's own layers always take part.
    - A partner's layers take part only if an ``alliance`` relation ``between: [partner,
      defended]`` exists (the first one listed counts); its ``defend`` probability was drawn
      per run when the table was compiled (:func:`defence_table`, ``table.defend``). One
      uniform ``u`` is drawn per run, day and partner (stream
      ``engagement:join:<defended>:<partner>``) and shared by all the partner's layers.
    - Warned (the warning arrived in time): a partner's layer joins when ``u < defend``, so a
      partner joins as a whole.
    - Unwarned: it joins when ``u < defend * unwarned_readiness[layer]``: the partner must be
      both willing and have that layer in place without notice (less ready layers join only
      in runs where the readier ones do). Its capacity is then reduced further by
      :func:`effective_capacity`, like the defender's own layers.
    """
    runs = streams.runs
    warned_b = np.broadcast_to(np.asarray(warned, dtype=np.bool_), (runs,))
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
            factor = np.where(warned_b, 1.0, table.unwarned_readiness[:, c])
            joined[:, c] = u < table.defend[:, c] * factor
    return joined


def effective_capacity(defence: DefenceTable, joined: Bools, warned: Bools) -> Ints:
    """Threats each layer can engage in this salvo, (R, L) (M3, M6).

    Full ``capacity_per_wave`` when warned; ``round(capacity * unwarned_readiness)`` when not
    (the share of fire units manned and in place without notice); zero when not joined.
    """
    runs = joined.shape[0]
    warned_b = np.broadcast_to(np.asarray(warned, dtype=np.bool_), (runs,))
    ready = np.where(warned_b[:, None], 1.0, defence.unwarned_readiness)
    cap = np.rint(defence.capacity[None, :] * ready).astype(np.int64)
    return np.where(joined, cap, 0)


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
    leaked: Ints  # (R, M)
    engaged: Ints  # (R, L, M) threats engaged (first shot) by each layer
    intercepted: Ints  # (R, L, M) threats killed by each layer
    interceptors_used: Ints  # (R, L)
    hits: Ints  # (R,) leakers striking the target class
    damage: Floats  # (R,) damage units
    deaths: Ints  # (R,)
    attack_cost: Floats  # (R,) US dollars
    defence_cost: Floats  # (R,) US dollars
    stock_after: Ints  # (R, L) interceptors left; pass it to the next salvo

    @property
    def interception_rate(self) -> Floats:
        """Threats intercepted / threats that did not fail, per run (NaN if none flew)."""
        flew = (self.launched - self.failed).sum(axis=1).astype(np.float64)
        killed = self.intercepted.sum(axis=(1, 2)).astype(np.float64)
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
    warned: Bools,
    stock: Ints,
    damage_per_hit: Floats,
    casualties_per_hit: Floats,
) -> SalvoResult:
    """Resolve one salvo against a layered defence, for every run at once (M6, M3).

    ``launched`` (R, M) munitions fired; ``joined`` (R, L) from :func:`layers_joined`;
    ``warned`` (R,) whether the defenders had warning (full capacity); ``stock`` (R, L)
    interceptors available (not modified; the remainder is ``result.stock_after``);
    ``damage_per_hit`` and ``casualties_per_hit`` (R,) from :func:`target_effects`.
    The stages (failure, layers outer first, capacity and stock, shoot-shoot or
    shoot-look-shoot kills, leakers, effects, costs) are described in the module docstring.
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
    warned_b = np.broadcast_to(np.asarray(warned, dtype=np.bool_), (runs,))
    base = f"engagement:{tag}"
    names = munitions.names
    # Internally arrays are munition- or layer-major (M, R), (L, M, R): every per-type column
    # is contiguous, and the (L, M, R) blocks of types a layer never meets are never written
    # (their zero pages are never touched). The result exposes (R, ...) views.
    launched_t = np.ascontiguousarray(launched.T)
    failed_t = np.zeros((n_mun, runs), dtype=np.int64)
    for m in np.flatnonzero(launched_t.any(axis=1)):
        failed_t[m] = _binomial(
            streams, day, f"{base}:fail:{names[m]}", launched_t[m], munitions.failure_rate[:, m]
        )
    alive = launched_t - failed_t

    engaged = np.zeros((n_lay, n_mun, runs), dtype=np.int64)
    intercepted = np.zeros((n_lay, n_mun, runs), dtype=np.int64)
    used = np.zeros((n_lay, runs), dtype=np.int64)
    stock_left = np.array(stock.T, dtype=np.int64, order="C", copy=True)  # never the caller's
    capacity = np.ascontiguousarray(effective_capacity(defence, joined, warned_b).T)
    keys = defence.keys()

    for lay in range(n_lay):
        cols = [int(c) for c in np.flatnonzero(defence.engages[lay]) if alive[c].any()]
        if not cols or not capacity[lay].any():
            continue
        shots = int(defence.shots_per_threat[lay])
        pk = defence.kill_probability[:, lay]
        left = stock_left[lay]
        eligible = alive[cols]
        if defence.look_shoot[lay]:
            eng = _share(eligible, np.minimum(capacity[lay], left))
            killed = np.zeros_like(eng)
            fired_total = np.zeros(runs, dtype=np.int64)
            flying = eng.copy()
            for rnd in range(shots):
                fire = flying.copy() if rnd == 0 else _share(flying, left - fired_total)
                for j, col in enumerate(cols):
                    k = _binomial(
                        streams,
                        day,
                        f"{base}:kill:{keys[lay]}:{names[col]}:{rnd + 1}",
                        fire[j],
                        pk,
                    )
                    killed[j] += k
                    flying[j] -= k
                fired_total += fire.sum(axis=0)
            used[lay] = fired_total
        else:
            eng = _share(eligible, np.minimum(capacity[lay], left // shots))
            p_kill = 1.0 - (1.0 - pk) ** shots
            killed = np.zeros_like(eng)
            for j, col in enumerate(cols):
                killed[j] = _binomial(
                    streams, day, f"{base}:kill:{keys[lay]}:{names[col]}", eng[j], p_kill
                )
            used[lay] = eng.sum(axis=0) * shots
        engaged[lay, cols] = eng
        intercepted[lay, cols] = killed
        alive[cols] -= killed
        stock_left[lay] -= used[lay]

    hits = alive.sum(axis=0)
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
        hits=hits,
        damage=hits * dph,
        deaths=deaths,
        attack_cost=cost_per_run(launched_t, munitions.unit_cost),
        defence_cost=cost_per_run(used, defence.unit_cost),
        stock_after=stock_left.T,
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
    "defence_table",
    "effective_capacity",
    "layers_joined",
    "munition_table",
    "resolve_salvo",
    "share_budget",
    "target_effects",
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
    warned: Bools,
    target_class: int,
    tag: str,
) -> SalvoResult:
    """M6 with M3: the target's layers (partners joining if warned) meet a salvo in ``runs``;
    leakers hit ``target_class`` (the schema's default effects when -1). Interceptors used are
    taken from the target's stock."""
    defence = subset_rows(engagement.defences[target], runs)
    munitions = subset_rows(engagement.munitions, runs)
    sub_streams = streams.subset(runs)
    joined = layers_joined(defence, sub_streams, day, warned)
    if target_class >= 0:
        dmg = engagement.target_damage[runs, target_class]
        cas = engagement.target_casualties[runs, target_class]
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
        warned,
        arsenals.interceptors[target][runs],
        dmg,
        cas,
    )
    arsenals.interceptors[target][runs] -= res.interceptors_used
    return res
