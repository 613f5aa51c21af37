"""The experiment store: outcome chunks as Parquet files, manifests in an embedded DuckDB catalog.

Layout of a store directory (default ``./escalade-runs``, or ``$ESCALADE_STORE``)::

    catalog.duckdb                                  manifests (table ``experiments``)
    outcomes/experiment=<id>/chunk-000000.parquet   one file per chunk of runs
    tables/experiment=<id>/<name>.parquet           an analysis's own tables (e.g. a sweep's
                                                    design points)
    locks/<id>.lock                                 held by the process running <id>

An experiment has a *kind* (:data:`KINDS`): ``run`` (an ensemble, in chunks), ``arm`` (an
ensemble that is one arm of a ``compare``, its ``parent``), or an analysis built on ensembles
(``compare``, ``sweep``, ``discover``, ``threshold``) that has no chunks of its own: its
results are JSON in the manifest (``results``) and its tables Parquet files, each recorded in
the catalog (table ``tables``) with its sha256 like a chunk.

A chunk file is written under a temporary name, fsynced and renamed, then recorded in the
catalog (table ``chunks``: its run range, row count, size and sha256). A chunk counts as done
only when its file matches its record, so a truncated, swapped or foreign file is found
(:meth:`Store.verify`) and recomputed rather than read. Each chunk also carries its own
manifest in its Parquet key-value metadata, so a lost or damaged catalog can be rebuilt from
the chunks alone (:meth:`Store.rebuild`).
The catalog is opened only for the moment of a read or write, so that ``experiments list``
or ``query`` work while an experiment is running in another process.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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
KINDS = ("run", "arm", "compare", "sweep", "discover", "threshold")
"""What an experiment is; ``run`` and ``arm`` hold outcome chunks, the others are analyses."""
CHUNKED = ("run", "arm")
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
    "kind": "VARCHAR",  # KINDS; NULL (a catalog written before kinds) is "run"
    "parent": "VARCHAR",  # the compare an arm belongs to
    "results": "VARCHAR",  # JSON text: an analysis's results, a run's drivers
    "first_chunk": "BIGINT",  # runs in chunk 0 when smaller than chunk_size; NULL: chunk_size
    "chunk_growth": "BIGINT",  # each early chunk this times the one before; NULL: none
}
_ARROW_TYPES = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "INTEGER": pa.int32()}
_MANIFEST_SCHEMA = pa.schema(
    [(k, _ARROW_TYPES[t.split()[0]]) for k, t in _COLUMNS.items()] + [("runs_done", pa.int64())]
)
_CHUNK_COLUMNS = {
    "experiment": "VARCHAR",
    "chunk": "INTEGER",
    "first_run": "BIGINT",
    "stop_run": "BIGINT",
    "rows": "BIGINT",
    "bytes": "BIGINT",
    "sha256": "VARCHAR",
    "written": "VARCHAR",
}
"""The catalog's record of each chunk written (table ``chunks``)."""
_TABLE_COLUMNS = {
    "experiment": "VARCHAR",
    "name": "VARCHAR",
    "rows": "BIGINT",
    "bytes": "BIGINT",
    "sha256": "VARCHAR",
    "written": "VARCHAR",
}
"""The catalog's record of each analysis table written (table ``tables``)."""
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CHUNK = re.compile(r"^chunk-(\d+)\.parquet$")
_EXPERIMENT_DIR = re.compile(r"^experiment=(.+)$")
CHUNK_META_KEY = b"escalade.chunk"
"""Parquet key-value metadata of a chunk: its manifest, index and run range (JSON)."""
_IDENTITY = (
    *(k for k in MANIFEST_KEYS if k not in ("finished", "status")),
    "scenario_source",
    "first_chunk",
    "chunk_growth",
)
"""The manifest fields a chunk carries: everything but the status, which changes."""
QUARANTINE = "quarantine"
"""Where a bad chunk file is moved before its chunk is recomputed (never deleted)."""
_CATALOG_TURN = threading.RLock()
"""Held by the thread that has a catalog connection open (see :meth:`Store._catalog`)."""
REBUILD_HINT = "`escalade experiments rebuild{}` rebuilds it from the chunks' own manifests"


class StoreError(ValueError):
    """A user's mistake with the store (unknown id, bad SQL, ...): one clear line."""


class StoreFault(StoreError, OSError):
    """The store's files are damaged or cannot be reached (not the user's command): one line
    that says what to do. The command line exits with code 1 for it."""


@dataclass(frozen=True)
class ChunkProblem:
    """Why chunk ``chunk`` of an experiment cannot be trusted."""

    chunk: int
    kind: str
    """``missing``, ``truncated``, ``duplicated``, ``foreign``, ``altered`` or ``unrecorded``."""
    detail: str
    first_run: int
    stop_run: int

    def __str__(self) -> str:
        runs = f"runs {self.first_run:,}..{self.stop_run - 1:,}"
        return f"chunk {self.chunk} ({runs}): {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Verdict:
    """What :meth:`Store.verify` found for one experiment."""

    experiment: str
    chunks: int
    """Chunks the experiment has when complete."""
    good: frozenset[int]
    problems: tuple[ChunkProblem, ...]
    strays: tuple[str, ...] = field(default=())
    """Files in the experiment's folder that are no chunk of it (index past the end, ...)."""
    unrecorded: tuple[int, ...] = field(default=())
    """Good chunks the catalog has no record of (the writer was killed between the file's
    rename and its record): their own manifest and runs check out; ``--repair`` records them."""
    tables: tuple[str, ...] = field(default=())
    """Analysis tables that are missing or differ from their record (one sentence each)."""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.strays and not self.tables

    @property
    def not_run(self) -> int:
        """Chunks never written and not expected yet (an interrupted experiment)."""
        bad = {p.chunk for p in self.problems}
        return self.chunks - len(self.good) - len(bad)


def _read_parquet(source: Any, columns: builtins.list[str] | None = None) -> pa.Table:
    """A Parquet file's table (or some columns): :func:`pyarrow.parquet.read_table` gives the
    same, but through pyarrow.dataset, whose import pulls in pandas (0.4 s in every command
    that reads results)."""
    return pq.ParquetFile(source).read(columns=columns)


def _chunk_meta(table_or_schema: pa.Schema) -> dict[str, Any] | None:
    raw = (table_or_schema.metadata or {}).get(CHUNK_META_KEY)
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None


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


@dataclass(frozen=True)
class ChunkLayout:
    """How an experiment's ``runs`` are cut into chunks: chunk 0 holds ``first`` runs (None:
    ``size``); each next chunk ``growth`` times the runs of the one before (None: ``size`` from
    chunk 1 on) as long as that is fewer than ``size``; every later chunk ``size``. Experiments
    stored before ``first_chunk`` and ``chunk_growth`` existed have NULL for them: ``size``
    runs in every chunk."""

    runs: int
    size: int
    first: int | None = None
    growth: int | None = None

    @classmethod
    def of(cls, manifest: dict[str, Any]) -> ChunkLayout:
        """The layout a manifest (or a chunk's own copy of it) records."""
        first, growth = manifest.get("first_chunk"), manifest.get("chunk_growth")
        return cls(
            int(manifest["runs"]),
            int(manifest["chunk_size"]),
            None if first is None else int(first),
            None if growth is None else int(growth),
        )

    @functools.cached_property
    def ramp(self) -> tuple[int, ...]:
        """The runs of the first chunks, those before the chunks of ``size`` runs (a few:
        they grow geometrically)."""
        if self.first is None:
            return ()
        sizes, growth = [self.first], self.growth or 1
        while growth > 1 and sizes[-1] * growth < self.size:
            sizes.append(sizes[-1] * growth)
        return tuple(sizes)

    def bounds(self, index: int) -> tuple[int, int]:
        """Run ids ``[start, stop)`` of chunk ``index``."""
        ramp = self.ramp
        if index < len(ramp):
            start = sum(ramp[:index])
            return start, min(start + ramp[index], self.runs)
        start = sum(ramp) + (index - len(ramp)) * self.size
        return start, min(start + self.size, self.runs)

    @functools.cached_property
    def count(self) -> int:
        """How many chunks hold the runs (at least 1)."""
        covered = 0
        for index, runs in enumerate(self.ramp):
            covered += runs
            if covered >= self.runs:
                return index + 1
        return max(1, len(self.ramp) + -(-(self.runs - covered) // self.size))

    def runs_in(self, chunks: Iterable[int]) -> int:
        """How many runs the chunks ``chunks`` hold."""
        return sum(len(range(*self.bounds(i))) for i in chunks)


def chunk_runs(
    runs: int, chunk_size: int, index: int, first: int | None = None, growth: int | None = None
) -> tuple[int, int]:
    """Run ids ``[start, stop)`` of chunk ``index`` (see :class:`ChunkLayout`)."""
    return ChunkLayout(runs, chunk_size, first, growth).bounds(index)


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
        """A short-lived connection; waits (bounded) while another process holds the file.
        A damaged or unreadable catalog is a :class:`StoreFault` that says what to do.

        Within one process the connections are taken in turn (:data:`_CATALOG_TURN`): DuckDB
        refuses a read-only and a read-write connection to one file open at once, which
        threads (the web app's jobs and requests) would otherwise do."""
        with _CATALOG_TURN, self._connection(write) as con:
            yield con

    @contextlib.contextmanager
    def _connection(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if write:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._access_fault(exc, "create") from None
        deadline = time.monotonic() + LOCK_WAIT_S
        pause = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.catalog_path), read_only=not write)
                break
            except duckdb.IOException as exc:
                text = str(exc).lower()
                if "lock" in text and time.monotonic() <= deadline:
                    time.sleep(pause)
                    pause = min(pause * 2, 0.5)
                    continue
                if "lock" in text:
                    raise StoreError(
                        f"cannot open the catalog {self.catalog_path}: {_one_line(exc)}"
                    ) from None
                if "permission denied" in text:
                    raise self._access_fault(exc, "write" if write else "read") from None
                raise self._damaged_catalog(exc) from None
            except duckdb.Error as exc:
                raise self._damaged_catalog(exc) from None
        try:
            try:
                if write:
                    _ensure_schema(con)
                yield con
            except duckdb.Error as exc:
                raise self._damaged_catalog(exc) from None
        finally:
            con.close()

    def _damaged_catalog(self, exc: BaseException) -> StoreFault:
        return StoreFault(
            f"the catalog {self.catalog_path} is damaged ({_one_line(exc)}); "
            + REBUILD_HINT.format(_store_flag(self.path))
        )

    def _access_fault(self, exc: OSError | duckdb.Error, doing: str) -> StoreFault:
        why = getattr(exc, "strerror", None) or _one_line(exc)
        return StoreFault(
            f"cannot {doing} the store {self.path}: {why}; check its permissions "
            "(ls -l), or give another store with --store DIR"
        )

    def _tables(self, con: duckdb.DuckDBPyConnection) -> set[str]:
        return {r[0] for r in con.execute("SHOW TABLES").fetchall()}

    def _rows(self, exp_id: str | None = None) -> builtins.list[dict[str, Any]]:
        """Manifests (of one experiment, or all) with their true status and runs done."""
        return self._rows_and_records(exp_id)[0]

    def _rows_and_records(
        self, exp_id: str | None = None
    ) -> tuple[builtins.list[dict[str, Any]], dict[str, dict[int, ChunkRecord]]]:
        """:meth:`_rows` and the chunk records they were checked against, read through one
        connection (a connection costs tens of milliseconds)."""
        if not self.catalog_path.exists():
            return [], {}
        where, params = ("WHERE id = ?", [exp_id]) if exp_id is not None else ("", [])
        with self._catalog() as con:
            tables = self._tables(con)
            if "experiments" not in tables:
                return [], {}
            cur = con.execute(f"SELECT * FROM experiments {where} ORDER BY id", params)
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            records = self._records(con, tables, exp_id)
        for row in rows:
            row["overrides"] = json.loads(row["overrides"] or "{}")
            row["kind"] = row.get("kind") or "run"
            row["results"] = json.loads(row["results"]) if row.get("results") else None
            if row["kind"] not in CHUNKED:  # an analysis: no chunks of its own
                row["status"] = self._effective_status(row["id"], row["status"])
                row["runs_done"] = int(row["runs"]) if row["status"] == "complete" else 0
                continue
            mine = records.get(row["id"], {})
            good, bad = self._quick_check(row, mine)
            row["status"] = self._effective_status(row["id"], row["status"])
            if bad or (row["status"] == "complete" and len(good) < self._total(row)):
                row["status"] = "damaged"
            row["runs_done"] = ChunkLayout.of(row).runs_in(good)
        return rows, records

    def _records(
        self, con: duckdb.DuckDBPyConnection, tables: set[str], exp_id: str | None = None
    ) -> dict[str, dict[int, ChunkRecord]]:
        """The catalog's chunk records, by experiment and chunk index."""
        out: dict[str, dict[int, ChunkRecord]] = {}
        if "chunks" not in tables:
            return out
        where, params = ("WHERE experiment = ?", [exp_id]) if exp_id else ("", [])
        names = ", ".join(_CHUNK_COLUMNS)
        for row in con.execute(f"SELECT {names} FROM chunks {where}", params).fetchall():
            rec = ChunkRecord(*row)
            out.setdefault(rec.experiment, {})[rec.chunk] = rec
        return out

    @staticmethod
    def _total(manifest: dict[str, Any]) -> int:
        if (manifest.get("kind") or "run") not in CHUNKED:
            return 0
        return ChunkLayout.of(manifest).count

    def _quick_check(
        self, manifest: dict[str, Any], records: dict[int, ChunkRecord]
    ) -> tuple[set[int], set[int]]:
        """Chunks whose file is there with its recorded size, and chunks recorded whose file
        is missing or has another size (cheap: only an unrecorded chunk's footer is read, to
        see that it is this chunk; :meth:`verify` reads every file whole)."""
        present = self._files(manifest["id"])
        good: set[int] = set()
        bad: set[int] = set()
        for index, rec in records.items():
            path = present.get(index)
            try:
                size = path.stat().st_size if path is not None else -1
            except OSError:
                size = -1
            (good if size == rec.bytes else bad).add(index)
        total = self._total(manifest)
        for index in set(present) - set(records):
            if index < total and _footer_says(present[index], manifest["id"], index):
                good.add(index)  # written by a writer killed before it recorded the chunk
        return good, bad

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
        row["kind"] = manifest.get("kind") or "run"
        if row["kind"] not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {row['kind']!r}")
        row["results"] = _results_json(manifest.get("results"))
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
        if "results" in fields:
            fields["results"] = _results_json(fields["results"])
        self.manifest(exp_id)  # raises if unknown
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._catalog(write=True) as con:
            con.execute(f"UPDATE experiments SET {sets} WHERE id = ?", [*fields.values(), exp_id])

    def manifest(self, exp_id: str) -> dict[str, Any]:
        """The manifest of experiment ``exp_id`` (exact id; see :meth:`resolve` for prefixes)."""
        return self._manifest_and_records(exp_id)[0]

    def _manifest_and_records(self, exp_id: str) -> tuple[dict[str, Any], dict[int, ChunkRecord]]:
        """The manifest of ``exp_id`` and its chunk records, through one connection; the
        manifest's identity is remembered for :meth:`write_chunk`."""
        rows, records = self._rows_and_records(exp_id)
        if not rows:
            raise StoreError(f"no experiment '{exp_id}' in the store {self.path}")
        self._identities.setdefault(exp_id, {k: rows[0].get(k) for k in _IDENTITY})
        return rows[0], records.get(exp_id, {})

    def list(self) -> builtins.list[dict[str, Any]]:
        """Every experiment's manifest, oldest first (ids sort by start time)."""
        return self._rows()

    def resolve(self, prefix: str) -> str:
        """The id of the one experiment whose id starts with ``prefix`` (``latest``: the newest
        that is no arm of a compare)."""
        prefix = prefix.strip()
        rows = self._id_rows()
        ids = [r["id"] for r in rows]
        if prefix in ids:
            return prefix
        tops = [r["id"] for r in rows if not r["parent"]]
        if prefix == "latest" and tops:
            return tops[-1]
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
            have = {r[0] for r in con.execute("DESCRIBE experiments").fetchall()}
            parent = "parent" if "parent" in have else "NULL"
            ids = con.execute(f"SELECT id, {parent} FROM experiments ORDER BY id").fetchall()
            return [{"id": r[0], "parent": r[1]} for r in ids]

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
            self._record_unrecorded(exp_id)
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
    @property
    def _identities(self) -> dict[str, dict[str, Any]]:
        """The manifest fields every chunk of an experiment carries, by id (cached: they never
        change)."""
        cache: dict[str, dict[str, Any]] = self.__dict__.setdefault("_identity_cache", {})
        return cache

    def _identity(self, exp_id: str) -> dict[str, Any]:
        if exp_id not in self._identities:
            self.manifest(exp_id)
        return self._identities[exp_id]

    def write_chunk(self, exp_id: str, chunk_index: int, table: pa.Table) -> Path:
        """Write one chunk atomically (temporary name, fsync, rename, fsync the directory),
        with its manifest in the file's metadata, then record its checksum in the catalog.
        A bad file already in its place is moved to ``quarantine/``, not overwritten."""
        ident = self._identity(exp_id)
        start, stop = ChunkLayout.of(ident).bounds(chunk_index)
        if table.num_rows != stop - start:
            raise StoreError(
                f"chunk {chunk_index} of {exp_id} needs runs {start}..{stop - 1}, "
                f"got {table.num_rows} rows"
            )
        written = now_iso()
        meta = {"format": 1, "manifest": ident, "chunk": chunk_index, "first_run": start}
        meta.update(stop_run=stop, rows=table.num_rows, written=written)
        tagged = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), CHUNK_META_KEY: json.dumps(meta, default=str)}
        )
        sink = pa.BufferOutputStream()
        pq.write_table(tagged, sink, compression="zstd")
        data = sink.getvalue().to_pybytes()
        final = self.chunk_path(exp_id, chunk_index)
        if final.exists():
            self._quarantine(exp_id, final)
        self._write_atomically(final, data)
        record = ChunkRecord(
            exp_id, chunk_index, start, stop, table.num_rows, len(data), _sha(data), written
        )
        with self._catalog(write=True) as con:
            _record(con, record)
        return final

    def _write_atomically(self, final: Path, data: bytes) -> None:
        """Temporary name, fsync, rename, fsync the directory: whole or not at all."""
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        except PermissionError as exc:
            raise self._access_fault(exc, "write") from None

    def _quarantine(self, exp_id: str, path: Path) -> Path:
        """Move a file that is no good chunk out of the way (kept, for whoever wants it)."""
        folder = self.path / QUARANTINE / f"experiment={exp_id}"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{path.name}.{stamp}"
        os.replace(path, target)
        return target

    def _files(self, exp_id: str) -> dict[int, Path]:
        folder = self.experiment_dir(exp_id)
        try:
            names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        except OSError as exc:
            raise self._access_fault(exc, "read") from None
        return {int(m.group(1)): folder / n for n in names if (m := _CHUNK.match(n))}

    def done_chunks(self, exp_id: str) -> set[int]:
        """Indices of the chunks written and verified: the file is there and matches the
        catalog's record (size and sha256). A missing, truncated, swapped or foreign file is
        not done, so resuming recomputes it."""
        return set(self.verify(exp_id).good)

    def clean_partial(self, exp_id: str) -> int:
        """Remove temporary files left by a killed writer; returns how many."""
        folder = self.experiment_dir(exp_id)
        gone = 0
        if folder.is_dir():
            for p in folder.glob(".chunk-*.tmp"):
                p.unlink(missing_ok=True)
                gone += 1
        return gone

    def chunk_files(self, exp_id: str) -> builtins.list[Path]:
        """The files of the verified chunks, in run order."""
        return [self.chunk_path(exp_id, i) for i in sorted(self.done_chunks(exp_id))]

    def verify(self, exp_id: str) -> Verdict:
        """Read every chunk file of ``exp_id`` and compare it with its record and its own
        manifest: which chunks are good, and what is wrong with the others."""
        m, records = self._manifest_and_records(exp_id)
        total = self._total(m)
        files = self._files(exp_id)
        layout = ChunkLayout.of(m)
        good: set[int] = set()
        unrecorded: list[int] = []
        problems: list[ChunkProblem] = []
        for index in sorted(set(records) | {i for i in files if i < total}):
            kind, detail = _check_chunk(exp_id, index, m, records.get(index), files.get(index))
            if kind in ("", "unrecorded"):  # unrecorded: its own manifest and runs check out
                good.add(index)
                if kind:
                    unrecorded.append(index)
            else:
                problems.append(ChunkProblem(index, kind, detail, *layout.bounds(index)))
        if m["status"] == "complete":
            for index in sorted(set(range(total)) - good - {p.chunk for p in problems}):
                detail = "the experiment is complete but this chunk was never recorded"
                problems.append(ChunkProblem(index, "missing", detail, *layout.bounds(index)))
        strays = tuple(files[i].name for i in sorted(files) if i >= total)
        problems.sort(key=lambda p: p.chunk)
        tables = tuple(
            problem
            for name, record in self._table_records(exp_id).items()
            if (problem := self._table_problem(exp_id, name, record))
        )
        return Verdict(
            exp_id, total, frozenset(good), tuple(problems), strays, tuple(unrecorded), tables
        )

    def read_chunk(
        self,
        exp_id: str,
        index: int,
        record: ChunkRecord,
        columns: builtins.list[str] | None = None,
    ) -> pa.Table:
        """One chunk's table (or some of its columns), checked against its record as read."""
        path = self.chunk_path(exp_id, index)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise self._access_fault(exc, "read") from None
        if data is None or len(data) != record.bytes or _sha(data) != record.sha256:
            m = self.manifest(exp_id)
            kind, detail = _check_chunk(exp_id, index, m, record, path if data else None)
            raise StoreFault(
                f"experiment {exp_id}, chunk {index} (runs {record.first_run:,}.."
                f"{record.stop_run - 1:,}) is {kind or 'altered'}: {detail}; "
                f"`escalade experiments verify {exp_id} --repair{_store_flag(self.path)}` "
                "recomputes it"
            )
        return _without_chunk_meta(_read_parquet(pa.BufferReader(data), columns=columns))

    def iter_chunks(
        self, exp_id: str, columns: builtins.list[str] | None = None
    ) -> Iterator[pa.Table]:
        """The outcome chunks in run order, one table at a time (memory stays bounded); each
        is checked against its record, and a damaged one is a :class:`StoreFault`."""
        m, records = self._manifest_and_records(exp_id)
        total = self._total(m)
        if m["status"] == "damaged":
            verdict = self.verify(exp_id)
            if verdict.problems:
                raise StoreFault(
                    f"experiment {exp_id} is damaged: {verdict.problems[0]}"
                    + (
                        f" (and {len(verdict.problems) - 1} more)"
                        if len(verdict.problems) > 1
                        else ""
                    )
                    + f"; `escalade experiments verify {exp_id} --repair"
                    f"{_store_flag(self.path)}` recomputes what is wrong"
                )
        unrecorded = {i for i in self._files(exp_id) if i < total} - records.keys()
        for index in sorted(records.keys() | unrecorded):
            if index in records:
                yield self.read_chunk(exp_id, index, records[index], columns)
            else:  # no checksum yet: its own manifest and its runs are checked instead
                table = self._read_unrecorded(exp_id, index, m)
                yield table.select(columns) if columns is not None else table

    def _read_unrecorded(self, exp_id: str, index: int, manifest: dict[str, Any]) -> pa.Table:
        path = self.chunk_path(exp_id, index)
        kind, detail = _check_chunk(exp_id, index, manifest, None, path)
        if kind != "unrecorded":
            raise StoreFault(
                f"experiment {exp_id}, chunk {index} is {kind}: {detail}; "
                f"`escalade experiments verify {exp_id} --repair{_store_flag(self.path)}` "
                "recomputes it"
            )
        return _without_chunk_meta(_read_parquet(path))

    def outcomes(self, exp_id: str, columns: builtins.list[str] | None = None) -> pa.Table:
        """All outcome rows written for ``exp_id``, sorted by run."""
        tables = list(self.iter_chunks(exp_id, columns))
        if not tables:
            empty = _empty_outcomes()
            return empty.select(columns) if columns is not None else empty
        table = pa.concat_tables(tables, promote_options="permissive")
        return table.sort_by("run") if "run" in table.column_names else table

    def orphans(self) -> builtins.list[str]:
        """Ids of experiments with chunk files on disk but no row in the catalog (a lost or
        replaced catalog): :meth:`rebuild` brings them back."""
        known = {r["id"] for r in self._id_rows()}
        out = []
        if self.outcomes_root.is_dir():
            for folder in sorted(self.outcomes_root.iterdir()):
                m = _EXPERIMENT_DIR.match(folder.name)
                if m and m.group(1) not in known and any(folder.glob("chunk-*.parquet")):
                    out.append(m.group(1))
        return out

    def rebuild(self) -> dict[str, Any]:
        """Rebuild the catalog from the chunks' own manifests. A readable catalog's rows are
        kept (chunks are re-recorded); a damaged one is moved aside to ``*.damaged-<time>``.
        Returns what was done: ``experiments``, ``chunks``, ``skipped`` (file, reason),
        ``moved`` (where the damaged catalog went, or None)."""
        old_rows: dict[str, dict[str, Any]] = {}
        moved: str | None = None
        if self.catalog_path.exists():
            try:
                with self._catalog() as con:
                    if "experiments" in self._tables(con):
                        cur = con.execute("SELECT * FROM experiments")
                        names = [d[0] for d in cur.description]
                        for r in cur.fetchall():
                            row = dict(zip(names, r, strict=True))
                            old_rows[row["id"]] = row
            except StoreFault as exc:
                if "damaged" not in str(exc):
                    raise
                moved = str(self._move_catalog_aside())
        found, skipped = self._scan_chunks()
        for exp_id in sorted(set(found) | set(old_rows)):
            if self._is_running(exp_id):
                raise StoreError(f"experiment {exp_id} is running; rebuild once it has stopped")
        tmp = self.catalog_path.with_name(f".{CATALOG}.{os.getpid()}.rebuild")
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        self.path.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(tmp))
        chunks = 0
        try:
            _ensure_schema(con)
            for exp_id in sorted(set(found) | set(old_rows)):
                records = found.get(exp_id, {})
                row = old_rows.get(exp_id) or _row_from_chunks(records)
                _insert_experiment(con, row)
                for rec, _ in records.values():
                    _record(con, rec)
                    chunks += 1
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, self.catalog_path)
        self.catalog_path.with_name(CATALOG + ".wal").unlink(missing_ok=True)
        _fsync_dir(self.path)
        return {
            "experiments": sorted(set(found) | set(old_rows)),
            "recovered": sorted(set(found) - set(old_rows)),
            "chunks": chunks,
            "skipped": skipped,
            "moved": moved,
        }

    def _move_catalog_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = self.catalog_path.with_name(f"{CATALOG}.damaged-{stamp}")
        os.replace(self.catalog_path, target)
        wal = self.catalog_path.with_name(CATALOG + ".wal")
        if wal.exists():
            os.replace(wal, target.with_name(target.name + ".wal"))
        return target

    def _scan_chunks(
        self,
    ) -> tuple[dict[str, dict[int, tuple[ChunkRecord, dict[str, Any]]]], builtins.list[Any]]:
        """Every chunk file whose own manifest says it is where it belongs, with its record;
        and the files skipped, with why."""
        found: dict[str, dict[int, tuple[ChunkRecord, dict[str, Any]]]] = {}
        skipped: builtins.list[tuple[str, str]] = []
        if not self.outcomes_root.is_dir():
            return found, skipped
        for folder in sorted(self.outcomes_root.iterdir()):
            dir_match = _EXPERIMENT_DIR.match(folder.name)
            if not dir_match or not folder.is_dir():
                continue
            exp_id = dir_match.group(1)
            for path in sorted(folder.glob("chunk-*.parquet")):
                name_match = _CHUNK.match(path.name)
                if not name_match:
                    continue
                index = int(name_match.group(1))
                data = path.read_bytes()
                meta, why = _read_meta(data)
                if meta is None:
                    skipped.append((str(path), why))
                    continue
                ident = meta["manifest"]
                kind, detail = _check_chunk(exp_id, index, ident, None, path)
                if kind != "unrecorded":  # foreign, duplicated, cut short: not this chunk
                    skipped.append((str(path), f"{kind}: {detail}"))
                    continue
                rec = _record_of(exp_id, index, meta, data)
                found.setdefault(exp_id, {})[index] = (rec, ident)
        return found, skipped

    def record_existing(self, exp_id: str, index: int) -> None:
        """Record a chunk file that was written but not recorded (its writer was killed
        between the rename and the record), once its content checks out."""
        m = self.manifest(exp_id)
        path = self.chunk_path(exp_id, index)
        kind, detail = _check_chunk(exp_id, index, m, None, path)
        if kind != "unrecorded":
            raise StoreError(f"chunk {index} of {exp_id} cannot be recorded: {kind}: {detail}")
        data = path.read_bytes()
        meta, _ = _read_meta(data)
        assert meta is not None
        with self._catalog(write=True) as con:
            _record(con, _record_of(exp_id, index, meta, data))

    def _record_unrecorded(self, exp_id: str) -> None:
        """Record the good chunks a killed writer left unrecorded (under the run's lock)."""
        if not self._files(exp_id):
            return
        with contextlib.suppress(StoreError):  # a good chunk never fails; others stay as they are
            for index in self.verify(exp_id).unrecorded:
                self.record_existing(exp_id, index)

    def quarantine_strays(self, exp_id: str) -> builtins.list[Path]:
        """Move the files of ``exp_id``'s folder that are no chunk of it to ``quarantine/``."""
        total = self._total(self.manifest(exp_id))
        files = self._files(exp_id)
        return [self._quarantine(exp_id, files[i]) for i in sorted(files) if i >= total]

    # -- an analysis's tables -------------------------------------------------------------
    def table_path(self, exp_id: str, name: str) -> Path:
        return self.path / "tables" / f"experiment={exp_id}" / f"{name}.parquet"

    def write_table(self, exp_id: str, name: str, table: pa.Table) -> Path:
        """Write an analysis table of ``exp_id`` atomically and record its sha256."""
        if not _TABLE_NAME.match(name):
            raise ValueError(f"a table name is lower-case letters, digits and _, got {name!r}")
        self.manifest(exp_id)  # raises if unknown
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        data = sink.getvalue().to_pybytes()
        final = self.table_path(exp_id, name)
        self._write_atomically(final, data)
        values = [exp_id, name, table.num_rows, len(data), _sha(data), now_iso()]
        with self._catalog(write=True) as con:
            con.execute(
                f"INSERT OR REPLACE INTO tables ({', '.join(_TABLE_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in values)})",
                values,
            )
        return final

    def _table_records(self, exp_id: str) -> dict[str, tuple[int, str]]:
        """``name -> (bytes, sha256)`` of the tables recorded for ``exp_id``."""
        if not self.catalog_path.exists():
            return {}
        with self._catalog() as con:
            if "tables" not in self._tables(con):
                return {}
            rows = con.execute(
                "SELECT name, bytes, sha256 FROM tables WHERE experiment = ? ORDER BY name",
                [exp_id],
            ).fetchall()
        return {r[0]: (int(r[1]), str(r[2])) for r in rows}

    def _table_problem(self, exp_id: str, name: str, record: tuple[int, str]) -> str:
        path = self.table_path(exp_id, name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return f"table {name}: missing ({path} is gone)"
        except OSError as exc:
            return f"table {name}: cannot be read ({exc.strerror or exc})"
        if len(data) != record[0] or _sha(data) != record[1]:
            return f"table {name}: altered (its content differs from the recorded checksum)"
        return ""

    def read_table(self, exp_id: str, name: str) -> pa.Table:
        """An analysis table of ``exp_id``, checked against its record as read."""
        record = self._table_records(exp_id).get(name)
        if record is None:
            raise StoreError(f"experiment {exp_id} has no table '{name}'")
        problem = self._table_problem(exp_id, name, record)
        if problem:
            raise StoreFault(
                f"experiment {exp_id}: {problem}; run the analysis again to recompute it"
            )
        return _read_parquet(self.table_path(exp_id, name))

    # -- an unfinished analysis's checkpoint -----------------------------------------------
    def checkpoint_path(self, exp_id: str) -> Path:
        return self.path / "tables" / f"experiment={exp_id}" / "checkpoint.json"

    def write_checkpoint(self, exp_id: str, data: dict[str, Any]) -> None:
        """Keep what an unfinished analysis has computed so far (JSON, written atomically: a
        crash leaves the previous checkpoint whole). A file, not the catalog: it is rewritten
        after every point, and a catalog write costs ten times as much."""
        self._write_atomically(self.checkpoint_path(exp_id), json.dumps(data).encode("utf-8"))

    def read_checkpoint(self, exp_id: str) -> dict[str, Any]:
        """What :meth:`write_checkpoint` kept; ``{}`` when there is none or it cannot be read
        (its points are then computed again, with the same results)."""
        try:
            data = json.loads(self.checkpoint_path(exp_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def drop_checkpoint(self, exp_id: str) -> None:
        """Remove the checkpoint of a finished analysis (nothing if it has none)."""
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint_path(exp_id).unlink()

    def table_names(self, exp_id: str) -> builtins.list[str]:
        return builtins.list(self._table_records(exp_id))

    def children(self, exp_id: str) -> builtins.list[dict[str, Any]]:
        """The experiments whose ``parent`` is ``exp_id`` (a compare's arms), oldest first."""
        return [m for m in self.list() if m.get("parent") == exp_id]

    # -- queries --------------------------------------------------------------------------
    def _verified_files(self, manifests: builtins.list[dict[str, Any]]) -> builtins.list[Path]:
        """The chunk files of every experiment, each checked; a damaged experiment stops the
        query with what to do rather than giving silently wrong rows."""
        files: builtins.list[Path] = []
        for m in manifests:
            verdict = self.verify(m["id"])
            if verdict.problems:
                raise StoreFault(
                    f"experiment {m['id']} is damaged ({verdict.problems[0]}); "
                    f"`escalade experiments verify {m['id']} --repair{_store_flag(self.path)}` "
                    "recomputes what is wrong"
                )
            files += [self.chunk_path(m["id"], i) for i in sorted(verdict.good)]
        return files

    def connect(self, unsafe: bool = False) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with two views: ``outcomes`` (every experiment's
        checked rows, with an ``experiment`` column) and ``experiments`` (the manifests).

        Unless ``unsafe``, the connection cannot reach files, the network or extensions, and
        its configuration is locked: the views are all it can read."""
        manifests = self.list()
        files = self._verified_files(manifests)
        con = duckdb.connect() if unsafe else duckdb.connect(":memory:", config=SAFE_CONFIG)
        rows = [
            {
                **m,
                "overrides": json.dumps(m["overrides"], sort_keys=True, default=str),
                "results": _results_json(m["results"]),
            }
            for m in manifests
        ]
        con.register("_experiments", pa.Table.from_pylist(rows, schema=_MANIFEST_SCHEMA))
        con.execute("CREATE VIEW experiments AS SELECT * FROM _experiments")
        if files and unsafe:
            listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            con.execute(
                f"CREATE VIEW outcomes AS SELECT * FROM read_parquet([{listed}], "
                "hive_partitioning = true, hive_types = {'experiment': VARCHAR}, "
                "union_by_name = true)"
            )
        elif files:  # read by pyarrow, not by DuckDB's file system (which is switched off)
            import pyarrow.dataset as ds  # imported here: it pulls in pandas (0.4 s)

            schema = pa.unify_schemas(
                [pq.read_schema(f) for f in files], promote_options="permissive"
            )
            dataset = ds.dataset(
                [str(f) for f in files],
                schema=schema.append(pa.field("experiment", pa.string())),
                format="parquet",
                partitioning=ds.partitioning(
                    pa.schema([("experiment", pa.string())]), flavor="hive"
                ),
                partition_base_dir=str(self.outcomes_root),
            )
            con.register("_outcomes", dataset)
            con.execute("CREATE VIEW outcomes AS SELECT * FROM _outcomes")
        else:
            con.register("_no_outcomes", _empty_outcomes())
            con.execute(
                "CREATE VIEW outcomes AS SELECT *, NULL::VARCHAR AS experiment FROM _no_outcomes"
            )
        if not unsafe:
            con.execute("SET lock_configuration = true")
        return con

    def query(self, sql: str, unsafe: bool = False) -> pa.Table:
        """Run SQL over the views ``outcomes`` and ``experiments``; the result as Arrow.

        Only ``SELECT`` (and ``EXPLAIN``) is allowed, on a connection that cannot read or
        write files; ``unsafe=True`` gives the full DuckDB (files, ``COPY``, extensions)."""
        if not sql.strip():
            raise StoreError("the query is empty")
        con = self.connect(unsafe)
        try:
            if not unsafe:
                for statement in con.extract_statements(sql):
                    if statement.type not in _READ_ONLY_STATEMENTS:
                        kind = (statement.query.split() or ["this statement"])[0].upper()
                        raise StoreError(
                            f"query failed: {kind} is not allowed; `escalade query` runs "
                            f"SELECT only, over the views outcomes and experiments {UNSAFE_HINT}"
                        )
            relation = con.sql(sql)
            if relation is None:
                return pa.table({})
            table = relation.to_arrow_table()
            return table.rename_columns(_unique_names(table.column_names))
        except duckdb.PermissionException:
            raise StoreError(
                "query failed: reading or writing files, or loading extensions, is not allowed "
                f"in `escalade query`; the views outcomes and experiments hold the store's data "
                f"{UNSAFE_HINT}"
            ) from None
        except duckdb.Error as exc:
            raise StoreError(f"query failed: {_one_line(exc)}") from None
        finally:
            con.close()


SAFE_CONFIG: dict[str, str | bool | int | float | builtins.list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
"""DuckDB settings of ``escalade query``'s connection (then ``lock_configuration``)."""
_READ_ONLY_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
UNSAFE_HINT = "(--unsafe opens the full DuckDB, with access to files)"


@dataclass(frozen=True)
class ChunkRecord:
    """The catalog's record of one chunk file (a row of table ``chunks``)."""

    experiment: str
    chunk: int
    first_run: int
    stop_run: int
    rows: int
    bytes: int
    sha256: str
    written: str


def _without_chunk_meta(table: pa.Table) -> pa.Table:
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k != CHUNK_META_KEY}
    return table.replace_schema_metadata(meta or None)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _store_flag(path: Path) -> str:
    return "" if path == Path(DEFAULT_STORE) else f" --store {path}"


def _results_json(results: Any) -> str | None:
    return None if results is None else json.dumps(results, sort_keys=True, default=str)


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{k} {t}" for k, t in _COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS experiments ({cols})")
    have = {r[0] for r in con.execute("DESCRIBE experiments").fetchall()}
    for k, t in _COLUMNS.items():
        if k not in have:
            con.execute(f"ALTER TABLE experiments ADD COLUMN {k} {t.split()[0]}")
    chunk_cols = ", ".join(f"{k} {t}" for k, t in _CHUNK_COLUMNS.items())
    con.execute(
        f"CREATE TABLE IF NOT EXISTS chunks ({chunk_cols}, PRIMARY KEY (experiment, chunk))"
    )
    table_cols = ", ".join(f"{k} {t}" for k, t in _TABLE_COLUMNS.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS tables ({table_cols}, PRIMARY KEY (experiment, name))")


def _record_of(exp_id: str, index: int, meta: dict[str, Any], data: bytes) -> ChunkRecord:
    """The record of a chunk file (``data``) from its own manifest (``meta``)."""
    return ChunkRecord(
        exp_id,
        index,
        int(meta["first_run"]),
        int(meta["stop_run"]),
        int(meta["rows"]),
        len(data),
        _sha(data),
        str(meta.get("written") or now_iso()),
    )


def _record(con: duckdb.DuckDBPyConnection, rec: ChunkRecord) -> None:
    values = [getattr(rec, k) for k in _CHUNK_COLUMNS]
    con.execute(
        f"INSERT OR REPLACE INTO chunks ({', '.join(_CHUNK_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in values)})",
        values,
    )


def _insert_experiment(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    names = [n for n in _COLUMNS if n in row]
    con.execute(
        f"INSERT INTO experiments ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [row[n] for n in names],
    )


def _row_from_chunks(chunks: dict[int, tuple[ChunkRecord, dict[str, Any]]]) -> dict[str, Any]:
    """An experiment's catalog row from its chunks' own manifests (the newest chunk's)."""
    newest = max(chunks.values(), key=lambda c: c[0].written)
    row: dict[str, Any] = {k: None for k in _COLUMNS}
    row.update({k: v for k, v in newest[1].items() if k in _COLUMNS})
    row["overrides"] = json.dumps(row.get("overrides") or {}, sort_keys=True, default=str)
    total = ChunkLayout.of(row).count
    complete = set(chunks) == set(range(total))
    row["status"] = "complete" if complete else "interrupted"
    row["finished"] = newest[0].written if complete else None
    return row


def _footer_says(path: Path, exp_id: str, index: int) -> bool:
    """Whether the file's own manifest says it is chunk ``index`` of ``exp_id``."""
    try:
        meta = _chunk_meta(pq.read_schema(path))
    except (pa.ArrowException, OSError):
        return False
    if meta is None or not isinstance(meta.get("manifest"), dict):
        return False
    return bool(meta.get("chunk") == index and meta["manifest"].get("id") == exp_id)


def _read_meta(data: bytes) -> tuple[dict[str, Any] | None, str]:
    """A chunk file's own manifest, or None and why it has none."""
    if not data:
        return None, "empty: the file has 0 bytes"
    try:
        schema = pq.read_schema(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        return None, f"truncated: not a readable Parquet file ({_one_line(exc)})"
    meta = _chunk_meta(schema)
    if meta is None or not isinstance(meta.get("manifest"), dict):
        return None, "foreign: a Parquet file that carries no escalade chunk manifest"
    return meta, ""


def _check_chunk(
    exp_id: str,
    index: int,
    manifest: dict[str, Any],
    record: ChunkRecord | None,
    path: Path | None,
) -> tuple[str, str]:
    """``("", "")`` for a good chunk, else its problem's kind and a sentence about it."""
    if path is None or not path.exists():
        return "missing", "the file is gone"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return "truncated", f"the file cannot be read ({exc.strerror or exc})"
    if record is not None and len(data) == record.bytes and _sha(data) == record.sha256:
        return "", ""
    size = f" ({len(data):,} of {record.bytes:,} bytes)" if record is not None else ""
    meta, why = _read_meta(data)
    if meta is None:
        kind, _, detail = why.partition(": ")
        return ("truncated", f"{detail}{size}") if kind == "empty" else (kind, detail + size)
    owner = meta["manifest"].get("id")
    if owner != exp_id:
        return "foreign", f"a chunk of experiment {owner}, not of this one"
    if meta.get("chunk") != index:
        first, stop = meta.get("first_run", 0), meta.get("stop_run", 0)
        return "duplicated", (
            f"a copy of chunk {meta.get('chunk')} (runs {first:,}..{stop - 1:,}), "
            "whose runs would count twice"
        )
    start, stop = ChunkLayout.of(manifest).bounds(index)
    try:
        runs = _read_parquet(pa.BufferReader(data), columns=["run"])["run"].to_pylist()
    except (pa.ArrowException, OSError, KeyError) as exc:
        return "truncated", f"its data cannot be read ({_one_line(exc)}){size}"
    if runs != list(range(start, stop)):
        return "truncated", f"it holds {len(runs):,} of its {stop - start:,} runs{size}"
    if record is None:
        return "unrecorded", "written but not recorded in the catalog (its runs check out)"
    return "altered", "its content differs from the checksum recorded when it was written"


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
    "CHUNKED",
    "CHUNK_META_KEY",
    "DEFAULT_STORE",
    "KINDS",
    "MANIFEST_KEYS",
    "STORE_ENV",
    "ChunkLayout",
    "ChunkProblem",
    "ChunkRecord",
    "Store",
    "StoreError",
    "StoreFault",
    "Verdict",
    "chunk_runs",
    "default_store_path",
    "sha256_text",
]
