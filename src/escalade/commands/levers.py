"""``escalade levers``: the named interventions a scenario declares."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from escalade.cli_common import JsonOpt, ScenarioArg, console, fail, user_errors
from escalade.scenario.levers import lever_problems
from escalade.simulation import load_scenario


def levers_cmd(scenario: ScenarioArg, as_json: JsonOpt = False) -> None:
    """List the levers a scenario declares: each one's name, what it means and what it changes.

    Apply one with `escalade run SCENARIO --lever NAME` (or `compare`, `sweep`);
    `--lever NAME=VALUE` puts VALUE at the lever's value path instead of its own value.
    """
    with user_errors():
        sc = load_scenario(scenario)
        problems = lever_problems(scenario, sc)
    if problems:
        fail([str(p) for p in problems])
    if as_json:
        out = {
            name: {**lever.model_dump(), "overrides": lever.overrides()}
            for name, lever in sc.levers.items()
        }
        sys.stdout.write(json.dumps({"scenario": sc.name, "levers": out}, default=str) + "\n")
        return
    if not sc.levers:
        console.print(f"scenario '{sc.name}' declares no levers (see docs/levers.md)")
        return
    table = Table(title=f"{sc.name}: levers", show_lines=True)
    table.add_column("lever", no_wrap=True)
    table.add_column("what it means")
    table.add_column("what it changes", overflow="fold")
    for name, lever in sc.levers.items():
        changes = [f"--drop {p}" for p in lever.drop]
        changes += [f"--add {p} ({len(items)} item(s))" for p, items in lever.add.items()]
        changes += [f"{p} = {v}" for p, v in lever.changes.items()]
        target = lever.value or next(iter(lever.changes), None)
        if target is not None:
            changes.append(f"[dim]{name}=VALUE: {target}[/dim]")
        table.add_row(name, lever.description, "\n".join(changes))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("levers")(levers_cmd)
