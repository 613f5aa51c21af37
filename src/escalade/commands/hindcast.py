"""``escalade hindcast`` and ``escalade calibrate``: the model against the historical record.

Examples::

    escalade hindcast                          # every episode in data/episodes, 2000 runs each
    escalade hindcast E7 E8 --runs 500 --json  # two episodes, machine-readable
    escalade hindcast my/episode.yaml --html hindcast.html
    escalade calibrate --param model.war_cost=10:60 --param model.restraint_weight=0:3 \\
        --out fitted.yaml
    escalade hindcast --overlay fitted.yaml    # score the fitted model
    escalade hindcast --paths --html h.html    # whole paths too, against five baselines
    escalade hindcast E15 E16 --reference E13,E14 --paths   # baselines from a reference set
    escalade hindcast --train-until 2020-12-31 --paths      # temporal split
    escalade calibrate --train-until 2020-12-31 --out fitted.yaml   # --force if it loses

The commands are thin: :mod:`escalade.analysis.hindcast` and
:mod:`escalade.analysis.calibrate` do the work.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich import box
from rich.table import Table

from escalade.analysis import calibrate as cal
from escalade.analysis import hindcast as hc
from escalade.analysis import yardstick as ys
from escalade.budget import MAX_RUNS_IN_MEMORY
from escalade.cli_common import (
    JsonOpt,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    blamed_on,
    console,
    err,
    progress_bar,
    read_overrides,
    user_errors,
)
from escalade.report.hindcast import finite, fmt_p, fmt_s, write_hindcast_html

EpisodesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Episode ids (e.g. E7) or episode files; default: every episode in --episodes",
        show_default=False,
    ),
]
EpisodesDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--episodes",
        help=f"Folder of episode files (default: the repository's data/episodes, "
        f"or ${hc.EPISODES_ENV})",
        file_okay=False,
    ),
]
OverlayOpt = Annotated[
    Path | None,
    typer.Option(
        "--overlay",
        help="YAML file of 'dotted.path: value' overrides (e.g. from calibrate), applied to "
        "every episode's scenario before the episode's own overrides",
        dir_okay=False,
    ),
]
ReferenceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--reference",
        help="Build the baselines from these episodes (ids or files; repeatable, or "
        "comma-separated), which must exclude the scored ones; default: leave-one-out",
        show_default=False,
    ),
]
TrainUntilOpt = Annotated[
    str | None,
    typer.Option(
        "--train-until",
        help="Temporal split (YYYY-MM-DD): episodes dated on or before it are the reference "
        "(hindcast) or the fitting set (calibrate); those after are scored",
        show_default=False,
    ),
]


def parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--train-until: expected a date YYYY-MM-DD, got '{text}'") from None


def episode_done_reporter(bar: Any, task: Any, total: int) -> Callable[[str], None]:
    """Advance the bar; when stderr is not a terminal, also print a line per finished episode."""
    done = [0]

    def report(ep_id: str) -> None:
        done[0] += 1
        bar.advance(task, 1)
        if not err.is_terminal:
            err.print(f"episode {ep_id} done ({done[0]} of {total})", highlight=False)

    return report


SmoothingOpt = Annotated[
    float,
    typer.Option(
        "--smoothing",
        help="Additive smoothing of every forecast before scoring (0.5 = Jeffreys)",
        min=0.0,
    ),
]


# --------------------------------------------------------------------------- hindcast


def hindcast(
    episodes: EpisodesArg = None,
    runs: Annotated[
        int,
        typer.Option("--runs", "-n", help="Runs per episode", min=1, max=MAX_RUNS_IN_MEMORY),
    ] = hc.DEFAULT_RUNS,
    seed: SeedOpt = 0,
    episodes_dir: EpisodesDirOpt = None,
    overlay: OverlayOpt = None,
    sets: SetOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    smoothing: SmoothingOpt = hc.SMOOTHING,
    as_json: JsonOpt = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a standalone HTML page here", dir_okay=False),
    ] = None,
    paths: Annotated[
        bool,
        typer.Option(
            "--paths",
            help="Also score the whole paths (direct blows, highest rung, state at the horizon) "
            "and all five baselines; adds the key 'paths' to --json",
        ),
    ] = False,
    reference: ReferenceOpt = None,
    train_until: TrainUntilOpt = None,
) -> None:
    """Score the model against the historical episodes (log and Brier scores).

    Per episode: the predicted distribution of the responder's first answer (rung and lag
    buckets), the probability given to what happened, log and Brier scores; overall, the mean
    scores against three baselines (uniform, leave-one-out climatology, answer in kind) and a
    reliability table.

    The first answer is the responder's first strike or statement at rung >= 2 against the
    trigger's actor or its patron; none within the horizon counts in the rung bucket 0–1.

    --paths also scores the whole path (direct blows between the principals, the highest
    rung, the state at the horizon: log, RPS and Brier scores, PIT) against five baselines
    (uniform, climatology, answer in kind, last round repeats, persistence). The baselines see
    the other scored episodes (leave-one-out) unless --reference TRAIN or --train-until DATE
    gives a reference set that excludes the scored ones. See docs/validation.md.
    """
    with user_errors():
        eps = hc.select_episodes(episodes, episodes_dir)
        until = parse_date(train_until)
        ref: list[hc.EpisodeFile] | None = None
        if reference:
            if until is not None:
                raise ValueError("give --reference or --train-until, not both")
            specs = [s.strip() for r in reference for s in r.split(",") if s.strip()]
            ref = hc.select_episodes(specs, episodes_dir)
            chosen = {e.id for e in ref}
            if not episodes:  # scored: every episode not in the reference
                eps = [e for e in eps if e.id not in chosen]
        elif until is not None:
            ref, eps = ys.split_by_date(eps, until)
            if not ref or not eps:
                raise ValueError(
                    f"--train-until {until}: {len(ref)} episodes on or before it and "
                    f"{len(eps)} after; both sides need at least one"
                )
        if not eps:
            raise ValueError("no episodes left to score")
        extra, ov = read_overrides(overlay, sets)
        with blamed_on(ov, sets):
            cases = hc.prepare_all(eps, extra)  # located problems before any simulation
        if ref is not None:
            hc.check_disjoint(cases, ref)
        bar = progress_bar()
        with bar:
            task = bar.add_task(f"hindcast: {len(eps)} episodes x {runs:,} runs", total=len(eps))
            result = hc.run_hindcast(
                eps,
                runs=runs,
                seed=seed,
                overrides=extra,
                workers=workers,
                alpha=smoothing,
                on_done=episode_done_reporter(bar, task, len(eps)),
                scheduler=scheduler,
                reference=ref,
            )
    data = result.to_dict()
    yard = ys.yardstick(result.cases, result.forecasts, ref, smoothing) if paths else None
    if ref is not None or paths:
        data["reference"] = {
            "rule": ys.LOO if ref is None else ys.REFERENCE,
            "episodes": None if ref is None else [e.id for e in ref],
            "train_until": None if until is None else until.isoformat(),
        }
    if yard is not None:
        data["paths"] = yard.to_dict()
    if html is not None:
        with user_errors():
            write_hindcast_html(html, result, yard)
    if as_json:
        sys.stdout.write(json.dumps(finite(data), default=str, allow_nan=False) + "\n")
        return
    render_hindcast(result)
    rule = (
        "Baselines: leave-one-out (each episode's climatology is the other scored episodes)."
        if ref is None
        else "Baselines: from the reference set "
        + ", ".join(e.id for e in ref)
        + (f" (episodes dated on or before {until})" if until else "")
        + "; it excludes the scored episodes."
    )
    console.print(rule, highlight=False)
    if yard is not None:
        render_paths(yard)
    if html is not None:
        console.print(f"wrote {html}", highlight=False)


def _table(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        show_edge=False,
    )


def render_hindcast(result: hc.HindcastResult) -> None:
    over = f", overrides {result.overrides}" if result.overrides else ""
    table = _table(
        f"Hindcast: {len(result.episodes)} episodes, {result.runs:,} runs each, seed "
        f"{result.seed}, smoothing {result.alpha}{over}"
    )
    table.add_column("ep", no_wrap=True)
    table.add_column("responder")
    table.add_column("trigger")
    table.add_column("observed", no_wrap=True)
    for col in ("P\nrung", "P\nlag", "log\nrung", "log\nlag", "clim.\nP"):
        table.add_column(col, justify="right", no_wrap=True)
    for e in result.episodes:
        m = e.scores["model"]
        table.add_row(
            e.id,
            e.responder,
            f"{e.trigger.actor}:{e.trigger.rung}",
            f"{hc.RUNG_LABELS[e.rung_bucket]} / {hc.LAG_LABELS[e.lag_bucket]}",
            fmt_p(m.p_rung),
            fmt_p(m.p_lag),
            fmt_s(m.log_rung),
            fmt_s(m.log_lag),
            fmt_p(e.scores["climatology"].p_rung),
        )
    console.print(table)

    for what, labels, attr, obs in (
        ("rung", hc.RUNG_LABELS, "p_rung", "rung_bucket"),
        ("lag (days)", hc.LAG_LABELS, "p_lag", "lag_bucket"),
    ):
        dist = _table(f"\nP({what} bucket), observed in brackets")
        dist.add_column("ep", no_wrap=True)
        for label in labels:
            dist.add_column(label, justify="right", no_wrap=True)
        for e in result.episodes:
            probs, seen = getattr(e, attr), getattr(e, obs)
            dist.add_row(
                e.id,
                *(f"[{p:.2f}]" if i == seen else f"{p:.2f} " for i, p in enumerate(probs)),
            )
        console.print(dist, markup=False)

    summary = result.summary()
    st = _table("\nMean scores over the episodes")
    st.add_column("forecaster", no_wrap=True)
    for col in ("log rung ↑", "Brier rung ↓", "log lag ↑", "Brier lag ↓"):
        st.add_column(col, justify="right", no_wrap=True)
    for who, label in hc.FORECASTERS.items():
        s = summary[who]
        st.add_row(
            label,
            fmt_s(s["log_rung"]),
            fmt_s(s["brier_rung"]),
            fmt_s(s["log_lag"]),
            fmt_s(s["brier_lag"]),
        )
    console.print(st)
    console.print(result.verdict(), highlight=False)

    rel = _table("\nReliability: rung buckets, episodes x buckets")
    for col in ("predicted", "n", "mean predicted", "observed freq.", "hits"):
        rel.add_column(col, justify="left" if col == "predicted" else "right", no_wrap=True)
    for b in result.reliability:
        rel.add_row(
            b.label, str(b.n), fmt_p(b.mean_predicted), fmt_p(b.observed_frequency), str(b.hits)
        )
    console.print(rel)


def render_paths(yard: ys.Yardstick) -> None:
    """Per quantity, the mean scores of the model and every baseline and the model against the
    strongest of them; per episode, the model's probability of what happened; the PIT of the
    direct blows."""
    summary = yard.summary()
    for metric, arrow in (("log", "↑"), ("rps", "↓"), ("brier", "↓")):
        t = _table(f"\nMean {metric} score {arrow} per quantity ({yard.rule_text()})")
        t.add_column("forecaster", no_wrap=True)
        qs = yard.quantities()
        for q in qs:
            t.add_column(ys.QUANTITY_NAMES[q], justify="right")
        for who, label in ys.FORECASTERS.items():
            t.add_row(label, *(fmt_s(summary[who][q][metric]) for q in qs))
        console.print(t)
    b = _table("\nMean Brier score ↓ of binary events")
    b.add_column("forecaster", no_wrap=True)
    for k in pq_binary():
        b.add_column(k, justify="right")
    for who, label in ys.FORECASTERS.items():
        b.add_row(label, *(fmt_s(yard.mean_binary(who, k)) for k in pq_binary()))
    console.print(b)
    e = _table("\nModel: P(what happened) per episode and quantity")
    e.add_column("ep", no_wrap=True)
    qs = yard.quantities()
    for q in qs:
        e.add_column(ys.QUANTITY_NAMES[q], justify="right")
    e.add_column("PIT blows", justify="right", no_wrap=True)
    for ep in yard.episodes:
        m = ep.scores["model"]
        pit = "—" if ep.pit is None else f"{ep.pit[0]:.2f}–{ep.pit[1]:.2f}"
        e.add_row(ep.id, *(fmt_p(m[q].p) if q in m else "—" for q in qs), pit)
    console.print(e)
    rel = _table("\nReliability of the path forecasts: predicted (episodes x buckets) vs observed")
    for col in ("quantity", "predicted", "n", "mean predicted", "observed freq."):
        rel.add_column(col, justify="left" if col in ("quantity", "predicted") else "right")
    for q in (q for q in ys.PATH_QUANTITIES if q in qs):
        for b in yard.reliability(q):
            if b.n:
                rel.add_row(
                    ys.QUANTITY_NAMES[q],
                    b.label,
                    str(b.n),
                    fmt_p(b.mean_predicted),
                    fmt_p(b.observed_frequency),
                )
    console.print(rel)
    large = ys.in_the_large_doc(yard)
    if large:
        t = _table(f"\n{ys.in_the_large_note(large)}")
        for i, col in enumerate(ys.IN_THE_LARGE_COLUMNS):
            t.add_column(col, justify="left" if i < 2 else "right")
        for cells in ys.in_the_large_cells(large):
            t.add_row(*cells)
        console.print(t)
    c = _table(f"\n{ys.COMPARISON_NOTE}")
    for i, col in enumerate(ys.COMPARISON_COLUMNS):
        c.add_column(col, justify="left" if i < 2 else "right")
    for row in yard.comparisons():
        c.add_row(*ys.comparison_cells(vars(row)))
    console.print(c)
    hist = ", ".join(f"{h:.2f}" for h in yard.pit_histogram())
    console.print(
        f"PIT of direct blows in {len(yard.pit_histogram())} bins (calibrated: "
        f"{1 / len(yard.pit_histogram()):.2f} each): {hist}",
        highlight=False,
    )


def pq_binary() -> list[str]:
    from escalade.analysis.paths import BINARY

    return list(BINARY)


# --------------------------------------------------------------------------- calibrate


def calibrate(
    episodes: EpisodesArg = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A parameter to fit as path=low:high (repeatable); model.NAME alone searches "
            "half to twice its default (default: " + ", ".join(cal.DEFAULT_PARAMS) + ")",
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", "-n", help="Runs per episode per evaluation", min=1, max=MAX_RUNS_IN_MEMORY
        ),
    ] = cal.DEFAULT_RUNS,
    seed: SeedOpt = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write the fitted values here as a YAML overlay", dir_okay=False
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="ml: maximum likelihood (mean log score); brier: minimum mean Brier score",
        ),
    ] = "ml",
    design: Annotated[
        int, typer.Option("--design", help="Latin hypercube points in the ranges", min=1)
    ] = cal.DEFAULT_DESIGN,
    iters: Annotated[
        int,
        typer.Option("--iters", help="Nelder–Mead evaluations after the design (0: none)", min=0),
    ] = cal.DEFAULT_ITERS,
    loo_refine: Annotated[
        int | None,
        typer.Option(
            "--loo-refine",
            help="Nelder–Mead evaluations per leave-one-out fold (default: --iters, so each "
            "fold repeats the whole fit; each costs one evaluation of every episode)",
            min=0,
            show_default=False,
        ),
    ] = None,
    train_until: TrainUntilOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write --out even when the fit scores worse out of sample than the defaults",
        ),
    ] = False,
    lag: Annotated[
        bool, typer.Option("--lag/--no-lag", help="Fit the lag bucket as well as the rung")
    ] = True,
    episodes_dir: EpisodesDirOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    smoothing: SmoothingOpt = hc.SMOOTHING,
    as_json: JsonOpt = False,
) -> None:
    """Fit model parameters to the episodes by maximum likelihood of the observed answers.

    Every candidate is simulated with the same seed (common random numbers). The search: the
    model as it ships, a Latin hypercube design in the ranges, then Nelder–Mead from the best
    point. Out of sample: leave-one-out repeats the whole fit without each episode and scores
    it on that one; --train-until DATE fits on the episodes dated up to DATE and scores those
    after. A fit that scores worse out of sample than the shipped defaults is not written to
    --out without --force (exit code 1).

    The defaults are small so that a run over the 21 shipped episodes finishes in a few
    minutes on 2 cores (100 runs, 6 design points, no Nelder–Mead: 7 evaluations of about
    half a minute each); raise --design, --iters and --runs for a serious fit (--iters N costs
    N evaluations per leave-one-out fold as well). The result is a YAML overlay of dotted
    paths to values, for `escalade run --overlay` and `escalade hindcast --overlay`.
    """
    with user_errors():
        if method not in cal.METHODS:
            raise ValueError(f"--method: unknown '{method}'; known: {', '.join(cal.METHODS)}")
        params = [cal.parse_param(s) for s in (param or cal.DEFAULT_PARAMS)]
        eps = hc.select_episodes(episodes, episodes_dir)
        until = parse_date(train_until)
        hc.prepare_all(eps)
        cal.check_ranges(params, eps[0])
        fold_iters = iters if loo_refine is None else loo_refine
        total = cal.planned_evaluations(design, iters, fold_iters, len(eps), until is not None)
        bar = progress_bar()
        with bar:
            task = bar.add_task(
                f"calibrate: ≤{total} evaluations x {len(eps)} episodes", total=total * len(eps)
            )
            evals = [0]

            def on_episode(ep_id: str) -> None:
                bar.advance(task, 1)
                if not err.is_terminal:
                    err.print(f"evaluation {evals[0] + 1}: episode {ep_id} done", highlight=False)

            def on_eval(ev: cal.Evaluation) -> None:
                evals[0] += 1

            result = cal.calibrate(
                eps,
                params,
                runs=runs,
                seed=seed,
                method=cast(cal.Method, method),
                design=design,
                iters=iters,
                loo_refine=loo_refine,
                use_lag=lag,
                workers=workers,
                alpha=smoothing,
                on_eval=on_eval,
                scheduler=scheduler,
                train_until=until,
                on_episode=on_episode,
            )
        command = " ".join(
            [
                "escalade calibrate",
                *(episodes or []),
                *(f"--param {p}" for p in params),
                f"--runs {runs} --seed {seed} --method {method} --design {design} --iters {iters}",
                *([f"--loo-refine {loo_refine}"] if loo_refine is not None else []),
                *([f"--train-until {until}"] if until else []),
                *([] if lag else ["--no-lag"]),
            ]
        )
        text = cal.overlay_text(result, command)
        refused = out is not None and result.worse_out_of_sample and not force
        if out is not None and not refused:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"--out {out}: cannot write it: {exc.strerror or exc}") from None
    refusal = (
        f"not written: {out} (the fit scores worse out of sample than the shipped defaults; "
        "--force writes it anyway)"
    )
    if as_json:
        data = result.to_dict()
        data["overlay"] = text
        data["out"] = None if out is None or refused else str(out)
        sys.stdout.write(json.dumps(finite(data), default=str, allow_nan=False) + "\n")
        if refused:
            err.print(refusal, highlight=False)
            raise typer.Exit(1)
        return
    render_calibration(result)
    console.print(result.gate_text(), highlight=False)
    if refused:
        err.print(refusal, highlight=False)
        raise typer.Exit(1)
    if out is not None:
        console.print(f"wrote {out}", highlight=False)
    else:
        console.print("overlay (use --out FILE to write it):", highlight=False)
        console.print(text, highlight=False, markup=False, soft_wrap=True)


def render_calibration(result: cal.CalibrationResult) -> None:
    fitted = result.values()
    t = _table(
        f"Calibration: {result.objective_text()}\n{len(result.evaluations)} evaluations, "
        f"{result.runs:,} runs per episode, seed {result.seed}"
    )
    for col in ("parameter", "range", "default", "fitted"):
        t.add_column(col, justify="left" if col == "parameter" else "right", no_wrap=True)
    for p in result.params:
        d = cal.model_default(p.path)
        t.add_row(
            p.path,
            f"{p.low:g} – {p.high:g}",
            "—" if d is None else f"{d:g}",
            f"{fitted[p.path]:.4g}",
        )
    console.print(t)
    s = _table("\nMean scores over the episodes")
    for col in ("", "log rung ↑", "log lag ↑", "Brier rung ↓"):
        s.add_column(col, justify="left" if not col else "right", no_wrap=True)
    for who, ev in (("default (as shipped)", result.default), ("fitted, in sample", result.best)):
        s.add_row(
            who,
            fmt_s(result.mean_log(ev, "log_rung")),
            fmt_s(result.mean_log(ev, "log_lag")),
            fmt_s(result.mean_log(ev, "brier_rung")),
        )
    if result.loo:
        for who, label in (("default", "default, held out"), ("fitted", "fitted, leave-one-out")):
            s.add_row(
                label,
                fmt_s(result.loo_mean(who, "log_rung")),
                fmt_s(result.loo_mean(who, "log_lag")),
                "",
            )
    if result.temporal is not None:
        tm = result.temporal
        for who, scores in (("default, after", tm.default), ("fitted, after", tm.fitted)):
            got = list(scores.values())
            s.add_row(
                f"{who} {tm.until}",
                fmt_s(float(sum(v.log_rung for v in got) / len(got))),
                fmt_s(float(sum(v.log_lag for v in got) / len(got))),
                fmt_s(float(sum(v.brier_rung for v in got) / len(got))),
            )
    console.print(s)
    if not result.loo:
        err.print("one episode: no leave-one-out")
        return
    lt = _table("\nLeave-one-out: chosen on the other episodes, scored on this one")
    lt.add_column("held\nout", no_wrap=True)
    for p in result.params:
        lt.add_column(p.path.removeprefix("model."), justify="right", no_wrap=True)
    for col in ("log rung\nfitted", "log rung\ndefault", "log lag\nfitted", "log lag\ndefault"):
        lt.add_column(col, justify="right", no_wrap=True)
    for h in result.loo:
        vals = (
            ["default"] * len(result.params) if h.point is None else [f"{v:.4g}" for v in h.point]
        )
        lt.add_row(
            h.id,
            *vals,
            fmt_s(h.fitted.log_rung),
            fmt_s(h.default.log_rung),
            fmt_s(h.fitted.log_lag),
            fmt_s(h.default.log_lag),
        )
    console.print(lt)
    gain = result.loo_mean("fitted", "log_rung") - result.loo_mean("default", "log_rung")
    word = "better" if gain > 0 else "no better"
    console.print(
        f"Held out, the fitted model scores {word} than the default on rung buckets "
        f"({gain:+.2f} mean log score).",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``hindcast`` and ``calibrate`` to the app."""
    names = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    if "hindcast" not in names:
        app.command("hindcast")(hindcast)
    if "calibrate" not in names:
        app.command("calibrate")(calibrate)


__all__ = ["calibrate", "hindcast", "register", "render_hindcast", "write_hindcast_html"]
