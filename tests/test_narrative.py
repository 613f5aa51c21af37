"""A run's event log told as a dated narrative, with what each target now believes (M14)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from escalade.narrative import belief_clause, closing, narrative, unhonoured_lines
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


def test_a_crossed_red_line_is_told_with_its_words_and_an_honoured_one_as_discharged() -> None:
    """M8 in the narrative: the crossing quotes the line's words and the committed rung; the
    closing sentence names the lines left crossed and never honoured (their holders backed
    down)."""
    from escalade.analysis.hindcast import default_episodes_dir

    sc = load_scenario(default_episodes_dir() / "israel-hezbollah-2006.yaml")
    batch = run_batch(sc, 0, np.array([0]), keep_events=True)
    assert batch.events is not None
    rows = batch.events.to_pylist()
    kinds = [ev["kind"] for ev in rows]
    assert "red_line_crossed" in kinds
    lines = narrative(batch.events, sc)
    hez_line = next(r for r in sc.red_lines if r.holder == "HEZ")
    told = [line for line in lines if "crosses Hezbollah's red line" in line]
    assert told and f'("{hez_line.text}")' in told[0]
    assert f"committed to answering at rung {hez_line.commits_to_rung} or higher" in told[0]
    crossed = {(ev["actor"], ev["target"]) for ev in rows if ev["kind"] == "red_line_crossed"}
    honoured = {(ev["actor"], ev["target"]) for ev in rows if ev["kind"] == "red_line_honoured"}
    left = unhonoured_lines(batch.events, sc)
    for holder, crosser in crossed:
        name = f"{sc.actors[holder].name}'s against {sc.actors[crosser].name}"
        assert (name in left) == ((holder, crosser) not in honoured)
    out = batch.outcomes.to_pylist()[0]
    assert closing(out, batch.events, sc).endswith(left)


def test_only_lines_crossed_and_not_honoured_are_left_in_the_closing() -> None:
    sc = load_scenario("april-2024")
    line = sc.red_lines[0]
    crossed = {"kind": "red_line_crossed", "actor": line.holder, "target": line.trigger.actor}
    crossed["rung"] = line.commits_to_rung
    honoured = {**crossed, "kind": "red_line_honoured"}
    holder, crosser = sc.actors[line.holder].name, sc.actors[line.trigger.actor].name
    assert unhonoured_lines(pa.Table.from_pylist([crossed, honoured]), sc) == ""
    assert unhonoured_lines(pa.Table.from_pylist([crossed]), sc) == (
        f" Red lines crossed and not honoured: {holder}'s against {crosser} "
        f"(rung {line.commits_to_rung})."
    )
