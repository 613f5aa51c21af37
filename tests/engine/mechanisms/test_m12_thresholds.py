"""M12 The ladder and its thresholds: a blow at or above the war rung opens a sustained war;
the run goes on, at war, and counts its days at war."""

from __future__ import annotations

import numpy as np

from escalade.engine.thresholds import war_begins, war_goes_on
from tests.engine.mechanisms.tiny import Batch, batch, events


def strike(b: Batch, rungs: list[int], day: int = 3) -> None:
    """RED's blows of ``rungs`` (one a run) against BLUE land on ``day``."""
    n = len(rungs)
    war_begins(
        b.state,
        b.params,
        day,
        b.log,
        b.runs[:n],
        np.array(rungs),
        b.ix("RED"),
        np.full(n, b.ix("BLUE")),
    )


def test_a_blow_at_or_above_the_war_rung_opens_a_war_and_the_run_goes_on() -> None:
    b = batch(runs=4, model={"war_rung": 11})
    strike(b, [11, 10, 12, 7])
    assert b.state.at_war.tolist() == [True, False, True, False]
    assert not b.state.ended.any()  # a war is no longer the end of the run


def test_the_day_a_war_opens_is_an_event_with_its_striker_target_and_rung() -> None:
    b = batch(runs=4, model={"war_rung": 11})
    strike(b, [11, 10, 12, 7], day=5)
    strike(b, [12, 12, 12, 12], day=6)  # runs 0 and 2 are at war already: no second event
    war = events(b.log, "war")
    assert war["run"].tolist() == [0, 2, 1, 3]
    assert war["day"].tolist() == [5, 5, 6, 6]
    assert war["rung"].tolist() == [11, 12, 12, 12]
    assert set(war["actor"]) == {b.ix("RED")} and set(war["target"]) == {b.ix("BLUE")}


def test_a_lower_war_rung_makes_a_war_of_a_smaller_blow() -> None:
    b = batch(runs=2, model={"war_rung": 9})
    strike(b, [9, 8])
    assert b.state.at_war.tolist() == [True, False]


def test_a_war_once_begun_is_not_undone_by_a_smaller_blow() -> None:
    b = batch(runs=1, model={"war_rung": 11})
    strike(b, [11])
    strike(b, [3])
    assert b.state.at_war.tolist() == [True]


def test_each_day_at_war_is_counted_in_runs_at_war_that_are_not_over() -> None:
    b = batch(runs=3)
    b.state.at_war[:] = [True, False, True]
    b.state.ended[2] = True
    war_goes_on(b.state)
    war_goes_on(b.state)
    # Run 0: two days at war; run 1: at peace; run 2: over, its war no longer counts.
    assert b.state.war_days.tolist() == [2, 0, 0]
