"""Blows (engine/blows.py): how a victim suffers a blow that has landed — it perceives it
(M11), feels what got through (M1, M6), blames someone (M5, M11), and its grievance, its
allies (M7), its red lines (M8) and its hard-liners (M9) move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.blows import Blow, suffer
from escalade.engine.world import World
from tests.engine.mechanisms.tiny import Batch, batch

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
        red_lines=[{"holder": "BLUE", "if": {"actor": "RED", "rung_at_least": 8},
                    "commits_to_rung": 8}],
    )  # fmt: skip
    blue, red, usa = b.ix("BLUE"), b.ix("RED"), b.ix("USA")
    # A rung-8 salvo on soil: 0.5 x 8 x 2.5 = 10 rungs; the US takes 0.5 x 10 = 5 (M7).
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([10.0, 10.0])
    assert b.state.grievances.grievance[:, usa, red] == pytest.approx([5.0, 5.0])
    assert b.state.red_crossed[:, 0].all()  # M8
    # M9: hard-liners gain 0.1 x (1 - 0.4) = 0.06: 0.46.
    assert b.state.hard_weight[:, blue] == pytest.approx([0.46, 0.46])
