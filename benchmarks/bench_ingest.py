"""Benchmark (not a test): `escalade ingest` on 100 articles of about 1,000 words each.

    .venv/bin/python benchmarks/bench_ingest.py [--articles 100] [--words 1000] [--repeat 3]

The articles are made from the gold set's development half (sentences drawn with a fixed
seed, half of them saved as plain text with page furniture, half as HTML pages), written to a
temporary folder and read back with :func:`escalade.ingest.pipeline.ingest_paths`: file
reading, boilerplate removal, language check, the spaCy pipeline, the rules and the actor and
target rankers (``--rules-only``: without them, to see their cost). Times
separately the one-off *setup* (building the pipeline: spaCy, the actor dictionary) and the
*ingest* of the folder. Target: ingest < 10 s for 100 articles of 1,000 words on a 2-core
machine. Prints the best and median wall time of the repeats and the best CPU time.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from escalade.ingest.actors import load_dictionary
from escalade.ingest.events import Extractor
from escalade.ingest.pipeline import catalog_rungs, ingest_paths

GOLD = Path(__file__).resolve().parents[1] / "tests" / "ingest" / "gold" / "dev"
FURNITURE = "Home | World | Business | Opinion\nSubscribe to our newsletter\nShare on Facebook\n"


def sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(GOLD.iterdir()):
        if path.suffix not in (".txt", ".html"):
            continue
        text = re.sub(r"<[^>]+>", "\n", path.read_text(encoding="utf-8"))
        for line in text.split("\n"):
            out += [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s.split()) >= 8]
    return out


def make_articles(folder: Path, n: int, words: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool = sentences()
    for i in range(n):
        body: list[str] = []
        count = 0
        while count < words:
            paragraph = " ".join(rng.choice(pool) for _ in range(4))
            body.append(paragraph)
            count += len(paragraph.split())
        head = f"Article {i}\n\nPublished: 14 April 2024\n"
        if i % 2:
            html = "".join(f"<p>{p}</p>\n" for p in body)
            page = (
                f"<html><head><title>Article {i}</title></head><body><nav>Home | World | "
                f"Markets</nav><article><h1>Article {i}</h1><p>April 14, 2024</p>{html}"
                "</article><div>Subscribe to our newsletter</div></body></html>"
            )
            (folder / f"article-{i:03d}.html").write_text(page, encoding="utf-8")
        else:
            text = FURNITURE + head + "\n\n".join(body) + "\n\nRelated articles\nMore news\n"
            (folder / f"article-{i:03d}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--rules-only",
        action="store_true",
        help="Without the actor and target rankers (their cost)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_articles(folder, args.articles, args.words)
        total_words = sum(len(p.read_text().split()) for p in folder.iterdir())
        t0 = time.perf_counter()
        extractor = Extractor(
            load_dictionary(), catalog_rungs(), reviewer=None if args.rules_only else "shipped"
        )
        setup = time.perf_counter() - t0
        walls: list[float] = []
        cpus: list[float] = []
        events = 0
        for _ in range(args.repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            report = ingest_paths([folder], extractor=extractor)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
            events = len(report.events)
            assert not report.errors, report.errors
    print(
        f"ingest: {args.articles} articles, {total_words:,} words (page furniture included), "
        f"{events:,} events"
    )
    print(f"  setup (pipeline, dictionary): {setup:.2f} s")
    print(
        f"  ingest: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s wall; "
        f"best CPU {min(cpus):.2f} s  (target < 10 s)"
    )


if __name__ == "__main__":
    main()
