"""Recompute the coverage of the model's 80% intervals over the calibration figures (M6) and
write it where it is reported: the table between the ``coverage`` markers of
docs/model/M6-engagement.md and the ``coverage_reported`` line of figures.yaml.

    .venv/bin/python data/air-defence/coverage.py

Deterministic (fixed seed, counter-based streams): tests/engine/test_air_defence_calibration.py
recomputes both and fails when they differ from what is written, so the reported coverage is
never typed by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from escalade.salvos import COVERAGE_MARKERS, coverage, coverage_table

HERE = Path(__file__).parent
FIGURES = HERE / "figures.yaml"
DOC = HERE.parent.parent / "docs" / "model" / "M6-engagement.md"
BEGIN, END = COVERAGE_MARKERS
INTERVAL, RUNS, SEED = 80, 2000, 11


def reported_line(out: dict) -> str:
    held = [r for r in out["rows"] if not r["fit"]]
    return (
        f"coverage_reported: {{interval: {INTERVAL}, runs: {RUNS}, seed: {SEED}, "
        f"covered: {out['covered']}, of: {out['of']}, "
        f"held_out_covered: {sum(r['covered'] for r in held)}, held_out_of: {len(held)}}}"
    )


def main() -> None:
    out = coverage(FIGURES, interval=INTERVAL, runs=RUNS, seed=SEED)
    text = FIGURES.read_text(encoding="utf-8")
    FIGURES.write_text(
        re.sub(r"^coverage_reported: .*$", reported_line(out), text, count=1, flags=re.M),
        encoding="utf-8",
    )
    doc = DOC.read_text(encoding="utf-8")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{coverage_table(out)}{END}{tail}", encoding="utf-8")
    print(reported_line(out))


if __name__ == "__main__":
    main()
