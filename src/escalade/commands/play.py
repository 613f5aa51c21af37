"""``escalade play``: a person plays one side of a crisis against the model, day by day."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from escalade.cli_common import (
    DaysOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    console,
    load,
    user_errors,
)
from escalade.engine.decision import NO_ACTION, Situation, option_choice
from escalade.narrative import closing, narrative
from escalade.policies.human import Human
from escalade.policies.retaliation import CalibratedRetaliation
from escalade.scenario.schema import Role, Scenario
from escalade.simulation import run_batch


def options(situation: Situation, row: int) -> list[tuple[int, bool, bool, float, float]]:
    """The choices open today: (action or NO_ACTION, telegraphed, unacknowledged, utility,
    model's probability).

    The first is waiting. Probabilities are the default policy's logit quantal response with
    the actor's rationality (:meth:`CalibratedRetaliation.probabilities`), shown as advice.
    """
    utilities = situation.appraisal.utilities()[row]
    probs = CalibratedRetaliation.probabilities(situation)[row]
    each = option_choice(np.arange(len(utilities)))
    return [
        (
            int(each.action[i]),
            bool(each.warned[i]),
            bool(each.denied[i]),
            float(utilities[i]),
            float(probs[i]),
        )
        for i in np.flatnonzero(np.isfinite(utilities))
    ]


HELP = (
    "Type the number of a choice (0 waits). '?' shows this help, the rungs of the ladder and "
    "the model's advice; 'q' hands your actor to the model for the rest of the crisis and "
    "shows the story (so does Ctrl-C)."
)


def asker(scenario: Scenario, actor: str) -> Human:
    """A :class:`Human` policy that asks at the terminal.

    A choice is a number, asked again until it is one on the list; ``?`` prints help, the
    ladder and the model's advice; ``q`` (or Ctrl-C) hands the actor to the model, which then
    takes its most likely choice each day, so the story always runs to its end."""
    handed_over = {"yes": False}

    def ask(situation: Situation, row: int) -> tuple[int, bool, bool]:
        p = situation.params
        choices = options(situation, row)
        if handed_over["yes"]:
            best = max(range(len(choices)), key=lambda i: choices[i][4])
            return choices[best][0], choices[best][1], choices[best][2]
        day = situation.day
        date = scenario.start + dt.timedelta(days=day)
        target = p.actors[int(situation.target[row])]
        console.rule(f"Day {day} ({date})")
        console.print(
            f"You play [bold]{scenario.actors[actor].name or actor}[/bold]. You hold a grievance "
            f"of {situation.grievance[row]:.1f} rungs against [bold]{target}[/bold]; its last "
            f"blow against you was rung {situation.received_rung[row]}.",
            highlight=False,
        )
        table = Table("#", "choice", "rung", "how", "utility", "model would")
        for i, (k, warned, denied, u, prob) in enumerate(choices):
            label = "wait" if k == NO_ACTION else p.catalog.names[k].replace("_", " ")
            rung = "" if k == NO_ACTION else str(p.catalog.rung[k])
            how = "telegraphed" if warned else "unacknowledged" if denied else ""
            table.add_row(str(i), label, rung, how, f"{u:+.2f}", f"{prob:.0%}")
        console.print(table)
        while True:
            try:
                raw = typer.prompt("Your choice (number, ? for help, q to hand over)", default="0")
            except (KeyboardInterrupt, typer.Abort, EOFError):
                raw = "q"
            answer = str(raw).strip().lower()
            if answer == "?":
                console.print(HELP, highlight=False)
                for step in scenario.ladder:
                    console.print(f"  rung {step.level}: {step.name}", highlight=False)
                best = max(range(len(choices)), key=lambda i: choices[i][4])
                console.print(f"The model would most likely choose {best}.", highlight=False)
                continue
            if answer == "q":
                console.print("The model plays your actor from here on.", highlight=False)
                handed_over["yes"] = True
                best = max(range(len(choices)), key=lambda i: choices[i][4])
                return choices[best][0], choices[best][1], choices[best][2]
            if answer.isdigit() and int(answer) < len(choices):
                pick = int(answer)
                return choices[pick][0], choices[pick][1], choices[pick][2]
            console.print(
                f"'{raw}' is not a choice: type a number from 0 to {len(choices) - 1}, ? or q.",
                highlight=False,
            )

    return Human(ask)


def play(
    scenario: ScenarioArg,
    actor: Annotated[str, typer.Option("--as", help="The actor you play (a state or proxy)")],
    seed: SeedOpt = 0,
    run: Annotated[int, typer.Option("--run", "-k", help="Which run of the ensemble", min=0)] = 0,
    days: DaysOpt = None,
    sets: SetOpt = None,
) -> None:
    """Play one side of a crisis against the model, day by day, then read the story.

    On each day your actor convenes with a grievance (the model's rhythm: ``--set
    model.decision_rate=1`` asks you every day), you see your options with their utility under
    the default policy and how likely the model would take each; type a number. Every other
    actor follows its policy, with the same random numbers as run K of an ensemble.
    """
    with user_errors():
        sc = load(scenario, sets)
        if actor not in sc.actors:
            close = difflib.get_close_matches(actor, list(sc.actors), n=1)
            tip = f"; did you mean '{close[0]}'?" if close else f"; actors: {', '.join(sc.actors)}"
            raise ValueError(f"--as: unknown actor '{actor}' in scenario '{sc.name}'{tip}")
        if sc.actors[actor].role not in (Role.STATE, Role.PROXY):
            raise ValueError(
                f"--as: {actor} is a {sc.actors[actor].role.value}; it does not "
                "decide (play a state or a proxy)"
            )
        batch = run_batch(
            sc, seed, np.array([run]), days, keep_events=True, policies={actor: asker(sc, actor)}
        )
    assert batch.events is not None
    console.rule("What happened")
    for line in narrative(batch.events, sc):
        console.print(line, highlight=False)
    out = batch.outcomes.to_pylist()[0]
    console.print(f"[bold]{closing(out, batch.events)}[/bold]", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(play)
