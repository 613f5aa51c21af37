"""Load: 20 clients at once, each running a 5,000-run job, against a real uvicorn server on
127.0.0.1. No job is lost or mixed up (each client finds its own seed and runs in its
experiment), and no more jobs run at once than the server's slots.

The jobs simulate the first :data:`DAYS` days of the scenario so that the test stays within
a minute or two on a busy two-core machine; the wall time and peak memory measured are
printed (and reported in docs/performance.md), never asserted. To measure whole jobs, set
``ESCALADE_LOAD_DAYS`` (e.g. 60: ``ESCALADE_LOAD_DAYS=60 pytest tests/web/test_load.py -s``).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web.conftest import WAIT_S, Live

from escalade.store import Store

CLIENTS = 20
RUNS = 5000
DAYS = int(os.environ.get("ESCALADE_LOAD_DAYS", "2"))

pytestmark = pytest.mark.slow  # a process-level test (about 2-3 minutes): run first


def _client(url: str, seed: int) -> dict[str, Any]:
    """One user: start a job, poll it to its end, return its last state."""
    with httpx.Client(base_url=url, timeout=60) as http:
        r = http.post(
            "/api/jobs", json={"scenario": "april-2024", "runs": RUNS, "seed": seed, "days": DAYS}
        )
        assert r.status_code == 202, r.text
        job = r.json()
        deadline = time.monotonic() + 2 * WAIT_S
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job {job['id']} never finished"
            time.sleep(0.5)
            job = http.get(f"/api/jobs/{job['id']}").json()
        return {"seed": seed, **job}


def test_twenty_clients_each_get_their_own_job_done(live: Live) -> None:
    start = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        ends = list(pool.map(lambda s: _client(live.url, s), range(100, 100 + CLIENTS)))
    wall = time.monotonic() - start
    assert [e["status"] for e in ends] == ["complete"] * CLIENTS, [e["error"] for e in ends]
    experiments = [e["experiment"] for e in ends]
    assert len(set(experiments)) == CLIENTS  # one experiment each, none shared
    st = Store(live.store)
    for end in ends:
        m = st.manifest(end["experiment"])
        assert (m["seed"], m["runs"], m["runs_done"], m["days"]) == (end["seed"], RUNS, RUNS, DAYS)
    jobs = live.app.state.jobs
    assert jobs.running_peak <= jobs.slots  # bounded concurrency
    server = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = ", ".join(f"{_peak_mb(p.pid):.0f}" for p in multiprocessing.active_children())
    print(
        f"\nload: {CLIENTS} clients × {RUNS:,} runs ({DAYS} days) in {wall:.1f} s; peak RSS "
        f"{server:.0f} MB (server, clients and test), workers {workers} MB; "
        f"at most {jobs.running_peak} job(s) at once"
    )


def _peak_mb(pid: int | None) -> float:
    """A live process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
