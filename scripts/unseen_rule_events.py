"""Record what the rules read in each development batch BEFORE any rule was written from it.

    python scripts/unseen_rule_events.py      # writes tests/ingest/gold/unseen_rules.json

Each development article from number 37 on was committed in a batch before the rules written
from it (docs/ingest.md, "Fresh batches"). This script takes, for every such article, the
sources of the commit that added its gold file (``git archive``), runs that commit's rules
(without the target ranker) on the article in a subprocess, and records the events found:
the rules' output on text they had not seen, what the target ranker
(``scripts/train_ingest.py``) learns to correct.
The current rules have seen every development article, so their output there is no sample of
their errors on new text. Needs git and the repository's history; the file it writes is
committed, so training does not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "ingest" / "gold" / "dev"
OUT = ROOT / "tests" / "ingest" / "gold" / "unseen_rules.json"
FIRST_BATCH_ARTICLE = 37
"""Articles 1-36 came before the batch protocol: the rules were written from them."""
FIELDS = ("actor", "target", "kind", "rung", "date", "date_text", "place", "speaker",
          "speaker_actor", "channel", "evidence", "start", "end", "mentions", "also_at",
          "quantities", "casualties", "means", "sentences")  # fmt: skip

RUN = """
import datetime as dt, json, sys
from escalade.ingest.actors import load_dictionary
from escalade.ingest.evaluation import load_gold
from escalade.ingest.events import Extractor
from escalade.ingest.pipeline import catalog_rungs
from escalade.ingest.text import read_article
fields, names = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
try:  # the rules alone (a commit with the target ranker takes reviewer=None)
    ex = Extractor(load_dictionary(), catalog_rungs(), reviewer=None)
except TypeError:
    ex = Extractor(load_dictionary(), catalog_rungs())
out = {}
for art in load_gold(__import__("pathlib").Path(sys.argv[3])):
    if art.path.name not in names:
        continue
    a = read_article(art.path)
    if art.date and a.date is None:
        a.date = dt.date.fromisoformat(art.date)
    out[art.path.name] = [{f: getattr(e, f, None) for f in fields} for e in ex.extract(a).events]
print(json.dumps(out))
"""


def adding_commit(path: Path) -> str:
    log = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", str(path)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return log[-1]


def main() -> int:
    by_commit: dict[str, list[str]] = {}
    for gold in sorted(DEV.glob("*.gold.yaml")):
        if int(gold.name.split("-")[0]) < FIRST_BATCH_ARTICLE:
            continue
        article = next(p for p in DEV.iterdir() if p.stem == gold.name.removesuffix(".gold.yaml")
                       and not p.name.endswith(".yaml"))  # fmt: skip
        by_commit.setdefault(adding_commit(gold), []).append(article.name)
    articles: dict[str, dict[str, object]] = {}
    for commit, names in sorted(by_commit.items(), key=lambda kv: sorted(kv[1])[0]):
        tar = subprocess.run(
            ["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(fileobj=BytesIO(tar)) as tf:
                tf.extractall(tmp, filter="data")
            done = subprocess.run(
                [sys.executable, "-c", RUN, json.dumps(FIELDS), json.dumps(names), str(DEV)],
                env={**os.environ, "PYTHONPATH": str(Path(tmp) / "src")},
                cwd=tmp, capture_output=True, text=True, check=True,
            )  # fmt: skip
        for name, events in json.loads(done.stdout).items():
            articles[name] = {"commit": commit[:7], "events": events}
        print(f"{commit[:7]}: {len(names)} articles", file=sys.stderr)
    data = {
        "about": "events the rules extracted from each development article before any rule "
        "was written from it (scripts/unseen_rule_events.py)",
        "articles": {k: articles[k] for k in sorted(articles)},
    }
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(articles)} articles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
