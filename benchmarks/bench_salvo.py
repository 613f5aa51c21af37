"""Benchmark (not a test): one 320-threat E7 salvo resolved for 100,000 runs (M6).

    .venv/bin/python benchmarks/bench_salvo.py [--runs 100000] [--repeat 5] [--scenario april-2024]

Times separately
- *compile*: the per-run parameter draws (munition and defence tables, target effects), done
  once per chunk of runs in a simulation;
- *salvo*: ``layers_joined`` + ``resolve_salvo``, the part repeated for every salvo.
Target: salvo < 1 s for 100,000 runs on a 2-core machine. Prints the best and median wall
time of the repeats and the best CPU time (numpy runs single-threaded here, so CPU time is the
figure least disturbed by other processes on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from escalade.engine import engagement as eng
from escalade.engine.rng import Streams
from escalade.scenario.load import load_scenario

E7 = {"shahed_136": 170, "paveh": 30, "emad": 120}
"""13-14 April 2024: 170 drones, 30 cruise, 120 ballistic missiles (DOMAIN.md, E7)."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scenario", default="april-2024")
    ap.add_argument("--unwarned", action="store_true", help="no warning, partners per M3 rule")
    args = ap.parse_args()

    sc = load_scenario(args.scenario)
    runs = args.runs
    compile_t: list[float] = []
    salvo_t: list[float] = []
    salvo_cpu: list[float] = []
    rate = hits = 0.0
    for rep in range(args.repeat):
        streams = Streams(rep + 1, np.arange(runs, dtype=np.int64))
        t0 = time.perf_counter()
        mt = eng.munition_table(sc, streams)
        dt = eng.defence_table(sc, "ISR", streams)
        dph, cph = eng.target_effects(sc, "air_base", streams)
        launched = mt.salvo(E7, runs)
        stock = dt.stock(runs)
        t1 = time.perf_counter()
        c1 = time.process_time()
        warned = np.full(runs, not args.unwarned)
        joined = eng.layers_joined(dt, streams, 0, warned)
        res = eng.resolve_salvo(
            streams, 0, "bench", launched, mt, dt, joined, warned, stock, dph, cph
        )
        t2 = time.perf_counter()
        salvo_cpu.append(time.process_time() - c1)
        compile_t.append(t1 - t0)
        salvo_t.append(t2 - t1)
        rate = float(np.nanmedian(res.interception_rate))
        hits = float(np.median(res.hits))

    print(
        f"scenario {args.scenario}, {sum(E7.values())}-threat E7 salvo, {runs:,} runs, "
        f"{'unwarned' if args.unwarned else 'warned'}, {args.repeat} repeats"
    )
    print(
        f"  salvo (layers_joined + resolve_salvo): best {min(salvo_t):.3f} s, "
        f"median {statistics.median(salvo_t):.3f} s, CPU best {min(salvo_cpu):.3f} s "
        "(target < 1 s)"
    )
    print(
        f"  compile (per-run parameter draws):     best {min(compile_t):.3f} s, "
        f"median {statistics.median(compile_t):.3f} s"
    )
    print(f"  check: median interception {rate:.1%}, median hits {hits:.0f}")


if __name__ == "__main__":
    main()
