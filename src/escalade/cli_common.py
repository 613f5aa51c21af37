"""What every ``escalade`` command shares: consoles, options, errors, progress, loading."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
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

from escalade.budget import MAX_RUNS, MAX_SEED
from escalade.scenario.levers import lever_overrides
from escalade.scenario.load import Overlay, ScenarioError, read_overlay
from escalade.scenario.schema import Scenario
from escalade.simulation import load_scenario
from escalade.store import StoreFault

console = Console()
err = Console(stderr=True)
T = TypeVar("T")

ScenarioArg = Annotated[str, typer.Argument(help="A scenario file (.yaml) or a built-in name")]
ResumableScenarioArg = Annotated[
    str | None,
    typer.Argument(help="A scenario file (.yaml) or a built-in name (not with --resume)"),
]
ResumeOpt = Annotated[
    str | None,
    typer.Option(
        "--resume",
        help="Finish an interrupted experiment of this kind (id or unique prefix) with the "
        "settings it was started with, computing only what is missing",
    ),
]
SeedOpt = Annotated[
    int, typer.Option("--seed", "-s", help="Random seed (0 to 2^63 - 1)", min=0, max=MAX_SEED)
]
RunIdOpt = Annotated[
    int,
    typer.Option("--run", "-k", help="Run number (0 to 10^12 - 1)", min=0, max=MAX_RUNS - 1),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        help="Local worker processes (default: the CPUs available); 1 runs in this process",
        min=1,
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on a Dask cluster instead: tcp://HOST:PORT"),
]
OverlayOpt = Annotated[
    Path | None,
    typer.Option(
        "--overlay",
        help="YAML file of 'dotted.path: value' overrides (e.g. from calibrate), applied "
        "before --set",
        dir_okay=False,
    ),
]
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
AddOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--add",
        help="Append an item to a list: path=ITEM (YAML), e.g. "
        "statements='{by: USA, kind: restraint, toward: ISR}', repeatable",
    ),
]
DropOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--drop", help="Remove a list item by id, name or index, e.g. statements.usa_backing_isr"
    ),
]
LeverOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--lever",
        "-l",
        help="Apply a lever the scenario declares: NAME or NAME=VALUE (escalade levers "
        "SCENARIO lists them), repeatable",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]


def fail(problems: list[str], code: int = 2) -> None:
    for line in problems:
        err.print(f"[red]error:[/red] {escape(line)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into located messages and exit code 2, never a traceback;
    Ctrl-C (the executor has already stopped its workers) into one line and exit code 130."""
    try:
        yield
    except KeyboardInterrupt:
        err.print("interrupted: nothing was kept", highlight=False)
        raise typer.Exit(130) from None
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
    return dict(_pairs(values, "--set"))


def _pairs(values: list[str] | None, flag: str) -> list[tuple[str, Any]]:
    """``path=value`` pairs in order, each value read as YAML (else kept as text)."""
    from escalade.scenario.load import parse_yaml

    out: list[tuple[str, Any]] = []
    for item in values or []:
        path, sep, raw = item.partition("=")
        if not sep or not path:
            raise ValueError(f"{flag} expects path=value, got '{item}'")
        try:
            out.append((path, parse_yaml(f"v: {raw}", flag)["v"]))
        except ScenarioError:
            out.append((path, raw))
    return out


def parse_changes(
    sets: list[str] | None, adds: list[str] | None = None, drops: list[str] | None = None
) -> dict[str, Any]:
    """``--drop``, ``--add`` and ``--set`` as one ordered overrides mapping (``-path``,
    ``+path`` and ``path`` keys, see :func:`escalade.scenario.load.resolve_overrides`)."""
    out: dict[str, Any] = {}
    for path in drops or []:
        if not path or "=" in path:
            raise ValueError(f"--drop expects a path to a list item, got '{path}'")
        out[f"-{path}"] = True
    for path, item in _pairs(adds, "--add"):  # repeated paths collect their items
        items = out.setdefault(f"+{path}", [])
        items.extend(item if isinstance(item, list) else [item])
    out.update(parse_sets(sets))
    return out


def read_overrides(
    overlay: Path | None,
    sets: list[str] | None,
    adds: list[str] | None = None,
    drops: list[str] | None = None,
    levers: list[str] | None = None,
    spec: str | None = None,
) -> tuple[dict[str, Any], Overlay | None]:
    """The levers' overrides, the overlay file's, then ``--drop``, ``--add`` and ``--set``'s
    (a later value of a path wins)."""
    out: dict[str, Any] = {}
    if levers:
        if spec is None:
            raise ValueError("--lever needs the scenario that declares it")
        out.update(lever_overrides(load_scenario(spec), levers))
    ov = read_overlay(overlay) if overlay is not None else None
    out.update(ov or {})
    out.update(parse_changes(sets, adds, drops))
    return out, ov


@contextmanager
def blamed_on(overlay: Overlay | None, sets: list[str] | None = None) -> Iterator[None]:
    """A problem with a value the overlay set is reported at its file:line:column."""
    try:
        yield
    except ScenarioError as exc:
        if overlay is None:
            raise
        raise ScenarioError(overlay.blame(exc.problems, parse_sets(sets))) from None


def load(
    spec: str,
    sets: list[str] | None = None,
    adds: list[str] | None = None,
    drops: list[str] | None = None,
    levers: list[str] | None = None,
) -> Scenario:
    """A scenario with its levers, then ``--drop``, ``--add`` and ``--set`` applied."""
    return load_scenario(spec, all_overrides(spec, sets, adds, drops, levers) or None)


def all_overrides(
    spec: str | None,
    sets: list[str] | None = None,
    adds: list[str] | None = None,
    drops: list[str] | None = None,
    levers: list[str] | None = None,
) -> dict[str, Any]:
    """The overrides of the levers (read from the scenario), then of --drop, --add, --set."""
    out: dict[str, Any] = {}
    if levers:
        if spec is None:
            raise ValueError("--lever needs the scenario that declares it")
        out.update(lever_overrides(load_scenario(spec), levers))
    out.update(parse_changes(sets, adds, drops))
    return out


def print_story(lines: list[str]) -> None:
    """A story's dated lines, its last (the closing sentence) in bold."""
    for line in lines[:-1]:
        console.print(line, highlight=False)
    if lines:
        console.print(f"[bold]{escape(lines[-1])}[/bold]", highlight=False)


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
