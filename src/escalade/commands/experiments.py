"""``escalade experiments list|show`` and ``escalade query``: what the store holds."""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich import box
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from escalade.cli_common import JsonOpt, console, summary_table, user_errors
from escalade.store import DEFAULT_STORE, STORE_ENV, Store

StoreOpt = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        help="Experiment store directory",
        file_okay=False,
    ),
]
DEFAULT_STORE_PATH = Path(DEFAULT_STORE)
SUMMARY_COLUMNS = [
    "max_rung",
    "first_direct_day",
    "first_strategic_day",
    "first_war_day",
    "first_combat_day",
    "deaths",
    "defence_cost_usd",
    "ended",
]
"""Outcome columns :func:`escalade.analysis.stats.summary` reads."""
MAX_CELL = 40
"""Characters of a text cell ``escalade query`` prints (``--json`` prints it whole)."""
MAX_ROWS = 100
"""Rows ``escalade query`` prints as a table (``--json`` prints every row)."""

experiments_app = typer.Typer(
    help="The experiments in a store: list them, show one.", no_args_is_help=True
)


def store_flag(store: Path) -> str:
    """`` --store DIR`` when the store is not the default, for commands we suggest."""
    return "" if store == DEFAULT_STORE_PATH else f" --store {store}"


def when(iso: str | None) -> str:
    return "" if not iso else iso[:19].replace("T", " ")


def took(started: str | None, finished: str | None) -> str:
    """``1 h 02 min``, ``3 min 05 s``, ``12 s`` from two ISO times ("" if unfinished)."""
    if not started or not finished:
        return ""
    seconds = int(
        (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    )
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def experiment_summary(st: Store, exp_id: str, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The summary statistics of an experiment's runs so far (None if it has none)."""
    from escalade.analysis.stats import summary

    outcomes = st.outcomes(exp_id, columns=SUMMARY_COLUMNS)
    if outcomes.num_rows == 0:
        return None
    top = _ladder_top(manifest, outcomes)
    return summary(outcomes, top=top)


def _ladder_top(manifest: dict[str, Any], outcomes: pa.Table) -> int:
    from escalade.scenario.load import ScenarioError, load_scenario_text

    try:
        sc = load_scenario_text(
            manifest["scenario_yaml"], manifest["scenario_name"], manifest["overrides"] or None
        )
        return len(sc.ladder) - 1
    except (ScenarioError, ValueError):  # written by another version: use what was reached
        return max(1, int(pa.compute.max(outcomes["max_rung"]).as_py() or 1))


def _scenario_label(m: dict[str, Any]) -> str:
    source = m.get("scenario_source")
    return (
        m["scenario_name"]
        if source in (None, m["scenario_name"])
        else f"{m['scenario_name']} ({source})"
    )


def _public(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in manifest.items() if k != "scenario_yaml"}


@experiments_app.command("list")
def list_cmd(
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """The experiments in the store, oldest first."""
    with user_errors():
        rows = Store(store).list()
    if as_json:
        sys.stdout.write(json.dumps([_public(m) for m in rows], default=str) + "\n")
        return
    if not rows:
        console.print(f"no experiments in {store} yet; `escalade run SCENARIO` makes one")
        return
    table = Table(
        Column("id", no_wrap=True),
        Column("scenario", overflow="fold", min_width=8),
        Column("runs", justify="right", no_wrap=True),
        Column("seed", justify="right"),
        Column("status", no_wrap=True),
        Column("took", no_wrap=True),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for m in rows:
        done = m["runs_done"]
        runs = f"{m['runs']:,}" if done == m["runs"] else f"{done:,}/{m['runs']:,}"
        colour = {"complete": "green", "running": "yellow", "interrupted": "red"}.get(m["status"])
        status = f"[{colour}]{m['status']}[/]" if colour else m["status"]
        table.add_row(
            m["id"],
            m["scenario_name"],
            runs,
            str(m["seed"]),
            status,
            took(m["started"], m["finished"]),
        )
    console.print(table)


@experiments_app.command("show")
def show(
    experiment: Annotated[str, typer.Argument(help="Experiment id, or a unique prefix of it")],
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
    yaml: Annotated[bool, typer.Option("--yaml", help="Print the scenario YAML it ran")] = False,
) -> None:
    """An experiment's manifest and the summary of its outcomes."""
    with user_errors():
        st = Store(store)
        exp_id = st.resolve(experiment)
        m = st.manifest(exp_id)
        if yaml:
            sys.stdout.write(m["scenario_yaml"])
            return
        result = experiment_summary(st, exp_id, m)
    if as_json:
        sys.stdout.write(
            json.dumps({"manifest": _public(m), "summary": result}, default=str) + "\n"
        )
        return
    info = Table(show_header=False, box=None, pad_edge=False)
    info.add_column(style="bold")
    info.add_column()
    lines = len(m["scenario_yaml"].splitlines())
    for key, value in (
        ("id", m["id"]),
        ("status", m["status"]),
        ("scenario", _scenario_label(m)),
        ("scenario sha256", f"{m['scenario_sha256'][:16]}…  ({lines} lines; --yaml prints it)"),
        ("overrides", json.dumps(m["overrides"]) if m["overrides"] else "none"),
        ("seed", str(m["seed"])),
        ("runs", f"{m['runs_done']:,} of {m['runs']:,} done"),
        ("days", str(m["days"])),
        ("chunk size", f"{m['chunk_size']:,}"),
        ("escalade", m["version"]),
        ("started (UTC)", when(m["started"])),
        ("finished (UTC)", when(m["finished"]) or "–"),
    ):
        info.add_row(key, value)
    console.print(info)
    if result is None:
        console.print("no runs written yet")
    else:
        partial = "" if m["runs_done"] == m["runs"] else " (partial)"
        title = f"{m['scenario_name']}: {result['runs']:,} runs, seed {m['seed']}{partial}"
        console.print(summary_table(result, title))
    if m["status"] != "complete":
        console.print(f"resume it with:  escalade run --resume {exp_id}{store_flag(store)}")


def _cell(value: Any) -> Text:
    if value is None:
        return Text("null", style="dim")
    if isinstance(value, float):
        if math.isnan(value):
            return Text("nan")
        return Text(f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.6g}")
    text = " ".join(str(value).split())
    return Text(text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…")


def query(
    sql: Annotated[str, typer.Argument(help="SQL over the views `outcomes` and `experiments`")],
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Rows printed in the table (not with --json)", min=1)
    ] = MAX_ROWS,
) -> None:
    """Query the outcomes of every experiment with SQL (DuckDB).

    `outcomes` has one row per run and an `experiment` column; `experiments` has the manifests.
    """
    with user_errors():
        result = Store(store).query(sql)
    if as_json:
        sys.stdout.write(json.dumps(result.to_pylist(), default=str) + "\n")
        return
    shown = result.slice(0, max_rows)
    rows = [
        [_cell(v) for v in r] for r in zip(*(c.to_pylist() for c in shown.columns), strict=True)
    ]
    names = result.column_names
    widths = [
        max([len(n)] + [c.cell_len for c in col])
        for n, col in zip(names, zip(*rows, strict=True), strict=False)
    ]
    if sum(w + 3 for w in widths) + 1 <= console.width or not rows:
        numeric = [
            pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
            for t in result.schema.types
        ]
        table = Table(
            *(
                Column(escape(n), no_wrap=True, justify="right" if num else "left")
                for n, num in zip(names, numeric, strict=True)
            )
        )
        for cells in rows:
            table.add_row(*cells)
        console.print(table)
    else:  # too wide for the terminal: one block per row, as `column  value` lines
        for i, cells in enumerate(rows, 1):
            block = Table(show_header=False, box=None, pad_edge=False)
            block.add_column(style="bold", no_wrap=True)
            block.add_column(overflow="fold")
            for name, cell in zip(names, cells, strict=True):
                block.add_row(escape(name), cell)
            console.rule(f"row {i}", align="left", style="dim")
            console.print(block)
    if result.num_rows == 0:
        console.print("(no rows)")
    if result.num_rows > max_rows:
        console.print(f"showing {max_rows:,} of {result.num_rows:,} rows (--max-rows, --json)")


def register(app: typer.Typer) -> None:
    """Add ``experiments`` and ``query`` to the app (once, however often it is called)."""
    if not any(g.name == "experiments" for g in app.registered_groups):
        app.add_typer(experiments_app, name="experiments")
    if not any(c.name == "query" for c in app.registered_commands):
        app.command("query")(query)


__all__ = ["StoreOpt", "experiment_summary", "experiments_app", "query", "register"]
