"""``escalade hindcast`` and ``escalade calibrate``: the model against the historical record.

Examples::

    escalade hindcast                          # every episode in data/episodes, 2000 runs each
    escalade hindcast E7 E8 --runs 500 --json  # two episodes, machine-readable
    escalade hindcast my/episode.yaml --html hindcast.html
    escalade calibrate --param model.war_cost=10:60 --param model.restraint_weight=0:3 \\
        --out fitted.yaml
    escalade hindcast --overlay fitted.yaml    # score the fitted model

The commands are thin: :mod:`escalade.analysis.hindcast` and
:mod:`escalade.analysis.calibrate` do the work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, cast

import typer
from rich import box
from rich.table import Table

from escalade.analysis import calibrate as cal
from escalade.analysis import hindcast as hc
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
) -> None:
    """Score the model against the historical episodes E1-E9 (log and Brier scores).

    Per episode: the predicted distribution of the responder's first answer (rung and lag
    buckets), the probability given to what happened, log and Brier scores; overall, the mean
    scores against three baselines (uniform, leave-one-out climatology, answer in kind) and a
    reliability table.

    The first answer is the responder's first strike or statement at rung >= 2 against the
    trigger's actor or its patron; none within the horizon counts in the rung bucket 0–1.
    See docs/validation.md.
    """
    with user_errors():
        eps = hc.select_episodes(episodes, episodes_dir)
        extra, ov = read_overrides(overlay, sets)
        with blamed_on(ov, sets):
            hc.prepare_all(eps, extra)  # located problems before any simulation
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
                on_done=lambda _id: bar.advance(task, 1),
                scheduler=scheduler,
            )
    data = result.to_dict()
    if html is not None:
        with user_errors():
            write_hindcast_html(html, result)
    if as_json:
        sys.stdout.write(json.dumps(finite(data), default=str, allow_nan=False) + "\n")
        return
    render_hindcast(result)
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
        int,
        typer.Option(
            "--loo-refine",
            help="Nelder–Mead evaluations per leave-one-out fold (0: choose among the design "
            "points only; each costs one evaluation)",
            min=0,
        ),
    ] = 0,
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
    point. Leave-one-out (choose on the other episodes, score the held-out one) shows whether
    the fit generalises. The result is a YAML overlay of dotted paths to values, for
    `escalade run --overlay` and `escalade hindcast --overlay`.
    """
    with user_errors():
        if method not in cal.METHODS:
            raise ValueError(f"--method: unknown '{method}'; known: {', '.join(cal.METHODS)}")
        params = [cal.parse_param(s) for s in (param or cal.DEFAULT_PARAMS)]
        eps = hc.select_episodes(episodes, episodes_dir)
        hc.prepare_all(eps)
        cal.check_ranges(params, eps[0])
        total = cal.planned_evaluations(design, iters, loo_refine, len(eps))
        bar = progress_bar()
        with bar:
            task = bar.add_task("calibrate", total=total)

            def on_eval(ev: cal.Evaluation) -> None:
                bar.advance(task, 1)

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
            )
        command = " ".join(
            [
                "escalade calibrate",
                *(episodes or []),
                *(f"--param {p}" for p in params),
                f"--runs {runs} --seed {seed} --method {method} --design {design} --iters {iters}",
                *([f"--loo-refine {loo_refine}"] if loo_refine else []),
                *([] if lag else ["--no-lag"]),
            ]
        )
        text = cal.overlay_text(result, command)
        if out is not None:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"--out {out}: cannot write it: {exc.strerror or exc}") from None
    if as_json:
        data = result.to_dict()
        data["overlay"] = text
        data["out"] = None if out is None else str(out)
        sys.stdout.write(json.dumps(finite(data), default=str, allow_nan=False) + "\n")
        return
    render_calibration(result)
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
