"""``escalade ingest``: news articles in, events (and a scenario overlay) out.

Rule-based and offline: text cleaning (:mod:`.text`), the actor dictionary (:mod:`.actors`),
event patterns (:mod:`.patterns`, :mod:`.events`), dates (:mod:`.dates`), quantities
(:mod:`.quantities`), the overlay writer (:mod:`.overlay`) and the evaluation against the gold
set (:mod:`.evaluation`). See ``docs/ingest.md``.
"""

from escalade.ingest.events import ArticleResult, Event, Extractor
from escalade.ingest.pipeline import IngestReport, ingest_paths, ingest_text
from escalade.ingest.text import IngestError

__all__ = [
    "ArticleResult",
    "Event",
    "Extractor",
    "IngestError",
    "IngestReport",
    "ingest_paths",
    "ingest_text",
]
