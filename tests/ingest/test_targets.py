"""The target ranker: how it scores candidates, its shipped weights (and the actor ranker's),
and a bad weights file."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from escalade.ingest.actor_ranker import ActorRanker
from escalade.ingest.actors import load_dictionary
from escalade.ingest.events import Extractor, ReviewChain
from escalade.ingest.pipeline import catalog_rungs, ingest_text
from escalade.ingest.targets import TargetRanker, load_ranker
from escalade.ingest.text import IngestError

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Iran fired missiles at Israel, Jordan said."


def _targets(ranker: TargetRanker | None, text: str = SENTENCE) -> list[tuple]:
    ex = Extractor(load_dictionary(), catalog_rungs(), reviewer=ranker)
    return [(e.actor, e.target, e.kind) for e in ingest_text(text, extractor=ex).events]


def test_the_best_scored_candidate_is_the_target() -> None:
    d = load_dictionary()
    assert _targets(None) == [("IRN", "ISR", "symbolic_strike")]
    # a ranker that prefers the speaker to the actor named after "at": Jordan
    assert _targets(TargetRanker(d, {"speaker": 5.0})) == [("IRN", "JOR", "symbolic_strike")]
    # one that prefers no target at all
    assert _targets(TargetRanker(d, {"none": 5.0})) == [("IRN", None, "symbolic_strike")]
    # no weights: every candidate ties, and the rules' choice comes first
    assert _targets(TargetRanker(d, {})) == _targets(None)


def test_a_message_is_not_aimed_at_its_channel() -> None:
    d = load_dictionary()
    text = "Iran passed a message to Washington through Oman."
    # "through Oman" would win on these weights: the channel is no candidate
    assert _targets(TargetRanker(d, {"prev=other": 9.0}), text) == [("IRN", "USA", "message")]
    assert _targets(TargetRanker(d, {"prev=to": -9.0}), text) == [("IRN", None, "message")]


def test_the_shipped_ranker_is_on_by_default_and_scores_targets(read) -> None:  # type: ignore[no-untyped-def]
    ranker = load_ranker(load_dictionary())
    assert len(ranker.weights) > 100
    assert Extractor(load_dictionary(), catalog_rungs()).reviewer is not None
    # the article's opponent fills a threat told without one, as the rules do
    events = read("Israel struck Hezbollah positions. Hezbollah vowed to respond.")
    assert ("HEZ", "ISR", "threaten") in [(e.actor, e.target, e.kind) for e in events]


def test_a_bad_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "targets.json"
    bad.write_text('{"about": "no weights"}', encoding="utf-8")
    with pytest.raises(IngestError, match=r"targets\.json: not a target ranker file.*train_ingest"):
        load_ranker(load_dictionary(), bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(IngestError, match="not a target ranker file"):
        load_ranker(load_dictionary(), bad)


def _training_script() -> Any:
    spec = importlib.util.spec_from_file_location("train_ingest", ROOT / "scripts/train_ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_ingest"] = module
    spec.loader.exec_module(module)
    return module


def test_the_training_script_leaves_out_the_articles_named() -> None:
    """``--without 155-166`` (a fresh batch, for its transfer figure) reads number ranges."""
    assert _training_script().article_numbers("155-157,160") == {155, 156, 157, 160}


def test_the_shipped_weights_are_what_the_training_script_writes() -> None:
    """Regenerating targets.json and actor_ranker.json from the development gold gives the same
    files, byte for byte (liblinear with a fixed seed; weights rounded to 6 decimals)."""
    pytest.importorskip("sklearn")
    module = _training_script()
    data = module.samples()
    shipped = (ROOT / "src/escalade/ingest/targets.json").read_text(encoding="utf-8")
    assert module.model_text(module.train(data)) == shipped
    assert json.loads(shipped)["c"] == module.C
    actors = (ROOT / "src/escalade/ingest/actor_ranker.json").read_text(encoding="utf-8")
    assert module.model_text(module.train_actors(data)) == actors


def test_the_evaluation_scores_the_rules_alone_on_request() -> None:
    from escalade.ingest.evaluation import default_extractor, main

    assert default_extractor(rules_only=True).reviewer is None
    chain = default_extractor().reviewer
    assert isinstance(chain, ReviewChain)
    assert [type(r) for r in chain.reviewers] == [ActorRanker, TargetRanker]
    with pytest.raises(SystemExit):  # the page shows what escalade ingest does
        main([str(ROOT / "tests/ingest/gold/heldout"), "--rules-only", "--write", "x.md"])
