"""The job queue: fair, bounded, and sized so that estimates arrive early."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.budget import DEFAULT_CHUNK
from escalade.store import Store
from escalade.web.jobs import (
    CHUNKS_PER_JOB,
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
