"""``escalade calibrate``: parameter ranges, a tiny fit, and an overlay the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from escalade.analysis.calibrate import (
    Evaluation,
    ParamRange,
    calibrate,
    check_ranges,
    model_default,
    overlay_text,
    parse_param,
    planned_evaluations,
)
from escalade.analysis.hindcast import load_episodes
from escalade.scenario.load import load_scenario, read_overlay


def test_parse_param() -> None:
    assert parse_param("model.war_cost=10:60") == ParamRange("model.war_cost", 10.0, 60.0)
    # a model parameter alone: half to twice its documented default ...
    p = parse_param("model.obligation_pressure")
    assert (p.low, p.high) == pytest.approx((0.175, 0.7))
    # ... or, when the default is a distribution, its own bounds (and its mean is the default)
    t = parse_param("model.decision_rate")
    assert (t.low, t.high) == pytest.approx((0.032, 1.0))
    assert model_default("model.decision_rate") == pytest.approx(0.256)
    q = parse_param("model.quiet_days=5:30")
    assert q.integer and q.value(0.5) == 18.0 and q.value(2.0) == 30.0
    assert parse_param("actors.IRN.resolve=0.2:0.9").value(0.5) == pytest.approx(0.55)
    for bad, words in [
        ("model.war_cost=60:10", "low < high"),
        ("model.war_cost=a:b", "low:high numbers"),
        ("actors.IRN.resolve", "give its range"),
        ("=1:2", "path=low:high"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_param(bad)


def test_a_range_outside_what_the_scenario_accepts_is_refused(episodes_dir: Path) -> None:
    (t1, _) = load_episodes(episodes_dir)
    with pytest.raises(ValueError, match=r"model.decision_rate=0:2: 2 is not a valid value"):
        check_ranges([parse_param("model.decision_rate=0:2")], t1)


def test_a_tiny_fit_writes_an_overlay_the_loader_accepts(
    episodes_dir: Path, tmp_path: Path
) -> None:
    eps = load_episodes(episodes_dir)
    params = [parse_param("model.war_cost=10:80"), parse_param("model.obligation_pressure")]
    seen: list[Evaluation] = []
    result = calibrate(eps, params, runs=30, seed=2, design=3, iters=3, on_eval=seen.append)
    assert 1 + 3 <= len(seen) <= planned_evaluations(3, 3, 3, 2)  # each fold re-fits
    assert seen[0].point is None and seen[0].stage == "default"
    assert result.loss_best <= result.loss_default
    values = result.values()
    assert set(values) == {"model.war_cost", "model.obligation_pressure"}
    assert 10 <= values["model.war_cost"] <= 80
    assert 0.175 <= values["model.obligation_pressure"] <= 0.7
    assert [h.id for h in result.loo] == ["T1", "T2"]
    text = overlay_text(result, "escalade calibrate (test)")
    assert text.startswith("# escalade calibrate")
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    overlay = read_overlay(path)
    assert overlay == values
    sc = load_scenario("april-2024", overlay)
    assert sc.model.war_cost == values["model.war_cost"]
    # same seed, same fit (common random numbers make the search deterministic)
    again = calibrate(eps, params, runs=30, seed=2, design=3, iters=3)
    assert again.values() == values and again.loss_best == result.loss_best


def test_cli_calibrate_json_and_out(app: typer.Typer, episodes_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "fitted.yaml"
    res = CliRunner().invoke(
        app,
        ["calibrate", "--episodes", str(episodes_dir), "-p", "model.war_cost=10:80", "-n", "20",
         "--design", "2", "--iters", "1", "--loo-refine", "0", "-w", "1", "--out", str(out),
         "--json", "--force"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["settings"]["params"] == [
        {"path": "model.war_cost", "low": 10.0, "high": 80.0, "integer": False}
    ]
    assert data["settings"]["evaluations"] <= 1 + 2 + 1
    assert set(data["leave_one_out"]["mean"]) == {"fitted", "default"}
    assert [f["id"] for f in data["leave_one_out"]["folds"]] == ["T1", "T2"]
    assert data["out"] == str(out) and out.read_text(encoding="utf-8") == data["overlay"]
    overlay = read_overlay(out)
    assert overlay == data["fitted"]
    assert load_scenario("january-2020", overlay).model.war_cost == overlay["model.war_cost"]
    assert "--param model.war_cost=10:80" in data["overlay"]


def test_cli_calibrate_refuses_a_bad_param(app: typer.Typer, episodes_dir: Path) -> None:
    res = CliRunner().invoke(
        app, ["calibrate", "--episodes", str(episodes_dir), "-p", "model.war_cost=5"]
    )
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.stderr.startswith("error: --param model.war_cost: the range must be low:high")


def test_every_fold_repeats_the_whole_fit_without_its_episode(episodes_dir: Path) -> None:
    import numpy as np

    eps = load_episodes(episodes_dir)
    params = [parse_param("model.war_cost=10:80")]
    result = calibrate(eps, params, runs=20, seed=1, design=3, iters=0)
    candidates = [e for e in result.evaluations if e.stage in ("default", "design")]

    def loss(ev: Evaluation, ids: list[str]) -> float:
        return float(np.mean([-(ev.scores[i].log_rung + ev.scores[i].log_lag) for i in ids]))

    for fold in result.loo:
        rest = [e.id for e in eps if e.id != fold.id]
        best = min(candidates, key=lambda ev: loss(ev, rest))
        if loss(result.default, rest) <= loss(best, rest):
            best = result.default
        assert fold.point == best.point
        assert fold.fitted == best.scores[fold.id]
    assert result.out_of_sample is not None
    assert result.out_of_sample["default"] == pytest.approx(
        np.mean([-(h.default.log_rung + h.default.log_lag) for h in result.loo])
    )


def test_temporal_split_fits_before_the_date_and_scores_after(
    episodes_dir: Path, tmp_path: Path
) -> None:
    import datetime as dt

    for name, date in (("T1", "2020-01-01"), ("T2", "2022-01-01")):
        f = episodes_dir / f"{name}.yaml"
        f.write_text(f.read_text().replace("date: 2024-01-06", f"date: {date}"))
    eps = load_episodes(episodes_dir)
    params = [parse_param("model.war_cost=10:80")]
    result = calibrate(eps, params, runs=20, seed=1, design=2, iters=0,
                       train_until=dt.date(2021, 1, 1))  # fmt: skip
    tm = result.temporal
    assert tm is not None and tm.train == ["T1"] and tm.test == ["T2"]
    assert set(tm.fitted) == {"T2"} and tm.default["T2"] == result.default.scores["T2"]
    assert result.to_dict()["temporal_split"]["until"] == "2021-01-01"
    with pytest.raises(ValueError, match="both sides need at least one"):
        calibrate(eps, params, runs=5, design=1, iters=0, train_until=dt.date(2030, 1, 1))


def test_an_overlay_worse_out_of_sample_is_not_written_without_force(
    app: typer.Typer, episodes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from escalade.analysis import calibrate as cal

    real = cal.calibrate

    def worse(*args: object, **kwargs: object) -> cal.CalibrationResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        result.out_of_sample = {"fitted": 9.0, "default": 1.0}
        return result

    monkeypatch.setattr(cal, "calibrate", worse)
    out = tmp_path / "fitted.yaml"
    args = ["calibrate", "--episodes", str(episodes_dir), "-p", "model.war_cost=10:80",
            "-n", "5", "--design", "1", "-w", "1", "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 1
    assert not out.exists()
    assert "not written" in res.output and "--force" in res.output
    assert "WORSE than the shipped defaults" in res.output
    res = CliRunner().invoke(app, [*args, "--force"])
    assert res.exit_code == 0, res.output
    assert out.exists()
