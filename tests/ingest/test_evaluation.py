"""The gold set and its scores: the split, the matching, and the page that quotes the figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.ingest.evaluation import (
    GoldEvent,
    Tally,
    load_gold,
    match,
    render,
    shown,
)
from escalade.ingest.events import Event, Extractor

GOLD = Path(__file__).parent / "gold"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ingest.md"


def test_gold_set_has_two_disjoint_halves_of_all_styles() -> None:
    dev, test = load_gold(GOLD / "dev"), load_gold(GOLD / "heldout")
    assert len(dev) + len(test) >= 25 and len(test) >= 14
    assert not {a.path.name for a in dev} & {a.path.name for a in test}
    texts = {a.path.read_text() for a in dev} & {a.path.read_text() for a in test}
    assert not texts
    for half in (dev, test):
        styles = " ".join(a.style for a in half)
        for style in ("wire", "newsletter", "magazine", "scraped"):
            assert style in styles, style
        assert any(a.path.suffix == ".html" for a in half)
        assert all(a.events for a in half)


def test_every_gold_snippet_is_in_its_article() -> None:
    def norm(t: str) -> str:
        return re.sub(r"\s+", " ", t.replace("“", '"').replace("”", '"')).lower()

    for half in ("dev", "heldout"):
        for art in load_gold(GOLD / half):
            text = norm(re.sub(r"<[^>]+>", " ", art.path.read_text()).replace("&copy;", "©"))
            for g in art.events:
                assert norm(g.evidence) in text, (art.path.name, g.evidence)


def _pred(actor: str, target: str | None, kind: str, sentence: str) -> Event:
    e = Event(actor=actor, target=target, kind=kind)
    e.evidence = sentence
    e.sentences = [sentence]
    return e


def test_matching_is_one_to_one_by_sentence_then_by_triple() -> None:
    golds = [
        GoldEvent("Iran fired missiles", "IRN", "ISR", "large_salvo", None),
        GoldEvent("Russia urged restraint", "RUS", None, "restraint", None),
        GoldEvent("never extracted", "USA", "IRN", "sanctions", None),
    ]
    preds = [
        _pred("IRN", "ISR", "large_salvo", "Iran fired missiles at Israel."),
        _pred("IRN", "ISR", "large_salvo", "Iran fired missiles at Israel, again."),
        _pred("RUS", None, "restraint", "Moscow said so in another sentence."),
    ]
    pairs = match(preds, golds)
    assert [(p.evidence, g.evidence) for p, g in pairs] == [
        ("Iran fired missiles at Israel.", "Iran fired missiles"),
        ("Moscow said so in another sentence.", "Russia urged restraint"),
    ]


def test_scores() -> None:
    assert Tally(correct=3, predicted=4, gold=6).scores() == pytest.approx((0.75, 0.5, 0.6))
    assert Tally().scores() == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("half", ["heldout", "dev"])
def test_the_page_shows_what_the_evaluation_computes(extractor: Extractor, half: str) -> None:
    block = shown(DOCS, half)
    assert block == render(GOLD / half, extractor), (
        "docs/ingest.md is out of date: run python -m escalade.ingest.evaluation "
        f"tests/ingest/gold/{half} --write docs/ingest.md"
    )
    assert "| actor+target+kind |" in block


def test_gold_uses_known_actors_and_kinds() -> None:
    from escalade.ingest.actors import builtin_dictionary
    from escalade.ingest.patterns import NON_LADDER_KINDS
    from escalade.ladder import DEFAULT_ACTIONS

    actors = set(builtin_dictionary().actors)
    kinds = {a.name for a in DEFAULT_ACTIONS} | set(NON_LADDER_KINDS)
    for half in ("dev", "heldout"):
        for art in load_gold(GOLD / half):
            assert art.date is not None, art.path.name
            for g in art.events:
                assert g.kind in kinds, (art.path.name, g.kind)
                for aid in (g.actor, g.target):
                    assert aid is None or aid in actors, (art.path.name, aid)
                assert g.date is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?|-W\d{2})?", g.date)
