"""A statistical ranker of an event's target, trained on the development gold set only.

The rules (:mod:`escalade.ingest.events`) find the events and a target for each; the ranker
then scores every candidate target of an event and keeps the best. Candidates: the rules'
target, no target, each actor named in the event's sentence, the actor's opponents in the
article and the article's most named actors. Features: whether the candidate is the rules'
choice, where it stands (named in the sentence, first, before or after the actor, the word
before its mention: *at*, *on*, *against*, *told*, *urged*, *to*, *by*, ..., a possessive),
its rank among the actor's opponents and among the article's actors, patron and proxy links,
the speaker, the previous event's actor and target, the candidate's role, each crossed with
the event's kind.

The weights are a logistic regression's, fitted by ``scripts/train_ingest.py`` from
``tests/ingest/gold/dev`` alone and shipped as plain JSON (``targets.json``). Scoring is a
sum of weights over named features: no solver and no randomness at run time, so the same
events give the same targets on every machine.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from escalade.ingest.actors import ActorDictionary
from escalade.ingest.text import IngestError

C = TypeVar("C")
MODEL_FILE = "targets.json"
TOP_CANDIDATES = 3
"""How many of the actor's opponents, and of the article's most named actors, are candidates."""
_TARGET_PREPS = {"at", "on", "against", "targeting", "toward", "towards", "into", "upon"}
_ADDRESS_VERBS = {"told", "urged", "pressed", "asked", "warned", "assured", "informed",
                  "called", "urging", "warning", "promised", "pledged", "accused", "blamed",
                  "condemned", "sanctioned", "struck", "hit", "attacked", "killed"}  # fmt: skip
_PREV_WORDS = {"to", "by", "with", "for", "of", "from", "and", "that", "in", "said"}


@dataclass
class ArticleView:
    """What the ranker sees of an article: its cleaned text, the actor mentions, the rules'
    events and the sentences read (character spans)."""

    text: str
    mentions: list[Any]
    events: list[Any]
    dictionary: ActorDictionary
    sentences: list[tuple[int, int]] = field(default_factory=list)
    article_ranks: dict[str, int] = field(default_factory=dict)
    opponents: dict[str, Counter[str]] = field(default_factory=dict)
    _spans: dict[tuple[int, int], list[Any]] = field(default_factory=dict, repr=False)
    _opponent_ranks: dict[str | None, dict[str, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        from escalade.ingest.events import opponent_counts

        self.mentions = [m for m in self.mentions if m.actor and m.label != "place"]
        self.article_ranks = _ranks(Counter(m.actor for m in self.mentions), TOP_CANDIDATES)
        self.opponents = opponent_counts(self.events, self.dictionary)

    def in_span(self, span: tuple[int, int]) -> list[Any]:
        """The actor mentions (not places) within a span of the text."""
        if span not in self._spans:
            a, b = span
            self._spans[span] = [m for m in self.mentions if a <= m.start < b]
        return self._spans[span]

    def named(self, span: tuple[int, int], actor: str | None) -> str:
        """How the actor is named in a span of the text ("" if it is not)."""
        return next((m.text for m in self.in_span(span) if m.actor == actor), "") if actor else ""

    def opponent_ranks(self, actor: str | None) -> dict[str, int]:
        """The actor's most frequent opponents in the article, by rank."""
        if actor not in self._opponent_ranks:
            self._opponent_ranks[actor] = _ranks(self.opponents.get(actor or ""), TOP_CANDIDATES)
        return self._opponent_ranks[actor]


def _ranks(counter: Counter[str] | None, top: int) -> dict[str, int]:
    ranked = sorted((counter or Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
    return {a: i for i, (a, _) in enumerate(ranked[:top])}


def candidates(ev: Any, view: ArticleView) -> list[str | None]:
    """The rules' target, no target, the sentence's actors, the actor's opponents and the
    article's most named actors (in that order, each once; neither the actor nor the channel
    a message went through)."""
    out: list[str | None] = [ev.target, None]
    out += [m.actor for m in view.in_span(ev.span)]
    out += list(view.opponent_ranks(ev.actor))
    out += list(view.article_ranks)
    seen: list[str | None] = []
    for c in out:
        if c not in seen and (c is None or c not in (ev.actor, ev.channel)):
            seen.append(c)
    return seen


def features(
    ev: Any, cand: str | None, view: ArticleView, previous: Any | None, ruled: bool = True
) -> dict[str, float]:
    """The features of one candidate target of an event (``ruled``: the event's target is the
    rules' choice; training also shows the ranker events without one)."""
    k = f"kind={ev.kind}"
    if cand is None:
        none_ruled = ev.target is None and ruled
        return {"none": 1.0, f"none|{k}": 1.0, **({"none|rule": 1.0} if none_ruled else {})}
    on = {"rule": cand == ev.target and ruled, **standing(ev, cand, view, previous, "actor")}
    f: dict[str, float] = {}
    crossed(f, k, *(name for name, hit in on.items() if hit))
    for m in [m for m in view.in_span(ev.span) if m.actor == cand][:1]:
        before = view.text[max(ev.span[0], m.start - 30) : m.start].lower().split()
        word = before[-1] if before else "^"
        if word in _TARGET_PREPS:
            word = "TARGET_PREP"
        elif word in _ADDRESS_VERBS:
            word = "ADDRESS_VERB"
        elif word not in _PREV_WORDS:
            word = "other"
        crossed(f, k, f"prev={word}")
        if view.text[m.end : m.end + 2] in ("'s", "’s"):
            f["possessive"] = 1.0
    opp = view.opponent_ranks(ev.actor).get(cand)
    return ranked(f, k, f"opponent_rank={opp}", cand, view)


def standing(
    ev: Any, cand: str, view: ArticleView, previous: Any | None, other: str
) -> dict[str, bool]:
    """Where a candidate stands against the event's ``other`` side (``"actor"`` for a
    candidate target, ``"target"`` for a candidate actor): named in the sentence, first,
    before or after the other side's mention, the speaker, the other side's patron or proxy,
    the previous event's actor or target."""
    d = view.dictionary
    side = getattr(ev, other)
    sms = view.in_span(ev.span)
    mine = [m for m in sms if m.actor == cand]
    at = next((m.start for m in sms if m.actor == side), None)
    return {
        "in_sentence": bool(mine),
        "first_in_sentence": bool(sms) and sms[0].actor == cand,
        f"after_{other}": bool(mine) and at is not None and mine[0].start > at,
        f"before_{other}": bool(mine) and at is not None and mine[0].start < at,
        "speaker": cand == ev.speaker_actor,
        f"patron_of_{other}": cand == d.patron(side),
        f"proxy_of_{other}": side is not None and d.patron(cand) == side,
        "previous_target": previous is not None and cand == previous.target,
        "previous_actor": previous is not None and cand == previous.actor,
    }


def crossed(f: dict[str, float], kind: str, *names: str) -> None:
    """Set each named feature, alone and crossed with the event's kind."""
    for name in names:
        f[name] = 1.0
        f[f"{name}|{kind}"] = 1.0


def ranked(
    f: dict[str, float], kind: str, opponent: str, cand: str, view: ArticleView
) -> dict[str, float]:
    """The features, with the candidate's rank among the opponents, among the article's
    actors, and its role."""
    crossed(f, kind, opponent)
    f[f"article_rank={view.article_ranks.get(cand)}"] = 1.0
    crossed(f, kind, f"role={view.dictionary.role(cand)}")
    return f


@dataclass
class Ranker:
    """A ranker's weights: ``review`` hands each event, in order, to ``choose``."""

    dictionary: ActorDictionary
    weights: dict[str, float]

    def review(
        self, text: str, mentions: list[Any], events: list[Any], sentences: list[tuple[int, int]]
    ) -> list[Any]:
        """The events, each with the best-scored of its candidates (ties: the earlier
        candidate, so the rules' choice before the others)."""
        view = ArticleView(text, mentions, events, self.dictionary, sentences)
        previous = None
        for ev in events:
            self.choose(ev, view, previous)
            previous = ev
        return events

    def choose(self, ev: Any, view: ArticleView, previous: Any | None) -> None:
        raise NotImplementedError


@dataclass
class TargetRanker(Ranker):
    """The target ranker (see the module docstring)."""

    def choose(self, ev: Any, view: ArticleView, previous: Any | None) -> None:
        if ev.actor is not None:
            cands = candidates(ev, view)
            ev.target = best(self.weights, [features(ev, c, view, previous) for c in cands], cands)
            ev.target_text = view.named(ev.span, ev.target)


def weighted(weights: dict[str, float], f: dict[str, float]) -> float:
    """A candidate's score: the sum of the weights of its features."""
    return sum(weights.get(name, 0.0) * v for name, v in f.items())


def best(weights: dict[str, float], feats: list[dict[str, float]], cands: list[C]) -> C:
    """The best-scored of the candidates (ties: the earlier one, so the rules' choice)."""
    return max(zip(feats, cands, strict=True), key=lambda fc: weighted(weights, fc[0]))[1]


def read_weights(file: str, what: str, path: Path | None = None) -> dict[str, float]:
    """The weights of a ranker file shipped with escalade (``file``), or of the file given;
    a file that is not one is a located error naming the command that regenerates it."""
    where = str(path) if path else f"escalade/ingest/{file}"
    try:
        if path is None:
            raw = resources.files("escalade.ingest").joinpath(file).read_text()
        else:
            raw = path.read_text(encoding="utf-8")
        weights = json.loads(raw)["weights"]
        return {str(k): float(v) for k, v in weights.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IngestError(
            f"{where}: not {what} file ({exc}); regenerate it with python scripts/train_ingest.py"
        ) from exc


def load_ranker(dictionary: ActorDictionary, path: Path | None = None) -> TargetRanker:
    """The ranker of ``targets.json`` shipped with escalade, or of the file given."""
    return TargetRanker(dictionary, read_weights(MODEL_FILE, "a target ranker", path))
