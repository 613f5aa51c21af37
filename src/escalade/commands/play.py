"""``escalade play``: people play one or two sides of a crisis against the model, day by day
(a game of :mod:`escalade.game`, saved and resumed from a file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from escalade.cli_common import (
    AddOpt,
    DaysOpt,
    DropOpt,
    LeverOpt,
    RunIdOpt,
    SeedOpt,
    SetOpt,
    console,
    print_story,
    user_errors,
)
from escalade.game import Game, Turn, decisions

HELP = (
    "Type the number of a choice (0 waits) and Enter; for a telegraphed choice listed with "
    "channels, the number, a colon and a channel's number (e.g. 7:2) sends its notice through "
    "that channel (the number alone sends it by the fastest). '?' shows this help, the rungs "
    "of the ladder and the model's advice; 'q' hands this actor to the model for the rest of the "
    "crisis. Ctrl-C or the end of the input stops the game, tells the story so far and saves "
    "it (resume with 'escalade play --resume FILE')."
)
CHANNEL_WORDS = {"public": "publicly", "direct": "directly"}
"""How an option's channel reads after its "how" (a mediator's id reads "via ID")."""
ADVICE_SHOWN = 3
"""How many of the model's likeliest choices '?' lists."""


def _name(game: Game, actor: str) -> str:
    return game.scenario.actors[actor].name or actor


def show_turn(game: Game, turn: Turn) -> None:
    """Print a decision day: the briefing, what the actor knows, its arsenal, defences and
    options."""
    console.rule(f"Day {turn.day} ({turn.date}) — {turn.actor} decides")
    for line in turn.briefing:
        console.print(line, highlight=False)
    k = turn.knows
    beliefs = ", ".join(f"{a} {p:.0%}" for a, p in k.get("resolve_beliefs", {}).items())
    console.print(
        f"You play [bold]{_name(game, turn.actor)}[/bold]. You hold a grievance of "
        f"{k['grievance']:.1f} rungs against [bold]{k['target']}[/bold]; its last blow against "
        f"you was rung {k['received_rung']}."
        + (f" You believe these would stand firm: {beliefs}." if beliefs else "")
        + (
            f" You expect defences to stop {k['expected_interception']:.0%} of a salvo."
            if "expected_interception" in k
            else ""
        ),
        highlight=False,
    )
    for crosser, owed in k.get("red_lines_crossed", {}).items():
        console.print(
            f"Your red line against [bold]{crosser}[/bold] stands crossed: {owed} (the "
            "audience cost of backing down).",
            highlight=False,
        )
    arsenal = k.get("arsenal", {})
    defences = k.get("defences", [])
    if arsenal or defences:
        kit = Table("arsenal", "left", "defence layer", "owner", "interceptors left", title=None)
        for i in range(max(len(arsenal), len(defences))):
            munition = list(arsenal.items())[i] if i < len(arsenal) else ("", "")
            layer = defences[i] if i < len(defences) else None
            kit.add_row(
                str(munition[0]),
                str(munition[1]),
                layer["layer"] if layer else "",
                layer["owner"] if layer else "",
                f"{layer['interceptors']} of {layer['of']}" if layer else "",
            )
        console.print(kit)
    table = Table("#", "choice", "rung", "against")
    table.add_column("how", no_wrap=True)
    table.add_column("utility")
    table.add_column("model")
    for o in turn.options:
        via = CHANNEL_WORDS.get(o.channel or "", f"via {o.channel}") if o.channel else ""
        table.add_row(
            str(o.index),
            o.label,
            "" if o.rung is None else str(o.rung),
            o.target or "",
            " ".join(part for part in (o.how, via) if part),
            f"{o.utility:+.2f}",
            f"{o.advice:.0%}",
        )
    console.print(table)
    routes = {o.target: o.routes for o in turn.options if o.routes}
    for target, options in routes.items():
        console.print(
            f"A notice of a telegraphed choice against {target} can go through (type e.g. "
            f"{next(o.index for o in turn.options if o.routes)}:1; the number alone sends it by "
            "the fastest):",
            highlight=False,
        )
        for i, r in enumerate(options, 1):
            console.print(f"  {i}. {r.words()}", highlight=False)
    packages = {o.label: o.size for o in turn.options if o.size}
    if packages:
        console.print("Strike packages (munitions fired):", highlight=False)
        for label, size in packages.items():
            console.print(f"  {label}: {size}", highlight=False)


def show_help(game: Game, turn: Turn) -> None:
    console.print(HELP, highlight=False)
    for step in game.scenario.ladder:
        console.print(f"  rung {step.level}: {step.name}", highlight=False)
    best = sorted(turn.options, key=lambda o: -o.advice)[:ADVICE_SHOWN]
    likely = "; ".join(
        f"{o.index} ({o.label} {o.how}, {o.advice:.0%})".replace(" ,", ",") for o in best
    )
    console.print(f"The model would most likely choose {likely}.", highlight=False)


def ask(game: Game, turn: Turn) -> tuple[int, str | None] | None:
    """The option a person picks for ``turn`` and the channel its notice goes through (None:
    the fastest), re-asked until valid; None to hand over."""
    while True:
        raw = typer.prompt(
            f"{turn.actor}'s choice (number, ? for help, q to hand over)", default="0"
        )
        answer = str(raw).strip().lower()
        if answer == "?":
            show_help(game, turn)
            continue
        if answer == "q":
            return None
        number, colon, route = answer.partition(":")
        if number.isdigit() and int(number) < len(turn.options):
            routes = turn.options[int(number)].routes
            if not colon:
                return int(number), None
            if route.isdigit() and 1 <= int(route) <= len(routes):
                return int(number), routes[int(route) - 1].id
            console.print(
                f"'{raw}': choice {number} has "
                + (f"channels 1 to {len(routes)}" if routes else "no channel to choose")
                + "; type its number alone to send by the fastest.",
                highlight=False,
            )
            continue
        console.print(
            f"'{raw}' is not a choice: type a number from 0 to {len(turn.options) - 1}, ? or q.",
            highlight=False,
        )


def tell(game: Game) -> None:
    console.rule("What happened")
    print_story(game.story())


def show_comparison(game: Game, runs: int) -> None:
    """How the game sits in the model's ensemble of the same scenario and seed."""
    c = game.compare(runs)
    worse = c["as_bad_or_worse"]
    console.print(
        f"Of the model's {runs} runs of this scenario and seed, {worse['p']:.0%} "
        f"({worse['low']:.0%}–{worse['high']:.0%}) went as badly or worse (highest rung at "
        f"least {c['max_rung']['game']} and at least {c['deaths']['game']} killed; the "
        f"ensemble's medians: rung {c['max_rung']['ensemble_median']:.0f}, "
        f"{c['deaths']['ensemble_median']:.0f} killed).",
        highlight=False,
    )
    table = Table("outcome", "the model's runs", "this game")
    for t in c["thresholds"]:
        e = t["ensemble"]
        table.add_row(
            t["label"],
            f"{e['p']:.0%} ({e['low']:.0%}–{e['high']:.0%})",
            "no" if t["game_day"] is None else f"yes, day {t['game_day']}",
        )
    console.print(table)
    m = c["model_run"]
    console.print(
        f"The model alone in the same run {game.run}: highest rung {m['max_rung']}, ended "
        f"{m['ended']} (day {m['end_day']}), {m['deaths']} killed.",
        highlight=False,
    )


def default_save(game: Game) -> Path:
    name = game.source.get("builtin") or Path(game.source["file"]).stem
    return Path(f"game-{name}-{'-'.join(game.players)}-seed{game.seed}-run{game.run}.json")


def play(
    scenario: Annotated[
        str | None,
        typer.Argument(help="A scenario file (.yaml) or a built-in name (not with --resume)"),
    ] = None,
    actors: Annotated[
        list[str] | None,
        typer.Option(
            "--as",
            help="The actor you play (a state or proxy); repeat it or give A,B for two players "
            "taking turns at one keyboard",
        ),
    ] = None,
    seed: SeedOpt = 0,
    run: RunIdOpt = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
    adds: AddOpt = None,
    drops: DropOpt = None,
    levers: LeverOpt = None,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save", help="Save the game to this JSON file after every decision", dir_okay=False
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", help="Resume a saved game (and keep saving to it)", dir_okay=False
        ),
    ] = None,
    compare_runs: Annotated[
        int,
        typer.Option(
            "--compare",
            help="Runs of the model's ensemble the finished game is compared with (0: none)",
            min=0,
        ),
    ] = 1000,
) -> None:
    """Play one or two sides of a crisis against the model, day by day, then read the story.

    On each day your actor convenes with a grievance (the model's rhythm: ``--set
    model.decision_rate=1`` asks you every day) you read what happened since your last
    decision, what your actor knows, its arsenal and defences, and your options — with rung,
    target, how (telegraphed through which channel — ``7:2`` picks choice 7 with its notice
    sent through the second channel listed — or unacknowledged), the strike package,
    their utility under the default policy and how likely the model would take each; type a
    number (``?`` help and the model's advice, ``q`` hands the actor to the model, Ctrl-C
    stops and saves). Every other actor follows its policy, with the same random numbers as run
    K of an ensemble. At the end the game is told as a story and set against the model's
    ensemble. ``escalade replay FILE.json`` tells a saved game again (docs/playing.md).
    """
    with user_errors():
        game = start(scenario, actors, seed, run, days, sets, adds, drops, levers, resume)
        target = save or resume
        if target is not None:
            game.save(target)  # a path that cannot be written fails now, not after a decision
        try:
            while (turn := game.pending()) is not None:
                show_turn(game, turn)
                pick = ask(game, turn)
                if pick is None:
                    console.print(f"The model plays {turn.actor} from here on.", highlight=False)
                    game.hand_over(turn.actor)
                else:
                    game.choose(turn.actor, *pick)
                if target is not None:
                    game.save(target)
        except (KeyboardInterrupt, EOFError, typer.Abort):
            stopped(game, target)
            return
        tell(game)
        if target is not None:
            game.save(target)
            console.print(
                f"Saved to {target} (escalade replay {target} tells it again).", highlight=False
            )
        if compare_runs:
            show_comparison(game, compare_runs)


def start(
    scenario: str | None,
    actors: list[str] | None,
    seed: int,
    run: int,
    days: int | None,
    sets: list[str] | None,
    adds: list[str] | None,
    drops: list[str] | None,
    levers: list[str] | None,
    resume: Path | None,
) -> Game:
    """A new game from the options, or the one saved in ``resume``."""
    players = [a.strip() for spec in actors or [] for a in spec.split(",") if a.strip()]
    if resume is not None:
        given: dict[str, Any] = {
            "SCENARIO": scenario,
            "--as": players,
            "--set": sets,
            "--add": adds,
            "--drop": drops,
            "--lever": levers,
            "--days": days,
        }
        extra = [k for k, v in given.items() if v] + [
            k for k, v in (("--seed", seed), ("--run", run)) if v
        ]
        if extra:
            raise ValueError(
                f"--resume {resume}: {', '.join(extra)} cannot be given with a saved game "
                "(it carries its scenario, players, seed and run)"
            )
        game = Game.load(resume)
        console.print(f"Resuming {resume}: {decisions(len(game.decisions))} made.", highlight=False)
        return game
    if scenario is None:
        raise ValueError("play: give a SCENARIO and --as ACTOR, or --resume FILE")
    if not players:
        raise ValueError("play: --as ACTOR is required (the side you play)")
    return Game.new(scenario, players, seed, run, days, sets, adds, drops, levers)


def stopped(game: Game, target: Path | None) -> None:
    """Ctrl-C or the end of the input: keep the story so far and save the game."""
    path = target or default_save(game)
    game.save(path)
    console.print()  # after the ^C or the unanswered prompt
    tell(game)
    console.print(
        f"Stopped; the game is saved to {path}: resume with 'escalade play --resume {path}'.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(play)
