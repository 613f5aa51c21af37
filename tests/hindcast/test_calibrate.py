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
    overlay_text,
    parse_param,
    planned_evaluations,
)
from escalade.analysis.hindcast import load_episodes
from escalade.scenario.load import load_scenario, read_overlay


def test_parse_param() -> None:
    assert parse_param("model.war_cost=10:60") == ParamRange("model.war_cost", 10.0, 60.0)
    # a model parameter alone: half to twice its documented default
    p = parse_param("model.decision_rate")
    assert (p.low, p.high) == pytest.approx((0.075, 0.3))
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
    assert 1 + 3 <= len(seen) <= planned_evaluations(3, 3, 0, 2)
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
         "--design", "2", "--iters", "1", "-w", "1", "--out", str(out), "--json"],
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
