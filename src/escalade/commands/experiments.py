"""``escalade experiments list|show|verify|rebuild`` and ``escalade query``: what the store
holds, whether it can be trusted, and how to repair it."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Iterator, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich import box
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from escalade.cli_common import JsonOpt, console, err, summary_table, user_errors
from escalade.store import (
    CHUNKED,
    DEFAULT_STORE,
    STORE_ENV,
    Store,
    StoreError,
    Verdict,
    now_iso,
)

StoreOpt = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        help="Experiment store directory",
        file_okay=False,
    ),
]
DEFAULT_STORE_PATH = Path(DEFAULT_STORE)
SUMMARY_COLUMNS = [
    "max_rung",
    "first_direct_day",
    "first_strategic_day",
    "first_war_day",
    "first_combat_day",
    "deaths",
    "defence_cost_usd",
    "ended",
]
"""Outcome columns :func:`escalade.analysis.stats.summary` reads."""
MAX_CELL = 40
"""Characters of a text cell ``escalade query`` prints (``--json`` prints it whole)."""
MAX_ROWS = 100
"""Rows ``escalade query`` prints as a table (``--json`` prints every row)."""

experiments_app = typer.Typer(
    help="The experiments in a store: list, show, verify and repair them, rebuild the catalog.",
    no_args_is_help=True,
)
STATUS_COLOURS = {"complete": "green", "running": "yellow", "interrupted": "red", "damaged": "red"}


def store_flag(store: Path) -> str:
    """`` --store DIR`` when the store is not the default, for commands we suggest."""
    return "" if store == DEFAULT_STORE_PATH else f" --store {store}"


def when(iso: str | None) -> str:
    return "" if not iso else iso[:19].replace("T", " ")


def took(started: str | None, finished: str | None) -> str:
    """``1 h 02 min``, ``3 min 05 s``, ``12 s`` from two ISO times ("" if unfinished)."""
    if not started or not finished:
        return ""
    seconds = int(
        (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    )
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@contextlib.contextmanager
def analysis(
    st: Store,
    kind: str,
    spec: str,
    overrides: dict[str, Any],
    seed: int,
    runs: int,
    days: int | None,
) -> Iterator[str]:
    """Register an analysis experiment (``compare``, ``sweep``, ...) of scenario ``spec`` and
    hold its lock while the body computes it; yields its id. The body stores the results with
    :func:`finish`; an exception marks it ``interrupted``."""
    from escalade.ensemble import normalise_overrides
    from escalade.scenario.load import load_scenario, resolve_source

    source = resolve_source(spec)
    ov = normalise_overrides(overrides)
    sc = load_scenario(source, ov or None)  # located errors before anything is registered
    exp_id = st.create(
        {
            "kind": kind,
            "scenario_name": sc.name,
            "scenario_yaml": source.read_text(encoding="utf-8"),
            "scenario_source": spec,
            "seed": seed,
            "overrides": ov,
            "runs": runs,
            "days": sc.horizon_days if days is None else days,
            "chunk_size": max(runs, 1),
        }
    )
    with held(st, exp_id):
        yield exp_id


@contextlib.contextmanager
def held(st: Store, exp_id: str) -> Iterator[str]:
    """Hold the lock of analysis ``exp_id`` (new or resumed) while the body computes it,
    marked ``running``; an exception marks it ``interrupted``."""
    try:
        with st.running(exp_id):
            st.update(exp_id, status="running", finished=None)
            yield exp_id
    except BaseException:
        st.update(exp_id, status="interrupted")
        raise


def reopen(st: Store, resume: str, kind: str) -> tuple[str, dict[str, Any]]:
    """The id and stored results of the analysis of ``kind`` that ``--resume`` names, once
    it is known it can be resumed: the same kind, written by this version of escalade, and
    its scenario file unchanged since."""
    from escalade import __version__
    from escalade.scenario.load import resolve_source
    from escalade.store import sha256_text

    exp_id = st.resolve(resume)
    m = st.manifest(exp_id)
    if m["kind"] != kind:
        raise ValueError(f"experiment {exp_id} is a {m['kind']}, not a {kind}")
    if m["version"] != __version__:
        raise ValueError(
            f"cannot resume {exp_id}: it was started with escalade {m['version']}, this is "
            f"{__version__}; its points would mix two versions of the model"
        )
    spec = str(m.get("scenario_source") or m["scenario_name"])
    if sha256_text(resolve_source(spec).read_text(encoding="utf-8")) != m["scenario_sha256"]:
        raise ValueError(
            f"cannot resume {exp_id}: the scenario '{spec}' changed since it started; "
            f"start a new {kind}"
        )
    return exp_id, dict(m.get("results") or {})


class Checkpoint(MutableMapping[int, dict[str, Any]]):
    """What a resumable analysis (sweep, discover, threshold) has computed so far, by point:
    the arguments it was started with (``request``, all that ``--resume`` needs, kept in its
    manifest as ``results["request"]``) and each point as it arrives (kept in the store's
    checkpoint file, :meth:`Store.write_checkpoint`). Read back by :func:`resumable`, so a
    resumed analysis computes only what is missing."""

    def __init__(self, st: Store, exp_id: str, request: dict[str, Any]) -> None:
        self.st, self.exp_id = st, exp_id
        self.request: dict[str, Any] = json.loads(json.dumps(request))  # as stored and read
        done = st.read_checkpoint(exp_id).get("done") or {}
        self._done = {int(k): v for k, v in done.items()}

    def __getitem__(self, key: int) -> dict[str, Any]:
        return self._done[key]

    def __setitem__(self, key: int, value: dict[str, Any]) -> None:
        self._done[key] = value
        self.save()

    def __delitem__(self, key: int) -> None:
        del self._done[key]
        self.save()

    def __iter__(self) -> Iterator[int]:
        return iter(self._done)

    def __len__(self) -> int:
        return len(self._done)

    def save(self) -> None:
        done = {str(k): v for k, v in sorted(self._done.items())}
        self.st.write_checkpoint(self.exp_id, {"done": done})


@contextlib.contextmanager
def resumable(
    st: Store, kind: str, request: dict[str, Any] | None, resume: str | None
) -> Iterator[Checkpoint]:
    """Start an analysis of ``kind`` with ``request`` (its arguments, with at least
    ``scenario``, ``overrides``, ``seed``, ``runs`` and ``days``), or resume the one
    ``resume`` names with the request it stored; yields its :class:`Checkpoint`. Ctrl-C keeps
    the points done and says how to resume."""
    exp_id: str | None = None
    if resume is not None:
        exp_id, before = reopen(st, resume, kind)
        if "request" not in before:
            raise ValueError(
                f"experiment {exp_id} is complete (or kept no record of its request); "
                f"nothing to resume: `escalade report {exp_id}{store_flag(st.path)}` shows it"
            )
        ctx = held(st, exp_id)
        request = before["request"]
    else:
        if request is None:  # pragma: no cover - the commands always give one
            raise ValueError("give a scenario, or --resume ID")
        r = request
        ctx = analysis(st, kind, r["scenario"], r["overrides"], r["seed"], r["runs"], r["days"])
    try:
        with ctx as exp_id:
            checkpoint = Checkpoint(st, exp_id, request)
            if resume is None:  # what --resume needs, before any point is computed
                st.update(exp_id, results={"request": checkpoint.request})
            yield checkpoint
    except KeyboardInterrupt:
        if exp_id is None:
            raise
        err.print(
            f"interrupted: experiment {exp_id} keeps its finished points; resume with:\n"
            f"  escalade {kind} --resume {exp_id}{store_flag(st.path)}",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(130) from None


def finish(st: Store, exp_id: str, results: dict[str, Any], runs: int | None = None) -> None:
    """Store an analysis's results and mark it complete (``runs``: the runs it simulated)."""
    more = {} if runs is None else {"runs": runs, "chunk_size": max(runs, 1)}
    st.update(exp_id, results=results, status="complete", finished=now_iso(), **more)
    st.drop_checkpoint(exp_id)  # its points are in the results now


def saved_line(exp_id: str, store: Path) -> str:
    """What to print after an experiment is stored: its id and how to see its report."""
    flag = store_flag(store)
    return f"experiment {exp_id} in {store}; its report: escalade report {exp_id}{flag}"


def experiment_summary(st: Store, exp_id: str, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The summary statistics of an experiment's runs so far (None if it has none)."""
    from escalade.analysis.stats import summary

    outcomes = st.outcomes(exp_id, columns=SUMMARY_COLUMNS)
    if outcomes.num_rows == 0:
        return None
    top = _ladder_top(manifest, outcomes)
    return summary(outcomes, top=top)


def _ladder_top(manifest: dict[str, Any], outcomes: pa.Table) -> int:
    from escalade.scenario.load import ScenarioError, load_scenario_text

    try:
        sc = load_scenario_text(
            manifest["scenario_yaml"], manifest["scenario_name"], manifest["overrides"] or None
        )
        return len(sc.ladder) - 1
    except (ScenarioError, ValueError):  # written by another version: use what was reached
        return max(1, int(pa.compute.max(outcomes["max_rung"]).as_py() or 1))


def _scenario_label(m: dict[str, Any]) -> str:
    source = m.get("scenario_source")
    return (
        m["scenario_name"]
        if source in (None, m["scenario_name"])
        else f"{m['scenario_name']} ({source})"
    )


def _public(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in manifest.items() if k != "scenario_yaml"}


@experiments_app.command("list")
def list_cmd(
    store: StoreOpt = DEFAULT_STORE_PATH,
    every: Annotated[
        bool, typer.Option("--all", help="Also list the arms of each compare")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The experiments in the store, oldest first, with their kind (run, compare, sweep,
    discover, threshold; a compare's two arms are runs of their own, listed with --all)."""
    with user_errors():
        st = Store(store)
        rows = [m for m in st.list() if every or not m.get("parent")]
        lost = st.orphans()
    if as_json:
        sys.stdout.write(json.dumps([_public(m) for m in rows], default=str) + "\n")
        _warn_orphans(lost, store)
        return
    if not rows:
        if not lost:
            console.print(f"no experiments in {store} yet; `escalade run SCENARIO` makes one")
        _warn_orphans(lost, store)
        return
    table = Table(
        Column("id", no_wrap=True),
        Column("kind", no_wrap=True),
        Column("scenario", overflow="fold", min_width=8),
        Column("runs", justify="right", no_wrap=True),
        Column("seed", justify="right"),
        Column("status", no_wrap=True),
        Column("took", no_wrap=True),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for m in rows:
        done = m["runs_done"]
        runs = f"{m['runs']:,}" if done == m["runs"] else f"{done:,}/{m['runs']:,}"
        colour = STATUS_COLOURS.get(m["status"])
        status = f"[{colour}]{m['status']}[/]" if colour else m["status"]
        table.add_row(
            m["id"],
            m["kind"],
            m["scenario_name"],
            runs,
            str(m["seed"]),
            status,
            took(m["started"], m["finished"]),
        )
    console.print(table)
    if any(m["status"] == "damaged" for m in rows):
        console.print(
            f"damaged: some chunks are missing or cannot be trusted; "
            f"`escalade experiments verify{store_flag(store)}` says which",
            highlight=False,
            markup=False,
        )
    _warn_orphans(lost, store)


def _warn_orphans(lost: list[str], store: Path) -> None:
    if lost:
        shown = ", ".join(lost[:3]) + (", ..." if len(lost) > 3 else "")
        err.print(
            f"warning: {len(lost)} experiment(s) have chunks in {store} but no row in its "
            f"catalog ({shown}); `escalade experiments rebuild{store_flag(store)}` brings "
            "them back",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@experiments_app.command("show")
def show(
    experiment: Annotated[str, typer.Argument(help="Experiment id, or a unique prefix of it")],
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
    yaml: Annotated[bool, typer.Option("--yaml", help="Print the scenario YAML it ran")] = False,
) -> None:
    """An experiment's manifest and the summary of its outcomes."""
    with user_errors():
        st = Store(store)
        exp_id = st.resolve(experiment)
        m = st.manifest(exp_id)
        if yaml:
            sys.stdout.write(m["scenario_yaml"])
            return
        damaged = m["status"] == "damaged"
        result = None if damaged else experiment_summary(st, exp_id, m)
    if as_json:
        sys.stdout.write(
            json.dumps({"manifest": _public(m), "summary": result}, default=str) + "\n"
        )
        return
    info = Table(show_header=False, box=None, pad_edge=False)
    info.add_column(style="bold")
    info.add_column()
    lines = len(m["scenario_yaml"].splitlines())
    for key, value in (
        ("id", m["id"]),
        ("kind", m["kind"] + (f" (of {m['parent']})" if m.get("parent") else "")),
        ("status", m["status"]),
        ("scenario", _scenario_label(m)),
        ("scenario sha256", f"{m['scenario_sha256'][:16]}…  ({lines} lines; --yaml prints it)"),
        ("overrides", json.dumps(m["overrides"]) if m["overrides"] else "none"),
        ("seed", str(m["seed"])),
        ("runs", f"{m['runs_done']:,} of {m['runs']:,} done"),
        ("days", str(m["days"])),
        ("chunk size", f"{m['chunk_size']:,}"),
        ("escalade", m["version"]),
        ("started (UTC)", when(m["started"])),
        ("finished (UTC)", when(m["finished"]) or "–"),
    ):
        info.add_row(key, value)
    console.print(info)
    if m["kind"] not in CHUNKED:
        results = m.get("results") or {}
        if results.get("sentence"):
            console.print(results["sentence"], highlight=False)
        if m["status"] == "complete":
            console.print(saved_line(exp_id, store), highlight=False, soft_wrap=True)
        elif m["status"] == "interrupted":
            console.print(
                f"resume it with:  escalade {m['kind']} --resume {exp_id}{store_flag(store)}",
                highlight=False,
            )
        return
    repair = f"escalade experiments verify {exp_id} --repair{store_flag(store)}"
    if damaged:
        console.print(
            f"damaged: some chunks are missing or cannot be trusted, so no summary; "
            f"`{repair}` says which and recomputes them",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if result is None:
        console.print("no runs written yet")
    else:
        partial = "" if m["runs_done"] == m["runs"] else " (partial)"
        title = f"{m['scenario_name']}: {result['runs']:,} runs, seed {m['seed']}{partial}"
        console.print(summary_table(result, title))
    if m["status"] != "complete":
        console.print(f"resume it with:  escalade run --resume {exp_id}{store_flag(store)}")


@experiments_app.command("verify")
def verify(
    experiment: Annotated[
        str | None, typer.Argument(help="Experiment id or unique prefix (default: every one)")
    ] = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Recompute exactly the chunks that are missing or cannot be trusted"
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Read every chunk and check it against the catalog and its own manifest.

    Reports missing, truncated, duplicated, foreign and altered chunks; exit code 1 while any
    remains. With --repair the bad files are moved to quarantine/ and exactly those chunks are
    recomputed, identical to an uninterrupted run.
    """
    with user_errors():
        st = Store(store)
        ids = [st.resolve(experiment)] if experiment is not None else [m["id"] for m in st.list()]
        reports = []
        for exp_id in ids:
            verdict = st.verify(exp_id)
            repaired: list[int] = []
            if repair and not verdict.ok:
                repaired = repair_experiment(st, exp_id, verdict)
                verdict = st.verify(exp_id)
            reports.append((st.manifest(exp_id), verdict, repaired))
        lost = st.orphans() if experiment is None else []
    if as_json:
        sys.stdout.write(json.dumps([_verdict_json(*r) for r in reports]) + "\n")
    else:
        if not reports and not lost:
            console.print(f"no experiments in {store}")
        for m, verdict, repaired in reports:
            _print_verdict(m, verdict, repaired, store)
    _warn_orphans(lost, store)
    if any(not v.ok for _, v, _ in reports) or lost:
        raise typer.Exit(1)


def repair_experiment(st: Store, exp_id: str, verdict: Verdict) -> list[int]:
    """Recompute the bad chunks of ``exp_id`` (bad files go to ``quarantine/``, never lost);
    returns their indices. Unrecorded good chunks are recorded, stray files moved aside."""
    from escalade import __version__
    from escalade.ensemble import Job, simulate_chunk
    from escalade.store import sha256_text

    m = st.manifest(exp_id)
    if m["version"] != __version__:
        raise StoreError(
            f"cannot repair {exp_id}: it was written by escalade {m['version']}, this is "
            f"{__version__}; recomputed chunks would mix two versions of the model"
        )
    if sha256_text(m["scenario_yaml"]) != m["scenario_sha256"]:
        raise StoreError(
            f"cannot repair {exp_id}: the scenario stored in the catalog does not match its "
            "sha256; start a new experiment"
        )
    job = Job(
        scenario_yaml=m["scenario_yaml"],
        source=str(m.get("scenario_source") or m["scenario_name"]),
        overrides_json=json.dumps(m["overrides"], sort_keys=True),
        seed=int(m["seed"]),
        days=int(m["days"]),
    )
    redo = list(verdict.problems)
    with st.running(exp_id):  # no runner meanwhile; records the unrecorded good chunks
        st.quarantine_strays(exp_id)
        for problem in redo:
            table = simulate_chunk(job, problem.first_run, problem.stop_run)
            st.write_chunk(exp_id, problem.chunk, table)
        after = st.verify(exp_id)
        if after.ok and len(after.good) == after.chunks:
            st.update(exp_id, status="complete", finished=m["finished"] or now_iso())
    return [p.chunk for p in redo]


def _verdict_json(m: dict[str, Any], v: Verdict, repaired: list[int]) -> dict[str, Any]:
    return {
        "id": v.experiment,
        "status": m["status"],
        "ok": v.ok,
        "chunks": v.chunks,
        "good": sorted(v.good),
        "problems": [
            {
                "chunk": p.chunk,
                "kind": p.kind,
                "detail": p.detail,
                "first_run": p.first_run,
                "stop_run": p.stop_run,
            }
            for p in v.problems
        ],
        "strays": list(v.strays),
        "unrecorded": list(v.unrecorded),
        "repaired": repaired,
    }


def _print_verdict(m: dict[str, Any], v: Verdict, repaired: list[int], store: Path) -> None:
    exp_id = v.experiment
    out = console.print
    if repaired:
        chunks = ", ".join(map(str, repaired))
        out(
            f"{exp_id}  repaired: recomputed chunk(s) {chunks}; the bad files are in "
            f"{store / 'quarantine' / f'experiment={exp_id}'}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    runs = f"{m['runs_done']:,} of {m['runs']:,} runs"
    if m["kind"] not in CHUNKED:
        if v.ok:
            out(
                f"{exp_id}  ok: a {m['kind']}, nothing of its own missing or altered",
                highlight=False,
            )
        else:
            problems = "; ".join(v.tables)
            out(f"{exp_id}  damaged: {problems}; run the {m['kind']} again", highlight=False)
        return
    if v.ok:
        line = f"{exp_id}  ok: {len(v.good)} of {v.chunks} chunks, {runs}"
        if len(v.good) < v.chunks:
            line += f" ({m['status']}; `escalade run --resume {exp_id}{store_flag(store)}`)"
        out(line, highlight=False, markup=False, soft_wrap=True)
        return
    bad = len(v.problems) + len(v.strays)
    out(
        f"{exp_id}  damaged: {bad} problem(s), {len(v.good)} of {v.chunks} chunks good",
        highlight=False,
        markup=False,
    )
    for problem in v.problems:
        out(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    for name in v.strays:
        out(
            f"  {name}: not a chunk of this experiment (it has {v.chunks})",
            highlight=False,
            markup=False,
        )
    out(
        f"  repair with: escalade experiments verify {exp_id} --repair{store_flag(store)}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@experiments_app.command("rebuild")
def rebuild(store: StoreOpt = DEFAULT_STORE_PATH, as_json: JsonOpt = False) -> None:
    """Rebuild a lost or damaged catalog from the chunks' own manifests.

    A readable catalog keeps its rows (its chunk records are recomputed); a damaged one is
    moved aside to catalog.duckdb.damaged-<time>, never deleted.
    """
    with user_errors():
        done = Store(store).rebuild()
    if as_json:
        sys.stdout.write(json.dumps(done) + "\n")
        return
    if done["moved"]:
        console.print(f"the damaged catalog was moved to {done['moved']}", highlight=False)
    console.print(
        f"rebuilt {store / 'catalog.duckdb'}: {len(done['experiments'])} experiment(s), "
        f"{done['chunks']} chunk(s) recorded, {len(done['recovered'])} recovered from their "
        "chunks",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    for path, why in done["skipped"]:
        console.print(f"  skipped {path}: {why}", highlight=False, markup=False, soft_wrap=True)
    if done["recovered"]:
        console.print(
            f"`escalade experiments verify{store_flag(store)}` checks them",
            highlight=False,
            markup=False,
        )


def _cell(value: Any) -> Text:
    if value is None:
        return Text("null", style="dim")
    if isinstance(value, float):
        if math.isnan(value):
            return Text("nan")
        return Text(f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.6g}")
    text = " ".join(str(value).split())
    return Text(text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…")


def query(
    sql: Annotated[str, typer.Argument(help="SQL over the views `outcomes` and `experiments`")],
    store: StoreOpt = DEFAULT_STORE_PATH,
    as_json: JsonOpt = False,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Rows printed in the table (not with --json)", min=1)
    ] = MAX_ROWS,
    unsafe: Annotated[
        bool,
        typer.Option(
            "--unsafe",
            help="Full DuckDB: any statement, files, COPY, extensions (for power users)",
        ),
    ] = False,
) -> None:
    """Query the outcomes of every experiment with SQL (DuckDB).

    `outcomes` has one row per run and an `experiment` column; `experiments` has the manifests.
    Only SELECT is allowed, on a connection that cannot read or write files or load
    extensions; --unsafe lifts that.
    """
    with user_errors():
        result = Store(store).query(sql, unsafe=unsafe)
    if as_json:
        sys.stdout.write(json.dumps(result.to_pylist(), default=str) + "\n")
        return
    shown = result.slice(0, max_rows)
    rows = [
        [_cell(v) for v in r] for r in zip(*(c.to_pylist() for c in shown.columns), strict=True)
    ]
    names = result.column_names
    widths = [
        max([len(n)] + [c.cell_len for c in col])
        for n, col in zip(names, zip(*rows, strict=True), strict=False)
    ]
    if sum(w + 3 for w in widths) + 1 <= console.width or not rows:
        numeric = [
            pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
            for t in result.schema.types
        ]
        table = Table(
            *(
                Column(escape(n), no_wrap=True, justify="right" if num else "left")
                for n, num in zip(names, numeric, strict=True)
            )
        )
        for cells in rows:
            table.add_row(*cells)
        console.print(table)
    else:  # too wide for the terminal: one block per row, as `column  value` lines
        for i, cells in enumerate(rows, 1):
            block = Table(show_header=False, box=None, pad_edge=False)
            block.add_column(style="bold", no_wrap=True)
            block.add_column(overflow="fold")
            for name, cell in zip(names, cells, strict=True):
                block.add_row(escape(name), cell)
            console.rule(f"row {i}", align="left", style="dim")
            console.print(block)
    if result.num_rows == 0:
        console.print("(no rows)")
    if result.num_rows > max_rows:
        console.print(f"showing {max_rows:,} of {result.num_rows:,} rows (--max-rows, --json)")


def register(app: typer.Typer) -> None:
    """Add ``experiments`` and ``query`` to the app (once, however often it is called)."""
    if not any(g.name == "experiments" for g in app.registered_groups):
        app.add_typer(experiments_app, name="experiments")
    if not any(c.name == "query" for c in app.registered_commands):
        app.command("query")(query)


__all__ = [
    "Checkpoint",
    "StoreOpt",
    "analysis",
    "experiment_summary",
    "experiments_app",
    "finish",
    "held",
    "query",
    "register",
    "reopen",
    "repair_experiment",
    "resumable",
    "saved_line",
]
