"""``escalade sweep``: sensitivity of the outcomes to scenario parameters (SALib).

Example::

    escalade sweep april-2024 --param actors.IRN.resolve=0.3:0.9 \\
        --param model.war_cost=10:40 --design sobol --samples 16 --runs-per-point 200 \\
        --out sweep.html
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from escalade.analysis.sensitivity import (
    DEFAULT_RUNS_PER_POINT,
    DEFAULT_SAMPLES,
    OUTCOMES,
    Design,
    Param,
    design_points,
    parse_param,
    run_sweep,
    tornado,
)
from escalade.budget import MAX_RUNS_IN_MEMORY
from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    JsonOpt,
    LeverOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    all_overrides,
    console,
    err,
    user_errors,
    with_progress,
)
from escalade.report.sweep import INDEX_COLUMNS, fmt_index, write_sweep_html


def sweep_cmd(
    scenario: ScenarioArg,
    params: Annotated[
        list[str],
        typer.Option(
            "--param",
            "-p",
            help="A field to sweep: path=low:high (items by id, integer fields in whole "
            "numbers), or LEVER=low:high for a lever that takes a value; repeatable",
        ),
    ],
    design: Annotated[
        Design, typer.Option("--design", help="Sampling design and its analysis")
    ] = Design.SOBOL,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-N",
            help="sobol: base N, a power of two (points = N·(D+2)); morris: trajectories "
            "(N·(D+1)); lhs: points; grid: levels per parameter (N^D) "
            f"[default: {', '.join(f'{d} {n}' for d, n in DEFAULT_SAMPLES.items())}]",
            min=2,
        ),
    ] = None,
    runs_per_point: Annotated[
        int,
        typer.Option(
            "--runs-per-point",
            "-r",
            help="Runs at each design point",
            min=1,
            max=MAX_RUNS_IN_MEMORY,
        ),
    ] = DEFAULT_RUNS_PER_POINT,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    adds: AddOpt = None,
    drops: DropOpt = None,
    levers: LeverOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the tornado chart and indices (HTML) here"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sweep scenario parameters; report sensitivity indices and a tornado chart.

    Every design point is simulated with the same seed and run ids (common random numbers).
    Outcomes per point: P(war by the horizon), P(direct exchange), mean highest rung and
    mean deaths.
    """
    with user_errors():
        base = all_overrides(scenario, sets, adds, drops, levers)
        labels: dict[str, str] = {}
        plist = [_lever_param(scenario, p, base, labels) for p in params]
        n = DEFAULT_SAMPLES[design] if samples is None else samples
        x = design_points(plist, design, n, seed)
        result = with_progress(
            len(x) + 1 + 2 * len(plist),
            f"{design} sweep: {len(x)} points (+ {1 + 2 * len(plist)} for the tornado) × "
            f"{runs_per_point} runs",
            lambda tick: run_sweep(
                scenario,
                plist,
                design,
                n,
                runs_per_point,
                seed,
                days,
                base,
                tick,
                x,
                workers=workers,
                scheduler=scheduler,
            ),
        )
    result.labels = labels
    if out is not None:
        written = write_sweep_html(result, out)
    if as_json:
        data = result.as_dict()
        data["html"] = str(written) if out is not None else None
        sys.stdout.write(json.dumps(data, allow_nan=True) + "\n")
        return
    console.print(
        f"[bold]{result.scenario}[/bold]: {design} design, {result.points} points × "
        f"{runs_per_point} runs, seed {seed}",
        highlight=False,
    )
    swings = tornado(result)
    for key, label in OUTCOMES.items():
        table = Table(title=label, title_justify="left")
        table.add_column("parameter", no_wrap=True)
        cols = INDEX_COLUMNS[design]
        for c, conf in cols:
            table.add_column(c + (" ± 95%" if conf else ""), justify="right", no_wrap=True)
        table.add_column("at low → scenario → at high", justify="right", no_wrap=True)
        by_param = {str(r["param"]): r for r in result.indices[key]}
        for s in swings[key]:  # in the order of the index (the tornado's order)
            r = by_param[s.param]
            table.add_row(
                result.label(s.param),
                *(fmt_index(r[c], r[conf] if conf else None) for c, conf in cols),
                f"{s.low_mean:.3f} → {s.baseline:.3f} → {s.high_mean:.3f}",
            )
        console.print(table)
    if out is not None:
        console.print(f"wrote {written}", highlight=False)
    else:
        err.print("add --out sweep.html for the tornado chart", highlight=False)


def _lever_param(scenario: str, text: str, base: dict[str, Any], labels: dict[str, str]) -> Param:
    """``--param PATH=low:high``, or ``--param LEVER=low:high`` for a lever of the scenario
    that takes a value (its other changes are added to ``base``)."""
    name = text.partition("=")[0].strip()
    if "." in name or not name:
        return parse_param(text)
    from escalade.simulation import load_scenario

    lever = load_scenario(scenario).levers.get(name)
    if lever is None:
        return parse_param(text)
    target = lever.value or next(iter(lever.changes), None)
    if target is None:
        raise ValueError(f"--param {name}: the lever sets no path, so it cannot be swept")
    base.update({k: v for k, v in lever.overrides().items() if k != target})
    labels[target] = f"{name} ({target})"
    return parse_param(target + text[text.index("=") :])


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_cmd)
