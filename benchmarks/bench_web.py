"""Benchmark (not a test): how soon the web app gives a first estimate, and how long a job takes.

    .venv/bin/python benchmarks/bench_web.py [--runs 10000] [--days 60] [--repeat 3]

Starts the app over a fresh store (its workers warm, as `escalade serve` does), then submits
a job of ``--runs`` runs of april-2024 ``--repeat`` times, one after the other, and prints for
each the seconds from the request to the first estimate (the first poll that shows results:
the first chunk written, of ``FIRST_CHUNK_RUNS`` runs) and to the end, the job's chunks and
the machine's load average (1 minute) before and after. Target: the first estimate within
1 s for a 10,000-run job.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from fastapi.testclient import TestClient

from escalade.store import ChunkLayout, Store
from escalade.web.app import create_app


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
                load = os.getloadavg()[0]
                start = time.monotonic()
                job = client.post("/api/jobs", json=body).json()
                first = None
                while job["status"] in ("queued", "running"):
                    time.sleep(0.02)
                    job = client.get(f"/api/jobs/{job['id']}").json()
                    if first is None and job.get("results"):
                        first = time.monotonic() - start
                end = time.monotonic() - start
                layout = ChunkLayout.of(Store(store).manifest(job["experiment"]))
                runs = [len(range(*layout.bounds(i))) for i in range(layout.count)]
                print(
                    f"{args.runs:,} runs: first estimate after {first:.2f} s, done in "
                    f"{end:.1f} s ({job['status']}); {len(runs)} chunks of "
                    f"{', '.join(f'{n:,}' for n in runs)} runs; load average "
                    f"{load:.1f} -> {os.getloadavg()[0]:.1f}"
                )


if __name__ == "__main__":
    main()
