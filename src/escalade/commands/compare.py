"""``escalade compare``: a paired what-if comparison with common random numbers.

Examples::

    escalade compare april-2024 --lever no_us_restraint --runs 2000
    escalade compare --resume 20261201-1200
    escalade compare april-2024 --set statements.us_no_offensive.strength=0 --runs 2000
    escalade compare april-2024 my-variant.yaml --runs 2000 --seed 3 --json

Both arms are simulated with the same seed and the same run ids, so run K draws the same
random numbers in both; every difference is B − A with a paired 95% interval (see
:mod:`escalade.analysis.compare`). The compare is stored as an experiment of kind ``compare``
whose two arms are experiments of kind ``arm`` (chunked, resumable, verifiable like a run);
its results (the differences) are in its manifest.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from escalade.analysis.briefing import HEADLINE_COLUMNS, definitions, points
from escalade.analysis.compare import Difference, compare
from escalade.budget import MAX_RUNS_IN_MEMORY
from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    JsonOpt,
    LeverOpt,
    ResumeOpt,
    SeedOpt,
    WorkersOpt,
    all_overrides,
    console,
    progress_bar,
    user_errors,
)
from escalade.commands.experiments import (
    DEFAULT_STORE_PATH,
    StoreOpt,
    analysis,
    finish,
    held,
    reopen,
    saved_line,
)
from escalade.ensemble import normalise_overrides, run_experiment
from escalade.outcomes import BY_NAME, THRESHOLDS
from escalade.simulation import load_scenario
from escalade.store import Store

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
    scenario_a: Annotated[
        str | None,
        typer.Argument(help="Arm A: a scenario file or a built-in name (optional with --resume)"),
    ] = None,
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
    workers: WorkersOpt = None,
    resume: ResumeOpt = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
) -> None:
    """Compare two scenarios, or one with and without overrides, run by run (B − A).

    Both arms use the same seed and run ids (common random numbers), so differences carry
    paired 95% intervals: Newcombe's paired interval for probabilities, a t interval on the
    per-run differences for means. "× narrower" is how much narrower that interval is than
    with independent seeds. The compare is an experiment in the store (its two arms are runs
    of their own, resumable like any run): `escalade report ID` writes its page.
    """
    with user_errors():
        st = Store(store)
        if resume is not None:
            exp_id, arms = _arms_of(st, resume)
            ctx: Any = held(st, exp_id)
        else:
            if scenario_a is None:
                raise ValueError("give a scenario (a file or a built-in name), or --resume ID")
            overrides_b = (set_b or []) + (sets or [])
            if scenario_b is None and not (overrides_b or set_a or adds or drops or levers):
                raise ValueError(
                    "nothing to compare: give a second scenario, or overrides with --set path=value"
                )
            spec_b = scenario_b or scenario_a
            changes_b = (
                [f"--lever {x}" for x in levers or []]
                + [f"--drop {x}" for x in drops or []]
                + [f"--add {x}" for x in adds or []]
                + overrides_b
            )
            arms = {
                "a": _arm(scenario_a, all_overrides(scenario_a, set_a), set_a or []),
                "b": _arm(spec_b, all_overrides(spec_b, overrides_b, adds, drops, levers),
                          changes_b),
            }  # fmt: skip
            arms["b"].update(levers=levers or [], add=adds or [], drop=drops or [])
            for arm in arms.values():  # located errors before anything is stored
                load_scenario(arm["spec"], arm["overrides"] or None)
            ctx = analysis(st, "compare", scenario_a, arms["a"]["overrides"], seed, runs, days)
        with ctx as exp_id:
            if resume is not None:
                before = st.manifest(exp_id)["results"]
                runs, seed, days = int(before["runs"]), int(before["seed"]), before["days"]
            results = _simulate_arms(st, exp_id, arms, runs, seed, days, workers)
            finish(st, exp_id, results, runs=2 * runs)
    rows = [difference(d) for d in results["differences"]]
    if as_json:
        sys.stdout.write(json.dumps({"experiment": exp_id, "store": str(store), **results}) + "\n")
        return
    console.print(f"[bold]A:[/bold] {results['a']['description']}", highlight=False)
    console.print(f"[bold]B:[/bold] {results['b']['description']}", highlight=False)
    console.print(render(rows, f"B − A, {runs:,} paired runs, seed {seed}"))
    for line in definitions(tuple(c for c in THRESHOLDS.values() if c != "first_combat_day")):
        console.print(f"  [dim]{line}[/dim]", highlight=False)
    console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)


def _arm(spec: str, overrides: dict[str, Any], changes: list[str]) -> dict[str, Any]:
    return {
        "spec": spec,
        "overrides": normalise_overrides(overrides),
        "changes": changes,
        "description": spec + "".join(f" {c}" for c in changes),
    }


def _arms_of(st: Store, resume: str) -> tuple[str, dict[str, Any]]:
    exp_id, results = reopen(st, resume, "compare")
    arms = results.get("arms")
    if not arms:
        raise ValueError(f"experiment {exp_id} has no record of its arms; start a new compare")
    return exp_id, dict(arms)


def _simulate_arms(
    st: Store,
    exp_id: str,
    arms: dict[str, Any],
    runs: int,
    seed: int,
    days: int | None,
    workers: int | None,
) -> dict[str, Any]:
    """Run (or resume) both arms as experiments of their own, then pair their runs."""
    results: dict[str, Any] = {
        "arms": arms,
        "runs": runs,
        "seed": seed,
        "days": days,
        "paired": True,
    }
    st.update(exp_id, results=results)  # what --resume needs, before any arm runs
    bar = progress_bar()
    tables = []
    with bar:
        task = bar.add_task(f"compare {exp_id}: two arms", total=2 * runs)
        for arm in arms.values():
            exp = run_experiment(
                None if arm.get("id") else arm["spec"],
                runs=None if arm.get("id") else runs,
                seed=None if arm.get("id") else seed,
                days=None if arm.get("id") else days,
                overrides=None if arm.get("id") else arm["overrides"] or None,
                store=st,
                workers=workers,
                resume=arm.get("id"),
                on_start=lambda _m, done: bar.advance(task, done),
                on_chunk=lambda n: bar.advance(task, n),
                tags={"kind": "arm", "parent": exp_id},
            )
            arm["id"] = exp.id
            arm["scenario"] = exp.manifest["scenario_name"]
            st.update(exp_id, results=results)  # the arms so far: --resume finds them
            tables.append((exp.outcomes(), exp.scenario))
    (a, sc_a), (b, sc_b) = tables
    watch = sc_a.model.combat_watch or sc_b.model.combat_watch
    results["differences"] = [d.as_dict() for d in compare(a, b, paired=True, watch=watch)]
    results["a"] = arms["a"]
    results["b"] = arms["b"]
    results["sentence"] = sentence(results)
    return results


def difference(d: dict[str, Any]) -> Difference:
    """A stored difference (:meth:`Difference.as_dict`) back as a :class:`Difference`."""
    return Difference(**{k: d[k] for k in Difference.__dataclass_fields__})


def sentence(results: dict[str, Any]) -> str:
    """The compare's answer in one sentence: B − A in P(sustained war) and P(direct
    exchange), in percentage points with their paired 95% intervals."""
    rows = {d["label"]: difference(d) for d in results["differences"]}
    parts = [
        f"{BY_NAME[col].short} {points(rows[BY_NAME[col].short])}" for col in HEADLINE_COLUMNS[::-1]
    ]
    return (
        f"B ({results['b']['description']}) − A ({results['a']['description']}), "
        f"{results['runs']:,} paired runs: " + "; ".join(parts) + "."
    )


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
