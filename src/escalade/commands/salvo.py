"""``escalade salvo``: fire one salvo at a defended actor and summarise many seeded runs (M6).

Example::

    escalade salvo april-2024 --from IRN --at ISR --fire shahed_136=170 --fire paveh=30 \\
        --fire emad=120 --target-class air_base --warning-days 14 --runs 10000 --seed 1

The command is thin: it parses and checks the request, then calls
:mod:`escalade.engine.engagement` chunk by chunk and summarises the runs (median and 90%
interval, i.e. the 5th and 95th percentiles).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import typer
from numpy.typing import NDArray
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from escalade.engine import engagement as eng
from escalade.engine.rng import Streams
from escalade.scenario.load import ScenarioError, load_scenario
from escalade.scenario.schema import Scenario

MAX_PER_TYPE = 100_000
"""Largest number of one munition type in one salvo accepted on the command line."""
MAX_RUNS = 1_000_000
"""Largest number of runs accepted on the command line (memory for the per-run summaries)."""
CHUNK = 25_000
"""Runs resolved per batch; results do not depend on it (counter-based random streams)."""
SALVO_DAY = 0
SALVO_TAG = "salvo"


class UsageProblem(Exception):
    """A bad request on the command line: reported in one line, exit code 2."""


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
            raise UsageProblem(f"--fire expects MUNITION=COUNT (e.g. shahed_136=170), got '{spec}'")
        if name not in scenario.munitions:
            raise UsageProblem(
                f"--fire: unknown munition '{name}' in scenario '{scenario.name}'"
                + _did_you_mean(name, scenario.munitions)
            )
        try:
            count = int(count_text)
        except ValueError:
            raise UsageProblem(
                f"--fire {name}: the count must be a whole number, got '{count_text}'"
            ) from None
        if count < 0:
            raise UsageProblem(f"--fire {name}: the count must be >= 0, got {count}")
        fire[name] = fire.get(name, 0) + count
        if fire[name] > MAX_PER_TYPE:
            raise UsageProblem(
                f"--fire {name}: {fire[name]:,} is more than the limit of {MAX_PER_TYPE:,} per type"
            )
    if not fire:
        raise UsageProblem("give at least one --fire MUNITION=COUNT")
    return fire


def _check_actor(option: str, actor: str, scenario: Scenario) -> None:
    if actor not in scenario.actors:
        raise UsageProblem(
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


def simulate(
    scenario: Scenario,
    attacker: str,
    defended: str,
    fire: dict[str, int],
    target_class: str | None,
    warning_days: int,
    runs: int,
    seed: int,
    on_chunk: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Resolve the salvo for ``runs`` seeded runs and summarise it (the command's JSON)."""
    warned = warning_days >= 1
    fired = [m for m in scenario.munitions if fire.get(m, 0) > 0] or list(fire)
    got = _Collected()
    names: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    initial_stock: list[int] = []
    col: list[int] = []
    for start in range(0, runs, CHUNK):
        ids = np.arange(start, min(runs, start + CHUNK), dtype=np.int64)
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


def _num(x: float, digits: int = 0) -> str:
    if math.isnan(x):
        return "–"
    return f"{x:,.{digits}f}"


def _usd(x: float) -> str:
    if math.isnan(x):
        return "–"
    for scale, unit in ((1e9, " bn"), (1e6, " m"), (1e3, " k"), (1.0, "")):
        if abs(x) >= scale or scale == 1.0:
            v = x / scale
            digits = 2 if abs(v) < 10 else 1 if abs(v) < 100 else 0
            return f"${v:,.{digits}f}{unit}"
    return f"${x:,.0f}"


def _cell(s: dict[str, float], fmt: Callable[[float], str] = _num) -> str:
    return f"{fmt(s['median'])} [{fmt(s['p05'])}–{fmt(s['p95'])}]"


def render(summary: dict[str, Any], console: Console) -> None:
    """Print the summary as rich tables."""
    warn = f"warned {summary['warning_days']} d ahead" if summary["warned"] else "no warning"
    console.print(
        f"[bold]{summary['scenario']}[/]: {summary['attacker']} → {summary['defended']}"
        f" ({summary['target_class'] or 'default target'}), {warn}; "
        f"{summary['runs']:,} runs, seed {summary['seed']}.  Cells: median [5%–95%]."
    )
    mt = Table(title="Munitions")
    for c in ("munition", "kind", "launched", "failed", "intercepted", "leaked"):
        mt.add_column(c, justify="left" if c in ("munition", "kind") else "right")
    for m in summary["munitions"]:
        mt.add_row(
            m["id"],
            m["kind"],
            _cell(m["launched"]),
            _cell(m["failed"]),
            _cell(m["intercepted"]),
            _cell(m["leaked"]),
        )
    console.print(mt)
    if summary["layers"]:
        lt = Table(title=f"Defence layers over {summary['defended']} (outer first)")
        for c in ("layer", "owner", "joined", "engaged", "intercepted", "interceptors used"):
            lt.add_column(c, justify="left" if c in ("layer", "owner") else "right")
        for la in summary["layers"]:
            lt.add_row(
                la["name"],
                la["owner"],
                f"{100 * la['joined_share']:.0f}%",
                _cell(la["engaged"]),
                _cell(la["intercepted"]),
                _cell(la["interceptors_used"]),
            )
        console.print(lt)
    else:
        console.print(f"{summary['defended']} has no air-defence layers in this scenario.")
    t = summary["totals"]
    tt = Table(title="Outcome")
    tt.add_column("measure")
    tt.add_column("median [5%–95%]", justify="right")
    tt.add_column("mean", justify="right")

    def pct(x: float) -> str:
        return "–" if math.isnan(x) else f"{100 * x:.1f}%"

    def ratio(x: float) -> str:
        return "–" if math.isnan(x) else f"{x:,.1f}"

    rows: list[tuple[str, dict[str, float], Callable[[float], str]]] = [
        ("interception rate", t["interception_rate"], pct),
        ("hits", t["hits"], _num),
        ("deaths", t["deaths"], _num),
        ("damage (units)", t["damage"], lambda x: _num(x, 1)),
        ("attack cost", t["attack_cost_usd"], _usd),
        ("defence cost", t["defence_cost_usd"], _usd),
        ("cost exchange (defence $ per attack $)", t["cost_exchange"], ratio),
    ]
    for label, s, fmt in rows:
        mean_fmt = (lambda x: _num(x, 2)) if fmt is _num else fmt
        tt.add_row(label, _cell(s, fmt), mean_fmt(s["mean"]))
    tt.add_row("runs with no deaths", pct(t["share_runs_no_deaths"]), "")
    console.print(tt)


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(type(x))


def _clean(x: Any) -> Any:
    """NaN -> None so the output is strict JSON."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def salvo(
    scenario: str = typer.Argument(..., help="Scenario file or built-in name (e.g. april-2024)"),
    attacker: str = typer.Option(..., "--from", help="Actor firing the salvo (e.g. IRN)"),
    defended: str = typer.Option(..., "--at", help="Actor whose defences are attacked (e.g. ISR)"),
    fire: list[str] = typer.Option(
        ..., "--fire", help="MUNITION=COUNT, repeatable (e.g. --fire shahed_136=170)"
    ),
    target_class: str | None = typer.Option(
        None, "--target-class", help="Target class hit by leakers (default: the first listed)"
    ),
    warning_days: int = typer.Option(
        0,
        "--warning-days",
        help="Days of warning the defenders had (>= 1: warned, partners in place; 0: none)",
    ),
    runs: int = typer.Option(10_000, "--runs", help="Number of seeded runs"),
    seed: int = typer.Option(1, "--seed", help="Random seed"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Fire one salvo at a defended actor and summarise the runs (M6 engagement, M3 warning)."""
    try:
        scen = load_scenario(scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    try:
        _check_actor("--from", attacker, scen)
        _check_actor("--at", defended, scen)
        fired = parse_fire(fire, scen)
        if target_class is not None and target_class not in scen.target_classes:
            raise UsageProblem(
                f"--target-class: unknown target class '{target_class}' in scenario "
                f"'{scen.name}'" + _did_you_mean(target_class, scen.target_classes)
            )
        if warning_days < 0:
            raise UsageProblem(f"--warning-days must be >= 0, got {warning_days}")
        if not 1 <= runs <= MAX_RUNS:
            raise UsageProblem(f"--runs must be between 1 and {MAX_RUNS:,}, got {runs:,}")
    except UsageProblem as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    tclass = target_class or next(iter(scen.target_classes), None)

    if runs > CHUNK:
        with Progress(
            TextColumn("salvo"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} runs"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("runs", total=runs)
            summary = simulate(
                scen,
                attacker,
                defended,
                fired,
                tclass,
                warning_days,
                runs,
                seed,
                on_chunk=lambda n: progress.advance(task, n),
            )
    else:
        summary = simulate(scen, attacker, defended, fired, tclass, warning_days, runs, seed)

    held = scen.actors[attacker].arsenal
    short = {m: n for m, n in fired.items() if held and n > held.get(m, 0)}
    if short:
        summary["notes"] = [
            f"{attacker} holds {held.get(m, 0):,} {m} in the scenario but fires {n:,}"
            for m, n in short.items()
        ]
    if as_json:
        typer.echo(json.dumps(_clean(summary), indent=2, default=_json_default))
        return
    out = Console()
    render(summary, out)
    for note in summary.get("notes", []):
        out.print(f"note: {note}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``salvo`` command to a typer app."""
    app.command("salvo")(salvo)


__all__ = ["parse_fire", "register", "render", "salvo", "simulate"]
