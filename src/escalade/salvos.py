"""Fire one salvo at a defended actor and summarise many seeded runs (M6 engagement, M3
warning): the library behind ``escalade salvo``.

>>> import escalade
>>> summary = escalade.salvo("april-2024", "IRN", "ISR", {"shahed_136": 170, "emad": 60},
...                          warning_days=2, runs=2000, seed=5)       # doctest: +SKIP
>>> summary["totals"]["interception_rate"]["median"]                  # doctest: +SKIP

The runs are resolved chunk by chunk through :mod:`escalade.engine.engagement` and summarised
(median and 90% interval, i.e. the 5th and 95th percentiles, and the mean). Results do not
depend on the chunk size (counter-based random streams).
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
from escalade.scenario.load import load_scenario
from escalade.scenario.schema import Scenario

MAX_PER_TYPE = 100_000
"""Largest number of one munition type in one salvo."""
MAX_RUNS = MAX_RUNS_IN_MEMORY
"""Largest number of runs of one salvo (memory for the per-run summaries)."""
CHUNK = 25_000
"""Runs resolved per batch; results do not depend on it (counter-based random streams)."""
DEFAULT_RUNS = 10_000
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


def _stats(values: NDArray[Any]) -> dict[str, float]:
    """Median, 90% interval and mean over runs (NaNs ignored)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"median": math.nan, "p05": math.nan, "p95": math.nan, "mean": math.nan}
    p05, med, p95 = np.percentile(v, [5.0, 50.0, 95.0])
    return {"median": float(med), "p05": float(p05), "p95": float(p95), "mean": float(v.mean())}


@dataclass
class _Collected:
    """Per-run summaries gathered over chunks (small: no (R, L, M) arrays are kept)."""

    columns: dict[str, list[NDArray[Any]]] = field(default_factory=dict)

    def add(self, name: str, values: NDArray[Any]) -> None:
        self.columns.setdefault(name, []).append(values)

    def get(self, name: str) -> NDArray[Any]:
        return np.concatenate(self.columns[name], axis=0)


def _resolve(
    scenario: Scenario,
    attacker: str,
    defended: str,
    fire: dict[str, int],
    target_class: str | None,
    warning_days: int,
    runs: int,
    seed: int,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Resolve a checked salvo for ``runs`` seeded runs and summarise it."""
    warned = warning_days >= 1
    fired = [m for m in scenario.munitions if fire.get(m, 0) > 0] or list(fire)
    got = _Collected()
    names: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    initial_stock: list[int] = []
    col: list[int] = []
    for start in range(0, runs, chunk):
        ids = np.arange(start, min(runs, start + chunk), dtype=np.int64)
        streams = Streams(seed, ids)
        n = ids.size
        mtab = eng.munition_table(scenario, streams, drawn=fired)
        dtab = eng.defence_table(scenario, defended, streams)
        names, owners, initial_stock = dtab.names, dtab.owners, dtab.initial_stock.tolist()
        col = [mtab.index(m) for m in fired]
        warned_arr = np.full(n, warned)
        joined = eng.layers_joined(dtab, streams, SALVO_DAY, warned_arr)
        dph, cph = eng.target_effects(scenario, target_class, streams)
        res = eng.resolve_salvo(
            streams,
            SALVO_DAY,
            SALVO_TAG,
            mtab.salvo(fire, n),
            mtab,
            dtab,
            joined,
            warned_arr,
            dtab.stock(n),
            dph,
            cph,
        )
        got.add("launched", res.launched[:, col].astype(np.int32))
        got.add("failed", res.failed[:, col].astype(np.int32))
        got.add("intercepted_m", res.intercepted.sum(axis=1)[:, col].astype(np.int32))
        got.add("leaked", res.leaked[:, col].astype(np.int32))
        got.add("joined", joined)
        got.add("engaged_l", res.engaged.sum(axis=2).astype(np.int32))
        got.add("intercepted_l", res.intercepted.sum(axis=2).astype(np.int32))
        got.add("used_l", res.interceptors_used.astype(np.int32))
        for key, arr in (
            ("hits", res.hits),
            ("deaths", res.deaths),
            ("damage", res.damage),
            ("attack_cost", res.attack_cost),
            ("defence_cost", res.defence_cost),
            ("cost_exchange", res.cost_exchange),
            ("interception_rate", res.interception_rate),
        ):
            got.add(key, arr)
        if on_chunk is not None:
            on_chunk(n)

    launched, failed = got.get("launched"), got.get("failed")
    inter_m, leaked = got.get("intercepted_m"), got.get("leaked")
    munitions = [
        {
            "id": m,
            "kind": scenario.munitions[m].kind,
            "launched": _stats(launched[:, j]),
            "failed": _stats(failed[:, j]),
            "intercepted": _stats(inter_m[:, j]),
            "leaked": _stats(leaked[:, j]),
        }
        for j, m in enumerate(fired)
    ]
    joined_all = got.get("joined")
    eng_l, int_l, used_l = got.get("engaged_l"), got.get("intercepted_l"), got.get("used_l")
    layers = [
        {
            "name": names[i],
            "owner": owners[i],
            "joined_share": float(joined_all[:, i].mean()),
            "stock_start": initial_stock[i],
            "engaged": _stats(eng_l[:, i]),
            "intercepted": _stats(int_l[:, i]),
            "interceptors_used": _stats(used_l[:, i]),
        }
        for i in range(len(names))
    ]
    deaths = got.get("deaths")
    return {
        "scenario": scenario.name,
        "attacker": attacker,
        "defended": defended,
        "fire": {m: fire[m] for m in fired},
        "target_class": target_class,
        "warning_days": warning_days,
        "warned": warned,
        "runs": runs,
        "seed": seed,
        "munitions": munitions,
        "layers": layers,
        "totals": {
            "hits": _stats(got.get("hits")),
            "deaths": _stats(deaths),
            "share_runs_no_deaths": float(np.mean(deaths == 0)),
            "damage": _stats(got.get("damage")),
            "attack_cost_usd": _stats(got.get("attack_cost")),
            "defence_cost_usd": _stats(got.get("defence_cost")),
            "cost_exchange": _stats(got.get("cost_exchange")),
            "interception_rate": _stats(got.get("interception_rate")),
        },
    }


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


def salvo(
    scenario: Scenario | str | Path,
    attacker: str,
    defended: str,
    fire: Mapping[str, int] | Sequence[str],
    *,
    target_class: str | None = None,
    warning_days: int = 0,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
    on_chunk: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK,
) -> dict[str, Any]:
    """Fire ``fire`` (``{"shahed_136": 170}`` or ``["shahed_136=170"]``) from ``attacker`` at
    ``defended`` and summarise ``runs`` seeded runs: per munition, per defence layer and in
    total (what ``escalade salvo --json`` prints).

    ``target_class`` is hit by leakers (default: the scenario's first); ``warning_days`` >= 1
    means the defenders were warned and their partners are in place. ``on_chunk(n)`` is called
    after each chunk of runs. A bad request raises :class:`SalvoError` in one line: unknown
    actors, munitions or target classes (with a suggestion), munitions the shooter does not
    hold, counts or seeds out of range. A shooter firing more than it holds gets a ``notes``
    entry in the summary.
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
    if warning_days < 0:
        raise SalvoError(f"--warning-days must be >= 0, got {warning_days}")
    if not 1 <= runs <= MAX_RUNS:
        raise SalvoError(f"--runs must be between 1 and {MAX_RUNS:,}, got {runs:,}")
    if not 0 <= seed <= MAX_SEED:
        raise SalvoError(f"--seed must be between 0 and {MAX_SEED} (2^63 - 1), got {seed}")
    if chunk_size < 1:
        raise SalvoError(f"chunk_size must be at least 1, got {chunk_size}")
    tclass = target_class or next(iter(scen.target_classes), None)
    summary = _resolve(
        scen, attacker, defended, fired, tclass, warning_days, runs, seed, on_chunk, chunk_size
    )
    held = scen.actors[attacker].arsenal
    short = {m: n for m, n in fired.items() if held and n > held.get(m, 0)}
    if short:
        summary["notes"] = [
            f"{attacker} holds {held.get(m, 0):,} {m} in the scenario but fires {n:,}"
            for m, n in short.items()
        ]
    return summary


__all__ = ["CHUNK", "MAX_PER_TYPE", "MAX_RUNS", "SalvoError", "parse_fire", "salvo"]
