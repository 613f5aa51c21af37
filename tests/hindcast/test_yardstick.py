"""Whole paths and the yardstick (issue 9, items 1, 2): counting rules on hand-made event logs,
scores of known distributions computed by hand, baselines, and the command's new keys."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import typer
from typer.testing import CliRunner

from escalade.analysis import hindcast as hc
from escalade.analysis import paths as pq
from escalade.analysis import yardstick as ys

from .conftest import episode_text
from .test_path import PATH_BLOCK

# --------------------------------------------------------------------------- scores by hand


def test_rps_sums_squared_differences_of_cumulative_probabilities() -> None:
    # cdf (0.5, 0.75, 1) vs observed cdf (1, 1, 1): 0.25 + 0.0625
    assert pq.rps([0.5, 0.25, 0.25], 0) == pytest.approx(0.3125)
    # vs (0, 0, 1): 0.25 + 0.5625
    assert pq.rps([0.5, 0.25, 0.25], 2) == pytest.approx(0.8125)
    assert pq.rps([0.0, 1.0, 0.0], 1) == 0.0
    assert pq.rps([1.0, 0.0, 0.0], 2) == pytest.approx(2.0)  # K - 1, the worst


def test_rps_rewards_a_near_miss_more_than_a_far_one() -> None:
    near, far = [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]
    assert pq.rps(near, 0) < pq.rps(far, 0)
    assert hc.brier_score(near, 0) == hc.brier_score(far, 0)  # Brier cannot tell them apart


def test_binary_scores() -> None:
    assert pq.binary_brier(0.8, True) == pytest.approx(0.04)
    assert pq.binary_brier(0.8, False) == pytest.approx(0.64)
    assert pq.binary_log(0.8, False) == pytest.approx(math.log(0.2))


def test_pit_interval_of_a_count() -> None:
    values = {0: 2, 1: 1, 3: 1}  # four runs
    assert pq.pit_interval(values, 1) == (0.5, 0.75)
    assert pq.pit_interval(values, 0) == (0.0, 0.5)
    assert pq.pit_interval(values, 2) == (0.75, 0.75)
    assert pq.pit_interval(values, 9) == (1.0, 1.0)


def test_pit_histogram_is_flat_for_a_calibrated_forecaster_and_piles_up_otherwise() -> None:
    assert pq.pit_histogram([(0.0, 1.0)]) == pytest.approx([0.2] * 5)
    assert pq.pit_histogram([(0.0, 0.2), (0.0, 0.2)]) == pytest.approx([1, 0, 0, 0, 0])
    # too few blows forecast: the observed count sits in the top tail
    assert pq.pit_histogram([(0.9, 1.0)]) == pytest.approx([0, 0, 0, 0, 1])
    assert sum(pq.pit_histogram([(0.1, 0.5), (0.3, 0.35)])) == pytest.approx(1.0)


# --------------------------------------------------------------------------- counting rules


def _events(rows: list[tuple[int, int, str, str, int, str]]) -> pa.Table:
    run, day, kind, actor, rung, target = zip(*rows, strict=True)
    return pa.table(
        {
            "run": pa.array(run, pa.int64()),
            "day": pa.array(day, pa.int64()),
            "kind": pa.array(kind),
            "actor": pa.array(actor),
            "action": pa.array(["x"] * len(rows)),
            "rung": pa.array(rung, pa.int64()),
            "target": pa.array(target),
        }
    )


def _outcomes(ended: list[str], end_day: list[int]) -> pa.Table:
    return pa.table(
        {
            "run": pa.array(range(len(ended)), pa.int64()),
            "ended": pa.array(ended),
            "end_day": pa.array(end_day, pa.int64()),
        }
    )


def test_path_quantities_follow_the_readme_rules() -> None:
    events = _events(
        [
            # run 0: the trigger is a direct blow; two strikes the same day are one blow;
            # a proxy's harassment raises the highest rung only at its rung; ended quiet
            (0, 0, "trigger", "A", 8, "B"),
            (0, 5, "strike", "B", 7, "A"),
            (0, 5, "strike", "B", 8, "A"),
            (0, 10, "harassment", "P", 4, "B"),
            (0, 30, "end", "", 1, ""),
            # run 1: a war-rung blow in the last two weeks, still going: war
            (1, 55, "strike", "A", 11, "B"),
            # run 2: a proxy's harassment on its own in the last two weeks is chronic fire,
            # which the record does not count: quiet (highest rung 4, no direct blow)
            (2, 50, "harassment", "P", 4, "B"),
            # run 3: a blow after the window counts for nothing
            (3, 70, "strike", "A", 7, "B"),
            # run 4: a strike on a third party is not between the sides
            (4, 2, "strike", "A", 9, "C"),
            # run 5: talk, then an announced blow pending at the horizon: ongoing
            (5, 3, "statement", "A", 2, "B"),
            (5, 50, "warning", "A", 7, "B"),
            # run 6: a proxy's blow on the other principal is not a direct blow
            (6, 5, "strike", "P", 8, "B"),
            # run 7: a proxy's strike (an answer, not chronic fire) in the last two weeks
            (7, 50, "strike", "P", 4, "B"),
            # run 8: harassment by a principal itself is the fighting, not background
            (8, 50, "harassment", "A", 4, "B"),
        ]
    )
    outcomes = _outcomes(
        ["quiet", "ongoing", "ongoing", "ongoing", "ceasefire", "ongoing", "ongoing", "ongoing"]
        + ["ongoing"],
        [30, 60, 60, 90, 20, 60, 60, 60, 60],
    )
    q = pq.path_quantities(events, outcomes, ["A", "B"], 60, [["A", "P"], ["B"]])
    states = [pq.STATES[i] for i in q.at_horizon]
    assert list(q.direct_blows) == [2, 1, 0, 0, 0, 0, 0, 0, 0]
    assert list(q.highest_rung) == [8, 11, 4, 0, 0, 2, 8, 4, 4]
    assert states == [
        "quiet", "war", "quiet", "quiet", "ceasefire", "ongoing", "quiet", "ongoing", "ongoing"
    ]  # fmt: skip


def test_path_quantities_without_proxies_in_the_sides_ignore_them() -> None:
    events = _events([(0, 1, "harassment", "P", 4, "B")])
    q = pq.path_quantities(events, _outcomes(["ongoing"], [60]), ["A", "B"], 60)
    assert list(q.highest_rung) == [0]
    assert pq.STATES[q.at_horizon[0]] == "quiet"


def test_path_quantities_refuse_bad_principals() -> None:
    with pytest.raises(ValueError, match="two distinct"):
        pq.path_quantities(
            _events([(0, 0, "trigger", "A", 6, "B")]), _outcomes(["quiet"], [1]), ["A", "A"], 60
        )


def test_bucketing_of_counts_and_rungs() -> None:
    assert list(pq.buckets_of([0, 1, 2, 3, 4, 9, 10, 66], pq.BLOW_BUCKETS)) == [
        0,
        1,
        2,
        3,
        4,
        4,
        5,
        5,
    ]
    assert list(pq.buckets_of([0, 3, 4, 5, 8, 10, 11, 13], pq.HIGHEST_BUCKETS)) == [
        0,
        0,
        1,
        2,
        5,
        6,
        7,
        7,
    ]


# --------------------------------------------------------------------------- yardstick


def _path_episode(folder: Path, id: str, date: str, blows: int, state: str) -> None:
    text = episode_text(id) + PATH_BLOCK.replace("direct_blows: 1", f"direct_blows: {blows}")
    text = text.replace("at_horizon: quiet", f"at_horizon: {state}")
    text = text.replace("date: 2024-01-06", f"date: {date}")
    (folder / f"{id}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def path_dir(episodes_dir: Path) -> Path:
    for f in ("T1.yaml", "T2.yaml"):
        (episodes_dir / f).unlink()
    _path_episode(episodes_dir, "P1", "2020-01-01", 0, "quiet")
    _path_episode(episodes_dir, "P2", "2021-01-01", 2, "ongoing")
    _path_episode(episodes_dir, "P3", "2022-01-01", 2, "quiet")
    return episodes_dir


def _forecast(blows: list[int], states: list[int]) -> hc.Forecast:
    n = len(blows)
    f = hc.Forecast.from_answers(np.full(n, 8), np.full(n, 5))
    q = pq.PathQuantities(np.array(blows), np.full(n, 8), np.array(states))
    import dataclasses

    return dataclasses.replace(f, path=pq.PathForecast.from_quantities(q))


def test_yardstick_scores_a_hand_made_forecast_and_the_baselines(path_dir: Path) -> None:
    eps = hc.load_episodes(path_dir)
    cases = hc.prepare_all(eps)
    # 4 runs: blows 0, 2, 2, 2; states quiet, quiet, ongoing, war
    found = {c.id: _forecast([0, 2, 2, 2], [0, 0, 2, 3]) for c in cases}
    y = ys.yardstick(cases, found)
    assert y.rule == ys.LOO
    e3 = next(e for e in y.episodes if e.id == "P3")
    # model, direct blows bucket "2": (3 + 0.5) / (4 + 0.5 * 6)
    assert e3.scores["model"]["direct_blows"].p == pytest.approx(3.5 / 7)
    # climatology leave-one-out for P3: P1 (bucket 0) and P2 (bucket 2): (1.5) / (2 + 3)
    assert e3.scores["climatology"]["direct_blows"].p == pytest.approx(1.5 / 5)
    # last round repeats: P2, the latest before P3, had 2 blows: a point mass, smoothed
    assert e3.scores["last_round"]["direct_blows"].p == pytest.approx(4.5 / 7)
    # the trigger (a killing abroad, rung 6) is no direct blow: in kind and persistence say 0
    assert e3.scores["in_kind"]["direct_blows"].p == pytest.approx(0.5 / 7)
    assert e3.scores["persistence"]["direct_blows"].p == pytest.approx(0.5 / 7)
    # persistence: a rung-6 trigger leaves the crisis ongoing
    assert e3.probs["persistence"]["at_horizon"] is not None
    assert int(np.argmax(e3.probs["persistence"]["at_horizon"])) == pq.STATES.index("ongoing")
    # P1 has no earlier episode: last round repeats is uniform
    e1 = next(e for e in y.episodes if e.id == "P1")
    assert e1.scores["last_round"]["direct_blows"].p == pytest.approx(1 / 6)
    # binary: P(war) from the smoothed states (1 + 0.5) / (4 + 2); P3 was quiet
    p_war, brier = e3.binary["model"]["war"]
    assert p_war == pytest.approx(1.5 / 6)
    assert brier == pytest.approx((1.5 / 6) ** 2)
    assert e3.pit == (0.25, 1.0)


def test_the_model_is_compared_with_a_baseline_episode_by_episode(path_dir: Path) -> None:
    eps = hc.load_episodes(path_dir)
    cases = hc.prepare_all(eps)
    found = {c.id: _forecast([0, 2, 2, 2], [0, 0, 2, 3]) for c in cases}
    y = ys.yardstick(cases, found)
    c = y.compare("direct_blows", "climatology")
    assert c is not None and c.n == 3
    d = [
        e.scores["model"]["direct_blows"].log - e.scores["climatology"]["direct_blows"].log
        for e in y.episodes
    ]
    assert c.difference == pytest.approx(np.mean(d))
    assert c.se_episodes == pytest.approx(np.std(d, ddof=1) / math.sqrt(3))
    assert (c.better, c.worse) == (sum(x > 0 for x in d), sum(x < 0 for x in d))
    # The model (blows 0, 2, 2, 2 in its 4 runs) gives 1.5/7 to none and 3.5/7 to two; the
    # climatology of the other two episodes gives 0.5/5 to a bucket neither had, 1.5/5 to one
    # they had once and 2.5/5 to one they both had: P1 (none) and P2 and P3 (two each) all
    # score better with the model, so the sign test is (1/2)^3 x 2 = 0.25.
    assert (c.better, c.worse) == (3, 0) and c.sign_p == pytest.approx(0.25)
    # the strongest baseline has the highest mean log score, and each quantity has one row
    best = y.strongest_baseline("direct_blows")
    means = {b: y.mean(b, "direct_blows", "log") for b in ys.BASELINES}
    assert best == max(means, key=lambda b: means[b] or -math.inf)
    assert [k.quantity for k in y.comparisons()] == y.quantities()


def test_the_sign_test_is_exact_and_two_sided() -> None:
    from scipy.stats import binomtest

    # 8 of 9 episodes better: 2 x (9 + 1) / 512 = 0.039 (the figure docs/validation.md quotes)
    assert binomtest(8, 9).pvalue == pytest.approx(20 / 512)


def test_the_ensemble_error_of_a_log_score_shrinks_with_the_runs() -> None:
    # 30 of 100 runs in the observed bucket of 6, smoothed: p = 30.5 / 103 and
    # var(log p) = 100 x p (1 - p) / 30.5^2 (the delta method on the binomial count)
    p = hc.smoothed(np.array([30, 70, 0, 0, 0, 0]))
    q = 30.5 / 103
    assert ys.ensemble_log_variance(p, 0, 100, 0.5) == pytest.approx(100 * q * (1 - q) / 30.5**2)
    # ten times the runs at the same frequency: about a tenth of the variance
    p10 = hc.smoothed(np.array([300, 700, 0, 0, 0, 0]))
    ratio = ys.ensemble_log_variance(p10, 0, 1000, 0.5) / ys.ensemble_log_variance(p, 0, 100, 0.5)
    assert ratio == pytest.approx(0.1, rel=0.05)
    # a bucket no run reached keeps a large error (one run landing there would triple p)
    none = ys.ensemble_log_variance(hc.smoothed(np.array([100, 0])), 1, 100, 0.5)
    assert none == pytest.approx(100 * (0.5 / 101) * (1 - 0.5 / 101) / 0.25)
    assert none > 50 * ys.ensemble_log_variance(p, 0, 100, 0.5)  # about 88 times


def test_a_reference_set_replaces_leave_one_out(path_dir: Path) -> None:
    eps = hc.load_episodes(path_dir)
    cases = hc.prepare_all([e for e in eps if e.id == "P3"])
    found = {"P3": _forecast([0, 2, 2, 2], [0, 0, 2, 3])}
    ref = [e for e in eps if e.id == "P1"]
    y = ys.yardstick(cases, found, ref)
    assert y.rule == ys.REFERENCE and y.reference == ["P1"]
    # climatology from P1 alone (bucket 0): P(bucket 2) = 0.5 / (1 + 3)
    assert y.episodes[0].scores["climatology"]["direct_blows"].p == pytest.approx(0.5 / 4)
    assert "P1" in y.rule_text()


def test_split_by_date(path_dir: Path) -> None:
    import datetime as dt

    train, test = ys.split_by_date(hc.load_episodes(path_dir), dt.date(2021, 1, 1))
    assert [e.id for e in train] == ["P1", "P2"]
    assert [e.id for e in test] == ["P3"]


# --------------------------------------------------------------------------- command


def test_paths_flag_adds_keys_and_plain_json_keeps_its_keys(
    app: typer.Typer, path_dir: Path
) -> None:
    runner = CliRunner()
    base = ["hindcast", "--episodes", str(path_dir), "--runs", "20", "--workers", "1"]
    plain = json.loads(runner.invoke(app, [*base, "--json"]).stdout)
    assert set(plain) == {
        "settings",
        "episodes",
        "summary",
        "beats_baselines",
        "episodes_won",
        "reliability",
    }
    res = runner.invoke(app, [*base, "--json", "--paths"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["reference"]["rule"] == ys.LOO
    paths = data["paths"]
    assert set(paths["summary"]) == set(ys.FORECASTERS)
    assert set(paths["quantities"]) == {"rung", "lag", *pq.QUANTITIES}
    assert len(paths["episodes"]) == 3
    for key in (k for k in plain if k != "settings"):
        assert data[key] == plain[key]


def test_reference_and_train_until_say_which_rule_was_used(
    app: typer.Typer, path_dir: Path
) -> None:
    runner = CliRunner()
    base = ["hindcast", "--episodes", str(path_dir), "--runs", "10", "--workers", "1"]
    res = runner.invoke(app, [*base, "P3", "--reference", "P1,P2"])
    assert res.exit_code == 0, res.output
    assert "reference set P1, P2" in res.output
    res = runner.invoke(app, [*base, "--train-until", "2021-06-30", "--json"])
    data = json.loads(res.stdout)
    assert data["reference"] == {
        "rule": ys.REFERENCE,
        "episodes": ["P1", "P2"],
        "train_until": "2021-06-30",
    }
    assert [e["id"] for e in data["episodes"]] == ["P3"]
    res = runner.invoke(app, [*base])
    assert "leave-one-out" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["P1", "--reference", "P1"], "both scored and in the reference set"),
        (["--train-until", "2030-01-01"], "both sides need at least one"),
        (["--train-until", "soon"], "expected a date YYYY-MM-DD"),
        (["--reference", "P1", "--train-until", "2021-01-01"], "not both"),
    ],
)
def test_bad_protocols_are_clear_errors(
    app: typer.Typer, path_dir: Path, args: list[str], message: str
) -> None:
    res = CliRunner().invoke(
        app, ["hindcast", "--episodes", str(path_dir), "--runs", "5", "--workers", "1", *args]
    )
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output


def test_html_shows_path_scores_and_ids_are_unique(
    app: typer.Typer, path_dir: Path, tmp_path: Path
) -> None:
    import re

    out = tmp_path / "h.html"
    res = CliRunner().invoke(
        app,
        [
            "hindcast",
            "--episodes",
            str(path_dir),
            "--runs",
            "10",
            "--workers",
            "1",
            "--paths",
            "--html",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'id="path-scores"' in html and "last round repeats" in html
    assert "The model against the strongest baseline" in html
    assert 'id="reliability-chart"' in html
    # the reliability chart sits inside the reliability section
    section = html.split('<section id="reliability">', 1)[1].split("</section>", 1)[0]
    assert 'id="reliability-chart"' in section
    assert 'class="wide"' in html


def test_a_line_per_finished_episode_off_a_terminal(app: typer.Typer, path_dir: Path) -> None:
    res = CliRunner().invoke(
        app, ["hindcast", "--episodes", str(path_dir), "--runs", "5", "--workers", "1"]
    )
    assert res.exit_code == 0, res.output
    for i in ("P1", "P2", "P3"):
        assert f"episode {i} done" in res.output


@pytest.mark.slow
def test_path_scores_do_not_depend_on_the_worker_count(path_dir: Path) -> None:
    eps = hc.load_episodes(path_dir)
    one = hc.run_hindcast(eps, runs=30, seed=4, workers=1)
    two = hc.run_hindcast(eps, runs=30, seed=4, workers=2)
    a = ys.yardstick(one.cases, one.forecasts).to_dict()
    b = ys.yardstick(two.cases, two.forecasts).to_dict()
    assert a == b
    assert all(f.path is not None and f.path.runs == 30 for f in one.forecasts.values())


def test_calibration_in_the_large_sets_the_mean_forecast_against_the_shares_observed(
    path_dir: Path,
) -> None:
    eps = hc.load_episodes(path_dir)
    cases = hc.prepare_all(eps)
    # 4 runs each: states quiet, quiet, ongoing, war; the record: P1 and P3 quiet, P2 ongoing
    found = {c.id: _forecast([0, 2, 2, 2], [0, 0, 2, 3]) for c in cases}
    y = ys.yardstick(cases, found)
    large = y.in_the_large("at_horizon")
    assert large is not None and large.n == 3
    # every episode has the same forecast, smoothed: (2 + 0.5) / (4 + 0.5 x 4) on quiet
    assert large.model == pytest.approx([2.5 / 6, 0.5 / 6, 1.5 / 6, 1.5 / 6])
    assert large.observed == [2, 0, 1, 0]
    rows = ys.in_the_large_doc(y)
    assert [r["quantity"] for r in rows] == y.quantities()
    cells = ys.in_the_large_cells(rows)
    assert ["state at horizon", "quiet", "2 of 3", "0.67", "0.42"] in cells
    # an overconfident model shows: its mean on "ongoing" (0.25) against a share of 0.33
    assert ["state at horizon", "ongoing", "1 of 3", "0.33", "0.25"] in cells
    text = "\n".join(ys.in_the_large_lines(rows))
    assert "one episode is 0.33 of a share" in text
