"""``escalade report``: one self-contained HTML file describing an experiment in the store.

Example::

    escalade run april-2024 --runs 5000 --seed 1
    escalade report latest --out april.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from escalade.cli_common import console, user_errors, with_progress
from escalade.commands.experiments import DEFAULT_STORE_PATH, StoreOpt
from escalade.report import write_report
from escalade.scenario.load import load_scenario_text


def open_store(path: Path) -> Any:
    """The experiment store at ``path`` (a seam for tests)."""
    from escalade.store import Store

    return Store(path)


def report_cmd(
    experiment: Annotated[
        str, typer.Argument(help="Experiment id, a unique prefix of one, or 'latest'")
    ],
    store: StoreOpt = DEFAULT_STORE_PATH,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="HTML file to write [default: report-<experiment id>.html]"
        ),
    ] = None,
) -> None:
    """Write an experiment's report: one HTML file that opens offline in any browser.

    Summary with 95% intervals, ladder distribution, time to each threshold, commonest
    pathways, the narratives of a typical run and of a war run (replayed from the stored
    scenario and seed), precision against the number of runs, and the manifest.
    """
    with user_errors():
        st = open_store(store)
        exp_id = st.resolve(experiment)
        manifest = st.manifest(exp_id)
        outcomes = st.outcomes(exp_id)
        if outcomes.num_rows == 0:
            raise ValueError(f"experiment {exp_id} has no finished runs yet")
        scenario = load_scenario_text(
            manifest["scenario_yaml"],
            manifest.get("scenario_name") or exp_id,
            manifest.get("overrides") or None,
        )
        path = out if out is not None else Path(f"report-{exp_id}.html")
        written = with_progress(
            1,
            f"writing the report of {exp_id}",
            lambda tick: write_report(outcomes, scenario, int(manifest["seed"]), manifest, path),
        )
    if manifest.get("status") not in (None, "complete"):
        console.print(
            f"[yellow]note:[/yellow] experiment {exp_id} is {manifest.get('status')}: "
            f"the report covers its {outcomes.num_rows:,} finished runs",
            highlight=False,
        )
    console.print(str(written.resolve()), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
