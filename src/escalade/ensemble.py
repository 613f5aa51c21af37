"""Ensembles as experiments: chunks of runs on local processes or a Dask cluster, streamed
to the store as they finish.

A chunk is a range of run ids; run K's outcome depends only on ``(scenario, seed, K)``, so the
chunking, the number of workers and the order in which chunks finish change nothing in the
result. A worker receives the scenario's YAML text and overrides (not Python objects), validates
them once, and returns the chunk's outcome table; only the parent writes to the store, so
workers on other machines need no shared file system.

>>> from escalade.ensemble import run_experiment
>>> exp = run_experiment("april-2024", runs=100_000, seed=1)  # doctest: +SKIP
>>> exp.outcomes().num_rows                                   # doctest: +SKIP
100000
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from escalade.scenario.load import load_scenario, load_scenario_text, resolve_source
from escalade.scenario.schema import Scenario
from escalade.simulation import run_batch
from escalade.store import (
    Store,
    StoreError,
    chunk_count,
    chunk_runs,
    now_iso,
    sha256_text,
)

DEFAULT_CHUNK = 10_000
"""Runs per chunk (one Parquet file, one task). Memory per worker grows with it."""
DEFAULT_RUNS = 1000
DEFAULT_SEED = 0
CONNECT_TIMEOUT_S = 10.0
"""How long to try to reach a Dask scheduler."""
PROBE_S = 5.0
"""How long a Dask scheduler may take to send its first bytes on a new connection."""
WORKER_WAIT_S = 30.0
"""How long to wait for a Dask scheduler to have at least one worker."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker: enough to keep it busy, few enough to bound memory."""

OnStart = Callable[[dict[str, Any], int], None]
OnChunk = Callable[[int], None]


class ExperimentMismatch(ValueError):
    """``--resume`` with a scenario or settings that differ from the experiment's."""


class SchedulerError(ValueError):
    """The Dask scheduler address is malformed, unreachable, or has no usable workers."""


class EnsembleError(RuntimeError):
    """The computation failed (e.g. a worker process died); finished chunks are kept."""


@dataclass(frozen=True)
class Job:
    """What a worker needs to simulate any chunk of an experiment (small, picklable)."""

    scenario_yaml: str
    source: str
    overrides_json: str
    seed: int
    days: int


@dataclass(frozen=True)
class Experiment:
    """A finished (or already complete) experiment in a store."""

    id: str
    store: Store
    manifest: dict[str, Any]
    scenario: Scenario

    def outcomes(self, columns: list[str] | None = None) -> pa.Table:
        """The outcome rows, sorted by run."""
        return self.store.outcomes(self.id, columns)


@functools.lru_cache(maxsize=4)
def _scenario(scenario_yaml: str, source: str, overrides_json: str) -> Scenario:
    return load_scenario_text(scenario_yaml, source, json.loads(overrides_json) or None)


def simulate_chunk(job: Job, start: int, stop: int) -> pa.Table:
    """Outcomes of runs ``start .. stop - 1`` (runs in a worker; the scenario is cached)."""
    sc = _scenario(job.scenario_yaml, job.source, job.overrides_json)
    return run_batch(sc, job.seed, np.arange(start, stop, dtype=np.int64), job.days).outcomes


def default_workers() -> int:
    """Local worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def normalise_overrides(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Overrides as plain JSON data: what the manifest keeps is exactly what workers apply."""
    return dict(json.loads(json.dumps(overrides or {}, default=str)))


def _overrides_json(overrides: dict[str, Any]) -> str:
    return json.dumps(overrides, sort_keys=True)


def run_experiment(
    scenario: str | Path | None = None,
    *,
    runs: int | None = None,
    seed: int | None = None,
    days: int | None = None,
    overrides: dict[str, Any] | None = None,
    store: Store | str | Path | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    scheduler: str | None = None,
    resume: str | None = None,
    on_start: OnStart | None = None,
    on_chunk: OnChunk | None = None,
) -> Experiment:
    """Simulate an ensemble into the store, or finish an interrupted one (``resume=ID``).

    ``scenario`` is a YAML file or a built-in name. ``workers`` local processes (default: the
    CPU count; 1 runs in this process) or a Dask ``scheduler`` ("tcp://host:port") compute the
    chunks of ``chunk_size`` runs. ``on_start(manifest, runs_already_done)`` is called once the
    experiment has its id, ``on_chunk(n)`` after each chunk written. A resumed experiment
    refuses a scenario or setting that differs from the one it was started with.
    On KeyboardInterrupt or a failure the experiment is marked ``interrupted`` and keeps every
    finished chunk.
    """
    st = store if isinstance(store, Store) else Store(store)
    for name, value in (("runs", runs), ("chunk_size", chunk_size), ("workers", workers)):
        if value is not None and value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if days is not None and days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if scheduler is not None:
        check_scheduler_address(scheduler)

    if resume is not None:
        exp_id, manifest, sc = _prepare_resume(
            st, resume, scenario, runs, seed, days, overrides, chunk_size
        )
    else:
        if scenario is None:
            raise ValueError("give a scenario (a file or a built-in name), or resume an experiment")
        fields, sc = _prepare_new(
            scenario,
            DEFAULT_RUNS if runs is None else runs,
            DEFAULT_SEED if seed is None else seed,
            days,
            overrides,
            DEFAULT_CHUNK if chunk_size is None else chunk_size,
        )
        exp_id, manifest = "", fields
    total = chunk_count(manifest["runs"], manifest["chunk_size"])
    complete = bool(exp_id) and manifest["status"] == "complete"
    # Reach the cluster before registering anything: a bad address leaves no trace.
    client = connect_scheduler(scheduler) if scheduler is not None and not complete else None
    try:
        if not exp_id:
            exp_id = st.create(fields)
            manifest = st.manifest(exp_id)
        with st.running(exp_id):
            _compute(st, exp_id, manifest, sc, total, workers, client, on_start, on_chunk)
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=10)
    return Experiment(exp_id, st, st.manifest(exp_id), sc)


def _compute(
    st: Store,
    exp_id: str,
    manifest: dict[str, Any],
    sc: Scenario,
    total: int,
    workers: int | None,
    client: Any,
    on_start: OnStart | None,
    on_chunk: OnChunk | None,
) -> None:
    """Simulate the chunks not yet in the store and write each as it finishes."""
    done = st.done_chunks(exp_id)
    if manifest["status"] == "complete" and len(done) == total:
        if on_start is not None:
            on_start(manifest, manifest["runs"])
        return
    if manifest["status"] != "running":
        st.clean_partial(exp_id)
        st.update(exp_id, status="running", finished=None)
        manifest = st.manifest(exp_id)
    done_runs = sum(
        len(range(*chunk_runs(manifest["runs"], manifest["chunk_size"], i))) for i in done
    )
    if on_start is not None:
        on_start(manifest, done_runs)
    job = Job(
        scenario_yaml=manifest["scenario_yaml"],
        source=str(manifest.get("scenario_source") or manifest["scenario_name"]),
        overrides_json=_overrides_json(manifest["overrides"]),
        seed=int(manifest["seed"]),
        days=int(manifest["days"]),
    )
    tasks = [
        (i, *chunk_runs(manifest["runs"], manifest["chunk_size"], i))
        for i in range(total)
        if i not in done
    ]
    try:
        with contextlib.closing(_results(job, tasks, workers, client)) as results:
            for index, table in results:
                st.write_chunk(exp_id, index, table)
                if on_chunk is not None:
                    on_chunk(table.num_rows)
        missing = set(range(total)) - st.done_chunks(exp_id)
        if missing:  # pragma: no cover - a bug, not a user's mistake
            raise EnsembleError(f"chunks {sorted(missing)[:5]} were not written")
    except BaseException:
        with contextlib.suppress(Exception):
            st.update(exp_id, status="interrupted", finished=now_iso())
        raise
    st.update(exp_id, status="complete", finished=now_iso())


def _prepare_new(
    scenario: str | Path,
    runs: int,
    seed: int,
    days: int | None,
    overrides: dict[str, Any] | None,
    chunk_size: int,
) -> tuple[dict[str, Any], Scenario]:
    """The manifest fields of a new experiment, once its scenario validates."""
    source = resolve_source(scenario)
    text = source.read_text(encoding="utf-8")
    ov = normalise_overrides(overrides)
    load_scenario(source, ov or None)  # located errors for the user's file
    sc = _scenario(text, str(source), _overrides_json(ov))
    fields = {
        "scenario_name": sc.name,
        "scenario_yaml": text,
        "scenario_source": str(scenario),
        "seed": seed,
        "overrides": ov,
        "runs": runs,
        "days": sc.horizon_days if days is None else days,
        "chunk_size": chunk_size,
    }
    return fields, sc


def _prepare_resume(
    st: Store,
    resume: str,
    scenario: str | Path | None,
    runs: int | None,
    seed: int | None,
    days: int | None,
    overrides: dict[str, Any] | None,
    chunk_size: int | None,
) -> tuple[str, dict[str, Any], Scenario]:
    from escalade.version import __version__

    exp_id = st.resolve(resume)
    m = st.manifest(exp_id)
    if sha256_text(m["scenario_yaml"]) != m["scenario_sha256"]:
        raise ExperimentMismatch(
            f"experiment {exp_id}: the stored scenario does not match its sha256; "
            "the catalog was altered, start a new experiment"
        )
    if scenario is not None:
        text = resolve_source(scenario).read_text(encoding="utf-8")
        digest = sha256_text(text)
        if digest != m["scenario_sha256"]:
            raise ExperimentMismatch(
                f"cannot resume {exp_id}: the scenario '{scenario}' differs from the one it was "
                f"started with (sha256 {digest[:12]} != {m['scenario_sha256'][:12]}); "
                "resume without the scenario argument to use the stored copy, "
                "or start a new experiment"
            )
    given = {
        "runs": runs,
        "seed": seed,
        "days": days,
        "chunk_size": chunk_size,
        "overrides": normalise_overrides(overrides) if overrides else None,
    }
    for key, value in given.items():
        if value is not None and value != m[key]:
            raise ExperimentMismatch(
                f"cannot resume {exp_id}: it was started with {key} = {m[key]!r}, "
                f"not {value!r}; leave the option out to resume it as it was"
            )
    if m["version"] != __version__:
        raise ExperimentMismatch(
            f"cannot resume {exp_id}: it was started with escalade {m['version']}, "
            f"this is {__version__}; its runs would mix two versions of the model"
        )
    sc = _scenario(
        m["scenario_yaml"],
        str(m.get("scenario_source") or m["scenario_name"]),
        _overrides_json(m["overrides"]),
    )
    return exp_id, m, sc


# -- where chunks are computed -------------------------------------------------------------
Task = tuple[int, int, int]
"""(chunk index, first run, stop run)."""
Results = Generator[tuple[int, pa.Table], None, None]


def _results(job: Job, tasks: Sequence[Task], workers: int | None, client: Any) -> Results:
    if not tasks:
        return _local_results(job, tasks)
    if client is not None:
        return _dask_results(job, tasks, client)
    n = min(default_workers() if workers is None else workers, len(tasks))
    if n <= 1:
        return _local_results(job, tasks)
    return _pool_results(job, tasks, n)


def _checked(task: Task, table: pa.Table) -> tuple[int, pa.Table]:
    index, start, stop = task
    runs = table.column("run")
    if table.num_rows != stop - start or runs[0].as_py() != start or runs[-1].as_py() != stop - 1:
        raise EnsembleError(f"chunk {index} came back with the wrong runs")
    return index, table


def _local_results(job: Job, tasks: Sequence[Task]) -> Results:
    for task in tasks:
        yield _checked(task, simulate_chunk(job, task[1], task[2]))


def _worker_init(parent: int) -> None:
    """In a pool worker: leave Ctrl-C to the parent, and exit if the parent is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="escalade-parent-watch", daemon=True).start()


def _pool_results(job: Job, tasks: Sequence[Task], workers: int) -> Results:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    todo = iter(tasks)
    running: dict[Future[pa.Table], Task] = {}

    def submit() -> None:
        task = next(todo, None)
        if task is not None:
            running[pool.submit(simulate_chunk, job, task[1], task[2])] = task

    finished = False
    try:
        for _ in range(IN_FLIGHT_PER_WORKER * workers):
            submit()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: running[f][0]):
                task = running.pop(fut)
                try:
                    table = fut.result()
                except BrokenProcessPool:
                    raise EnsembleError(
                        "a worker process died (out of memory? try a smaller --chunk-size)"
                    ) from None
                submit()
                yield _checked(task, table)
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: drop queued chunks and end the workers (their chunks are recomputed later)."""
    # Python < 3.14 has no public way to end busy workers; the executor keeps them here.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(timeout=5)


def check_scheduler_address(address: str) -> None:
    """Refuse an address that is not ``PROTOCOL://HOST:PORT`` (one line, before connecting)."""
    scheme, sep, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if (
        not sep
        or scheme not in {"tcp", "tls", "ws", "wss", "ucx", "inproc"}
        or (scheme != "inproc" and (not host or not port.isdigit()))
    ):
        raise SchedulerError(
            f"--scheduler expects tcp://HOST:PORT, got '{address}' (e.g. tcp://10.0.0.5:8786)"
        )


def _probe_tcp(address: str, host: str, port: int) -> None:
    """Fail fast and clearly unless a Dask server listens there: a Dask server speaks first
    (its handshake), while e.g. the dashboard's HTTP port waits for a request."""
    try:
        conn = socket.create_connection((host, port), timeout=5)
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {why}") from None
    with conn:
        conn.settimeout(PROBE_S)
        try:
            first = conn.recv(1)
        except OSError:
            first = b""
    if not first:
        raise SchedulerError(
            f"{address} does not answer like a Dask scheduler "
            "(the scheduler's port is 8786 by default; 8787 is its dashboard)"
        )


def _client(address: str) -> Any:
    """``distributed.Client(address)`` with a hard time limit (it can hang on odd servers)."""
    from distributed import Client

    got: dict[str, Any] = {}

    def connect() -> None:
        try:
            got["client"] = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except Exception as exc:
            got["error"] = exc

    thread = threading.Thread(target=connect, name="escalade-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT_S + 5)
    if "client" in got:
        return got["client"]
    why = got.get("error") or f"no answer within {CONNECT_TIMEOUT_S + 5:.0f} s"
    raise SchedulerError(f"cannot connect to the Dask scheduler at {address}: {why}")


def _worker_version() -> str:
    from escalade.version import __version__

    return __version__


def connect_scheduler(address: str) -> Any:
    """A ``distributed.Client`` for ``address`` with at least one worker running our version."""
    from escalade.version import __version__

    check_scheduler_address(address)
    scheme, _, rest = address.partition("://")
    if scheme == "tcp":
        host, _, port = rest.rpartition(":")
        _probe_tcp(address, host.strip("[]"), int(port))
    client = _client(address)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except Exception:
            raise SchedulerError(
                f"the Dask scheduler at {address} has no workers (waited {WORKER_WAIT_S:.0f} s)"
            ) from None
        try:
            versions = client.run(_worker_version)
        except Exception as exc:
            raise SchedulerError(
                f"the Dask workers at {address} cannot import escalade: {exc}"
            ) from None
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            worker, version = next(iter(wrong.items()))
            raise SchedulerError(
                f"Dask worker {worker} runs escalade {version}, this is {__version__}; "
                "results would mix versions"
            )
    except BaseException:
        client.close()
        raise
    return client


def _dask_results(job: Job, tasks: Sequence[Task], client: Any) -> Results:
    """Chunks as tasks on a Dask cluster; ``client`` stays open (the caller closes it)."""
    from distributed import as_completed

    todo = iter(tasks)
    running: dict[str, Task] = {}
    futures: dict[str, Any] = {}
    queue = as_completed(loop=client.loop)

    def submit() -> None:
        task = next(todo, None)
        if task is not None:
            fut = client.submit(simulate_chunk, job, task[1], task[2], pure=False)
            running[fut.key] = task
            futures[fut.key] = fut
            queue.add(fut)

    try:
        threads = sum(client.nthreads().values())
        for _ in range(max(2, IN_FLIGHT_PER_WORKER * threads)):
            submit()
        for fut in queue:
            task = running.pop(fut.key)
            futures.pop(fut.key)
            try:
                table = fut.result()
            except Exception as exc:
                raise EnsembleError(f"chunk {task[0]} failed on the Dask cluster: {exc}") from exc
            fut.release()
            submit()
            yield _checked(task, table)
    finally:
        with contextlib.suppress(Exception):
            if futures:
                client.cancel(list(futures.values()))


__all__ = [
    "DEFAULT_CHUNK",
    "EnsembleError",
    "Experiment",
    "ExperimentMismatch",
    "Job",
    "SchedulerError",
    "StoreError",
    "check_scheduler_address",
    "connect_scheduler",
    "default_workers",
    "run_experiment",
    "simulate_chunk",
]
