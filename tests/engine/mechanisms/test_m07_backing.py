"""M7 Restraint and backing: statements in force from their day; an ally takes a share of a
blow on its protégé as its own; restraint makes high rungs dearer, backing every rung cheaper."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.backing import (
    alliance_obligation,
    ally_effect,
    backing_in_force,
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
    usa, isr, irn = b.ix("USA"), b.ix("ISR"), b.ix("IRN")
    bk = b.state.backing
    statements_in_force(b.state, b.params, day=0)
    # Day 0: restraint 0.6 toward ISR; the US takes a blow on Israel as its own only by
    # join_offensive x (1 - strength) = 0.5 x (1 - 0.6) = 0.2; no backing yet.
    assert bk.restraint[:, isr] == pytest.approx([0.6, 0.6])
    assert bk.backing[:, isr] == pytest.approx([0.0, 0.0])
    assert bk.join_offensive[:, usa, isr] == pytest.approx([0.2, 0.2])
    assert bk.restraint[:, irn] == pytest.approx([0.0, 0.0])
    statements_in_force(b.state, b.params, day=5)
    # Day 5: backing 0.5; restraint statements add up: the US's 0.6 + Russia's 0.4 = 1.0;
    # Russia is no ally of Israel's, so the US share stays 0.2.
    assert bk.backing[:, isr] == pytest.approx([0.5, 0.5])
    assert bk.restraint[:, isr] == pytest.approx([1.0, 1.0])
    assert bk.join_offensive[:, usa, isr] == pytest.approx([0.2, 0.2])


@pytest.mark.xfail(
    strict=True,
    reason="docs/model/M7 says several statements combine by maximum, not by accumulation; "
    "statements_in_force multiplies join_offensive by (1 - strength) once per restraint "
    "statement of the ally (0.5 x 0.4 x 0.6 = 0.12, not 0.5 x (1 - 0.6) = 0.2)",
)
def test_two_restraint_statements_by_one_ally_combine_by_maximum() -> None:
    twice = [
        {"by": "USA", "kind": "restraint", "toward": "ISR", "strength": 0.6},
        {"by": "USA", "kind": "restraint", "toward": "ISR", "strength": 0.4},
    ]
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, statements=twice)
    statements_in_force(b.state, b.params, day=0)
    # The strongest restraint, 0.6, sets the share: 0.5 x (1 - 0.6) = 0.2.
    assert b.state.backing.join_offensive[0, b.ix("USA"), b.ix("ISR")] == pytest.approx(0.2)


def test_statements_in_force_recomputes_rather_than_accumulates() -> None:
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, statements=STATEMENTS[:1])
    usa, isr = b.ix("USA"), b.ix("ISR")
    for _ in range(3):
        statements_in_force(b.state, b.params, day=0)
    assert b.state.backing.join_offensive[0, usa, isr] == pytest.approx(0.2)  # not 0.5 x 0.4^3


def test_an_ally_takes_its_share_of_a_blow_on_its_protege() -> None:
    b = batch(runs=2, actors=ACTORS, relations=ALLIANCE)
    usa, isr, irn = b.ix("USA"), b.ix("ISR"), b.ix("IRN")
    alliance_obligation(
        b.state, b.params, b.runs, np.full(2, isr), np.array([irn, usa]), np.array([8.0, 8.0])
    )
    # An 8-rung grievance of Israel's against Iran: the US takes 0.5 x 8 = 4 against Iran.
    assert b.state.grievances.grievance[0, usa, irn] == pytest.approx(4.0)
    # A blow by the ally itself leaves it no grievance against itself.
    assert b.state.grievances.grievance[1, usa, usa] == 0.0
    assert b.state.grievances.grievance[1].sum() == 0.0


def test_a_blow_on_someone_else_touches_no_ally() -> None:
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE)
    usa, isr, irn = b.ix("USA"), b.ix("ISR"), b.ix("IRN")
    alliance_obligation(
        b.state, b.params, b.runs, np.array([irn]), np.array([isr]), np.array([8.0])
    )
    assert b.state.grievances.grievance[0, usa].sum() == 0.0


def test_restraint_makes_high_rungs_dearer_and_backing_every_rung_cheaper() -> None:
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


def test_backing_statements_compose_as_one_minus_the_product_of_what_is_left() -> None:
    two = [
        {"by": "USA", "kind": "backing", "toward": "ISR", "strength": 0.5},
        {"by": "RUS", "kind": "backing", "toward": "ISR", "strength": 0.4},
    ]
    b = batch(runs=1, actors=ACTORS, statements=two)
    statements_in_force(b.state, b.params, day=0)
    # 1 - (1 - 0.5) x (1 - 0.4) = 1 - 0.3 = 0.7: it saturates at 1, never adds past it.
    assert b.state.backing.backing[0, b.ix("ISR")] == pytest.approx(0.7)


def test_backing_in_force_counts_the_allies_commitment_to_join_an_offensive() -> None:
    backing = [{"by": "USA", "kind": "backing", "toward": "ISR", "strength": 0.5, "from_day": 5}]
    b = batch(runs=1, actors=ACTORS, relations=ALLIANCE, statements=backing)
    isr, irn = b.ix("ISR"), b.ix("IRN")
    statements_in_force(b.state, b.params, day=0)
    # No promise yet, but the US would join an offensive at 0.5: 1 - (1 - 0) x (1 - 0.5) = 0.5.
    assert backing_in_force(b.state, b.runs, isr) == pytest.approx([0.5])
    statements_in_force(b.state, b.params, day=5)
    # With the promise of 0.5: 1 - (1 - 0.5) x (1 - 0.5) = 0.75.
    assert backing_in_force(b.state, b.runs, isr) == pytest.approx([0.75])
    # Iran has neither promise nor ally.
    assert backing_in_force(b.state, b.runs, irn) == pytest.approx([0.0])
