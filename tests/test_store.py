"""The experiment store: manifests in DuckDB, chunks as Parquet files, queries over both."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from escalade.scenario.schema import Scenario
from escalade.simulation import run_batch
from escalade.store import (
    MANIFEST_KEYS,
    ChunkLayout,
    Store,
    StoreError,
    chunk_runs,
    sha256_text,
)

FIXTURE = Path(__file__).parent / "fixtures" / "duel.yaml"


def _manifest(**extra: Any) -> dict[str, Any]:
    return {
        "scenario_name": "duel",
        "scenario_yaml": FIXTURE.read_text(encoding="utf-8"),
        "seed": 4,
        "runs": 30,
        "days": 30,
        "chunk_size": 10,
        "overrides": {"horizon_days": 30},
        **extra,
    }


def _chunk(duel: Scenario, start: int, stop: int, seed: int = 4) -> pa.Table:
    return run_batch(duel, seed, np.arange(start, stop)).outcomes


def test_a_new_experiment_has_a_typable_sortable_id_and_a_full_manifest(tmp_path: Path) -> None:
    st = Store(tmp_path / "runs")
    exp_id = st.create(_manifest())
    assert re.fullmatch(r"\d{8}-\d{6}-duel-[0-9a-f]{4}", exp_id)
    m = st.manifest(exp_id)
    assert set(MANIFEST_KEYS) <= set(m)
    assert m["id"] == exp_id
    assert m["scenario_sha256"] == sha256_text(FIXTURE.read_text(encoding="utf-8"))
    assert m["overrides"] == {"horizon_days": 30}
    assert (m["seed"], m["runs"], m["days"], m["chunk_size"]) == (4, 30, 30, 10)
    assert m["finished"] is None
    assert m["started"].startswith(exp_id[:4])


def test_chunks_are_written_whole_and_read_back_in_run_order(
    tmp_path: Path, duel: Scenario
) -> None:
    st = Store(tmp_path)
    exp_id = st.create(_manifest())
    st.write_chunk(exp_id, 2, _chunk(duel, 20, 30))
    st.write_chunk(exp_id, 0, _chunk(duel, 0, 10))
    assert st.done_chunks(exp_id) == {0, 2}
    names = sorted(p.name for p in st.experiment_dir(exp_id).iterdir())
    assert names == ["chunk-000000.parquet", "chunk-000002.parquet"]  # no temporary files left
    got = st.outcomes(exp_id)
    assert got["run"].to_pylist() == [*range(10), *range(20, 30)]
    expected = pa.concat_tables([_chunk(duel, 0, 10), _chunk(duel, 20, 30)])
    assert got.to_pylist() == expected.to_pylist()
    assert st.manifest(exp_id)["runs_done"] == 20
    assert st.outcomes(exp_id, columns=["run", "deaths"]).column_names == ["run", "deaths"]


def test_a_temporary_file_left_by_a_killed_writer_is_not_a_chunk(
    tmp_path: Path, duel: Scenario
) -> None:
    st = Store(tmp_path)
    exp_id = st.create(_manifest())
    partial = st.experiment_dir(exp_id) / ".chunk-000001.parquet.999.tmp"
    partial.write_bytes(b"PAR1 half a file")
    assert st.done_chunks(exp_id) == set()
    assert st.outcomes(exp_id).num_rows == 0
    assert st.query("SELECT count(*) AS n FROM outcomes")["n"].to_pylist() == [0]
    assert st.clean_partial(exp_id) == 1
    assert not partial.exists()


def test_resolve_takes_an_id_a_unique_prefix_or_latest(tmp_path: Path) -> None:
    st = Store(tmp_path)
    first = st.create(_manifest(scenario_name="duel"))
    second = st.create(_manifest(scenario_name="April 2024!"))
    assert "-april-2024-" in second
    assert st.resolve(first) == first
    assert st.resolve(second[:-1]) == second
    assert st.resolve("latest") == max(first, second)
    shared = first[:8]
    with pytest.raises(StoreError, match=r"prefix .* matches 2 experiments"):
        st.resolve(shared)
    with pytest.raises(StoreError, match="no experiment 'nope'"):
        st.resolve("nope")
    with pytest.raises(StoreError, match="no experiment"):
        st.manifest(first[:10])  # manifest() wants the exact id


def test_list_is_oldest_first_and_an_absent_store_is_empty_and_untouched(tmp_path: Path) -> None:
    missing = Store(tmp_path / "nowhere")
    assert missing.list() == []
    assert missing.query("SELECT count(*) AS n FROM experiments")["n"].to_pylist() == [0]
    assert not (tmp_path / "nowhere").exists()
    st = Store(tmp_path / "runs")
    ids = [st.create(_manifest(started=f"2026-01-0{d}T10:00:00+00:00")) for d in (3, 1, 2)]
    assert [m["id"] for m in st.list()] == sorted(ids)
    assert [m["id"][:8] for m in st.list()] == ["20260101", "20260102", "20260103"]


def test_status_running_means_a_live_runner(tmp_path: Path) -> None:
    st = Store(tmp_path)
    exp_id = st.create(_manifest())
    assert st.manifest(exp_id)["status"] == "interrupted"  # created, but no process runs it
    with st.running(exp_id):
        assert st.manifest(exp_id)["status"] == "running"
        with pytest.raises(StoreError, match="being run by another process"), st.running(exp_id):
            pass
    st.update(exp_id, status="complete", finished="2026-01-01T00:00:00+00:00")
    m = st.manifest(exp_id)  # complete in the catalog, but none of its chunks is on disk
    assert (m["status"], m["finished"]) == ("damaged", "2026-01-01T00:00:00+00:00")
    with pytest.raises(ValueError, match="status must be one of"):
        st.update(exp_id, status="done")
    with pytest.raises(StoreError):
        st.update("20990101-000000-nope-0000", status="complete")


def test_query_sees_every_experiment_with_an_experiment_column(
    tmp_path: Path, duel: Scenario
) -> None:
    st = Store(tmp_path)
    a = st.create(_manifest())
    b = st.create(_manifest(seed=5, runs=10))
    st.write_chunk(a, 0, _chunk(duel, 0, 10))
    st.write_chunk(a, 1, _chunk(duel, 10, 20))
    st.write_chunk(b, 0, _chunk(duel, 0, 10, seed=5))
    counts = st.query(
        "SELECT experiment, count(*) AS n, max(run) AS last FROM outcomes GROUP BY 1"
    ).to_pylist()
    by_id = {r.pop("experiment"): r for r in counts}
    assert by_id == {a: {"n": 20, "last": 19}, b: {"n": 10, "last": 9}}
    joined = st.query(
        "SELECT e.seed, sum(o.deaths) AS deaths FROM outcomes o "
        "JOIN experiments e ON e.id = o.experiment GROUP BY 1 ORDER BY 1"
    ).to_pylist()
    expected_a = sum(_chunk(duel, 0, 20)["deaths"].to_pylist())
    expected_b = sum(_chunk(duel, 0, 10, seed=5)["deaths"].to_pylist())
    assert joined == [{"seed": 4, "deaths": expected_a}, {"seed": 5, "deaths": expected_b}]
    same = st.query(
        "SELECT a.experiment, b.experiment FROM outcomes a JOIN outcomes b USING (run) "
        "WHERE a.experiment < b.experiment LIMIT 1"
    )
    assert same.column_names == ["experiment", "experiment_1"]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT nonsense FROM outcomes", "query failed: Binder Error"),
        ("SELEC 1", "query failed: Parser Error"),
        ("   ", "the query is empty"),
    ],
)
def test_bad_sql_is_a_one_line_store_error(tmp_path: Path, sql: str, message: str) -> None:
    st = Store(tmp_path)
    st.create(_manifest())
    with pytest.raises(StoreError, match=message) as info:
        st.query(sql)
    assert "\n" not in str(info.value)


def test_ids_sort_in_the_order_experiments_were_created(tmp_path: Path) -> None:
    st = Store(tmp_path)
    ids = [st.create(_manifest()) for _ in range(4)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4


def test_an_analysis_has_a_kind_results_and_checked_tables_but_no_chunks(tmp_path: Path) -> None:
    st = Store(tmp_path)
    exp_id = st.create(_manifest(kind="sweep"))
    points = pa.table({"point": [0, 1], "p_war": [0.1, 0.3]})
    st.write_table(exp_id, "points", points)
    st.update(exp_id, results={"sentence": "two points"}, status="complete")
    m = st.manifest(exp_id)
    # No chunks of its own, yet complete (not "damaged"), with its results back as data.
    assert (m["kind"], m["status"], m["runs_done"]) == ("sweep", "complete", 30)
    assert m["results"] == {"sentence": "two points"}
    assert st.read_table(exp_id, "points").equals(points)
    assert st.verify(exp_id).ok
    # A table altered on disk is found by verify and refused by read_table.
    st.table_path(exp_id, "points").write_bytes(b"not parquet")
    verdict = st.verify(exp_id)
    assert not verdict.ok and verdict.tables == ("table points: altered (its content differs "
                                                  "from the recorded checksum)",)  # fmt: skip
    with pytest.raises(StoreError, match="altered"):
        st.read_table(exp_id, "points")
    with pytest.raises(ValueError, match="kind must be one of"):
        st.create(_manifest(kind="guess"))


def test_latest_skips_the_arms_of_a_compare(tmp_path: Path) -> None:
    st = Store(tmp_path)
    parent = st.create(_manifest(kind="compare"))
    arm = st.create(_manifest(kind="arm", parent=parent))
    assert st.resolve("latest") == parent
    assert [m["id"] for m in st.children(parent)] == [arm]
    assert st.resolve(arm) == arm  # an arm is still reachable by its id


def test_threads_of_one_process_share_the_catalog_in_turn(tmp_path: Path) -> None:
    """DuckDB refuses a read-only and a read-write connection to one file open at once in one
    process; the web app's jobs write while its requests read, so the store takes them in turn."""
    import threading

    st = Store(tmp_path)
    exp_id = st.create(_manifest())
    failures: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(30):
                st.list()
        except BaseException as exc:
            failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(30):
        st.update(exp_id, status="running" if i % 2 else "interrupted")
    reader.join()
    assert not failures, failures[0]


def test_an_analysis_checkpoint_is_kept_whole_read_back_and_dropped(tmp_path: Path) -> None:
    st = Store(tmp_path / "runs")
    exp_id = st.create(_manifest(kind="sweep"))
    assert st.read_checkpoint(exp_id) == {}  # none yet
    st.write_checkpoint(exp_id, {"done": {"0": {"p_war": 0.125}}})
    st.write_checkpoint(exp_id, {"done": {"0": {"p_war": 0.125}, "1": {"p_war": 0.5}}})
    assert st.read_checkpoint(exp_id) == {"done": {"0": {"p_war": 0.125}, "1": {"p_war": 0.5}}}
    assert not list(st.checkpoint_path(exp_id).parent.glob(".*.tmp"))  # no temporary left
    st.checkpoint_path(exp_id).write_text('{"done": {"0": ', encoding="utf-8")  # cut short
    assert st.read_checkpoint(exp_id) == {}  # its points are computed again
    st.drop_checkpoint(exp_id)
    st.drop_checkpoint(exp_id)  # nothing to drop: no error
    assert not st.checkpoint_path(exp_id).exists()


def test_a_small_first_chunk_and_the_rest_cover_every_run_once() -> None:
    for runs, size, first, growth in [
        (713, 100, 13, None),
        (50, 100, 13, None),
        (13, 100, 13, None),
        (1, 7, 1, None),
        (700, 100, None, None),
        (713, 100, 13, 2),
        (10_000, 2500, 20, 2),
        (30, 2500, 20, 2),
        (1000, 100, 1, 3),
        (700, 100, None, 2),  # growth without a first chunk: the old layout
    ]:
        layout = ChunkLayout(runs, size, first, growth)
        ranges = [chunk_runs(runs, size, i, first, growth) for i in range(layout.count)]
        assert [r for a, b in ranges for r in range(a, b)] == list(range(runs))
        assert all(b > a for a, b in ranges)
        assert ranges[0][1] == min(runs, size if first is None else first)
        assert all(b - a <= size for a, b in ranges)
        assert layout.runs_in(range(layout.count)) == runs
    # without a first chunk size, the layout of every experiment stored before it existed
    assert [chunk_runs(700, 100, i) for i in range(7)] == [
        (i * 100, i * 100 + 100) for i in range(7)
    ]
    assert ChunkLayout(701, 100).count == 8
    # growing chunks: each twice the one before while below the chunk size
    grown = ChunkLayout(713, 100, 13, 2)
    runs_per_chunk = [b - a for a, b in map(grown.bounds, range(grown.count))]
    assert runs_per_chunk == [13, 26, 52, 100, 100, 100, 100, 100, 100, 22]
    assert ChunkLayout.of({"runs": 713, "chunk_size": 100, "first_chunk": 13}).count == 8
