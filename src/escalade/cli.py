"""The ``escalade`` command line: thin, it calls the library and renders what comes back."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from escalade.api import replay
from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    JsonOpt,
    LeverOpt,
    RunIdOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    console,
    fail,
    load,
    print_story,
    user_errors,
)
from escalade.narrative import closing, narrative
from escalade.scenario.load import builtin_names, scenario_text
from escalade.scenario.schema import Scenario
from escalade.simulation import load_scenario
from escalade.version import __version__

app = typer.Typer(
    name="escalade",
    help="Simulate crisis escalation between states, their proxies and their partners.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
scenarios_app = typer.Typer(help="List and show the built-in scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version")] = False,
) -> None:
    if version:
        console.print(f"escalade {__version__}")
        raise typer.Exit()


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario YAML file to check")]) -> None:
    """Check a scenario file: every problem in one pass, each with file:line:column.

    Schema, references, policies, levers and sources are all checked; the problems are sorted
    by line and followed by their count (exit code 2)."""
    from escalade.scenario.check import all_problems
    from escalade.simulation import check_policies

    with user_errors():
        sc, problems = all_problems(file, (check_policies,))
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {file}"
        fail([str(p) for p in problems] + [count])
    assert sc is not None
    console.print(
        f"[green]ok[/green] {file}: scenario '{sc.name}' with {len(sc.actors)} actors, "
        f"{sc.horizon_days} days"
    )


@app.command()
def schema(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the reference page (docs/scenario-format.md)")
    ] = False,
) -> None:
    """Print the JSON Schema of the scenario format (or its Markdown reference)."""
    if markdown:
        from escalade.scenario.reference import render_markdown

        sys.stdout.write(render_markdown())
        return
    sys.stdout.write(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2) + "\n")


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


@app.command("replay")
def replay_cmd(
    scenario: ScenarioArg,
    run_id: RunIdOpt = 0,
    seed: SeedOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    adds: AddOpt = None,
    drops: DropOpt = None,
    levers: LeverOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replay one run of an ensemble as a dated narrative, or tell a saved game.

    The run is the same as in the ensemble of the same scenario and seed. A game saved by
    `escalade play --save` is told when SCENARIO is the game's .json file."""
    from escalade.game import is_game_file

    with user_errors():
        if is_game_file(Path(scenario)):
            changed = [
                k
                for k, v in (
                    ("--run", run_id),
                    ("--seed", seed),
                    ("--days", days),
                    ("--set", sets),
                    ("--add", adds),
                    ("--drop", drops),
                    ("--lever", levers),
                )
                if v
            ]
            if changed:
                raise ValueError(
                    f"{scenario} is a saved game: {', '.join(changed)} cannot be "
                    "given (the game carries its scenario, seed and run)"
                )
            replay_game(Path(scenario), as_json)
            return
        sc = load(scenario, sets, adds, drops, levers)
        ens = replay(sc, seed=seed, run=run_id, days=days)
    assert ens.events is not None
    if as_json:
        sys.stdout.write(
            json.dumps(
                {"outcome": ens.outcomes.to_pylist()[0], "events": ens.events.to_pylist()},
                default=str,
            )
            + "\n"
        )
        return
    console.print(f"[bold]{sc.title or sc.name}[/bold] — run {run_id}, seed {seed}")
    out = ens.outcomes.to_pylist()[0]
    print_story([*narrative(ens.events, sc), closing(out, ens.events, sc)])


def replay_game(path: Path, as_json: bool) -> None:
    """Tell a saved game: its story (``--json``: the game file's data, outcome and events)."""
    from escalade.game import Game, decisions

    game = Game.load(path)
    if as_json:
        done = game.pending() is None
        sys.stdout.write(
            json.dumps(
                {
                    "game": game.to_dict(),
                    "outcome": game.outcome() if done else None,
                    "story": game.story(),
                },
                default=str,
            )
            + "\n"
        )
        return
    sc = game.scenario
    console.print(
        f"[bold]{sc.title or sc.name}[/bold] — a game of run {game.run}, seed {game.seed}: "
        f"{', '.join(game.players)} played by people ({decisions(len(game.decisions))})",
        highlight=False,
    )
    print_story(game.story())


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


COMMAND_MODULES: dict[str, str] = {
    "run": "escalade.commands.run",
    "experiments": "escalade.commands.experiments",
    "query": "escalade.commands.experiments",
    "compare": "escalade.commands.compare",
    "sweep": "escalade.commands.sweep",
    "discover": "escalade.commands.discover",
    "threshold": "escalade.commands.threshold",
    "levers": "escalade.commands.levers",
    "report": "escalade.commands.report",
    "salvo": "escalade.commands.salvo",
    "hindcast": "escalade.commands.hindcast",
    "calibrate": "escalade.commands.hindcast",
    "play": "escalade.commands.play",
    "serve": "escalade.commands.serve",
    "ingest": "escalade.ingest.command",  # issue 15
}
"""The module that registers each command not defined here, in the order ``escalade --help``
lists them (decision 0017: ``escalade CMD`` imports only CMD's module)."""


def own_commands() -> set[str]:
    """The commands and groups defined in this module."""
    names = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    return names | {g.name or "" for g in app.registered_groups}


def command_modules(argv: list[str], here: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The command modules to import for ``argv``: only the named command's when the first
    word after the program is one of :data:`COMMAND_MODULES` (``escalade run ...`` never pays
    for the hindcast's statistics), none for a command in ``here`` (defined in this module),
    else all of them (``escalade --help``, a misspelt command that needs every name for its
    suggestion, shell completion, and a program that imports the app, as the tests do)."""
    name = next((a for a in argv[1:] if not a.startswith("-")), None)
    if name in COMMAND_MODULES:
        return [COMMAND_MODULES[name]]
    if name in here:
        return []
    return list(dict.fromkeys(COMMAND_MODULES.values()))


def _register_commands(argv: list[str]) -> None:
    for path in command_modules(argv, own_commands()):
        importlib.import_module(path).register(app)


_register_commands(sys.argv if Path(sys.argv[0]).name == "escalade" else [])

if __name__ == "__main__":  # pragma: no cover
    app()
