"""``escalade ingest``: news articles in, events (and a scenario overlay) out.

Rule-based and offline: text cleaning (:mod:`.text`), the actor dictionary (:mod:`.actors`),
event patterns (:mod:`.patterns`, :mod:`.events`), dates (:mod:`.dates`), quantities
(:mod:`.quantities`), the overlay writer (:mod:`.overlay`) and the evaluation against the gold
set (:mod:`.evaluation`). See ``docs/ingest.md``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escalade.ingest.events import ArticleResult, Event, Extractor
    from escalade.ingest.pipeline import IngestReport, ingest_paths, ingest_text
    from escalade.ingest.text import IngestError

_HOMES = {
    "ArticleResult": "events",
    "Event": "events",
    "Extractor": "events",
    "IngestReport": "pipeline",
    "ingest_paths": "pipeline",
    "ingest_text": "pipeline",
    "IngestError": "text",
}
"""Where each name lives. They are imported on first use (PEP 562): spaCy takes about a
second to import, and every ``escalade`` command imports this package for its ``ingest``
command's options."""


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"escalade.ingest.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'escalade.ingest' has no attribute '{name}'")


__all__ = [
    "ArticleResult",
    "Event",
    "Extractor",
    "IngestError",
    "IngestReport",
    "ingest_paths",
    "ingest_text",
]
