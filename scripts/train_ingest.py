"""Train the rankers of `escalade ingest` (actor_ranker.json, targets.json) on DEV gold.

    python scripts/train_ingest.py              # write actor_ranker.json and targets.json
    python scripts/train_ingest.py --cv 5       # K-fold cross-validation by article; no write
    python scripts/train_ingest.py --check      # exit 1 if a weights file is not what it gives
    python scripts/train_ingest.py --without 167-178 --cv 5   # leave articles out (a fresh batch)

Only ``tests/ingest/gold/dev`` is read (the held-out half never is), with
``tests/ingest/gold/unseen_rules.json``: the events the rules *before* each development batch
read in it (scripts/unseen_rule_events.py). Those are the rules' output on text they had not
seen, so the rankers learn how far to trust the rules on new text; the current rules were
written from every development article and are no sample of their own errors. For the target
ranker, each recorded event with the gold actor gives one row per candidate target (label: it
is the gold target), and each gold event gives the same rows once more as an event without a
rule target; for the actor ranker, each recorded event matched to a gold event whose actor is
among its candidates gives one row per candidate actor (label: it is the gold actor).
The weights are L2-regularised logistic regressions fitted by liblinear (deterministic),
rounded to 6 decimals and written sorted: the file is the same on every machine. Needs
scikit-learn (the ``discover`` extra); ``escalade ingest`` itself only reads the JSON.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from escalade.ingest import actor_ranker  # noqa: E402
from escalade.ingest.actors import load_dictionary  # noqa: E402
from escalade.ingest.evaluation import (  # noqa: E402
    FIELDS,
    GoldArticle,
    GoldEvent,
    Tally,
    count,
    load_gold,
    match,
    normalized,
    table,
)
from escalade.ingest.events import Event, Extractor  # noqa: E402
from escalade.ingest.pipeline import catalog_rungs  # noqa: E402
from escalade.ingest.targets import (  # noqa: E402
    MODEL_FILE,
    ArticleView,
    TargetRanker,
    candidates,
    features,
)
from escalade.ingest.text import read_article  # noqa: E402

DEV = ROOT / "tests" / "ingest" / "gold" / "dev"
UNSEEN = ROOT / "tests" / "ingest" / "gold" / "unseen_rules.json"
OUT = ROOT / "src" / "escalade" / "ingest" / MODEL_FILE
ACTOR_OUT = ROOT / "src" / "escalade" / "ingest" / actor_ranker.MODEL_FILE
C = 0.3
"""Inverse L2 strength of both rankers (chosen by CV by article among 0.1, 0.3 and 1 for the
target ranker, and among 0.1, 0.3, 1 and 3 for the actor ranker: docs/ingest.md)."""


@dataclass
class Sample:
    gold: GoldArticle
    view: ArticleView


class _Recorder:
    """Stands in for the ranker: keeps what the extractor shows it and changes nothing."""

    def __init__(self, dictionary: Any) -> None:
        self.dictionary = dictionary
        self.seen: list[ArticleView] = []

    def review(
        self, text: str, mentions: list[Any], events: list[Any], sentences: list[Any]
    ) -> list[Any]:
        self.seen.append(ArticleView(text, mentions, events, self.dictionary, sentences))
        return events


def samples(folder: Path = DEV, unseen: Path | None = UNSEEN) -> list[Sample]:
    """Each article with the rules' events: those of ``unseen`` (the rules before its batch;
    articles it lacks are left out), or with ``unseen=None`` the current rules' own."""
    dictionary = load_dictionary()
    recorder = _Recorder(dictionary)
    ex = Extractor(dictionary, catalog_rungs(), reviewer=recorder)
    recorded = json.loads(unseen.read_text(encoding="utf-8"))["articles"] if unseen else None
    out = []
    for art in load_gold(folder):
        if recorded is not None and art.path.name not in recorded:
            continue
        a = read_article(art.path)
        if art.date and a.date is None:
            a.date = dt.date.fromisoformat(art.date)
        ex.extract(a)
        view = recorder.seen[-1]
        if recorded is not None:
            view = ArticleView(
                view.text,
                view.mentions,
                [_event(view.text, e) for e in recorded[art.path.name]["events"]],
                dictionary,
                view.sentences,
            )
        out.append(Sample(art, view))
    return out


def _event(text: str, record: dict[str, Any]) -> Event:
    """A recorded event, placed on its sentence in the current reading of the article."""
    ev = Event(actor=record["actor"], target=record["target"], kind=record["kind"])
    for name, value in record.items():
        if value is not None and hasattr(ev, name):
            setattr(ev, name, value)
    at = text.find(ev.evidence)
    ev.span = (at, at + len(ev.evidence)) if at >= 0 else (0, 0)
    return ev


def _sentence_of(view: ArticleView, g: GoldEvent) -> tuple[int, int] | None:
    snippet = normalized(g.evidence)
    return next(
        (sp for sp in view.sentences if snippet in normalized(view.text[sp[0] : sp[1]])), None
    )


def _matched(s: Sample) -> list[tuple[Event, GoldEvent | None, Event | None]]:
    """Each recorded event of a sample, the gold event it matches and the event before it."""
    pairs = {id(p): g for p, g in match(s.view.events, s.gold.events)}
    events = s.view.events
    return [(ev, pairs.get(id(ev)), events[i - 1] if i else None) for i, ev in enumerate(events)]


def rows(data: list[Sample]) -> tuple[list[dict[str, float]], list[int]]:
    """The training rows: candidate features and whether the candidate is the gold target."""
    x: list[dict[str, float]] = []
    y: list[int] = []
    for s in data:
        for ev, g, previous in _matched(s):
            if g is not None and ev.actor is not None and ev.actor == g.actor:
                for cand in candidates(ev, s.view):
                    x.append(features(ev, cand, s.view, previous))
                    y.append(int(cand == g.target))
        for g in s.gold.events:
            span = _sentence_of(s.view, g)
            if span is None or g.actor is None:
                continue
            told = Event(actor=g.actor, target=None, kind=g.kind)
            told.span = span
            for cand in candidates(told, s.view):
                x.append(features(told, cand, s.view, None, ruled=False))
                y.append(int(cand == g.target))
    return x, y


def actor_rows(data: list[Sample]) -> tuple[list[dict[str, float]], list[int]]:
    """The actor ranker's rows: candidate features and whether the candidate is the gold actor."""
    x: list[dict[str, float]] = []
    y: list[int] = []
    for s in data:
        for ev, g, previous in _matched(s):
            cands = actor_ranker.candidates(ev, s.view)
            if g is not None and g.actor in cands:
                x += [actor_ranker.features(ev, c, s.view, previous) for c in cands]
                y += [int(c == g.actor) for c in cands]
    return x, y


def fit(x_rows: list[dict[str, float]], y: list[int], c: float) -> dict[str, float]:
    """Logistic-regression weights by feature name (rounded; zeros dropped)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True, sparse=False)
    x = vec.fit_transform(x_rows)
    model = LogisticRegression(
        C=c, solver="liblinear", fit_intercept=False, random_state=0, max_iter=1000
    )
    model.fit(x, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 6) for n, w in zip(names, model.coef_[0], strict=True)}
    return {k: w for k, w in weights.items() if w}


def train(data: list[Sample], c: float = C) -> TargetRanker:
    return TargetRanker(data[0].view.dictionary, fit(*rows(data), c))


def train_actors(data: list[Sample], c: float = C) -> actor_ranker.ActorRanker:
    return actor_ranker.ActorRanker(data[0].view.dictionary, fit(*actor_rows(data), c))


Rankers = tuple[actor_ranker.ActorRanker | None, TargetRanker | None]


def score(data: list[Sample], rankers: Rankers) -> dict[str, Tally]:
    """The evaluation's tallies over the samples, with the rules' actors and targets or the
    rankers' (the actor ranker first, as in `escalade ingest`)."""
    tallies = {f: Tally() for f in FIELDS}
    for s in data:
        events = copy.deepcopy(s.view.events)
        for ranker in rankers:
            if ranker is not None:
                events = ranker.review(s.view.text, s.view.mentions, events, s.view.sentences)
        count(tallies, events, s.gold.events)
    return tallies


def cross_validate(
    data: list[Sample], folds: int, c: float = C, actors: bool = True, targets: bool = True
) -> dict[str, Tally]:
    """Train on the other folds, score each fold (articles dealt round-robin by name), pool."""
    pooled = {f: Tally() for f in FIELDS}
    for k in range(folds):
        test = [s for i, s in enumerate(data) if i % folds == k]
        rest = [s for i, s in enumerate(data) if i % folds != k]
        rankers = (train_actors(rest, c) if actors else None, train(rest, c) if targets else None)
        for name, t in score(test, rankers).items():
            pooled[name].correct += t.correct
            pooled[name].predicted += t.predicted
            pooled[name].gold += t.gold
    return pooled


def model_text(ranker: TargetRanker | actor_ranker.ActorRanker) -> str:
    what = "actor" if isinstance(ranker, actor_ranker.ActorRanker) else "target"
    data = {
        "about": f"escalade ingest {what} ranker: written by scripts/train_ingest.py from "
        "tests/ingest/gold/dev only; see docs/ingest.md",
        "c": C,
        "weights": {k: ranker.weights[k] for k in sorted(ranker.weights)},
    }
    return json.dumps(data, indent=1) + "\n"


def article_numbers(spec: str) -> set[int]:
    """Article numbers from "155-166,170"."""
    out: set[int] = set()
    for part in filter(None, spec.split(",")):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cv", type=int, default=0, help="K-fold CV by article; writes nothing")
    ap.add_argument("--c", type=float, default=C, help="Inverse L2 strength (with --cv)")
    ap.add_argument("--check", action="store_true", help="Fail if a weights file is stale")
    ap.add_argument("--without", default="", help="Leave out these article numbers (e.g. 155-166)")
    args = ap.parse_args(argv)
    left_out = article_numbers(args.without)
    data = [s for s in samples() if int(s.gold.path.name.split("-")[0]) not in left_out]
    if args.cv:
        print(table(score(data, (None, None)), len(data), "dev (rules before each batch)"))
        for label, actors, targets in (
            ("target ranker", False, True),
            ("actor ranker", True, False),
            ("actor and target rankers", True, True),
        ):
            tallies = cross_validate(data, args.cv, args.c, actors, targets)
            print()
            print(table(tallies, len(data), f"dev ({args.cv}-fold CV, {label})"))
        return 0
    files = {OUT: model_text(train(data)), ACTOR_OUT: model_text(train_actors(data))}
    if args.check:
        stale = [p.name for p, text in files.items() if p.read_text(encoding="utf-8") != text]
        for p in files:
            state = "stale: run scripts/train_ingest.py" if p.name in stale else "up to date"
            print(f"{p.name}: {state}")
        return 1 if stale else 0
    for p, text in files.items():
        p.write_text(text, encoding="utf-8")
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
