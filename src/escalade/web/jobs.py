"""The server's job queue: ensembles and drivers run in the background, first come first served.

A :class:`JobQueue` holds ``slots`` threads; each owns one :class:`escalade.executor.Executor`
whose worker processes are started (and warmed with one run) when the server starts, so a
job's first chunk comes back within a second. Jobs wait in one FIFO queue of at most
``max_queued``; a slot takes the oldest, runs it to the end, then takes the next, so at most
``slots`` jobs run at once whatever the number of clients, and memory stays bounded by the
chunk size and the slots.

An ensemble job is :func:`escalade.ensemble.run_experiment` into the server's store (the same
store as the command line's), in chunks that start small and double (:data:`FIRST_CHUNK_RUNS`,
:data:`CHUNK_GROWTH`) so that estimates arrive early and narrow as chunks finish, while the
job needs few chunks (a chunk's cost has a large fixed part). Cancelling a running job raises
:class:`Cancelled` from its chunk callback: the executor ends its workers (the slot starts and
warms new ones) and the experiment is left ``interrupted``, with every finished chunk, for
``escalade run --resume ID``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from escalade.analysis.briefing import drivers_total, experiment_drivers
from escalade.budget import DEFAULT_CHUNK
from escalade.ensemble import Job as ChunkJob
from escalade.ensemble import checked_scenario, experiment_scenario, run_experiment, simulate_chunk
from escalade.executor import Executor, available_cpus
from escalade.scenario.load import builtin_names, scenario_text
from escalade.store import Store, now_iso

FIRST_CHUNK_RUNS = 20
"""Runs in a job's first chunk, so that its first estimate comes within a second (a chunk
costs about the same below a few dozen runs: a fixed cost per simulated day); later chunks
grow by :data:`CHUNK_GROWTH` up to :func:`chunk_runs_for` runs (results do not depend on the
chunking)."""
CHUNK_GROWTH = 2
"""Each chunk of a job holds this many times the runs of the one before, until chunks hold
:func:`chunk_runs_for` runs: the estimate's interval narrows by about the square root of it
with each chunk, and a 10,000-run job takes 10 chunks, not 20 of 500 runs (a chunk's cost
grows much slower than its runs: docs/performance.md)."""
FULL_CHUNKS_PER_WORKER = 2
"""A job's largest chunks hold a ``1 / (FULL_CHUNKS_PER_WORKER x workers)`` share of its
runs, so that the workers share the last of them instead of one finishing alone."""
MIN_CHUNK_RUNS = 50
"""Fewest runs in a job's largest chunks (below it, the cost of a chunk outweighs its runs)."""
MAX_QUEUED = 100
"""Most jobs waiting at once; a client beyond it is told to retry later (HTTP 429)."""
KEEP_FINISHED = 200
"""Finished jobs remembered for polling; older ones are forgotten (their experiments stay)."""

Kind = Literal["ensemble", "drivers"]
Status = Literal["queued", "running", "complete", "cancelled", "failed"]


class Cancelled(Exception):
    """Raised from a chunk callback to stop a running job."""


class QueueFull(Exception):
    """The queue holds :data:`MAX_QUEUED` jobs already."""


@dataclass
class JobSpec:
    """What to run: an ensemble of a scenario (a built-in name or a file in the store), or
    the drivers of a stored experiment."""

    kind: Kind
    scenario: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    runs: int = 1000
    seed: int = 0
    days: int | None = None
    experiment: str | None = None
    label: str = ""


@dataclass
class Job:
    """A job's state as the API shows it."""

    id: str
    spec: JobSpec
    status: Status = "queued"
    done: int = 0
    total: int = 0
    experiment: str | None = None
    error: str = ""
    created: str = field(default_factory=now_iso)
    started: str | None = None
    finished: str | None = None
    result: Any = None
    manifest: dict[str, Any] | None = field(default=None, repr=False)
    """The experiment's manifest as it started (what its results are read with)."""
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)


def chunk_runs_for(runs: int, workers: int) -> int:
    """Runs in the largest chunks of a web job on ``workers`` workers: a share of the job (see
    :data:`FULL_CHUNKS_PER_WORKER`), at least :data:`MIN_CHUNK_RUNS` and at most
    :data:`escalade.budget.DEFAULT_CHUNK`."""
    share = math.ceil(runs / (FULL_CHUNKS_PER_WORKER * workers))
    return max(MIN_CHUNK_RUNS, min(DEFAULT_CHUNK, share))


def _warm(name: str, scenario_yaml: str, _: int) -> int:
    """In a worker: import and run the engine once, so a job's first chunk starts hot (the
    scenario parsed and cached under the name a job of this built-in gives it)."""
    job = ChunkJob(scenario_yaml, name, "{}", 0, 1)
    return simulate_chunk(job, 0, 1).num_rows


class JobQueue:
    """Bounded, fair (FIFO) background execution of jobs; see the module docstring."""

    def __init__(
        self,
        store: Store,
        slots: int = 1,
        workers: int | None = None,
        max_queued: int = MAX_QUEUED,
        warm: bool = True,
    ) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.store = store
        self.slots = slots
        self.workers = workers or max(1, available_cpus() // slots)
        self.max_queued = max_queued
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._executors = [Executor(self.workers) for _ in range(slots)]
        self._threads = [
            threading.Thread(target=self._serve, args=(ex,), name=f"escalade-job-{i}", daemon=True)
            for i, ex in enumerate(self._executors)
        ]
        self.running_peak = 0
        """The most jobs that ran at once (never more than ``slots``)."""
        self.ready = threading.Event()
        """Set once every slot's workers are started and warm, and the built-in scenarios
        validated in this process."""
        self._running = 0
        self._warmed = 0
        self._warm = warm
        self._to_warm = slots + (1 if warm else 0)  # every slot, and the built-ins' validation
        self._closing = threading.Event()

    # -- lifetime --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the slots (and warm their workers and the built-ins' validation)."""
        if self._warm:
            threading.Thread(target=self._warm_scenarios, name="escalade-warm", daemon=True).start()
        for t in self._threads:
            t.start()

    def close(self) -> None:
        """Cancel every job, stop the slots and their workers."""
        self._closing.set()
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            if t.is_alive():
                t.join(timeout=30)
        for t, ex in zip(self._threads, self._executors, strict=True):
            if t.is_alive():  # stuck past the wait: end its workers now (it closes them itself)
                ex.stop()

    # -- jobs ------------------------------------------------------------------------------
    def submit(self, spec: JobSpec) -> Job:
        """Queue a job; :class:`QueueFull` if :data:`MAX_QUEUED` are waiting already."""
        with self._lock:
            waiting = sum(j.status == "queued" for j in self._jobs.values())
            if waiting >= self.max_queued:
                raise QueueFull(
                    f"{waiting} jobs are waiting already (the limit is {self.max_queued}); "
                    "retry when some have finished"
                )
            job = Job(id=f"job-{next(self._ids)}", spec=spec)
            if spec.kind == "ensemble":
                job.total = spec.runs
            self._jobs[job.id] = job
            self._forget_old()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job:
        """The job ``job_id`` (KeyError with a message if there is none)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(
                f"no job '{job_id}' (finished jobs are forgotten after a while; "
                "their experiments stay in the store)"
            )
        return job

    def list(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def position(self, job: Job) -> int:
        """How many jobs wait before ``job`` (0 once it runs)."""
        if job.status != "queued":
            return 0
        with self._lock:
            ahead = [j for j in self._jobs.values() if j.status == "queued"]
        return next((i for i, j in enumerate(ahead) if j is job), 0)

    def cancel(self, job_id: str) -> Job:
        """Stop a job: a queued one never starts, a running one stops after its current chunk
        (its experiment keeps the finished chunks and can be resumed)."""
        job = self.get(job_id)
        job.cancel.set()
        if job.status == "queued":
            job.status = "cancelled"
            job.finished = now_iso()
        return job

    def _forget_old(self) -> None:
        ended = [j.id for j in self._jobs.values() if j.status not in ("queued", "running")]
        for job_id in ended[: max(0, len(ended) - KEEP_FINISHED)]:
            del self._jobs[job_id]

    # -- slots -----------------------------------------------------------------------------
    def _serve(self, executor: Executor) -> None:
        """A slot: warm its workers, then run jobs until told to stop; its workers end with it
        (even if it outlives :meth:`close`'s wait and started them again meanwhile)."""
        try:
            self._jobs_of_slot(executor)
        finally:
            executor.close()

    def _warm_scenarios(self) -> None:
        """Validate the built-ins as a job's request and its results will (cached), so the
        first job of one parses nothing."""
        with contextlib.suppress(Exception):  # a failed warm-up only costs time later
            for name in builtin_names():
                checked_scenario(name)
        self._warmed_one()

    def _warmed_one(self) -> None:
        with self._lock:
            self._warmed += 1
            if self._warmed == self._to_warm:
                self.ready.set()

    def _warm_workers(self, executor: Executor) -> None:
        """Start the slot's worker processes and run the engine once in each."""
        with contextlib.suppress(Exception):  # a failed warm-up only costs time later
            name = builtin_names()[0]
            warm = functools.partial(_warm, name, scenario_text(name))
            list(executor.map(warm, range(self.workers)))

    def _jobs_of_slot(self, executor: Executor) -> None:
        if self._warm:
            self._warm_workers(executor)
        self._warmed_one()
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancel.is_set():
                continue
            with self._lock:
                self._running += 1
                self.running_peak = max(self.running_peak, self._running)
            job.status, job.started = "running", now_iso()
            try:
                if job.spec.kind == "ensemble":
                    self._ensemble(job, executor)
                else:
                    self._drivers(job)
                job.status = "complete"
            except Cancelled:
                job.status = "cancelled"
            except Exception as exc:  # the job fails, the server goes on
                job.status, job.error = "failed", str(exc) or type(exc).__name__
            finally:
                job.finished = now_iso()
                with self._lock:
                    self._running -= 1
            if self._rewarm(executor):
                self._warm_workers(executor)

    def _rewarm(self, executor: Executor) -> bool:
        """Whether a cancel or a failure ended the slot's warm workers (the next job would
        start cold) while the server goes on."""
        alive = bool(executor.processes) or self.workers == 1
        return self._warm and not alive and not self._closing.is_set()

    def _tick(self, job: Job) -> Callable[[int], None]:
        def on_chunk(n: int) -> None:
            job.done += n
            if job.cancel.is_set():
                raise Cancelled(job.id)

        return on_chunk

    def _ensemble(self, job: Job, executor: Executor) -> None:
        spec = job.spec

        def on_start(manifest: dict[str, Any], done: int) -> None:
            job.experiment, job.done, job.total = manifest["id"], done, int(manifest["runs"])
            job.manifest = manifest

        run_experiment(
            spec.scenario,
            runs=spec.runs,
            seed=spec.seed,
            days=spec.days,
            overrides=spec.overrides or None,
            store=self.store,
            chunk_size=chunk_runs_for(spec.runs, self.workers),
            first_chunk_size=FIRST_CHUNK_RUNS,
            chunk_growth=CHUNK_GROWTH,
            executor=executor,
            on_start=on_start,
            on_chunk=self._tick(job),
        )

    def _drivers(self, job: Job) -> None:
        assert job.spec.experiment is not None
        m = self.store.manifest(job.spec.experiment)
        sc = experiment_scenario(m)
        job.experiment = m["id"]
        job.total = drivers_total(m, sc, job.spec.runs or None)
        found = experiment_drivers(m, sc, job.spec.runs or None, self._tick(job))
        job.result = [d.as_dict() for d in found]
        path = drivers_path(self.store, m["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(job.result), encoding="utf-8")


def web_dir(store: Store) -> Path:
    """The web app's own files inside the store (uploaded scenarios, drivers, games)."""
    return store.path / "web"


def drivers_path(store: Store, exp_id: str) -> Path:
    """Where the drivers measured for an experiment are kept."""
    return web_dir(store) / "drivers" / f"{exp_id}.json"


__all__ = [
    "CHUNK_GROWTH",
    "FIRST_CHUNK_RUNS",
    "FULL_CHUNKS_PER_WORKER",
    "MAX_QUEUED",
    "MIN_CHUNK_RUNS",
    "Cancelled",
    "Job",
    "JobQueue",
    "JobSpec",
    "QueueFull",
    "chunk_runs_for",
    "drivers_path",
    "web_dir",
]
