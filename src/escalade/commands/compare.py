"""``escalade compare``: a paired what-if comparison with common random numbers.

Examples::

    escalade compare april-2024 --lever no_us_restraint --runs 2000
    escalade compare april-2024 --set statements.us_no_offensive.strength=0 --runs 2000
    escalade compare april-2024 my-variant.yaml --runs 2000 --seed 3 --json

Both arms are simulated with the same seed and the same run ids, so run K draws the same
random numbers in both; every difference is B − A with a paired 95% interval (see
:mod:`escalade.analysis.compare`).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from escalade.analysis.briefing import definitions
from escalade.analysis.compare import Difference, compare
from escalade.api import simulate
from escalade.budget import MAX_RUNS_IN_MEMORY
from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    JsonOpt,
    LeverOpt,
    ScenarioArg,
    SeedOpt,
    console,
    load,
    user_errors,
    with_progress,
)
from escalade.outcomes import THRESHOLDS
from escalade.scenario.schema import Scenario

SetAOpt = Annotated[
    list[str] | None,
    typer.Option("--set-a", help="Override a field of arm A: path=value (repeatable)"),
]
SetBOpt = Annotated[
    list[str] | None,
    typer.Option("--set-b", help="Override a field of arm B: path=value (repeatable)"),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Same as --set-b: what changes in arm B (repeatable)"),
]


def _fmt(d: Difference, value: float, scale: float | None = None) -> str:
    """A number in a unit (bn, m) chosen by ``scale`` (default: the number itself)."""
    if d.kind == "proportion":
        return f"{value:.3f}"
    size = abs(value) if scale is None else scale
    if size >= 1e9:
        return f"{value / 1e9:.2f}bn"
    if size >= 1e6:
        return f"{value / 1e6:.1f}m"
    return f"{value:,.0f}" if size >= 1000 else f"{value:.2f}"


def render(rows: list[Difference], title: str) -> Table:
    table = Table(title=title)
    table.add_column("outcome", no_wrap=True)
    for name in ("A", "B", "B − A", "95% interval", "× narrower"):
        table.add_column(name, justify="right", no_wrap=True)
    for d in rows:
        scale = max(abs(d.diff), abs(d.low), abs(d.high))  # one unit for the difference
        table.add_row(
            d.label,
            _fmt(d, d.a),
            _fmt(d, d.b),
            ("+" if d.diff > 0 else "") + _fmt(d, d.diff, scale),
            f"{_fmt(d, d.low, scale)} – {_fmt(d, d.high, scale)}",
            "—" if d.half_width == 0 else f"{d.gain:.1f}",
        )
    return table


def compare_cmd(
    scenario_a: ScenarioArg,
    scenario_b: Annotated[
        str | None,
        typer.Argument(help="Arm B: a scenario file or built-in name (default: arm A again)"),
    ] = None,
    runs: Annotated[
        int,
        typer.Option("--runs", "-n", help="Runs per arm", min=2, max=MAX_RUNS_IN_MEMORY),
    ] = 1000,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    set_a: SetAOpt = None,
    set_b: SetBOpt = None,
    sets: SetOpt = None,
    adds: AddOpt = None,
    drops: DropOpt = None,
    levers: LeverOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare two scenarios, or one with and without overrides, run by run (B − A).

    Both arms use the same seed and run ids (common random numbers), so differences carry
    paired 95% intervals: Newcombe's paired interval for probabilities, a t interval on the
    per-run differences for means. "× narrower" is how much narrower that interval is than
    with independent seeds.
    """
    with user_errors():
        overrides_b = (set_b or []) + (sets or [])
        if scenario_b is None and not (overrides_b or set_a or adds or drops or levers):
            raise ValueError(
                "nothing to compare: give a second scenario, or overrides with --set path=value"
            )
        arm_a: Scenario = load(scenario_a, set_a)
        arm_b: Scenario = load(scenario_b or scenario_a, overrides_b, adds, drops, levers)

        ens = with_progress(
            2 * runs,
            f"simulating {arm_a.name} and {arm_b.name}",
            lambda tick: (
                simulate(arm_a, runs=runs, seed=seed, days=days, on_chunk=tick),
                simulate(arm_b, runs=runs, seed=seed, days=days, on_chunk=tick),
            ),
        )
        watch = arm_a.model.combat_watch or arm_b.model.combat_watch
        rows = compare(ens[0].outcomes, ens[1].outcomes, paired=True, watch=watch)
    desc_a = scenario_a + "".join(f" {s}" for s in set_a or [])
    changes_b = (
        [f"--lever {x}" for x in levers or []]
        + [f"--drop {x}" for x in drops or []]
        + [f"--add {x}" for x in adds or []]
        + overrides_b
    )
    desc_b = (scenario_b or scenario_a) + "".join(f" {s}" for s in changes_b)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "a": {"scenario": arm_a.name, "spec": scenario_a, "overrides": set_a or []},
                    "b": {
                        "scenario": arm_b.name,
                        "spec": scenario_b or scenario_a,
                        "overrides": overrides_b,
                        "levers": levers or [],
                        "add": adds or [],
                        "drop": drops or [],
                    },
                    "runs": runs,
                    "seed": seed,
                    "days": days,
                    "paired": True,
                    "differences": [d.as_dict() for d in rows],
                }
            )
            + "\n"
        )
        return
    console.print(f"[bold]A:[/bold] {desc_a}", highlight=False)
    console.print(f"[bold]B:[/bold] {desc_b}", highlight=False)
    console.print(render(rows, f"B − A, {runs:,} paired runs, seed {seed}"))
    for line in definitions(tuple(c for c in THRESHOLDS.values() if c != "first_combat_day")):
        console.print(f"  [dim]{line}[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
