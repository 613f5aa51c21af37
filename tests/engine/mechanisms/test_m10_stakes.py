"""M10 Stakes and inducements: inducements on offer add up from their day, the war cost
weighs stakes, war aversion and risk tolerance, and striking above an inducement's rung
forfeits it."""

from __future__ import annotations

from typing import Any

import pytest

from escalade.engine.stakes import NO_RUNG_LIMIT, forfeit, inducements_in_force, war_cost_scale
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
    {"to": "IRN", "kind": "gaza_ceasefire", "value": 2.0, "above_rung": 7},
    {"to": "IRN", "kind": "nuclear_talks", "value": 3.0, "above_rung": 6, "from_day": 4},
]


def test_inducements_add_up_from_their_day_and_the_lowest_rung_forfeits_them() -> None:
    b = batch(runs=2, actors=ACTORS, inducements=INDUCEMENTS)
    irn, isr = b.ix("IRN"), b.ix("ISR")
    offer = b.state.on_offer
    inducements_in_force(b.state, b.params, day=0)
    assert offer.value[:, irn] == pytest.approx([2.0, 2.0])
    assert offer.forfeit_above[irn] == 7
    inducements_in_force(b.state, b.params, day=4)
    # Day 4: 2 + 3 = 5 on offer, forfeited above min(7, 6) = rung 6.
    assert offer.value[:, irn] == pytest.approx([5.0, 5.0])
    assert offer.forfeit_above[irn] == 6
    # Nothing is offered to Israel: no strike of its forfeits anything.
    assert offer.value[:, isr] == pytest.approx([0.0, 0.0])
    assert offer.forfeit_above[isr] == NO_RUNG_LIMIT


def test_striking_above_the_inducements_rung_forfeits_its_value() -> None:
    b = batch(runs=1, actors=ACTORS, inducements=INDUCEMENTS)
    inducements_in_force(b.state, b.params, day=0)
    lost = forfeit(b.state, b.params, b.runs, b.ix("IRN"))[0]
    rung = b.params.catalog.rung
    # On offer: 2, forfeited by any answer above rung 7 (large salvo and up).
    assert lost[rung > 7] == pytest.approx([2.0] * int((rung > 7).sum()))
    assert lost[rung <= 7] == pytest.approx([0.0] * int((rung <= 7).sum()))
    assert forfeit(b.state, b.params, b.runs, b.ix("ISR")) == pytest.approx(0.0)


def test_a_war_costs_war_cost_x_stakes_x_aversion_x_the_risk_not_tolerated() -> None:
    b = batch(runs=2, actors=ACTORS, model={"war_cost": 40.0, "oil_stakes_weight": 0.3})
    irn, isr = b.ix("IRN"), b.ix("ISR")
    # Stakes: value_at_risk 1 + 0.3 x 1.5 million barrels a day = 1.45.
    assert b.params.stakes.stakes[:, irn] == pytest.approx([1.45, 1.45])
    # 40 x 1.45 x 0.8 x (1 - 0.4) = 27.84.
    assert war_cost_scale(b.state, b.params, b.runs, irn) == pytest.approx([27.84, 27.84])
    # Israel at the defaults: 40 x 1 x 0.7 x (1 - 0.4) = 16.8.
    assert war_cost_scale(b.state, b.params, b.runs, isr) == pytest.approx([16.8, 16.8])


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
