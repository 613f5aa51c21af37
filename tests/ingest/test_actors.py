"""The actor dictionary: built in, extensible from YAML, bad files reported plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.ingest.actors import builtin_dictionary, load_dictionary
from escalade.ingest.events import Extractor
from escalade.ingest.pipeline import catalog_rungs, ingest_text
from escalade.ingest.text import IngestError


def test_builtin_dictionary_knows_the_reference_system() -> None:
    d = builtin_dictionary()
    aliases = {a: aid for aid, e in d.actors.items() for a in e.names + e.orgs + e.people}
    for alias, aid in {
        "IRGC": "IRN",
        "Quds Force": "IRN",
        "Tehran": "IRN",
        "Pentagon": "USA",
        "White House": "USA",
        "Kataib Hezbollah": "KH",
        "axis of resistance": "AXR",
        "Khamenei": "IRN",
        "Netanyahu": "ISR",
        "Houthis": "HOU",
    }.items():
        assert aliases[alias] == aid, alias
    assert d.role("HEZ") == "proxy" and d.actors["HEZ"].patron == "IRN"
    assert d.places["Isfahan"] == "IRN"


def test_user_file_adds_actors_and_aliases(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n"
        "  WAG: {name: Wagner Group, role: proxy, patron: RUS, names: [Wagner]}\n"
        "  IRN: {people: [Mohsen Rezaei]}\n"
    )
    d = load_dictionary(extra)
    assert d.actors["WAG"].role == "proxy"
    assert "Mohsen Rezaei" in d.actors["IRN"].people and "IRGC" in d.actors["IRN"].orgs
    ex = Extractor(d, catalog_rungs())
    events = ingest_text(
        "Wagner fighters attacked Ukrainian positions near Bakhmut.", extractor=ex
    ).events
    assert [(e.actor, e.target) for e in events] == [("WAG", "UKR")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actors: [1, 2]", "a mapping with 'actors:'"),
        ("actors:\n  X: {nmes: [a]}\n", "unknown key"),
        ("actors:\n  X: {names: Iran}\n", "expected a list of strings"),
        ("actors: {X: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_user_file_is_reported(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(IngestError, match=message):
        load_dictionary(f)


def test_unknown_actors_are_reported_not_dropped(extractor: Extractor) -> None:
    res = ingest_text(
        "Liwa Fatemiyoun fired rockets at the U.S. base at Conoco on Monday.",
        extractor=extractor,
    )
    assert [u["text"] for u in res.unknown_actors] == ["Liwa Fatemiyoun"]
    assert res.events and res.events[0].target == "USA" and res.events[0].actor is None
