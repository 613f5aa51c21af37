"""``escalade threshold``: the break-even value of one lever or field for a target.

Example::

    escalade threshold august-2024 --param us_no_offensive=0:1 --target "P(war)<0.03"
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from escalade.analysis.briefing import definitions
from escalade.analysis.threshold import parse_target, search
from escalade.cli_common import (
    DaysOpt,
    JsonOpt,
    LeverOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
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
from escalade.scenario.schema import Scenario
from escalade.simulation import load_scenario
from escalade.store import Store


def threshold_cmd(
    scenario: ScenarioArg,
    param: Annotated[
        str,
        typer.Option(
            "--param",
            "-p",
            help="What to vary: LEVER=low:high (a lever that takes a value) or path=low:high",
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            "-t",
            help='The target, e.g. "P(war)<0.01" or "P(direct) < 50%" (war, direct, '
            "strategic, combat)",
        ),
    ],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs at each value", min=10)] = 1000,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    levers: LeverOpt = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Find the value of one lever or field at which a target probability is first met.

    Bisects the range with the same seed and run ids at every value (common random numbers),
    assuming the probability moves one way over the range; says so when the target holds at
    both ends or at neither. Stored as an experiment; `escalade report ID` writes its page.
    """
    with user_errors():
        goal = parse_target(target)
        base = all_overrides(scenario, sets, None, None, levers)
        labels: dict[str, str] = {}
        p = _lever_param(scenario, param, base, labels)
        load_scenario(scenario, {**base, p.path: p.value(p.low)})  # located errors first

        def at(value: float) -> Scenario:
            return load_scenario(scenario, {**base, p.path: p.value(value)})

        steps = 2 + 6  # both ends, then bisection to 1/64 of the range
        st = Store(store)
        ctx = analysis(st, "threshold", scenario, base, seed, runs, days)
        with ctx as exp_id:
            result = with_progress(
                steps,
                f"break-even of {labels.get(p.path, p.path)}: {runs:,} runs a value",
                lambda tick: search(
                    at,
                    p.path,
                    p.low,
                    p.high,
                    goal,
                    runs,
                    seed,
                    days,
                    label=labels.get(p.path, p.path),
                    integer=p.integer,
                    on_step=tick,
                ),
            )
            finish(st, exp_id, result.as_dict(), runs=len(result.steps) * runs)
    if as_json:
        data: dict[str, Any] = {"experiment": exp_id, **result.as_dict()}
        sys.stdout.write(json.dumps(data) + "\n")
        return
    for s in sorted(result.steps, key=lambda s: s.value):
        mark = "[green]meets[/green]" if s.met else "[red]misses[/red]"
        console.print(
            f"  {result.label} = {s.value:.4g}: P = {s.p:.3f} ({s.low:.3f}–{s.high:.3f}) {mark}",
            highlight=False,
        )
    console.print(f"[bold]{result.verdict}[/bold]", highlight=False)
    console.print(f"  [dim]{definitions((goal.column,))[0]}[/dim]", highlight=False)
    console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("threshold")(threshold_cmd)
