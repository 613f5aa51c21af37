"""M6 calibration: the shipped figures (data/air-defence/) and the coverage of the model's 80%
intervals over them, recomputed and compared with the figure reported in figures.yaml and
docs/model/M6-engagement.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from escalade.salvos import coverage

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "data" / "air-defence" / "figures.yaml"
CUTOFF = dt.date(2024, 8, 31)


def _doc() -> dict:
    return YAML(typ="safe").load(FIGURES.read_text(encoding="utf-8"))


def test_every_figure_has_a_dated_source_before_the_cutoff() -> None:
    figures = _doc()["figures"]
    assert len(figures) >= 24
    ids = [f["id"] for f in figures]
    assert len(set(ids)) == len(ids)
    for f in figures:
        src = f["source"]
        assert src["citation"] and src["confidence"] in ("high", "medium", "low"), f["id"]
        assert src["date"] <= CUTOFF and f["date"] <= CUTOFF, f["id"]
        assert f["measure"] in ("intercepted", "hits", "deaths"), f["id"]


@pytest.mark.slow
def test_coverage_of_the_80_percent_intervals_is_as_reported() -> None:
    """Deterministic (fixed seed, counter-based streams): the count must match exactly; the
    rate itself is only asserted to be at least the nominal 80% less twice the binomial spread
    of 24 figures (sd = sqrt(24 x 0.8 x 0.2) = 1.96, so >= 15 covered)."""
    rep = _doc()["coverage_reported"]
    out = coverage(FIGURES, interval=rep["interval"], runs=rep["runs"], seed=rep["seed"])
    assert (out["covered"], out["of"]) == (rep["covered"], rep["of"])
    held = [r for r in out["rows"] if not r["fit"]]
    assert (sum(r["covered"] for r in held), len(held)) == (
        rep["held_out_covered"],
        rep["held_out_of"],
    )
    assert out["covered"] >= 15


def test_a_narrower_interval_covers_no_more() -> None:
    wide = coverage(FIGURES, interval=80, runs=300, seed=3, only_fit=True)
    narrow = coverage(FIGURES, interval=20, runs=300, seed=3, only_fit=True)
    assert narrow["covered"] <= wide["covered"]
    for w, n in zip(wide["rows"], narrow["rows"], strict=True):
        assert w["lo"] <= n["lo"] and n["hi"] <= w["hi"]
