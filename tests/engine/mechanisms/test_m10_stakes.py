"""M10 Stakes and inducements: inducements are at stake from their day (until delivered, if
conditional), their values are shares of the receiver's war cost, the war cost weighs stakes,
war aversion, risk tolerance and the days already at war, and striking above an inducement's
rung forfeits it for good."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.stakes import (
    forfeit,
    forfeit_inducements,
    inducements_in_force,
    war_cost_scale,
)
from tests.engine.mechanisms.tiny import batch

ACTORS: dict[str, Any] = {
    "IRN": {
        "role": "state",
        "leader": {"risk_tolerance": 0.4, "war_aversion": 0.8},
        "stakes": {"oil_exports_bpd": 1.5e6, "value_at_risk": 1.0},
    },
    "ISR": {"role": "state"},
}
INDUCEMENTS = [
    {"to": "IRN", "kind": "gaza_ceasefire", "value": 0.2, "above_rung": 7},
    {"to": "IRN", "kind": "nuclear_talks", "value": 0.3, "above_rung": 6, "from_day": 4},
]


def test_inducements_are_at_stake_from_their_day() -> None:
    b = batch(runs=2, actors=ACTORS, inducements=INDUCEMENTS)
    inducements_in_force(b.state, b.params, day=0)
    assert b.state.on_offer.active.tolist() == [[True, False]] * 2
    inducements_in_force(b.state, b.params, day=4)
    assert b.state.on_offer.active.tolist() == [[True, True]] * 2
    assert not b.state.on_offer.lost.any()


def test_a_conditional_offer_is_delivered_after_hold_days_and_no_longer_at_stake() -> None:
    ind = [{"to": "IRN", "kind": "talks", "value": 0.2, "above_rung": 7, "from_day": 2,
            "hold_days": 5}]  # fmt: skip
    b = batch(runs=1, actors=ACTORS, inducements=ind)
    assert b.params.stakes.inducements.until_day.tolist() == [7]  # 2 + 5
    for day, expected in [(1, False), (2, True), (6, True), (7, False)]:
        inducements_in_force(b.state, b.params, day=day)
        assert b.state.on_offer.active[0, 0] == expected, day


def test_striking_above_the_rung_forfeits_the_inducement_for_good() -> None:
    b = batch(runs=3, actors=ACTORS, inducements=INDUCEMENTS)
    irn = b.ix("IRN")
    inducements_in_force(b.state, b.params, day=4)
    forfeit_inducements(b.state, b.params, b.runs, irn, np.array([8, 7, 6]))
    # Rung 8 is above both rungs (7, 6); rung 7 above the talks' 6 only; rung 6 above neither.
    assert b.state.on_offer.lost.tolist() == [[True, True], [False, True], [False, False]]
    assert b.state.on_offer.active.tolist() == [[False, False], [True, False], [True, True]]
    inducements_in_force(b.state, b.params, day=5)  # what is lost is not offered again
    assert b.state.on_offer.active.tolist() == [[False, False], [True, False], [True, True]]
    forfeit_inducements(b.state, b.params, b.runs, b.ix("ISR"), np.array([13, 13, 13]))
    assert b.state.on_offer.lost[2].tolist() == [False, False]  # nothing offered to Israel


def test_an_answer_forfeits_the_value_at_stake_in_units_of_the_war_cost() -> None:
    b = batch(runs=1, actors=ACTORS, inducements=INDUCEMENTS)
    inducements_in_force(b.state, b.params, day=4)
    lost = forfeit(b.state, b.params, b.runs, b.ix("IRN"), np.array([10.0]))[0]
    rung = b.params.catalog.rung
    # War cost 10: above rung 7 both are lost, (0.2 + 0.3) x 10 = 5; at rung 7, the talks:
    # 0.3 x 10 = 3; at rung 6 and below nothing.
    assert lost[rung > 7] == pytest.approx([5.0] * int((rung > 7).sum()))
    assert lost[rung == 7] == pytest.approx([3.0] * int((rung == 7).sum()))
    assert lost[rung <= 6] == pytest.approx([0.0] * int((rung <= 6).sum()))
    assert forfeit(b.state, b.params, b.runs, b.ix("ISR"), np.array([10.0])) == pytest.approx(0.0)


def test_a_war_costs_war_cost_x_stakes_x_aversion_x_the_risk_not_tolerated() -> None:
    b = batch(runs=2, actors=ACTORS, model={"war_cost": 40.0, "oil_stakes_weight": 0.3})
    irn, isr = b.ix("IRN"), b.ix("ISR")
    # Stakes: value_at_risk 1 + 0.3 x 1.5 million barrels a day = 1.45.
    assert b.params.stakes.stakes[:, irn] == pytest.approx([1.45, 1.45])
    # 40 x 1.45 x 0.8 x (1 - 0.4) = 27.84.
    assert war_cost_scale(b.state, b.params, b.runs, irn) == pytest.approx([27.84, 27.84])
    # Israel at the defaults: 40 x 1 x 0.7 x (1 - 0.4) = 16.8.
    assert war_cost_scale(b.state, b.params, b.runs, isr) == pytest.approx([16.8, 16.8])


def test_each_day_at_war_makes_more_war_cost_more() -> None:
    model = {"war_cost": 40.0, "oil_stakes_weight": 0.3, "war_weariness": 0.05}
    b = batch(runs=2, actors=ACTORS, model=model)
    b.state.war_days[:] = [0, 10]
    # 27.84 x (1 + 0.05 x 10) = 41.76 after ten days at war.
    assert war_cost_scale(b.state, b.params, b.runs, b.ix("IRN")) == pytest.approx([27.84, 41.76])


def test_hardliners_who_tolerate_more_risk_make_war_look_cheaper() -> None:
    actors = {
        **ACTORS,
        "IRN": {
            **ACTORS["IRN"],
            "factions": {"hard": {"weight": 0.5, "risk_tolerance": 0.8, "hardline": True}},
        },
    }
    b = batch(runs=1, actors=actors, model={"war_cost": 40.0, "oil_stakes_weight": 0.3})
    # Risk tolerance 0.5 x 0.4 + 0.5 x 0.8 = 0.6: 40 x 1.45 x 0.8 x 0.4 = 18.56.
    assert war_cost_scale(b.state, b.params, b.runs, b.ix("IRN")) == pytest.approx([18.56])
    b.state.hard_weight[0, b.ix("IRN")] = 0.75
    # Hard-liners at 0.75: 0.25 x 0.4 + 0.75 x 0.8 = 0.7: 40 x 1.45 x 0.8 x 0.3 = 13.92.
    assert war_cost_scale(b.state, b.params, b.runs, b.ix("IRN")) == pytest.approx([13.92])
