"""The actor ranker: how it scores candidate actors, the ladder placed again once the actor
changes, what is never a candidate, and a bad weights file."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.ingest.actor_ranker import ActorRanker, load_actor_ranker
from escalade.ingest.actors import load_dictionary
from escalade.ingest.events import Extractor, ReviewChain
from escalade.ingest.pipeline import catalog_rungs, ingest_text
from escalade.ingest.targets import TargetRanker
from escalade.ingest.text import IngestError


def _events(actor_weights: dict[str, float], text: str) -> list[tuple]:
    """The events of the shipped chain with these actor weights and a target ranker without
    weights (which keeps the rules' targets)."""
    d = load_dictionary()
    ex = Extractor(d, catalog_rungs())
    assert isinstance(ex.reviewer, ReviewChain)
    actors, targets = ex.reviewer.reviewers
    assert isinstance(actors, ActorRanker) and isinstance(targets, TargetRanker)
    actors.weights, targets.weights = actor_weights, {}
    return [(e.actor, e.target, e.kind) for e in ingest_text(text, extractor=ex).events]


def test_the_best_scored_candidate_is_the_actor_and_the_blow_is_placed_again() -> None:
    text = "Hezbollah fired rockets at Israel, Iran said."
    # no weights: every candidate ties, and the rules' choice comes first
    assert _events({}, text) == [("HEZ", "ISR", "proxy_attack")]
    # a ranker that prefers the speaker: Iran struck, and a state's blow is no proxy attack
    assert _events({"speaker": 5.0}, text) == [("IRN", "ISR", "symbolic_strike")]


def test_an_event_the_rules_left_without_an_actor_gets_one() -> None:
    text = "A cease-fire between Israel and Hamas took effect on Friday."
    rules = Extractor(load_dictionary(), catalog_rungs(), reviewer=None)
    assert [(e.actor, e.target, e.kind) for e in ingest_text(text, extractor=rules).events] == [
        (None, "ISR", "ceasefire")
    ]
    # the only candidate (the sentence's other actor) wins whatever the weights
    assert _events({"in_sentence": -1.0}, text) == [("HAM", "ISR", "ceasefire")]


def test_neither_the_target_nor_the_channel_is_a_candidate() -> None:
    text = "Iran passed a message to Washington through Oman."
    weights = {"after_target": 9.0, "prev=to": 9.0, "first_in_sentence": -9.0}
    assert _events(weights, text) == [("IRN", "USA", "message")]


def test_a_bad_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "actor_ranker.json"
    bad.write_text('{"weights": ["not", "a", "table"]}', encoding="utf-8")
    with pytest.raises(
        IngestError, match=r"actor_ranker\.json: not an actor ranker file.*train_ingest"
    ):
        load_actor_ranker(load_dictionary(), bad)
    assert len(load_actor_ranker(load_dictionary()).weights) > 100
