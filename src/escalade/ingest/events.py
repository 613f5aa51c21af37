"""From a cleaned article to events: who did what to whom, when, where, with what, who said so.

The pipeline is a blank English spaCy pipeline (tokenizer, sentence splitter), an EntityRuler
holding the actor dictionary, and a Matcher holding the blow triggers; the rest is rules over
each sentence (see :mod:`escalade.ingest.patterns`). Nothing is downloaded: the same text gives
the same events on every machine.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from escalade.ingest.actors import ActorDictionary
from escalade.ingest.dates import find_dates
from escalade.ingest.patterns import (
    BLOW_TRIGGERS,
    CAMPAIGN,
    COVERT,
    IRREALIS,
    NON_LADDER_KINDS,
    PASSIVE_BEFORE,
    SALVO,
    SENIOR,
    STATEMENT_CUES,
    STRATEGIC,
    WAR,
    BlowFeatures,
    classify_blow,
)
from escalade.ingest.quantities import find_casualties, find_quantities
from escalade.ingest.text import Article

PLACE_PREPS = {"in", "near", "over", "across", "outside", "inside", "from", "throughout",
               "around", "off", "within", "above", "to"}  # fmt: skip
TARGET_PREPS = {"at", "on", "against", "targeting", "toward", "towards", "into", "upon"}
ADDRESSEE_VERBS = {"told", "urged", "pressed", "asked", "warned", "assured", "informed",
                   "notified", "cautioned", "called", "tells", "urges", "warns", "telling",
                   "urging", "warning", "advised"}  # fmt: skip
SAY_VERBS = {"said", "says", "told", "announced", "stated", "declared", "wrote", "tweeted",
             "posted", "added", "insisted", "claimed", "confirmed", "reported", "acknowledged"}  # fmt: skip
_SKIP = {"the", "a", "an", "its", "their", "his", "her", "our", "of", "and", ",", "'s", "’s",
         "both", "also"}  # fmt: skip
_DATELINE = re.compile(r"^\s*(\(|—|–|-|/|\|)")
_PRONOUN_START = re.compile(r"^\W*(it|they|he|she|the (group|militia|movement|country|army))\b", re.I)
_CAPITAL_RUN = re.compile(r"\b([A-Z][a-zA-Z\-']+(?:\s+(?:al-|of |the )?[A-Z][a-zA-Z\-']+)*)")
_NOT_NAMES = {"The", "A", "An", "On", "In", "It", "He", "She", "They", "This", "That", "But",
              "And", "After", "Before", "When", "While", "Officials", "Monday", "Tuesday",
              "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
              "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December", "At", "As", "By", "For", "If", "Its", "Their", "His",
              "Her", "We", "I", "Our", "There", "Some", "Two", "Three", "One", "Analysts",
              "Earlier", "Later", "Meanwhile", "Still", "Yet", "So", "Since", "Then", "Last",
              "Early", "Late", "Over", "Under", "With", "Without", "From", "Speaking"}  # fmt: skip


@dataclass
class Mention:
    start: int  # offsets in the cleaned text
    end: int
    text: str
    actor: str | None
    label: str  # names, orgs, people or place
    tok: int  # index of the first token
    tok_end: int


@dataclass
class Event:
    """One extracted event, with its evidence."""

    actor: str | None
    target: str | None
    kind: str
    rung: int | None = None
    date: str | None = None
    date_text: str = ""
    place: str | None = None
    means: list[str] = field(default_factory=list)
    quantities: list[dict[str, Any]] = field(default_factory=list)
    casualties: dict[str, int] = field(default_factory=dict)
    speaker: str | None = None
    speaker_actor: str | None = None
    channel: str | None = None
    actor_text: str = ""
    target_text: str = ""
    evidence: str = ""
    start: int = 0  # offsets of the evidence sentence in the file (or extracted text, for HTML)
    end: int = 0
    article: str = ""
    mentions: int = 1
    also_at: list[list[int]] = field(default_factory=list)

    @property
    def ladder(self) -> bool:
        return self.kind not in NON_LADDER_KINDS

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ladder"] = self.ladder
        return d


@dataclass
class ArticleResult:
    article: str
    date: str | None
    events: list[Event]
    unknown_actors: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "date": self.date,
            "events": [e.as_dict() for e in self.events],
            "unknown_actors": self.unknown_actors,
            "notes": self.notes,
        }


class Extractor:
    """A reusable extractor: builds the spaCy pipeline once for a dictionary and a catalog."""

    def __init__(self, dictionary: ActorDictionary, rungs: dict[str, int]) -> None:
        import spacy
        from spacy.matcher import Matcher
        from spacy.symbols import ORTH

        self.dictionary = dictionary
        self.rungs = rungs
        nlp = spacy.blank("en")
        for abbr in ("Brig.", "Gen.", "Lt.", "Col.", "Maj.", "Adm.", "Sgt.", "Capt.", "Gov.",
                     "Sen.", "Rep.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Cmdr.", "Rear.",
                     "R.Adm.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "No.",
                     "St.", "Jr.", "approx."):  # fmt: skip
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("escalade_paragraphs")
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(dictionary.patterns())  # type: ignore[attr-defined]
        self.matcher = Matcher(nlp.vocab)
        for label, words in BLOW_TRIGGERS.items():
            self.matcher.add(label, [[{"LOWER": {"IN": words}}]])
        self.nlp = nlp

    def extract(self, article: Article) -> ArticleResult:
        return self.extract_doc(self.nlp(article.text), article)

    def extract_many(self, articles: list[Article]) -> list[ArticleResult]:
        docs = self.nlp.pipe([a.text for a in articles], batch_size=32)
        return [self.extract_doc(doc, a) for doc, a in zip(docs, articles, strict=True)]

    # ---- one document -----------------------------------------------------------------------
    def extract_doc(self, doc: Any, article: Article) -> ArticleResult:
        base = article.date
        mentions = [
            Mention(
                e.start_char,
                e.end_char,
                e.text,
                e.ent_id_ or None,
                e.label_.removeprefix("ACTOR_").lower(),
                e.start,
                e.end,
            )
            for e in doc.ents
        ]
        triggers: dict[int, str] = {}
        for match_id, start, _end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            if label == "INTERCEPT" and doc[start].lower_ in ("shot", "shooting"):
                if start + 1 >= len(doc) or doc[start + 1].lower_ != "down":
                    continue
            triggers[start] = label
        events: list[Event] = []
        unknown: list[dict[str, Any]] = []
        last_actor: str | None = None
        for sent in doc.sents:
            sms = [m for m in mentions if sent.start <= m.tok < sent.end]
            sent_triggers = [(i, triggers[i]) for i in range(sent.start, sent.end) if i in triggers]
            found = self._sentence(doc, sent, sms, sent_triggers, base, last_actor, unknown)
            for ev in found:
                ev.article = article.name
                ev.start = article.source_offset(sent.start_char)
                ev.end = article.source_offset(sent.end_char)
            if found and found[-1].actor:
                last_actor = found[-1].actor
            events.extend(found)
        events = merge_events(events)
        notes = []
        if base is None:
            notes.append(
                "no article date found (give --date YYYY-MM-DD): relative dates are unresolved"
            )
        if not events:
            notes.append("no events found in this article")
        return ArticleResult(
            article.name, base.isoformat() if base else None, events, unknown, notes
        )

    def _sentence(
        self,
        doc: Any,
        sent: Any,
        sms: list[Mention],
        sent_triggers: list[tuple[int, str]],
        base: Any,
        last_actor: str | None,
        unknown: list[dict[str, Any]],
    ) -> list[Event]:
        text = sent.text
        off = sent.start_char
        roles = {id(m): _role(doc, sent, m, sms) for m in sms}
        speaker = next((m for m in sms if roles[id(m)] == "speaker"), None)
        statement: tuple[str, int, re.Match[str]] | None = None
        for kind, pattern in STATEMENT_CUES:
            m = pattern.search(text)
            if m:
                statement = (kind, off + m.start(), m)
                break
        dates = [d for d in find_dates(text, base) if not _DATELINE.match(text[d.start + len(d.text) :])]
        date = next((d for d in dates if d.value), dates[0] if dates else None)
        quantities = find_quantities(text)
        casualties = find_casualties(text)
        place = next(
            (m for m in sms if m.label == "place" or roles[id(m)] == "place"), None
        )
        out: list[Event] = []

        def common(ev: Event) -> Event:
            ev.date = date.value if date else None
            ev.date_text = date.text if date else ""
            ev.place = place.text if place else None
            ev.quantities = [
                {"count": q.count, "unit": q.unit, "qualifier": q.qualifier, "text": q.text}
                for q in quantities
            ]
            ev.means = sorted({q.unit for q in quantities if q.unit not in ("target", "site")})
            ev.casualties = dict(casualties)
            ev.speaker = speaker.text if speaker else None
            ev.speaker_actor = speaker.actor if speaker else None
            ev.evidence = text
            ev.rung = self.rungs.get(ev.kind)
            return ev

        # blows, unless reported inside a statement (a threat to strike is not a strike)
        blows: dict[str | None, list[tuple[int, str, str | None, bool]]] = {}
        for tok, label in sent_triggers:
            tok_char = doc[tok].idx
            if statement and statement[1] <= tok_char and statement[0] != "intercept":
                continue
            before = doc.text[max(sent.start_char, tok_char - 60) : tok_char]
            if IRREALIS.search(before):
                continue
            actor, target, fallback = self._blow_roles(doc, sent, tok, sms, roles, label, speaker)
            if actor is None and _PRONOUN_START.match(doc.text[sent.start_char : tok_char]):
                actor = last_actor
            if actor is None and target is None:
                continue
            if actor is None:
                self._unknown(doc, sent, tok, unknown)
            blows.setdefault(actor, []).append((tok, label, target, fallback))
        for actor, hits in blows.items():
            labels = {h[1] for h in hits}
            target = next((h[2] for h in hits if h[2] and not h[3]), None) or next(
                (h[2] for h in hits if h[2]), None
            )
            if labels == {"INTERCEPT"}:
                kind = "intercept"
            else:
                munitions = max(
                    (q.count for q in quantities if q.unit not in ("target", "site")), default=0
                )
                aircraft = max((q.count for q in quantities if q.unit == "aircraft"), default=0)
                abroad = (
                    place is not None
                    and self.dictionary.role(target) == "state"
                    and _place_owner(self.dictionary, place) not in (None, target)
                    and place.label == "place"
                )
                feats = BlowFeatures(
                    actor_role=self.dictionary.role(actor),
                    target_role="proxy" if abroad else self.dictionary.role(target),
                    killing="KILL" in labels,
                    senior=bool(SENIOR.search(text)),
                    strategic=bool(STRATEGIC.search(text)),
                    campaign=bool(CAMPAIGN.search(text)) or aircraft >= 20,
                    salvo=bool(SALVO.search(text)),
                    war=bool(WAR.search(text)),
                    covert="SABOTAGE" in labels or bool(COVERT.search(text)) and actor is None,
                    munitions=munitions,
                )
                kind = classify_blow(feats)
            ev = Event(actor=actor, target=target, kind=kind)
            ev.actor_text = _text_of(sms, actor)
            ev.target_text = _text_of(sms, target)
            out.append(common(ev))
        if statement is not None:
            kind, cue_char, match = statement
            ev = self._statement(doc, sent, kind, cue_char, match, sms, roles, speaker)
            if ev is not None:
                if ev.actor is None and _PRONOUN_START.match(text):
                    ev.actor = last_actor
                out.append(common(ev))
        return out

    def _blow_roles(
        self,
        doc: Any,
        sent: Any,
        tok: int,
        sms: list[Mention],
        roles: dict[int, str],
        label: str,
        speaker: Mention | None,
    ) -> tuple[str | None, str | None, bool]:
        passive = bool(PASSIVE_BEFORE.search(doc.text[sent.start_char : doc[tok].idx]))
        before = [m for m in sms if m.tok_end <= tok]
        after = [m for m in sms if m.tok > tok]
        agent = next((m for m in after if roles[id(m)] == "by"), None)
        subj = [
            m for m in before if roles[id(m)] in ("subject",) and m.label != "place" and m.actor
        ]
        objs = [
            m
            for m in after
            if roles[id(m)] in ("subject", "target", "addressee") and m.label != "place" and m.actor
        ]
        actor: str | None
        target: str | None
        if passive:
            target = subj[-1].actor if subj else None
            actor = agent.actor if agent else None
            if actor is None:
                adj = [m for m in after if m.label == "names" and roles[id(m)] != "place"]
                actor = next((m.actor for m in adj if m.actor != target), None)
            return actor, target, False
        actor = subj[-1].actor if subj else (agent.actor if agent else None)
        if actor is None and speaker is not None and label != "INTERCEPT":
            actor = speaker.actor
        target = next((m.actor for m in objs if m.actor != actor), None)
        fallback = target is None
        if target is None:
            placed = [
                _place_owner(self.dictionary, m)
                for m in after + before
                if m.label == "place" or roles[id(m)] == "place"
            ]
            target = next(
                (p for p in placed if p and p != actor and self.dictionary.role(p) == "state"),
                None,
            )
        if label == "INTERCEPT" and target is None:
            target = next(
                (m.actor for m in before if m.actor != actor and m.label != "place"), None
            )
        return actor, target, fallback

    def _statement(
        self,
        doc: Any,
        sent: Any,
        kind: str,
        cue_char: int,
        match: re.Match[str],
        sms: list[Mention],
        roles: dict[int, str],
        speaker: Mention | None,
    ) -> Event | None:
        before = [m for m in sms if m.end <= cue_char and m.actor and m.label != "place"]
        after = [m for m in sms if m.start >= cue_char and m.actor and m.label != "place"]
        channel = next((m for m in sms if roles[id(m)] == "channel"), None)
        valid_before = [
            m for m in before if roles[id(m)] in ("subject", "speaker") and m is not channel
        ]
        actor_m = speaker or (valid_before[-1] if valid_before else None)
        if speaker is None and valid_before:
            actor_m = valid_before[0] if kind in ("restraint", "backing") else valid_before[-1]
        actor = actor_m.actor if actor_m else None
        addressee = next((m for m in sms if roles[id(m)] == "addressee" and m.actor != actor), None)
        passive_threat = kind == "threaten" and re.match(
            r"(will|must) (be )?(punish|pay|face|regret)", match.group(0), re.I
        )
        target_m: Mention | None = addressee
        if target_m is None and passive_threat:
            target_m = next(
                (m for m in reversed(before) if m.actor != actor and m is not channel), None
            )
        if target_m is None:
            for m in after:
                if m.actor == actor or m is channel or roles[id(m)] == "speaker":
                    continue
                if kind == "restraint" and _prev_word(doc, m) == "against":
                    continue
                target_m = m
                break
        if target_m is None and kind not in ("restraint",):
            target_m = next(
                (m for m in reversed(before) if m.actor != actor and m is not channel), None
            )
        if actor is None and target_m is None:
            return None
        ev = Event(actor=actor, target=target_m.actor if target_m else None, kind=kind)
        ev.actor_text = actor_m.text if actor_m else ""
        ev.target_text = target_m.text if target_m else ""
        ev.channel = channel.actor if channel else None
        return ev

    def _unknown(self, doc: Any, sent: Any, tok: int, unknown: list[dict[str, Any]]) -> None:
        head = doc.text[sent.start_char : doc[tok].idx]
        runs = [m for m in _CAPITAL_RUN.finditer(head) if m.group(1).split()[0] not in _NOT_NAMES]
        if runs:
            m = runs[-1]
            unknown.append(
                {"text": m.group(1), "start": sent.start_char + m.start(), "evidence": sent.text}
            )


def _prev_word(doc: Any, m: Mention) -> str:
    i = m.tok - 1
    return doc[i].lower_ if i >= 0 else ""


def _role(doc: Any, sent: Any, m: Mention, sms: list[Mention]) -> str:
    """What a mention is in its sentence: subject, target, place, by, speaker, addressee,
    channel (from the words around it)."""
    words: list[str] = []
    i = m.tok - 1
    while i >= sent.start and len(words) < 4:
        w = doc[i].lower_
        if doc[i].is_space:
            i -= 1
            continue
        words.append(w)
        if w not in _SKIP and not doc[i].is_title:
            break
        i -= 1
    nxt = [doc[j].lower_ for j in range(m.tok_end, min(m.tok_end + 4, sent.end))]
    first = next((w for w in words if w not in _SKIP and w not in ("'s",)), "")
    if first in ("through", "via") or (words[:1] == ["the"] and first in ("through", "via")):
        return "channel"
    if any(w in SAY_VERBS for w in nxt[:3]) and not any(w in TARGET_PREPS for w in nxt[:1]):
        if not (nxt and nxt[0] in ("'s", "’s")):
            return "speaker"
    if first in ("said", "says", "to") and words and words[0] == first and first != "to":
        return "speaker"
    if words[:2] == ["to", "according"]:
        return "speaker"
    if first == "by":
        return "by"
    if first in ADDRESSEE_VERBS or (first == "on" and len(words) > 1 and words[1] == "called"):
        return "addressee"
    if first in TARGET_PREPS:
        return "target"
    if first in PLACE_PREPS:
        return "place"
    if first in ("and", ",", "or") or (words and words[0] in ("and", ",", "or")):
        prev = [p for p in sms if p.tok_end <= m.tok and m.tok - p.tok_end <= 2]
        if prev:
            return _role(doc, sent, prev[-1], sms)
    return "subject"


def _place_owner(dictionary: ActorDictionary, m: Mention) -> str | None:
    if m.label == "place":
        return m.actor or None
    return m.actor


def _text_of(sms: list[Mention], actor: str | None) -> str:
    return next((m.text for m in sms if m.actor == actor), "") if actor else ""


def merge_events(events: list[Event]) -> list[Event]:
    """One event per (actor, target, kind) and date: later mentions fill what the first lacks."""
    out: list[Event] = []
    for ev in events:
        same = next(
            (
                o
                for o in out
                if (o.actor, o.target, o.kind) == (ev.actor, ev.target, ev.kind)
                and (o.date is None or ev.date is None or o.date == ev.date)
            ),
            None,
        )
        if same is None:
            out.append(ev)
            continue
        same.mentions += 1
        same.also_at.append([ev.start, ev.end])
        same.date = same.date or ev.date
        same.date_text = same.date_text or ev.date_text
        same.place = same.place or ev.place
        known = {(q["count"], q["unit"]) for q in same.quantities}
        same.quantities += [q for q in ev.quantities if (q["count"], q["unit"]) not in known]
        same.means = sorted(set(same.means) | set(ev.means))
        for k, v in ev.casualties.items():
            same.casualties.setdefault(k, v)
        same.speaker = same.speaker or ev.speaker
        same.speaker_actor = same.speaker_actor or ev.speaker_actor
        same.channel = same.channel or ev.channel
    return out


def _paragraphs(doc: Any) -> Any:
    """A line break ends a sentence (headlines, list items, paragraphs without a full stop)."""
    for i in range(1, len(doc)):
        if doc[i - 1].is_space and "\n" in doc[i - 1].text:
            doc[i].is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("escalade_paragraphs"):
        Language.component("escalade_paragraphs", func=_paragraphs)


_register()
