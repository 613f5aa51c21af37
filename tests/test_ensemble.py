"""Experiments: chunking, local processes and a real Dask cluster give the same rows as one
in-process batch; interrupted experiments resume without losing or repeating a chunk."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from escalade.api import simulate
from escalade.ensemble import (
    ExperimentMismatch,
    SchedulerError,
    run_experiment,
)
from escalade.executor import Executor
from escalade.scenario.load import load_scenario
from escalade.store import Store, StoreError

FIXTURE = Path(__file__).parent / "fixtures" / "duel.yaml"
BIN = Path(sys.executable).parent


def reference(runs: int, seed: int) -> list[dict[str, object]]:
    """The rows of one in-process batch (the engine alone, no store)."""
    return simulate(FIXTURE, runs=runs, seed=seed, chunk_size=runs).outcomes.to_pylist()


@pytest.mark.parametrize(("chunk", "runs"), [(7, 140), (100, 700), (1000, 2100)])
def test_any_chunk_size_gives_the_rows_of_one_batch(tmp_path: Path, chunk: int, runs: int) -> None:
    ticks: list[int] = []
    exp = run_experiment(
        FIXTURE,
        runs=runs,
        seed=11,
        chunk_size=chunk,
        workers=1,
        store=tmp_path,
        on_chunk=ticks.append,
    )
    assert exp.outcomes().to_pylist() == reference(runs, 11)
    assert Store(tmp_path).done_chunks(exp.id) == set(range(-(-runs // chunk)))
    assert sum(ticks) == runs
    m = exp.manifest
    assert (m["status"], m["runs"], m["chunk_size"], m["seed"]) == ("complete", runs, chunk, 11)
    assert m["finished"] is not None and m["finished"] >= m["started"]


@pytest.mark.parametrize(("growth", "chunks"), [(None, 8), (2, 10)])
def test_a_small_first_chunk_gives_the_rows_of_one_batch_and_resumes(
    tmp_path: Path, growth: int | None, chunks: int
) -> None:
    # Chunk 0 holds 13 runs, the others 100 (or 26, 52, then 100: growing chunks): 8 (10)
    # chunks for 713 runs, the rows of one batch; an experiment interrupted after its first
    # chunk resumes with the same layout.
    ticks: list[int] = []

    def stop_after_first(n: int) -> None:
        ticks.append(n)
        if len(ticks) == 1:
            raise KeyboardInterrupt

    settings = {"runs": 713, "seed": 4, "chunk_size": 100, "workers": 1, "store": tmp_path}
    with pytest.raises(KeyboardInterrupt):
        run_experiment(
            FIXTURE,
            first_chunk_size=13,
            chunk_growth=growth,
            on_chunk=stop_after_first,
            **settings,
        )
    (exp_id,) = [m["id"] for m in Store(tmp_path).list()]
    assert Store(tmp_path).done_chunks(exp_id) == {0}
    exp = run_experiment(resume=exp_id, store=tmp_path, workers=1, on_chunk=ticks.append)
    assert ticks[0] == 13 and sum(ticks) == 713 and len(ticks) == chunks
    assert (exp.manifest["first_chunk"], exp.manifest["chunk_growth"]) == (13, growth)
    assert exp.outcomes().to_pylist() == reference(713, 4)
    verdict = Store(tmp_path).verify(exp_id)
    assert verdict.good == frozenset(range(chunks)) and not verdict.problems


def test_progress_within_a_chunk_counts_its_runs_by_the_days_simulated(tmp_path: Path) -> None:
    # In this process every simulated day is heard: 2 chunks of 300 runs over 10 days move
    # the count 30 runs a day, up to the runs of the chunks before plus the whole chunk
    # (a chunk whose runs all end early reports the days it skipped at its end).
    heard: list[int] = []
    settings = {"runs": 600, "seed": 5, "chunk_size": 300, "overrides": {"horizon_days": 10}}
    exp = run_experiment(  # type: ignore[arg-type]
        FIXTURE, workers=1, store=tmp_path, on_progress=heard.append, **settings
    )
    assert heard == sorted(heard) and heard[-1] == 600
    assert {30, 60, 270, 330, 570} <= set(heard)  # within each chunk, not only at its end
    assert exp.manifest["status"] == "complete"


def test_local_workers_report_their_progress_through_the_pool(tmp_path: Path) -> None:
    # From 2 processes the parent hears the workers' shared count each time it wakes: at
    # least when each chunk comes back, by then counted in full. 8 chunks, 4 in flight: the
    # last 4 start only once the parent has read results, so it hears a count short of all.
    heard: list[int] = []
    settings = {"runs": 1200, "seed": 5, "chunk_size": 150, "overrides": {"horizon_days": 12}}
    run_experiment(  # type: ignore[arg-type]
        FIXTURE, workers=2, store=tmp_path, on_progress=heard.append, **settings
    )
    assert heard == sorted(heard) and heard[-1] == 1200
    assert len(set(heard)) >= 2


def test_a_resumed_experiment_counts_the_runs_done_before(tmp_path: Path) -> None:
    heard: list[int] = []
    settings = {"runs": 600, "seed": 5, "chunk_size": 300, "overrides": {"horizon_days": 10}}
    written: list[int] = []

    def stop_after_one(n: int) -> None:
        written.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(  # type: ignore[arg-type]
            FIXTURE, workers=1, store=tmp_path, on_chunk=stop_after_one, **settings
        )
    exp_id = Store(tmp_path).list()[-1]["id"]
    run_experiment(resume=exp_id, workers=1, store=tmp_path, on_progress=heard.append)
    assert written == [300]
    assert heard[0] == 330 and heard[-1] == 600  # the first chunk's 300, then the second's


def test_two_local_processes_give_the_rows_of_one_with_the_same_overrides(
    tmp_path: Path,
) -> None:
    settings = {"runs": 1200, "seed": 5, "chunk_size": 300, "overrides": {"horizon_days": 12}}
    one = run_experiment(FIXTURE, workers=1, store=tmp_path, **settings)  # type: ignore[arg-type]
    two = run_experiment(FIXTURE, workers=2, store=tmp_path, **settings)  # type: ignore[arg-type]
    assert one.id != two.id
    assert two.manifest["overrides"] == {"horizon_days": 12}
    assert two.manifest["days"] == 12
    rows = two.outcomes().to_pylist()
    assert max(r["end_day"] for r in rows) <= 12
    alone = simulate(load_scenario(FIXTURE, {"horizon_days": 12}), runs=1200, seed=5)
    assert rows == one.outcomes().to_pylist() == alone.outcomes.to_pylist()


def test_an_interrupted_experiment_keeps_its_chunks_and_resumes(tmp_path: Path) -> None:
    seen: list[int] = []

    def stop_after_two(n: int) -> None:
        seen.append(n)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(
            FIXTURE,
            runs=500,
            seed=8,
            chunk_size=100,
            workers=1,
            store=tmp_path,
            on_chunk=stop_after_two,
        )
    st = Store(tmp_path)
    (m,) = st.list()
    assert m["status"] == "interrupted"
    assert st.done_chunks(m["id"]) == {0, 1}
    assert m["runs_done"] == 200

    resumed: list[int] = []
    starts: list[int] = []
    exp = run_experiment(
        resume=m["id"][:17],
        store=tmp_path,
        workers=1,
        on_start=lambda manifest, done: starts.append(done),
        on_chunk=resumed.append,
    )
    assert exp.id == m["id"]
    assert starts == [200]
    assert resumed == [100, 100, 100]  # only the three missing chunks were simulated
    assert exp.manifest["status"] == "complete"
    assert exp.outcomes().to_pylist() == reference(500, 8)

    again: list[int] = []
    done = run_experiment(resume=m["id"], store=tmp_path, on_chunk=again.append)
    assert again == [] and done.manifest["status"] == "complete"


def test_resume_refuses_a_different_scenario_or_settings(tmp_path: Path) -> None:
    scenario = tmp_path / "duel.yaml"
    scenario.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    store = tmp_path / "runs"
    exp = run_experiment(scenario, runs=100, seed=1, chunk_size=50, workers=1, store=store)
    run_experiment(scenario, resume=exp.id, store=store)  # the same content is fine
    with pytest.raises(ExperimentMismatch, match="seed = 1, not 2"):
        run_experiment(resume=exp.id, store=store, seed=2)
    with pytest.raises(ExperimentMismatch, match="runs = 100, not 200"):
        run_experiment(resume=exp.id, store=store, runs=200)
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("horizon_days: 30", "horizon_days: 31"),
        encoding="utf-8",
    )
    with pytest.raises(ExperimentMismatch, match="differs from the one it was started with"):
        run_experiment(scenario, resume=exp.id, store=store)


def test_an_experiment_being_run_cannot_be_resumed_twice(tmp_path: Path) -> None:
    exp = run_experiment(FIXTURE, runs=20, chunk_size=10, workers=1, store=tmp_path)
    st = Store(tmp_path)
    st.update(exp.id, status="interrupted")
    with st.running(exp.id), pytest.raises(StoreError, match="being run by another process"):
        run_experiment(resume=exp.id, store=tmp_path)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("localhost:8786", "expects tcp://HOST:PORT"),
        ("http://127.0.0.1:8786", "expects tcp://HOST:PORT"),
        ("tcp://127.0.0.1:notaport", "expects tcp://HOST:PORT"),
    ],
)
def test_a_malformed_scheduler_address_is_refused(
    tmp_path: Path, address: str, message: str
) -> None:
    with pytest.raises(SchedulerError, match=message):
        run_experiment(FIXTURE, runs=10, scheduler=address, store=tmp_path)
    assert Store(tmp_path).list() == []


def test_an_unreachable_scheduler_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(
        SchedulerError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
    ):
        run_experiment(FIXTURE, runs=10, scheduler=f"tcp://127.0.0.1:{port}", store=tmp_path)
    assert Store(tmp_path).list() == []


def test_a_port_that_is_not_a_dask_scheduler_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import escalade.executor as executor

    monkeypatch.setattr(executor, "PROBE_S", 0.3)
    with socket.socket() as silent:  # accepts connections, never speaks (like an HTTP port)
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(SchedulerError, match="does not answer like a Dask scheduler"):
            run_experiment(FIXTURE, runs=10, scheduler=address, store=tmp_path)
    assert Store(tmp_path).list() == []


# -- a real Dask cluster: one scheduler and two worker processes on loopback -------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End a process group we started: SIGTERM, a bounded wait, then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], log: str) -> None:
        with open(logs / log, "wb") as out:
            procs.append(
                subprocess.Popen(
                    [str(BIN / "dask"), *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    try:
        start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            "scheduler.log",
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    pytest.fail(
                        "the dask scheduler did not start: "
                        + (logs / "scheduler.log").read_text(errors="replace")
                    )
                time.sleep(0.2)
        for i in range(2):
            start(
                ["worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                f"worker{i}.log",
            )
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=90)
            assert len(client.scheduler_info()["workers"]) == 2
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.mark.slow
@pytest.mark.xdist_group("dask-cluster")  # under xdist, in one worker: one cluster for both
def test_a_dask_cluster_gives_the_rows_of_a_local_run(tmp_path: Path, dask_cluster: str) -> None:
    ticks: list[int] = []
    exp = run_experiment(
        FIXTURE,
        runs=2000,
        seed=21,
        chunk_size=250,
        scheduler=dask_cluster,
        store=tmp_path,
        on_chunk=ticks.append,
    )
    local = run_experiment(FIXTURE, runs=2000, seed=21, chunk_size=2000, workers=1, store=tmp_path)
    assert exp.outcomes().to_pylist() == local.outcomes().to_pylist()
    assert sorted(ticks) == [250] * 8
    assert exp.manifest["status"] == "complete"
    assert Store(tmp_path).done_chunks(exp.id) == set(range(8))


@pytest.mark.slow
@pytest.mark.xdist_group("dask-cluster")
def test_on_a_dask_cluster_the_default_chunks_keep_every_worker_thread_busy(
    tmp_path: Path, dask_cluster: str
) -> None:
    """Without --chunk-size the runs are shared among the cluster's worker threads (not put
    in one large chunk, as the local memory budget alone would allow)."""
    with Executor(scheduler=dask_cluster) as ex:
        slots = ex.slots
    assert slots >= 2
    exp = run_experiment(FIXTURE, runs=1000, seed=2, scheduler=dask_cluster, store=tmp_path)
    assert exp.manifest["chunk_size"] == -(-1000 // slots)
    assert len(Store(tmp_path).done_chunks(exp.id)) == slots


@pytest.mark.slow
@pytest.mark.xdist_group("dask-cluster")
def test_a_sweep_and_a_hindcast_on_the_dask_cluster_equal_local_ones(dask_cluster: str) -> None:
    from escalade.analysis.hindcast import run_hindcast, select_episodes
    from escalade.analysis.sensitivity import Design, Param, run_sweep

    params = [Param("actors.RED.resolve", 0.2, 1.0)]
    local = run_sweep(FIXTURE, params, Design.LHS, 9, 30, seed=4, workers=2)
    on_dask = run_sweep(FIXTURE, params, Design.LHS, 9, 30, seed=4, scheduler=dask_cluster)
    assert {k: v.tolist() for k, v in local.y.items()} == {
        k: v.tolist() for k, v in on_dask.y.items()
    }
    episodes = select_episodes(["E8", "E2"])
    here = run_hindcast(episodes, runs=30, seed=3, workers=1)
    there = run_hindcast(episodes, runs=30, seed=3, scheduler=dask_cluster)
    assert here.to_dict() == there.to_dict()
    assert here.verdict() == there.verdict()


# -- the command killed midway and resumed --------------------------------------------------
def _wait_for_chunk(store: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not list(store.glob("outcomes/*/chunk-*.parquet")):
        if proc.poll() is not None:
            pytest.fail(f"escalade run ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no chunk was written in time")
        time.sleep(0.01)


def _escalade(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "escalade"), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


RUNS, CHUNK, SEED = 6000, 300, 13


@pytest.mark.slow
def test_sigkill_midway_then_resume_loses_and_repeats_no_chunk(tmp_path: Path) -> None:
    import psutil

    store = tmp_path / "runs"
    args = ["run", str(FIXTURE), "-n", str(RUNS), "--chunk-size", str(CHUNK), "-s", str(SEED)]
    proc = _escalade(*args, "--workers", "2", "--store", str(store))
    try:
        _wait_for_chunk(store, proc)
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # the pool's workers notice their parent is gone and exit
    _, alive = psutil.wait_procs(children, timeout=15)
    assert alive == []

    st = Store(store)
    (m,) = st.list()
    assert m["status"] == "interrupted"  # "running" in the catalog, but nobody holds its lock
    total = RUNS // CHUNK
    before = {p.name: p.stat().st_mtime_ns for p in st.chunk_files(m["id"])}
    assert 1 <= len(before) < total  # the kill landed midway

    resumed = _escalade("run", "--resume", m["id"], "--store", str(store), "--workers", "2")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert m["id"] in out

    assert st.done_chunks(m["id"]) == set(range(total))
    after = {p.name: p.stat().st_mtime_ns for p in st.chunk_files(m["id"])}
    assert {k: after[k] for k in before} == before  # finished chunks were not redone
    outcomes = st.outcomes(m["id"])
    assert outcomes["run"].to_pylist() == list(range(RUNS))  # none lost, none twice
    assert outcomes.to_pylist() == reference(RUNS, SEED)
    assert st.manifest(m["id"])["status"] == "complete"


CTRL_C_AFTER = """
import atexit, multiprocessing, os, signal, sys
from escalade.store import Store
atexit.register(lambda: print(f"alive workers: {len(multiprocessing.active_children())}",
                              file=sys.stderr))
write, after = Store.write_chunk, int(sys.argv[1])
def write_then_ctrl_c(self, exp_id, *args, **kwargs):
    path = write(self, exp_id, *args, **kwargs)
    if len(self.done_chunks(exp_id)) == after:
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal does on Ctrl-C
    return path
Store.write_chunk = write_then_ctrl_c
from escalade.cli import app
app(sys.argv[2:], prog_name="escalade")
"""


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_leaves_a_resumable_experiment_and_says_how(tmp_path: Path, workers: int) -> None:
    """Ctrl-C lands just after the second chunk is written, whatever the machine's load: the
    real command in its own process, its real pool, a real SIGINT, at a chosen point."""
    store = tmp_path / "runs"
    args = ["run", str(FIXTURE), "-n", "3000", "--chunk-size", "200", "-s", "3"]
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_AFTER, "2", *args, "-w", str(workers), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    st = Store(store)
    (m,) = st.list()
    assert m["status"] == "interrupted"
    assert m["runs_done"] == 400  # exactly the two chunks written before Ctrl-C
    assert st.done_chunks(m["id"]) <= set(range(15)) and len(st.done_chunks(m["id"])) == 2
    assert f"escalade run --resume {m['id']} --store {store}" in err
    assert "keeps its 400 finished runs" in err
    assert "Traceback" not in err
    assert "alive workers: 0" in err  # the pool's workers were ended, not left to finish

    exp = run_experiment(resume=m["id"], store=store, workers=2)
    assert exp.outcomes().to_pylist() == reference(3000, 3)
    assert isinstance(exp.outcomes(), pa.Table)


def test_an_executor_the_caller_owns_serves_several_experiments_and_stays_open(
    tmp_path: Path,
) -> None:
    """A server keeps one warm executor for its jobs: run_experiment uses it and leaves it open;
    an exception from on_chunk (a cancel) stops the experiment, resumable, and the executor
    still serves the next one."""
    from escalade.executor import Executor

    def cancel(_: int) -> None:
        raise RuntimeError("cancelled")

    with Executor(workers=2) as ex:
        first = run_experiment(FIXTURE, runs=60, seed=5, chunk_size=20, store=tmp_path, executor=ex)
        with pytest.raises(RuntimeError, match="cancelled"):
            run_experiment(
                FIXTURE,
                runs=60,
                seed=6,
                chunk_size=20,
                store=tmp_path,
                executor=ex,
                on_chunk=cancel,
            )
        stopped = Store(tmp_path).list()[-1]
        assert stopped["status"] == "interrupted"
        second = run_experiment(
            FIXTURE, runs=60, seed=6, chunk_size=20, store=tmp_path, executor=ex
        )
    assert first.outcomes().to_pylist() == reference(60, 5)
    assert second.outcomes().to_pylist() == reference(60, 6)
    resumed = run_experiment(resume=stopped["id"], store=tmp_path, workers=1)
    assert resumed.outcomes().to_pylist() == reference(60, 6)


def test_chunks_that_do_not_grow_are_refused_before_anything_is_stored(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_growth must be at least 2, got 1"):
        run_experiment(FIXTURE, runs=10, first_chunk_size=2, chunk_growth=1, store=tmp_path)
    assert Store(tmp_path).list() == []
