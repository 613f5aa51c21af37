"""Reading articles into events: files or folders in, one result per article out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escalade.ingest.actors import ActorDictionary, load_dictionary
from escalade.ingest.events import ArticleResult, Extractor
from escalade.ingest.text import MAX_ARTICLE_BYTES, Article, IngestError, read_article

ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".md")
MAX_ARTICLES = 10_000
"""Most articles read from one folder."""


@dataclass
class IngestReport:
    """What `escalade ingest` found: results per article and the articles it could not read."""

    results: list[ArticleResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[Any]:
        return [e for r in self.results for e in r.events]

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": [r.as_dict() for r in self.results],
            "errors": self.errors,
            "events": len(self.events),
            "unknown_actors": sorted({u["text"] for r in self.results for u in r.unknown_actors}),
        }


def catalog_rungs(scenario: Any | None = None) -> dict[str, int]:
    """Action name -> rung: the scenario's catalog, or the default one."""
    if scenario is not None:
        return {a.name: a.rung for a in scenario.actions}
    from escalade.ladder import DEFAULT_ACTIONS

    return {a.name: a.rung for a in DEFAULT_ACTIONS}


def article_files(paths: list[Path]) -> list[Path]:
    """The files to read: each file given, and the article files in each folder (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                raise IngestError(
                    f"{p}: no article files in this folder "
                    f"(looked for {', '.join(ARTICLE_SUFFIXES)})"
                )
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise IngestError(f"{p}: no such file or folder")
    if len(out) > MAX_ARTICLES:
        raise IngestError(f"{len(out):,} articles: the limit is {MAX_ARTICLES:,} per call")
    return out


def ingest_paths(
    paths: list[Path],
    date: dt.date | None = None,
    dictionary: ActorDictionary | None = None,
    scenario: Any | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    extractor: Extractor | None = None,
) -> IngestReport:
    """Read articles (files or folders) into events; unreadable articles become errors."""
    report = IngestReport()
    articles: list[Article] = []
    for f in article_files(paths):
        try:
            art = read_article(f, max_bytes)
        except IngestError as exc:
            report.errors.append(str(exc))
            continue
        if date is not None:
            art.date = date
        articles.append(art)
    ex = extractor or Extractor(dictionary or load_dictionary(), catalog_rungs(scenario))
    report.results = ex.extract_many(articles)
    return report


def ingest_text(
    text: str,
    date: dt.date | None = None,
    name: str = "<text>",
    extractor: Extractor | None = None,
) -> ArticleResult:
    """Events of one article given as a string (HTML or plain text)."""
    from escalade.ingest.text import article_from_text

    art = article_from_text(text, name)
    if date is not None:
        art.date = date
    ex = extractor or Extractor(load_dictionary(), catalog_rungs())
    return ex.extract(art)
