"""``escalade run``: simulate an ensemble and print its summary."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from escalade.analysis.stats import summary
from escalade.api import simulate
from escalade.cli_common import (
    DaysOpt,
    JsonOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    console,
    load,
    summary_table,
    user_errors,
    with_progress,
)


def run(
    scenario: ScenarioArg,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Number of runs", min=1)] = 1000,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate an ensemble and print its summary (probabilities with 95% intervals)."""
    with user_errors():
        sc = load(scenario, sets)
        ens = with_progress(
            runs,
            f"simulating {sc.name}",
            lambda tick: simulate(sc, runs=runs, seed=seed, days=days, on_chunk=tick),
        )
    result = summary(ens.outcomes, top=len(sc.ladder) - 1)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "scenario": sc.name,
                    "seed": seed,
                    "summary": result,
                    "outcomes": ens.outcomes.to_pylist(),
                },
                default=str,
            )
            + "\n"
        )
        return
    console.print(summary_table(result, f"{sc.name}: {runs:,} runs, seed {seed}"))


def register(app: typer.Typer) -> None:
    app.command()(run)
