"""A statistical ranker of an event's actor, trained on the development gold set only.

The rules (:mod:`escalade.ingest.events`) find the events and an actor for each; the actor
ranker then scores every candidate actor of an event and keeps the best, before the target
ranker (:mod:`escalade.ingest.targets`) chooses the target. Candidates: the rules' actor, each
actor named in the event's sentence, the speaker, the target's opponents in the article, the
article's most named actors and the patron of the rules' actor (never the target, nor the
channel a message went through). Features: whether the candidate is the rules' choice (or the
rules named none), where it stands (named in the sentence, first, before or after the target,
the word before its mention: *by*, *of*, *to*, ...; whether a verb of saying follows it or a
possessive), the speaker, patron and proxy links with the target and with the rules' actor,
the previous event's actor and target, its rank among the target's opponents and among the
article's actors and its role, each crossed with the event's kind.

An event whose actor changes is placed on the ladder again by the extractor's own rules (a
proxy's blow on a state is a ``proxy_attack``). The weights are a logistic regression's,
fitted by ``scripts/train_ingest.py`` from ``tests/ingest/gold/dev`` alone and shipped as
plain JSON (``actor_ranker.json``); scoring is a sum of weights, with no solver and no
randomness at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escalade.ingest.actors import ActorDictionary
from escalade.ingest.targets import (
    ArticleView,
    Ranker,
    best,
    crossed,
    ranked,
    read_weights,
    standing,
)

MODEL_FILE = "actor_ranker.json"
_PREV_WORDS = {"by", "of", "to", "from", "and", "said", "that", "with", "for", "at", "on",
               "against", "the", "in"}  # fmt: skip
_SAYS = {"said", "says", "told", "warned", "accused", "announced", "claimed", "vowed", "urged",
         "stated", "added"}  # fmt: skip


def candidates(ev: Any, view: ArticleView) -> list[str]:
    """The rules' actor, the sentence's actors, the speaker, the target's opponents, the
    article's most named actors and the patron of the rules' actor (in that order, each once;
    neither the target nor a message's channel)."""
    d = view.dictionary
    out: list[str | None] = [ev.actor]
    out += [m.actor for m in view.in_span(ev.span)]
    out += [ev.speaker_actor]
    out += list(view.opponent_ranks(ev.target))
    out += list(view.article_ranks)
    out += [d.patron(ev.actor)] if ev.actor else []
    seen: list[str] = []
    for c in out:
        if c is not None and c not in seen and c not in (ev.target, ev.channel):
            seen.append(c)
    return seen


def features(ev: Any, cand: str, view: ArticleView, previous: Any | None) -> dict[str, float]:
    """The features of one candidate actor of an event."""
    k = f"kind={ev.kind}"
    d = view.dictionary
    on = {
        "rule": cand == ev.actor,
        "rule_none": ev.actor is None,
        "patron_of_rule": ev.actor is not None and cand == d.patron(ev.actor),
        "proxy_of_rule": ev.actor is not None and d.patron(cand) == ev.actor,
        **standing(ev, cand, view, previous, "target"),
    }
    f: dict[str, float] = {}
    crossed(f, k, *(name for name, hit in on.items() if hit))
    for m in [m for m in view.in_span(ev.span) if m.actor == cand][:1]:
        before = view.text[max(ev.span[0], m.start - 30) : m.start].lower().split()
        word = before[-1] if before and before[-1] in _PREV_WORDS else "other" if before else "^"
        after = view.text[m.end : m.end + 25].lower().split()
        nxt = after[0].strip(",.") if after else "$"
        nxt = "SAYS" if nxt in _SAYS else ("'s" if nxt[:2] in ("'s", "’s") else "other")
        crossed(f, k, f"prev={word}", f"next={nxt}")
    opp = view.opponent_ranks(ev.target).get(cand)
    return ranked(f, k, f"opp_of_target={opp}", cand, view)


@dataclass
class ActorRanker(Ranker):
    """The actor ranker (see the module docstring); ``replaced`` is called on each event whose
    actor it changed (the extractor places it on the ladder again)."""

    replaced: Callable[[Any], None] | None = None

    def choose(self, ev: Any, view: ArticleView, previous: Any | None) -> None:
        cands = candidates(ev, view)
        feats = [features(ev, c, view, previous) for c in cands]
        actor = best(self.weights, feats, cands) if cands else ev.actor
        if actor != ev.actor:
            ev.actor = actor
            ev.actor_text = view.named(ev.span, actor)
            if self.replaced is not None:
                self.replaced(ev)


def load_actor_ranker(
    dictionary: ActorDictionary,
    path: Path | None = None,
    replaced: Callable[[Any], None] | None = None,
) -> ActorRanker:
    """The ranker of ``actor_ranker.json`` shipped with escalade, or of the file given."""
    return ActorRanker(dictionary, read_weights(MODEL_FILE, "an actor ranker", path), replaced)
