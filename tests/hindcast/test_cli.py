"""``escalade hindcast``: JSON structure, tables, HTML, overlays (small runs, fixed seeds)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.analysis.hindcast import LAG_LABELS, RUNG_LABELS

WIDTH = 200
"""The terminal's columns: wide enough that a temporary path printed (``wrote PATH``) stays on
one line however deep pytest's temporary folder is (under xdist it is one level deeper)."""


def cli(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(WIDTH)})


def test_json_on_two_shipped_episodes(app: typer.Typer) -> None:
    res = cli(app, "hindcast", "E8", "E2", "--runs", "40", "--seed", "3", "-w", "1", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {
        "settings",
        "episodes",
        "summary",
        "beats_baselines",
        "episodes_won",
        "reliability",
    }
    assert data["settings"]["runs"] == 40 and data["settings"]["seed"] == 3
    assert data["settings"]["rung_buckets"] == list(RUNG_LABELS)
    assert data["settings"]["lag_buckets"] == list(LAG_LABELS)
    assert [e["id"] for e in data["episodes"]] == ["E8", "E2"]
    for e in data["episodes"]:
        pred = e["predicted"]
        assert sum(pred["rung_counts"].values()) == 40
        assert sum(pred["lag_counts"].values()) == 40
        assert math.fsum(pred["rung"].values()) == pytest.approx(1.0)
        assert math.fsum(pred["lag"].values()) == pytest.approx(1.0)
        obs = e["observed"]
        p = pred["rung"][obs["rung_bucket"]]
        assert e["p_observed"]["rung"] == pytest.approx(p)
        assert e["log_score"]["rung"] == pytest.approx(math.log(p))
        # smoothed: (count + 0.5) / (40 + 0.5 * 7)
        assert p == pytest.approx((pred["rung_counts"][obs["rung_bucket"]] + 0.5) / 43.5)
        assert e["baselines"]["uniform"]["log_rung"] == pytest.approx(-math.log(7))
    e8, e2 = data["episodes"]
    assert (e8["observed"]["rung_bucket"], e8["observed"]["lag_bucket"]) == ("7", "4–7")
    assert e8["trigger"]["action"] == "large_salvo" and e8["trigger"]["rung"] == 8
    # climatology leaves E8 out: the other episode, E2, was also a 7 -> 1.5 / (1 + 3.5)
    assert e8["baselines"]["climatology"]["p_rung"] == pytest.approx(1.5 / 4.5)
    # answer in kind: E8's trigger was a rung-8 salvo, Israel answered at 7: a miss
    assert e8["baselines"]["in_kind"]["p_rung"] == pytest.approx(0.5 / 43.5)
    assert set(data["summary"]) == {"model", "uniform", "climatology", "in_kind"}
    assert data["summary"]["in_kind"]["log_lag"] is None
    mean = (e8["log_score"]["rung"] + e2["log_score"]["rung"]) / 2
    assert data["summary"]["model"]["log_rung"] == pytest.approx(mean)
    assert data["beats_baselines"]["uniform"] == (mean > -math.log(7))
    won = sum(e["log_score"]["rung"] > -math.log(7) for e in (e8, e2))
    assert data["episodes_won"]["uniform"] == won
    assert sum(b["n"] for b in data["reliability"]) == 2 * len(RUNG_LABELS)
    assert sum(b["hits"] for b in data["reliability"]) == 2


def test_same_seed_same_scores_in_any_number_of_workers(
    app: typer.Typer, episodes_dir: Path
) -> None:
    args = ("hindcast", "--episodes", str(episodes_dir), "-n", "60", "-s", "5", "--json")
    one = json.loads(cli(app, *args, "-w", "1").stdout)
    two = json.loads(cli(app, *args, "-w", "2").stdout)
    assert one == two
    other = json.loads(cli(app, *args[:-3], "-s", "6", "--json", "-w", "1").stdout)
    assert other["episodes"][0]["predicted"] != one["episodes"][0]["predicted"]


def test_tables_html_and_overlay(app: typer.Typer, episodes_dir: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "fitted.yaml"
    overlay.write_text("# fitted\nmodel.war_cost: 15\n", encoding="utf-8")
    page = tmp_path / "hindcast.html"
    res = cli(app, "hindcast", "T1", "T2", "--episodes", str(episodes_dir), "-n", "30", "-w",
              "1", "--overlay", str(overlay), "--html", str(page))  # fmt: skip
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "Hindcast: 2 episodes, 30 runs each, seed 0" in out
    assert "{'model.war_cost': 15}" in out
    assert "Mean scores over the episodes" in out and "climatology (LOO)" in out
    assert "on mean log score (rung)" in out
    assert f"wrote {page}" in out
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Reliability" in html
    data = json.loads(html.split('id="report-data">')[1].split("</script>")[0])
    assert data["settings"]["overrides"] == {"model.war_cost": 15}
    assert [e["id"] for e in data["episodes"]] == ["T1", "T2"]


def test_usage_errors_exit_2_without_a_traceback(app: typer.Typer, tmp_path: Path) -> None:
    res = cli(app, "hindcast", "--episodes", str(tmp_path / "nowhere"), "-n", "5")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "episodes folder not found" in res.stderr
    bad = tmp_path / "bad-overlay.yaml"
    bad.write_text("- a list\n", encoding="utf-8")
    res = cli(app, "hindcast", "E8", "-n", "5", "--overlay", str(bad))
    assert res.exit_code == 2 and "expected a mapping of dotted paths" in res.stderr


def test_json_has_no_infinities() -> None:
    from escalade.report.hindcast import finite

    data = {"log": -math.inf, "p": [0.5, math.nan], "n": 3, "t": (1.0, math.inf)}
    assert finite(data) == {"log": None, "p": [0.5, None], "n": 3, "t": [1.0, None]}
    assert json.loads(json.dumps(finite(data), allow_nan=False))["log"] is None


def test_a_bad_value_in_an_overlay_points_at_its_line(app: typer.Typer, tmp_path: Path) -> None:
    overlay = tmp_path / "fitted.yaml"
    overlay.write_text("model.war_cost: 15\nmodel.restraint_weight: -4\n", encoding="utf-8")
    res = cli(app, "hindcast", "E8", "-n", "5", "--overlay", str(overlay))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"{overlay}:2:25: model.restraint_weight:" in res.stderr
    assert "(in episode E8)" in res.stderr


def test_ctrl_c_is_one_line_and_exit_130(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    import escalade.analysis.hindcast as hc

    def ctrl_c(*args: object) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C during the first episode

    monkeypatch.setattr(hc, "forecast", ctrl_c)
    res = cli(app, "hindcast", "E8", "E2", "-n", "5", "-w", "1")
    assert res.exit_code == 130
    assert res.stderr.strip() == "interrupted: nothing was kept"
