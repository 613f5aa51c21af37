"""Blows (engine/blows.py): how a victim suffers a blow that has landed — it perceives it
(M11), feels what got through (M1, M6), blames someone (M5, M11), and its grievance, its
allies (M7), its red lines (M8) and its hard-liners (M9) move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.blows import (
    Blow,
    answer_lands,
    carry_out,
    land_due_strikes,
    land_triggers,
    proxy_strikes,
    suffer,
)
from escalade.engine.stakes import inducements_in_force
from escalade.engine.world import World
from tests.engine.mechanisms.tiny import Batch, batch, events

ACTORS: dict[str, Any] = {
    "RED": {"role": "state"},
    "BLUE": {
        "role": "state",
        "factions": {"hard": {"weight": 0.4, "risk_tolerance": 0.8, "hardline": True}},
    },
    "HEZ": {"role": "proxy", "patron": "RED"},
    "USA": {"role": "state"},
}
MODEL: dict[str, Any] = {
    "perception_noise": 0.0,
    "rung_weight": 0.5,
    "soil_weight": 2.5,
    "intercepted_weight": 0.5,
    "deniable_weight": 0.5,
    "attribution_to_patron": 1.0,
    "hardliner_drift": 0.1,
    "hardliner_from_rung": 6,
}


def struck(
    action: str,
    striker: str = "RED",
    landed: float = 1.0,
    soil: bool = True,
    deniable: bool | None = None,
    answer: bool = False,
    prepare: Any = None,
    **sections: Any,
) -> Batch:
    """BLUE suffers ``action`` by ``striker`` in two runs; ``deniable`` defaults to the
    action's not being overt; ``prepare(b)`` may set state before the blow lands."""
    b = batch(runs=2, actors=ACTORS, model=MODEL, **sections)
    k = b.params.catalog.find(action)
    if deniable is None:
        deniable = not bool(b.params.catalog.overt[k])
    if prepare is not None:
        prepare(b)
    n = 2
    blow = Blow(
        runs=b.runs,
        striker=np.full(n, b.ix(striker)),
        answerer=np.full(n, b.ix(striker)),
        target=np.full(n, b.ix("BLUE")),
        action=np.full(n, k),
        rung=np.full(n, b.params.catalog.rung[k]),
        deaths=np.zeros(n, dtype=np.int64),
        senior=np.zeros(n, dtype=np.int64),
        damage=np.zeros(n),
        soil=np.full(n, soil),
        landed=np.full(n, landed),
        deniable=np.full(n, deniable),
        answer=answer,
        blame=b.params.perception.attribution_to_patron,
    )
    BELIEF[id(b)] = suffer(b.state, World(b.params, b.streams, {}), 0, blow, "test")
    return b


BELIEF: dict[int, np.ndarray] = {}
"""What ``suffer`` returned for each batch ``struck`` made (by id): BLUE's new belief."""


def test_a_symbolic_strike_on_home_soil_leaves_its_victim_a_grievance() -> None:
    b = struck("symbolic_strike")
    blue, red = b.ix("BLUE"), b.ix("RED")
    # Read without noise at rung 7, all of it landed, on home soil: 0.5 x 7 x 2.5 = 8.75.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([8.75, 8.75])
    assert b.state.grievances.received_rung[:, blue, red].tolist() == [7, 7]
    assert b.state.struck.all()
    # Only the victim holds anything.
    assert b.state.grievances.grievance.sum() == pytest.approx(2 * 8.75)


def test_a_fully_intercepted_salvo_is_felt_at_intercepted_weight() -> None:
    b = struck("symbolic_strike", landed=0.0)
    # Felt at 0.5 x rung 7 = 3.5 rungs: 0.5 x 3.5 x 2.5 = 4.375.
    assert b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] == pytest.approx([4.375] * 2)


def test_an_unacknowledged_blow_by_a_state_is_played_down() -> None:
    b = struck("covert_sabotage")  # rung 3, deniable, on soil
    # 0.5 x 3 x 2.5 = 3.75, felt at deniable_weight 0.5: 1.875.
    assert b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] == pytest.approx([1.875] * 2)


def test_a_proxys_deniable_attack_is_felt_in_full_and_blamed_on_its_patron() -> None:
    b = struck("proxy_attack", striker="HEZ", soil=False)  # rung 4, deniable
    blue, red, hez = b.ix("BLUE"), b.ix("RED"), b.ix("HEZ")
    # attribution_to_patron 1: RED is blamed; not played down: 0.5 x 4 = 2.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([2.0, 2.0])
    assert b.state.grievances.grievance[:, blue, hez] == pytest.approx([0.0, 0.0])


def test_allies_red_lines_and_hardliners_follow_the_blow() -> None:
    b = struck(
        "large_salvo",
        relations=[{"kind": "alliance", "between": ["USA", "BLUE"], "join_offensive": 0.5}],
        red_lines=[
            {"holder": "BLUE", "if": {"actor": "RED", "rung_at_least": 8}, "commits_to_rung": 8}
        ],
    )
    blue, red, usa = b.ix("BLUE"), b.ix("RED"), b.ix("USA")
    # A rung-8 salvo on soil: 0.5 x 8 x 2.5 = 10 rungs; the US takes 0.5 x 10 = 5 (M7).
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([10.0, 10.0])
    assert b.state.grievances.grievance[:, usa, red] == pytest.approx([5.0, 5.0])
    assert b.state.red_crossed[:, 0].all()  # M8
    # M9: hard-liners gain 0.1 x (1 - 0.4) = 0.06: 0.46.
    assert b.state.hard_weight[:, blue] == pytest.approx([0.46, 0.46])


def prior_odds_times(log_ratio: float, prior: float = 0.5) -> float:
    """The posterior from ``prior`` after evidence of log likelihood ratio ``log_ratio``."""
    odds = prior / (1.0 - prior) * np.exp(log_ratio)
    return float(odds / (1.0 + odds))


def test_the_victim_records_the_felt_rung_and_learns_the_culprits_resolve_from_it() -> None:
    b = struck("symbolic_strike")
    blue, red = b.ix("BLUE"), b.ix("RED")
    # Read without noise, all of it landed: felt at rung 7.
    assert b.state.grievances.felt[:, blue, red] == pytest.approx([7.0, 7.0])
    # M14 at the defaults (prior 0.5, belief_signal 3, pivot rung 5, top rung 13): a blow felt
    # at 7 multiplies the odds by exp(3 x (7 - 5) / 13) = exp(0.4615): 0.5 -> 0.6134.
    expected = prior_odds_times(3.0 * 2.0 / 13.0)
    assert expected == pytest.approx(0.6134, abs=1e-4)
    assert BELIEF[id(b)] == pytest.approx([expected] * 2)
    assert b.state.resolve_belief[:, blue, red] == pytest.approx([expected] * 2)
    assert b.state.resolve_belief[:, red, blue] == pytest.approx([0.5, 0.5])  # RED learnt nothing


def test_an_intercepted_blow_points_to_restraint() -> None:
    b = struck("symbolic_strike", landed=0.0)
    blue, red = b.ix("BLUE"), b.ix("RED")
    # Felt at 0.5 x 7 = 3.5, below the pivot rung 5: exp(3 x (3.5 - 5) / 13) lowers the odds.
    assert b.state.grievances.felt[:, blue, red] == pytest.approx([3.5, 3.5])
    assert BELIEF[id(b)] == pytest.approx([prior_odds_times(3.0 * -1.5 / 13.0)] * 2)
    assert BELIEF[id(b)][0] < 0.5


def test_an_owned_strike_left_unacknowledged_is_played_down_like_a_covert_one() -> None:
    b = struck("symbolic_strike", deniable=True)
    blue, red = b.ix("BLUE"), b.ix("RED")
    # 0.5 x 7 x 2.5 = 8.75 at deniable_weight 0.5: 4.375, felt at 0.5 x 7 = 3.5 rungs.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([4.375] * 2)
    assert b.state.grievances.felt[:, blue, red] == pytest.approx([3.5, 3.5])
    assert b.state.grievances.received_rung[:, blue, red].tolist() == [7, 7]


def test_an_answer_no_bigger_than_expected_weighs_less_on_the_side_that_struck_first() -> None:
    def blue_struck_first(b: Batch) -> None:
        b.state.grievances.received_rung[:, b.ix("RED"), b.ix("BLUE")] = [7, 5]

    b = struck("symbolic_strike", answer=True, prepare=blue_struck_first)
    blue, red = b.ix("BLUE"), b.ix("RED")
    # RED answers BLUE's rung-7 blow with a rung-7 strike: within answered_margin 1, expected,
    # weighs answered_weight 0.25: 0.25 x 8.75 = 2.1875. After a rung-5 blow, rung 7 is more
    # than 5 + 1: felt in full, 8.75.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([2.1875, 8.75])


def test_a_blow_that_answers_nothing_is_felt_in_full() -> None:
    # A proxy's own attack (harassment) is never an answer, even after a blow by its victim.
    def blue_struck_first(b: Batch) -> None:
        b.state.grievances.received_rung[:, b.ix("RED"), b.ix("BLUE")] = 7

    b = struck("symbolic_strike", answer=False, prepare=blue_struck_first)
    assert b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] == pytest.approx([8.75] * 2)


# --- landing: the trigger, scheduled answers and proxies' own attacks ------------------------

SALVO: dict[str, Any] = {
    "munitions": {
        "missile": {
            "kind": "mrbm",
            "flight_time_hours": 0.2,
            "failure_rate": 0.0,
            "unit_cost_usd": 1.0e6,
        }
    },
    "actors": {
        "RED": {
            "role": "state",
            "arsenal": {"missile": 30},
            "packages": {"large_salvo": {"missile": 20}},
        },
        "BLUE": {
            "role": "state",
            "defence": {
                "layers": [
                    {
                        "name": "wall",
                        "owner": "BLUE",
                        "engages": ["missile"],
                        "kill_probability": 1.0,
                        "shots_per_threat": 1,
                        "capacity_per_wave": 1000,
                        "stock": 1000,
                        "unit_cost_usd": 1.0e6,
                        "unwarned_readiness": 1.0,
                    },
                ]
            },
        },
    },
}
QUIET: dict[str, Any] = {**MODEL, "declare_end_probability": 0.0, "learning_rate": 0.5}


def test_the_trigger_lands_on_its_day_in_every_run() -> None:
    b = batch(
        runs=2,
        model=QUIET,
        initial_events=[
            {
                "day": 2,
                "actor": "RED",
                "action": "targeted_killing_abroad",
                "target": "BLUE",
                "soil_equivalent": True,
            }
        ],
    )
    w = World(b.params, b.streams, {})
    land_triggers(b.state, w, 1, b.log)
    assert not b.state.struck.any()  # not yet
    land_triggers(b.state, w, 2, b.log)
    # A rung-6 killing on what BLUE counts as its soil (a consulate), no one killed:
    # 0.5 x 6 x 2.5 = 7.5.
    assert b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] == pytest.approx([7.5] * 2)
    assert events(b.log, "trigger")["run"].tolist() == [0, 1]


def test_a_trigger_that_answers_an_earlier_initial_event_settles_and_is_felt_as_an_answer() -> None:
    # E16: Iran struck Pakistan on day 0, Pakistan answered in kind on day 2. Pakistan's scripted
    # answer settles its own account as a decided one would (rung 7 >= settle_ratio 1 x the felt
    # rung 7): nothing is left of the 8.75 Iran's strike gave it. For Iran, Pakistan's strike is
    # the expected answer to its own (rung 7 within answered_margin 1 of its rung-7 blow) and
    # weighs answered_weight 0.25: 0.25 x 0.5 x 7 x 2.5 = 2.1875.
    strike = {"action": "symbolic_strike", "soil_equivalent": True}
    b = batch(
        runs=2,
        model={**QUIET, "answered_weight": 0.25, "answered_margin": 1.0},
        initial_events=[
            {"day": 0, "actor": "BLUE", "target": "RED", **strike},
            {"day": 2, "actor": "RED", "target": "BLUE", **strike},
        ],
    )
    w = World(b.params, b.streams, {})
    red, blue = b.ix("RED"), b.ix("BLUE")
    for day in range(2):
        land_triggers(b.state, w, day, b.log)
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([8.75] * 2)  # in full
    land_triggers(b.state, w, 2, b.log)
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([0.0] * 2)  # settled
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([2.1875] * 2)


def test_an_answer_that_lands_settles_honours_and_forfeits() -> None:
    # RED answers BLUE at rung 7 in run 0 and at rung 5 in run 1. RED holds 8.75 of grievance
    # from a blow it felt at rung 7, a red line crossed by BLUE that commits it to rung 7, and
    # an offer that it forfeits by striking above rung 6.
    b = batch(
        runs=2,
        model={**QUIET, "discharge": 1.0},
        red_lines=[{"holder": "RED", "if": {"actor": "BLUE", "rung_at_least": 7},
                    "commits_to_rung": 7}],
        inducements=[{"to": "RED", "kind": "talks", "value": 0.2, "above_rung": 6}],
    )  # fmt: skip
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.grievance[:, red, blue] = 8.75
    b.state.grievances.felt[:, red, blue] = 7.0
    b.state.red_crossed[:] = True
    inducements_in_force(b.state, b.params, day=0)
    answer_lands(b.state, b.params, b.runs, red, np.full(2, blue), np.array([7, 5]))
    # Run 0: rung 7 >= settle_ratio 1 x 7 settles the account, meets the line and forfeits the
    # offer; run 1: rung 5 discharges 1 x 5 of 8.75 and leaves the line crossed and the offer.
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([0.0, 3.75])
    assert b.state.red_crossed[:, 0].tolist() == [False, True]
    assert b.state.on_offer.lost[:, 0].tolist() == [True, False]


def test_a_scripted_blow_after_a_decided_answer_is_felt_in_full() -> None:
    # RED's scripted strike on day 2 follows a (here: recorded) blow of BLUE's that was not an
    # initial event: it answers nothing the scenario coded, and is felt in full.
    b = batch(
        runs=2,
        model=QUIET,
        initial_events=[
            {"day": 2, "actor": "RED", "target": "BLUE", "action": "symbolic_strike",
             "soil_equivalent": True}
        ],
    )  # fmt: skip
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.received_rung[:, red, blue] = 7  # BLUE struck RED on day 1
    land_triggers(b.state, World(b.params, b.streams, {}), 2, b.log)
    assert not b.params.triggers.answers.any()
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([8.75] * 2)


def test_a_scheduled_answer_lands_on_its_day_and_discharges_the_answerers_grievance() -> None:
    b = batch(runs=2, model={**QUIET, "discharge": 1.0, "damage_weight": 0.25})
    red, blue = b.ix("RED"), b.ix("BLUE")
    k = b.params.catalog.find("symbolic_strike")
    o = b.state.orders
    o.day[:, red], o.action[:, red], o.target[:, red] = [4, 5], k, blue
    b.state.grievances.grievance[:, red, blue] = 10.0
    b.state.grievances.felt[:, red, blue] = 8.0  # RED felt BLUE's last blow at rung 8
    land_due_strikes(b.state, World(b.params, b.streams, {}), 4, b.log)
    # Run 0: RED's rung-7 strike lands, short of settle_ratio 1 x 8 = 8: it discharges 7 and
    # 10 - 7 = 3 is left; BLUE's grievance, from fixed
    # effects (no package: damage 1, no deaths), is 0.5 x 7 x 2.5 + 0.25 x log(1 + 1) = 8.9233.
    assert b.state.grievances.grievance[:, red, blue] == pytest.approx([3.0, 10.0])
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([8.75 + 0.25 * np.log(2), 0])
    assert o.day[:, red].tolist() == [-1, 5]  # run 1's answer is still on its way
    assert events(b.log, "strike")["run"].tolist() == [0]


def test_a_salvo_spends_munitions_meets_the_defences_and_teaches_the_attacker() -> None:
    b = batch(runs=1, model=QUIET, **SALVO)
    red, blue = b.ix("RED"), b.ix("BLUE")
    w = World(b.params, b.streams, {})
    k = b.params.catalog.find("large_salvo")
    b.state.orders.target[:, red] = blue
    carry_out(b.state, w, 3, b.log, red, k, b.runs, own_initiative=False)
    # 20 of 30 missiles fired, all 20 shot down: the attacker's belief moves from 0.5 to
    # 0.5 x 0.5 + 0.5 x 1 = 0.75 (M14); the victim feels the intercepted rung-8 salvo at half
    # its rung: 0.5 x (8 x 0.5) x 2.5 = 5.
    assert b.state.arsenals.stocks[0, red].sum() == 10
    strike = events(b.log, "strike")
    assert strike["size"].tolist() == [20] and strike["intercepted"].tolist() == [20]
    assert b.state.belief_interception[0, red] == pytest.approx(0.75)
    assert b.state.grievances.grievance[0, blue, red] == pytest.approx(5.0)
    carry_out(b.state, w, 4, b.log, red, k, b.runs, own_initiative=False)
    assert events(b.log, "strike")["size"].tolist() == [20, 10]  # what was left
    carry_out(b.state, w, 5, b.log, red, k, b.runs, own_initiative=False)
    assert len(events(b.log, "strike")["run"]) == 2  # no munitions, no strike


def test_a_proxys_own_attack_is_harassment_and_discharges_nothing() -> None:
    actors = {**ACTORS, "HEZ": {"role": "proxy", "patron": "RED"}}
    hostile = [{"kind": "hostility", "between": ["HEZ", "BLUE"], "intensity": 0.9}]
    b = batch(runs=2, actors=actors, relations=hostile, model={**QUIET, "attribution_to_patron": 0})
    hez, blue = b.ix("HEZ"), b.ix("BLUE")
    b.state.grievances.grievance[:, hez, blue] = 6.0
    proxy_strikes(b.state, World(b.params, b.streams, {}), 2, b.log, hez, np.array([1]))
    h = events(b.log, "harassment")
    assert h["run"].tolist() == [1] and h["actor"].tolist() == [hez]
    assert h["action"].tolist() == [b.params.catalog.find("proxy_attack")]
    # Rung 4, not on soil, felt in full and blamed on HEZ: 0.5 x 4 = 2 plus the fixed damage
    # 0.25 x log(1 + 1) and casualties 0.15 x log(1 + deaths) for the Poisson deaths drawn.
    deaths = int(h["deaths"][0])
    expected = 2.0 + 0.25 * np.log(2.0) + 0.15 * np.log1p(deaths)
    assert b.state.grievances.grievance[1, blue, hez] == pytest.approx(expected)
    assert b.state.grievances.grievance[:, hez, blue] == pytest.approx([6.0, 6.0])


def test_without_a_harassment_action_a_proxy_does_nothing_on_its_own() -> None:
    actors = {**ACTORS, "HEZ": {"role": "proxy", "patron": "RED"}}
    b = batch(runs=1, actors=actors, model={**QUIET, "harassment_action": None})
    proxy_strikes(b.state, World(b.params, b.streams, {}), 2, b.log, b.ix("HEZ"), b.runs)
    assert len(b.log.arrays()["run"]) == 0


def test_a_trigger_the_scenario_marks_unacknowledged_is_played_down() -> None:
    trigger = {
        "day": 0,
        "actor": "RED",
        "action": "symbolic_strike",
        "target": "BLUE",
        "acknowledged": False,
    }
    b = batch(runs=2, model=QUIET, initial_events=[trigger])
    land_triggers(b.state, World(b.params, b.streams, {}), 0, b.log)
    # An overt rung-7 strike on soil, disowned: 0.5 x 7 x 2.5 x 0.5 = 4.375 (Isfahan, E8).
    assert b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] == pytest.approx([4.375] * 2)
    trig = events(b.log, "trigger")
    # The event carries BLUE's new belief: felt at 3.5, exp(3 x (3.5 - 5) / 13) on odds 1.
    assert trig["belief"] == pytest.approx([prior_odds_times(3.0 * -1.5 / 13.0)] * 2)


def test_a_disowned_trigger_is_logged_as_unacknowledged() -> None:
    trigger = {
        "day": 0,
        "actor": "RED",
        "action": "symbolic_strike",
        "target": "BLUE",
        "acknowledged": False,
    }
    b = batch(runs=1, model=QUIET, initial_events=[trigger])
    land_triggers(b.state, World(b.params, b.streams, {}), 0, b.log)
    assert events(b.log, "trigger")["owned"].tolist() == [0]


def test_a_strike_left_unacknowledged_is_logged_so_with_the_victims_belief() -> None:
    b = batch(runs=2, model=QUIET)
    red, blue = b.ix("RED"), b.ix("BLUE")
    k = b.params.catalog.find("symbolic_strike")
    b.state.orders.target[:, red] = blue
    b.state.orders.unacknowledged[:, red] = [True, False]
    carry_out(b.state, World(b.params, b.streams, {}), 3, b.log, red, k, b.runs, False)
    strike = events(b.log, "strike")
    assert strike["owned"].tolist() == [0, 1]
    # Felt at 0.5 x 7 = 3.5 when disowned, at 7 when owned.
    assert strike["belief"] == pytest.approx(
        [prior_odds_times(3.0 * -1.5 / 13.0), prior_odds_times(3.0 * 2.0 / 13.0)]
    )
    assert strike["belief"] == pytest.approx(b.state.resolve_belief[:, blue, red])
