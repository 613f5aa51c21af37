"""The ``escalade`` command line: thin, it calls the library and renders what comes back."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from escalade import __version__
from escalade.analysis.stats import summary
from escalade.api import replay, simulate
from escalade.narrative import narrative
from escalade.scenario.load import ScenarioError, builtin_names, load_scenario, scenario_text
from escalade.scenario.schema import Scenario

app = typer.Typer(
    name="escalade",
    help="Simulate crisis escalation between states, their proxies and their partners.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
scenarios_app = typer.Typer(help="List and show the built-in scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")
console = Console()
err = Console(stderr=True)
T = TypeVar("T")

ScenarioArg = Annotated[str, typer.Argument(help="A scenario file (.yaml) or a built-in name")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", help="Random seed", min=0)]
DaysOpt = Annotated[int | None, typer.Option(
    "--days", "-d", help="Days to simulate (default: the scenario's horizon)", min=1, max=3650)]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a scenario field: path=value (YAML value), repeatable")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]


def fail(problems: list[str], code: int = 2) -> None:
    for line in problems:
        err.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into located messages and exit code 2, never a traceback."""
    try:
        yield
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    except (ValueError, KeyError) as exc:
        fail([str(exc).strip("'\"")])


def parse_sets(values: list[str] | None) -> dict[str, Any]:
    """``path=value`` pairs, the value read as YAML (numbers, lists, mappings)."""
    from escalade.scenario.load import parse_yaml

    out: dict[str, Any] = {}
    for item in values or []:
        path, sep, raw = item.partition("=")
        if not sep or not path:
            raise ValueError(f"--set expects path=value, got '{item}'")
        try:
            out[path] = parse_yaml(f"v: {raw}", "--set")["v"]
        except ScenarioError:
            out[path] = raw
    return out


def load(spec: str, sets: list[str] | None = None) -> Scenario:
    return load_scenario(spec, parse_sets(sets))


def progress_bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), "eta", TimeRemainingColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    )


def with_progress(total: int, label: str, work: Callable[[Callable[[int], None]], T]) -> T:
    with progress_bar() as bar:
        task = bar.add_task(label, total=total)
        return work(lambda n: bar.advance(task, n))


@app.callback(invoke_without_command=True)
def main(version: Annotated[bool, typer.Option("--version", help="Show the version")] = False
         ) -> None:
    if version:
        console.print(f"escalade {__version__}")
        raise typer.Exit()


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario YAML file to check")]) -> None:
    """Check a scenario file; print every problem with file:line:column (exit code 2)."""
    with user_errors():
        sc = load_scenario(file)
    console.print(f"[green]ok[/green] {file}: scenario '{sc.name}' with {len(sc.actors)} actors, "
                  f"{sc.horizon_days} days")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    console.print_json(json.dumps(Scenario.model_json_schema(by_alias=True)))


@scenarios_app.command("list")
def scenarios_list() -> None:
    """The built-in scenarios."""
    table = Table("name", "title", "start", "days", "actors")
    for name in builtin_names():
        sc = load_scenario(name)
        table.add_row(name, sc.title, str(sc.start), str(sc.horizon_days), str(len(sc.actors)))
    console.print(table)


@scenarios_app.command("show")
def scenarios_show(name: Annotated[str, typer.Argument(help="Built-in scenario name")]) -> None:
    """Print a built-in scenario's YAML (with its sources)."""
    with user_errors():
        text = scenario_text(name)
    sys.stdout.write(text)


def summary_table(result: dict[str, Any], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("outcome")
    table.add_column("probability", justify="right")
    table.add_column("95% interval", justify="right")
    for row in result["thresholds"] + result["endings"]:
        table.add_row(row["label"], f"{row['p']:.3f}", f"{row['low']:.3f} – {row['high']:.3f}")
    for row in result["max_rung"]:
        if row["p"] > 0:
            table.add_row(row["label"], f"{row['p']:.3f}",
                          f"{row['low']:.3f} – {row['high']:.3f}")
    q = result["deaths_q05_q50_q95"]
    table.add_row("deaths (median, 5–95%)", f"{q[1]:.0f}", f"{q[0]:.0f} – {q[2]:.0f}")
    return table


@app.command()
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
        ens = with_progress(runs, f"simulating {sc.name}",
                            lambda tick: simulate(sc, runs=runs, seed=seed, days=days,
                                                  on_chunk=tick))
    result = summary(ens.outcomes, top=len(sc.ladder) - 1)
    if as_json:
        sys.stdout.write(json.dumps({"scenario": sc.name, "seed": seed, "summary": result,
                                     "outcomes": ens.outcomes.to_pylist()}, default=str) + "\n")
        return
    console.print(summary_table(result, f"{sc.name}: {runs:,} runs, seed {seed}"))


@app.command("replay")
def replay_cmd(
    scenario: ScenarioArg,
    run_id: Annotated[int, typer.Option("--run", "-k", help="Run number to replay", min=0)] = 0,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replay one run of an ensemble as a dated narrative (the same run as in the ensemble)."""
    with user_errors():
        sc = load(scenario, sets)
        ens = replay(sc, seed=seed, run=run_id, days=days)
    assert ens.events is not None
    if as_json:
        sys.stdout.write(json.dumps({"outcome": ens.outcomes.to_pylist()[0],
                                     "events": ens.events.to_pylist()}, default=str) + "\n")
        return
    console.print(f"[bold]{sc.title or sc.name}[/bold] — run {run_id}, seed {seed}")
    for line in narrative(ens.events, sc):
        console.print(line, highlight=False)
    out = ens.outcomes.to_pylist()[0]
    console.print(f"[bold]Highest rung:[/bold] {out['max_rung']}  [bold]ended:[/bold] "
                  f"{out['ended']} (day {out['end_day']})  [bold]deaths:[/bold] {out['deaths']}")


@app.command()
def policies() -> None:
    """The registered policies (built-in and from installed plug-ins)."""
    from escalade.policies import make_policy, policy_names

    table = Table("name", "description", "classifier")
    for name in policy_names():
        pol = make_policy(name)
        doc = (type(pol).__doc__ or "").strip().splitlines()[0]
        table.add_row(name, doc, json.dumps(pol.classifier))
    console.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
