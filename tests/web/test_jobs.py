"""The job queue: fair, bounded, and sized so that estimates arrive early."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from escalade.budget import DEFAULT_CHUNK
from escalade.store import Store
from escalade.web.jobs import (
    CHUNKS_PER_JOB,
    FIRST_CHUNK_RUNS,
    MIN_CHUNK_RUNS,
    JobQueue,
    JobSpec,
    QueueFull,
    chunk_runs_for,
)


def test_a_job_is_cut_into_about_twenty_chunks_within_bounds() -> None:
    assert chunk_runs_for(10_000) == 10_000 // CHUNKS_PER_JOB
    assert chunk_runs_for(10) == MIN_CHUNK_RUNS
    assert chunk_runs_for(10**9) == DEFAULT_CHUNK


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
    assert (m["first_chunk"], m["chunk_size"]) == (FIRST_CHUNK_RUNS, chunk_runs_for(2000))
    assert store.done_chunks(job.experiment) == set(range(21))  # 50 runs, then 19.5 x 100
