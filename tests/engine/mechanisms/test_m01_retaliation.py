"""M1 Retaliation obligation: a blow leaves its victim a grievance against the striker; the
grievance fades, is discharged by an answer, and makes the leader convene to decide."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.engine.retaliation import (
    answered_share,
    blow_grievance,
    convenes,
    decay_grievance,
    discharge_obligation,
    felt_share,
    played_down_share,
)
from tests.engine.mechanisms.tiny import batch, binomial_tolerance

WEIGHTS = {
    "rung_weight": 0.5,
    "soil_weight": 2.5,
    "senior_weight": 1.5,
    "casualty_weight": 0.15,
    "casualty_unit": 3.0,
    "damage_weight": 0.25,
    "damage_unit": 2.0,
}


def test_a_blow_on_home_soil_weighs_soil_weight_times_more() -> None:
    b = batch(runs=2, model=WEIGHTS)
    g = blow_grievance(
        b.params,
        b.runs,
        perceived_rung=np.array([7.0, 7.0]),
        soil=np.array([True, False]),
        deaths=np.zeros(2, dtype=np.int64),
        senior=np.zeros(2, dtype=np.int64),
        damage=np.zeros(2),
    )
    # A rung-7 strike on home soil with soil_weight 2.5 and rung_weight 0.5 leaves
    # 0.5 x 7 x 2.5 = 8.75 rungs; the same strike elsewhere 0.5 x 7 = 3.5.
    assert g == pytest.approx([8.75, 3.5])


def test_senior_figures_deaths_and_damage_add_to_the_grievance() -> None:
    b = batch(runs=1, model=WEIGHTS)
    g = blow_grievance(
        b.params,
        b.runs,
        perceived_rung=np.array([6.0]),
        soil=False,
        deaths=np.array([3]),
        senior=np.array([2]),
        damage=np.array([6.0]),
    )
    # A rung-6 killing abroad of 2 senior figures among 3 dead, with 6 damage units:
    # 0.5 x 6 + 1.5 x 2 + 0.15 x log(1 + 3/3) + 0.25 x log(1 + 6/2)
    # = 3 + 3 + 0.15 x 0.6931 + 0.25 x 1.3863 = 6 + 0.1040 + 0.3466 = 6.4505
    assert g[0] == pytest.approx(3.0 + 3.0 + 0.15 * np.log(2.0) + 0.25 * np.log(4.0))
    assert g[0] == pytest.approx(6.4505, abs=1e-4)


def test_an_intercepted_salvo_is_felt_at_intercepted_weight_of_its_rung() -> None:
    b = batch(runs=5, model={"intercepted_weight": 0.4})
    felt = felt_share(b.params, b.runs, np.array([0.0, 1.0, 0.5, 1.7, -0.3]))
    # All stopped: 0.4; all landed: 1; half landed: 0.4 + 0.6 x 0.5 = 0.7;
    # shares outside [0, 1] are clipped to 1 and 0.
    assert felt == pytest.approx([0.4, 1.0, 0.7, 1.0, 0.4])


def test_an_unacknowledged_blow_by_a_state_is_felt_at_deniable_weight() -> None:
    b = batch(runs=2, model={"deniable_weight": 0.3})
    share = played_down_share(b.params, b.runs, np.array([True, False]))
    assert share == pytest.approx([0.3, 1.0])


def test_talk_discharges_discharge_times_its_rung_and_never_below_zero() -> None:
    b = batch(runs=3, model={"discharge": 0.5})
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.grievance[:, blue, red] = [8.75, 0.4, 8.75]
    b.state.grievances.felt[:, blue, red] = 7.0
    discharge_obligation(
        b.state, b.params, b.runs[:2], blue, np.array([red, red]), np.array([1, 1]), attack=False
    )
    # A threat (rung 1): 8.75 - 0.5 x 1 = 8.25; 0.4 - 0.5 < 0 leaves 0; run 2 was not answered.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([8.25, 0.0, 8.75])
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([0.0, 0.0, 0.0])


def test_talk_never_settles_the_account_however_high_its_rung() -> None:
    b = batch(runs=1, model={"discharge": 0.5, "settle_ratio": 0.0})
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.grievance[:, blue, red] = 8.75
    discharge_obligation(b.state, b.params, b.runs, blue, np.array([red]), np.array([2]), False)
    # Settling takes an attack: talk at rung 2 only discharges 0.5 x 2 = 1: 7.75 left.
    assert b.state.grievances.grievance[0, blue, red] == pytest.approx(7.75)


def test_an_attack_of_settle_ratio_times_the_felt_rung_settles_the_account() -> None:
    b = batch(runs=3, model={"discharge": 0.5, "settle_ratio": 0.8})
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.grievance[:, blue, red] = 8.75
    b.state.grievances.felt[:, blue, red] = [7.0, 7.0, 10.0]
    discharge_obligation(
        b.state, b.params, b.runs, blue, np.array([red] * 3), np.array([6, 5, 7]), attack=True
    )
    # Settled at 0.8 x 7 = 5.6 rungs or more: rung 6 settles (0); rung 5 falls short and
    # discharges 0.5 x 5 = 2.5: 6.25 left; after a blow felt at 10 (settle at 8), rung 7
    # discharges 3.5: 5.25 left.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([0.0, 6.25, 5.25])


def test_an_answer_no_bigger_than_expected_weighs_answered_weight_on_the_first_striker() -> None:
    b = batch(runs=4, model={"answered_weight": 0.25, "answered_margin": 1.0})
    red, blue = b.ix("RED"), b.ix("BLUE")
    # RED struck BLUE at rung 7 (runs 0-2); in run 3 RED never struck BLUE.
    b.state.grievances.received_rung[:, blue, red] = [7, 7, 7, 0]
    share = answered_share(
        b.state, b.params, b.runs, np.array([red] * 4), np.array([blue] * 4), np.array([7, 8, 9, 7])
    )
    # BLUE answers RED: at 7 or 8 (at most 7 + 1) it was expected and weighs 0.25 on RED;
    # at 9 it is felt in full; an answer to nothing (run 3) is a first blow, felt in full.
    assert share == pytest.approx([0.25, 0.25, 1.0, 1.0])


def test_an_unanswered_grievance_fades_by_grievance_decay_a_day() -> None:
    b = batch(runs=2, model={"grievance_decay": 0.1})
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.add(b.runs, blue, red, 10.0)
    b.state.grievances.add(b.runs, red, blue, 4.0)
    decay_grievance(b.state, b.params)
    decay_grievance(b.state, b.params)
    # Two days at 10% a day: 10 x 0.9 x 0.9 = 8.1, and 4 x 0.81 = 3.24.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([8.1, 8.1])
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([3.24, 3.24])


@pytest.mark.parametrize("rate, expected", [(1.0, True), (0.0, False)])
def test_a_leader_convenes_with_certainty_at_rate_one_and_never_at_zero(
    rate: float, expected: bool
) -> None:
    b = batch(runs=50, model={"decision_rate": rate})
    met = convenes(b.params, b.streams, day=3)
    assert met.shape == (50, 2)  # one column per deciding actor (RED, BLUE)
    assert (met == expected).all()


def test_only_deciding_actors_convene() -> None:
    actors = {"RED": {"role": "state", "policy": {"name": "none"}}, "BLUE": {"role": "state"}}
    b = batch(runs=5, actors=actors, model={"decision_rate": 1.0})
    assert b.params.deciders.tolist() == [b.ix("BLUE")]
    assert convenes(b.params, b.streams, day=0).shape == (5, 1)


def test_a_leader_convenes_on_a_share_decision_rate_of_days() -> None:
    n = 4000
    b = batch(runs=n, model={"decision_rate": 0.3})
    met = convenes(b.params, b.streams, day=5)
    # Each column is a share of 4000 runs: 3 s.e. = 3 x sqrt(0.3 x 0.7 / 4000) = 0.022.
    for j in range(met.shape[1]):
        assert abs(met[:, j].mean() - 0.3) < binomial_tolerance(0.3, n)
    # RED's and BLUE's draws are their own streams: they do not coincide.
    assert not np.array_equal(met[:, 0], met[:, 1])
