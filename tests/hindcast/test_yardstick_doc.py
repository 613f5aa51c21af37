"""docs/validation.md carries the yardstick as generated, not typed (issue 9, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

from escalade.analysis import yardstick as ys

ROOT = Path(__file__).resolve().parents[2]


def test_the_validation_page_holds_the_rendering_of_the_measured_yardstick() -> None:
    doc = json.loads((ROOT / "docs" / "yardstick.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    block = ys.block_of(page)
    assert block is not None, "the yardstick markers are missing from docs/validation.md"
    assert block == ys.markdown_tables(doc), (
        "docs/validation.md differs from the rendering of docs/yardstick.json: "
        "run scripts/yardstick.py (or --render-only) instead of editing the block"
    )


def test_the_measured_yardstick_covers_every_forecaster_and_quantity() -> None:
    doc = json.loads((ROOT / "docs" / "yardstick.json").read_text(encoding="utf-8"))
    assert len(doc["protocols"]) == 2
    for proto in doc["protocols"].values():
        assert set(proto["summary"]) == set(ys.FORECASTERS)
        assert set(proto["summary"]["model"]) == set(ys.LABELS)


def test_splice_replaces_only_the_block() -> None:
    page = f"intro\n{ys.DOC_BEGIN}\nold\n{ys.DOC_END}\noutro\n"
    new = ys.splice(page, f"{ys.DOC_BEGIN}\nnew\n{ys.DOC_END}\n")
    assert new == f"intro\n{ys.DOC_BEGIN}\nnew\n{ys.DOC_END}\noutro\n"
    assert ys.block_of(new) == f"{ys.DOC_BEGIN}\nnew\n{ys.DOC_END}\n"
