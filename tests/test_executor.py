"""The one executor: the worker-count rule, lazy streams, Ctrl-C and dead workers, and a real
Dask LocalCluster giving what local processes give."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
from functools import partial

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


def no_worker_left(before: set[multiprocessing.process.BaseProcess]) -> bool:
    """Every child process started since ``before`` has ended (each joined: a terminated worker
    takes a moment to be reaped; children of earlier tests are not counted)."""
    for _ in range(300):  # up to 30 s: ending a busy pool's workers is not instant
        ours = set(multiprocessing.active_children()) - before
        if not ours:
            return True
        for child in ours:
            child.join(timeout=0.1)
    return False


def test_local_processes_give_the_same_results_and_draw_items_lazily() -> None:
    before = set(multiprocessing.active_children())
    drawn: list[int] = []

    def items() -> itertools.count[int]:
        for i in itertools.count():  # endless: only what the workers can take is drawn
            drawn.append(i)
            yield i

    with Executor(workers=2) as ex:
        assert ex.where == "2 local processes"
        got = dict(ex.map(math.factorial, range(12), size=12))
        assert got == {i: math.factorial(i) for i in range(12)}
        results = ex.map(abs, items())
        first = [next(results) for _ in range(5)]
        results.close()
    assert sorted(r for _, r in first) == sorted(i for i, _ in first)
    assert len(drawn) <= 5 + IN_FLIGHT_PER_WORKER * 2
    assert no_worker_left(before)


def test_ctrl_c_in_the_caller_ends_the_workers_at_once() -> None:
    before = set(multiprocessing.active_children())
    with pytest.raises(KeyboardInterrupt), Executor(workers=2) as ex:
        for _ in ex.map(abs, range(10_000)):
            raise KeyboardInterrupt
    assert no_worker_left(before)


def test_a_worker_that_dies_is_reported_not_hung_on() -> None:
    before = set(multiprocessing.active_children())
    with pytest.raises(ExecutorError, match="a worker process died"), Executor(workers=2) as ex:
        list(ex.map(os._exit, [3, 3, 3]))
    assert no_worker_left(before)


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
