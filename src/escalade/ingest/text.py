"""Text cleaning: from a file as users have it (a scraped page, plain text) to the article's text.

A scraped HTML page goes through trafilatura's boilerplate remover; plain text (pages saved as
text, newsletters pasted from e-mail) through a line filter that drops subscription prompts,
"Related articles" lists, share buttons, comment widgets and newsletter banners. Kept lines keep
their position in the file, so evidence offsets point into the file a user has.

Bad input (empty, binary, too large, not English) raises :class:`IngestError` with a message
for the user, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_ARTICLE_BYTES = 2_000_000
"""Largest article accepted (bytes); a long magazine piece is ~100 kB of HTML."""
_DEDUP_SIZE = 4096
"""Paragraphs remembered per page for trafilatura's removal of repeated ones."""

ENGLISH_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "on",
        "for",
        "with",
        "as",
        "was",
        "by",
        "at",
        "from",
        "it",
        "said",
        "has",
        "have",
        "are",
        "be",
        "were",
        "its",
        "an",
        "this",
        "not",
        "will",
        "which",
        "after",
        "their",
        "had",
        "they",
        "but",
        "or",
        "would",
        "been",
        "who",
        "more",
        "than",
    ]
)


class IngestError(ValueError):
    """An article that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Segment:
    """A run of cleaned text and where it starts in the source text."""

    start: int  # offset in the cleaned text
    source_start: int  # offset in the source text
    length: int


@dataclass
class Article:
    """An article's cleaned text, its date and how offsets map back to the file."""

    name: str
    text: str
    date: dt.date | None = None
    html: bool = False
    title: str = ""
    segments: list[Segment] = field(default_factory=list)
    dropped_lines: int = 0

    def source_offset(self, offset: int) -> int:
        """Offset in the file (plain text) or in the extracted text (HTML) of a cleaned offset."""
        for seg in reversed(self.segments):
            if seg.start <= offset:
                return seg.source_start + min(offset - seg.start, seg.length)
        return offset


def read_article(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file (HTML or plain text) into clean English text."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                f"{path}: {size:,} bytes is larger than the limit of {max_bytes:,} bytes "
                "for one article (split it, or pass --max-bytes)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    return article_from_bytes(raw, str(path))


def article_from_bytes(raw: bytes, name: str) -> Article:
    text = decode(raw, name)
    return article_from_text(text, name)


def decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise IngestError(f"{name}: the file is empty")
    head = raw[:8192]
    if b"\x00" in head:
        raise IngestError(f"{name}: a binary file, not text (give an HTML page or a text file)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.02 * min(len(text), 8192) or text[:8192].count("\ufffd") > 0.05 * len(
        text[:8192]
    ):
        raise IngestError(f"{name}: a binary file, not text (give an HTML page or a text file)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_HTML = re.compile(r"^\s*(<!doctype html|<html|<\?xml|<head|<body|<meta|<div|<article)", re.I)


def article_from_text(text: str, name: str = "<text>") -> Article:
    """Clean a page or a plain text and find its date; checks that it is English."""
    if _HTML.match(text) or text.count("</p>") >= 2:
        article = _from_html(text, name)
    else:
        article = _from_plain(text, name)
    if not article.text.strip():
        raise IngestError(f"{name}: no article text left once the page furniture is removed")
    check_english(article.text, name)
    return article


def _from_html(page: str, name: str) -> Article:
    import trafilatura
    from trafilatura.deduplication import LRUCache

    body = trafilatura.extract(
        page,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # repeated paragraphs are dropped within the page only: trafilatura's own cache is
        # shared by the process, so a page read a third time would lose its repeated parts
        deduplicate=LRUCache(maxsize=_DEDUP_SIZE),
        with_metadata=False,
    )
    if not body:
        body = re.sub(r"<[^>]+>", " ", page)
    meta = trafilatura.extract_metadata(page)
    date = None
    title = ""
    if meta is not None:
        title = meta.title or ""
        if meta.date:
            try:
                date = dt.date.fromisoformat(str(meta.date)[:10])
            except ValueError:
                date = None
    if date is None:
        date = find_article_date(re.sub(r"<[^>]+>", " ", page)[:3000])
    lines = [ln for ln in body.split("\n")]
    kept = "\n".join(ln for ln in lines if not _is_boilerplate(ln))
    return Article(
        name=name,
        text=kept,
        date=date,
        html=True,
        title=title,
        segments=[Segment(0, 0, len(kept))],
        dropped_lines=len(lines) - kept.count("\n") - 1,
    )


_BOILERPLATE = re.compile(
    r"(subscri(be|ption)|sign up|sign in|log in|newsletter|related (articles|stories|coverage|"
    r"content|posts)|read more|read next|share (this|on|via)|^share$|follow us|^\d* ?comments?\b|"
    r"advertisement|sponsored|cookie|all rights reserved|©|copyright|most read|most popular|"
    r"trending|you may also like|recommended for you|click here|tap here|download (our|the) app|"
    r"^tags?:|^topics?:|privacy policy|terms of (use|service)|unlock|paywall|already a member|"
    r"support (our|independent) journalism|join the conversation|leave a reply|view \d+ comments|"
    r"facebook|twitter|whatsapp|linkedin|telegram channel|email this|print this|^menu$|^home$|"
    r"^skip to|^back to top|^listen to this|min read$|^photo:|^image:|^caption:|getty images|"
    r"^\(?ap photo|reuters/|^updated:|^published:|^posted:|^by [A-Z][a-z]+ [A-Z][a-z]+$)",
    re.I,
)
_RELATED_HEAD = re.compile(
    r"^(related|more (on|from)|see also|also read|read also|you might|recommended|more stories)",
    re.I,
)


def _is_boilerplate(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if s.count("|") >= 2 or s.count("•") >= 2 or s.count("·") >= 2:
        return True  # a menu or a breadcrumb
    return len(s) < 100 and _BOILERPLATE.search(s) is not None


def _from_plain(text: str, name: str) -> Article:
    """Keep the article's lines, drop the page furniture; remember where kept lines start."""
    date = find_article_date(text[:3000])
    segments: list[Segment] = []
    parts: list[str] = []
    pos = 0
    out_len = 0
    dropped = 0
    in_related = False
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        s = line.strip()
        if in_related:
            # a "Related articles" list: short headline-like lines until a real paragraph
            if not s or (len(s) < 120 and not s.endswith((".", '"', "”"))):
                dropped += 1 if s else 0
                continue
            in_related = False
        if s and len(s) < 60 and _RELATED_HEAD.match(s):
            in_related = True
            dropped += 1
            continue
        if _is_boilerplate(line):
            dropped += 1
            continue
        if parts:
            parts.append("\n")
            out_len += 1
        segments.append(Segment(out_len, start, len(line)))
        parts.append(line)
        out_len += len(line)
    cleaned = "".join(parts)
    title = next((ln.strip() for ln in cleaned.split("\n") if ln.strip()), "")
    return Article(
        name=name, text=cleaned, date=date, title=title, segments=segments, dropped_lines=dropped
    )


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_FORMS = [
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?,?\s+(\d{{4}})\b", re.I),
    re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
]
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.split("|")[:12], start=1)} | {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


def find_article_date(head: str) -> dt.date | None:
    """The article's own date: the first full date in its head (dateline, 'Published: ...')."""
    best: tuple[int, dt.date] | None = None
    for i, form in enumerate(_DATE_FORMS):
        m = form.search(head)
        if not m:
            continue
        g = m.groups()
        try:
            if i == 0:
                d = dt.date(int(g[0]), int(g[1]), int(g[2]))
            elif i == 1:
                d = dt.date(int(g[2]), _MONTH_NUM[g[1].lower()], int(g[0]))
            else:
                d = dt.date(int(g[2]), _MONTH_NUM[g[0].lower()], int(g[1]))
        except (ValueError, KeyError):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), d)
    return best[1] if best else None


ENGLISH_MIN_WORDS = 8
"""Fewer words than this are not judged (the event finder says if it finds nothing)."""
ENGLISH_STOPWORD_SHARE = 0.12
"""A share of English function words at least this is English without asking langdetect."""
ENGLISH_STOPWORD_FLOOR = 0.06
"""Below this share a long text that langdetect calls English is still refused (a list of names
or figures, not prose); a short one (under :data:`ENGLISH_SHORT_WORDS` words) is not, since a
single sentence of names and nouns can hold almost no function words."""
ENGLISH_SHORT_WORDS = 30


def check_english(text: str, name: str) -> None:
    """Raise when the text is not English (a stop-word test; the language named by langdetect)."""
    words = re.findall(r"[^\W\d_]+", text[:5000].lower())
    if len(words) < ENGLISH_MIN_WORDS:
        return
    share = sum(w in ENGLISH_STOPWORDS for w in words) / len(words)
    if share >= ENGLISH_STOPWORD_SHARE:
        return
    lang = "unknown"
    try:
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0
        lang = detect(text[:3000])
    except Exception:  # langdetect raises on text with no letters
        lang = "unknown"
    if lang == "en" and (share >= ENGLISH_STOPWORD_FLOOR or len(words) < ENGLISH_SHORT_WORDS):
        return
    why = (
        f"only {share:.0%} of its {len(words):,} words are English function words"
        if lang == "en"
        else f"detected language: {lang}"
    )
    raise IngestError(
        f"{name}: the text does not look like English ({why}); "
        "escalade ingest reads English articles only"
    )
