"""What the API returns about scenarios and experiments, as plain JSON data.

Every number comes from the library (:mod:`escalade.analysis`, :mod:`escalade.narrative`,
:mod:`escalade.report`); this module only picks and arranges them for the page.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from escalade.analysis.briefing import definitions, headline
from escalade.analysis.compare import compare
from escalade.analysis.pathways import common_pathways, describe
from escalade.analysis.stats import summary, survival_curve
from escalade.api import replay
from escalade.commands.experiments import SUMMARY_COLUMNS
from escalade.ensemble import experiment_scenario
from escalade.narrative import closing, narrative
from escalade.outcomes import THRESHOLDS
from escalade.report.hindcast import finite
from escalade.report.html import horizon_of, pick_runs, thresholds_of
from escalade.scenario.load import Problem
from escalade.scenario.schema import Role, Scenario
from escalade.store import Store
from escalade.web.jobs import drivers_path

VIEW_COLUMNS = [*SUMMARY_COLUMNS, "run", "pathway"]
"""Outcome columns an experiment's view reads."""
TOP_PATHWAYS = 8
"""Pathways listed in an experiment's view."""
PATHWAY_STEPS = 3
"""First moves a pathway is grouped by (as in the report)."""


class NotFound(KeyError):
    """An unknown scenario, experiment, job, game or run: HTTP 404 with the message."""


def problem_dict(p: Problem) -> dict[str, Any]:
    """A located problem, with its one-line text as the command line prints it."""
    return {
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "path": p.path,
        "message": p.message,
        "hint": p.hint,
        "text": str(p),
    }


def levers_of(sc: Scenario) -> list[dict[str, Any]]:
    """The levers a scenario declares: name, meaning, and the overrides each makes."""
    return [
        {
            "name": name,
            "description": lever.description,
            "overrides": lever.overrides(),
            "value_path": lever.value or next(iter(lever.changes), None),
        }
        for name, lever in sc.levers.items()
    ]


def scenario_info(sc: Scenario) -> dict[str, Any]:
    """A scenario's name, actors (and which of them decide: a person can play those), levers."""
    return {
        "name": sc.name,
        "title": sc.title,
        "horizon_days": sc.horizon_days,
        "actors": {aid: a.name or aid for aid, a in sc.actors.items()},
        "deciders": [
            aid
            for aid, a in sc.actors.items()
            if a.role in (Role.STATE, Role.PROXY) and a.policy.name != "none"
        ],
        "levers": levers_of(sc),
    }


def public_manifest(m: dict[str, Any]) -> dict[str, Any]:
    """A manifest without the scenario's full text (the scenario endpoint has it)."""
    return {k: v for k, v in m.items() if k != "scenario_yaml"}


def results(outcomes: pa.Table, sc: Scenario, manifest: dict[str, Any]) -> dict[str, Any]:
    """Headline, thresholds with intervals, survival curves and pathways of some runs."""
    horizon = horizon_of(sc, manifest)
    result = summary(outcomes, top=len(sc.ladder) - 1)
    curves = [
        survival_curve(outcomes, col, horizon, label) for label, col in thresholds_of(sc).items()
    ]
    paths = common_pathways(outcomes, top=TOP_PATHWAYS, steps=PATHWAY_STEPS)
    return finite(
        {
            "runs": outcomes.num_rows,
            "headline": headline(result, sc.name, horizon),
            "definitions": definitions(),
            "thresholds": result["thresholds"],
            "endings": result["endings"],
            "deaths_q05_q50_q95": result["deaths_q05_q50_q95"],
            "survival": [
                {
                    "label": c.label,
                    "days": c.days.tolist(),
                    "surviving": c.surviving.tolist(),
                    "low": c.low.tolist(),
                    "high": c.high.tolist(),
                }
                for c in curves
            ],
            "pathways": [{**p.as_dict(), "words": describe(p.pathway, sc)} for p in paths],
            "runs_to_read": {k: {"run": v[0], "why": v[1]} for k, v in pick_runs(outcomes).items()},
        }
    )


def experiment_view(st: Store, exp_id: str) -> dict[str, Any]:
    """An experiment's manifest, progress and results so far (None before its first chunk),
    with its drivers when they have been measured."""
    m = st.manifest(exp_id)
    outcomes = st.outcomes(exp_id, columns=VIEW_COLUMNS)
    sc = experiment_scenario(m)
    found = drivers_path(st, exp_id)
    return {
        "manifest": public_manifest(m),
        "scenario": scenario_info(sc),
        "results": results(outcomes, sc, m) if outcomes.num_rows else None,
        "drivers": json.loads(found.read_text(encoding="utf-8")) if found.exists() else None,
    }


def run_story(st: Store, exp_id: str, run: int) -> dict[str, Any]:
    """One run of an experiment replayed as a dated narrative (the same run as stored)."""
    m = st.manifest(exp_id)
    if not 0 <= run < int(m["runs"]):
        raise NotFound(f"experiment {exp_id} has runs 0 to {int(m['runs']) - 1:,}, not {run}")
    sc = experiment_scenario(m)
    ens = replay(sc, seed=int(m["seed"]), run=run, days=m.get("days"))
    assert ens.events is not None
    outcome = ens.outcomes.to_pylist()[0]
    events = ens.events.select(["day", "date", "kind", "actor", "rung"]).to_pylist()
    lines = narrative(ens.events, sc)
    return finite(
        {
            "experiment": exp_id,
            "run": run,
            "seed": m["seed"],
            "events": [
                {**ev, "date": str(ev["date"]), "text": line}
                for ev, line in zip(events, lines, strict=True)
            ],
            "closing": closing(outcome, ens.events, sc),
            "outcome": {k: v for k, v in outcome.items() if not isinstance(v, bytes)},
        }
    )


def paired_comparison(st: Store, a_id: str, b_id: str) -> dict[str, Any]:
    """B − A of two experiments run with the same seed and run ids (common random numbers),
    with paired 95% intervals (:func:`escalade.analysis.compare.compare`)."""
    ma, mb = st.manifest(a_id), st.manifest(b_id)
    for key in ("seed", "runs", "days"):
        if ma[key] != mb[key]:
            raise ValueError(
                f"a paired comparison needs the same {key} in both experiments "
                f"({a_id}: {ma[key]}, {b_id}: {mb[key]})"
            )
    for exp_id, m in ((a_id, ma), (b_id, mb)):
        if m["status"] != "complete":
            raise ValueError(f"experiment {exp_id} is {m['status']}: compare it once complete")
    sa, sb = experiment_scenario(ma), experiment_scenario(mb)
    watch = sa.model.combat_watch or sb.model.combat_watch
    rows = compare(st.outcomes(a_id), st.outcomes(b_id), paired=True, watch=watch)
    return finite(
        {
            "a": public_manifest(ma),
            "b": public_manifest(mb),
            "runs": ma["runs"],
            "seed": ma["seed"],
            "differences": [d.as_dict() for d in rows],
            "definitions": definitions(
                tuple(c for c in THRESHOLDS.values() if c != "first_combat_day")
            ),
        }
    )


__all__ = [
    "NotFound",
    "experiment_view",
    "levers_of",
    "paired_comparison",
    "problem_dict",
    "public_manifest",
    "results",
    "run_story",
    "scenario_info",
]
