"""M14 Learning: an attacker moves its belief about what the defences stop toward each salvo's
interception rate; each actor holds a belief that each other is resolute, updated by Bayes'
rule from blows and talk, and expects a yielding adversary's counter-escalation risk to be a
``yielding_risk`` share of a resolute one's."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.engine.learning import (
    blow_evidence,
    expected_risk_share,
    initial_beliefs,
    initial_resolve_beliefs,
    learn_from_salvo,
    talk_evidence,
    update_resolve_belief,
)
from tests.engine.mechanisms.tiny import batch


def test_every_attacker_starts_from_the_initial_belief() -> None:
    b = batch(runs=2, model={"initial_interception_belief": {"uniform": [0.2, 0.8]}})
    drawn = b.params.learning.initial_belief  # one draw per run, shared by every actor
    assert drawn[0] != drawn[1]
    assert initial_beliefs(b.params.learning, 3) == pytest.approx(np.repeat(drawn[:, None], 3, 1))
    assert b.state.belief_interception == pytest.approx(np.repeat(drawn[:, None], 2, 1))


def test_an_attacker_moves_its_belief_toward_each_salvos_interception_rate() -> None:
    b = batch(runs=2, model={"initial_interception_belief": 0.5, "learning_rate": 0.5})
    red, blue = b.ix("RED"), b.ix("BLUE")
    learn_from_salvo(b.state, b.params, np.array([0]), red, np.array([0.9]))
    # (1 - 0.5) x 0.5 + 0.5 x 0.9 = 0.7; run 1 fired nothing, BLUE learnt nothing.
    assert b.state.belief_interception[:, red] == pytest.approx([0.7, 0.5])
    learn_from_salvo(b.state, b.params, np.array([0]), red, np.array([0.9]))
    # 0.5 x 0.7 + 0.5 x 0.9 = 0.8.
    assert b.state.belief_interception[0, red] == pytest.approx(0.8)
    assert b.state.belief_interception[:, blue] == pytest.approx([0.5, 0.5])


def test_with_learning_rate_zero_nothing_is_learnt() -> None:
    b = batch(runs=1, model={"initial_interception_belief": 0.5, "learning_rate": 0.0})
    learn_from_salvo(b.state, b.params, b.runs, b.ix("RED"), np.array([1.0]))
    assert b.state.belief_interception[0, b.ix("RED")] == pytest.approx(0.5)


def test_resolve_beliefs_start_from_the_prior_or_the_actors_reputation() -> None:
    actors = {"RED": {"role": "state", "reputation": 0.9}, "BLUE": {"role": "state"}}
    b = batch(runs=2, actors=actors, model={"resolve_prior": 0.3})
    red, blue = b.ix("RED"), b.ix("BLUE")
    beliefs = initial_resolve_beliefs(b.params.learning, 2)
    assert beliefs.shape == (2, 2, 2)  # (runs, observer, observed)
    # Everyone sees RED as resolute with its reputation 0.9, BLUE with the prior 0.3.
    assert beliefs[:, blue, red] == pytest.approx([0.9, 0.9])
    assert beliefs[:, red, blue] == pytest.approx([0.3, 0.3])
    assert b.state.resolve_belief == pytest.approx(beliefs)


def test_bayes_rule_multiplies_the_odds_by_the_likelihood_ratio() -> None:
    b = batch(runs=2, model={"resolve_prior": 0.5})
    red, blue = b.ix("RED"), b.ix("BLUE")
    post = update_resolve_belief(
        b.state, b.params, b.runs, np.array([blue, blue]), np.array([red, red]),
        np.array([np.log(3.0), -np.log(3.0)]),
    )  # fmt: skip
    # Odds 1 x 3 = 3: 3 / 4 = 0.75; odds 1 / 3: 0.25.
    assert post == pytest.approx([0.75, 0.25])
    assert b.state.resolve_belief[:, blue, red] == pytest.approx([0.75, 0.25])
    assert b.state.resolve_belief[:, red, blue] == pytest.approx([0.5, 0.5])  # untouched
    update_resolve_belief(
        b.state, b.params, np.array([0]), np.array([blue]), np.array([red]), np.array([np.log(3.0)])
    )
    # Odds 3 x 3 = 9: 9 / 10 = 0.9.
    assert b.state.resolve_belief[0, blue, red] == pytest.approx(0.9)


def test_a_blow_above_the_pivot_rung_is_evidence_of_resolve_a_smaller_one_of_restraint() -> None:
    b = batch(runs=1, model={"belief_signal": 3.0, "belief_pivot_rung": 5.0})
    top = b.params.ladder_top
    felt = np.array([8.0, 5.0, 2.0])
    runs = np.zeros(3, dtype=np.int64)
    # 3 x (f - 5) / top rung: positive above the pivot, 0 at it, negative below.
    expected = 3.0 * (felt - 5.0) / top
    assert blow_evidence(b.params, runs, felt) == pytest.approx(expected)
    assert expected[0] > 0 > expected[2]


def test_talk_moves_beliefs_a_little_and_a_declared_end_counts_minus_one_rung() -> None:
    b = batch(runs=1, model={"belief_talk": 0.05})
    runs = np.zeros(3, dtype=np.int64)
    # 0.05 x rung for a threat (1) or pressure (2); a declared end (rung 0): 0.05 x -1.
    assert talk_evidence(b.params, runs, np.array([1, 2, 0])) == pytest.approx([0.05, 0.1, -0.05])


def test_the_expected_risk_is_full_from_a_resolute_adversary_and_a_share_from_a_yielding_one() -> (
    None
):
    b = batch(runs=3, model={"yielding_risk": 0.4})
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.resolve_belief[:, red, blue] = [1.0, 0.0, 0.5]
    share = expected_risk_share(b.state, b.params, b.runs, red, np.array([blue] * 3))
    # b + (1 - b) x 0.4: 1, 0.4 and 0.5 + 0.5 x 0.4 = 0.7.
    assert share == pytest.approx([1.0, 0.4, 0.7])
