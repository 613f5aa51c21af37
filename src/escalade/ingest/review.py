"""A statistical reviewer of the rules' events, trained on the development gold set only.

The rules (:mod:`escalade.ingest.events`) propose events; the reviewer re-scores them with two
logistic models whose coefficients ship as plain JSON (``review.json``, written by
``scripts/train_ingest.py`` from ``tests/ingest/gold/dev`` alone):

- **keep**: the probability that an event is real and has the right actor and kind, from its
  kind, what the rules found (actor and target named in the sentence or filled from the
  article, a date, a speaker, several mentions) and the sentence's words; an
  event below the threshold is dropped;
- **target**: a ranker over the candidate targets of an event (no target, the rules' target,
  each actor named in its sentence, the actor's opponents in the article, the article's most
  named actors), from the word before the candidate's mention (*at*, *on*, *against*, *told*,
  *urged*, *to*, *by*, ...), its position against the actor's mention, its rank among the
  actor's opponents and in the article, patron and proxy links, the candidate's role and the
  event's kind; the best-scored candidate is the target.

Scoring is a sum of weights over named features: no solver, no randomness at run time, and
the same events give the same output on every machine.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from escalade.ingest.actors import ActorDictionary

MODEL_FILE = "review.json"
ANY_KIND = "any"
"""The proposal model that tells whether a sentence holds an event at all."""
TOP_CANDIDATES = 3
"""How many of the actor's opponents, and of the article's most named actors, are candidates."""
_WORD = re.compile(r"[a-z][a-z'\-]+")
_TARGET_PREPS = {"at", "on", "against", "targeting", "toward", "towards", "into", "upon"}
_ADDRESS_VERBS = {"told", "urged", "pressed", "asked", "warned", "assured", "informed",
                  "called", "urging", "warning", "promised", "pledged", "accused", "blamed",
                  "condemned", "sanctioned", "struck", "hit", "attacked", "killed"}  # fmt: skip
_PREV_WORDS = {"to", "by", "with", "for", "of", "from", "and", "that", "in", "said"}
_NEXT_WORDS = {"said", "says", "warned", "vowed", "urged", "told", "would", "will", "has", "had",
               "is", "was", "called", "accused", "announced", "threatened", "and", "of",
               "to", "on"}  # fmt: skip


@dataclass
class ArticleView:
    """What the reviewer sees of an article: its text, actor mentions and the rules' events."""

    text: str
    mentions: list[Any]
    events: list[Any]
    dictionary: ActorDictionary
    sentences: list[tuple[int, int]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    opponents: dict[str, Counter[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from escalade.ingest.events import opponent_counts

        self.counts = Counter(m.actor for m in self.mentions if m.actor and m.label != "place")
        self.opponents = opponent_counts(self.events, self.dictionary)

    def in_sentence(self, ev: Any) -> list[Any]:
        return self.in_span(ev.span)

    def in_span(self, span: tuple[int, int]) -> list[Any]:
        a, b = span
        return [m for m in self.mentions if a <= m.start < b and m.actor and m.label != "place"]

    def unread(self) -> list[tuple[int, int]]:
        """The sentences that name an actor and gave the rules no event."""
        told = {e.span for e in self.events}
        return [s for s in self.sentences if s not in told and self.in_span(s)]


def _ranks(counter: Counter[str] | None, top: int) -> dict[str, int]:
    ranked = sorted((counter or Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
    return {a: i for i, (a, _) in enumerate(ranked[:top])}


def event_features(ev: Any, view: ArticleView) -> dict[str, float]:
    """Features of an extracted event for the keep model."""
    sms = view.in_sentence(ev)
    actors = {m.actor for m in sms}
    sentence = view.text[ev.span[0] : ev.span[1]].lower()
    f: dict[str, float] = {"bias": 1.0, f"kind={ev.kind}": 1.0}
    flags = {
        "actor_none": ev.actor is None,
        "target_none": ev.target is None,
        "actor_in_sentence": ev.actor in actors,
        "target_in_sentence": ev.target in actors,
        "several_mentions": ev.mentions > 1,
        "dated": ev.date is not None,
        "speaker": ev.speaker is not None,
        "quoted": '"' in sentence or "“" in sentence,
        "conditional": " if " in f" {sentence}" or "unless" in sentence,
    }
    for name, on in flags.items():
        if on:
            f[name] = 1.0
            f[f"{name}|kind={ev.kind}"] = 1.0
    f[f"actors_in_sentence={min(len(actors), 3)}"] = 1.0
    f[f"actor_role={view.dictionary.role(ev.actor)}"] = 1.0
    for w in set(_WORD.findall(sentence)):
        f[f"w={w}"] = 1.0
    return f


def sentence_features(span: tuple[int, int], view: ArticleView) -> dict[str, float]:
    """Features of a sentence without a rule event, for the proposal model: its words and
    word pairs, and how many actors it names."""
    sentence = view.text[span[0] : span[1]].lower()
    words = _WORD.findall(sentence)
    f: dict[str, float] = {"bias": 1.0, f"actors={min(len(view.in_span(span)), 3)}": 1.0}
    for w in set(words):
        f[f"w={w}"] = 1.0
    for a, b in set(zip(words, words[1:], strict=False)):
        f[f"w2={a} {b}"] = 1.0
    if '"' in sentence or "“" in sentence:
        f["quoted"] = 1.0
    return f


def actor_features(span: tuple[int, int], m: Any, view: ArticleView) -> dict[str, float]:
    """Features of one mention as the actor of a proposed event."""
    sms = view.in_span(span)
    before = view.text[max(span[0], m.start - 30) : m.start].lower().split()
    word = before[-1] if before else "^"
    after = view.text[m.end : m.end + 40].lower().split()
    nxt = after[0] if after else "$"
    f = {
        "bias": 1.0,
        f"label={m.label}": 1.0,
        f"role={view.dictionary.role(m.actor)}": 1.0,
        f"order={min(next(i for i, x in enumerate(sms) if x is m), 3)}": 1.0,
        f"prev={word if word in _PREV_WORDS or word in _TARGET_PREPS else 'other'}": 1.0,
        f"next={nxt if nxt in _NEXT_WORDS else 'other'}": 1.0,
    }
    if m.actor == (sms[0].actor if sms else None):
        f["first_actor"] = 1.0
    return f


def target_candidates(ev: Any, view: ArticleView) -> list[str | None]:
    """No target, the rules' target, the sentence's actors, the actor's opponents and the
    article's most named actors (in that order; the actor itself excluded)."""
    out: list[str | None] = [None, ev.target]
    out += [m.actor for m in view.in_sentence(ev)]
    out += list(_ranks(view.opponents.get(ev.actor or ""), TOP_CANDIDATES))
    out += list(_ranks(view.counts, TOP_CANDIDATES))
    seen: list[str | None] = []
    for c in out:
        if c not in seen and (c is None or c != ev.actor):
            seen.append(c)
    return seen


def candidate_features(
    ev: Any, cand: str | None, view: ArticleView, previous: Any | None, proposed: bool = False
) -> dict[str, float]:
    """Features of one candidate target of an event for the target ranker (``proposed``: an
    event the rules did not find, so no rule target)."""
    k = f"kind={ev.kind}"
    if cand is None:
        ruled = ev.target is None and not proposed
        return {"none": 1.0, f"none|{k}": 1.0, **({"none|rule": 1.0} if ruled else {})}
    d = view.dictionary
    sms = view.in_sentence(ev)
    mine = [m for m in sms if m.actor == cand]
    actor_at = next((m.start for m in sms if m.actor == ev.actor), None)
    role = d.role(cand)
    on = {
        "rule": cand == ev.target and not proposed,
        "in_sentence": bool(mine),
        "first_in_sentence": bool(sms) and sms[0].actor == cand,
        "after_actor": bool(mine) and actor_at is not None and mine[0].start > actor_at,
        "before_actor": bool(mine) and actor_at is not None and mine[0].start < actor_at,
        "speaker": cand == ev.speaker_actor,
        "patron_of_actor": cand == d.patron(ev.actor),
        "proxy_of_actor": ev.actor is not None and d.patron(cand) == ev.actor,
        "previous_target": previous is not None and cand == previous.target,
        "previous_actor": previous is not None and cand == previous.actor,
    }
    f: dict[str, float] = {}
    for name, hit in on.items():
        if hit:
            f[name] = 1.0
            f[f"{name}|{k}"] = 1.0
    for m in mine[:1]:
        before = view.text[max(ev.span[0], m.start - 30) : m.start].lower().split()
        word = before[-1] if before else "^"
        if word in _TARGET_PREPS:
            word = "TARGET_PREP"
        elif word in _ADDRESS_VERBS:
            word = "ADDRESS_VERB"
        elif word not in _PREV_WORDS:
            word = "other"
        f[f"prev={word}"] = 1.0
        f[f"prev={word}|{k}"] = 1.0
        after = view.text[m.end : m.end + 3]
        if after.startswith("'s") or after.startswith("’s"):
            f["possessive"] = 1.0
    opp = _ranks(view.opponents.get(ev.actor or ""), TOP_CANDIDATES).get(cand)
    art = _ranks(view.counts, TOP_CANDIDATES).get(cand)
    f[f"opponent_rank={opp}"] = 1.0
    f[f"opponent_rank={opp}|{k}"] = 1.0
    f[f"article_rank={art}"] = 1.0
    f[f"role={role}"] = 1.0
    f[f"role={role}|{k}"] = 1.0
    return f


def _score(weights: dict[str, float], features: dict[str, float]) -> float:
    return sum(weights.get(name, 0.0) * v for name, v in features.items())


def probability(weights: dict[str, float], features: dict[str, float]) -> float:
    z = _score(weights, features)
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@dataclass
class Reviewer:
    """The models' weights and thresholds (see the module docstring); a part left None is
    not used."""

    dictionary: ActorDictionary
    keep: dict[str, float] | None = None
    threshold: float = 0.0
    target: dict[str, float] | None = None
    propose: dict[str, dict[str, float]] | None = None  # ANY_KIND, and each kind against the rest
    propose_threshold: float = 1.0
    actor: dict[str, float] | None = None

    def review(
        self,
        text: str,
        mentions: list[Any],
        events: list[Any],
        sentences: list[tuple[int, int]] | None = None,
    ) -> list[Any]:
        """The rules' events kept and re-targeted, and the events proposed for the sentences
        that name an actor and gave the rules none, in the order of the text (a proposed
        event has no ``article`` yet: the extractor completes it)."""
        view = ArticleView(text, mentions, events, self.dictionary, sentences or [])
        out: list[Any] = []
        for ev in events:
            if self.keep is not None:
                if probability(self.keep, event_features(ev, view)) < self.threshold:
                    continue
            if self.target is not None and ev.actor is not None:
                self.retarget(ev, view, out[-1] if out else None)
            out.append(ev)
        if self.propose is not None and self.actor is not None:
            for span in view.unread():
                ev = self.proposal(span, view)
                if ev is not None:
                    out.append(ev)
            out.sort(key=lambda e: e.span[0])
        return out

    def retarget(self, ev: Any, view: ArticleView, previous: Any, proposed: bool = False) -> None:
        assert self.target is not None
        scored = [
            (_score(self.target, candidate_features(ev, c, view, previous, proposed)), -i, c)
            for i, c in enumerate(target_candidates(ev, view))
        ]
        ev.target = max(scored, key=lambda s: (s[0], s[1]))[2]
        ev.target_text = next((m.text for m in view.in_sentence(ev) if m.actor == ev.target), "")

    def proposal(self, span: tuple[int, int], view: ArticleView) -> Any | None:
        """An event for a sentence the rules found none in, if the proposal model's most
        likely kind reaches its threshold: the actor ranked first among the sentence's
        mentions, the target by the ranker."""
        from escalade.ingest.events import Event

        assert self.propose is not None and self.actor is not None
        f = sentence_features(span, view)
        if probability(self.propose[ANY_KIND], f) < self.propose_threshold:
            return None
        _, kind = max((_score(w, f), k) for k, w in sorted(self.propose.items()) if k != ANY_KIND)
        sms = view.in_span(span)
        best = max(
            enumerate(sms), key=lambda im: (_score(self.actor or {}, actor_features(span, im[1], view)), -im[0])
        )[1]
        ev = Event(actor=best.actor, target=None, kind=kind)
        ev.span = span
        ev.evidence = view.text[span[0] : span[1]]
        ev.sentences = [ev.evidence]
        ev.actor_text = best.text
        if self.target is not None:
            self.retarget(ev, view, None, proposed=True)
        return ev

    def as_dict(self) -> dict[str, Any]:
        return {
            "keep": _sorted(self.keep),
            "threshold": self.threshold,
            "target": _sorted(self.target),
            "propose": None if self.propose is None
            else {k: _sorted(w) for k, w in sorted(self.propose.items())},
            "propose_threshold": self.propose_threshold,
            "actor": _sorted(self.actor),
        }


def _sorted(weights: dict[str, float] | None) -> dict[str, float] | None:
    return None if weights is None else {k: weights[k] for k in sorted(weights)}


def load_reviewer(dictionary: ActorDictionary, path: Path | None = None) -> Reviewer:
    """The reviewer of ``review.json`` shipped with escalade (or the file given)."""
    if path is None:
        data = json.loads(resources.files("escalade.ingest").joinpath(MODEL_FILE).read_text())
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    return Reviewer(
        dictionary,
        data.get("keep"),
        float(data.get("threshold", 0.0)),
        data.get("target"),
        data.get("propose"),
        float(data.get("propose_threshold", 1.0)),
        data.get("actor"),
    )


def feature_names(rows: Iterable[dict[str, float]]) -> list[str]:
    return sorted({name for row in rows for name in row})
