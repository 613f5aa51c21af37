"""Benchmark (not a test): how soon the web app gives a first estimate, and how long a job takes.

    .venv/bin/python benchmarks/bench_web.py [--runs 10000] [--days 60] [--repeat 3]

Starts the app over a fresh store (its workers warm, as `escalade serve` does), then submits
a job of ``--runs`` runs of april-2024 ``--repeat`` times, one after the other, and prints for
each the seconds from the request to the first estimate (the first chunk written, of
``FIRST_CHUNK_RUNS`` runs) and to the end. Target: the first estimate within 1 s for a
10,000-run job.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from fastapi.testclient import TestClient

from escalade.web.app import create_app
from escalade.web.jobs import FIRST_CHUNK_RUNS, chunk_runs_for


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as store:
        app = create_app(store)
        with TestClient(app) as client:
            app.state.jobs.ready.wait()
            for seed in range(args.repeat):
                body = {"scenario": "april-2024", "runs": args.runs, "seed": seed}
                if args.days:
                    body["days"] = args.days
                start = time.monotonic()
                job = client.post("/api/jobs", json=body).json()
                first = None
                while job["status"] in ("queued", "running"):
                    time.sleep(0.02)
                    job = client.get(f"/api/jobs/{job['id']}").json()
                    if first is None and job["done"]:
                        first = time.monotonic() - start
                end = time.monotonic() - start
                chunk = chunk_runs_for(args.runs)
                print(
                    f"{args.runs:,} runs: first estimate after {first:.2f} s (a first chunk of "
                    f"{min(FIRST_CHUNK_RUNS, chunk):,} runs, then {chunk:,}-run chunks), "
                    f"done in {end:.1f} s ({job['status']})"
                )


if __name__ == "__main__":
    main()
