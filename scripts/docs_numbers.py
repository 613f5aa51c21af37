"""Numbers quoted in the prose of docs/*.md, computed (never typed by hand).

A page writes a number as ``<!-- n:KEY -->VALUE<!-- /n -->``. This script computes every
KEY (:func:`compute`), writes them to docs/numbers.json and puts each VALUE in place;
tests/test_docs.py checks that the spans equal docs/numbers.json and that docs/numbers.json
equals what :func:`compute` gives today (so a model change that moves a quoted number fails
until this script is run again)::

    python scripts/docs_numbers.py          # compute, write docs/numbers.json, fill the spans
    python scripts/docs_numbers.py --check  # exit 1 if a span or the file is out of date
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = ROOT / "docs" / "numbers.json"
SPAN = re.compile(r"<!-- n:([a-z0-9_]+) -->(.*?)<!-- /n -->", re.S)


def compute() -> dict[str, str]:
    """Every number the docs quote in prose, as the text they show."""
    from escalade.analysis.compare import compare
    from escalade.api import simulate
    from escalade.cli_common import load

    # docs/analysis.md, escalade compare: the command quoted there, run the same way.
    a = simulate(load("april-2024"), runs=500, seed=1).outcomes
    b = simulate(load("april-2024", levers=["no_us_restraint"]), runs=500, seed=1).outcomes
    rows = {d.label: d for d in compare(a, b, paired=True, watch="USA")}
    strategic = rows["P(strategic strikes)"]
    # docs/user-guide.md, "An ensemble": the command quoted there (april-2024, 2,000 runs, seed 1).
    g = simulate(load("april-2024"), runs=2000, seed=1).outcomes.to_pandas()

    def pct(share: float) -> str:
        return f"{100 * share:.1f}%"

    return {
        "guide_direct": pct(g["first_direct_day"].notna().mean()),
        "guide_salvo": pct((g["max_rung"] >= 8).mean()),
        "guide_strategic": pct(g["first_strategic_day"].notna().mean()),
        "guide_quiet": pct((g["ended"] == "quiet").mean()),
        "compare_strategic_pp": f"{100 * strategic.diff:+.1f}",
        "compare_strategic_low": f"{100 * strategic.low:+.1f}",
        "compare_strategic_high": f"{100 * strategic.high:+.1f}",
    }


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def stale_spans(numbers: dict[str, str]) -> list[str]:
    """``page: KEY shows X, numbers.json has Y`` for every span out of date (or unknown)."""
    out = []
    for page in pages():
        for key, shown in SPAN.findall(page.read_text(encoding="utf-8")):
            if numbers.get(key) != shown:
                out.append(f"{page.relative_to(ROOT)}: {key} shows {shown!r}, "
                           f"docs/numbers.json has {numbers.get(key)!r}")  # fmt: skip
    return out


def fill(numbers: dict[str, str]) -> None:
    for page in pages():
        text = page.read_text(encoding="utf-8")
        new = SPAN.sub(lambda m: f"<!-- n:{m[1]} -->{numbers.get(m[1], m[2])}<!-- /n -->", text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def main() -> int:
    numbers = compute()
    if "--check" in sys.argv:
        stored = json.loads(NUMBERS.read_text(encoding="utf-8"))
        problems = stale_spans(stored) + (
            [] if stored == numbers else ["docs/numbers.json differs from compute()"]
        )
        print("\n".join(problems) or "docs numbers are up to date")
        return 1 if problems else 0
    NUMBERS.write_text(json.dumps(numbers, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    fill(numbers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
