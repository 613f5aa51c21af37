"""M7 Restraint and backing: statements in force from their day; restraint from a defender is
leverage (a cost of its own on the high rungs), from anyone else pressure (on their danger);
an ally takes a share of a blow on its protégé as its own, and a defender a share on its
protégé's account, which it answers with pressure only; an ally's commitment to join an
offensive makes the high rungs cheaper, backing every rung cheaper."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.backing import (
    alliance_obligation,
    ally_effect,
    offensive_commitment,
    restraint_cost,
    signalling_share,
    statements_in_force,
)
from tests.engine.mechanisms.tiny import batch

ACTORS: dict[str, Any] = {
    "IRN": {"role": "state"},
    "ISR": {"role": "state"},
    "USA": {"role": "state"},
    "RUS": {"role": "great_power"},
}
ALLIANCE = [{"kind": "alliance", "between": ["USA", "ISR"], "defend": 0.95, "join_offensive": 0.5}]
STATEMENTS = [
    {"by": "USA", "kind": "restraint", "toward": "ISR", "strength": 0.6},
    {"by": "USA", "kind": "backing", "toward": "ISR", "strength": 0.5, "from_day": 5},
    {"by": "RUS", "kind": "restraint", "toward": "ISR", "strength": 0.4, "from_day": 5},
]


def test_statements_count_from_the_day_they_are_made() -> None:
    b = batch(runs=2, actors=ACTORS, relations=ALLIANCE, statements=STATEMENTS)
    isr, irn = b.ix("ISR"), b.ix("IRN")
    bk = b.state.backing
    statements_in_force(b.state, b.params, day=0)
    # Day 0: the US (defend 0.95, join 0.5) urges restraint 0.6 on ISR: leverage
    # 0.6 x 0.95 x (1 - 0.5) = 0.285, pressure 0.6 x (1 - 0.95) = 0.03; no backing yet.
    assert bk.leverage[:, isr] == pytest.approx([0.285, 0.285])
    assert bk.restraint[:, isr] == pytest.approx([0.03, 0.03])
    assert bk.backing[:, isr] == pytest.approx([0.0, 0.0])
    assert bk.restraint[:, irn] == pytest.approx([0.0, 0.0])
    statements_in_force(b.state, b.params, day=5)
    # Day 5: backing 0.5; Russia (no pledge to Israel) adds 0.4 of pressure to the US's 0.03.
    assert bk.backing[:, isr] == pytest.approx([0.5, 0.5])
    assert bk.restraint[:, isr] == pytest.approx([0.43, 0.43])
    assert bk.leverage[:, isr] == pytest.approx([0.285, 0.285])


def test_two_restraint_statements_by_one_ally_add_up() -> None:
    twice = [
        {"by": "USA", "kind": "restraint", "toward": "ISR", "strength": 0.6},
        {"by": "USA", "kind": "restraint", "toward": "ISR", "strength": 0.4},
    ]
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, statements=twice)
    statements_in_force(b.state, b.params, day=0)
    # (0.6 + 0.4) x 0.95 x (1 - 0.5) = 0.475: each statement acts on its own.
    assert b.state.backing.leverage[0, b.ix("ISR")] == pytest.approx(0.475)


def test_statements_in_force_recomputes_rather_than_accumulates() -> None:
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, statements=STATEMENTS[:1])
    isr = b.ix("ISR")
    for _ in range(3):
        statements_in_force(b.state, b.params, day=0)
    assert b.state.backing.leverage[0, isr] == pytest.approx(0.285)  # not 3 x 0.285


def test_an_ally_committed_to_join_has_little_leverage() -> None:
    committed = [{**ALLIANCE[0], "join_offensive": 0.9}]
    b = batch(runs=1, actors=ACTORS, relations=committed, statements=STATEMENTS[:1])
    statements_in_force(b.state, b.params, day=0)
    # 0.6 x 0.95 x (1 - 0.9) = 0.057, against 0.285 with join_offensive 0.5.
    assert b.state.backing.leverage[0, b.ix("ISR")] == pytest.approx(0.057)


def test_a_defenders_restraint_costs_on_its_own_from_the_restraint_rung() -> None:
    model = {"restraint_weight": 1.0, "restraint_from_rung": 8, "signal_value": 0.7}
    b = batch(runs=1, actors=ACTORS, model=model)
    isr = b.ix("ISR")
    b.state.backing.leverage[:, isr] = 0.5
    cost = restraint_cost(b.state, b.params, b.runs, isr)[0]
    rung = b.params.catalog.rung
    # 1.0 x 0.5 x 0.7 = 0.35 a rung from rung 8: 0.35 at 8, 0.7 at 9, nothing below.
    assert cost[rung < 8] == pytest.approx([0.0] * int((rung < 8).sum()))
    assert cost[rung == 8] == pytest.approx([0.35] * int((rung == 8).sum()))
    assert cost[rung == 9] == pytest.approx([0.7] * int((rung == 9).sum()))
    # Pressure is not leverage: it costs nothing on its own.
    b.state.backing.leverage[:, isr] = 0.0
    b.state.backing.restraint[:, isr] = 0.9
    assert restraint_cost(b.state, b.params, b.runs, isr) == pytest.approx(0.0)


def test_an_ally_takes_its_share_of_a_blow_on_its_protege() -> None:
    b = batch(runs=2, actors=ACTORS, relations=ALLIANCE)
    usa, isr, irn = b.ix("USA"), b.ix("ISR"), b.ix("IRN")
    alliance_obligation(
        b.state, b.params, b.runs, np.full(2, isr), np.array([irn, usa]), np.array([8.0, 8.0])
    )
    # An 8-rung grievance of Israel's against Iran: the US takes what it would join, 0.5 x 8
    # = 4, as its own, and as Israel's defender (pledge 0.95) defender_share 0.5 of the rest on
    # Israel's account: 0.5 x 0.5 x 0.95 x 8 = 1.9. In all 5.9, of which 4 its own.
    gr = b.state.grievances
    assert gr.grievance[0, usa, irn] == pytest.approx(5.9)
    assert gr.own(b.runs[:1], usa, np.array([irn]), gr.grievance[:1, usa, irn]) == pytest.approx(4)
    # A blow by the ally itself leaves it no grievance against itself.
    assert b.state.grievances.grievance[1, usa, usa] == 0.0
    assert b.state.grievances.grievance[1].sum() == 0.0


def test_a_defender_holds_a_blow_on_its_partner_on_the_partners_account() -> None:
    # The US sanctioned Iran after Abqaiq (2019) and after 13 April 2024 without joining an
    # offensive: a pledge to defend alone gives defender_share x defend on the partner's account.
    defender = [{"kind": "alliance", "between": ["USA", "ISR"], "defend": 0.8}]
    actors = {**ACTORS, "HEZ": {"role": "proxy", "patron": "IRN"}}
    b = batch(runs=2, actors=actors, relations=defender, model={"defender_share": 0.5})
    usa, isr, irn, hez = b.ix("USA"), b.ix("ISR"), b.ix("IRN"), b.ix("HEZ")
    alliance_obligation(
        b.state, b.params, b.runs, np.full(2, isr), np.array([irn, hez]), np.full(2, 8.0)
    )
    gr = b.state.grievances
    assert gr.grievance[0, usa, irn] == pytest.approx(0.5 * 0.8 * 8.0)
    assert gr.own(b.runs[:1], usa, np.array([irn]), gr.grievance[:1, usa, irn]) == 0.0
    # Pressure is a state's instrument: a proxy's blow leaves the defender nothing to answer.
    assert gr.grievance[1, usa, hez] == 0.0
    none = batch(runs=1, actors=ACTORS, relations=defender, model={"defender_share": 0.0})
    alliance_obligation(
        none.state, none.params, none.runs, np.array([isr]), np.array([irn]), np.array([8.0])
    )
    assert none.state.grievances.grievance[0, usa].sum() == 0.0


def test_a_blow_on_someone_else_touches_no_ally() -> None:
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE)
    usa, isr, irn = b.ix("USA"), b.ix("ISR"), b.ix("IRN")
    alliance_obligation(
        b.state, b.params, b.runs, np.array([irn]), np.array([isr]), np.array([8.0])
    )
    assert b.state.grievances.grievance[0, usa].sum() == 0.0


def test_pressure_makes_high_rungs_dearer_and_backing_every_rung_cheaper() -> None:
    model = {"restraint_weight": 1.0, "restraint_from_rung": 8, "backing_weight": 0.3}
    b = batch(runs=1, actors=ACTORS, model=model)
    isr = b.ix("ISR")
    b.state.backing.restraint[:, isr] = 0.6
    b.state.backing.backing[:, isr] = 0.5
    effect = ally_effect(b.state, b.params, b.runs, isr)[0]
    rung = b.params.catalog.rung
    # Below rung 8: backing only, 1 - 0.3 x 0.5 = 0.85.
    # From rung 8: (1 + 1.0 x 0.6) x 0.85 = 1.6 x 0.85 = 1.36.
    assert effect[rung < 8] == pytest.approx([0.85] * int((rung < 8).sum()))
    assert effect[rung >= 8] == pytest.approx([1.36] * int((rung >= 8).sum()))


def test_without_statements_the_cost_of_every_answer_is_unchanged() -> None:
    b = batch(runs=2, actors=ACTORS)
    assert ally_effect(b.state, b.params, b.runs, b.ix("ISR")) == pytest.approx(1.0)
    assert restraint_cost(b.state, b.params, b.runs, b.ix("ISR")) == pytest.approx(0.0)


def test_backing_statements_compose_as_one_minus_the_product_of_what_is_left() -> None:
    two = [
        {"by": "USA", "kind": "backing", "toward": "ISR", "strength": 0.5},
        {"by": "RUS", "kind": "backing", "toward": "ISR", "strength": 0.4},
    ]
    b = batch(runs=1, actors=ACTORS, statements=two)
    statements_in_force(b.state, b.params, day=0)
    # 1 - (1 - 0.5) x (1 - 0.4) = 1 - 0.3 = 0.7: it saturates at 1, never adds past it.
    assert b.state.backing.backing[0, b.ix("ISR")] == pytest.approx(0.7)


def test_an_allys_commitment_to_join_makes_the_high_rungs_cheaper() -> None:
    model = {"restraint_weight": 1.0, "restraint_from_rung": 8, "backing_weight": 0.3}
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, model=model)
    isr, irn = b.ix("ISR"), b.ix("IRN")
    statements_in_force(b.state, b.params, day=0)
    assert offensive_commitment(b.params, b.runs, isr) == pytest.approx([0.5])
    assert offensive_commitment(b.params, b.runs, irn) == pytest.approx([0.0])
    effect = ally_effect(b.state, b.params, b.runs, isr)[0]
    rung = b.params.catalog.rung
    # The war is shared from rung 8 up: 1 - 0.3 x 0.5 = 0.85; below it nothing changes.
    assert effect[rung >= 8] == pytest.approx([0.85] * int((rung >= 8).sum()))
    assert effect[rung < 8] == pytest.approx([1.0] * int((rung < 8).sum()))


def test_a_joined_offensive_is_not_sized_to_the_grievance_alone() -> None:
    # Kahn's counterforce: for the share an ally would join (0.5 here, from rung 8 up) an
    # offensive is a joint campaign, not a signal, and overshooting the grievance costs only
    # 1 - 0.5 of what it costs a lone answer; below rung 8, or with no ally, all of it.
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, model={"restraint_from_rung": 8})
    rung = b.params.catalog.rung
    share = signalling_share(b.params, b.runs, b.ix("ISR"))[0]
    assert share[rung >= 8] == pytest.approx([0.5] * int((rung >= 8).sum()))
    assert share[rung < 8] == pytest.approx([1.0] * int((rung < 8).sum()))
    assert signalling_share(b.params, b.runs, b.ix("IRN")) == pytest.approx(1.0)
