"""What every ``escalade`` command shares: consoles, options, errors, progress, loading."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from escalade.scenario.load import ScenarioError, load_scenario
from escalade.scenario.schema import Scenario
from escalade.store import StoreFault

console = Console()
err = Console(stderr=True)
T = TypeVar("T")

ScenarioArg = Annotated[str, typer.Argument(help="A scenario file (.yaml) or a built-in name")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", help="Random seed", min=0)]
DaysOpt = Annotated[
    int | None,
    typer.Option(
        "--days", "-d", help="Days to simulate (default: the scenario's horizon)", min=1, max=3650
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a scenario field: path=value (YAML value), repeatable"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]


def fail(problems: list[str], code: int = 2) -> None:
    for line in problems:
        err.print(f"[red]error:[/red] {escape(line)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into located messages and exit code 2, never a traceback."""
    try:
        yield
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    except StoreFault as exc:  # damaged or unreachable store files: the environment's fault
        fail([str(exc)], code=1)
    except KeyError as exc:  # str(KeyError) wraps its message in quotes
        fail([str(exc.args[0]) if exc.args else str(exc)])
    except ValueError as exc:
        fail([str(exc)])


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
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "eta",
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def with_progress(total: int, label: str, work: Callable[[Callable[[int], None]], T]) -> T:
    with progress_bar() as bar:
        task = bar.add_task(label, total=total)
        return work(lambda n: bar.advance(task, n))


def summary_table(result: dict[str, Any], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("outcome")
    table.add_column("probability", justify="right")
    table.add_column("95% interval", justify="right")
    for row in result["thresholds"] + result["endings"]:
        table.add_row(row["label"], f"{row['p']:.3f}", f"{row['low']:.3f} – {row['high']:.3f}")
    rungs = result["max_rung"]
    certain = [r for r in rungs if r["p"] >= 1.0]
    for row in certain[-1:] + [r for r in rungs if 0.0 < r["p"] < 1.0]:
        table.add_row(row["label"], f"{row['p']:.3f}", f"{row['low']:.3f} – {row['high']:.3f}")
    q = result["deaths_q05_q50_q95"]
    table.add_row("deaths (median, 5–95%)", f"{q[1]:.0f}", f"{q[0]:.0f} – {q[2]:.0f}")
    return table
