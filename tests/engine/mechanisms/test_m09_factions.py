"""M9 Factions and risk tolerance: a serious blow on a state shifts influence toward its
hard-liners, the shift relaxes day by day, and the leader's risk tolerance is pulled toward
the factions' by their influence."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.compiled import draw_param
from escalade.engine.factions import hardliner_drift, hardliner_relaxation, risk_tolerance
from escalade.scenario.load import ScenarioError
from tests.engine.mechanisms.tiny import batch, tiny

IRN: dict[str, Any] = {
    "role": "state",
    "leader": {"risk_tolerance": 0.3},
    "factions": {
        "hardliners": {"weight": 0.4, "risk_tolerance": 0.8, "hardline": True},
        "pragmatists": {"weight": 0.3, "risk_tolerance": 0.2},
    },
}
ACTORS: dict[str, Any] = {
    "IRN": IRN,
    "ISR": {"role": "state"},
    "HEZ": {"role": "proxy", "patron": "IRN"},
}
MODEL = {"hardliner_drift": 0.1, "hardliner_relaxation": 0.02, "hardliner_from_rung": 6}


def test_a_serious_blow_on_a_state_shifts_influence_toward_its_hardliners() -> None:
    b = batch(runs=3, actors=ACTORS, model=MODEL)
    irn, isr = b.ix("IRN"), b.ix("ISR")
    hardliner_drift(b.state, b.params, b.runs, np.full(3, irn), np.array([7, 6, 5]))
    # Room left: 1 - 0.4 - 0.3 = 0.3; a rung-7 or rung-6 blow adds 0.1 x 0.3 = 0.03: 0.43.
    # A rung-5 blow is below hardliner_from_rung: 0.4 stays.
    assert b.state.hard_weight[:, irn] == pytest.approx([0.43, 0.43, 0.4])
    # A state without hard-liners gains none.
    hardliner_drift(b.state, b.params, b.runs, np.full(3, isr), np.full(3, 9))
    assert b.state.hard_weight[:, isr] == pytest.approx([0.0] * 3)


def test_hardliners_gain_less_as_the_room_left_shrinks() -> None:
    b = batch(runs=1, actors=ACTORS, model=MODEL)
    irn = b.ix("IRN")
    for _ in range(2):
        hardliner_drift(b.state, b.params, b.runs, np.array([irn]), np.array([8]))
    # 0.4 + 0.1 x 0.3 = 0.43, then + 0.1 x (1 - 0.43 - 0.3) = 0.43 + 0.027 = 0.457.
    assert b.state.hard_weight[0, irn] == pytest.approx(0.457)


def test_a_blow_on_a_proxy_moves_no_faction() -> None:
    actors = {**ACTORS, "HEZ": {**IRN, "role": "proxy", "patron": "IRN"}}
    b = batch(runs=1, actors=actors, model=MODEL)
    hez = b.ix("HEZ")
    hardliner_drift(b.state, b.params, b.runs, np.array([hez]), np.array([9]))
    assert b.state.hard_weight[0, hez] == pytest.approx(0.4)


def test_gained_influence_relaxes_back_toward_its_baseline() -> None:
    b = batch(runs=1, actors=ACTORS, model=MODEL)
    irn = b.ix("IRN")
    b.state.hard_weight[0, irn] = 0.43
    hardliner_relaxation(b.state, b.params)
    # 0.43 - 0.02 x (0.43 - 0.4) = 0.43 - 0.0006 = 0.4294; the baseline itself does not move.
    assert b.state.hard_weight[0, irn] == pytest.approx(0.4294)
    b.state.hard_weight[0, irn] = 0.4
    hardliner_relaxation(b.state, b.params)
    assert b.state.hard_weight[0, irn] == pytest.approx(0.4)


def test_the_leaders_risk_tolerance_is_pulled_toward_its_factions() -> None:
    b = batch(runs=2, actors=ACTORS, model=MODEL)
    irn, isr = b.ix("IRN"), b.ix("ISR")
    b.state.hard_weight[1, irn] = 0.5
    rt = risk_tolerance(b.state, b.params, b.runs, irn)
    # (1 - 0.4 - 0.3) x 0.3 + 0.4 x 0.8 + 0.3 x 0.2 = 0.09 + 0.32 + 0.06 = 0.47;
    # with the hard-liners at 0.5: 0.2 x 0.3 + 0.5 x 0.8 + 0.3 x 0.2 = 0.06 + 0.4 + 0.06 = 0.52.
    assert rt == pytest.approx([0.47, 0.52])
    # A leader without factions keeps its own (the default 0.4).
    assert risk_tolerance(b.state, b.params, b.runs, isr) == pytest.approx([0.4, 0.4])


def test_drawn_weights_over_one_are_scaled_down_to_sum_to_one() -> None:
    n = 400
    factions = {
        "hard": {"weight": {"uniform": [0.2, 0.8]}, "risk_tolerance": 0.9, "hardline": True},
        "soft": {"weight": {"uniform": [0.2, 0.8]}, "risk_tolerance": 0.1},
    }
    b = batch(runs=n, actors={"IRN": {"role": "state", "factions": factions}})
    f = b.params.factions
    # The raw draws, under the same parameter paths the compiler uses.
    drawn = b.scenario.actors["IRN"].factions
    hard = draw_param(b.streams, drawn["hard"].weight, "actors.IRN.factions.hard.weight")
    soft = draw_param(b.streams, drawn["soft"].weight, "actors.IRN.factions.soft.weight")
    over = hard + soft > 1.0
    assert 0.2 < over.mean() < 0.8  # mean sum 1.0: both cases occur in 400 runs
    # Where the draws add up to more than 1 they keep their ratio and sum to 1 ...
    assert (f.hard_weight[over, 0] + f.soft_weight[over, 0]) == pytest.approx(1.0)
    assert f.hard_weight[over, 0] == pytest.approx(hard[over] / (hard[over] + soft[over]))
    # ... elsewhere they are the draws themselves.
    assert f.hard_weight[~over, 0] == pytest.approx(hard[~over])
    assert f.soft_weight[~over, 0] == pytest.approx(soft[~over])
    # Scaling the weights leaves each side's risk tolerance as it is.
    assert f.hard_risk[:, 0] == pytest.approx(0.9)
    assert f.soft_risk[:, 0] == pytest.approx(0.1)


def test_a_scenario_whose_mean_weights_exceed_one_is_refused() -> None:
    factions = {
        "hard": {"weight": 0.7, "risk_tolerance": 0.9, "hardline": True},
        "soft": {"weight": 0.5, "risk_tolerance": 0.1},
    }
    with pytest.raises(ScenarioError, match=r"faction weights add up to 1\.2"):
        tiny({"IRN": {"role": "state", "factions": factions}})
