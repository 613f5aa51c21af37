"""M8 Red lines: a blow at or above the line's rung from its actor crosses it (once declared);
an answer at the committed rung honours it; while crossed it costs to answer below."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.red_lines import (
    cross_red_lines,
    honour_red_lines,
    initial_crossed,
    log_red_lines,
    red_line_commitment,
    red_line_marks,
)
from escalade.engine.state import EventLog
from tests.engine.mechanisms.tiny import batch, events

ACTORS: dict[str, Any] = {
    "IRN": {"role": "state"},
    "ISR": {"role": "state"},
    "USA": {"role": "state"},
}
# "If Iran attacks from its territory, Israel will respond in Iran": rung 7 or more by IRN
# commits ISR to rung 7 (audience cost 2), declared on day 3; a second line commits ISR to
# rung 9 (audience cost 1.5) after rung 8 or more.
LINES: list[dict[str, Any]] = [
    {
        "holder": "ISR",
        "if": {"actor": "IRN", "rung_at_least": 7},
        "commits_to_rung": 7,
        "audience_cost": 2.0,
        "from_day": 3,
    },
    {
        "holder": "ISR",
        "if": {"actor": "IRN", "rung_at_least": 8},
        "commits_to_rung": 9,
        "audience_cost": 1.5,
    },
]


def test_no_line_stands_crossed_at_the_start() -> None:
    b = batch(runs=3, actors=ACTORS, red_lines=LINES)
    assert initial_crossed(b.params.red_lines, 3).shape == (3, 2)  # one column a line
    assert not b.state.red_crossed.any()


def test_a_blow_at_or_above_the_line_from_its_actor_crosses_it_once_declared() -> None:
    b = batch(runs=5, actors=ACTORS, red_lines=LINES[:1])
    irn, isr, usa = b.ix("IRN"), b.ix("ISR"), b.ix("USA")
    culprit = np.array([irn, irn, irn, irn, usa])
    victim = np.array([isr, isr, isr, usa, isr])
    rung = np.array([7, 8, 6, 9, 9])
    cross_red_lines(b.state, b.params, 2, b.runs, culprit, victim, rung)
    assert not b.state.red_crossed.any()  # day 2: the line is declared on day 3
    cross_red_lines(b.state, b.params, 3, b.runs, culprit, victim, rung)
    # Rungs 7 and 8 by Iran on Israel cross it; rung 6 does not; nor does Iran striking the US,
    # nor the US striking Israel.
    assert b.state.red_crossed[:, 0].tolist() == [True, True, False, False, False]


def test_an_answer_at_the_committed_rung_against_the_crosser_honours_the_line() -> None:
    b = batch(runs=4, actors=ACTORS, red_lines=LINES[:1])
    irn, isr, usa = b.ix("IRN"), b.ix("ISR"), b.ix("USA")
    b.state.red_crossed[:] = True
    target = np.array([irn, irn, usa, irn])
    rung = np.array([7, 6, 9, 10])
    honour_red_lines(b.state, b.params, b.runs, isr, target, rung)
    # Rung 7 or 10 against Iran discharges it; rung 6 falls short; striking the US does not count.
    assert b.state.red_crossed[:, 0].tolist() == [False, True, True, False]
    assert b.state.red_honoured[:, 0].tolist() == [True, False, False, True]


def test_a_line_honoured_once_is_not_crossed_again() -> None:
    b = batch(runs=2, actors=ACTORS, red_lines=LINES[:1])
    irn, isr = b.ix("IRN"), b.ix("ISR")
    both = np.array([irn, irn]), np.array([isr, isr]), np.array([7, 7])
    cross_red_lines(b.state, b.params, 3, b.runs, *both)
    # Run 0: Israel answers at rung 7 and honours its line; run 1: it does not answer.
    honour_red_lines(b.state, b.params, b.runs[:1], isr, np.array([irn]), np.array([7]))
    assert b.state.red_crossed[:, 0].tolist() == [False, True]
    # Iran strikes again at rung 8: the honoured line is discharged for good and stays so.
    cross_red_lines(b.state, b.params, 4, b.runs, both[0], both[1], np.array([8, 8]))
    assert b.state.red_crossed[:, 0].tolist() == [False, True]
    assert b.state.red_honoured[:, 0].tolist() == [True, False]


def test_only_the_holder_honours_its_line() -> None:
    b = batch(runs=1, actors=ACTORS, red_lines=LINES[:1])
    b.state.red_crossed[:] = True
    honour_red_lines(b.state, b.params, b.runs, b.ix("USA"), np.array([b.ix("IRN")]), np.array([9]))
    assert b.state.red_crossed[0, 0]


def test_the_largest_commitment_and_cost_of_the_lines_crossed_are_owed() -> None:
    b = batch(runs=3, actors=ACTORS, red_lines=LINES)
    irn, isr, usa = b.ix("IRN"), b.ix("ISR"), b.ix("USA")
    b.state.red_crossed[0] = [True, True]  # both lines crossed
    b.state.red_crossed[1] = [True, False]  # the first only
    b.state.red_crossed[2] = [True, True]
    target = np.array([irn, irn, usa])
    cost, commit = red_line_commitment(b.state, b.params, b.runs, isr, target)
    # Both: max(2, 1.5) = 2 owed, max(7, 9) = rung 9 committed. The first only: 2 and rung 7.
    # Against the US, who crossed no line of Israel's: nothing owed, no commitment (-1).
    assert cost == pytest.approx([2.0, 2.0, 0.0])
    assert commit.tolist() == [9, 7, -1]


def test_an_actor_holding_no_line_owes_nothing() -> None:
    b = batch(runs=2, actors=ACTORS, red_lines=LINES)
    b.state.red_crossed[:] = True
    cost, commit = red_line_commitment(b.state, b.params, b.runs, b.ix("USA"), np.full(2, 0))
    assert cost.tolist() == [0.0, 0.0]
    assert commit.tolist() == [-1, -1]


def test_the_log_tells_each_line_crossed_and_honoured_once() -> None:
    """The event log names the holder (actor), the crosser (target) and the committed rung:
    a line crossed, then honoured, then struck again shows one crossing and one honouring."""
    b = batch(runs=3, actors=ACTORS, red_lines=LINES[:1])
    irn, isr = b.ix("IRN"), b.ix("ISR")
    log = EventLog()
    culprit, victim = np.full(3, irn), np.full(3, isr)
    marks = red_line_marks(b.state, b.runs)
    # Day 3: Iran strikes at rung 8 in runs 0 and 1, at rung 6 (below the line) in run 2.
    cross_red_lines(b.state, b.params, 3, b.runs, culprit, victim, np.array([8, 8, 6]))
    log_red_lines(b.state, b.params, log, 3, b.runs, marks)
    crossed = events(log, "red_line_crossed")
    assert crossed["run"].tolist() == [0, 1]
    assert set(crossed["actor"]) == {isr} and set(crossed["target"]) == {irn}
    assert set(crossed["rung"]) == {7}  # the committed rung
    # Day 5: Israel answers at rung 7 in run 0 (honoured) and at rung 5 in run 1 (not).
    marks = red_line_marks(b.state, b.runs[:2])
    honour_red_lines(b.state, b.params, b.runs[:2], isr, np.array([irn, irn]), np.array([7, 5]))
    log_red_lines(b.state, b.params, log, 5, b.runs[:2], marks)
    assert events(log, "red_line_honoured")["run"].tolist() == [0]
    # Day 6: Iran strikes again everywhere; the line still crossed in run 1 and honoured in
    # run 0 logs nothing new; run 2 is crossed now.
    marks = red_line_marks(b.state, b.runs)
    cross_red_lines(b.state, b.params, 6, b.runs, culprit, victim, np.array([8, 8, 8]))
    log_red_lines(b.state, b.params, log, 6, b.runs, marks)
    crossed = events(log, "red_line_crossed")
    assert list(zip(crossed["day"].tolist(), crossed["run"].tolist(), strict=True)) == [
        (3, 0),
        (3, 1),
        (6, 2),
    ]
