"""``escalade run``: simulate an ensemble into the experiment store and print its summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from escalade.analysis.briefing import (
    HEADLINE_COLUMNS,
    Driver,
    definitions,
    drivers_total,
    experiment_drivers,
    headline,
    points,
)
from escalade.analysis.stats import summary
from escalade.budget import DEFAULT_CHUNK, MAX_RUNS, MAX_SEED, MEMORY_FRACTION, parse_memory
from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    JsonOpt,
    LeverOpt,
    OverlayOpt,
    SchedulerOpt,
    SetOpt,
    WorkersOpt,
    blamed_on,
    console,
    err,
    fail,
    progress_bar,
    read_overrides,
    summary_table,
    user_errors,
    with_progress,
)
from escalade.commands.experiments import (
    DEFAULT_STORE_PATH,
    SUMMARY_COLUMNS,
    StoreOpt,
    store_flag,
)
from escalade.ensemble import DEFAULT_RUNS, EnsembleError, run_experiment
from escalade.outcomes import BY_NAME
from escalade.scenario.schema import Scenario
from escalade.store import Store

DRIVERS_RUNS = 2000
"""Runs per arm ``--drivers`` uses by default (at most the experiment's own)."""


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(help="A scenario file (.yaml) or a built-in name (optional with --resume)"),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            "-n",
            help=f"Number of runs (default {DEFAULT_RUNS:,}; at most 10^12)",
            min=1,
            max=MAX_RUNS,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", "-s", help="Random seed (default 0; 0 to 2^63 - 1)", min=0, max=MAX_SEED
        ),
    ] = None,
    days: DaysOpt = None,
    sets: SetOpt = None,
    adds: AddOpt = None,
    drops: DropOpt = None,
    levers: LeverOpt = None,
    overlay: OverlayOpt = None,
    workers: WorkersOpt = None,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            "--chunk-size",
            help=f"Runs per chunk, one Parquet file (default: as many as fit --memory, "
            f"at most {DEFAULT_CHUNK:,})",
            min=1,
        ),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help=f"Memory budget of the workers together, e.g. 4GB (default: "
            f"{MEMORY_FRACTION:.0%} of this machine); sets the chunk size",
        ),
    ] = None,
    scheduler: SchedulerOpt = None,
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Finish an interrupted experiment (id or unique prefix)"),
    ] = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    with_drivers: Annotated[
        bool,
        typer.Option(
            "--drivers",
            help="Also measure what moves the answer: each declared lever's paired effect on "
            "P(sustained war) and P(direct exchange) (escalade levers SCENARIO lists them)",
        ),
    ] = False,
    drivers_runs: Annotated[
        int | None,
        typer.Option(
            "--drivers-runs",
            help="Runs per arm for --drivers (default: the experiment's runs, at most "
            f"{DRIVERS_RUNS:,}); stored with the experiment, shown in its report",
            min=2,
            max=MAX_RUNS,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate an ensemble into the experiment store and print its summary.

    The runs are written in chunks to Parquet files under --store and registered as an
    experiment; `escalade experiments show ID` and `escalade query SQL` read them back.
    """
    started: dict[str, Any] = {}
    bar = progress_bar()

    def on_start(manifest: dict[str, Any], done: int) -> None:
        started.update(manifest)
        label = f"{manifest['scenario_name']} [dim]{manifest['id']}[/dim]"
        started["task"] = bar.add_task(label, total=manifest["runs"], completed=done)
        started["done"] = done

    def on_chunk(n: int) -> None:  # a chunk written (all a Dask cluster's chunks tell)
        started["written"] = started.get("written", 0) + n
        shown(started["done"] + started["written"])

    def on_progress(runs: int) -> None:  # chunks in flight, by the days they have simulated
        shown(runs)

    def shown(runs: int) -> None:
        started["shown"] = max(started.get("shown", 0), runs)
        bar.update(started["task"], completed=started["shown"])

    with user_errors():
        if scenario is None and resume is None:
            raise ValueError("give a scenario (a file or a built-in name), or --resume ID")
        overrides, ov = read_overrides(overlay, sets, adds, drops, levers, scenario)
        budget = parse_memory(memory) if memory is not None else None
        if scheduler is not None and workers is not None:
            err.print("note: --workers is ignored with --scheduler (the cluster has its own)")
        try:
            with bar, blamed_on(ov, sets):
                exp = run_experiment(
                    scenario,
                    runs=runs,
                    seed=seed,
                    days=days,
                    overrides=overrides or None,
                    store=Store(store),
                    workers=workers,
                    chunk_size=chunk_size,
                    scheduler=scheduler,
                    resume=resume,
                    memory=budget,
                    on_start=on_start,
                    on_chunk=on_chunk,
                    on_progress=on_progress,
                )
        except KeyboardInterrupt:
            _stopped(store, started, "interrupted")
            raise typer.Exit(130) from None
        except (EnsembleError, OSError) as exc:  # a dead worker, a full disk, ...
            if "id" not in started:  # e.g. a store directory that cannot be written
                fail([str(exc)])
            _stopped(store, started, f"failed: {exc}")
            raise typer.Exit(1) from None
        if started.get("status") == "complete":
            err.print(f"experiment {exp.id} was already complete", highlight=False)
        outcomes = exp.outcomes(columns=SUMMARY_COLUMNS)
    result = summary(outcomes, top=len(exp.scenario.ladder) - 1)
    m = exp.manifest
    found: list[Driver] = []
    if with_drivers:
        with user_errors():
            found = _drivers(m, exp.scenario, drivers_runs)
            n = drivers_runs or min(int(m["runs"]), DRIVERS_RUNS)
            result["drivers"] = [d.as_dict() for d in found]
            stored = {"drivers": result["drivers"], "drivers_runs": n}
            exp.store.update(exp.id, results={**(m.get("results") or {}), **stored})
    if as_json:
        _write_json(exp.store, m, result)
        return
    horizon = m.get("days") or exp.scenario.horizon_days
    console.print(headline(result, m["scenario_name"], int(horizon)), highlight=False)
    for line in definitions((*HEADLINE_COLUMNS, "deaths")):  # deaths: the trigger's excluded
        console.print(f"  [dim]{line}[/dim]", highlight=False)
    if with_drivers:
        console.print(drivers_table(found, m["scenario_name"]))
    console.print(
        summary_table(result, f"{m['scenario_name']}: {m['runs']:,} runs, seed {m['seed']}")
    )
    flag = store_flag(store)
    console.print(f"experiment [bold]{m['id']}[/bold] in {store}", highlight=False, soft_wrap=True)
    console.print(f"  escalade experiments show {m['id']}{flag}", highlight=False, soft_wrap=True)
    console.print(
        f'  escalade query "SELECT ended, count(*) AS runs FROM outcomes '
        f"WHERE experiment = '{m['id']}' GROUP BY ended\"{flag}",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


def _drivers(m: dict[str, Any], scenario: Scenario, runs: int | None) -> list[Driver]:
    """Each declared lever's paired effect, on the experiment's scenario and overrides."""
    if not scenario.levers:
        err.print(f"scenario '{scenario.name}' declares no levers: no drivers to measure")
        return []
    total = drivers_total(m, scenario, runs)
    n = total // (len(scenario.levers) + 1)
    return with_progress(
        total,
        f"drivers: {len(scenario.levers)} levers × {n:,} paired runs",
        lambda tick: experiment_drivers(m, scenario, runs, tick),
    )


def drivers_table(found: list[Driver], name: str) -> Table:
    """What moves it: each lever's paired effect, in percentage points with 95% intervals."""
    table = Table(title=f"What moves it ({name}): with the lever − without, paired runs")
    table.add_column("lever", no_wrap=True)
    cols = HEADLINE_COLUMNS[::-1]  # war first: the rows are sorted by it
    for col in cols:
        table.add_column(BY_NAME[col].short + ", 95%", justify="right", no_wrap=True)
    for d in found:
        table.add_row(d.lever, *(points(d.effects[c]) for c in cols))
    table.caption = "\n".join(f"{d.lever}: {d.description}" for d in found)
    table.caption_justify = "left"
    return table


def _stopped(store: Path, started: dict[str, Any], why: str) -> None:
    if "id" not in started:
        err.print(f"{why} before the experiment started")
        return
    exp_id = started["id"]
    done = Store(store).manifest(exp_id)["runs_done"]
    err.print(
        f"{why}: experiment {exp_id} keeps its {done:,} finished runs; resume with:\n"
        f"  escalade run --resume {exp_id}{store_flag(store)}",
        highlight=False,
        soft_wrap=True,
    )


def _write_json(st: Store, m: dict[str, Any], result: dict[str, Any]) -> None:
    """The summary and every outcome row, written chunk by chunk (memory stays bounded)."""
    out = sys.stdout
    head = {
        "experiment": m["id"],
        "store": str(st.path),
        "scenario": m["scenario_name"],
        "seed": m["seed"],
        "summary": result,
    }
    out.write(json.dumps(head, default=str)[:-1] + ', "outcomes": [')
    first = True
    for chunk in st.iter_chunks(m["id"]):
        for row in chunk.to_pylist():
            out.write(("" if first else ", ") + json.dumps(row, default=str))
            first = False
    out.write("]}\n")


def register(app: typer.Typer) -> None:
    """Add ``run`` (and the store's ``experiments`` and ``query`` commands) to the app."""
    from escalade.commands import experiments

    if not any(
        c.name == "run" or getattr(c.callback, "__name__", "") == "run"
        for c in app.registered_commands
    ):
        app.command("run")(run)
    experiments.register(app)


__all__ = ["register", "run"]
