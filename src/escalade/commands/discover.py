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

from escalade.analysis.discover import DISCOVER_OUTCOMES, discover
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
from escalade.commands.sweep import _lever_param


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
    as_json: JsonOpt = False,
) -> None:
    """Find the region of parameter space where an outcome is likely (PRIM), in words.

    Reports the region's bounds, its density (share of its points where the outcome is
    likely) and coverage (share of all such points it holds). Needs the optional 'prim'
    package: pip install 'escalade[discover]'.
    """
    with user_errors():
        base = all_overrides(scenario, sets, None, None, levers)
        labels: dict[str, str] = {}
        plist = [_lever_param(scenario, p, base, labels) for p in params]
        total = samples
        result = with_progress(
            total,
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
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
        return
    console.print(result.sentence(), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover_cmd)
