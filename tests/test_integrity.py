"""Results you can trust after damage: every chunk is checked against the catalog and its own
manifest, ``experiments verify --repair`` recomputes exactly the bad chunks (identical to an
uninterrupted run), and a lost or damaged catalog is rebuilt from the chunks.

One test per kind of damage: a truncated, empty, deleted, swapped (duplicated) and foreign
chunk; a damaged, zeroed and deleted catalog. Real Parquet files and DuckDB catalogs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from escalade.cli import app
from escalade.ensemble import run_experiment
from escalade.store import CATALOG, Store, StoreFault

# under xdist, in one worker: the module fixture `pristine` runs its experiment once
pytestmark = pytest.mark.xdist_group("integrity")

FIXTURE = Path(__file__).parent / "fixtures" / "duel.yaml"
RUNS, CHUNK, SEED = 50, 10, 3
runner = CliRunner()


def _run(store: Path, seed: int = SEED) -> str:
    exp = run_experiment(
        FIXTURE, runs=RUNS, seed=seed, chunk_size=CHUNK, store=store, workers=1, days=20
    )
    return exp.id


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[dict[str, Any]]]:
    """A complete experiment (and the rows of an uninterrupted run), copied for each test."""
    root = tmp_path_factory.mktemp("pristine") / "runs"
    exp_id = _run(root)
    return root, exp_id, Store(root).outcomes(exp_id).to_pylist()


@pytest.fixture
def store(tmp_path: Path, pristine: tuple[Path, str, Any]) -> Iterator[tuple[Store, str]]:
    copy = tmp_path / "runs"
    shutil.copytree(pristine[0], copy)
    yield Store(copy), pristine[1]


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def chunk(st: Store, exp_id: str, index: int) -> Path:
    return st.chunk_path(exp_id, index)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def assert_repaired_like_an_uninterrupted_run(
    st: Store, exp_id: str, pristine: tuple[Path, str, list[dict[str, Any]]], redo: list[int]
) -> None:
    before = {i: chunk(st, exp_id, i).read_bytes() for i in range(5) if i not in redo}
    result = cli("experiments", "verify", exp_id, "--repair", "--store", str(st.path))
    assert result.exit_code == 0, result.output
    assert f"recomputed chunk(s) {', '.join(map(str, redo))};" in result.output
    assert f"{exp_id}  ok: 5 of 5 chunks, 50 of 50 runs" in result.output
    for i, data in before.items():  # exactly the bad chunks were recomputed
        assert chunk(st, exp_id, i).read_bytes() == data
    assert st.outcomes(exp_id).to_pylist() == pristine[2]
    assert st.manifest(exp_id)["status"] == "complete"


def verify_lines(st: Store, exp_id: str) -> list[str]:
    result = cli("experiments", "verify", exp_id, "--store", str(st.path))
    assert result.exit_code == 1
    return result.output.splitlines()


def test_an_intact_store_verifies_and_reads(store: tuple[Store, str], pristine: Any) -> None:
    st, exp_id = store
    result = cli("experiments", "verify", "--store", str(st.path))
    assert result.exit_code == 0
    assert result.output == f"{exp_id}  ok: 5 of 5 chunks, 50 of 50 runs\n"
    verdict = st.verify(exp_id)
    assert verdict.ok and verdict.good == frozenset(range(5))
    assert st.outcomes(exp_id).to_pylist() == pristine[2]


def test_each_chunk_carries_its_manifest_and_the_catalog_its_checksum(
    store: tuple[Store, str],
) -> None:
    import hashlib

    import duckdb
    import pyarrow.parquet as pq

    st, exp_id = store
    meta = json.loads(pq.read_schema(chunk(st, exp_id, 3)).metadata[b"escalade.chunk"])
    assert (meta["chunk"], meta["first_run"], meta["stop_run"], meta["rows"]) == (3, 30, 40, 10)
    assert meta["manifest"]["id"] == exp_id and meta["manifest"]["seed"] == SEED
    assert meta["manifest"]["scenario_yaml"] == FIXTURE.read_text(encoding="utf-8")
    con = duckdb.connect(str(st.catalog_path), read_only=True)
    rows = con.execute(
        "SELECT chunk, first_run, stop_run, rows, bytes, sha256 FROM chunks ORDER BY chunk"
    ).fetchall()
    con.close()
    assert [r[:4] for r in rows] == [(i, 10 * i, 10 * i + 10, 10) for i in range(5)]
    data = chunk(st, exp_id, 3).read_bytes()
    assert rows[3][4:] == (len(data), hashlib.sha256(data).hexdigest())


def test_a_truncated_chunk_is_found_refused_when_read_and_recomputed(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    truncate(chunk(st, exp_id, 2))
    assert st.manifest(exp_id)["status"] == "damaged"  # not "complete"
    assert st.manifest(exp_id)["runs_done"] == 40
    lines = verify_lines(st, exp_id)
    assert lines[0] == f"{exp_id}  damaged: 1 problem(s), 4 of 5 chunks good"
    assert lines[1].startswith("  chunk 2 (runs 20..29): truncated: not a readable Parquet file")
    with pytest.raises(StoreFault, match=r"chunk 2 \(runs 20\.\.29\): truncated"):
        st.outcomes(exp_id)
    result = cli("query", "SELECT count(*) FROM outcomes", "--store", str(st.path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--repair" in result.output and "truncated" in result.output
    assert_repaired_like_an_uninterrupted_run(st, exp_id, pristine, [2])
    quarantined = list((st.path / "quarantine").rglob("chunk-000002.parquet.*"))
    assert len(quarantined) == 1  # the bad file is kept, not deleted


def test_an_empty_chunk_is_found_and_recomputed(store: tuple[Store, str], pristine: Any) -> None:
    st, exp_id = store
    chunk(st, exp_id, 0).write_bytes(b"")
    assert "chunk 0 (runs 0..9): truncated: the file has 0 bytes" in verify_lines(st, exp_id)[1]
    assert_repaired_like_an_uninterrupted_run(st, exp_id, pristine, [0])


def test_a_deleted_chunk_of_a_complete_experiment_is_missing_and_recomputed(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    chunk(st, exp_id, 4).unlink()
    listed = cli("experiments", "list", "--store", str(st.path))
    assert "40/50" in listed.output and "damaged" in listed.output
    shown = cli("experiments", "show", exp_id, "--store", str(st.path))
    assert shown.exit_code == 1 and "damaged: some chunks are missing" in shown.output
    assert "chunk 4 (runs 40..49): missing: the file is gone" in verify_lines(st, exp_id)[1]
    with pytest.raises(StoreFault, match="missing"):
        st.outcomes(exp_id)
    assert_repaired_like_an_uninterrupted_run(st, exp_id, pristine, [4])


def test_a_swapped_chunk_is_a_duplicate_not_extra_rows(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    shutil.copyfile(chunk(st, exp_id, 0), chunk(st, exp_id, 1))
    assert verify_lines(st, exp_id)[1] == (
        "  chunk 1 (runs 10..19): duplicated: a copy of chunk 0 (runs 0..9), "
        "whose runs would count twice"
    )
    assert st.done_chunks(exp_id) == {0, 2, 3, 4}
    result = cli("query", "SELECT count(*) AS n FROM outcomes", "--store", str(st.path))
    assert result.exit_code == 1 and "duplicated" in result.output
    assert_repaired_like_an_uninterrupted_run(st, exp_id, pristine, [1])


def test_a_foreign_chunk_is_found_and_replaced_and_kept(
    tmp_path: Path, store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    other = _run(tmp_path / "other", seed=SEED + 1)
    foreign = Store(tmp_path / "other").chunk_path(other, 3)
    shutil.copyfile(foreign, chunk(st, exp_id, 3))
    line = verify_lines(st, exp_id)[1]
    assert (
        line == f"  chunk 3 (runs 30..39): foreign: a chunk of experiment {other}, not of this one"
    )
    assert_repaired_like_an_uninterrupted_run(st, exp_id, pristine, [3])
    (kept,) = (st.path / "quarantine").rglob("chunk-000003.parquet.*")
    assert kept.read_bytes() == foreign.read_bytes()


def test_a_parquet_file_without_a_manifest_is_foreign(store: tuple[Store, str]) -> None:
    import pyarrow.parquet as pq

    st, exp_id = store
    table = pq.read_table(chunk(st, exp_id, 1)).replace_schema_metadata(None)
    pq.write_table(table, chunk(st, exp_id, 1))
    assert (
        "chunk 1 (runs 10..19): foreign: a Parquet file that carries no escalade chunk"
        in (verify_lines(st, exp_id)[1])
    )


def test_resume_recomputes_a_bad_chunk_too(store: tuple[Store, str], pristine: Any) -> None:
    st, exp_id = store
    truncate(chunk(st, exp_id, 1))
    exp = run_experiment(resume=exp_id, store=st, workers=1)
    assert exp.outcomes().to_pylist() == pristine[2]
    assert st.verify(exp_id).ok


def test_a_stray_file_past_the_last_chunk_is_reported_and_moved_aside(
    store: tuple[Store, str],
) -> None:
    st, exp_id = store
    shutil.copyfile(chunk(st, exp_id, 0), st.experiment_dir(exp_id) / "chunk-000007.parquet")
    lines = verify_lines(st, exp_id)
    assert "  chunk-000007.parquet: not a chunk of this experiment (it has 5)" in lines
    result = cli("experiments", "verify", exp_id, "--repair", "--store", str(st.path))
    assert result.exit_code == 0, result.output
    assert not (st.experiment_dir(exp_id) / "chunk-000007.parquet").exists()


def _catalog_cases(st: Store) -> None:
    """After each kind of catalog damage, every command says what to do; none tracebacks."""
    for args in (
        ["experiments", "list"],
        ["experiments", "show", "latest"],
        ["query", "SELECT 1"],
        ["experiments", "verify"],
    ):
        result = cli(*args, "--store", str(st.path))
        assert result.exit_code == 1, (args, result.output)
        assert "is damaged" in result.output and "experiments rebuild" in result.output
        assert "Traceback" not in result.output


def _rebuilt(st: Store, exp_id: str, pristine: Any) -> None:
    result = cli("experiments", "rebuild", "--store", str(st.path))
    assert result.exit_code == 0, result.output
    assert "1 experiment(s), 5 chunk(s) recorded, 1 recovered from their chunks" in result.output
    m = st.manifest(exp_id)
    assert (m["status"], m["runs_done"], m["seed"], m["chunk_size"]) == ("complete", 50, SEED, 10)
    assert m["scenario_yaml"] == FIXTURE.read_text(encoding="utf-8")
    assert st.verify(exp_id).ok
    assert st.outcomes(exp_id).to_pylist() == pristine[2]
    ok = cli("experiments", "verify", "--store", str(st.path))
    assert ok.exit_code == 0, ok.output


def test_a_deleted_catalog_is_announced_and_rebuilt(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    st.catalog_path.unlink()
    listed = cli("experiments", "list", "--store", str(st.path))
    assert listed.exit_code == 0
    assert f"1 experiment(s) have chunks in {st.path} but no row in its catalog ({exp_id})" in (
        " ".join(listed.output.split())
    )
    _rebuilt(st, exp_id, pristine)


def test_a_zeroed_catalog_is_reported_kept_and_rebuilt(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    size = st.catalog_path.stat().st_size
    st.catalog_path.write_bytes(bytes(size))
    _catalog_cases(st)
    _rebuilt(st, exp_id, pristine)
    (kept,) = st.path.glob(f"{CATALOG}.damaged-*")
    assert kept.read_bytes() == bytes(size)


def test_damaged_catalog_pages_are_reported_and_rebuilt(
    store: tuple[Store, str], pristine: Any
) -> None:
    st, exp_id = store
    data = bytearray(st.catalog_path.read_bytes())
    for offset in range(12288, len(data), 4096):  # garble every block after the headers
        data[offset + 100 : offset + 400] = b"\xff" * 300
    st.catalog_path.write_bytes(bytes(data))
    _catalog_cases(st)
    _rebuilt(st, exp_id, pristine)


def test_rebuild_keeps_a_readable_catalogs_rows(store: tuple[Store, str]) -> None:
    st, exp_id = store
    st.update(exp_id, finished="2026-01-01T00:00:00+00:00")
    result = cli("experiments", "rebuild", "--store", str(st.path))
    assert result.exit_code == 0 and "0 recovered" in result.output
    assert st.manifest(exp_id)["finished"] == "2026-01-01T00:00:00+00:00"
    assert not list(st.path.glob(f"{CATALOG}.damaged-*"))


# -- a safe query ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "reading or writing files"),
        ("SELECT * FROM read_text('/etc/hostname')", "reading or writing files"),
        ("SELECT * FROM glob('/*')", "reading or writing files"),
        ("COPY (SELECT 1) TO '{tmp}/leak.csv'", "COPY is not allowed"),
        ("ATTACH '{catalog}' AS c", "ATTACH is not allowed"),
        ("INSTALL httpfs", "INSTALL is not allowed"),
        ("LOAD httpfs", "LOAD is not allowed"),
        ("SET enable_external_access = true", "SET is not allowed"),
        ("CREATE TABLE t AS SELECT 1", "CREATE is not allowed"),
        ("SELECT 1; DROP VIEW outcomes", "DROP is not allowed"),
    ],
)
def test_query_cannot_reach_files_extensions_or_settings(
    store: tuple[Store, str], tmp_path: Path, sql: str, says: str
) -> None:
    st, _ = store
    sql = sql.format(tmp=tmp_path, catalog=st.catalog_path)
    result = cli("query", sql, "--store", str(st.path))
    assert result.exit_code == 2, result.output
    assert says in result.output and "--unsafe" in result.output
    assert not (tmp_path / "leak.csv").exists()


def test_query_reads_the_views_and_its_settings_are_locked(store: tuple[Store, str]) -> None:
    st, exp_id = store
    got = st.query("SELECT experiment, count(*) AS n FROM outcomes GROUP BY 1").to_pylist()
    assert got == [{"experiment": exp_id, "n": RUNS}]
    locked = st.query(
        "SELECT current_setting('enable_external_access') AS ext, "
        "current_setting('lock_configuration') AS locked"
    ).to_pylist()
    assert locked == [{"ext": False, "locked": True}]


def test_unsafe_query_is_the_full_duckdb(store: tuple[Store, str], tmp_path: Path) -> None:
    st, _ = store
    out = tmp_path / "runs.csv"
    result = cli(
        "query",
        f"COPY (SELECT run FROM outcomes ORDER BY run) TO '{out}'",
        "--unsafe",
        "--store",
        str(st.path),
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().split() == ["run", *map(str, range(RUNS))]


# -- environment faults -------------------------------------------------------------------
SETPRIV = shutil.which("setpriv")
NO_OVERRIDE = "-dac_override,-dac_read_search"


def _without_override(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``escalade`` without the power to ignore file permissions (as root would)."""
    escalade = Path(__file__).parents[1] / ".venv" / "bin" / "escalade"
    prefix = [SETPRIV, f"--bounding-set={NO_OVERRIDE}", f"--inh-caps={NO_OVERRIDE}"]
    return subprocess.run(
        [*(prefix if os.geteuid() == 0 else []), str(escalade), *args],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(os.geteuid() == 0 and SETPRIV is None, reason="needs setpriv as root")
def test_a_store_the_user_cannot_read_or_write_is_exit_1_with_what_to_do(
    tmp_path: Path, pristine: tuple[Path, str, Any]
) -> None:
    locked = tmp_path / "runs"
    shutil.copytree(pristine[0], locked)
    try:
        st = Store(locked)
        st.catalog_path.chmod(0)
        listed = _without_override("experiments", "list", "--store", str(locked))
        assert listed.returncode == 1, listed.stderr
        assert f"cannot read the store {locked}" in listed.stderr
        assert "check its permissions" in listed.stderr and "Traceback" not in listed.stderr
        st.catalog_path.chmod(0o644)
        st.experiment_dir(pristine[1]).chmod(0o500)  # chunks cannot be replaced
        chunk(st, pristine[1], 2).unlink()
        repaired = _without_override("experiments", "verify", "--repair", "--store", str(locked))
        assert repaired.returncode == 1, repaired.stderr
        assert f"cannot write the store {locked}" in repaired.stderr
        assert "Traceback" not in repaired.stderr
    finally:
        for path in [locked, *locked.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
