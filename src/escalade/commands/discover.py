"""``escalade discover``: where in parameter space an outcome is likely (PRIM and CART).

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
from escalade.analysis.discover import (
    DEFAULT_MIN_LEAF,
    DEFAULT_TREE_DEPTH,
    DISCOVER_COLUMNS,
    DISCOVER_OUTCOMES,
    discover,
)
from escalade.analysis.sensitivity import Param
from escalade.cli_common import (
    DaysOpt,
    JsonOpt,
    LeverOpt,
    ResumableScenarioArg,
    ResumeOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
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
from escalade.store import Store


def discover_cmd(
    scenario: ResumableScenarioArg = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="A field to explore: path=low:high or LEVER=low:high, repeatable"
        ),
    ] = None,
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
    tree_depth: Annotated[
        int,
        typer.Option("--tree-depth", help="Levels of the CART tree (cuts per leaf)", min=1),
    ] = DEFAULT_TREE_DEPTH,
    min_leaf: Annotated[
        int,
        typer.Option("--min-leaf", help="Fewest design points in a leaf of the CART tree", min=1),
    ] = DEFAULT_MIN_LEAF,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    levers: LeverOpt = None,
    workers: WorkersOpt = None,
    resume: ResumeOpt = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Find the regions of parameter space where an outcome is likely (PRIM and CART), in words.

    Reports PRIM's box: its bounds, its density (share of its points where the outcome is
    likely) and coverage (share of all such points it holds); and the leaves of a shallow
    CART tree where the outcome is likely, with the same measures. Needs the optional 'prim'
    and 'scikit-learn' packages: pip install 'escalade\\[discover]'. Stored as an experiment
    (its points as Parquet); `escalade report ID` writes its page; an interrupted one resumes
    with --resume ID, simulating only the points it lacks.
    """
    with user_errors():
        request = None
        if resume is None:
            scenario, plist, base, labels = swept(scenario, params, sets, None, None, levers)
            request = {
                "scenario": scenario, "overrides": normalise_overrides(base),
                "params": [p.as_dict() for p in plist], "labels": labels,
                "outcome": outcome, "samples": samples, "runs_per_point": runs_per_point,
                "level": level, "tree_depth": tree_depth, "min_leaf": min_leaf,
                "seed": seed, "days": days, "runs": samples * runs_per_point,
            }  # fmt: skip
        st = Store(store)
        with resumable(st, "discover", request, resume) as done:
            req = done.request
            result = with_progress(
                req["samples"],
                f"discovery: {req['samples']} points × {req['runs_per_point']} runs",
                lambda tick: discover(
                    req["scenario"],
                    [Param(**p) for p in req["params"]],
                    req["outcome"],
                    req["samples"],
                    req["runs_per_point"],
                    req["seed"],
                    req["days"],
                    req["overrides"],
                    req["level"],
                    req["labels"],
                    tick,
                    workers,
                    req["tree_depth"],
                    req["min_leaf"],
                    cache=done,
                ),
            )
            exp_id = done.exp_id
            st.write_table(exp_id, "points", result.points_table())
            data = result.as_dict()
            finish(st, exp_id, {k: v for k, v in data.items() if k != "design"})
    if as_json:
        sys.stdout.write(json.dumps({"experiment": exp_id, **data}) + "\n")
        return
    console.print(result.sentence(), highlight=False)
    if result.leaves:
        console.print(
            f"CART (depth {result.tree_depth}, leaves of {result.min_leaf}+ points) finds it "
            "likely where:",
            highlight=False,
        )
        for leaf in result.leaves:
            console.print(f"  {leaf.words()}", highlight=False)
    column = DISCOVER_COLUMNS[result.outcome]
    console.print(f"  [dim]{definitions((column,))[0]}[/dim]", highlight=False)
    console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover_cmd)
