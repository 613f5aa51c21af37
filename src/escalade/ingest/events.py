"""From a cleaned article to events: who did what to whom, when, where, with what, who said so.

The pipeline is a blank English spaCy pipeline (tokenizer, sentence splitter), an EntityRuler
holding the actor dictionary, and a Matcher holding the blow triggers; the rest is rules over
each sentence (see :mod:`escalade.ingest.patterns`). Nothing is downloaded: the same text gives
the same events on every machine.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from escalade.ingest.actors import ActorDictionary
from escalade.ingest.dates import find_dates
from escalade.ingest.patterns import (
    ANY_AGGRESSOR,
    BLOW_TRIGGERS,
    CAMPAIGN,
    CLAIM,
    COVERT,
    DENIED,
    IRREALIS,
    LIMITED,
    NEGATED,
    NON_LADDER_KINDS,
    PASSIVE_BEFORE,
    PRONOUN_SUBJECT,
    REFERENCE,
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
               "around", "off", "within", "above", "to", "along"}  # fmt: skip
TARGET_PREPS = {"at", "on", "against", "targeting", "toward", "towards", "into", "upon"}
ADDRESSEE_VERBS = {"told", "urged", "pressed", "asked", "warned", "assured", "informed",
                   "notified", "cautioned", "called", "tells", "urges", "warns", "telling",
                   "urging", "warning", "advised", "promised", "pledged"}  # fmt: skip
SAY_VERBS = {"said", "says", "told", "announced", "stated", "declared", "wrote", "tweeted",
             "posted", "added", "insisted", "claimed", "confirmed", "reported",
             "acknowledged"}  # fmt: skip
_SKIP = {"the", "a", "an", "its", "their", "his", "her", "our", "of", "and", ",", "'s", "’s",
         "both", "also"}  # fmt: skip
_DATELINE = re.compile(r"^\s*(\(|—|–|-|/|\|)")
_PRONOUN_START = re.compile(
    r"^\W*(it|they|he|she|the (group|militia|movement|country|army))\b", re.I
)
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
    sentences: list[str] = field(default_factory=list, repr=False)  # every mention's sentence
    target_from_place: bool = field(default=False, repr=False)  # the target is where it fell
    orphan: bool = field(default=False, repr=False)  # only where it fell: kept if claimed
    passive: bool = field(default=False, repr=False)  # "were intercepted by X"
    claimed: bool = field(default=False, repr=False)  # "Iran blamed Israel for the attack"
    blow: BlowContext | None = field(default=None, repr=False)  # to re-rank once roles change
    span: tuple[int, int] = field(default=(0, 0), repr=False)  # the sentence in the cleaned text

    @property
    def ladder(self) -> bool:
        return self.kind not in NON_LADDER_KINDS

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for private in (
            "sentences", "target_from_place", "orphan", "passive", "claimed", "blow", "span"
        ):  # fmt: skip
            d.pop(private)
        d["ladder"] = self.ladder
        return d


@dataclass(frozen=True)
class BlowContext:
    """What a sentence says about a blow besides who struck whom (see ``Extractor._blow_kind``)."""

    labels: frozenset[str]
    text: str
    quantities: tuple[Any, ...]
    place: Mention | None
    person: bool
    mentions: tuple[Mention, ...]
    speaker: Mention | None


class Reviewer(Protocol):
    """What reviews the rules' events of an article (a ranker, a chain of them, a stand-in)."""

    def review(
        self, text: str, mentions: list[Mention], events: list[Event], sentences: list[Any]
    ) -> list[Event]: ...


@dataclass
class ReviewChain:
    """Reviewers applied in turn: the shipped one is the actor ranker, then the target ranker."""

    reviewers: list[Reviewer]

    def review(
        self, text: str, mentions: list[Mention], events: list[Event], sentences: list[Any]
    ) -> list[Event]:
        for reviewer in self.reviewers:
            events = reviewer.review(text, mentions, events, sentences)
        return events


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

    def __init__(
        self,
        dictionary: ActorDictionary,
        rungs: dict[str, int],
        reviewer: Reviewer | Literal["shipped"] | None = "shipped",
    ) -> None:
        """``reviewer``: what reviews the rules' events of each article; by default the actor
        and target rankers shipped with escalade (:mod:`escalade.ingest.actor_ranker`, then
        :mod:`escalade.ingest.targets`), None for the rules alone."""
        import spacy
        from spacy.matcher import PhraseMatcher
        from spacy.symbols import ORTH

        self.dictionary = dictionary
        self.rungs = rungs
        if reviewer == "shipped":
            from escalade.ingest.actor_ranker import load_actor_ranker
            from escalade.ingest.targets import load_ranker

            reviewer = ReviewChain(
                [load_actor_ranker(dictionary, replaced=self._rerank), load_ranker(dictionary)]
            )
        self.reviewer: Reviewer | None = reviewer
        nlp = spacy.blank("en")
        for abbr in ("Brig.", "Gen.", "Lt.", "Col.", "Maj.", "Adm.", "Sgt.", "Capt.", "Gov.",
                     "Sen.", "Rep.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Cmdr.", "Rear.",
                     "R.Adm.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "No.",
                     "St.", "Jr.", "approx."):  # fmt: skip
            nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])  # type: ignore[union-attr]
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("escalade_paragraphs")
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(dictionary.patterns())  # type: ignore[attr-defined]
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, words in BLOW_TRIGGERS.items():
            self.matcher.add(label, [nlp.make_doc(w) for w in words])
        self.nlp = nlp

    def extract(self, article: Article) -> ArticleResult:
        return self.extract_doc(self.nlp(article.text), article)

    def extract_many(self, articles: list[Article]) -> list[ArticleResult]:
        docs = self.nlp.pipe([a.text for a in articles], batch_size=32)
        return [self.extract_doc(doc, a) for doc, a in zip(docs, articles, strict=True)]

    # ---- one document -----------------------------------------------------------------------
    def extract_doc(self, doc: Any, article: Article) -> ArticleResult:
        doc.user_data["text"] = doc.text  # Doc.text joins every token: build it once
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
        mentions = self._anaphors(doc, [m for m in mentions if not _modifier(doc, m, mentions)])
        triggers: dict[int, str] = {}
        for match_id, start, _end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            shot = label == "INTERCEPT" and doc[start].lower_ in _DOWN_VERBS
            if shot and (start + 1 >= len(doc) or doc[start + 1].lower_ != "down"):
                continue
            if doc[start].lower_.startswith("launch") and any(
                t.lower_ in _LAUNCHED_NOT_BLOWS for t in doc[start + 1 : start + 8]
            ):
                continue  # "launched the country's first military satellite", "an inquiry"
            if doc[start].lower_ in _ANSWERED and not any(
                t.lower_ in _ANSWERED_WITH and doc[t.i - 1].lower_ not in ("than", "no", "not")
                for t in doc[start + 2 : start + 10]
            ):
                continue  # "answered with 155mm rounds", not "with words rather than missiles"
            if doc[start].lower_ == "dropped" and not any(
                t.lower_ in _DROPPED for t in doc[start + 1 : start + 6]
            ):
                continue  # "dropped bombs", not "dropped its demand"
            air_defence = _AIR_DEFENCE.search(
                doc.user_data["text"], max(0, doc[start].idx - 40), doc[start].idx
            )
            if label == "STRIKE" and (
                any(t.lower_ == "interceptors" for t in doc[start + 1 : start + 7])
                or (air_defence and doc[start].lower_ in ("destroyed", "hit"))
            ):
                label = "INTERCEPT"  # "destroyers fired about a dozen interceptors"
            triggers[start] = label
        events: list[Event] = []
        unknown: list[dict[str, Any]] = []
        accusations: list[tuple[int, str]] = []  # sentences that blame someone, told apart
        last_actor: str | None = None
        title_end = _title_end(article.text)
        read: list[tuple[int, int]] = []  # the sentences read (not headlines)
        for sent in doc.sents:
            if sent.start_char < title_end or _headline(doc.user_data["text"], sent):
                continue  # a headline repeats the story in the present tense
            read.append((sent.start_char, sent.end_char))
            sms = [m for m in mentions if sent.start <= m.tok < sent.end]
            sent_triggers = [(i, triggers[i]) for i in range(sent.start, sent.end) if i in triggers]
            found = self._sentence(doc, sent, sms, sent_triggers, base, last_actor, unknown)
            for ev in found:
                ev.article = article.name
                ev.start = article.source_offset(sent.start_char)
                ev.end = article.source_offset(sent.end_char)
                ev.span = (sent.start_char, sent.end_char)
            if found and found[-1].actor:
                last_actor = found[-1].actor
            events.extend(found)
            accused = _accusation(doc, sms)
            if accused and not any(e.blow is not None for e in found):
                accusations.append((article.source_offset(sent.start_char), accused))
        events = self._complete(absorb_casualty_reports(events), accusations)
        events = merge_events(events)
        if self.reviewer is not None:
            events = self.reviewer.review(doc.user_data["text"], mentions, events, read)
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
        head = _WIRE_DATELINE.match(sent.text)
        if head is not None:  # "ERBIL, Iraq, March 13, 2022 (Wire) —": where it was filed
            sms = [m for m in sms if m.start >= sent.start_char + head.end()]
        if not sms:
            return []  # no actor named: nothing to code (a pronoun alone names no target)
        text = sent.text
        off = sent.start_char
        trig_toks = {t for t, _ in sent_triggers}
        roles = {id(m): _role(doc, sent, m, sms, trig_toks) for m in sms}
        speaker = next((m for m in sms if roles[id(m)] == "speaker"), None)
        statements = _statement_cues(text, off)
        dates = [
            d
            for d in find_dates(text, base)
            if not _DATELINE.match(text[d.start + len(d.text) :])
            and not text[: d.start].rstrip().lower().endswith("since")
        ]
        date = next((d for d in dates if d.value), dates[0] if dates else None)
        quantities = find_quantities(text)
        casualties = find_casualties(text)
        place = next((m for m in sms if m.label == "place" or roles[id(m)] == "place"), None)
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
            ev.sentences = [text]
            ev.rung = self.rungs.get(ev.kind)
            if ev.target == ev.actor:
                ev.target = None
            return ev

        # blows, unless reported inside a statement (a threat to strike is not a strike)
        first_cue = statements[0][1] if statements else None
        intercepted = any(label == "INTERCEPT" for _, label in sent_triggers)
        groups: dict[str, list[tuple[int, str, str | None, str | None, bool, bool]]] = {}
        live: list[tuple[int, str, str, bool, bool]] = []
        for tok, label in sent_triggers:
            tok_char = doc[tok].idx
            if (
                first_cue is not None
                and first_cue <= tok_char
                and not _told_after_cue(doc.user_data["text"][first_cue:tok_char], doc[tok].lower_)
            ):
                continue
            before = doc.user_data["text"][max(sent.start_char, tok_char - 60) : tok_char]
            irrealis = IRREALIS.search(before)
            if irrealis and irrealis.group(0).startswith("to ") and _SENT_TO.search(before):
                irrealis = None  # "B-1 bombers flew from Texas to strike": sent to strike
            if irrealis or DENIED.search(before):
                continue
            word = doc[tok].lower_
            if word.startswith("launch") and any(
                k == "defensive_deployment" for k, *_ in statements
            ):
                continue  # "launched Operation Aspides, a defensive mission": no blow
            if word.endswith("ing") and before.rstrip().lower().endswith("been"):
                continue  # "have been hitting each other's ships": a habit, not an event
            if label == "STRIKE" and intercepted and _MUNITION_BEFORE.search(before):
                continue  # "intercepted two missiles fired at the base": the launcher's blow
            ref = REFERENCE.search(before)
            if ref is not None and _past(doc[tok].lower_) and _RELATIVE_END.search(before):
                ref = None  # "the attack by the militias that killed ...": a verb, not a name
            if ref is not None and _past(doc[tok].lower_) and _AUXILIARY_END.search(before):
                ref = None  # "announced that they had launched": a verb, not "that attack"
            if ref is not None and _RESUMED.search(before):
                ref = None  # "Israel resumed its bombardment": a new round, not a name
            named = ref is not None and any(
                m.start >= tok_char - len(before) + ref.start() and m.end <= tok_char for m in sms
            )
            claim = CLAIM.search(before)
            claimed = claim is not None and not NEGATED.search(before[: claim.start()])
            live.append(
                (tok, label, before, ref is not None and not named and not claimed, claimed)
            )
        claims = {tok for tok, _, _, _, claimed in live if claimed}
        for tok, label, before, is_ref, claimed in live:
            tok_char = doc[tok].idx
            if is_ref and label != "INTERCEPT":
                continue  # "the strike", "in retaliation for the killing": named, not reported
            actor, target, fallback, passive = self._blow_roles(doc, sent, tok, sms, roles, label)
            tok_char = doc[tok].idx
            if actor is None and (
                _PRONOUN_START.match(doc.user_data["text"][sent.start_char : tok_char])
                or PRONOUN_SUBJECT.search(before)
            ):
                actor = speaker.actor if speaker and PRONOUN_SUBJECT.search(before) else last_actor
            if actor is None and (label == "INTERCEPT" or claimed) and speaker is not None:
                actor = speaker.actor  # "Jordan said it intercepted", "Hamas claimed the attack"
            if actor is None and label != "INTERCEPT":
                accused = _accused(doc, sms, roles, target)  # "..., the Pentagon said, blaming KH"
                actor = accused.actor if accused else None
            group = (
                "intercept"
                if label == "INTERCEPT"
                else self._blow_group(doc, groups, tok, actor, sms, roles)
            )
            groups.setdefault(group, []).append((tok, label, actor, target, fallback, passive))
        struck: tuple[str | None, str | None] = (None, None)  # the last blow's striker, victim
        for group, hits in groups.items():
            victims = {h[3] for h in hits if h[5]}  # "were killed in a drone attack on ..."
            actor = next((h[2] for h in hits if h[2] and h[2] not in victims), None)
            target = next((h[3] for h in hits if h[3] and not h[4] and h[3] != actor), None)
            target = target or next((h[3] for h in hits if h[3] and h[3] != actor), None)
            fell_on = all(h[4] for h in hits if h[3])
            if group.endswith(_REPLY_TO) and not any(_past(doc[h[0]].lower_) for h in hits):
                continue  # "in response to attacks on U.S. forces": named, not told
            if group.endswith(_REPLY_TO) and struck[1] is not None and actor in (None, *struck):
                # the blow another answers came from its target: "U.S. jets bombed KH ... in
                # response to a rocket attack that killed an American contractor": KH's
                actor = struck[1]
                own = next((h[3] for h in hits if h[3] not in (None, actor) and not h[4]), None)
                target, fell_on = own or struck[0], False
            if group != "intercept":
                struck = (actor, None if fell_on else target)
            orphan = actor is None and target is not None and fell_on and group != "intercept"
            first_tok = hits[0][0]
            downed = (  # "an Indian MiG-21 was shot down": an aircraft, not the munitions
                group == "intercept"
                and actor is None
                and target is not None
                and not _MUNITIONS.search(text, 0, doc[first_tok].idx - off)
            )
            if (
                actor is None
                and (target is None or fell_on or group == "intercept")
                and not (orphan or downed)
            ):
                continue  # nobody named, or no interceptor: too little to code
            if actor is None and not orphan:
                self._unknown(doc, sent, hits[0][0], unknown)
            labels = {h[1] for h in hits}
            places = [m for m in sms if m.label == "place" or roles[id(m)] == "place"]
            blow_place = next((m for m in places if m.tok > first_tok), None) or next(
                (m for m in reversed(places) if m.tok < first_tok), None
            )
            person = any(
                m.label == "people" and m.actor == target and m.tok > hits[0][0] for m in sms
            )
            context = BlowContext(
                frozenset(labels), text, tuple(quantities), blow_place, person, tuple(sms), speaker
            )
            kind = "intercept" if group == "intercept" else self._blow_kind(context, actor, target)
            shown = group != "intercept" and _SHOW_OF_FORCE.search(text, doc[first_tok].idx - off)
            ev = Event(actor=actor, target=target, kind="threaten" if shown else kind)
            ev.target_from_place = fell_on
            ev.orphan = orphan
            ev.passive = any(h[5] for h in hits)
            ev.claimed = any(h[0] in claims for h in hits)
            ev.blow = None if group == "intercept" or shown else context
            ev.actor_text = _text_of(sms, actor)
            ev.target_text = _text_of(sms, target)
            out.append(common(ev))
            ev.place = blow_place.text if blow_place else ev.place
            if group.endswith(_REPLY_TO):  # its own date, after it: "... that killed ... on Friday"
                own_date = next((d for d in dates if d.start > doc[first_tok].idx - off), None)
                ev.date = own_date.value if own_date else None
                ev.date_text = own_date.text if own_date else ""
        speakers = [m for m in sms if roles[id(m)] == "speaker"]
        for n, (kind, cue_char, match) in enumerate(statements):
            limit = statements[n + 1][1] if n + 1 < len(statements) else sent.end_char
            # each statement's own speaker: "A said ..., and B said ..." are two speakers
            said_by = next((m for m in reversed(speakers) if m.end <= cue_char), speaker)
            said = self._statement(doc, sent, kind, cue_char, match, sms, roles, said_by, limit)
            if said is not None:
                if said.actor is None and _PRONOUN_START.match(text):
                    said.actor = last_actor
                out.append(common(said))
                said.speaker = said_by.text if said_by else None
                said.speaker_actor = said_by.actor if said_by else None
        return out

    @staticmethod
    def _blow_group(
        doc: Any,
        groups: dict[str, list[tuple[int, str, str | None, str | None, bool, bool]]],
        tok: int,
        actor: str | None,
        sms: list[Mention],
        roles: dict[int, str],
    ) -> str:
        """The blow of the sentence a trigger reports: one with a striker of its own named after
        a clause boundary ("Hezbollah fired shells at Israeli posts, and Israel hit back ...")
        starts a new blow; otherwise it tells the current one."""
        keys = [k for k in groups if k != "intercept"]
        if not keys:
            return "blow0"
        hits = groups[keys[-1]]
        current = next((h[2] for h in hits if h[2]), None)
        text = doc.user_data["text"]
        gap_start = doc[hits[-1][0]].idx
        bounds = list(_NEW_BLOW.finditer(text, gap_start, doc[tok].idx))
        own = bounds and any(
            m.actor == actor and roles[id(m)] in ("subject", "by") and m.start >= bounds[-1].end()
            for m in sms
            if m.tok < tok
        )
        if actor is not None and current is not None and actor != current and own:
            return f"blow{len(keys)}"
        struck = next((h[3] for h in hits if h[3]), None)
        if (
            current
            and actor in (None, current, struck)
            and _CAUSE.search(text, gap_start, doc[tok].idx)
        ):
            return f"blow{len(keys)}{_REPLY_TO}"  # "bombed KH ... in response to a rocket attack"
        if _LATER_EVENT.search(text, gap_start, doc[tok].idx):
            return f"blow{len(keys)}"  # "struck ..., a day after a rocket barrage killed ..."
        return keys[-1]

    def _anaphors(self, doc: Any, mentions: list[Mention]) -> list[Mention]:
        """The mentions plus anaphors resolved to the last actor named before them that fits:
        "the group" or "the militia" a proxy, "the country" a state, "he" or "she" a person."""
        found: list[Mention] = []
        for hit in _ANAPHOR.finditer(doc.user_data["text"]):
            span = doc.char_span(hit.start(), hit.end())
            if span is None:
                continue
            noun = hit.group(1) or hit.group(3)
            wanted = (
                "named"
                if hit.group(3)
                else _ANAPHORS[noun.lower()]
                if noun
                else "side"
                if hit.group(2)
                else "people"
            )

            def fits(m: Mention, noun: str | None = noun, wanted: str = wanted) -> bool:
                if wanted == "named":
                    return str(noun).lower() in m.text.lower()
                if wanted == "side":
                    return m.label != "place" and self.dictionary.role(m.actor) in (
                        "state",
                        "proxy",
                    )
                if wanted == "state":  # "the kingdom": Saudi Arabia, a defence partner too
                    return m.label != "people" and self.dictionary.role(m.actor) != "proxy"
                return (m.label if wanted == "people" else self.dictionary.role(m.actor)) == wanted

            sent_start = span.sent.start
            opener = next(  # "Biden, who had told Netanyahu that he ...": Biden
                (
                    m
                    for m in mentions
                    if sent_start <= m.tok < span.start
                    and m.actor
                    and (m.label == "people" or _titled(doc, m))
                ),
                None,
            )
            subject_pronoun = hit.group(0).lower() in ("he", "she")
            antecedent = (opener if wanted == "people" and subject_pronoun else None) or next(
                (m for m in reversed(mentions) if m.tok < span.start and m.actor and fits(m)),
                None,
            )
            if antecedent is not None:
                at = (span.start_char, span.end_char)
                found.append(
                    Mention(*at, span.text, antecedent.actor, "anaphor", span.start, span.end)
                )
        return sorted(mentions + found, key=lambda m: m.tok)

    def _complete(
        self, events: list[Event], accusations: list[tuple[int, str]] | None = None
    ) -> list[Event]:
        """Fill what a sentence leaves out from the rest of the article, as a reader does: a
        threat, red line, sanctions or blow without a target is aimed at the actor's opponent
        in the article; a blow without a striker comes from its victim's opponent; a blow that
        only names where it fell (a city of a third state) is aimed at the actor's opponent
        there when that opponent is a proxy (Israeli jets over Beirut strike Hezbollah). First,
        a blow told without its striker takes the actor of a blow told without its target (the
        attack, then who claimed it), or the actor a later sentence blames before the next blow
        ("An explosion knocked out the power at Natanz." + "Iran blamed Israel.")."""
        blows = [e for e in events if e.blow is not None]
        for told in [e for e in blows if e.actor is None]:
            nxt = min((e.start for e in blows if e.start > told.start), default=None)
            blamed = next(
                (a for at, a in accusations or () if at > told.start and (nxt is None or at < nxt)),
                None,
            )
            if blamed is not None and blamed != told.target:
                told.actor = blamed
                self._rerank(told)
        unclaimed = [e for e in events if e.blow is not None and e.actor is None and e.target]
        for claim in [e for e in events if e.blow is not None and e.actor and e.target is None]:
            blow = next((e for e in unclaimed if e.actor is None and e.target != claim.actor), None)
            if blow is not None:  # "Two rockets struck Ain al-Asad." + "The militia claimed ..."
                blow.actor, claim.target = claim.actor, blow.target
                self._rerank(blow)
                self._rerank(claim)
        events = [e for e in events if not (e.orphan and e.actor is None)]
        events = self._fill(events)  # then a claim of a blow already told is dropped:
        known = {(e.actor, e.target) for e in events if e.blow is not None and not e.claimed}
        return [e for e in events if not (e.claimed and (e.actor, e.target) in known)]

    def _fill(self, events: list[Event]) -> list[Event]:
        """Targets and strikers from the article's opponents (see :meth:`_complete`)."""
        opponents = opponent_counts(events, self.dictionary)
        named = opponent_counts([e for e in events if not e.target_from_place], self.dictionary)

        def opponent(actor: str, proxy: bool = False) -> str | None:
            ranked = opponents.get(actor, Counter()).most_common()
            return next(
                (o for o, _ in ranked if not proxy or self.dictionary.role(o) == "proxy"), None
            )

        for ev in events:
            if ev.kind == "intercept" and ev.target is None and ev.actor and not ev.passive:
                ev.target = _attacker(ev, events)
            before = (ev.actor, ev.target)
            merchant = ev.blow is not None and _MERCHANT_SHIP.search(ev.evidence)
            if ev.kind in AIMED_KINDS or ev.blow is not None:
                if ev.target is None and ev.actor is not None and not merchant:
                    ev.target = opponent(ev.actor)  # not a third country's merchant ship
                elif ev.actor is None and ev.target is not None and ev.blow is not None:
                    ev.actor = opponent(ev.target)
                elif (
                    ev.target_from_place
                    and ev.blow is not None
                    and ev.actor is not None
                    and ev.target not in named.get(ev.actor, ())
                ):
                    ev.target = opponent(ev.actor, proxy=True) or ev.target
            elif ev.kind == "intercept" and ev.actor is None and ev.target is not None:
                ev.actor = opponent(ev.target)  # "an Indian MiG-21 was shot down": by Pakistan
            if (ev.actor, ev.target) != before:
                self._rerank(ev)
        return events

    def _rerank(self, ev: Event) -> None:
        """Place a blow on the ladder again once its striker or target is known."""
        if ev.blow is not None:
            ev.kind = self._blow_kind(ev.blow, ev.actor, ev.target)
            ev.rung = self.rungs.get(ev.kind)

    def _blow_kind(self, c: BlowContext, actor: str | None, target: str | None) -> str:
        labels, text, quantities, place, person = c.labels, c.text, c.quantities, c.place, c.person
        sms, speaker = c.mentions, c.speaker
        munitions = max(
            (q.count for q in quantities if q.unit not in ("target", "site")), default=0
        )
        aircraft = max((q.count for q in quantities if q.unit == "aircraft"), default=0)
        actor_role = self.dictionary.role(actor)
        abroad = (
            place is not None
            and actor_role == "state"
            and self.dictionary.role(target) == "state"
            and _place_owner(self.dictionary, place) not in (None, target)
            and target in self.dictionary.patrons()
            and any(
                self.dictionary.patron(m.actor) == target
                or (m.label == "orgs" and m.actor == target and m is not speaker)
                for m in sms
            )
        )  # the Quds Force in Iraq, among the militias it backs; not U.S. troops in Iraq
        limited = bool(LIMITED.search(text))
        feats = BlowFeatures(
            actor_role=actor_role,
            target_role="proxy" if abroad else self.dictionary.role(target),
            killing="KILL" in labels or person,
            senior=person or bool(SENIOR.search(text)),  # a leader of the dictionary is senior
            strategic=bool(STRATEGIC.search(text)) and not limited,
            campaign=(bool(CAMPAIGN.search(text)) or aircraft >= 20) and not limited,
            salvo=bool(SALVO.search(text)),
            war=bool(WAR.search(_SINCE.sub("", text))),  # not "since the invasion began"
            covert=("SABOTAGE" in labels and "STRIKE" not in labels)
            or (bool(COVERT.search(text)) and actor is None),
            munitions=munitions,
        )
        return classify_blow(feats)

    def _blow_roles(
        self,
        doc: Any,
        sent: Any,
        tok: int,
        sms: list[Mention],
        roles: dict[int, str],
        label: str,
    ) -> tuple[str | None, str | None, bool, bool]:
        """(actor, target, whether the target is only where the blow fell, whether the trigger
        is passive) of one trigger."""
        passive = bool(PASSIVE_BEFORE.search(doc.user_data["text"][sent.start_char : doc[tok].idx]))
        before = [m for m in sms if m.tok_end <= tok]
        after = [m for m in sms if m.tok > tok]
        end = _CLAUSE_END.search(doc.user_data["text"], doc[tok].idx, sent.end_char)
        in_clause = [m for m in after if end is None or m.start < end.start()]
        agent = next((m for m in after if roles[id(m)] == "by" and m.tok - tok <= 4), None)
        agent = agent or next(
            (m for m in reversed(before) if roles[id(m)] == "by" and tok - m.tok_end <= 4), None
        )
        subj = [m for m in before if roles[id(m)] == "subject" and m.label != "place" and m.actor]
        if _RELATIVE_END.search(doc.user_data["text"][sent.start_char : doc[tok].idx]):
            subj = []  # "..., which killed a guard": the main clause's subject did not strike
        places = self.dictionary.places

        def placed_at(m: Mention) -> bool:  # "the suburbs of Beirut": a city, not Lebanon
            return (
                m.label == "place"
                or roles[id(m)] == "place"
                or (roles[id(m)] == "of" and m.text in places)
            )

        aimed = (
            ("subject", "object", "addressee", "of", "by")
            if label == "INTERCEPT"
            else _OBJECT_ROLES
        )
        objs = [m for m in in_clause if roles[id(m)] in aimed and not placed_at(m) and m.actor]
        if passive:
            full = doc.user_data["text"]
            subj = [m for m in subj if not _CONJ.search(full[m.end : doc[tok].idx])]  # its clause
            target = subj[-1].actor if subj else None
            agent = agent or next((m for m in after if roles[id(m)] == "by"), None)
            actor = agent.actor if agent else None
            return actor, (target if target != actor else None), False, True
        actor_m = _head_of_chain(_main(subj, doc[tok].idx, doc), sms, doc) if subj else agent
        if agent is not None and agent.tok < tok and (not subj or agent.tok > subj[-1].tok):
            actor_m = agent  # the accused, not the accuser
        if agent is not None and label != "INTERCEPT" and doc[tok + 1].lower_ == "by":
            actor_m = agent  # "the rocket was a Falaq-1 fired by Hezbollah": the launcher
        accused = _accused(doc, before, roles, None)
        if accused is not None and label != "INTERCEPT":
            actor_m = accused  # "Russia blamed Ukraine, saying a drone had hit the dome"
        actor = actor_m.actor if actor_m else None
        target = next((m.actor for m in objs if m.actor != actor), None)
        fallback = target is None
        if target is None:
            placed = [  # not "a rocket fired from Lebanon": where it came from
                _place_owner(self.dictionary, m)
                for m in in_clause + before
                if placed_at(m) and _prev_word(doc, m) != "from"
            ]
            target = next((p for p in placed if p and p != actor), None)
        return actor, target, fallback, False

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
        limit: int,
    ) -> Event | None:
        channels = [m for m in sms if roles[id(m)] == "channel"]
        channel = channels[0] if channels else None
        usable = [m for m in sms if m.actor and m.label != "place" and m not in channels]
        before = [m for m in usable if m.end <= cue_char]
        after = [m for m in usable if cue_char <= m.start < limit]  # up to the next statement
        subjects = [m for m in before if roles[id(m)] in ("subject", "speaker")]
        passive_threat = kind in ("threaten", "red_line", "backing") and bool(
            _SUFFERS.match(match.group(0))
        )
        actor_m: Mention | None
        embedded = speaker is not None and speaker.end <= cue_char
        if embedded and speaker is not None:
            actor_m = _head_of_chain(speaker, sms, doc)  # "Britain and France said"
            inner = [m for m in subjects if m.start > speaker.end and m.actor != speaker.actor]
            if inner and kind in ("threaten", "red_line", "demand", "condition"):
                passive_threat = True  # "Khamenei said Israel must be punished": Israel, the target
            elif inner and kind in _ACTS and inner[-1] is before[-1] and _reported(doc, inner[-1]):
                actor_m = inner[-1]  # "the Kremlin said Israel had informed Russia": Israel
        elif passive_threat:
            actor_m = speaker or (subjects[0] if subjects else None)
        elif kind in ("threaten", "red_line") and (teller := _teller(doc, subjects, cue_char)):
            actor_m, passive_threat = _head_of_chain(teller, sms, doc), True  # "Iran ... said
            # Israel would bear responsibility": Iran threatens, Israel is threatened
        else:
            actor_m = (
                _head_of_chain(_main(subjects, cue_char, doc), sms, doc) if subjects else speaker
            )
        actor = actor_m.actor if actor_m else None
        addressee = next(
            (m for m in usable if roles[id(m)] == "addressee" and m.actor != actor), None
        )
        target_m: Mention | None = addressee
        if kind in ("threaten", "red_line"):
            against = next(
                (m for m in after if _prev_word(doc, m) == "against" and m.actor != actor), None
            )
            priced = next(
                (
                    m
                    for m in after
                    if _prev_word(doc, m) == "for"
                    and m.actor != actor
                    and _PRICE_BEFORE.search(doc.user_data["text"], max(0, m.start - 40), m.start)
                ),
                None,
            )  # "make sure there were severe consequences for Iran"
            target_m = (
                against or priced or target_m
            )  # "told Putin that Israel would act against Iran"
        if kind == "red_line" and match.group(0).lower().startswith("if") and not embedded:
            actor_m = subjects[0] if subjects else speaker  # "Iran vowed ... if it retaliated"
            actor = actor_m.actor if actor_m else None
            passive_threat = True
        if target_m is None and passive_threat:
            target_m = next((m for m in reversed(before) if m.actor != actor), None)
        if target_m is None:
            for m in after:
                if m.actor == actor or roles[id(m)] == "speaker" or _prev_word(doc, m) in _WHERE:
                    continue  # "off Oman", "in Beirut": where it was said or done
                if kind in ("restraint", "backing") and _prev_word(doc, m) == "against":
                    continue
                if kind == "declare_concluded" and roles[id(m)] != "target":
                    break
                target_m = m
                break
        if target_m is None:  # "gave Seoul an ultimatum ... or face military action"
            target_m = next(
                (m for m in before if roles[id(m)] == "object" and m.actor != actor), None
            )
        if (
            kind == "restraint"
            and target_m is not None
            and (_to_all(doc, cue_char, target_m) or _EVERY_SIDE.search(sent.text))
        ):
            target_m = None  # "urged both sides", "asked Washington and Tehran to ...": no one
        if kind == "declare_concluded" and target_m is None and actor_m is not None:
            target_m = _partner(actor_m, usable, doc)  # "Saudi Arabia and Iran agreed to ..."
        if actor is None and target_m is None:
            return None
        text = doc.user_data["text"]
        if kind == "message" and _PASSIVE_TOLD.search(text, max(0, cue_char - 20), cue_char):
            told = next((m for m in reversed(before) if m is not speaker), None)
            if told is not None:  # "Washington had been informed through the Swiss embassy"
                target_m = told
                actor_m = speaker if speaker is not None and speaker.actor != told.actor else None
                actor = actor_m.actor if actor_m else None
        if kind == "ceasefire":
            broker = next((m for m in usable if _brokers(doc, m)), None)
            if broker is not None:  # "a Russian-mediated ceasefire", "brokered by Egypt"
                actor_m, target_m, actor = broker, None, broker.actor
        if kind == "message" and re.search(r"\breceived\b", match.group(0), re.I):
            sender = next((m for m in after if _prev_word(doc, m) == "from"), None)
            if sender is not None:
                actor_m, target_m = sender, actor_m
                actor = sender.actor
        ev = Event(actor=actor, target=target_m.actor if target_m else None, kind=kind)
        ev.actor_text = actor_m.text if actor_m else ""
        ev.target_text = target_m.text if target_m else ""
        ev.channel = channel.actor if channel else None
        return ev

    def _unknown(self, doc: Any, sent: Any, tok: int, unknown: list[dict[str, Any]]) -> None:
        head = doc.user_data["text"][sent.start_char : doc[tok].idx]
        runs = [m for m in _CAPITAL_RUN.finditer(head) if m.group(1).split()[0] not in _NOT_NAMES]
        if runs:
            m = runs[-1]
            unknown.append(
                {"text": m.group(1), "start": sent.start_char + m.start(), "evidence": sent.text}
            )


_CONJ = re.compile(
    r"\b(but|while|whereas|although|and that|and was|and is|and would|and will)\b|;|, and\b|"
    r", which\b"
)


_OBJECT_ROLES = ("subject", "object", "target", "addressee", "of")
"""Roles of a mention after a trigger that make it the blow's target (an interception's target
is the launcher: what the munitions were fired *at* is not)."""
_CLAUSE_END = re.compile(
    r"\b(?:as|after|before|when|while|whereas|although|because|but)\b|;|, and\b|"
    r", (?:which|who|where)\b"
)
"""Where the clause of a blow's trigger ends: its target is named before."""
_CAUSE = re.compile(
    r"\b(?:in (?:response|retaliation|reply|revenge|answer) (?:to|for)|after|following|"
    r"blamed for|held responsible for|to avenge)\b",
    re.I,
)
"""What a blow answers: a blow without a striker told after it came from the answered one's
target."""
_REPLY_TO = ":reply"
_LATER_EVENT = re.compile(r"\b(?:days?|weeks?|hours?|months?) (?:after|before)\b")
"""A blow told in a clause dated from another: a separate event."""
_NEW_BLOW = re.compile(r"\b(?:but|while|whereas|after|when|as)\b|;|, and\b|\band (?:then|later)\b")
"""A boundary after which a trigger with a striker of its own is a new blow."""
_MUNITION_BEFORE = re.compile(
    r"\b(?:missiles|drones|rockets|projectiles|shells|munitions|missile|drone|rocket)\s+$", re.I
)
_NEW_CLAUSE = re.compile(r"\b(?:after|as|when|in which|that|which|who)\b|, and\b|;")
_AUXILIARY_END = re.compile(r"\b(?:they|it|he|she|we)\s+(?:had|has|have)\s+$", re.I)
_RELATIVE_END = re.compile(r"\b(?:that|which|who)\s+$", re.I)
_IRREALIS_WORD = re.compile(
    r"\b(?:will|would|could|might|may|must|should|shall|if|unless|any|to|not|never|no)\b", re.I
)
_PAST_IRREGULAR = {"struck", "hit", "shot", "set"}
_SENT_TO = re.compile(r"\b(?:flew|flown|sailed|went|returned|took off|scrambled)\b[^.;]{0,40}$")
_RESUMED = re.compile(
    r"\b(?:resum|continu|intensif|expand|escalat|renew)\w*\s+(?:its|their|the)\s+(?:\w+\s+)?$", re.I
)
_SINCE = re.compile(r"\bsince\b[^,.;]*", re.I)
_AIR_DEFENCE = re.compile(r"\bair defen[cs]es?\b[^.;]{0,30}$", re.I)
"""Air defences that "destroyed 87 of the missiles" intercepted them."""
_DOWN_VERBS = {"shot", "shooting", "brought", "bringing"}
_MUNITIONS = re.compile(r"\b(?:missiles?|rockets?|projectiles|shells|munitions)\b", re.I)
_ANSWERED = {"answered", "responded", "replied"}
_ANSWERED_WITH = {"rockets", "missiles", "rounds", "shells", "drones", "artillery", "strikes",
                  "airstrikes", "mortars", "fire", "salvo", "barrage", "bombs"}  # fmt: skip
"""A reply is a blow when told with its munitions: "the South answered with 155mm rounds"."""
_MERCHANT_SHIP = re.compile(
    r"\b[\w.-]+-flagged\b|\b(?:merchant|commercial|cargo|container) (?:vessel|ship)s?\b|"
    r"\bbulk carriers?\b",
    re.I,
)
"""A blow on a merchant ship names its victim by the flag, not by the article's opponents."""
_LAUNCHED_NOT_BLOWS = {"satellite", "satellites", "investigation", "inquiry", "appeal", "talks"}
_DROPPED = {"bombs", "bomb", "munitions", "shells", "explosives", "payload", "payloads"}
"""Interception triggers only when "down" follows: "shot down", "brought down"."""
_MODIFIED = {"backed", "supported", "sponsored", "funded", "aligned", "allied", "armed",
             "trained", "affiliated", "linked", "controlled", "held", "occupied"}  # fmt: skip
"""Participles after a hyphen that make a name a modifier: "the Iran-backed Kataib Hezbollah"
(Iran is neither the striker nor the target)."""


def _modifier(doc: Any, m: Mention, mentions: list[Mention]) -> bool:
    """A mention that only qualifies another name: "Iran-backed", or a common noun of the
    dictionary right after a name ("the Kataib Hezbollah militia")."""
    nxt = doc[m.tok_end : m.tok_end + 2]
    if len(nxt) == 2 and nxt[0].text == "-" and nxt[1].lower_ in _MODIFIED:
        return True
    return m.text[:1].islower() and any(p.tok_end == m.tok and p.actor for p in mentions)


def _past(word: str) -> bool:
    """A trigger in the past tense (a verb that reports, not a noun that names)."""
    return word.endswith("ed") or word in _PAST_IRREGULAR


def _told_after_cue(segment: str, word: str) -> bool:
    """A blow told after a statement's cue in a clause of its own, in the past: "announced a
    naval operation after a week in which the Houthis fired ...", "would respond to the attack
    by the militias that killed ..." (not "warned that Israel would strike")."""
    clauses = list(_NEW_CLAUSE.finditer(segment))
    if not clauses or not _past(word):
        return False
    return not _IRREALIS_WORD.search(segment[clauses[-1].end() :])


_SUFFERS = re.compile(
    r"(?:(?:will|must|would) (?:be )?)?(?:punish|pay|fac(?:e|ed|es|ing)|regret|suffer)|"
    r"unanswered|unpunished|ha(?:s|d|ve) (?:a|the|every) right",
    re.I,
)
"""A threat whose subject is its target: "Israel will pay", "Iran faced consequences"."""
_WIRE_DATELINE = re.compile(r"^\W*(?-i:[A-Z][A-Z .'-]+),[^—–\n]{0,60}?(?:\)|\d{4})\s*[—–-]+\s")
_AND_VERB = re.compile(r"\band (?:\w+ed|did|does|had|has)\b|, \w+ing\b")
"""A new clause of the same subject: "... called for calm and proposed talks"."""


def _conditional(kind: str, text: str, end: int) -> str:
    """A threat with its condition is a red line ("... if it attacks again"), one that lasts
    until something ends is a condition ("more operations until the aggression stopped")."""
    if kind != "threaten":
        return kind
    if _CONDITION.search(text) or ANY_AGGRESSOR.search(text):
        return "red_line"
    return "condition" if _UNTIL.search(text, end) else kind


_UNTIL = re.compile(
    r"\buntil\b[^.;]{0,60}\b(?:ends?|ended|stops?|stopped|lifted|ceases?|ceased|halts?|halted|"
    r"withdr\w*|left|leaves|leave|lifts?)\b",
    re.I,
)
"""A threat that lasts until the other side stops something: a condition (not "until Hamas
was destroyed", a threat)."""
_WHETHER = re.compile(r"^\W*whether\b", re.I)
_CONDITION = re.compile(r"(?<!even )(?<!as )\b(?:if|unless)\b", re.I)


def _statement_cues(text: str, off: int) -> list[tuple[str, int, re.Match[str]]]:
    """The statement cues of a sentence: a red line if there is one (a conditional threat),
    else the earliest cue (the main clause's verb comes first: "carried a message ... urging
    restraint" is a message), and a second one of another kind when a conjunction separates
    the two ("... concluded, but warned ...")."""
    found: list[tuple[str, int, re.Match[str]]] = []
    if _WHETHER.match(text):
        return found  # "Whether Iran keeps its promise ...": a question, not a report
    text = _ABBREVIATION.sub(lambda a: a.group(0).replace(".", "_"), text)  # "U.S." in a clause
    hits = [(k, m) for k, p in STATEMENT_CUES for m in list(p.finditer(text))[:2]]
    hits = [
        (k, m)
        for k, m in hits
        if k not in _ACTS
        or not (_NEGATED_ACT.search(text, 0, m.start()) or _IF_CLAUSE.search(text, 0, m.start()))
    ]
    hits = [(_conditional(k, text, m.end()), m) for k, m in hits]
    if hits:  # a conditional threat is a red line wherever it stands; else the earliest cue
        red = [i for i, (k, _) in enumerate(hits) if k == "red_line"]
        pick = red[0] if red else min(range(len(hits)), key=lambda i: hits[i][1].start())
        hits.insert(0, hits.pop(pick))
    for kind, m in hits:
        if not found:
            found.append((kind, off + m.start(), m))
            continue
        first = found[0][2]
        if kind == found[0][0] and m.start() <= first.end():
            continue
        lo, hi = sorted([(first.start(), first.end()), (m.start(), m.end())])
        gap = text[lo[1] : hi[0] + 1]
        if lo[1] <= hi[0] and (_CONJ.search(gap) or _AND_VERB.search(text, lo[1], hi[1])):
            found.append((kind, off + m.start(), m))
            break
    return sorted(found, key=lambda f: f[1])


_ACTS = ("message", "sanctions", "defensive_deployment", "arms_supply", "inducement")
"""Kinds that are acts, not words: in reported speech the act is the inner subject's."""
_ALL_SIDES = re.compile(
    r"\b(?:both|all|the two)\b(?: (?:the )?(?:\w+ )?(?:sides|parties|countries|delegations|camps|"
    r"powers|governments))?",
    re.I,
)


_PRICE_BEFORE = re.compile(r"\b(?:consequences|price|punishment|pay)\b[^.;]{0,25}$", re.I)
_PASSIVE_TOLD = re.compile(r"\b(?:had|has|have|was|were) been\s+$|\b(?:was|were)\s+$", re.I)
_SHOW_OF_FORCE = re.compile(
    r"\binto (?:the )?(?:\w+ ){0,2}(?:sea|waters|ocean|airspace)\b|\bwarning shots\b", re.I
)
"""Missiles fired into the sea, drones sent into another's airspace and warning shots are a
show of force, a threat, not a blow."""
_BROKERED = {"mediated", "brokered", "sponsored"}
_NEGATED_ACT = re.compile(r"\b(?:not|no|never)\s+(?:\w+\s+){0,2}$", re.I)
"""A sanction, deployment or supply negated: "would not impose further sanctions"."""
_IF_CLAUSE = re.compile(r"\b(?:if|unless)\b[^,.;]{0,60}$", re.I)
"""An act named in a condition is none: "... if the coalition lifted its blockade"."""
_ABBREVIATION = re.compile(r"\b(?:[A-Z]\.){2,}")


def _accusation(doc: Any, sms: list[Mention]) -> str | None:
    """The actor a sentence blames or accuses ("Iranian officials ... blamed Israel")."""
    for m in sms:
        i = m.tok - 1
        while i >= 0 and (doc[i].is_space or doc[i].lower_ in _DETERMINERS):
            i -= 1
        if m.actor and i >= 0 and doc[i].lower_ in _ACCUSE_VERBS:
            return m.actor
    return None


def _attacker(intercept: Event, events: list[Event]) -> str | None:
    """Whose munitions an interception told without them stopped: the striker of the last blow
    told before it by another actor, else of the first told after ("Jordan also intercepted
    drones" after Iran's barrage). A passive "were intercepted by X" is left as told."""
    strikers = [e for e in events if e.blow is not None and e.actor not in (None, intercept.actor)]
    earlier = [e for e in strikers if e.start < intercept.start]
    later = [e for e in strikers if e.start > intercept.start]
    pick = earlier[-1] if earlier else later[0] if later else None
    return pick.actor if pick else None


def _brokers(doc: Any, m: Mention) -> bool:
    """The mediator of a cease-fire: "a Russian-mediated ceasefire", "brokered by Egypt"."""
    nxt = doc[m.tok_end : m.tok_end + 2]
    if len(nxt) == 2 and nxt[0].text == "-" and nxt[1].lower_ in _BROKERED:
        return True
    prev = [t.lower_ for t in doc[max(0, m.tok - 3) : m.tok] if not t.is_space]
    while prev and prev[-1] in _DETERMINERS:
        prev.pop()
    return len(prev) >= 2 and prev[-1] == "by" and prev[-2] in _BROKERED


def _accused(
    doc: Any, sms: list[Mention], roles: dict[int, str], target: str | None
) -> Mention | None:
    """Who a sentence blames or accuses ("..., the Pentagon said, blaming Kataib Hezbollah")."""
    return next(
        (
            m
            for m in sms
            if roles[id(m)] == "by"
            and m.actor
            and m.actor != target
            and _prev_word(doc, m) in _ACCUSE_VERBS
        ),
        None,
    )


_EVERY_SIDE = re.compile(r"\b(?:all|both) (?:the )?(?:sides|parties)\b", re.I)
"""A call to every side, wherever it stands: "told the Assembly that all parties should ..."."""


def _reported(doc: Any, m: Mention) -> bool:
    """A mention that opens a reported clause ("said Israel had ...", "... that Israel")."""
    i = m.tok - 1
    while i >= 0 and (doc[i].is_space or doc[i].lower_ in _DETERMINERS):
        i -= 1
    return i >= 0 and doc[i].lower_ in ("said", "says", "that")


def _to_all(doc: Any, cue_char: int, m: Mention) -> bool:
    """A call addressed to every side: "both sides", "all parties", "both Washington and
    Tehran" (two actors joined by *and* alone are addressed to the first, as the gold set
    codes "urged India and Pakistan")."""
    text = doc.user_data["text"]
    return bool(_ALL_SIDES.search(text, cue_char, min(m.start, cue_char + 40)))


_NOUN_TO_COMMA = re.compile(r"(?:\s+[a-z]\w*){0,2},")
_ASIDE = re.compile(r"^(?:\s+[a-z]\w*){0,2}\s*,\s*(?:which|who|whose|\w+ing)\b[^,]*,\s*$")
"""An aside between the subject and its verb: ", which had fought the Houthis,", ", using ..."."""


def _main(subjects: list[Mention], verb_char: int, doc: Any) -> Mention:
    """The subject of a verb: the last one before it, unless that one sits in an aside
    between commas ("The Islamic Resistance in Iraq, a group that includes Kataib Hezbollah,
    claimed ...": the Islamic Resistance)."""
    text = doc.user_data["text"]
    last = subjects[-1]
    for earlier in reversed(subjects[:-1]):  # "Saudi Arabia, which had fought the Houthis, ..."
        if _ASIDE.match(text[earlier.end : verb_char]):
            return earlier
    if text[last.end : verb_char].lstrip().startswith(","):
        for m in subjects[:-1]:
            head = _NOUN_TO_COMMA.match(text, m.end)  # "Azerbaijani forces, using ..., destroyed"
            if head is not None and text[m.end : verb_char].count(",") == 2:
                return m
    return last


def _teller(doc: Any, subjects: list[Mention], cue_char: int) -> Mention | None:
    """Who tells a threat whose inner subject is its target: the subject before a verb of
    saying that stands between it and the last subject, of another actor ("the Houthi
    official said the United States would ..."), unless the last subject says it itself
    ("Moscow's ambassador had answered that any missile would ...")."""
    if len(subjects) < 2:
        return None
    inner = subjects[-1]
    if any(_says(t) for t in doc[inner.tok_end :] if t.idx < cue_char):
        return None
    for m in reversed(subjects[:-1]):
        if m.actor != inner.actor and any(_says(t) for t in doc[m.tok_end : inner.tok]):
            return m
    return None


def _says(tok: Any) -> bool:
    return bool(tok.lower_ in SAY_VERBS | _CLAUSE_VERBS | _ANSWER_VERBS)


def _titled(doc: Any, m: Mention) -> bool:
    """A name before an official's title: "Iraq's prime minister" (the person "he" is)."""
    nxt = doc[m.tok_end : m.tok_end + 2]
    return len(nxt) == 2 and nxt[0].lower_ in ("'s", "’s") and nxt[1].lower_ in _TITLE_WORDS


def _partner(m: Mention, sms: list[Mention], doc: Any) -> Mention | None:
    """The actor joined to a mention by *and* ("Pakistan and Iran agreed"), if any."""
    nxt = next((p for p in sms if p.actor != m.actor and 1 <= p.tok - m.tok_end <= 2), None)
    if nxt is None:
        return None
    gap = {doc[i].lower_ for i in range(m.tok_end, nxt.tok)}
    return nxt if "and" in gap and gap <= {"and", "the"} else None


def _head_of_chain(m: Mention, sms: list[Mention], doc: Any) -> Mention:
    """The first of coordinated mentions ("the United States and Britain" -> United States)."""
    while True:
        prev = [p for p in sms if p.actor and p.tok_end <= m.tok and 1 <= m.tok - p.tok_end <= 2]
        if not prev:
            return m
        gap = {doc[i].lower_ for i in range(prev[-1].tok_end, m.tok)}
        if not (gap <= {"and", ",", "the", "&", "other"} and gap & {"and", ",", "&"}):
            return m
        listed = m.tok_end < len(doc) and doc[m.tok_end].lower_ in (",", "and", "'s", "’s")
        if "and" not in gap and "&" not in gap and not listed:
            return m  # a list or "Turkey, Azerbaijan's ally,", not "After ... Nasrallah, Israeli"
        m = prev[-1]


def _title_end(text: str) -> int:
    """End offset of the headline (a first line without a full stop), or 0."""
    stripped = text.lstrip()
    line = stripped.split("\n", 1)[0].rstrip()
    if line and len(line) < 200 and not line.endswith((".", "!", "?", '"', "”", ":")):
        return len(text) - len(stripped) + len(line)
    return 0


def _headline(text: str, sent: Any) -> bool:
    """A headline: a line of its own, short, without a full stop (a page's title below its
    menus, a section's heading)."""
    raw = text[sent.start_char : sent.end_char]
    line = raw.strip()
    alone = (sent.start_char == 0 or text[sent.start_char - 1] == "\n") and (
        sent.end_char >= len(text) or raw.rstrip(" \t").endswith("\n")
    )
    return alone and len(line) < 200 and not line.endswith(_SENTENCE_ENDS)


_SENTENCE_ENDS = (".", "!", "?", '"', "”", ":", ")", "'", "’")


def _prev_word(doc: Any, m: Mention) -> str:
    i = m.tok - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i].lower_ if i >= 0 else ""


_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "'s", "’s", "both", "also",
                "two", "several", "some", "all", "northern", "southern", "eastern", "western",
                "central", "northeastern", "northwestern", "southeastern", "southwestern",
                "north", "south", "east", "west"}  # fmt: skip
_TITLE_WORDS = {"president", "prime", "minister", "foreign", "defense", "defence", "secretary",
                "supreme", "leader", "general", "gen.", "brig.", "brigadier", "major", "commander",
                "spokesman", "spokeswoman", "ayatollah", "king", "sheikh", "crown", "prince",
                "chief", "adm.", "admiral", "rear", "lt.", "col.", "sen.", "state", "political",
                "military", "army", "top", "senior", "deputy", "vice", "mr.", "ms.", "dr.",
                "national", "security", "adviser", "advisor", "envoy", "ambassador", "speaker",
                "house", "press", "spokesperson", "interior", "intelligence"}  # fmt: skip
_ANAPHORS = {"group": "proxy", "militia": "proxy", "movement": "proxy", "militants": "proxy",
             "rebels": "proxy", "country": "state", "kingdom": "state", "president": "people",
             "prime minister": "people", "chancellor": "people", "coalition": "named",
             "alliance": "named", "guards": "named"}  # fmt: skip
"""Noun phrases after "the" that refer back to an actor, and what that actor must be: a role,
a person ("people"), or a name holding the noun ("named": "the coalition" after "the
Saudi-led coalition")."""
_FORCES = (
    "forces|military|army|troops|navy|jets|aircraft|warplanes|fighters|crews|air force|leaders|"
    "boats|speedboats|ships|warships|vessels|"
    "leadership|officials|government|ministry|spokesman"
)
_ANAPHOR = re.compile(
    rf"\b(?:[Hh]e|[Ss]he|him|[Tt]he ((?i:{'|'.join(_ANAPHORS)}))|[Ii]ts (?:\w+ )?({_FORCES})|"
    r"[Tt]he (North|South)(?!\s+[A-Z]))\b"
)
"""An anaphor: a pronoun, "the" and a noun of ``_ANAPHORS``, "its (special) forces" (the
last state or proxy named), or a divided country's half ("the North" after "North Korea",
not "the South China Sea")."""
_FIGHTS = {"clash", "clashes", "fighting", "battle", "battles", "skirmish", "skirmishes"}
"""Nouns whose "with X" names the other side: "killed in a clash with Chinese troops"."""
_ACCUSE_VERBS = {"accused", "accuses", "accusing", "blamed", "blames", "blaming"}
_END_OF_SPEAKER = {"", ".", ",", ";", ":", ")", "on", "in", "late", "earlier", "later", "at",
                   "after", "before", "during", "when", "as", "\n"}  # fmt: skip
_CLAUSE_VERBS = {"warned", "cautioned", "vowed", "threatened", "promised", "believed", "feared",
                 "added", "noted", "stressed", "signaled", "signalled", "indicated", "hoped",
                 "expected", "argued", "suggested", "assessed", "judged", "concluded", "decided",
                 "agreed", "denied", "alleged"}  # fmt: skip
_ANSWER_VERBS = {"answered", "replied", "responded", "retorted", "countered"}
_WHERE = {"off", "near", "in", "over", "outside", "inside", "across", "around", "within",
          "throughout", "above"}  # fmt: skip
_GIVE_VERBS = {"gave", "give", "gives", "giving", "handed", "sent", "showed", "granted", "offered"}
"""Verbs whose next name is their object: "Kim gave Seoul a 48-hour ultimatum"."""
_OWNED = {"belonging", "linked", "tied", "affiliated", "loyal", "close"}
_USED = {"used", "operated", "run", "controlled", "held", "manned", "occupied"}
_TITLE_NOUNS = {"adviser", "advisor", "aide", "commander", "chief", "head", "spokesman",
                "spokeswoman", "spokesperson", "envoy", "ambassador", "minister"}  # fmt: skip
"""Titles whose "to/of/for X" names the actor the official speaks or acts for."""
_POSTED = {"envoy", "envoys", "ambassador", "ambassadors", "mission", "delegation"}
"""Whose "to X" after a possessive names the host: "Iran's envoy to the United Nations"."""
_POSSESSIVE = {"'s", "’s"}
_ROLE_WORDS = {"spokesman", "spokeswoman", "spokesperson", "officials", "official", "minister",
               "ministry", "military", "army", "government", "leader", "president", "sources",
               "statement", "media", "mission", "secretary", "envoy", "office"}  # fmt: skip


def _role(doc: Any, sent: Any, m: Mention, sms: list[Mention], triggers: set[int]) -> str:
    """What a mention is in its sentence: subject, target, place, by, of, speaker, addressee,
    channel (from the words around it)."""
    i = m.tok - 1
    while i >= sent.start and (
        doc[i].is_space or doc[i].lower_ in _DETERMINERS or doc[i].lower_ in _TITLE_WORDS
    ):
        i -= 1
    first = doc[i].lower_ if i >= sent.start else ""
    second = doc[i - 1].lower_ if i - 1 >= sent.start else ""
    nxt = [doc[j].lower_ for j in range(m.tok_end, min(m.tok_end + 3, sent.end))]
    if first in ("through", "via"):
        return "channel"
    if (first == "to" and second in _OWNED) or (first == "by" and second in _USED):
        return "object"  # "facilities belonging to Kataib Hezbollah", "sites used by the Houthis"
    posted = (
        first == "to"
        and second in _POSTED
        and i - 2 >= sent.start
        and doc[i - 2].lower_ in _POSSESSIVE
    )
    if posted:
        return "of"  # "Iran's envoy to the United Nations": where the envoy is posted
    if first in ("to", "of", "for") and second in _TITLE_NOUNS:
        return "subject"  # "an adviser to Iran's ...", "the commander of Iran's air force"
    if (first == "what" and nxt and nxt[0] in ("called", "described", "termed")) or (
        nxt[:1] == ["origin"] or nxt[:2] == ["-", "made"]
    ):
        return "of"  # "what the UAE called sabotage", "a drone of Iranian origin": no actor
    if nxt and (
        nxt[0] in SAY_VERBS
        or (
            nxt[0] in _ROLE_WORDS
            and len(nxt) > 1
            and (nxt[1] in SAY_VERBS or nxt[1] in _ROLE_WORDS)
        )
        or (len(nxt) > 2 and nxt[1] in _ROLE_WORDS and nxt[2] in SAY_VERBS)
    ):
        return "speaker"
    after = nxt[0] if nxt else ""
    if (first in ("said", "says") and after in _END_OF_SPEAKER) or (
        first == "to" and second == "according"
    ):
        return "speaker"  # "..., said Iran's foreign minister." (not "said Iran would ...")
    if any(t in triggers for t in range(m.tok_end, min(m.tok_end + 3, sent.end))) and not (
        first in TARGET_PREPS or first in PLACE_PREPS or first == "of"
    ):
        return "subject"
    if (
        any(t in triggers for t in range(m.tok_end, min(m.tok_end + 3, sent.end)))
        and first in ("in", "of", "from", "after", "by")
        and m.tok > 0
        and doc[m.tok - 1].lower_ in ("a", "an")
    ):
        return "by"  # "in an Israeli strike", "killed in a U.S. drone strike"
    if first == "by" or first in _ACCUSE_VERBS or (first == "with" and second in _FIGHTS):
        return "by"  # "claimed by Hamas", "Iran accused Israel of sabotaging ..."
    if first in ADDRESSEE_VERBS or (first == "on" and second == "called") or first == "with":
        return "addressee"  # "urged Iran", "called on Iran", "took up the matter with Beijing"
    if first in TARGET_PREPS:
        return "target"
    if first == "of":
        return "of"
    if first in PLACE_PREPS:
        return "place"
    if first in ("and", ",", "or", "&"):
        prev = [p for p in sms if p.tok_end <= m.tok and m.tok - p.tok_end <= 3 and p is not m]
        if prev:
            return _role(doc, sent, prev[-1], sms, triggers)
    if (first.endswith("ed") and first.isalpha() and first not in SAY_VERBS | _CLAUSE_VERBS) or (
        first in _GIVE_VERBS
    ):
        return "object"  # "Iran accused Israel ...", "the strike killed Iranian officers"
    return "subject"


def _place_owner(dictionary: ActorDictionary, m: Mention) -> str | None:
    if m.label == "place":
        return m.actor or None
    return m.actor


def _text_of(sms: list[Mention], actor: str | None) -> str:
    return next((m.text for m in sms if m.actor == actor), "") if actor else ""


AIMED_KINDS = ("threaten", "red_line", "sanctions")
"""Non-blow kinds aimed at an opponent: without a target named, the actor's opponent."""


def opponent_counts(events: list[Event], dictionary: ActorDictionary) -> dict[str, Counter[str]]:
    """Who is set against whom in an article: each hostile event (a blow, an interception, a
    threat, a red line, sanctions) with both sides named counts for both, and for the actor
    each side is part of (Kataib Hezbollah's opponent is the Iraqi militias' too)."""
    out: dict[str, Counter[str]] = {}
    for ev in events:
        if ev.actor and ev.target and (ev.ladder or ev.kind in (*AIMED_KINDS, "intercept")):
            for one, other in ((ev.actor, ev.target), (ev.target, ev.actor)):
                if one == other:
                    continue
                entry = dictionary.actors.get(one)
                for side in {one, entry.part_of if entry else None} - {None}:
                    out.setdefault(str(side), Counter())[other] += 1
    return out


def absorb_casualty_reports(events: list[Event]) -> list[Event]:
    """A death toll told on its own ("Four Iranian soldiers were killed, the army said": a
    killing, no striker, no other blow word) reports on the blow already told against the same
    side: its casualties and sentence join that blow instead of making a new event."""
    out: list[Event] = []
    for ev in events:
        earlier = next(
            (
                o
                for o in reversed(out)
                if o.blow is not None and o.target == ev.target and o.actor is not None
            ),
            None,
        )
        toll = ev.blow is not None and ev.actor is None and ev.blow.labels == {"KILL"}
        if toll and earlier is not None:
            for k, v in ev.casualties.items():
                earlier.casualties.setdefault(k, v)
            earlier.mentions += 1
            earlier.also_at.append([ev.start, ev.end])
            earlier.sentences += ev.sentences
            continue
        out.append(ev)
    return out


def merge_events(events: list[Event]) -> list[Event]:
    """One event per (actor, target, kind) and date: later mentions fill what the first lacks."""
    out: list[Event] = []
    for ev in events:
        same = next(
            (
                o
                for o in out
                if (o.actor, o.kind) == (ev.actor, ev.kind)
                and (
                    o.target == ev.target
                    or ((o.target is None or ev.target is None) and (o.rung or 0) >= 3)
                )
                and (o.date is None or ev.date is None or o.date == ev.date)
                and not (  # two officials' statements are two events
                    (o.rung or 0) < 3 and o.speaker and ev.speaker and o.speaker != ev.speaker
                )
            ),
            None,
        )
        if same is None:
            out.append(ev)
            continue
        same.mentions += 1
        same.target = same.target or ev.target
        same.also_at.append([ev.start, ev.end])
        same.sentences += ev.sentences
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
    n = len(doc)
    for i in doc.to_array("IS_SPACE").nonzero()[0]:  # whitespace tokens only, not every token
        if i + 1 < n and "\n" in doc[int(i)].text:
            doc[int(i) + 1].is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("escalade_paragraphs"):
        Language.component("escalade_paragraphs", func=_paragraphs)


_register()
