"""One executor: chunks of work in this process, in local processes or on a Dask cluster.

Every command that does a lot of work (``run``, ``sweep``, ``hindcast``, ``calibrate``) hands it
to an :class:`Executor` as a function and a lazy stream of work items. One rule decides where the
items run and one behaviour answers Ctrl-C (decision 0006):

* **Where.** ``scheduler="tcp://HOST:PORT"``: the Dask cluster there (checked before any work:
  reachable, a Dask scheduler, at least one worker running this version of escalade).
  Otherwise ``workers`` local processes; ``None`` means the CPUs this process may use
  (:func:`available_cpus`), never more than there are items, and 1 runs in this process.
* **How much at once.** Items are drawn from the stream only as workers free up (at most
  :data:`IN_FLIGHT_PER_WORKER` per worker), so neither planning nor memory grows with the
  number of items; local workers start on the first ones as soon as ``map`` is called.
* **Ctrl-C.** Workers ignore SIGINT (it is the parent's) and exit on their own if the parent is
  killed. In the parent, ``KeyboardInterrupt`` (or any failure, or the caller leaving the loop
  early) ends the workers at once and drops queued items; the exception then reaches the
  caller, which keeps what it has (``run`` marks its experiment interrupted, resumable).

Results do not depend on the executor: every item's random numbers are keyed by seed and run
id, so the order in which items finish changes nothing but the order they are reported in.

>>> from functools import partial
>>> with Executor(workers=1) as ex:
...     [r for _, r in ex.map(partial(pow, 2), range(4))]
[1, 2, 4, 8]
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 2
"""Items queued per worker: enough to keep it busy, few enough to bound memory."""
CONNECT_TIMEOUT_S = 10.0
"""How long to try to reach a Dask scheduler."""
PROBE_S = 5.0
"""How long a Dask scheduler may take to send its first bytes on a new connection."""
WORKER_WAIT_S = 30.0
"""How long to wait for a Dask scheduler to have at least one worker."""
PROGRESS_S = 0.5
"""How often a caller waiting for local workers hears how far their items have got."""

_report: Callable[[int], None] | None = None
"""Where :func:`report` adds work done: a local pool worker's shared counter, or the caller's
progress while an item runs in its own process; None elsewhere (a Dask worker)."""


_retired: list[tuple[list[multiprocessing.process.BaseProcess], Any]] = []
"""Pools ended without waiting (:meth:`Executor.close`): their processes and shared counter,
kept until the processes have exited (a worker still starting reads the counter's semaphore,
which would be gone if the counter were freed first)."""


def _retire(processes: list[multiprocessing.process.BaseProcess], counter: Any) -> None:
    _retired[:] = [(ps, c) for ps, c in _retired if any(p.is_alive() for p in ps)]
    _retired.append((processes, counter))


def report(amount: int) -> None:
    """Called by an item's function as it works: ``amount`` more units of work done, for the
    caller's progress within an item (:meth:`Executor.map`'s ``on_progress``). Costs nothing
    and does nothing where nobody listens."""
    if _report is not None:
        _report(amount)


class ExecutorError(RuntimeError):
    """The computation failed (a worker process died, a task failed on the cluster)."""


class SchedulerError(ValueError):
    """The Dask scheduler address is malformed, unreachable, or has no usable workers."""


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def worker_count(workers: int | None, items: int | None = None) -> int:
    """The one rule for local workers: ``None`` is :func:`available_cpus`; never more than
    ``items`` (when known); at least 1. A count below 1 is refused."""
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    n = available_cpus() if workers is None else workers
    if items is not None:
        n = min(n, max(1, items))
    return n


class Executor:
    """Runs ``fn(item)`` for a stream of items; see the module docstring for the rules.

    Use as a context manager: a local pool (or a Dask client) opened by one :meth:`map` is kept
    for the next, so a calibration's many evaluations start their workers once.
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        if scheduler is not None:
            check_scheduler_address(scheduler)
        self.workers = None if scheduler is not None else worker_count(workers)
        self.scheduler = scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0
        self._done: Any = None  # the pool's shared count of the work its workers report
        self._client: Any = None

    # -- lifetime --------------------------------------------------------------------------
    def __enter__(self) -> Executor:
        self.connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.stop()
        self.close()

    def connect(self) -> None:
        """Reach the Dask cluster now (a bad address fails here, before any work)."""
        if self.scheduler is not None and self._client is None:
            self._client = connect_scheduler(self.scheduler)

    def stop(self) -> None:
        """End local workers now (Ctrl-C, a failure): queued and running items are dropped."""
        self._stop_pool()

    def close(self) -> None:
        """End a local pool once its work is done, without waiting for its processes to exit
        (a worker frees its memory as it exits, about 0.3 s for a large chunk's, while the
        caller reads and summarises the results; the interpreter joins them at exit); close
        the Dask client."""
        processes = self.processes
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            _retire(processes, self._done)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close(timeout=10)
            self._client = None

    @property
    def processes(self) -> list[multiprocessing.process.BaseProcess]:
        """The local worker processes started so far and not yet ended (none in this process or
        on a Dask cluster): for watching their memory, or checking that they end."""
        pool = self._pool
        # Python < 3.14 has no public list of a pool's processes; the executor keeps them here.
        procs = list((getattr(pool, "_processes", None) or {}).values()) if pool else []
        return [p for p in procs if p.is_alive()]

    @property
    def slots(self) -> int:
        """How many items run at once: the local workers, or the Dask cluster's worker threads
        (:meth:`connect` first)."""
        if self.scheduler is None:
            return worker_count(self.workers)
        if self._client is None:
            return 1
        workers = self._client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    @property
    def where(self) -> str:
        """In words, for messages: "this process", "2 local processes", the cluster."""
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        return "this process" if self.workers == 1 else f"{self.workers} local processes"

    # -- work ------------------------------------------------------------------------------
    def prime(self, fn: Callable[[], object], items: int) -> None:
        """Start the local workers that ``items`` items will use now, each running ``fn``
        (imports, caches) while the caller prepares the items; nothing on one worker or a
        Dask cluster. What ``fn`` returns or raises is dropped."""
        n = worker_count(self.workers, items)
        if self.scheduler is not None or n <= 1:
            return
        pool = self._local_pool(n)
        for _ in range(n):
            pool.submit(fn)

    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        size: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> Generator[tuple[T, R], None, None]:
        """``(item, fn(item))`` for every item, as each finishes (in order in this process).

        ``items`` is read lazily; ``size`` (if known) caps the number of local workers started.
        Local workers start on the first items when ``map`` is called, so the caller may do
        other work (register an experiment) before it reads the first result.
        ``fn`` and the items must pickle for processes or Dask (a module-level function, or a
        :func:`functools.partial` of one).

        ``on_progress(units)``: the work the items of this map have reported so far
        (:func:`report`), heard while the caller waits for local workers (every
        :data:`PROGRESS_S`) or as an item runs in this process; never from a Dask cluster.
        """
        if self.scheduler is not None:
            self.connect()
            return self._dask(fn, items)
        n = worker_count(self.workers, size)
        if n <= 1:
            return self._here(fn, items, on_progress)
        return self._local(fn, items, n, on_progress)

    @staticmethod
    def _here(
        fn: Callable[[T], R], items: Iterable[T], on_progress: Callable[[int], None] | None
    ) -> Generator[tuple[T, R], None, None]:
        global _report
        done = 0

        def add(amount: int) -> None:
            nonlocal done
            done += amount
            if on_progress is not None:
                on_progress(done)

        for item in items:
            outer, _report = _report, add
            try:
                result = fn(item)
            finally:
                _report = outer
            yield item, result

    def _local_pool(self, n: int) -> ProcessPoolExecutor:
        if self._pool is not None and self._pool_size < n:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._done = context.Value("q", 0)
            self._pool = ProcessPoolExecutor(
                max_workers=n,
                mp_context=context,
                initializer=_worker_init,
                initargs=(os.getpid(), self._done),
            )
            self._pool_size = n
        return self._pool

    def _local(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        n: int,
        on_progress: Callable[[int], None] | None = None,
    ) -> Generator[tuple[T, R], None, None]:
        """Submit the first items now (the workers start on them at once); the generator
        returned submits the others as results are read."""
        pool = self._local_pool(n)
        counter = self._done  # this pool's: the count its items report from now on
        start = counter.value
        todo = iter(items)
        running: dict[Future[R], tuple[int, T]] = {}
        order = itertools.count()

        def submit() -> None:
            for item in todo:
                running[pool.submit(fn, item)] = (next(order), item)
                return

        try:
            for _ in range(IN_FLIGHT_PER_WORKER * n):
                submit()
        except BaseException:
            self._stop_pool()
            raise
        progress = None if on_progress is None else (lambda: on_progress(counter.value - start))
        return self._local_results(running, submit, progress)

    def _local_results(
        self,
        running: dict[Future[R], tuple[int, T]],
        submit: Callable[[], None],
        progress: Callable[[], None] | None,
    ) -> Generator[tuple[T, R], None, None]:
        finished = False
        timeout = None if progress is None else PROGRESS_S
        try:
            while running:
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                if progress is not None:
                    progress()
                for fut in sorted(done, key=lambda f: running[f][0]):
                    _, item = running.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        raise ExecutorError(
                            "a worker process died (out of memory? try a smaller --chunk-size "
                            "or --memory)"
                        ) from None
                    submit()
                    yield item, result
            finished = True
        finally:
            if not finished:
                self._stop_pool()

    def _stop_pool(self) -> None:
        """Stop now: drop queued items and end the workers (their items are lost)."""
        processes = self.processes  # Python < 3.14 has no public way to end busy workers
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)
                if proc.is_alive():  # deaf to SIGTERM (or not yet reaped): SIGKILL cannot wait
                    proc.kill()
                    proc.join(timeout=5)

    def _dask(self, fn: Callable[[T], R], items: Iterable[T]) -> Generator[tuple[T, R], None, None]:
        from distributed import as_completed

        client = self._client
        todo = iter(items)
        running: dict[str, T] = {}
        futures: dict[str, Any] = {}
        queue = as_completed(loop=client.loop)

        def submit() -> None:
            for item in todo:
                fut = client.submit(fn, item, pure=False)
                running[fut.key] = item
                futures[fut.key] = fut
                queue.add(fut)
                return

        try:
            threads = sum(client.nthreads().values())
            for _ in range(max(2, IN_FLIGHT_PER_WORKER * threads)):
                submit()
            for fut in queue:
                item = running.pop(fut.key)
                futures.pop(fut.key)
                try:
                    result = fut.result()
                except Exception as exc:
                    raise ExecutorError(f"a task failed on the Dask cluster: {exc}") from exc
                fut.release()
                submit()
                yield item, result
        finally:
            with contextlib.suppress(Exception):
                if futures:
                    client.cancel(list(futures.values()))


def _worker_init(parent: int, done: Any) -> None:
    """In a pool worker: leave Ctrl-C to the parent, exit if the parent is killed, and add the
    work its items :func:`report` to the pool's shared counter ``done``."""
    global _report
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def add(amount: int) -> None:
        with done.get_lock():
            done.value += amount

    _report = add

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="escalade-parent-watch", daemon=True).start()


# -- Dask ----------------------------------------------------------------------------------
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


__all__ = [
    "IN_FLIGHT_PER_WORKER",
    "PROGRESS_S",
    "Executor",
    "ExecutorError",
    "SchedulerError",
    "available_cpus",
    "check_scheduler_address",
    "connect_scheduler",
    "report",
    "worker_count",
]
