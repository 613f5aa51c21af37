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
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from escalade.budget import (
    DEFAULT_CHUNK,
    MAX_RUNS,
    MAX_SEED,
    bytes_per_run,
    chunk_size_for,
    default_memory,
    parse_memory,
    size_text,
)
from escalade.executor import (
    Executor,
    ExecutorError,
    SchedulerError,
    available_cpus,
    check_scheduler_address,
    connect_scheduler,
    report,
    worker_count,
)
from escalade.scenario.load import load_scenario, load_scenario_text, resolve_source
from escalade.scenario.schema import Scenario
from escalade.simulation import run_batch
from escalade.store import ChunkLayout, Store, StoreError, now_iso, sha256_text

DEFAULT_RUNS = 1000
DEFAULT_SEED = 0

OnStart = Callable[[dict[str, Any], int], None]
OnChunk = Callable[[int], None]
EnsembleError = ExecutorError
"""The computation failed (e.g. a worker process died); finished chunks are kept."""


class ExperimentMismatch(ValueError):
    """``--resume`` with a scenario or settings that differ from the experiment's."""


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


SCENARIOS_CACHED = 8
"""Validated scenarios kept per process (by text, name and overrides): a server's built-ins
and the lever settings of its latest jobs."""


@functools.lru_cache(maxsize=SCENARIOS_CACHED)
def _scenario(scenario_yaml: str, source: str, overrides_json: str) -> Scenario:
    return load_scenario_text(scenario_yaml, source, json.loads(overrides_json) or None)


@functools.lru_cache(maxsize=SCENARIOS_CACHED)
def _checked_scenario(scenario_yaml: str, path: str, source: str, overrides_json: str) -> Scenario:
    """A new experiment's scenario, validated from its file first for located errors; cached
    by the file's text, so a server starting many jobs of one scenario parses it once. It is
    the one its workers and :func:`experiment_scenario` use (named ``source``, as the
    manifest's ``scenario_source``)."""
    load_scenario(Path(path), json.loads(overrides_json) or None)
    return _scenario(scenario_yaml, source, overrides_json)


def checked_scenario(scenario: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """:func:`~escalade.scenario.load.load_scenario` (located errors), cached by the file's
    text and the overrides: a server that starts many jobs of one scenario parses it once."""
    path = resolve_source(scenario)
    text = path.read_text(encoding="utf-8")
    ov = _overrides_json(normalise_overrides(overrides))
    return _checked_scenario(text, str(path), str(scenario), ov)


def _scenario_key(manifest: dict[str, Any]) -> tuple[str, str, str]:
    """An experiment's scenario as workers receive it: its stored text, name, overrides."""
    source = str(manifest.get("scenario_source") or manifest["scenario_name"])
    return manifest["scenario_yaml"], source, _overrides_json(manifest["overrides"] or {})


def experiment_scenario(manifest: dict[str, Any]) -> Scenario:
    """The scenario a stored experiment was simulated from (its stored copy of the file and
    its overrides), cached by that text: the one its workers used, parsed once per process
    (a server showing an experiment's results as its chunks land)."""
    return _scenario(*_scenario_key(manifest))


def simulate_chunk(job: Job, start: int, stop: int) -> pa.Table:
    """Outcomes of runs ``start .. stop - 1`` (runs in a worker; the scenario is cached). Its
    progress is reported as run-days (:func:`escalade.executor.report`): the chunk's runs each
    day, and what is left of ``runs x days`` when its runs end before the horizon."""
    sc = _scenario(job.scenario_yaml, job.source, job.overrides_json)
    runs, sent = stop - start, 0

    def day_done(day: int, state: object) -> None:
        nonlocal sent
        report(runs)
        sent += runs

    ids = np.arange(start, stop, dtype=np.int64)
    outcomes = run_batch(sc, job.seed, ids, job.days, observe=day_done).outcomes
    report(runs * job.days - sent)
    return outcomes


def default_workers() -> int:
    """Local worker processes by default: the CPUs this process may use."""
    return available_cpus()


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
    memory: int | None = None,
    on_start: OnStart | None = None,
    on_chunk: OnChunk | None = None,
    on_progress: OnChunk | None = None,
    tags: dict[str, Any] | None = None,
    executor: Executor | None = None,
    first_chunk_size: int | None = None,
    chunk_growth: int | None = None,
) -> Experiment:
    """Simulate an ensemble into the store, or finish an interrupted one (``resume=ID``).

    ``scenario`` is a YAML file or a built-in name. ``workers`` local processes (default: the
    CPU count; 1 runs in this process) or a Dask ``scheduler`` ("tcp://host:port") compute the
    chunks (:class:`escalade.executor.Executor`). Without ``chunk_size`` a chunk holds as many
    runs (at most :data:`DEFAULT_CHUNK`) as fit ``memory`` bytes (default
    :func:`default_memory`) with every local worker busy. ``on_start(manifest,
    runs_already_done)`` is called once the experiment has its id, ``on_chunk(n)`` after each
    chunk written, ``on_progress(runs)`` with the runs done so far, those done before a resume
    included, counting the chunks still computing by the days they have simulated (every
    :data:`escalade.executor.PROGRESS_S` from local workers; not from a Dask cluster, whose
    chunks count when written). A resumed experiment refuses a scenario or setting that
    differs from the one it was started with. On KeyboardInterrupt or a failure the
    experiment is marked ``interrupted`` and keeps every finished chunk; an exception raised by
    ``on_chunk`` stops the experiment the same way (how a server cancels one). Planning is
    lazy: neither time nor memory before the first chunk grows with ``runs`` (at most
    :data:`MAX_RUNS`). ``tags``: more manifest fields of a new experiment (``kind="arm"`` and
    its ``parent``, for a compare).

    ``first_chunk_size``: runs in a new experiment's first chunk when fewer than a chunk's
    (later chunks hold ``chunk_size``), so that a first estimate comes early (the web app);
    with ``chunk_growth`` (at least 2), each next chunk holds that many times the runs of the
    one before until a chunk holds ``chunk_size`` (estimates that narrow steadily, at little
    cost in chunks: :class:`escalade.store.ChunkLayout`). Results do not depend on either.

    ``executor``: one the caller owns and keeps open between experiments (a server's warm
    workers); ``workers`` and ``scheduler`` are then ignored, and a failure stops its workers
    (the next experiment starts new ones) but leaves it open.
    """
    st = store if isinstance(store, Store) else Store(store)
    for name, value in (
        ("runs", runs),
        ("chunk_size", chunk_size),
        ("first_chunk_size", first_chunk_size),
        ("workers", workers),
        ("memory", memory),
    ):
        if value is not None and value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    if runs is not None and runs > MAX_RUNS:
        raise ValueError(f"runs must be at most {MAX_RUNS:,} (10^12), got {runs:,}")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED} (2^63 - 1), got {seed}")
    if days is not None and days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if chunk_growth is not None and chunk_growth < 2:
        raise ValueError(f"chunk_growth must be at least 2, got {chunk_growth}")
    owned = executor is None
    if executor is None:
        executor = Executor(workers, scheduler)  # checks the address
    else:
        workers, scheduler = executor.workers, executor.scheduler

    if resume is not None:
        exp_id, manifest, sc = _prepare_resume(
            st, resume, scenario, runs, seed, days, overrides, chunk_size
        )
    else:
        if scenario is None:
            raise ValueError("give a scenario (a file or a built-in name), or resume an experiment")
        path = resolve_source(scenario)
        text = path.read_text(encoding="utf-8")
        ov = normalise_overrides(overrides)
        count = DEFAULT_RUNS if runs is None else runs
        if owned:  # the workers start (and parse the scenario) while it is validated here
            key = (text, str(scenario), _overrides_json(ov))
            executor.prime(functools.partial(_warm_scenario, *key), count)
        try:
            fields, sc = _prepare_new(
                scenario, path, text, ov, count, DEFAULT_SEED if seed is None else seed, days
            )
            fields.update(tags or {})
            if scheduler:
                executor.connect()  # how many workers the cluster has sets how runs are shared
            fields["chunk_size"] = _chunk_size(
                sc,
                fields["days"],
                chunk_size,
                memory,
                1 if scheduler else worker_count(workers),
                fields["runs"],
                executor.slots,
            )
        except BaseException:
            if owned:  # the primed workers: a bad scenario or setting is reported at once
                executor.stop()
            raise
        if first_chunk_size is not None and first_chunk_size < fields["chunk_size"]:
            fields["first_chunk"] = first_chunk_size
            fields["chunk_growth"] = chunk_growth
        exp_id, manifest = "", fields
    total = ChunkLayout.of(manifest).count
    complete = bool(exp_id) and manifest["status"] == "complete"
    try:
        # Reach the cluster before registering anything: a bad address leaves no trace.
        if not complete:
            executor.connect()
        if exp_id:
            with st.running(exp_id):
                _resume(st, exp_id, manifest, total, executor, on_start, on_chunk, on_progress)
        else:  # the first chunks start while the experiment is registered (it has none yet)
            results = _start(executor, fields, total, set(), 0, on_progress)
            exp_id = st.create(fields)
            with st.running(exp_id):  # its manifest read under the lock: "running"
                _write(st, exp_id, st.manifest(exp_id), total, results, 0, on_start, on_chunk)
    except BaseException:
        executor.stop()
        raise
    finally:
        if owned:
            executor.close()
    return Experiment(exp_id, st, st.manifest(exp_id), sc)


def _chunk_size(
    sc: Scenario,
    days: int,
    chunk_size: int | None,
    memory: int | None,
    workers: int,
    runs: int,
    slots: int,
) -> int:
    """The chunk size given, if one per worker fits the budget; else the largest that fits
    and keeps every one of the ``slots`` that compute chunks busy (:func:`chunk_size_for`)."""
    budget = default_memory() if memory is None else memory
    if chunk_size is None:
        return chunk_size_for(sc, budget, workers, days, runs, slots)
    per_run = bytes_per_run(sc, days)
    need = chunk_size * workers * per_run
    if need > budget:
        named = (
            f"--memory {size_text(budget)}"
            if memory is not None
            else (f"the default budget ({size_text(budget)}, half of this machine; see --memory)")
        )
        raise ValueError(
            f"--chunk-size {chunk_size:,} needs about {size_text(need)} for {workers} "
            f"workers, more than {named}; at most {max(0, budget // (workers * per_run)):,} fit"
        )
    return chunk_size


def _start(
    executor: Executor,
    manifest: dict[str, Any],
    total: int,
    done: set[int],
    done_runs: int,
    on_progress: OnChunk | None,
) -> Generator[tuple[Task, pa.Table], None, None]:
    """Hand the chunks not yet done to the executor; its local workers start on the first ones
    at once (see :meth:`escalade.executor.Executor.map`), as the results are read later. The
    run-days they report become ``on_progress(done_runs + runs)``."""
    days = int(manifest["days"])
    job = Job(*_scenario_key(manifest), seed=int(manifest["seed"]), days=days)
    tasks = _pending(manifest, total, done)
    heard = None if on_progress is None else (lambda units: on_progress(done_runs + units // days))
    return executor.map(functools.partial(_simulate_task, job), tasks, total - len(done), heard)


def _resume(
    st: Store,
    exp_id: str,
    manifest: dict[str, Any],
    total: int,
    executor: Executor,
    on_start: OnStart | None,
    on_chunk: OnChunk | None,
    on_progress: OnChunk | None,
) -> None:
    """Simulate the chunks of a stored experiment that are not in the store yet."""
    done = st.done_chunks(exp_id)
    if manifest["status"] == "complete" and len(done) == total:
        if on_start is not None:
            on_start(manifest, manifest["runs"])
        return
    if manifest["status"] != "running":
        st.clean_partial(exp_id)
        st.update(exp_id, status="running", finished=None)
        manifest = st.manifest(exp_id)
    done_runs = ChunkLayout.of(manifest).runs_in(done)
    results = _start(executor, manifest, total, done, done_runs, on_progress)
    _write(st, exp_id, manifest, total, results, done_runs, on_start, on_chunk)


def _write(
    st: Store,
    exp_id: str,
    manifest: dict[str, Any],
    total: int,
    results: Generator[tuple[Task, pa.Table], None, None],
    done_runs: int,
    on_start: OnStart | None,
    on_chunk: OnChunk | None,
) -> None:
    """Write each chunk as it finishes; then mark the experiment complete (or interrupted)."""
    if on_start is not None:
        on_start(manifest, done_runs)
    try:
        with contextlib.closing(results):  # leaving early ends the workers at once
            for task, table in results:
                index, table = _checked(task, table)
                st.write_chunk(exp_id, index, table)
                if on_chunk is not None:
                    on_chunk(table.num_rows)
        written = st.done_chunks(exp_id)
        if len(written) != total or (written and max(written) >= total):  # pragma: no cover
            raise EnsembleError(f"{total - len(written)} chunks were not written")
    except BaseException:
        with contextlib.suppress(Exception):
            st.update(exp_id, status="interrupted", finished=now_iso())
        raise
    st.update(exp_id, status="complete", finished=now_iso())


def _prepare_new(
    scenario: str | Path,
    path: Path,
    text: str,
    ov: dict[str, Any],
    runs: int,
    seed: int,
    days: int | None,
) -> tuple[dict[str, Any], Scenario]:
    """The manifest fields of a new experiment, once its scenario (the file at ``path``, its
    ``text``, the overrides ``ov``) validates."""
    sc = _checked_scenario(text, str(path), str(scenario), _overrides_json(ov))
    fields = {
        "scenario_name": sc.name,
        "scenario_yaml": text,
        "scenario_source": str(scenario),
        "seed": seed,
        "overrides": ov,
        "runs": runs,
        "days": sc.horizon_days if days is None else days,
    }
    return fields, sc


def _warm_scenario(scenario_yaml: str, source: str, overrides_json: str) -> None:
    """In a worker: the scenario parsed into its cache (:func:`_scenario`); a problem is left
    to the experiment's own validation to report."""
    with contextlib.suppress(Exception):
        _scenario(scenario_yaml, source, overrides_json)


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
    return exp_id, m, experiment_scenario(m)


# -- where chunks are computed -------------------------------------------------------------
Task = tuple[int, int, int]
"""(chunk index, first run, stop run)."""


def _pending(manifest: dict[str, Any], total: int, done: set[int]) -> Iterator[Task]:
    """The chunks still to compute, lazily: planning costs nothing per run or per chunk."""
    layout = ChunkLayout.of(manifest)
    return ((i, *layout.bounds(i)) for i in range(total) if i not in done)


def _simulate_task(job: Job, task: Task) -> pa.Table:
    return simulate_chunk(job, task[1], task[2])


def _checked(task: Task, table: pa.Table) -> tuple[int, pa.Table]:
    index, start, stop = task
    runs = table.column("run")
    if table.num_rows != stop - start or runs[0].as_py() != start or runs[-1].as_py() != stop - 1:
        raise EnsembleError(f"chunk {index} came back with the wrong runs")
    return index, table


__all__ = [
    "DEFAULT_CHUNK",
    "MAX_RUNS",
    "MAX_SEED",
    "EnsembleError",
    "Experiment",
    "ExperimentMismatch",
    "Job",
    "SchedulerError",
    "StoreError",
    "bytes_per_run",
    "check_scheduler_address",
    "checked_scenario",
    "chunk_size_for",
    "connect_scheduler",
    "default_memory",
    "default_workers",
    "experiment_scenario",
    "parse_memory",
    "run_experiment",
    "simulate_chunk",
]
