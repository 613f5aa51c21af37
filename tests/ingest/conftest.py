"""Shared fixtures: one extractor for the whole session (building spaCy's pipeline takes ~0.5 s)."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.ingest.actors import load_dictionary
from escalade.ingest.events import Event, Extractor
from escalade.ingest.pipeline import catalog_rungs, ingest_text


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(load_dictionary(), catalog_rungs())


@pytest.fixture(scope="session")
def read(extractor: Extractor):  # type: ignore[no-untyped-def]
    """Events of a text: read("...", date="2024-04-14")."""

    def _read(text: str, date: str | None = "2024-04-14") -> list[Event]:
        day = dt.date.fromisoformat(date) if date else None
        return ingest_text(text, date=day, extractor=extractor).events

    return _read
