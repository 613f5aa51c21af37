"""Engine throughput, single-run replay latency and peak memory (issue: 'Speed').

Not a test: it prints figures for docs/performance.md. Run with `make bench` or
`.venv/bin/python benchmarks/bench_engine.py [--runs 100000] [--days 60]`.

Measures, on the built-in `april-2024` scenario:
1. one process, in-memory batches (`escalade.simulation.run_batch`) of CHUNK runs;
2. the full ensemble path (`escalade.ensemble.run_experiment`: local worker processes, Parquet
   chunks, DuckDB catalog) with 1 and 2 workers;
3. the whole `escalade run` command as a user types it (a new process: start-up, validation,
   workers, store, summary table), with its default chunks and workers;
4. single replayed runs (`escalade.replay` of runs 0-99): median and best;
5. the peak resident memory of this process and of its worker processes.
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import escalade
from escalade.budget import DEFAULT_CHUNK
from escalade.ensemble import run_experiment
from escalade.scenario.load import load_scenario
from escalade.simulation import run_batch


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK)
    args = parser.parse_args()
    sc = load_scenario("april-2024")
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores; numpy {np.__version__}"
    )
    print(f"scenario april-2024, {args.runs:,} runs x {args.days} days, chunks of {args.chunk:,}")

    start = time.perf_counter()
    for first in range(0, args.runs, args.chunk):
        ids = np.arange(first, min(first + args.chunk, args.runs))
        run_batch(sc, 1, ids, days=args.days)
    one = time.perf_counter() - start
    print(f"1 process, in memory: {one:.1f} s, {args.runs * args.days / one:,.0f} run-days/s")

    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as store:
            start = time.perf_counter()
            run_experiment(
                "april-2024",
                runs=args.runs,
                seed=1,
                days=args.days,
                store=store,
                workers=workers,
                chunk_size=args.chunk,
            )
            took = time.perf_counter() - start
        print(
            f"ensemble, {workers} worker(s): {took:.1f} s, "
            f"{args.runs * args.days / took:,.0f} run-days/s"
        )

    command = Path(sys.executable).with_name("escalade")
    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        subprocess.run(
            [str(command), "run", "april-2024", "--runs", str(args.runs), "--seed", "1"]
            + ["--days", str(args.days), "--store", store],
            check=True,
            capture_output=True,
        )
        took = time.perf_counter() - start
    print(
        f"escalade run (the whole command, default chunks): {took:.1f} s, "
        f"{args.runs * args.days / took:,.0f} run-days/s"
    )

    escalade.replay(sc, seed=1, run=4711)  # warm caches (tables, imports)
    times = []
    for k in range(100):
        start = time.perf_counter()
        escalade.replay(sc, seed=1, run=k, days=args.days)
        times.append(time.perf_counter() - start)
    print(
        f"single replayed {args.days}-day run: best {min(times) * 1000:.1f} ms, "
        f"median {np.median(times) * 1000:.1f} ms"
    )
    print(
        f"peak memory: this process {peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
        f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )


if __name__ == "__main__":
    main()
