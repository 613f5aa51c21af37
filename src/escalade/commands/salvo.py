"""``escalade salvo``: fire one salvo at a defended actor and summarise many seeded runs (M6).

Example::

    escalade salvo april-2024 --from IRN --at ISR --fire shahed_136=170 --fire paveh=30 \\
        --fire emad=120 --target-class air_base --warning 14d --runs 10000 --seed 1
    escalade salvo april-2024 --from IRN --at ISR --fire shahed_136=100 --waves 12 \\
        --every 24h --partners USA,GBR,JOR --interval 80

The command is thin: it parses the options, calls :func:`escalade.salvos.salvo` and prints
the summary (rich tables, or JSON).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from escalade.cli_common import SeedOpt
from escalade.salvos import CHUNK, SalvoError
from escalade.salvos import salvo as run_salvo
from escalade.scenario.load import ScenarioError, load_scenario


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
    return f"{fmt(s['median'])} [{fmt(s['lo'])}–{fmt(s['hi'])}]"


def _lead(hours: float) -> str:
    if hours >= 24 and hours % 24 == 0:
        return f"{hours / 24:g} d"
    return f"{hours:g} h"


def _pct_bounds(interval: float) -> str:
    tail = (100.0 - interval) / 2.0
    return f"{tail:g}%–{100 - tail:g}%"


def render(summary: dict[str, Any], console: Console) -> None:
    """Print the summary as rich tables."""
    hours = summary["warning_hours"]
    warn = f"warned {_lead(hours)} ahead" if summary["warned"] else "no warning"
    partners = summary.get("partners")
    who = (
        ""
        if partners is None
        else "; no partners"
        if not partners
        else f"; partners {', '.join(partners)}"
    )
    waves = summary.get("waves", 1)
    camp = "" if waves == 1 else f"; {waves} waves every {_lead(summary['every_hours'])}"
    bounds = _pct_bounds(summary["interval"])
    console.print(
        f"[bold]{summary['scenario']}[/]: {summary['attacker']} → {summary['defended']}"
        f" ({summary['target_class'] or 'default target'}), {warn}{who}{camp}; "
        f"{summary['runs']:,} runs, seed {summary['seed']}.  Cells: median [{bounds}]."
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
        for c in (
            "layer",
            "owner",
            "joined",
            "engaged",
            "intercepted",
            "interceptors fired",
            "cost",
            "stock left",
        ):
            lt.add_column(c, justify="left" if c in ("layer", "owner") else "right")
        for la in summary["layers"]:
            lt.add_row(
                la["name"],
                la["owner"],
                f"{100 * la['joined_share']:.0f}%",
                _cell(la["engaged"]),
                _cell(la["intercepted"]),
                _cell(la["interceptors_fired"]),
                _cell(la["cost_usd"], _usd),
                f"{_num(la['stock_end']['median'])} of {la['stock_start']:,}",
            )
        console.print(lt)
    else:
        console.print(f"{summary['defended']} has no air-defence layers in this scenario.")
    t = summary["totals"]
    if summary.get("wave_table"):
        wt = Table(title="Waves")
        for c in ("wave", "hour", "interception rate", "hits", "deaths", "defence cost"):
            wt.add_column(c, justify="right")
        for w in summary["wave_table"]:
            wt.add_row(
                str(w["wave"]),
                f"{w['hour']:g}",
                _cell(w["interception_rate"], lambda x: "–" if math.isnan(x) else f"{x:.1%}"),
                _cell(w["hits"]),
                _cell(w["deaths"]),
                _cell(w["defence_cost_usd"], _usd),
            )
        console.print(wt)
    tt = Table(title="Outcome" if waves == 1 else "Outcome over the campaign")
    tt.add_column("measure")
    tt.add_column(f"median [{bounds}]", justify="right")
    tt.add_column("mean", justify="right")

    def pct(x: float) -> str:
        return "–" if math.isnan(x) else f"{100 * x:.1f}%"

    def ratio(x: float) -> str:
        return "–" if math.isnan(x) else f"{x:,.1f}"

    rows: list[tuple[str, dict[str, float], Callable[[float], str]]] = [
        ("interception rate", t["interception_rate"], pct),
        ("hits on the aim point", t["hits"], _num),
        ("leakers in open ground", t["open_ground"], _num),
        ("debris impacts", t["debris"], _num),
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
    warning: str | None = typer.Option(
        None,
        "--warning",
        help="Lead time the defenders had: hours or 3h, 2d, 90min (readiness rises with it; "
        "default 0: none)",
    ),
    warning_days: float | None = typer.Option(
        None, "--warning-days", help="Lead time in days (older spelling of --warning)"
    ),
    partners: str | None = typer.Option(
        None,
        "--partners",
        help="Comma-separated partners whose layers may join, allies and host nations alike "
        "(e.g. USA,GBR,JOR; default: all per the scenario's alliances)",
    ),
    no_partners: bool = typer.Option(
        False, "--no-partners", help="The defended actor's own layers only"
    ),
    waves: int = typer.Option(1, "--waves", help="Salvos in the campaign (stocks carried over)"),
    every: str = typer.Option("24h", "--every", help="Time between waves (e.g. 24h, 2d)"),
    interval: float = typer.Option(
        90.0, "--interval", help="Central interval to report, percent (e.g. 80)"
    ),
    runs: int = typer.Option(10_000, "--runs", help="Number of seeded runs"),
    seed: SeedOpt = 1,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Fire one salvo at a defended actor and summarise the runs (M6 engagement, M3 warning)."""
    try:
        scen = load_scenario(scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    if no_partners and partners is not None:
        typer.echo("Error: give --partners or --no-partners, not both", err=True)
        raise typer.Exit(2)
    request: dict[str, Any] = {
        "target_class": target_class,
        "warning": warning,
        "warning_days": warning_days,
        "partners": [] if no_partners else None if partners is None else partners.split(","),
        "waves": waves,
        "every": every,
        "interval": interval,
        "runs": runs,
        "seed": seed,
    }
    try:
        if runs * waves > CHUNK:
            with Progress(
                TextColumn("salvo"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} runs"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as progress:
                task = progress.add_task("runs", total=runs)  # counted per chunk of runs
                summary = run_salvo(
                    scen,
                    attacker,
                    defended,
                    fire,
                    **request,
                    on_chunk=lambda n: progress.advance(task, n),
                )
        else:
            summary = run_salvo(scen, attacker, defended, fire, **request)
    except SalvoError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was kept", err=True)
        raise typer.Exit(130) from None
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


__all__ = ["register", "render", "salvo"]
