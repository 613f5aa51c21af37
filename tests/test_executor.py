"""The one executor: the worker-count rule, lazy streams, Ctrl-C and dead workers, and a real
Dask LocalCluster giving what local processes give."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import time
from functools import partial

import psutil
import pytest

from escalade.executor import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    ExecutorError,
    SchedulerError,
    available_cpus,
    worker_count,
)


def test_one_rule_for_worker_counts() -> None:
    assert worker_count(None) == available_cpus() >= 1
    assert worker_count(None, items=1) == 1  # never more workers than items
    assert worker_count(3, items=2) == 2
    assert worker_count(3) == 3
    assert worker_count(2, items=0) == 1
    with pytest.raises(ValueError, match="workers must be at least 1, got 0"):
        worker_count(0)


def test_in_this_process_items_come_back_in_order() -> None:
    with Executor(workers=1) as ex:
        assert ex.where == "this process"
        assert list(ex.map(partial(pow, 2), range(5))) == [(i, 2**i) for i in range(5)]


def exited(worker: multiprocessing.process.BaseProcess) -> bool:
    """The worker process has exited: its process is gone or a zombie. Asked of the system,
    not of the ``Process`` object: a thread of this process that reaps every child (an asyncio
    child watcher, under pytest-xdist a web test's server) leaves the object ``alive`` forever."""
    if worker.pid is None:
        return True
    worker.join(timeout=0)  # reap it if it is ours to reap
    try:
        return psutil.Process(worker.pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def all_ended(workers: list[multiprocessing.process.BaseProcess]) -> bool:
    """Every one of ``workers`` has exited. Only the executor's own workers are watched: under
    pytest-xdist, other threads of this process (a web app's job slots) may start children of
    their own meanwhile."""
    deadline = time.monotonic() + 60  # ending a busy pool's workers is not instant
    while not all(exited(p) for p in workers):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_local_processes_give_the_same_results_and_draw_items_lazily() -> None:
    drawn: list[int] = []

    def items() -> itertools.count[int]:
        for i in itertools.count():  # endless: only what the workers can take is drawn
            drawn.append(i)
            yield i

    with Executor(workers=2) as ex:
        assert ex.where == "2 local processes"
        got = dict(ex.map(math.factorial, range(12), size=12))
        assert got == {i: math.factorial(i) for i in range(12)}
        workers = ex.processes
        assert 1 <= len(workers) <= 2
        results = ex.map(abs, items())
        first = [next(results) for _ in range(5)]
        results.close()
    assert sorted(r for _, r in first) == sorted(i for i, _ in first)
    assert len(drawn) <= 5 + IN_FLIGHT_PER_WORKER * 2
    assert all_ended(workers)
    assert ex.processes == []


def test_workers_primed_before_the_items_are_the_ones_that_compute_them() -> None:
    """``prime`` starts the workers (each running a warm-up) while the caller prepares its
    items; ``map`` then uses those same processes. One item needs no worker at all."""
    with Executor(workers=2) as ex:
        ex.prime(partial(abs, -1), items=1)
        assert ex.processes == []
        ex.prime(partial(abs, -1), items=10)
        primed = {p.pid for p in ex.processes}
        assert len(primed) == 2
        assert dict(ex.map(abs, range(-4, 0), size=4)) == {-4: 4, -3: 3, -2: 2, -1: 1}
        assert {p.pid for p in ex.processes} == primed


def test_ctrl_c_in_the_caller_ends_the_workers_at_once() -> None:
    workers: list[multiprocessing.process.BaseProcess] = []
    with pytest.raises(KeyboardInterrupt), Executor(workers=2) as ex:
        for _ in ex.map(abs, range(10_000)):
            workers = ex.processes
            raise KeyboardInterrupt
    assert workers, "the pool had started its workers"
    assert all_ended(workers)


def test_a_worker_that_dies_is_reported_not_hung_on() -> None:
    with pytest.raises(ExecutorError, match="a worker process died"), Executor(workers=2) as ex:
        assert dict(ex.map(abs, [-1, -2])) == {-1: 1, -2: 2}  # the pool, kept for the next map
        workers = ex.processes
        list(ex.map(os._exit, [3, 3, 3]))
    assert workers
    assert all_ended(workers)


def test_a_malformed_scheduler_is_refused_before_any_work() -> None:
    with pytest.raises(SchedulerError, match="expects tcp://HOST:PORT"):
        Executor(scheduler="localhost:8786")


@pytest.mark.slow
def test_a_dask_local_cluster_gives_what_local_processes_give() -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        with Executor(scheduler=cluster.scheduler_address) as ex:
            assert ex.where.startswith("the Dask cluster at tcp://")
            on_dask = dict(ex.map(math.factorial, range(30)))
            assert ex.workers is None
        with Executor(workers=2) as ex:
            local = dict(ex.map(math.factorial, range(30)))
    assert on_dask == local == {i: math.factorial(i) for i in range(30)}
