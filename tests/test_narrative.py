"""A run's event log told as a dated narrative, with what each target now believes (M14)."""

from __future__ import annotations

import numpy as np

from escalade.narrative import belief_clause, narrative
from escalade.simulation import load_scenario, run_batch


def event(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"kind": "strike", "actor": "IRN", "target": "ISR", "belief": -1.0}
    return {**base, **fields}


def test_a_blow_says_what_its_target_now_believes_of_the_striker() -> None:
    sc = load_scenario("april-2024")
    clause = belief_clause(event(belief=0.634), sc)
    isr, irn = sc.actors["ISR"].name, sc.actors["IRN"].name
    assert clause == f" {isr} now puts 63% on {irn} being resolute."


def test_events_without_a_belief_or_a_target_say_nothing_of_beliefs() -> None:
    sc = load_scenario("april-2024")
    assert belief_clause(event(belief=-1.0), sc) == ""
    assert belief_clause(event(belief=None), sc) == ""
    assert belief_clause(event(belief=0.5, target=""), sc) == ""


def test_the_narrative_of_a_run_carries_the_beliefs_of_its_event_log() -> None:
    sc = load_scenario("april-2024")
    batch = run_batch(sc, 1, np.array([3]), keep_events=True)
    assert batch.events is not None
    lines = narrative(batch.events, sc)
    with_belief = [ev for ev in batch.events.to_pylist() if ev["belief"] >= 0 and ev["target"]]
    assert with_belief, "the run has blows whose victims update their beliefs"
    told = [line for line in lines if "being resolute" in line]
    assert len(told) == len(with_belief)
    first = with_belief[0]
    assert f"now puts {first['belief']:.0%} on" in told[0]
