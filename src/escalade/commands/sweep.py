"""``escalade sweep``: sensitivity of the outcomes to scenario parameters (SALib).

Example::

    escalade sweep april-2024 --param actors.IRN.resolve=0.3:0.9 \\
        --param model.war_cost=10:40 --design sobol --samples 16 --runs-per-point 200
    escalade report latest --out sweep.html
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
    Sweep,
    design_points,
    parse_param,
    points_table,
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
    ResumableScenarioArg,
    ResumeOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    all_overrides,
    console,
    user_errors,
    with_progress,
)
from escalade.commands.experiments import (
    DEFAULT_STORE_PATH,
    StoreOpt,
    finish,
    resumable,
    saved_line,
)
from escalade.ensemble import normalise_overrides
from escalade.report.sweep import INDEX_COLUMNS, fmt_index, write_sweep_html
from escalade.store import Store


def sweep_cmd(
    scenario: ResumableScenarioArg = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A field to sweep: path=low:high (items by id, integer fields in whole "
            "numbers), or LEVER=low:high for a lever that takes a value; repeatable",
        ),
    ] = None,
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
    resume: ResumeOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write its page (tornado chart and indices, HTML) here; `escalade "
            "report ID` writes it from the store at any time",
        ),
    ] = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Sweep scenario parameters; report sensitivity indices and a tornado chart.

    Every design point is simulated with the same seed and run ids (common random numbers).
    Outcomes per point: P(war by the horizon), P(direct exchange), mean highest rung and
    mean deaths. The tornado's bars are each parameter alone at its bounds, the others at the
    scenario's own values. The sweep is stored as an experiment (its points as Parquet); an
    interrupted one resumes with --resume ID, simulating only the points it lacks.
    """
    with user_errors():
        request = None
        if resume is None:
            scenario, plist, base, labels = swept(scenario, params, sets, adds, drops, levers)
            n = DEFAULT_SAMPLES[design] if samples is None else samples
            total = len(design_points(plist, design, n, seed)) + 1 + 2 * len(plist)
            request = {
                "scenario": scenario, "overrides": normalise_overrides(base),
                "params": [p.as_dict() for p in plist], "labels": labels,
                "design": str(design), "samples": n, "runs_per_point": runs_per_point,
                "seed": seed, "days": days, "runs": total * runs_per_point,
            }  # fmt: skip
        st = Store(store)
        with resumable(st, "sweep", request, resume) as done:
            req = done.request
            plist = [Param(**p) for p in req["params"]]
            design, n = Design(req["design"]), int(req["samples"])
            x = design_points(plist, design, n, req["seed"])
            total = len(x) + 1 + 2 * len(plist)
            result = with_progress(
                total,
                f"{design} sweep: {len(x)} points (+ {1 + 2 * len(plist)} for the tornado) × "
                f"{req['runs_per_point']} runs",
                lambda tick: run_sweep(
                    req["scenario"],
                    plist,
                    design,
                    n,
                    req["runs_per_point"],
                    req["seed"],
                    req["days"],
                    req["overrides"],
                    tick,
                    x,
                    workers=workers,
                    scheduler=scheduler,
                    cache=done,
                ),
            )
            result.labels = req["labels"]
            exp_id = done.exp_id
            st.write_table(exp_id, "points", points_table(result))
            finish(st, exp_id, stored_results(result))
    if out is not None:
        written = write_sweep_html(result, out, st.manifest(exp_id))
    if as_json:
        data = result.as_dict()
        data["html"] = str(written) if out is not None else None
        data["experiment"] = exp_id
        sys.stdout.write(json.dumps(data, allow_nan=True) + "\n")
        return
    console.print(
        f"[bold]{result.scenario}[/bold]: {design} design, {result.points} points × "
        f"{result.runs_per_point} runs, seed {result.seed}",
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
    console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)


def stored_results(sweep: Sweep) -> dict[str, Any]:
    """What the manifest keeps of a sweep: all but its points (a Parquet table of its own)."""
    data = sweep.as_dict()
    data.pop("points")
    data["sentence"] = sweep_sentence(sweep)
    return data


def sweep_sentence(sweep: Sweep) -> str:
    """The sweep's answer in one sentence: what moves P(sustained war) most, from where to
    where (parameter alone at its bounds, the others at the scenario's values)."""
    swings = tornado(sweep)["p_war"]
    if not swings or sweep.centre is None:
        return f"{sweep.design} sweep of {sweep.scenario}: {sweep.points} points."
    top = swings[0]
    if max(s.width for s in swings) == 0:
        return (
            f"P(sustained war) in {sweep.scenario} stays at {top.baseline:.3f} with each "
            f"parameter alone at either bound ({sweep.design} design, {sweep.points} points × "
            f"{sweep.runs_per_point} runs)."
        )
    return (
        f"P(sustained war) in {sweep.scenario} is {top.baseline:.3f} at the scenario's own "
        f"values; it moves most with {sweep.label(top.param)}: {top.low_mean:.3f} at its low "
        f"bound, {top.high_mean:.3f} at its high one ({sweep.design} design, "
        f"{sweep.points} points × {sweep.runs_per_point} runs)."
    )


def swept(
    scenario: str | None,
    params: list[str] | None,
    sets: list[str] | None,
    adds: list[str] | None,
    drops: list[str] | None,
    levers: list[str] | None,
) -> tuple[str, list[Param], dict[str, Any], dict[str, str]]:
    """What a new sweep, discovery or break-even search explores: the scenario, the
    parameters (levers by name), the base overrides and the parameters' readable names."""
    if scenario is None or not params:
        raise ValueError("give a scenario and at least one --param path=low:high, or --resume ID")
    base = all_overrides(scenario, sets, adds, drops, levers)
    labels: dict[str, str] = {}
    plist = [_lever_param(scenario, p, base, labels) for p in params]
    return scenario, plist, base, labels


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
