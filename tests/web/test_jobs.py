"""The job queue: fair, bounded, and sized so that estimates arrive early."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from escalade.budget import DEFAULT_CHUNK
from escalade.store import ChunkLayout, Store
from escalade.web.jobs import (
    CHUNK_GROWTH,
    FIRST_CHUNK_RUNS,
    FULL_CHUNKS_PER_WORKER,
    MIN_CHUNK_RUNS,
    JobQueue,
    JobSpec,
    QueueFull,
    chunk_runs_for,
)


def sizes(layout: ChunkLayout) -> list[int]:
    return [len(range(*layout.bounds(i))) for i in range(layout.count)]


def test_a_jobs_chunks_double_up_to_a_share_of_the_job_for_each_worker() -> None:
    assert chunk_runs_for(10_000, 2) == 10_000 // (FULL_CHUNKS_PER_WORKER * 2)
    assert chunk_runs_for(10, 2) == MIN_CHUNK_RUNS
    assert chunk_runs_for(10**9, 2) == DEFAULT_CHUNK
    layout = ChunkLayout(10_000, chunk_runs_for(10_000, 2), FIRST_CHUNK_RUNS, CHUNK_GROWTH)
    # 20 runs, then twice as many each time until 2,500 (a quarter: the 2 workers share the
    # last chunks); 10 chunks in all
    assert sizes(layout) == [20, 40, 80, 160, 320, 640, 1280, 2500, 2500, 2460]


def test_the_queue_refuses_jobs_beyond_its_bound(tmp_path: Path) -> None:
    jobs = JobQueue(Store(tmp_path), max_queued=2, warm=False)  # not started: jobs wait
    spec = JobSpec("ensemble", "april-2024", runs=10)
    a, b = jobs.submit(spec), jobs.submit(spec)
    with pytest.raises(QueueFull, match="2 jobs are waiting"):
        jobs.submit(spec)
    assert [jobs.position(a), jobs.position(b)] == [0, 1]  # first come, first served
    jobs.cancel(a.id)
    assert jobs.position(b) == 0
    assert jobs.submit(spec).status == "queued"  # a cancelled job frees its place


def test_an_unknown_job_is_a_key_error_that_says_so(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no job 'job-7'"):
        JobQueue(Store(tmp_path), warm=False).get("job-7")


def test_a_job_starts_with_a_small_chunk_so_its_first_estimate_comes_early(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    jobs = JobQueue(store, workers=1, warm=False)  # one worker: chunks run in this process
    jobs.start()
    try:
        job = jobs.submit(JobSpec("ensemble", "april-2024", runs=2000, days=2))
        deadline = time.monotonic() + 300
        while job.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        jobs.close()
    assert job.status == "complete" and job.done == 2000
    assert job.experiment is not None
    m = store.manifest(job.experiment)
    assert (m["first_chunk"], m["chunk_growth"]) == (FIRST_CHUNK_RUNS, CHUNK_GROWTH)
    assert m["chunk_size"] == chunk_runs_for(2000, 1) == 1000
    assert sizes(ChunkLayout.of(m)) == [20, 40, 80, 160, 320, 640, 740]
    assert store.done_chunks(job.experiment) == set(range(7))
