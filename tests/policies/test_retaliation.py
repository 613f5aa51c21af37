"""Calibrated retaliation: the default policy, a logit quantal response over answer utilities."""

from __future__ import annotations

from typing import Any

import numpy as np

from escalade.engine.simulate import run_batch
from tests.policies.versus import blue_moves, duel


def first_answer_rungs(scenario: Any, runs: int = 2000, seed: int = 3) -> np.ndarray:
    out = run_batch(scenario, seed, np.arange(runs)).outcomes
    return np.asarray(out["first_rung"])


def test_a_nearly_rational_leader_takes_the_best_answer_every_time() -> None:
    # rationality 100: the logit puts all its weight on the highest utility, so all runs agree.
    sc = duel("calibrated_retaliation", [(0, "symbolic_strike")])
    rungs = first_answer_rungs(sc, runs=300)
    assert len(set(rungs.tolist())) == 1
    assert 3 <= rungs[0] <= 8  # a calibrated answer: neither nothing nor a war
    assert blue_moves(sc)[0][0] in (0, 1)


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
    assert _mean_rung(war_cost=60.0) < _mean_rung(war_cost=10.0) - 0.5


def test_a_restraining_ally_lowers_the_answer() -> None:
    free = duel("calibrated_retaliation", [(0, "large_salvo")])
    held = duel("calibrated_retaliation", [(0, "large_salvo")],
                statements=[{"by": "RED", "kind": "restraint", "toward": "BLUE"}])
    for sc in (free, held):
        sc.actors["BLUE"].policy.rationality = 3.0
    free_r, held_r = first_answer_rungs(free), first_answer_rungs(held)
    # Share of answers at or above the restraint rung (8): s.e. <= 0.011 each at n=2000.
    assert (held_r >= 8).mean() < (free_r >= 8).mean() - 0.05
