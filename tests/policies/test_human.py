"""The Human policy: a person's picks, run by run, become the engine's Choice (target
included); a pick without a target means the situation's own."""

from __future__ import annotations

import numpy as np

from escalade.engine.channels import DEFAULT_CHANNEL
from escalade.engine.decision import GRUDGE_TARGET, NO_ACTION, Choice, Situation
from escalade.policies.human import Ask, Human, Pick
from escalade.simulation import load_scenario, run_batch


class Recording(Human):
    """A Human that keeps the choices it hands the engine."""

    def __init__(self, ask: Ask) -> None:
        super().__init__(ask)
        self.choices: list[Choice] = []

    def choose(self, situation: Situation) -> Choice:
        self.choices.append(super().choose(situation))
        return self.choices[-1]


def test_each_runs_pick_becomes_the_choice_for_that_run() -> None:
    seen: list[tuple[int, int]] = []

    def ask(situation: Situation, row: int) -> Pick:
        seen.append((situation.day, row))
        return Pick(NO_ACTION) if row else Pick(2, warned=True, target=int(situation.target[0]))

    human = Recording(ask)
    sc = load_scenario("april-2024", {"model.decision_rate": 1})
    run_batch(sc, 1, np.array([0, 1]), days=1, policies={"IRN": human})
    (choice,) = human.choices
    assert seen == [(0, 0), (0, 1)]
    assert choice.action.tolist() == [2, NO_ACTION] and choice.warned.tolist() == [True, False]
    assert choice.denied.tolist() == [False, False]
    assert choice.target is not None and choice.target[1] == GRUDGE_TARGET


def test_a_pick_defaults_to_owned_unwarned_against_the_largest_grievance() -> None:
    assert Pick(5) == (5, False, False, GRUDGE_TARGET, DEFAULT_CHANNEL)
