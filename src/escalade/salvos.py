"""Fire one salvo at a defended actor and summarise many seeded runs (M6 engagement, M3
warning): the library behind ``escalade salvo``.

>>> import escalade
>>> summary = escalade.salvo("april-2024", "IRN", "ISR", {"shahed_136": 170, "emad": 60},
...                          warning="2d", partners=["USA", "GBR", "JOR"], interval=80,
...                          runs=2000, seed=5)                      # doctest: +SKIP
>>> summary["totals"]["interception_rate"]["median"]                  # doctest: +SKIP
>>> campaign = escalade.salvo("april-2024", "IRN", "ISR", {"shahed_136": 100}, waves=12,
...                           every="24h", runs=2000)                 # doctest: +SKIP
>>> campaign["wave_table"][-1]["stock_left"]                          # doctest: +SKIP

The runs are resolved chunk by chunk through :mod:`escalade.engine.engagement` and summarised
(median, a central interval — 90% by default, ``lo`` and ``hi`` — and the mean). Results do
not depend on the chunk size (counter-based random streams).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from escalade.budget import MAX_RUNS_IN_MEMORY, MAX_SEED
from escalade.engine import engagement as eng
from escalade.engine.rng import Streams
from escalade.scenario.distributions import mean_of
from escalade.scenario.load import load_scenario
from escalade.scenario.schema import Scenario, parse_duration_hours

MAX_PER_TYPE = 100_000
"""Largest number of one munition type in one salvo."""
MAX_RUNS = MAX_RUNS_IN_MEMORY
"""Largest number of runs of one salvo (memory for the per-run summaries)."""
CHUNK = 25_000
"""Runs resolved per batch; results do not depend on it (counter-based random streams)."""
DEFAULT_RUNS = 10_000
DEFAULT_INTERVAL = 90.0
"""Central interval reported by default, percent (the 5th and 95th percentiles)."""
MAX_WAVES = 365
"""Largest number of waves of one campaign."""
DEFAULT_SEED = 1
SALVO_DAY = 0
SALVO_TAG = "salvo"


class SalvoError(ValueError):
    """A bad request (unknown actor or munition, a count out of range): one line, named after
    the command-line option it comes from."""


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(value, known, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known: {', '.join(known)}" if known else ""


def parse_fire(specs: Sequence[str], scenario: Scenario) -> dict[str, int]:
    """``["shahed_136=170", ...]`` -> ``{"shahed_136": 170}`` (repeated ids add up)."""
    fire: dict[str, int] = {}
    for spec in specs:
        name, sep, count_text = spec.partition("=")
        name, count_text = name.strip(), count_text.strip()
        if not sep or not name or not count_text:
            raise SalvoError(f"--fire expects MUNITION=COUNT (e.g. shahed_136=170), got '{spec}'")
        if name not in scenario.munitions:
            raise SalvoError(
                f"--fire: unknown munition '{name}' in scenario '{scenario.name}'"
                + _did_you_mean(name, scenario.munitions)
            )
        try:
            count = int(count_text)
        except ValueError:
            raise SalvoError(
                f"--fire {name}: the count must be a whole number, got '{count_text}'"
            ) from None
        if count < 0:
            raise SalvoError(f"--fire {name}: the count must be >= 0, got {count}")
        fire[name] = fire.get(name, 0) + count
        if fire[name] > MAX_PER_TYPE:
            raise SalvoError(
                f"--fire {name}: {fire[name]:,} is more than the limit of {MAX_PER_TYPE:,} per type"
            )
    if not fire:
        raise SalvoError("give at least one --fire MUNITION=COUNT")
    return fire


def _check_actor(option: str, actor: str, scenario: Scenario) -> None:
    if actor not in scenario.actors:
        raise SalvoError(
            f"{option}: unknown actor '{actor}' in scenario '{scenario.name}'"
            + _did_you_mean(actor, scenario.actors)
        )


def _stats(values: NDArray[Any], interval: float = 90.0) -> dict[str, float]:
    """Median, central ``interval``% interval (``lo``, ``hi``) and mean over runs (NaNs
    ignored)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"median": math.nan, "lo": math.nan, "hi": math.nan, "mean": math.nan}
    tail = (100.0 - interval) / 2.0
    lo, med, hi = np.percentile(v, [tail, 50.0, 100.0 - tail])
    return {"median": float(med), "lo": float(lo), "hi": float(hi), "mean": float(v.mean())}


@dataclass
class _Collected:
    """Per-run summaries gathered over chunks (small: no (R, L, M) arrays are kept)."""

    columns: dict[str, list[NDArray[Any]]] = field(default_factory=dict)

    def add(self, name: str, values: NDArray[Any]) -> None:
        self.columns.setdefault(name, []).append(values)

    def get(self, name: str) -> NDArray[Any]:
        return np.concatenate(self.columns[name], axis=0)


@dataclass(frozen=True)
class _Request:
    """A checked salvo or campaign request."""

    attacker: str
    defended: str
    fire: dict[str, int]
    target_class: str | None
    warning_hours: float
    partners: tuple[str, ...] | None
    waves: int
    every_hours: float
    interval: float
    runs: int
    seed: int


def _wave_tag(wave: int) -> str:
    return SALVO_TAG if wave == 0 else f"{SALVO_TAG}:wave{wave + 1}"


def _resolve(
    scenario: Scenario,
    req: _Request,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Resolve a checked salvo (or campaign of ``req.waves`` salvos) and summarise it."""
    fire = req.fire
    fired = [m for m in scenario.munitions if fire.get(m, 0) > 0] or list(fire)
    got = _Collected()
    names: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    initial_stock: list[int] = []
    col: list[int] = []
    n_waves = req.waves
    for start in range(0, req.runs, chunk):
        ids = np.arange(start, min(req.runs, start + chunk), dtype=np.int64)
        streams = Streams(req.seed, ids)
        n = ids.size
        mtab = eng.munition_table(scenario, streams, drawn=fired)
        dtab = eng.without_partners(
            eng.defence_table(scenario, req.defended, streams), req.partners
        )
        names, owners, initial_stock = dtab.names, dtab.owners, dtab.initial_stock.tolist()
        col = [mtab.index(m) for m in fired]
        lead0 = np.full(n, req.warning_hours)
        joined = eng.layers_joined(dtab, streams, SALVO_DAY, lead0)
        dph0, cph0 = eng.target_effects(scenario, req.target_class, streams)
        tc = scenario.target_classes.get(req.target_class or "")
        stock = dtab.stock(n)
        launched = mtab.salvo(fire, n)
        totals: dict[str, NDArray[Any]] = {}
        for w in range(n_waves):
            lead = lead0 + w * req.every_hours  # a campaign under way is itself warning (M3)
            if w > 0:
                stock = eng.resupply(
                    dtab,
                    stock,
                    (w - 1) * req.every_hours / 24.0,
                    w * req.every_hours / 24.0,
                )
            if tc is not None:
                fd, fc = eng.sheltered_factors(
                    lead,
                    tc.shelter_hours,
                    mean_of(tc.dispersed_damage_factor),
                    mean_of(tc.sheltered_casualty_factor),
                )
            else:
                fd = fc = np.ones(n)
            res = eng.resolve_salvo(
                streams,
                SALVO_DAY,
                _wave_tag(w),
                launched,
                mtab,
                dtab,
                joined,
                lead,
                stock,
                dph0 * fd,
                cph0 * fc,
            )
            stock = res.stock_after
            per_wave = {
                "launched": res.launched[:, col],
                "failed": res.failed[:, col],
                "intercepted_m": res.intercepted.sum(axis=1)[:, col],
                "leaked": res.leaked[:, col],
                "engaged_l": res.engaged.sum(axis=2),
                "intercepted_l": res.intercepted.sum(axis=2),
                "used_l": res.interceptors_used,
                "cost_l": res.layer_cost,
                "hits": res.hits,
                "open_ground": res.open_ground,
                "debris": res.debris,
                "deaths": res.deaths,
                "damage": res.damage,
                "attack_cost": res.attack_cost,
                "defence_cost": res.defence_cost,
                "intercepted": res.killed,
                "flew": (res.launched - res.failed).sum(axis=1),
            }
            for key, arr in per_wave.items():
                totals[key] = arr if w == 0 else totals[key] + arr
            if n_waves > 1:
                got.add(f"w{w}:rate", res.interception_rate)
                got.add(f"w{w}:hits", res.hits)
                got.add(f"w{w}:deaths", res.deaths)
                got.add(f"w{w}:defence_cost", res.defence_cost)
                got.add(f"w{w}:stock", stock.astype(np.int32))
        for key, arr in totals.items():
            got.add(key, arr.astype(np.int32) if arr.dtype.kind == "i" else arr)
        got.add("joined", joined)
        got.add("stock_end", stock.astype(np.int32))
        if on_chunk is not None:
            on_chunk(n)

    iv = req.interval

    def st(values: NDArray[Any]) -> dict[str, float]:
        return _stats(values, iv)

    launched_a, failed = got.get("launched"), got.get("failed")
    inter_m, leaked = got.get("intercepted_m"), got.get("leaked")
    munitions = [
        {
            "id": m,
            "kind": scenario.munitions[m].kind,
            "launched": st(launched_a[:, j]),
            "failed": st(failed[:, j]),
            "intercepted": st(inter_m[:, j]),
            "leaked": st(leaked[:, j]),
        }
        for j, m in enumerate(fired)
    ]
    joined_all = got.get("joined")
    eng_l, int_l, used_l = got.get("engaged_l"), got.get("intercepted_l"), got.get("used_l")
    cost_l, stock_end = got.get("cost_l"), got.get("stock_end")
    layers = [
        {
            "name": names[i],
            "owner": owners[i],
            "joined_share": float(joined_all[:, i].mean()),
            "stock_start": initial_stock[i],
            "engaged": st(eng_l[:, i]),
            "intercepted": st(int_l[:, i]),
            "interceptors_fired": st(used_l[:, i]),
            "cost_usd": st(cost_l[:, i]),
            "stock_end": st(stock_end[:, i]),
        }
        for i in range(len(names))
    ]
    flew = got.get("flew").astype(np.float64)
    killed = got.get("intercepted").astype(np.float64)
    rate = np.divide(killed, flew, out=np.full_like(flew, np.nan), where=flew > 0)
    attack, defence = got.get("attack_cost"), got.get("defence_cost")
    exchange = np.divide(defence, attack, out=np.full_like(attack, np.nan), where=attack > 0)
    deaths = got.get("deaths")
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "attacker": req.attacker,
        "defended": req.defended,
        "fire": {m: fire[m] for m in fired},
        "target_class": req.target_class,
        "warning_hours": req.warning_hours,
        "warned": req.warning_hours > 0,
        "partners": None if req.partners is None else list(req.partners),
        "waves": n_waves,
        "every_hours": req.every_hours,
        "interval": iv,
        "runs": req.runs,
        "seed": req.seed,
        "munitions": munitions,
        "layers": layers,
        "totals": {
            "hits": st(got.get("hits")),
            "open_ground": st(got.get("open_ground")),
            "debris": st(got.get("debris")),
            "deaths": st(deaths),
            "share_runs_no_deaths": float(np.mean(deaths == 0)),
            "damage": st(got.get("damage")),
            "attack_cost_usd": st(attack),
            "defence_cost_usd": st(defence),
            "cost_exchange": st(exchange),
            "interception_rate": st(rate),
            "intercepted": st(killed),
        },
    }
    if n_waves > 1:
        summary["wave_table"] = [
            {
                "wave": w + 1,
                "hour": w * req.every_hours,
                "interception_rate": st(got.get(f"w{w}:rate")),
                "hits": st(got.get(f"w{w}:hits")),
                "deaths": st(got.get(f"w{w}:deaths")),
                "defence_cost_usd": st(got.get(f"w{w}:defence_cost")),
                "stock_left": {
                    names[i]: st(got.get(f"w{w}:stock")[:, i]) for i in range(len(names))
                },
            }
            for w in range(n_waves)
        ]
    return summary


def _check_held(attacker: str, fire: Mapping[str, int], scenario: Scenario) -> None:
    """Refuse a munition the shooter does not hold at all (firing more than it holds is a
    what-if, noted in the summary)."""
    held = scenario.actors[attacker].arsenal
    for name, count in fire.items():
        if count > 0 and held.get(name, 0) <= 0:
            owned = sorted(m for m, n in held.items() if n > 0)
            close = difflib.get_close_matches(name, owned, n=1)
            if close:
                hint = f"; did you mean '{close[0]}'?"
            elif owned:
                hint = f"; it holds: {', '.join(owned)}"
            else:
                hint = f"; {attacker} holds no munitions in this scenario"
            raise SalvoError(
                f"--fire {name}: {attacker} does not hold '{name}' in scenario "
                f"'{scenario.name}'" + hint
            )


def _hours(option: str, value: float | str) -> float:
    try:
        return parse_duration_hours(value)
    except ValueError as exc:
        raise SalvoError(f"{option}: {exc}") from None


def _check_partners(partners: Sequence[str], defended: str, scenario: Scenario) -> tuple[str, ...]:
    owners = {la.owner for la in scenario.actors[defended].defence.layers} - {defended}
    out: list[str] = []
    for p in partners:
        p = p.strip()
        if not p:
            continue
        if p not in scenario.actors:
            raise SalvoError(
                f"--partners: unknown actor '{p}' in scenario '{scenario.name}'"
                + _did_you_mean(p, scenario.actors)
            )
        if p != defended and p not in owners:
            known = ", ".join(sorted(owners)) or "none"
            raise SalvoError(
                f"--partners: {p} has no air-defence layer over {defended} in scenario "
                f"'{scenario.name}' (partners with layers: {known})"
            )
        out.append(p)
    return tuple(dict.fromkeys(out))


def salvo(
    scenario: Scenario | str | Path,
    attacker: str,
    defended: str,
    fire: Mapping[str, int] | Sequence[str],
    *,
    target_class: str | None = None,
    warning: float | str | None = None,
    warning_days: float | None = None,
    partners: Sequence[str] | None = None,
    waves: int = 1,
    every: float | str = 24.0,
    interval: float = DEFAULT_INTERVAL,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    on_chunk: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK,
) -> dict[str, Any]:
    """Fire ``fire`` (``{"shahed_136": 170}`` or ``["shahed_136=170"]``) from ``attacker`` at
    ``defended`` and summarise ``runs`` seeded runs: per munition, per defence layer and in
    total (what ``escalade salvo --json`` prints); with ``waves`` > 1, a campaign of that many
    identical salvos ``every`` hours apart (stocks carried over, layers resupplied per their
    ``resupply_per_day`` and firing above their ``reserve``), with a per-wave table.

    ``target_class`` is hit by leakers (default: the scenario's first). ``warning`` is the
    defenders' lead time: hours, or a text ``"3h"``, ``"2d"``, ``"90min"`` (readiness rises
    with it, M3); ``warning_days`` is the older spelling in days (both: an error). ``partners``
    lists the partners whose layers may join (``[]``: the defended actor alone; None: every
    partner as the scenario's alliances say). ``interval`` is the central interval reported
    (``lo``/``hi``, in percent, e.g. 80). ``on_chunk(n)`` is called after each chunk of runs.
    A bad request raises :class:`SalvoError` in one line: unknown actors, munitions, partners
    or target classes (with a suggestion), munitions the shooter does not hold, counts, lead
    times, intervals or seeds out of range. A shooter firing more than it holds (in all waves)
    gets a ``notes`` entry in the summary.
    """
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    _check_actor("--from", attacker, scen)
    _check_actor("--at", defended, scen)
    if isinstance(fire, Mapping):
        fired = parse_fire([f"{m}={n}" for m, n in fire.items()], scen)
    else:
        fired = parse_fire(fire, scen)
    _check_held(attacker, fired, scen)
    if target_class is not None and target_class not in scen.target_classes:
        raise SalvoError(
            f"--target-class: unknown target class '{target_class}' in scenario "
            f"'{scen.name}'" + _did_you_mean(target_class, scen.target_classes)
        )
    if warning is not None and warning_days is not None:
        raise SalvoError("give the warning once: --warning (hours or 3h/2d) or --warning-days")
    if warning_days is not None:
        if not isinstance(warning_days, int | float) or warning_days < 0:
            raise SalvoError(f"--warning-days must be >= 0, got {warning_days}")
        hours = _hours("--warning-days", 24.0 * float(warning_days))
    else:
        hours = _hours("--warning", 0.0 if warning is None else warning)
    if not 1 <= waves <= MAX_WAVES:
        raise SalvoError(f"--waves must be between 1 and {MAX_WAVES}, got {waves}")
    every_hours = _hours("--every", every)
    if waves > 1 and every_hours <= 0:
        raise SalvoError("--every must be more than 0 hours for a campaign of several waves")
    if not 0.0 < interval < 100.0:
        raise SalvoError(f"--interval must be a percentage between 0 and 100, got {interval}")
    if not 1 <= runs <= MAX_RUNS:
        raise SalvoError(f"--runs must be between 1 and {MAX_RUNS:,}, got {runs:,}")
    if not 0 <= seed <= MAX_SEED:
        raise SalvoError(f"--seed must be between 0 and {MAX_SEED} (2^63 - 1), got {seed}")
    if chunk_size < 1:
        raise SalvoError(f"chunk_size must be at least 1, got {chunk_size}")
    kept = None if partners is None else _check_partners(partners, defended, scen)
    tclass = target_class or next(iter(scen.target_classes), None)
    req = _Request(
        attacker=attacker,
        defended=defended,
        fire=fired,
        target_class=tclass,
        warning_hours=hours,
        partners=kept,
        waves=waves,
        every_hours=every_hours,
        interval=float(interval),
        runs=runs,
        seed=seed,
    )
    summary = _resolve(scen, req, on_chunk, chunk_size)
    held = scen.actors[attacker].arsenal
    short = {m: n * waves for m, n in fired.items() if held and n * waves > held.get(m, 0)}
    if short:
        summary["notes"] = [
            f"{attacker} holds {held.get(m, 0):,} {m} in the scenario but fires {n:,}"
            for m, n in short.items()
        ]
    return summary


def _overlap(lo: float, hi: float, rec_lo: float, rec_hi: float) -> bool:
    return bool(lo <= rec_hi + 1e-9 and rec_lo <= hi + 1e-9)


def coverage(
    figures: str | Path,
    *,
    interval: float = 80.0,
    runs: int = 2000,
    seed: int = 11,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    only_fit: bool | None = None,
    scenario: str | None = None,
) -> dict[str, Any]:
    """How many calibration figures the model's central ``interval``% intervals cover (M6).

    ``figures`` is a YAML file like ``data/air-defence/figures.yaml`` (its scenarios' paths are
    relative to the repository, i.e. two folders above the file). For each figure the salvo is
    resolved for ``runs`` runs and the figure is covered when the interval of its ``measure``
    (``intercepted``: all types fired; ``hits``; ``deaths``) overlaps the record's ``range``
    (or holds its ``value``). ``overrides`` maps a scenario spec to ``path=value`` overrides
    (used by the fit); ``only_fit`` keeps the figures with that ``fit`` flag, ``scenario`` the
    figures of that scenario spec. Returns
    ``{"covered", "of", "interval", "rows"}``.
    """
    from ruamel.yaml import YAML

    path = Path(figures)
    root = path.resolve().parent.parent.parent
    doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    cache: dict[str, Scenario] = {}
    for fig in doc["figures"]:
        spec = str(fig["scenario"])
        if only_fit is not None and bool(fig.get("fit", False)) != only_fit:
            continue
        if scenario is not None and spec != scenario:
            continue
        if spec not in cache:
            target = root / spec if spec.endswith(".yaml") else spec
            cache[spec] = load_scenario(target, dict((overrides or {}).get(spec, {})) or None)
        out = salvo(
            cache[spec],
            fig["attacker"],
            fig["defended"],
            {k: int(v) for k, v in fig["fire"].items()},
            target_class=fig.get("target_class"),
            warning=fig.get("warning", 0),
            interval=interval,
            runs=runs,
            seed=seed,
        )
        measure = fig["measure"]
        if measure == "intercepted":
            tot = out["totals"]["intercepted"]
            lo, hi, med = tot["lo"], tot["hi"], tot["median"]
        elif measure in ("hits", "deaths"):
            tot = out["totals"][measure]
            lo, hi, med = tot["lo"], tot["hi"], tot["median"]
        else:
            raise SalvoError(f"{path}: figure {fig['id']}: unknown measure '{measure}'")
        rec = fig.get("range", [fig["value"], fig["value"]])
        rows.append(
            {
                "id": fig["id"],
                "measure": measure,
                "value": fig["value"],
                "range": list(rec),
                "median": med,
                "lo": lo,
                "hi": hi,
                "covered": _overlap(lo, hi, float(rec[0]), float(rec[1])),
                "fit": bool(fig.get("fit", False)),
            }
        )
    return {
        "covered": sum(r["covered"] for r in rows),
        "of": len(rows),
        "interval": interval,
        "rows": rows,
    }


COVERAGE_MARKERS = (
    "<!-- coverage:begin (data/air-defence/coverage.py) -->",
    "<!-- coverage:end -->",
)
"""The lines between which docs/model/M6-engagement.md holds the generated coverage table."""


def coverage_table(out: Mapping[str, Any]) -> str:
    """The Markdown table and summary of a :func:`coverage` result, as docs/model/M6-engagement.md
    shows it, one row a figure sorted by id (``UKR-2024-08-26-...``: by source, then date)
    (generated by ``data/air-defence/coverage.py``; the calibration test compares)."""

    def count(rows: list[dict[str, Any]]) -> str:
        n = len(rows)
        k = sum(r["covered"] for r in rows)
        return f"{k} of {n} ({100.0 * k / n:.0f}%)" if n else "none"

    rows = sorted(out["rows"], key=lambda r: str(r["id"]))  # by source, then date
    lines = [
        f"| figure | measure | record | model median [{out['interval']:g}% interval] "
        "| covered | used in the fit |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = r["range"]
        record = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
        lines.append(
            f"| {r['id']} | {r['measure']} | {record} | {r['median']:g} [{r['lo']:g}–{r['hi']:g}] "
            f"| {'yes' if r['covered'] else '**no**'} | {'yes' if r['fit'] else 'no'} |"
        )
    fitted = [r for r in rows if r["fit"]]
    held = [r for r in rows if not r["fit"]]
    lines += [
        "",
        f"**Covered: {count(rows)}; held out: {count(held)}; fitted on: {count(fitted)}.**",
    ]
    return "\n".join(lines) + "\n"


__all__ = [
    "CHUNK",
    "COVERAGE_MARKERS",
    "DEFAULT_INTERVAL",
    "MAX_PER_TYPE",
    "MAX_RUNS",
    "MAX_WAVES",
    "SalvoError",
    "coverage",
    "coverage_table",
    "parse_fire",
    "salvo",
]
