"""Train the reviewer of `escalade ingest` (src/escalade/ingest/review.json) from the DEV gold.

    python scripts/train_ingest.py                 # write src/escalade/ingest/review.json
    python scripts/train_ingest.py --cv 5          # K-fold cross-validation by article, no write
    python scripts/train_ingest.py --check         # exit 1 if review.json is not what it gives

Only ``tests/ingest/gold/dev`` is read (the held-out half never is). The rules extract each
development article; their events are matched to the gold ones (as the evaluation does), and
two L2-regularised logistic models are fitted with liblinear (deterministic: a coordinate
descent with a fixed seed): **keep** (is the event real, with the right actor and kind?) and
**target** (is this candidate the gold target?). Weights are rounded to 6 decimals and written
sorted, so the file is the same on every machine. Needs scikit-learn (the ``discover`` extra);
``escalade ingest`` itself only reads the JSON.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from escalade.ingest.actors import load_dictionary  # noqa: E402
from escalade.ingest.evaluation import (  # noqa: E402
    FIELDS,
    GoldArticle,
    GoldEvent,
    Tally,
    _norm,
    count,
    load_gold,
    match,
    table,
)
from escalade.ingest.events import Event, Extractor  # noqa: E402
from escalade.ingest.pipeline import catalog_rungs  # noqa: E402
from escalade.ingest.review import (  # noqa: E402
    ANY_KIND,
    MODEL_FILE,
    ArticleView,
    Reviewer,
    actor_features,
    candidate_features,
    event_features,
    sentence_features,
    target_candidates,
)
from escalade.ingest.text import read_article  # noqa: E402

DEV = ROOT / "tests" / "ingest" / "gold" / "dev"
OUT = ROOT / "src" / "escalade" / "ingest" / MODEL_FILE
UNSEEN = ROOT / "tests" / "ingest" / "gold" / "unseen_rules.json"
C_KEEP = 0.3
"""Inverse L2 strength of the keep model (chosen by 5-fold CV on dev, docs/ingest.md)."""
C_TARGET = 1.0
"""Inverse L2 strength of the target ranker (chosen likewise)."""
THRESHOLD = 0.3
"""Keep an event whose probability is at least this (chosen likewise)."""
C_PROPOSE = 1.0
"""Inverse L2 strength of the proposal models (chosen likewise)."""
PROPOSE_THRESHOLD = 0.5
"""Propose an event for a sentence whose most likely kind has at least this probability."""
C_ACTOR = 1.0
"""Inverse L2 strength of the actor ranker of proposed events."""
MIN_KIND = 3
"""A kind is proposed only if the training sentences hold at least this many of it."""
PARTS = ("keep", "target", "propose")


@dataclass
class Sample:
    gold: GoldArticle
    view: ArticleView


class _Recorder:
    """A reviewer that keeps what it is shown and changes nothing."""

    def __init__(self, dictionary: Any) -> None:
        self.dictionary = dictionary
        self.seen: list[ArticleView] = []

    def review(
        self, text: str, mentions: list[Any], events: list[Any], sentences: list[Any]
    ) -> list[Any]:
        self.seen.append(ArticleView(text, mentions, events, self.dictionary, sentences))
        return events


def samples(folder: Path, unseen: Path | None = UNSEEN) -> list[Sample]:
    """Each article with the rules' events: from ``unseen`` (what the rules before its batch
    found) when given (articles it lacks are left out), else from the current rules."""
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
            view.events = [_event(view.text, e) for e in recorded[art.path.name]["events"]]
            view.__post_init__()
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


def _fit(rows: list[dict[str, float]], labels: list[int], c: float) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True, sparse=False)
    x = vec.fit_transform(rows)
    if len(set(labels)) < 2:
        return {}
    model = LogisticRegression(
        C=c, solver="liblinear", fit_intercept=False, random_state=0, max_iter=1000
    )
    model.fit(x, labels)
    coef = model.coef_[0]
    names = vec.get_feature_names_out()
    return {str(n): round(float(w), 6) for n, w in zip(names, coef, strict=True) if w != 0.0}


def _sentence_of(view: ArticleView, g: GoldEvent) -> tuple[int, int] | None:
    snippet = _norm(g.evidence)
    return next((sp for sp in view.sentences if snippet in _norm(view.text[sp[0] : sp[1]])), None)


def train(
    train_set: list[Sample],
    c_keep: float = C_KEEP,
    c_target: float = C_TARGET,
    threshold: float = THRESHOLD,
    parts: tuple[str, ...] = PARTS,
    c_propose: float = C_PROPOSE,
    propose_threshold: float = PROPOSE_THRESHOLD,
    c_actor: float = C_ACTOR,
) -> Reviewer:
    keep_rows, keep_y, tgt_rows, tgt_y = [], [], [], []
    prop_rows: list[dict[str, float]] = []
    prop_y: list[str] = []
    act_rows, act_y = [], []
    kind_rows: list[dict[str, float]] = []
    kind_y: list[str] = []
    for s in train_set:
        view = s.view
        pairs = {id(p): g for p, g in match(view.events, s.gold.events)}
        found = {id(g) for g in pairs.values()}
        previous = None
        for ev in view.events:
            g = pairs.get(id(ev))
            keep_rows.append(event_features(ev, view))
            keep_y.append(int(g is not None and (ev.actor, ev.kind) == (g.actor, g.kind)))
            if g is not None and ev.actor is not None and ev.actor == g.actor:
                for cand in target_candidates(ev, view):
                    tgt_rows.append(candidate_features(ev, cand, view, previous))
                    tgt_y.append(int(cand == g.target))
            previous = ev
        missed: dict[tuple[int, int], str] = {}
        for g in s.gold.events:
            span = _sentence_of(view, g)
            if span is None or g.actor is None:
                continue
            if id(g) not in found:
                missed.setdefault(span, g.kind)
            kind_rows.append(sentence_features(span, view))
            kind_y.append(g.kind)
            sms = view.in_span(span)
            if g.actor in {m.actor for m in sms}:
                for m in sms:
                    act_rows.append(actor_features(span, m, view))
                    act_y.append(int(m.actor == g.actor))
            told = Event(actor=g.actor, target=None, kind=g.kind)
            told.span = span
            for cand in target_candidates(told, view):
                tgt_rows.append(candidate_features(told, cand, view, None, proposed=True))
                tgt_y.append(int(cand == g.target))
        for span in view.unread():
            prop_rows.append(sentence_features(span, view))
            prop_y.append(missed.get(span, "none"))
    dictionary = train_set[0].view.dictionary
    propose = None
    if "propose" in parts:
        kinds = sorted(k for k, n in Counter(kind_y).items() if n >= MIN_KIND)
        propose = {k: _fit(kind_rows, [int(y == k) for y in kind_y], c_propose) for k in kinds}
        propose[ANY_KIND] = _fit(prop_rows, [int(y != "none") for y in prop_y], c_propose)
    return Reviewer(
        dictionary,
        _fit(keep_rows, keep_y, c_keep) if "keep" in parts else None,
        threshold,
        _fit(tgt_rows, tgt_y, c_target) if "target" in parts else None,
        propose,
        propose_threshold,
        _fit(act_rows, act_y, c_actor) if "propose" in parts else None,
    )


def score(test_set: list[Sample], reviewer: Reviewer | None) -> dict[str, Tally]:
    tallies = {f: Tally() for f in FIELDS}
    for s in test_set:
        events = copy.deepcopy(s.view.events)
        if reviewer is not None:
            events = reviewer.review(s.view.text, s.view.mentions, events, s.view.sentences)
        count(tallies, events, s.gold.events)
    return tallies


def cross_validate(data: list[Sample], folds: int, **kw: Any) -> dict[str, Tally]:
    """Train on the other folds, score each fold (articles dealt round-robin by name), pool."""
    pooled = {f: Tally() for f in FIELDS}
    for k in range(folds):
        test = [s for i, s in enumerate(data) if i % folds == k]
        rest = [s for i, s in enumerate(data) if i % folds != k]
        for name, t in score(test, train(rest, **kw)).items():
            pooled[name].correct += t.correct
            pooled[name].predicted += t.predicted
            pooled[name].gold += t.gold
    return pooled


def model_text(reviewer: Reviewer) -> str:
    data = {
        "about": "escalade ingest reviewer: written by scripts/train_ingest.py from "
        "tests/ingest/gold/dev only; see docs/ingest.md",
        "settings": {"c_keep": C_KEEP, "c_target": C_TARGET, "threshold": THRESHOLD},
        **reviewer.as_dict(),
    }
    return json.dumps(data, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", type=int, default=0, help="K-fold CV by article; writes nothing")
    ap.add_argument("--check", action="store_true", help="Fail if review.json is stale")
    ap.add_argument("--gold", type=Path, default=DEV, help="The development gold folder")
    args = ap.parse_args(argv)
    data = samples(args.gold)
    if args.cv:
        print(table(score(data, None), len(data), "dev, rules alone"))
        tallies = cross_validate(data, args.cv)
        print(table(tallies, len(data), f"dev, {args.cv}-fold CV with the reviewer"))
        return 0
    text = model_text(train(data))
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print(f"{OUT.name}: {'up to date' if same else 'stale: run scripts/train_ingest.py'}")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
