"""M12 The ladder and its thresholds: a blow at or above the war rung opens a sustained war and
ends the run there."""

from __future__ import annotations

import numpy as np

from escalade.engine.ending import EndReason
from escalade.engine.thresholds import war_end
from tests.engine.mechanisms.tiny import batch, events


def test_a_blow_at_or_above_the_war_rung_ends_the_run_in_war() -> None:
    b = batch(runs=4, model={"war_rung": 11})
    war_end(b.state, b.params, 9, b.runs, np.array([11, 10, 12, 7]), b.log)
    assert b.state.ended.tolist() == [True, False, True, False]
    assert b.state.end_reason.tolist() == [EndReason.WAR, 0, EndReason.WAR, 0]
    assert b.state.end_day.tolist() == [9, -1, 9, -1]
    end = events(b.log, "end")
    assert end["run"].tolist() == [0, 2]
    assert end["rung"].tolist() == [int(EndReason.WAR)] * 2  # an end event carries its reason


def test_a_lower_war_rung_makes_a_war_of_a_smaller_blow() -> None:
    b = batch(runs=2, model={"war_rung": 9})
    war_end(b.state, b.params, 3, b.runs, np.array([9, 8]), b.log)
    assert b.state.ended.tolist() == [True, False]


def test_a_run_already_over_is_not_ended_again() -> None:
    b = batch(runs=2)
    b.state.ended[0] = True
    b.state.end_day[0] = 2
    b.state.end_reason[0] = EndReason.QUIET
    war_end(b.state, b.params, 5, b.runs, np.array([12, 12]), b.log)
    assert b.state.end_day.tolist() == [2, 5]
    assert b.state.end_reason.tolist() == [EndReason.QUIET, EndReason.WAR]
    assert events(b.log, "end")["run"].tolist() == [1]
