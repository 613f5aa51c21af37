"""Benchmark (not a test): does one chunk fit the memory budget, for 15 and for 200 actors?

    .venv/bin/python benchmarks/bench_memory.py [--memory 1GB] [--workers 2] [--actors 15 200]

For each size, ``april-2024`` (15 actors) is widened to that many actors by adding passive
ones (mediators, great powers and defence partners in turn, which the day loop still carries
in every (run, actor, actor) array). The chunk size ``escalade run --memory M --workers W``
would choose (:func:`escalade.ensemble.chunk_size_for`) is then simulated in a fresh process,
and its peak resident memory above the process's footprint before the batch is compared with
the budget of one worker (M / W) and with the estimate the chunk size came from.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from escalade.budget import bytes_per_run, chunk_size_for, parse_memory, size_text
from escalade.scenario.load import load_scenario
from escalade.scenario.schema import Scenario

ROLES = ("mediator", "great_power", "defence_partner")


def widened(actors: int) -> Scenario:
    """``april-2024`` with passive actors added up to ``actors``."""
    base = load_scenario("april-2024")
    extra = {
        f"actors.X{i:03d}": {"role": ROLES[i % len(ROLES)]}
        for i in range(actors - len(base.actors))
    }
    return load_scenario("april-2024", extra or None)


def _peak_rss() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # kB on Linux


def child(actors: int, runs: int) -> dict[str, Any]:
    """In a fresh process: the peak memory one chunk of ``runs`` runs adds."""
    from escalade.simulation import run_batch

    sc = widened(actors)
    run_batch(sc, 1, np.arange(2, dtype=np.int64))  # imports, caches, compiled tables
    before = _peak_rss()
    t0 = time.perf_counter()
    run_batch(sc, 1, np.arange(runs, dtype=np.int64))
    return {"seconds": time.perf_counter() - t0, "added": _peak_rss() - before}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--memory", default="1GB", help="budget of all workers together")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--actors", type=int, nargs="+", default=[15, 200])
    ap.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    budget = parse_memory(args.memory)
    per_worker = budget // args.workers
    print(f"budget {size_text(budget)} for {args.workers} workers: {size_text(per_worker)} each")
    print("| actors | estimate per run | chunk chosen | measured per chunk | per run | fits |")
    print("|---|---|---|---|---|---|")
    for actors in args.actors:
        sc = widened(actors)
        chunk = chunk_size_for(sc, budget, args.workers)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(actors), str(chunk)],
            check=True,
            capture_output=True,
            text=True,
        )
        got = json.loads(out.stdout.strip().splitlines()[-1])
        added = got["added"]
        print(
            f"| {actors} | {size_text(bytes_per_run(sc))} | {chunk:,} runs | "
            f"{size_text(added)} ({got['seconds']:.0f} s) | {size_text(added / chunk)} | "
            f"{'yes' if added <= per_worker else 'NO'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
