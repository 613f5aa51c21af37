"""``escalade discover``: where in parameter space an outcome is likely (PRIM).

Example::

    escalade discover august-2024 --param us_no_offensive=0:1 \\
        --param actors.IRN.resolve=0.5:0.95 --outcome war --samples 64
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from escalade.analysis.briefing import definitions
from escalade.analysis.discover import DISCOVER_COLUMNS, DISCOVER_OUTCOMES, discover
from escalade.cli_common import (
    DaysOpt,
    JsonOpt,
    LeverOpt,
    ScenarioArg,
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
    analysis,
    finish,
    saved_line,
)
from escalade.commands.sweep import _lever_param
from escalade.store import Store


def discover_cmd(
    scenario: ScenarioArg,
    params: Annotated[
        list[str],
        typer.Option(
            "--param", "-p", help="A field to explore: path=low:high or LEVER=low:high, repeatable"
        ),
    ],
    outcome: Annotated[
        str, typer.Option("--outcome", help=f"One of: {', '.join(DISCOVER_OUTCOMES)}")
    ] = "war",
    samples: Annotated[
        int, typer.Option("--samples", "-N", help="Design points (Latin hypercube)", min=8)
    ] = 64,
    runs_per_point: Annotated[
        int, typer.Option("--runs-per-point", "-r", help="Runs at each point", min=10)
    ] = 100,
    level: Annotated[
        float | None,
        typer.Option(
            "--level",
            help="A point counts as 'likely' when P(outcome) exceeds this (default: the upper "
            "quartile of the points)",
            min=0.0,
            max=1.0,
        ),
    ] = None,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    levers: LeverOpt = None,
    workers: WorkersOpt = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Find the region of parameter space where an outcome is likely (PRIM), in words.

    Reports the region's bounds, its density (share of its points where the outcome is
    likely) and coverage (share of all such points it holds). Needs the optional 'prim'
    package: pip install 'escalade[discover]'. Stored as an experiment (its points as
    Parquet); `escalade report ID` writes its page.
    """
    with user_errors():
        base = all_overrides(scenario, sets, None, None, levers)
        labels: dict[str, str] = {}
        plist = [_lever_param(scenario, p, base, labels) for p in params]
        st = Store(store)
        with analysis(
            st, "discover", scenario, base, seed, samples * runs_per_point, days
        ) as exp_id:
            result = with_progress(
                samples,
                f"discovery: {samples} points × {runs_per_point} runs",
                lambda tick: discover(
                    scenario,
                    plist,
                    outcome,
                    samples,
                    runs_per_point,
                    seed,
                    days,
                    base,
                    level,
                    labels,
                    tick,
                    workers,
                ),
            )
            st.write_table(exp_id, "points", result.points_table())
            data = result.as_dict()
            finish(st, exp_id, {k: v for k, v in data.items() if k != "design"})
    if as_json:
        sys.stdout.write(json.dumps({"experiment": exp_id, **data}) + "\n")
        return
    console.print(result.sentence(), highlight=False)
    console.print(f"  [dim]{definitions((DISCOVER_COLUMNS[outcome],))[0]}[/dim]", highlight=False)
    console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover_cmd)
