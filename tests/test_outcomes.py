"""The outcome registry is the one declaration of every outcome column."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from escalade.analysis.stats import summary
from escalade.outcomes import (
    BY_NAME,
    DISTRIBUTIONS,
    OUTCOMES,
    SCHEMA,
    THRESHOLDS,
    glossary_markdown,
)
from escalade.simulation import run_batch
from escalade.store import _empty_outcomes

DOCS = Path(__file__).resolve().parent.parent / "docs" / "outcomes.md"


def test_the_engine_writes_exactly_the_registered_columns(duel) -> None:
    out = run_batch(duel, 1, np.arange(50)).outcomes
    assert out.schema == SCHEMA
    assert out.column_names == [o.name for o in OUTCOMES]


def test_the_store_and_the_statistics_read_the_registry() -> None:
    assert _empty_outcomes().schema == SCHEMA
    assert set(THRESHOLDS.values()) == {o.name for o in OUTCOMES if o.summary == "threshold"}
    assert all(BY_NAME[col].summary == "quantity" for col in DISTRIBUTIONS.values())


def test_every_threshold_is_summarised_by_its_registered_label(duel) -> None:
    out = run_batch(duel, 1, np.arange(50)).outcomes
    labels = {p["label"] for p in summary(out, 13)["thresholds"]}
    assert labels == set(THRESHOLDS)


def test_every_outcome_is_defined_in_words_in_the_glossary() -> None:
    # Regenerate: write escalade.outcomes.glossary_markdown() to docs/outcomes.md.
    assert all(len(o.definition) > 20 for o in OUTCOMES)
    assert DOCS.read_text(encoding="utf-8") == glossary_markdown()


def test_every_definition_says_whether_the_trigger_is_included() -> None:
    """Issue 13, item 7: the trigger's own deaths, damage and rung are in no outcome column,
    and every column's definition says how it stands with the trigger."""
    assert [o.name for o in OUTCOMES if "trigger" not in o.definition] == []


def test_the_trigger_deaths_are_in_no_outcome_row_and_the_narrative_says_so() -> None:
    """The same run three ways: its outcome row counts the deaths of every blow after the
    trigger, the event log has the trigger's own, and the closing line names both."""
    from escalade.api import replay
    from escalade.narrative import closing, trigger_deaths
    from escalade.scenario.load import load_scenario

    sc = load_scenario("april-2024")
    ens = replay(sc, seed=1, run=7, days=20)
    assert ens.events is not None
    row = ens.outcomes.to_pylist()[0]
    events = ens.events.to_pylist()
    blows = [e for e in events if e["kind"] in ("strike", "harassment")]
    own = trigger_deaths(ens.events)
    assert own > 0  # the consulate strike killed people: the case worth checking
    assert row["deaths"] == sum(int(e["deaths"] or 0) for e in blows)
    assert f"{row['deaths']} killed (the trigger's own {own} not included)" in closing(
        row, ens.events, sc
    )
