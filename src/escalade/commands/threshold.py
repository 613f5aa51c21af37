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
from escalade.analysis.sensitivity import Param
from escalade.analysis.threshold import parse_target, search
from escalade.cli_common import (
    DaysOpt,
    JsonOpt,
    LeverOpt,
    ResumableScenarioArg,
    ResumeOpt,
    SeedOpt,
    SetOpt,
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
from escalade.commands.sweep import swept
from escalade.ensemble import normalise_overrides
from escalade.scenario.schema import Scenario
from escalade.simulation import load_scenario
from escalade.store import Store


def threshold_cmd(
    scenario: ResumableScenarioArg = None,
    param: Annotated[
        str | None,
        typer.Option(
            "--param",
            "-p",
            help="What to vary: LEVER=low:high (a lever that takes a value) or path=low:high",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help='The target, e.g. "P(war)<0.01" or "P(direct) < 50%" (war, direct, '
            "strategic, combat)",
        ),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs at each value", min=10)] = 1000,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    levers: LeverOpt = None,
    resume: ResumeOpt = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Find the value of one lever or field at which a target probability is first met.

    Bisects the range with the same seed and run ids at every value (common random numbers),
    assuming the probability moves one way over the range; says so when the target holds at
    both ends or at neither. Stored as an experiment; `escalade report ID` writes its page;
    an interrupted one resumes with --resume ID, simulating only the values it lacks.
    """
    with user_errors():
        request = None
        if resume is None:
            if target is None:
                raise ValueError('give --target, e.g. --target "P(war)<0.01", or --resume ID')
            parse_target(target)
            scenario, plist, base, labels = swept(
                scenario, [param] if param else None, sets, None, None, levers
            )
            p = plist[0]
            request = {
                "scenario": scenario, "overrides": normalise_overrides(base),
                "param": p.as_dict(), "label": labels.get(p.path, p.path), "target": target,
                "runs": runs, "seed": seed, "days": days,
            }  # fmt: skip
        st = Store(store)
        with resumable(st, "threshold", request, resume) as done:
            req = done.request
            goal, p = parse_target(req["target"]), Param(**req["param"])
            base = req["overrides"]
            load_scenario(req["scenario"], {**base, p.path: p.value(p.low)})  # located errors

            def at(value: float) -> Scenario:
                return load_scenario(req["scenario"], {**base, p.path: p.value(value)})

            steps = 2 + 6  # both ends, then bisection to 1/64 of the range
            result = with_progress(
                steps,
                f"break-even of {req['label']}: {req['runs']:,} runs a value",
                lambda tick: search(
                    at,
                    p.path,
                    p.low,
                    p.high,
                    goal,
                    req["runs"],
                    req["seed"],
                    req["days"],
                    label=req["label"],
                    integer=p.integer,
                    on_step=tick,
                    cache=done,
                ),
            )
            exp_id = done.exp_id
            finish(st, exp_id, result.as_dict(), runs=len(result.steps) * req["runs"])
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
