"""Scale benchmark (a script, not a test): a million runs in bounded memory, and the speed-up
of two Dask workers over one.

    .venv/bin/python benchmarks/bench_scale.py                  # both parts, prints figures
    .venv/bin/python benchmarks/bench_scale.py --write-docs     # and updates docs/experiments.md
    .venv/bin/python benchmarks/bench_scale.py --runs 100000 --skip-speedup   # a quick look

Part 1 runs ``--runs`` runs of ``--scenario`` through :func:`escalade.ensemble.run_experiment`
on local worker processes into a temporary store, sampling the resident memory of this process
and of every worker (psutil) four times a second. The pass mark is a peak under 2 GB, on the
sampled sum and on the bound "largest parent RSS + workers x largest worker RSS" from
``getrusage`` (which no short spike can escape).

Part 2 starts a real Dask scheduler (``LocalCluster``) with 1, then 2 worker processes of one
thread each, warms every worker (imports, scenario validation), and times the same fixed
workload (``--speedup-chunks`` chunks of ``--speedup-chunk-size`` runs) on each. Pass: >= 1.7x.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from escalade.ensemble import Job, default_workers, run_experiment, simulate_chunk
from escalade.scenario.load import builtin_names, resolve_source
from escalade.store import Store
from escalade.version import __version__

DOCS = Path(__file__).resolve().parents[1] / "docs" / "experiments.md"
MEMORY_LIMIT = 2 * 1024**3
SPEEDUP_TARGET = 1.7
MB = 1024**2


class MemorySampler:
    """Peak resident memory of this process plus its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak_total = 0
        self.peak_parent = 0
        self.peak_child = 0
        self.max_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                parent = me.memory_info().rss
                children = []
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children.append(child.memory_info().rss)
            except psutil.Error:
                continue
            self.peak_parent = max(self.peak_parent, parent)
            self.peak_child = max([self.peak_child, *children])
            self.peak_total = max(self.peak_total, parent + sum(children))
            self.max_processes = max(self.max_processes, 1 + len(children))
            self._stop.wait(self.every)


def scale(scenario: str, runs: int, chunk: int, workers: int, store: Path) -> dict[str, Any]:
    done = [0]
    last = [time.monotonic()]

    def tick(n: int) -> None:
        done[0] += n
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            print(f"  {done[0]:,} / {runs:,} runs", flush=True)

    t0 = time.perf_counter()
    with MemorySampler() as mem:
        exp = run_experiment(
            scenario,
            runs=runs,
            seed=1,
            chunk_size=chunk,
            workers=workers,
            store=store,
            on_chunk=tick,
        )
    seconds = time.perf_counter() - t0
    self_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    check = (
        Store(store)
        .query(
            f"SELECT count(*) AS n, count(DISTINCT run) AS distinct_runs, min(run) AS lo, "
            f"max(run) AS hi FROM outcomes WHERE experiment = '{exp.id}'"
        )
        .to_pylist()[0]
    )
    size = sum(p.stat().st_size for p in Store(store).chunk_files(exp.id))
    bound = self_max + workers * child_max
    return {
        "scenario": exp.manifest["scenario_name"],
        "runs": runs,
        "chunk_size": chunk,
        "workers": workers,
        "seconds": seconds,
        "runs_per_s": runs / seconds,
        "peak_total_sampled": mem.peak_total,
        "peak_parent": max(mem.peak_parent, self_max),
        "peak_worker": max(mem.peak_child, child_max),
        "bound": bound,
        "rows": check,
        "parquet_bytes": size,
        "ok": check["n"] == runs == check["distinct_runs"]
        and max(mem.peak_total, bound) < MEMORY_LIMIT,
    }


def _warm(job: Job) -> int:
    """On a worker: import escalade and validate the scenario once (cached)."""
    return simulate_chunk(job, 0, 1).num_rows


def speedup(scenario: str, chunks: int, chunk: int, store: Path, repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` timings with 1 and with 2 workers, measured in alternating order
    (1, 2, 2, 1, ...) so that a change in the machine's load does not favour either."""
    from distributed import Client, LocalCluster

    from escalade.scenario.load import load_scenario

    text = resolve_source(scenario).read_text(encoding="utf-8")
    job = Job(text, scenario, "{}", 2, load_scenario(scenario).horizon_days)
    order = [n for i in range(repeat) for n in ((1, 2) if i % 2 == 0 else (2, 1))]
    samples: dict[int, list[float]] = {1: [], 2: []}
    for n in order:
        with (
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.wait_for_workers(n, timeout=120)
            client.run(_warm, job)
            t0 = time.perf_counter()
            run_experiment(
                scenario,
                runs=chunks * chunk,
                seed=2,
                chunk_size=chunk,
                scheduler=cluster.scheduler_address,
                store=store,
            )
            samples[n].append(time.perf_counter() - t0)
            print(f"  {n} worker(s): {samples[n][-1]:.1f} s", flush=True)
    times = {n: min(v) for n, v in samples.items()}
    ratio = times[1] / times[2]
    return {
        "scenario": Path(scenario).stem if scenario.endswith((".yaml", ".yml")) else scenario,
        "runs": chunks * chunk,
        "chunks": chunks,
        "chunk_size": chunk,
        "repeat": repeat,
        "one": times[1],
        "two": times[2],
        "speedup": ratio,
        "ok": ratio >= SPEEDUP_TARGET,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 1024**3
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, escalade {__version__}"
    )


def _marks(part: str) -> tuple[str, str]:
    return f"<!-- bench_scale:{part}:start -->", f"<!-- bench_scale:{part}:end -->"


def _measured(load: str) -> str:
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d} with `benchmarks/bench_scale.py` on "
        f"{machine()}; load average at the start {load}."
    )


def render_scale(s: dict[str, Any], load: str) -> str:
    start, end = _marks("memory")
    return "\n".join(
        [
            start,
            _measured(load),
            "",
            "| {runs:,} runs of `{scenario}` | value |".format(**s),
            "|---|---|",
            f"| workers (local processes) x chunk size | {s['workers']} x {s['chunk_size']:,} |",
            f"| wall time | {s['seconds'] / 60:.1f} min ({s['runs_per_s']:,.0f} runs/s) |",
            f"| peak memory, parent + workers (sampled sum) | "
            f"{s['peak_total_sampled'] / MB:,.0f} MB |",
            f"| peak parent / largest worker (getrusage) | {s['peak_parent'] / MB:,.0f} MB / "
            f"{s['peak_worker'] / MB:,.0f} MB |",
            f"| bound: parent + {s['workers']} x largest worker | {s['bound'] / MB:,.0f} MB "
            f"({'under' if s['bound'] < MEMORY_LIMIT else 'OVER'} 2 GB) |",
            f"| rows stored / distinct runs | "
            f"{s['rows']['n']:,} / {s['rows']['distinct_runs']:,} |",
            f"| Parquet on disk | {s['parquet_bytes'] / MB:,.0f} MB |",
            end,
        ]
    )


def render_speedup(d: dict[str, Any], load: str) -> str:
    start, end = _marks("speedup")
    return "\n".join(
        [
            start,
            _measured(load),
            "",
            f"| `{d['scenario']}`: {d['chunks']} chunks x {d['chunk_size']:,} runs on a Dask "
            "LocalCluster | value |",
            "|---|---|",
            f"| 1 worker process (1 thread) | {d['one']:.1f} s |",
            f"| 2 worker processes (1 thread each) | {d['two']:.1f} s |",
            f"| speed-up (best of {d['repeat']} each, alternating) | {d['speedup']:.2f}x "
            f"(target >= {SPEEDUP_TARGET}x) |",
            end,
        ]
    )


def write_docs(block: str) -> None:
    """Replace the block between the same markers in docs/experiments.md."""
    start, end = block.splitlines()[0], block.splitlines()[-1]
    text = DOCS.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{DOCS} has no {start} ... {end} section to replace")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    DOCS.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    print(f"updated {DOCS}")


def main(argv: list[str] | None = None) -> int:
    default = "april-2024" if "april-2024" in builtin_names() else "tests/fixtures/duel.yaml"
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scenario", default=default)
    p.add_argument("--runs", type=int, default=1_000_000)
    p.add_argument("--chunk-size", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=default_workers())
    p.add_argument("--speedup-chunks", type=int, default=8)
    p.add_argument("--speedup-chunk-size", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=2, help="timings per worker count")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--skip-speedup", action="store_true")
    p.add_argument("--write-docs", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the temporary store")
    args = p.parse_args(argv)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(machine(), "| load", load, flush=True)
    store = Path(tempfile.mkdtemp(prefix="escalade-bench-"))
    s = d = None
    try:
        if not args.skip_scale:
            print(f"scale: {args.runs:,} runs of {args.scenario} on {args.workers} workers",
                  flush=True)  # fmt: skip
            s = scale(args.scenario, args.runs, args.chunk_size, args.workers, store / "scale")
        if not args.skip_speedup:
            print("speed-up: 1 vs 2 Dask worker processes", flush=True)
            d = speedup(args.scenario, args.speedup_chunks, args.speedup_chunk_size,
                        store / "speedup", args.repeat)  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(store, ignore_errors=True)
    blocks = []
    if s is not None:
        blocks.append(render_scale(s, load))
    if d is not None:
        blocks.append(render_speedup(d, load))
    for block in blocks:
        print(block)
        if args.write_docs:
            write_docs(block)
    ok = (s is None or s["ok"]) and (d is None or d["ok"])
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
