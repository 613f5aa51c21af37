"""Evaluation against the gold set: precision, recall and F1 per field.

The gold set (``tests/ingest/gold/{dev,heldout}/``) holds articles (``NAME.txt`` / ``NAME.html``)
and their annotations (``NAME.gold.yaml``): the article's date and its events, each with an
evidence snippet, actor, target, kind, date and quantities ``[[count, unit], ...]``.

Matching, per article: a predicted event matches a gold event when one of the sentences it was
read from contains the gold evidence snippet (best field agreement first, one to one); left-over
pairs with the same (actor, target, kind) match too (the same event read from another sentence).
Then, per field:
- **event**: P = matched / predicted events, R = matched / gold events;
- **actor, target, kind, date**: P = matched pairs with equal non-empty values / predicted
  non-empty values, R = the same / gold non-empty values;
- **actor+target+kind**: a matched pair with all three equal (an empty target equals an empty
  target); P over predicted events, R over gold events;
- **quantity**: (count, unit) items; P = items of matched pairs found in both / predicted
  items, R = the same / gold items.

``python -m escalade.ingest.evaluation tests/ingest/gold/heldout --write docs/ingest.md`` (and
``.../gold/dev``) writes the table into the page between that half's markers; a test checks
that the page shows what this module computes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from escalade.ingest.events import Event, Extractor

FIELDS = ("event", "actor", "target", "kind", "actor+target+kind", "date", "quantity")


def marks(half: str) -> tuple[str, str]:
    """The markers around a half's table in docs/ingest.md."""
    return f"<!-- ingest-eval:{half}:start -->", f"<!-- ingest-eval:{half}:end -->"


@dataclass
class GoldEvent:
    evidence: str
    actor: str | None
    target: str | None
    kind: str
    date: str | None
    quantities: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class GoldArticle:
    path: Path
    date: str | None
    style: str
    events: list[GoldEvent]


@dataclass
class Tally:
    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def scores(self) -> tuple[float, float, float]:
        p = self.correct / self.predicted if self.predicted else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load_gold(folder: Path) -> list[GoldArticle]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    out: list[GoldArticle] = []
    for ann in sorted(folder.glob("*.gold.yaml")):
        stem = ann.name.removesuffix(".gold.yaml")
        found = [p for p in folder.iterdir() if p.stem == stem and not p.name.endswith(".yaml")]
        if len(found) != 1:
            raise ValueError(f"{ann}: expected one article file named {stem}.*")
        data = yaml.load(ann.read_text(encoding="utf-8"))
        events = [
            GoldEvent(
                evidence=str(e["evidence"]),
                actor=e.get("actor"),
                target=e.get("target"),
                kind=str(e["kind"]),
                date=None if e.get("date") is None else str(e["date"]),
                quantities=[(int(c), str(u)) for c, u in e.get("quantities") or []],
            )
            for e in data.get("events") or []
        ]
        date = data.get("date")
        out.append(
            GoldArticle(
                found[0], None if date is None else str(date), data.get("style", ""), events
            )
        )
    return out


def normalized(text: str) -> str:
    t = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", t).strip().lower()


def match(preds: list[Event], golds: list[GoldEvent]) -> list[tuple[Event, GoldEvent]]:
    """One-to-one pairs of predicted and gold events (see the module docstring)."""

    def agree(p: Event, g: GoldEvent) -> int:
        return (p.actor == g.actor) + (p.target == g.target) + (p.kind == g.kind)

    candidates: list[tuple[int, int, int, int]] = []
    for i, p in enumerate(preds):
        sents = [normalized(s) for s in p.sentences or [p.evidence]]
        for j, g in enumerate(golds):
            snippet = normalized(g.evidence)
            if any(snippet in s or (len(s) > 20 and s in snippet) for s in sents):
                candidates.append((agree(p, g), -i, -j, 1))
    candidates.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[Event, GoldEvent]] = []
    for _score, ni, nj, _ in candidates:
        i, j = -ni, -nj
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((preds[i], golds[j]))
    for i, p in enumerate(preds):
        if i in used_p:
            continue
        for j, g in enumerate(golds):
            if j not in used_g and (p.actor, p.target, p.kind) == (g.actor, g.target, g.kind):
                used_p.add(i)
                used_g.add(j)
                pairs.append((p, g))
                break
    return pairs


def count(
    tallies: dict[str, Tally], preds: list[Event], golds: list[GoldEvent]
) -> list[tuple[Event, GoldEvent]]:
    """Add one article's predicted and gold events to the tallies; the matched pairs."""
    pairs = match(preds, golds)
    t = tallies
    t["event"].predicted += len(preds)
    t["event"].gold += len(golds)
    t["event"].correct += len(pairs)
    t["actor+target+kind"].predicted += len(preds)
    t["actor+target+kind"].gold += len(golds)
    for name in ("actor", "target", "kind", "date"):
        t[name].predicted += sum(getattr(p, name) is not None for p in preds)
        t[name].gold += sum(getattr(g, name) is not None for g in golds)
    t["quantity"].predicted += sum(len(p.quantities) for p in preds)
    t["quantity"].gold += sum(len(g.quantities) for g in golds)
    for p, g in pairs:
        for name in ("actor", "target", "kind", "date"):
            pv, gv = getattr(p, name), getattr(g, name)
            if pv is not None and pv == gv:
                t[name].correct += 1
        if (p.actor, p.target, p.kind) == (g.actor, g.target, g.kind):
            t["actor+target+kind"].correct += 1
        got = Counter((q["count"], q["unit"]) for q in p.quantities)
        want = Counter(g.quantities)
        t["quantity"].correct += sum((got & want).values())
    return pairs


def evaluate(
    articles: list[GoldArticle], extractor: Extractor
) -> tuple[dict[str, Tally], list[dict[str, Any]]]:
    """Tallies per field over the articles, and per-article details (for error analysis)."""
    import datetime as dt

    from escalade.ingest.text import read_article

    tallies = {f: Tally() for f in FIELDS}
    details: list[dict[str, Any]] = []
    for art in articles:
        a = read_article(art.path)
        if art.date:
            a.date = dt.date.fromisoformat(art.date) if a.date is None else a.date
        preds = extractor.extract(a).events
        pairs = count(tallies, preds, art.events)
        details.append(
            {
                "article": art.path.name,
                "pairs": [(_short(p), _short_g(g)) for p, g in pairs],
                "missed": [_short_g(g) for g in art.events if all(g is not q for _, q in pairs)],
                "spurious": [_short(p) for p in preds if all(p is not q for q, _ in pairs)],
            }
        )
    return tallies, details


def _short(p: Event) -> str:
    return f"{p.actor}->{p.target} {p.kind} {p.date} | {p.evidence[:70]!r}"


def _short_g(g: GoldEvent) -> str:
    return f"{g.actor}->{g.target} {g.kind} {g.date} | {g.evidence[:70]!r}"


def table(tallies: dict[str, Tally], articles: int, label: str = "heldout") -> str:
    """The Markdown table of the figures (the block between the markers in docs/ingest.md)."""
    ev = tallies["event"]
    lines = [
        f"Gold set, {label} half: {articles} articles, {ev.gold} gold events, "
        f"{ev.predicted} extracted.",
        "",
        "| field | precision | recall | F1 | correct | extracted | gold |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in FIELDS:
        t = tallies[name]
        p, r, f = t.scores()
        lines.append(
            f"| {name} | {p:.2f} | {r:.2f} | {f:.2f} | {t.correct} | {t.predicted} | {t.gold} |"
        )
    return "\n".join(lines)


def default_extractor(rules_only: bool = False) -> Extractor:
    """The extractor of `escalade ingest` (``rules_only``: without the rankers)."""
    from escalade.ingest.actors import load_dictionary
    from escalade.ingest.pipeline import catalog_rungs

    return Extractor(load_dictionary(), catalog_rungs(), None if rules_only else "shipped")


def render(folder: Path, extractor: Extractor | None = None) -> str:
    arts = load_gold(folder)
    tallies, _ = evaluate(arts, extractor or default_extractor())
    return table(tallies, len(arts), folder.name)


def write_into(page: Path, block: str, half: str = "heldout") -> None:
    start, end = marks(half)
    text = page.read_text(encoding="utf-8")
    head, sep, rest = text.partition(start)
    _, sep2, tail = rest.partition(end)
    if not sep or not sep2:
        raise ValueError(f"{page}: markers {start} ... {end} not found")
    page.write_text(f"{head}{start}\n{block}\n{end}{tail}", encoding="utf-8")


def shown(page: Path, half: str) -> str:
    """The table a page shows between a half's markers."""
    start, end = marks(half)
    return page.read_text(encoding="utf-8").split(start, 1)[1].split(end, 1)[0].strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score escalade ingest against a gold folder")
    ap.add_argument("folder", type=Path)
    ap.add_argument("--write", type=Path, help="Write the table into this Markdown page")
    ap.add_argument("--details", action="store_true", help="Print matched, missed, spurious")
    ap.add_argument(
        "--rules-only", action="store_true", help="Without the actor and target rankers"
    )
    args = ap.parse_args(argv)
    if args.write and args.rules_only:
        ap.error("--write shows what escalade ingest does: not with --rules-only")
    arts = load_gold(args.folder)
    tallies, details = evaluate(arts, default_extractor(args.rules_only))
    block = table(tallies, len(arts), args.folder.name)
    if args.details:
        for d in details:
            print(f"== {d['article']}")
            for p, g in d["pairs"]:
                mark = "ok " if p.split(" | ")[0][:-11] == g.split(" | ")[0][:-11] else "   "
                print(f"  {mark}P {p}\n      G {g}")
            for g in d["missed"]:
                print(f"  MISS {g}")
            for p in d["spurious"]:
                print(f"  SPUR {p}")
    print(block)
    if args.write:
        write_into(args.write, block, args.folder.name)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
