"""``escalade discover`` and ``escalade threshold``: analyses stored as experiments, and their
report pages (the PRIM box in words; the break-even value with its interval)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from escalade.cli import app
from escalade.store import STORE_ENV, Store
from tests.commands.conftest import interrupted_then_resumed
from tests.conftest import FIXTURES

DUEL = str(FIXTURES / "duel.yaml")


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    return tmp_path / "store"


def report(exp_id: str, out: Path) -> str:
    res = CliRunner().invoke(app, ["report", exp_id, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


def test_a_discovery_is_stored_and_its_page_gives_the_box(store: Path, tmp_path: Path) -> None:
    pytest.importorskip("prim")
    res = CliRunner().invoke(
        app,
        ["discover", DUEL, "--param", "model.war_cost=0:200", "--param",
         "actors.RED.resolve=0.2:1", "--outcome", "direct", "--samples", "24",
         "--runs-per-point", "20", "--seed", "5", "--workers", "1", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    st = Store(store)
    m = st.manifest(data["experiment"])
    assert (m["kind"], m["status"], m["runs"]) == ("discover", "complete", 24 * 20)
    points = st.read_table(m["id"], "points").to_pylist()
    assert len(points) == 24 and {"model.war_cost", "actors.RED.resolve", "y"} <= set(points[0])
    # The base rate is the share of stored points above the level (the points are the data).
    assert data["base_rate"] == pytest.approx(sum(p["y"] > data["level"] for p in points) / 24)
    page = report(m["id"], tmp_path / "discover.html")
    assert data["sentence"] in html.unescape(page)
    assert "coverage" in page and "density" in page and "The box's bounds" in page
    for bound in data["bounds"]:  # each bound of the box, in the table of bounds
        assert f'<td>{bound["label"]}</td><td class="num">{bound["low"]:.3g}</td>' in page
    assert "direct exchange between states" in page  # the outcome, defined in words
    assert "CART's likely leaves" in page and data["leaves"]
    for leaf in data["leaves"]:  # each leaf, its bounds and density, in the table of leaves
        b = leaf["bounds"][0]
        assert f"{b['label']} {b['low']:.3g} to {b['high']:.3g}" in html.unescape(page)


def test_a_break_even_search_is_stored_with_its_interval(store: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        ["threshold", DUEL, "--param", "actors.RED.resolve=0:1", "--target", "P(direct)<0.5",
         "--runs", "40", "--seed", "3", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    m = Store(store).manifest(data["experiment"])
    assert (m["kind"], m["status"]) == ("threshold", "complete")
    assert m["runs"] == 40 * len(data["steps"])
    assert m["results"]["verdict"] == data["verdict"]
    page = report(m["id"], tmp_path / "threshold.html")
    assert 'id="chart-threshold"' in page and "95% interval" in page
    assert "direct exchange between states" in page


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_an_interrupted_discovery_resumes_to_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C after the first design point; --resume simulates only the 23 others and gives
    the uninterrupted discovery's points, box and CART leaves exactly."""
    pytest.importorskip("prim")
    from escalade.analysis import sensitivity

    args = [DUEL, "--param", "model.war_cost=0:200", "--param",
            "actors.RED.resolve=0.2:1", "--outcome", "direct", "--samples", "24",
            "--runs-per-point", "20", "--seed", "5", "--workers", "1"]  # fmt: skip
    whole, again, stopped, calls = interrupted_then_resumed(
        monkeypatch, sensitivity, "_point_item", lambda *a: invoke("discover", *a), args
    )
    assert "escalade discover --resume" in stopped
    assert calls == 24 - 1
    for key in ("bounds", "leaves", "coverage", "density", "level", "sentence"):
        assert again[key] == whole[key], key
    assert again["leaves"], "the duel's discovery has a likely CART leaf"


def test_an_interrupted_break_even_search_resumes_to_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C after the first value tried; --resume simulates only the values after it."""
    from escalade.analysis import threshold

    args = [DUEL, "--param", "actors.RED.resolve=0:1", "--target", "P(direct)<0.5",
            "--runs", "40", "--seed", "3"]  # fmt: skip
    whole, again, stopped, calls = interrupted_then_resumed(
        monkeypatch,
        threshold,
        "simulate",
        lambda *a: invoke("threshold", *a),
        args,
        resume_args=(),
    )
    assert "escalade threshold --resume" in stopped
    assert calls == len(whole["steps"]) - 1
    assert (again["steps"], again["value"], again["verdict"]) == (
        whole["steps"],
        whole["value"],
        whole["verdict"],
    )


def test_resume_names_the_kind_it_needs(store: Path) -> None:
    res = invoke("threshold", DUEL, "--param", "actors.RED.resolve=0:1", "--target",
                 "P(direct)<0.5", "--runs", "20", "--json")  # fmt: skip
    exp_id = json.loads(res.stdout)["experiment"]
    res = invoke("discover", "--resume", exp_id)
    assert res.exit_code == 2 and "is a threshold, not a discover" in res.output
    Store(store).update(exp_id, status="interrupted")  # as if stopped
    shown = invoke("experiments", "show", exp_id)
    assert f"resume it with:  escalade threshold --resume {exp_id}" in shown.output
    res = invoke("discover")
    assert res.exit_code == 2 and "--resume ID" in res.output
