"""The commonest pathways: parsing, coarse views, counts with Wilson intervals."""

from __future__ import annotations

import pyarrow as pa
import pytest

from escalade.analysis.pathways import (
    NO_ACTION,
    Move,
    common_pathways,
    describe,
    parse_pathway,
    view,
)
from escalade.analysis.stats import wilson
from escalade.api import simulate
from escalade.scenario.schema import Scenario


def table(paths: list[str]) -> pa.Table:
    return pa.table({"run": list(range(len(paths))), "pathway": paths})


def test_parse_pathway() -> None:
    assert parse_pathway("IRN:8 > ISR:7") == [Move("IRN", 8), Move("ISR", 7)]
    assert parse_pathway("") == []
    with pytest.raises(ValueError, match="ACTOR:rung"):
        parse_pathway("IRN > ISR:7")


def test_views_cut_filter_and_merge() -> None:
    p = "HEZ:4 > HEZ:4 > IRN:8 > HEZ:4 > ISR:7 > ISR:7"
    assert view(p, steps=2) == "HEZ:4 > HEZ:4"
    assert view(p, merge_repeats=True) == "HEZ:4 > IRN:8 > HEZ:4 > ISR:7"
    assert view(p, min_rung=5) == "IRN:8 > ISR:7 > ISR:7"
    assert view(p, min_rung=5, merge_repeats=True) == "IRN:8 > ISR:7"
    assert view("HEZ:4", min_rung=5) == NO_ACTION
    assert view("") == NO_ACTION


def test_common_pathways_counts_ranks_and_intervals() -> None:
    t = table(["A:3 > B:2"] * 5 + ["A:3"] * 3 + ["B:1"] * 3 + [""])
    got = common_pathways(t, top=3)
    assert [(g.pathway, g.count) for g in got] == [("A:3 > B:2", 5), ("A:3", 3), ("B:1", 3)]
    assert got[0].runs == 12 and got[0].share == pytest.approx(5 / 12)
    assert (got[0].low, got[0].high) == pytest.approx(wilson(5, 12))
    # Openings: the first move only.
    first = common_pathways(t, top=5, steps=1)
    assert [(g.pathway, g.count) for g in first] == [("A:3", 8), ("B:1", 3), (NO_ACTION, 1)]


def test_common_pathways_rejects_a_bad_top() -> None:
    with pytest.raises(ValueError):
        common_pathways(table(["A:1"]), top=0)


def test_describe_uses_actor_and_rung_names(duel: Scenario) -> None:
    text = describe("RED:8 > BLUE:7", duel)
    assert text.startswith("RED: large direct salvo on military targets (8), then BLUE:")
    assert describe(NO_ACTION, duel) == "nobody acts"


def test_pathway_shares_of_a_real_ensemble_cover_every_run(duel: Scenario) -> None:
    t = simulate(duel, runs=150, seed=2).outcomes
    everything = common_pathways(t, top=10_000)
    assert sum(g.count for g in everything) == 150
    counts = [g.count for g in everything]
    assert counts == sorted(counts, reverse=True)
