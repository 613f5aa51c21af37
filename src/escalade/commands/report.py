"""``escalade report``: one self-contained HTML file describing an experiment in the store.

Example::

    escalade run april-2024 --runs 5000 --seed 1 --drivers
    escalade report --out april.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from escalade.analysis.sensitivity import sweep_from
from escalade.cli_common import console, user_errors, with_progress
from escalade.commands.experiments import DEFAULT_STORE_PATH, SUMMARY_COLUMNS, StoreOpt
from escalade.report import write_report
from escalade.report.analyses import (
    build_compare_page,
    build_discover_page,
    build_threshold_page,
    drivers_section,
)
from escalade.report.sweep import build_sweep_page
from escalade.scenario.load import load_scenario_text
from escalade.scenario.schema import Scenario
from escalade.store import CHUNKED


def open_store(path: Path) -> Any:
    """The experiment store at ``path`` (a seam for tests)."""
    from escalade.store import Store

    return Store(path)


def report_cmd(
    experiment: Annotated[
        str,
        typer.Argument(
            help="Experiment id, a unique prefix of one, or 'latest' (the default: the newest "
            "experiment that is no arm of a compare)"
        ),
    ] = "latest",
    store: StoreOpt = DEFAULT_STORE_PATH,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="HTML file to write [default: report-<experiment id>.html]"
        ),
    ] = None,
) -> None:
    """Write an experiment's report: one HTML file that opens offline in any browser.

    A run opens with its answer in one sentence, then (if it was run with --drivers) what
    moves it, the summary with 95% intervals, ladder distribution, time to each threshold,
    commonest pathways, the narratives of a typical run and of a war run (replayed from the
    stored scenario and seed), precision against the number of runs, and the manifest. A
    compare, sweep, discover or threshold experiment has a page of its own kind.
    """
    with user_errors():
        st = open_store(store)
        exp_id = st.resolve(experiment)
        manifest = st.manifest(exp_id)
        path = out if out is not None else Path(f"report-{exp_id}.html")
        kind = manifest["kind"]
        if kind not in CHUNKED and manifest["status"] != "complete":
            raise ValueError(
                f"experiment {exp_id} is a {kind} that is {manifest['status']}: it has no "
                "results yet"
                + (" (escalade compare --resume ID finishes it)" if kind == "compare" else "")
            )
        if kind == "compare":
            text = build_compare_page(manifest, _arm_headlines(st, manifest))
        elif kind == "sweep":
            sweep = sweep_from(manifest["results"], st.read_table(exp_id, "points"))
            text = build_sweep_page(sweep, manifest, manifest["results"].get("sentence", ""))
        elif kind == "discover":
            text = build_discover_page(manifest, st.read_table(exp_id, "points").to_pylist())
        elif kind == "threshold":
            text = build_threshold_page(manifest)
        else:
            written = with_progress(
                1, f"writing the report of {exp_id}", lambda tick: _run_report(st, manifest, path)
            )
            text = None
        if text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written = path
    if manifest.get("status") not in (None, "complete"):
        console.print(
            f"[yellow]note:[/yellow] experiment {exp_id} is {manifest.get('status')}: "
            f"the report covers its {manifest['runs_done']:,} finished runs",
            highlight=False,
        )
    console.print(str(written.resolve()), highlight=False, soft_wrap=True)


def _run_report(st: Any, manifest: dict[str, Any], path: Path) -> Path:
    """The report of a run (or an arm), with what moves it when it was run with --drivers."""
    exp_id = manifest["id"]
    outcomes = st.outcomes(exp_id)
    if outcomes.num_rows == 0:
        raise ValueError(f"experiment {exp_id} has no finished runs yet")
    scenario = _scenario_of(manifest)
    results = manifest.get("results") or {}
    extra = []
    if results.get("drivers"):
        extra.append(drivers_section(results["drivers"], results.get("drivers_runs")))
    seed = int(manifest["seed"])
    return write_report(outcomes, scenario, seed, manifest, path, leading_sections=extra)


def _scenario_of(manifest: dict[str, Any]) -> Scenario:
    return load_scenario_text(
        manifest["scenario_yaml"],
        manifest.get("scenario_name") or manifest["id"],
        manifest.get("overrides") or None,
    )


def _arm_headlines(st: Any, manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each arm's headline sentence (from its stored runs), by arm name ("A", "B")."""
    from escalade.analysis.briefing import headline
    from escalade.analysis.stats import summary

    out = {}
    for name in ("a", "b"):
        arm = manifest["results"]["arms"][name]
        m = st.manifest(arm["id"])
        outcomes = st.outcomes(arm["id"], columns=SUMMARY_COLUMNS)
        days = int(m["days"] or _scenario_of(m).horizon_days)
        out[name.upper()] = {"headline": headline(summary(outcomes), m["scenario_name"], days)}
    return out


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
