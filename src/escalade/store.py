"""The experiment store: outcome chunks as Parquet files, manifests in an embedded DuckDB catalog.

Layout of a store directory (default ``./escalade-runs``, or ``$ESCALADE_STORE``)::

    catalog.duckdb                                  manifests (table ``experiments``)
    outcomes/experiment=<id>/chunk-000000.parquet   one file per chunk of runs
    locks/<id>.lock                                 held by the process running <id>

A chunk file is written under a temporary name, fsynced and renamed, so a chunk file that
exists is complete: the chunks done are the files present, whatever killed the writer.
The catalog is opened only for the moment of a read or write, so that ``experiments list``
or ``query`` work while an experiment is running in another process.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from escalade.outcomes import SCHEMA

try:  # POSIX advisory locks; elsewhere a running experiment is not guarded
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

DEFAULT_STORE = "escalade-runs"
"""Store directory used when neither ``--store`` nor ``$ESCALADE_STORE`` is given."""
STORE_ENV = "ESCALADE_STORE"
CATALOG = "catalog.duckdb"
STATUSES = ("running", "complete", "interrupted")
LOCK_WAIT_S = 30.0
"""How long to wait for another process to release the catalog before giving up."""

MANIFEST_KEYS = (
    "id",
    "version",
    "scenario_name",
    "scenario_yaml",
    "scenario_sha256",
    "seed",
    "overrides",
    "runs",
    "days",
    "chunk_size",
    "started",
    "finished",
    "status",
)
"""The keys of a manifest (other tools rely on these names)."""

_COLUMNS = {
    "id": "VARCHAR PRIMARY KEY",
    "version": "VARCHAR",
    "scenario_name": "VARCHAR",
    "scenario_yaml": "VARCHAR",
    "scenario_sha256": "VARCHAR",
    "seed": "BIGINT",
    "overrides": "VARCHAR",  # JSON text
    "runs": "BIGINT",
    "days": "INTEGER",
    "chunk_size": "BIGINT",
    "started": "VARCHAR",  # ISO 8601, UTC
    "finished": "VARCHAR",
    "status": "VARCHAR",
    "scenario_source": "VARCHAR",
}
_ARROW_TYPES = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32()}
_MANIFEST_SCHEMA = pa.schema(
    [(k, _ARROW_TYPES[t.split()[0]]) for k, t in _COLUMNS.items()] + [("runs_done", pa.int64())]
)
_CHUNK = re.compile(r"^chunk-(\d+)\.parquet$")


class StoreError(ValueError):
    """A user's mistake with the store (unknown id, bad SQL, ...): one clear line."""


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:32].strip("-") or "scenario"


def _new_id(stamp: datetime, scenario_name: str, taken: set[str]) -> str:
    """``20261129-174501-april-2024-3f2a``: UTC time, scenario, then 4 hex digits that are
    the millisecond times 65 plus a random number below 65 (sortable, rarely equal)."""
    ms = stamp.microsecond // 1000
    while True:
        tail = ms * 65 + secrets.randbelow(65)
        exp_id = f"{stamp:%Y%m%d-%H%M%S}-{_slug(scenario_name)}-{tail:04x}"
        if exp_id not in taken:
            return exp_id
        ms = (ms + 1) % 1000


def chunk_runs(runs: int, chunk_size: int, index: int) -> tuple[int, int]:
    """Run ids ``[start, stop)`` of chunk ``index``."""
    start = index * chunk_size
    return start, min(start + chunk_size, runs)


def chunk_count(runs: int, chunk_size: int) -> int:
    return -(-runs // chunk_size)


class Store:
    """Experiments in a directory: ``Store("escalade-runs").list()``."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- layout ---------------------------------------------------------------------------
    @property
    def catalog_path(self) -> Path:
        return self.path / CATALOG

    @property
    def outcomes_root(self) -> Path:
        return self.path / "outcomes"

    def experiment_dir(self, exp_id: str) -> Path:
        return self.outcomes_root / f"experiment={exp_id}"

    def chunk_path(self, exp_id: str, index: int) -> Path:
        return self.experiment_dir(exp_id) / f"chunk-{index:06d}.parquet"

    def _lock_path(self, exp_id: str) -> Path:
        return self.path / "locks" / f"{exp_id}.lock"

    # -- catalog --------------------------------------------------------------------------
    @contextlib.contextmanager
    def _catalog(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits (bounded) while another process holds the file."""
        if write:
            self.path.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + LOCK_WAIT_S
        pause = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.catalog_path), read_only=not write)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise StoreError(
                        f"cannot open the catalog {self.catalog_path}: {exc}"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
        try:
            if write:
                cols = ", ".join(f"{k} {t}" for k, t in _COLUMNS.items())
                con.execute(f"CREATE TABLE IF NOT EXISTS experiments ({cols})")
                have = {r[0] for r in con.execute("DESCRIBE experiments").fetchall()}
                for k, t in _COLUMNS.items():
                    if k not in have:
                        con.execute(f"ALTER TABLE experiments ADD COLUMN {k} {t.split()[0]}")
            yield con
        finally:
            con.close()

    def _rows(
        self, where: str = "", params: builtins.list[Any] | None = None
    ) -> builtins.list[dict[str, Any]]:
        if not self.catalog_path.exists():
            return []
        with self._catalog() as con:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            if "experiments" not in tables:
                return []
            cur = con.execute(f"SELECT * FROM experiments {where} ORDER BY id", params or [])
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        for row in rows:
            row["overrides"] = json.loads(row["overrides"] or "{}")
            row["status"] = self._effective_status(row["id"], row["status"])
            row["runs_done"] = self._runs_done(row)
        return rows

    def create(self, manifest: dict[str, Any]) -> str:
        """Register a new experiment; returns its id. ``manifest`` needs at least
        ``scenario_name``, ``scenario_yaml``, ``seed``, ``runs``, ``chunk_size``."""
        from escalade.version import __version__

        for key in ("scenario_name", "scenario_yaml", "seed", "runs", "chunk_size"):
            if key not in manifest:
                raise ValueError(f"manifest lacks '{key}'")
        row: dict[str, Any] = {k: None for k in _COLUMNS}
        row.update({k: v for k, v in manifest.items() if k in _COLUMNS})
        row["version"] = manifest.get("version") or __version__
        row["scenario_sha256"] = sha256_text(manifest["scenario_yaml"])
        row["overrides"] = json.dumps(manifest.get("overrides") or {}, sort_keys=True, default=str)
        moment = datetime.now(UTC)
        if manifest.get("started"):
            moment = datetime.fromisoformat(manifest["started"]).astimezone(UTC)
        row["started"] = moment.isoformat(timespec="seconds")
        row["finished"] = None
        row["status"] = "running"
        with self._catalog(write=True) as con:
            taken = {r[0] for r in con.execute("SELECT id FROM experiments").fetchall()}
            exp_id = _new_id(moment, row["scenario_name"], taken)
            row["id"] = exp_id
            names = list(row)
            con.execute(
                f"INSERT INTO experiments ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})",
                [row[n] for n in names],
            )
        self.experiment_dir(exp_id).mkdir(parents=True, exist_ok=True)
        return exp_id

    def update(self, exp_id: str, **fields: Any) -> None:
        """Change manifest fields (e.g. ``status``, ``finished``)."""
        unknown = set(fields) - set(_COLUMNS) - {"id"}
        if unknown or "id" in fields:
            raise ValueError(f"cannot update {sorted(unknown | ({'id'} & set(fields)))}")
        if "status" in fields and fields["status"] not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        if "overrides" in fields:
            fields["overrides"] = json.dumps(fields["overrides"], sort_keys=True, default=str)
        self.manifest(exp_id)  # raises if unknown
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._catalog(write=True) as con:
            con.execute(f"UPDATE experiments SET {sets} WHERE id = ?", [*fields.values(), exp_id])

    def manifest(self, exp_id: str) -> dict[str, Any]:
        """The manifest of experiment ``exp_id`` (exact id; see :meth:`resolve` for prefixes)."""
        rows = self._rows("WHERE id = ?", [exp_id])
        if not rows:
            raise StoreError(f"no experiment '{exp_id}' in the store {self.path}")
        return rows[0]

    def list(self) -> builtins.list[dict[str, Any]]:
        """Every experiment's manifest, oldest first (ids sort by start time)."""
        return self._rows()

    def resolve(self, prefix: str) -> str:
        """The id of the one experiment whose id starts with ``prefix`` (``latest``: the newest)."""
        prefix = prefix.strip()
        ids = [r["id"] for r in self._id_rows()]
        if prefix in ids:
            return prefix
        if prefix == "latest" and ids:
            return ids[-1]
        hits = [i for i in ids if i.startswith(prefix)] if prefix else []
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise StoreError(
                f"no experiment '{prefix}' in the store {self.path} "
                "(`escalade experiments list` shows them)"
            )
        shown = ", ".join(hits[:5]) + (", ..." if len(hits) > 5 else "")
        raise StoreError(
            f"the prefix '{prefix}' matches {len(hits)} experiments ({shown}); type more of it"
        )

    def _id_rows(self) -> builtins.list[dict[str, Any]]:
        if not self.catalog_path.exists():
            return []
        with self._catalog() as con:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            if "experiments" not in tables:
                return []
            ids = con.execute("SELECT id FROM experiments ORDER BY id").fetchall()
            return [{"id": r[0]} for r in ids]

    # -- running --------------------------------------------------------------------------
    @contextlib.contextmanager
    def running(self, exp_id: str) -> Iterator[None]:
        """Hold the experiment's lock while it runs: a second runner of the same id is refused,
        and a ``running`` experiment whose lock is free is known to have been killed."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        path = self._lock_path(exp_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreError(
                    f"experiment {exp_id} is being run by another process right now"
                ) from None
            yield
        finally:
            os.close(fd)

    def _is_running(self, exp_id: str) -> bool:
        if fcntl is None:  # pragma: no cover
            return True
        path = self._lock_path(exp_id)
        if not path.exists():
            return False
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)  # closing releases a lock we took
        return False

    def _effective_status(self, exp_id: str, status: str) -> str:
        """``running`` in the catalog but nobody holds the lock: the runner was killed."""
        if status == "running" and not self._is_running(exp_id):
            return "interrupted"
        return status

    # -- chunks ---------------------------------------------------------------------------
    def write_chunk(self, exp_id: str, chunk_index: int, table: pa.Table) -> Path:
        """Write one chunk atomically (temporary name, fsync, rename, fsync the directory)."""
        final = self.chunk_path(exp_id, chunk_index)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return final

    def done_chunks(self, exp_id: str) -> set[int]:
        """Indices of the chunks written (a file present is a complete chunk)."""
        folder = self.experiment_dir(exp_id)
        if not folder.is_dir():
            return set()
        return {int(m.group(1)) for p in folder.iterdir() if (m := _CHUNK.match(p.name))}

    def clean_partial(self, exp_id: str) -> int:
        """Remove temporary files left by a killed writer; returns how many."""
        folder = self.experiment_dir(exp_id)
        gone = 0
        if folder.is_dir():
            for p in folder.glob(".chunk-*.tmp"):
                p.unlink(missing_ok=True)
                gone += 1
        return gone

    def _runs_done(self, manifest: dict[str, Any]) -> int:
        runs, size = int(manifest["runs"]), int(manifest["chunk_size"])
        return sum(max(0, min(size, runs - i * size)) for i in self.done_chunks(manifest["id"]))

    def chunk_files(self, exp_id: str) -> builtins.list[Path]:
        return [self.chunk_path(exp_id, i) for i in sorted(self.done_chunks(exp_id))]

    def iter_chunks(
        self, exp_id: str, columns: builtins.list[str] | None = None
    ) -> Iterator[pa.Table]:
        """The outcome chunks in run order, one table at a time (memory stays bounded)."""
        for path in self.chunk_files(exp_id):
            yield pq.read_table(path, columns=columns)

    def outcomes(self, exp_id: str, columns: builtins.list[str] | None = None) -> pa.Table:
        """All outcome rows written for ``exp_id``, sorted by run."""
        self.manifest(exp_id)
        tables = list(self.iter_chunks(exp_id, columns))
        if not tables:
            empty = _empty_outcomes()
            return empty.select(columns) if columns is not None else empty
        table = pa.concat_tables(tables, promote_options="permissive")
        return table.sort_by("run") if "run" in table.column_names else table

    # -- queries --------------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with two views: ``outcomes`` (every experiment's
        rows, with an ``experiment`` column) and ``experiments`` (the manifests)."""
        con = duckdb.connect()
        manifests = self.list()
        rows = [
            {**m, "overrides": json.dumps(m["overrides"], sort_keys=True, default=str)}
            for m in manifests
        ]
        con.register("_experiments", pa.Table.from_pylist(rows, schema=_MANIFEST_SCHEMA))
        con.execute("CREATE VIEW experiments AS SELECT * FROM _experiments")
        if any(self.chunk_files(m["id"]) for m in manifests):
            pattern = str(self.outcomes_root / "experiment=*" / "chunk-*.parquet")
            pattern = pattern.replace("'", "''")
            con.execute(
                "CREATE VIEW outcomes AS SELECT * FROM read_parquet("
                f"'{pattern}', hive_partitioning = true, "
                "hive_types = {'experiment': VARCHAR}, union_by_name = true)"
            )
        else:
            con.register("_no_outcomes", _empty_outcomes())
            con.execute(
                "CREATE VIEW outcomes AS SELECT *, NULL::VARCHAR AS experiment FROM _no_outcomes"
            )
        return con

    def query(self, sql: str) -> pa.Table:
        """Run SQL over the views ``outcomes`` and ``experiments``; the result as Arrow."""
        if not sql.strip():
            raise StoreError("the query is empty")
        con = self.connect()
        try:
            relation = con.sql(sql)
            if relation is None:
                return pa.table({})
            table = relation.to_arrow_table()
            return table.rename_columns(_unique_names(table.column_names))
        except duckdb.Error as exc:
            message = " ".join(str(exc).split())
            raise StoreError(f"query failed: {message}") from None
        finally:
            con.close()


def _unique_names(names: list[str]) -> list[str]:
    """``a, b, a`` -> ``a, b, a_1`` (a join's repeated columns stay addressable)."""
    seen: set[str] = set()
    out = []
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}_{k}"
        seen.add(new)
        out.append(new)
    return out


def _empty_outcomes() -> pa.Table:
    """An outcome table with no rows (the registry's schema, :mod:`escalade.outcomes`)."""
    return SCHEMA.empty_table()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on some platforms
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


__all__ = [
    "DEFAULT_STORE",
    "MANIFEST_KEYS",
    "STORE_ENV",
    "Store",
    "StoreError",
    "chunk_count",
    "chunk_runs",
    "default_store_path",
    "sha256_text",
]
