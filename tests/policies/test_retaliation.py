"""Calibrated retaliation: the default policy, a logit quantal response over answer utilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.blows import land_triggers
from escalade.engine.calculus import answer_utility
from escalade.engine.rng import Streams
from escalade.engine.state import EventLog, State
from escalade.policies.base import Situation
from escalade.policies.retaliation import CalibratedRetaliation
from escalade.simulation import build_world, run_batch
from tests.policies.versus import duel


def first_answer_rungs(scenario: Any, runs: int = 2000, seed: int = 3) -> np.ndarray:
    out = run_batch(scenario, seed, np.arange(runs)).outcomes
    return np.asarray(out["first_rung"])


def test_a_nearly_rational_leader_takes_the_best_answer() -> None:
    # With a very high logit precision the quantal response is the argmax of the utilities.
    sc = duel("calibrated_retaliation", [(0, "symbolic_strike")])
    sc.actors["BLUE"].policy.rationality = 1e6
    world = build_world(sc, Streams(1, np.arange(200)))
    state = State.initial(world.params, 200)
    land_triggers(state, world, 0, EventLog())
    blue, red = world.params.index("BLUE"), world.params.index("RED")
    runs, target = np.arange(200), np.full(200, red)
    grievance = state.grievances.grievance[runs, blue, red]
    appraisal = answer_utility(state, world.params, runs, blue, target, grievance)
    situation = Situation(
        0, blue, runs, target, grievance, np.full(200, 7), appraisal, world.params, world.streams
    )
    choice = CalibratedRetaliation().choose(situation)
    # act is (n, K, 3): each action owned, telegraphed or unacknowledged. Against a target
    # without air defences telegraphing changes nothing felt, so owned and telegraphed tie:
    # the leader takes one of the best options, whichever way it carries the action out.
    act = appraisal.act.reshape(200, -1)
    best = act.argmax(axis=1)
    assert (act.max(axis=1) > appraisal.wait).all()
    assert np.array_equal(choice.action, best // 3)
    variant = np.where(choice.warned, 1, np.where(choice.denied, 2, 0))
    chosen = act[runs, 3 * choice.action + variant]
    assert chosen == pytest.approx(act.max(axis=1))


def test_a_random_leader_spreads_its_answers() -> None:
    sc = duel("calibrated_retaliation", [(0, "symbolic_strike")])
    sc.actors["BLUE"].policy.rationality = 0.0
    rungs = first_answer_rungs(sc)
    assert len(set(rungs.tolist())) >= 8


def _mean_rung(**model: Any) -> float:
    sc = duel("calibrated_retaliation", [(0, "large_salvo")])
    sc.actors["BLUE"].policy.rationality = 3.0
    for key, value in model.items():
        setattr(sc.model, key, value)
    rungs = first_answer_rungs(sc)
    return float(rungs[rungs >= 0].mean())


def test_a_dearer_war_calls_for_smaller_answers() -> None:
    # 2000 runs; rungs have s.d. < 3, so the s.e. of a mean is < 0.07: a gap of 0.5 is > 5 s.e.
    assert _mean_rung(war_cost=120.0) < _mean_rung(war_cost=10.0) - 0.5


def test_a_restraining_ally_lowers_the_answer() -> None:
    free = duel("calibrated_retaliation", [(0, "large_salvo")])
    held = duel(
        "calibrated_retaliation",
        [(0, "large_salvo")],
        statements=[{"by": "RED", "kind": "restraint", "toward": "BLUE"}],
    )
    for sc in (free, held):
        sc.actors["BLUE"].policy.rationality = 3.0
    free_r, held_r = first_answer_rungs(free), first_answer_rungs(held)
    # Share of answers at or above the restraint rung (8): s.e. <= 0.011 each at n=2000.
    assert (held_r >= 8).mean() < (free_r >= 8).mean() - 0.05


def test_an_ally_committed_to_join_raises_the_answer() -> None:
    # GREEN would join BLUE's offensive (0.8): the war on the rungs from 8 is shared, and 0.8
    # of such an offensive is a joint campaign that need not be sized to the grievance (M7,
    # decision 0016). Shares of answers at or above rung 9, measured 5.1% alone and 17.7%
    # joined (7.8% joined with the shared war alone, before decision 0016): s.e. <= 0.009 each
    # at n=2000, so a gap of 0.08 is more than 6 s.e. above zero and 3 s.e. below the measure.
    def scenario(join: float) -> Any:
        sc = duel(
            "calibrated_retaliation",
            [(0, "large_salvo")],
            actors={
                "RED": {"role": "state", "policy": {"name": "none"}},
                "BLUE": {"role": "state", "policy": {"name": "calibrated_retaliation"}},
                "GREEN": {"role": "state", "policy": {"name": "none"}},
            },
            relations=[{"kind": "alliance", "between": ["GREEN", "BLUE"], "join_offensive": join}],
        )
        sc.actors["BLUE"].policy.rationality = 3.0
        return sc

    alone, joined = first_answer_rungs(scenario(0.0)), first_answer_rungs(scenario(0.8))
    assert (joined >= 9).mean() > (alone >= 9).mean() + 0.08


def test_a_restraint_statement_counts_only_from_the_day_it_is_made() -> None:
    # RED's restraint statement toward BLUE, made on day 10, cannot shape BLUE's answer to a
    # salvo on day 0: the first answers equal those with no statement at all, run by run.
    def answers(statements: list[dict[str, Any]]) -> np.ndarray:
        sc = duel("calibrated_retaliation", [(0, "large_salvo")], statements=statements)
        sc.actors["BLUE"].policy.rationality = 3.0
        return first_answer_rungs(sc, runs=1000)

    late = [{"by": "RED", "kind": "restraint", "toward": "BLUE", "from_day": 10}]
    early = [{"by": "RED", "kind": "restraint", "toward": "BLUE", "from_day": 0}]
    assert np.array_equal(answers(late), answers([]))
    assert not np.array_equal(answers(early), answers([]))
