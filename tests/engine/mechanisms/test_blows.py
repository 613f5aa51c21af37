"""Blows (engine/blows.py): how a victim suffers a blow that has landed — it perceives it
(M11), feels what got through (M1, M6), blames someone (M5, M11), and its grievance, its
allies (M7), its red lines (M8) and its hard-liners (M9) move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.blows import (
    Blow,
    carry_out,
    land_due_strikes,
    land_triggers,
    proxy_strikes,
    suffer,
)
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
    action: str, striker: str = "RED", landed: float = 1.0, soil: bool = True, **sections: Any
) -> Batch:
    b = batch(runs=2, actors=ACTORS, model=MODEL, **sections)
    k = b.params.catalog.find(action)
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
    )
    suffer(b.state, World(b.params, b.streams, {}), 0, blow, "test")
    return b


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


def test_a_scheduled_answer_lands_on_its_day_and_discharges_the_answerers_grievance() -> None:
    b = batch(runs=2, model={**QUIET, "discharge": 1.0, "damage_weight": 0.25})
    red, blue = b.ix("RED"), b.ix("BLUE")
    k = b.params.catalog.find("symbolic_strike")
    o = b.state.orders
    o.day[:, red], o.action[:, red], o.target[:, red] = [4, 5], k, blue
    b.state.grievances.grievance[:, red, blue] = 10.0
    land_due_strikes(b.state, World(b.params, b.streams, {}), 4, b.log)
    # Run 0: RED's rung-7 strike lands: its grievance 10 - 7 = 3 is left; BLUE's, from fixed
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
