"""The HTML report of an experiment: one self-contained file that opens with no network."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from escalade.analysis.briefing import headline
from escalade.analysis.pathways import NO_ACTION, Move, common_pathways, describe, parse_pathway
from escalade.analysis.stats import (
    THRESHOLDS,
    crossed,
    distributions,
    ending_shares,
    half_width_table,
    mean_interval,
    median_rung,
    proportion,
    rung_exceedance,
    runs_for_half_width,
    survival_curve,
    threshold_by_days,
    threshold_probabilities,
)
from escalade.api import replay
from escalade.narrative import narrative, trigger_deaths
from escalade.outcomes import DISTRIBUTIONS
from escalade.report.charts import ladder_chart, survival_chart
from escalade.report.page import (
    Section,
    esc,
    figure,
    fmt_interval,
    fmt_num,
    fmt_p,
    glossary,
    manifest_section,
    page,
    table,
)
from escalade.scenario.schema import Scenario
from escalade.version import __version__


def horizon_of(scenario: Scenario, manifest: dict[str, Any]) -> int:
    days = manifest.get("days")
    return int(days) if days else scenario.horizon_days


def thresholds_of(scenario: Scenario) -> dict[str, str]:
    """The M12 thresholds that apply (the watched actor's combat only if there is one)."""
    out = {}
    for label, col in THRESHOLDS.items():
        if col == "first_combat_day":
            if scenario.model.combat_watch is None:
                continue
            label = f"combat by {scenario.model.combat_watch}"
        out[label] = col
    return out


def pick_runs(outcomes: pa.Table) -> dict[str, tuple[int, str]]:
    """Runs worth reading: a typical one (max rung = median) and a war (or the worst) one.

    Returns ``{"typical": (run, why), "war": (run, why)}``; among equals the lowest run id.
    """
    t = outcomes.sort_by("run")
    runs = np.asarray(t["run"])
    rungs = np.asarray(t["max_rung"])
    med = median_rung(t)
    typical = int(runs[np.flatnonzero(rungs == med)[0]])
    picked = {"typical": (typical, f"a typical run: its highest rung, {med}, is the median")}
    war = crossed(t, "first_war_day") | (
        np.asarray(t["ended"].to_numpy(zero_copy_only=False)) == "war"
    )
    if war.any():
        picked["war"] = (int(runs[np.flatnonzero(war)[0]]), "a run that ends in war")
    else:
        top = int(rungs.max())
        picked["war"] = (
            int(runs[np.flatnonzero(rungs == top)[0]]),
            f"no run reached war; this is a run that reached the highest rung seen, {top}",
        )
    return picked


def _summary_section(outcomes: pa.Table, scenario: Scenario, horizon: int) -> str:
    rows: list[list[object]] = []
    for label, col in thresholds_of(scenario).items():
        p = proportion(f"P({label})", crossed(outcomes, col))
        rows.append([p.label, fmt_p(p.estimate), fmt_interval(p.low, p.high), p.successes])
    for p in ending_shares(outcomes):
        rows.append([p.label, fmt_p(p.estimate), fmt_interval(p.low, p.high), p.successes])
    direct = scenario.model.direct_exchange_rung
    for p in rung_exceedance(outcomes, len(scenario.ladder) - 1):
        k = int(p.label.rsplit(" ", 1)[-1])
        if k in (direct, scenario.model.strategic_rung, scenario.model.war_rung):
            rows.append(
                [f"P({p.label})", fmt_p(p.estimate), fmt_interval(p.low, p.high), p.successes]
            )
    m = mean_interval("mean highest rung", np.asarray(outcomes["max_rung"]))
    rows.append([m.label, f"{m.mean:.2f}", fmt_interval(m.low, m.high, 2), ""])
    rows.append(["median highest rung", median_rung(outcomes), "", ""])
    probs = table(
        ["outcome", "estimate", "95% interval", "runs"], rows, numeric=[False, True, True, True]
    )

    days = sorted({d for d in (7, 14, 30) if d < horizon} | {horizon - 1})
    by_day = threshold_by_days(outcomes, days)
    labels = {col: label for label, col in thresholds_of(scenario).items()}
    day_rows = []
    for label, props in by_day.items():
        col = THRESHOLDS[label]
        if col not in labels:
            continue
        day_rows.append(
            [labels[col]] + [f"{fmt_p(p.estimate)} ({fmt_interval(p.low, p.high)})" for p in props]
        )
    by_day_table = table(
        ["threshold"] + [f"by day {d}" for d in days],
        day_rows,
        numeric=[False] + [True] * len(days),
    )

    dist_rows = []
    for d in distributions(outcomes):
        q = d.quantiles
        dist_rows.append(
            [
                d.label,
                fmt_num(d.mean.mean, 1),
                fmt_interval(d.mean.low, d.mean.high, 1)
                if d.mean.mean < 1e6
                else f"{fmt_num(d.mean.low)} – {fmt_num(d.mean.high)}",
                *(fmt_num(q[k], 1 if q[k] < 100 else 0) for k in sorted(q)),
                fmt_num(d.max),
            ]
        )
    dist_table = table(
        ["per run", "mean", "95% interval of mean", "5%", "25%", "median", "75%", "95%", "max"],
        dist_rows,
        numeric=[False] + [True] * 8,
    )
    shown: dict[str, Any] = {
        "runs": outcomes.num_rows,
        "thresholds": [p.as_dict() for p in threshold_probabilities(outcomes)],
    }
    words = glossary([*thresholds_of(scenario).values(), *DISTRIBUTIONS.values()])
    return (
        f'<p class="headline"><b>{esc(headline(shown, scenario.name, horizon))}</b></p>'
        + words
        + f"<p>{outcomes.num_rows:,} runs over {horizon} days. Probabilities carry 95% Wilson "
        "score intervals (the uncertainty from a finite number of runs, not from the model's "
        "assumptions).</p>"
        + probs
        + "<h3>Thresholds crossed by day <i>t</i></h3>"
        + by_day_table
        + "<h3>Casualties, damage and costs (distribution over runs)</h3>"
        + dist_table
        + '<p class="note">Quantiles describe the spread between runs; the interval of the '
        "mean is the Student-t interval of its sampling error. None of these numbers include "
        "the trigger's own deaths, damage or costs; each narrative below says what the "
        "trigger itself cost.</p>"
    )


def _precision_section(outcomes: pa.Table, scenario: Scenario) -> str:
    t = outcomes.sort_by("run")
    candidates = {f"P({label})": crossed(t, col) for label, col in thresholds_of(scenario).items()}
    rungs = np.asarray(t["max_rung"])
    for k in range(1, len(scenario.ladder)):
        candidates[f"P(highest rung ≥ {k})"] = rungs >= k
    # The outcome nearest p = 1/2 has the widest interval: the one that needs the most runs.
    label, mask = min(candidates.items(), key=lambda kv: abs(float(kv[1].mean()) - 0.5))
    p = float(mask.mean())
    rows = [
        [
            f"{r.n:,}",
            fmt_p(r.estimate),
            fmt_interval(r.low, r.high),
            f"{r.half_width:.4f}",
            f"{r.predicted_half_width:.4f}",
            f"{r.scaled:.3f}",
        ]
        for r in half_width_table(mask)
    ]
    need = {h: runs_for_half_width(p, h) for h in (0.02, 0.01, 0.005)}
    return (
        f"<p>How the 95% interval of {esc(label)} (the outcome here nearest 1/2, so the "
        "least precise) narrows as runs are added, using the first <i>n</i> runs. The "
        "half-width falls as 1/√<i>n</i>: half-width × √<i>n</i> stays near "
        f"1.96·√(p(1−p)) = {1.96 * np.sqrt(p * (1 - p)):.3f}; four times the runs halve the "
        "interval.</p>"
        + table(
            [
                "runs n",
                "estimate",
                "95% interval",
                "half-width",
                "1.96·√(p(1−p)/n)",
                "half-width × √n",
            ],
            rows,
            numeric=[True] * 6,
        )
        + '<p class="note">Runs needed for a half-width of '
        + ", ".join(f"±{h}: {n:,}" for h, n in need.items())
        + f" (at p = {p:.3f}).</p>"
    )


def _pathway_cell(pathway: str, scenario: Scenario) -> str:
    if pathway == NO_ACTION:
        return esc(pathway)
    return (
        f'<span title="{esc(describe(pathway, scenario))}">'
        + " &gt; ".join(f'<span class="step">{esc(m)}</span>' for m in parse_pathway(pathway))
        + "</span>"
    )


def _pathways_section(outcomes: pa.Table, scenario: Scenario) -> str:
    direct = scenario.model.direct_exchange_rung
    views = [
        ("Openings: the first two moves", {"steps": 2}),
        (
            f"Exchanges between states: moves at rung ≥ {direct}, repeats merged",
            {"min_rung": direct, "merge_repeats": True},
        ),
        ("Full pathways: the first six moves as recorded", {}),
    ]
    blocks = []
    used: set[Move] = set()
    for title, kw in views:
        shares = common_pathways(outcomes, top=8, **kw)  # type: ignore[arg-type]
        for sh in shares:
            used.update(sh.moves)
        rows = [
            [
                _pathway_cell(sh.pathway, scenario),
                sh.count,
                fmt_p(sh.share),
                fmt_interval(sh.low, sh.high),
            ]
            for sh in shares
        ]
        blocks.append(
            f"<h3>{esc(title)}</h3>"
            + table(
                ["pathway (ACTOR:rung)", "runs", "share", "95% interval"],
                rows,
                numeric=[False, True, True, True],
                raw=[True, False, False, False],
            )
        )
    names = {r.level: r.name for r in scenario.ladder}
    actors = sorted({m.actor for m in used})
    rungs = sorted({m.rung for m in used})
    key = (
        '<dl class="key">'
        + "".join(
            f"<dt>{esc(a)}</dt><dd>{esc(scenario.actors[a].name or a)}</dd>"
            for a in actors
            if a in scenario.actors
        )
        + "<br>"
        + "".join(f"<dt>{k}</dt><dd>{esc(names.get(k, ''))}</dd>" for k in rungs)
        + "</dl>"
    )
    return (
        "<p>Each run's first moves as ACTOR:rung, grouped; shares are over all runs, with "
        "95% Wilson intervals (hover a pathway to read it in words).</p>" + key + "".join(blocks)
    )


def replay_command(
    scenario: Scenario, seed: int, run: int, days: int | None, overrides: dict[str, Any]
) -> str:
    """The ``escalade replay`` command line that tells the same run."""
    parts = ["escalade", "replay", scenario.name, "--seed", str(seed), "--run", str(run)]
    if days:
        parts += ["--days", str(days)]
    for path, value in overrides.items():  # -path: --drop, +path: --add (cli_common)
        if path.startswith("-"):
            parts += ["--drop", shlex.quote(path[1:])]
        elif path.startswith("+"):
            for item in value:
                parts += ["--add", shlex.quote(f"{path[1:]}={json.dumps(item, default=str)}")]
        else:
            parts += ["--set", shlex.quote(f"{path}={json.dumps(value, default=str)}")]
    return " ".join(parts)


def _narrative_block(
    scenario: Scenario,
    seed: int,
    run: int,
    why: str,
    days: int | None,
    stored: dict[str, Any],
    overrides: dict[str, Any],
) -> str:
    ens = replay(scenario, seed=seed, run=run, days=days)
    assert ens.events is not None
    lines = narrative(ens.events, scenario)
    own = trigger_deaths(ens.events)
    events = ens.events.select(["kind", "rung"]).to_pylist()
    out = ens.outcomes.to_pylist()[0]
    check = ""
    if out["max_rung"] != stored["max_rung"] or out["pathway"] != stored["pathway"]:
        check = (
            '<p class="warn">This replay does not match the stored outcome of the run '
            f"(stored highest rung {esc(stored['max_rung'])}, replayed {esc(out['max_rung'])}): "
            "the scenario or the engine has changed since the experiment ran.</p>"
        )
    direct = scenario.model.direct_exchange_rung

    def css(ev: dict[str, Any]) -> str:
        if ev["kind"] in ("strike", "end", "ceasefire") and (
            ev["kind"] != "strike" or ev["rung"] >= direct
        ):
            return ' class="major"'
        return ' class="minor"' if ev["kind"] == "harassment" else ""

    items = "".join(
        f"<li{css(ev)}>{esc(line)}</li>" for ev, line in zip(events, lines, strict=True)
    )
    return (
        f"<h3>Run {run}: {esc(why)}</h3>"
        f'<p class="note">Highest rung {esc(out["max_rung"])}, ended {esc(out["ended"])} on day '
        f"{esc(out['end_day'])}, {esc(out['deaths'])} killed after the trigger"
        + (f" (its own {own} not included)" if own else "")
        + f", {len(lines)} events (strikes "
        f"at rung ≥ {direct} in bold, proxy harassment in grey). Replay it with "
        f"<code>{esc(replay_command(scenario, seed, run, days, overrides))}</code>.</p>"
        f'{check}<ul class="narrative">{items}</ul>'
    )


def build_report(
    outcomes: pa.Table,
    scenario: Scenario,
    seed: int,
    manifest: dict[str, Any],
    extra_sections: Sequence[Section] | None = None,
    leading_sections: Sequence[Section] | None = None,
) -> str:
    """The report as an HTML string (see :func:`write_report`)."""
    if outcomes.num_rows == 0:
        raise ValueError("the experiment has no runs to report")
    outcomes = outcomes.sort_by("run")
    horizon = horizon_of(scenario, manifest)
    days = manifest.get("days") or None
    picked = pick_runs(outcomes)
    wanted = pa.array([run for run, _ in picked.values()], type=outcomes["run"].type)
    rows = {
        r["run"]: r
        for r in outcomes.filter(pc.is_in(outcomes["run"], value_set=wanted))
        .select(["run", "max_rung", "pathway"])
        .to_pylist()
    }
    curves = [
        survival_curve(outcomes, col, horizon, label)
        for label, col in thresholds_of(scenario).items()
    ]
    narratives = "".join(
        _narrative_block(
            scenario, seed, run, why, days, rows[run], dict(manifest.get("overrides") or {})
        )
        for run, why in picked.values()
    )
    sections: list[Section] = [
        ("Summary", _summary_section(outcomes, scenario, horizon)),
        *(leading_sections or []),
        (
            "Escalation ladder",
            figure(ladder_chart(outcomes, scenario), "chart-ladder")
            + "<details><summary>Rungs of the ladder and runs ending on each</summary>"
            + table(
                ["rung", "name", "runs reaching it as their highest"],
                [
                    [
                        r.level,
                        r.name,
                        int(pc.sum(pc.equal(outcomes["max_rung"], r.level)).as_py() or 0),
                    ]
                    for r in scenario.ladder
                ],
                numeric=[True, False, True],
            )
            + "</details>",
        ),
        ("Time to thresholds", figure(survival_chart(curves), "chart-survival")),
        ("Pathways", _pathways_section(outcomes, scenario)),
        ("Narratives", narratives),
        ("Precision", _precision_section(outcomes, scenario)),
    ]
    sections += list(extra_sections or [])
    sections.append(("Manifest", manifest_section(manifest)))
    title = scenario.title or scenario.name
    subtitle = (
        f"Scenario <b>{esc(scenario.name)}</b> · experiment {esc(manifest.get('id', '—'))} · "
        f"{outcomes.num_rows:,} runs · seed {esc(seed)} · {horizon} days · escalade "
        f"{esc(manifest.get('version', __version__))} · report written "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )
    data = {
        "scenario": scenario.name,
        "seed": seed,
        "runs": outcomes.num_rows,
        "horizon": horizon,
        "thresholds": {
            label: proportion(label, crossed(outcomes, col)).as_dict()
            for label, col in thresholds_of(scenario).items()
        },
        "narrative_runs": {k: v[0] for k, v in picked.items()},
        "charts": ["chart-ladder", "chart-survival"],
    }
    return page(title, subtitle, sections, data)


def write_report(
    outcomes: pa.Table,
    scenario: Scenario,
    seed: int,
    manifest: dict[str, Any],
    path: str | Path,
    extra_sections: Sequence[Section] | None = None,
    leading_sections: Sequence[Section] | None = None,
) -> Path:
    """Write the experiment's report to ``path`` (one HTML file, no network needed to open it).

    ``outcomes``: the experiment's outcome table (one row a run); ``scenario`` and ``seed``:
    what the runs were simulated from, used to replay the runs told as narratives;
    ``manifest``: the experiment's manifest, shown at the end (``days`` sets the horizon);
    ``extra_sections``: more (title, html) sections, placed before the manifest;
    ``leading_sections``: sections placed right after the summary (e.g. what moves it). Their
    HTML is inserted as given, so escape any text in it (:func:`escalade.report.page.esc`).
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        build_report(outcomes, scenario, seed, manifest, extra_sections, leading_sections), "utf-8"
    )
    return out
