"""Non-negotiable 4: the same scenario, seed and version give identical results, whatever the
chunking or the order of runs; run K replayed alone equals run K inside a large batch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from escalade.api import replay, simulate
from escalade.scenario.schema import Scenario
from escalade.simulation import run_batch


def _rows(table: pa.Table) -> list[dict[str, object]]:
    return table.sort_by("run").to_pylist()


@pytest.mark.parametrize("chunk", [1, 7, 64, 500])
def test_outcomes_do_not_depend_on_chunking(duel: Scenario, chunk: int) -> None:
    whole = simulate(duel, runs=500, seed=9, chunk_size=500).outcomes
    chunked = simulate(duel, runs=500, seed=9, chunk_size=chunk).outcomes
    assert _rows(whole) == _rows(chunked)


def test_run_order_does_not_matter(duel: Scenario) -> None:
    ids = np.arange(300)
    forward = run_batch(duel, 5, ids).outcomes
    backward = run_batch(duel, 5, ids[::-1].copy()).outcomes
    assert _rows(forward) == _rows(backward)


@pytest.mark.parametrize("k", [0, 17, 4711, 99_999])
def test_run_k_alone_equals_run_k_in_a_batch_of_100000(duel: Scenario, k: int) -> None:
    # The batch of 100,000 is simulated once per chunk of 25,000 around k (any chunk holds it).
    start = (k // 25_000) * 25_000
    inside = run_batch(duel, 123, np.arange(start, start + 25_000), keep_events=True)
    alone = replay(duel, seed=123, run=k)
    row = inside.outcomes.filter(pa.compute.equal(inside.outcomes["run"], k)).to_pylist()
    assert row == alone.outcomes.to_pylist()
    assert inside.events is not None and alone.events is not None
    mine = inside.events.filter(pa.compute.equal(inside.events["run"], k))
    assert mine.to_pylist() == alone.events.to_pylist()


def test_different_seeds_give_different_ensembles(duel: Scenario) -> None:
    a = simulate(duel, runs=300, seed=1).outcomes
    b = simulate(duel, runs=300, seed=2).outcomes
    assert _rows(a) != _rows(b)


@pytest.mark.parametrize("size", [10, 13])
def test_a_batch_the_size_of_a_table_dimension_matches_runs_alone(size: int) -> None:
    # Regression: with as many runs as defence layers (10) or munitions (13) in april-2024,
    # per-run and per-layer arrays have the same shape and must not be confused.
    from escalade.scenario.load import load_scenario

    sc = load_scenario("april-2024")
    batch = run_batch(sc, 1, np.arange(size)).outcomes.to_pylist()
    alone = [replay(sc, seed=1, run=k).outcomes.to_pylist()[0] for k in range(size)]
    assert batch == alone
