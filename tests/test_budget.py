"""The memory budget and the chunk size it sets; sizes written the way users write them."""

from __future__ import annotations

import pytest

from escalade.budget import (
    DEFAULT_CHUNK,
    bytes_per_run,
    chunk_size_for,
    default_memory,
    machine_memory,
    parse_memory,
    size_text,
)
from escalade.scenario.load import load_scenario
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("4GB", 4 * 10**9),
        ("4gb", 4 * 10**9),
        ("512MB", 512 * 10**6),
        ("1.5G", 1_500_000_000),
        ("2GiB", 2 * 2**30),
        (" 300 kB ", 300_000),
        ("123456", 123_456),
    ],
)
def test_sizes_as_users_write_them(text: str, size: int) -> None:
    assert parse_memory(text) == size


@pytest.mark.parametrize("text", ["lots", "4 PB", "-1GB", "", "0"])
def test_a_size_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--memory"):
        parse_memory(text)


def test_more_actors_smaller_chunks_and_a_budget_too_small_is_refused() -> None:
    duel = load_scenario(FIXTURES / "duel.yaml")
    crowd = load_scenario(
        FIXTURES / "duel.yaml", {f"actors.M{i:03d}": {"role": "mediator"} for i in range(197)}
    )
    assert len(crowd.actors) == 200
    assert bytes_per_run(crowd) > 50 * bytes_per_run(duel)
    assert bytes_per_run(duel, days=60) > bytes_per_run(duel, days=30)
    budget = 4 * 10**9
    assert chunk_size_for(duel, budget, workers=2) == DEFAULT_CHUNK  # capped
    big = chunk_size_for(crowd, budget, workers=2)
    assert 1 <= big < DEFAULT_CHUNK
    assert 2 * big * bytes_per_run(crowd) <= budget < 2 * (big + 1) * bytes_per_run(crowd)
    assert chunk_size_for(crowd, budget, workers=1) in {2 * big, 2 * big + 1}  # one worker
    with pytest.raises(ValueError, match=r"--memory 1\.0 MB is too small.*200 actors"):
        chunk_size_for(crowd, 10**6, workers=2)


def test_a_small_ensemble_is_shared_so_that_no_worker_idles() -> None:
    """Chunks are large (throughput grows with them), but never so large that an ensemble
    fits in fewer chunks than there are workers."""
    duel = load_scenario(FIXTURES / "duel.yaml")
    budget = 4 * 10**9
    assert chunk_size_for(duel, budget, workers=2, runs=20_000) == 10_000
    assert chunk_size_for(duel, budget, workers=2, runs=20_001) == 10_001
    assert chunk_size_for(duel, budget, workers=2, runs=1) == 1
    assert chunk_size_for(duel, budget, workers=2, runs=10**9) == DEFAULT_CHUNK
    # a Dask cluster: the memory is each worker's own (workers=1), the runs shared by its threads
    assert chunk_size_for(duel, budget, workers=1, runs=20_000, slots=8) == 2_500


def test_the_default_budget_is_half_the_machine() -> None:
    assert abs(2 * default_memory() - machine_memory()) <= 1
    assert size_text(950) == "950 bytes" and size_text(2_345_678) == "2.3 MB"
