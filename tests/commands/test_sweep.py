"""``escalade sweep``: a small sweep from the command line, its JSON, HTML and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute
import pytest
import typer
from typer.testing import CliRunner

from escalade.commands.sweep import register
from escalade.store import STORE_ENV, Store
from tests.commands.conftest import group_app, interrupted_then_resumed
from tests.conftest import FIXTURES

DUEL = str(FIXTURES / "duel.yaml")
SENIOR = "initial_events.0.casualties.senior=0:4"
RESOLVE = "actors.RED.resolve=0.2:1.0"


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test stores its experiments in a store of its own."""
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    return tmp_path / "store"


@pytest.fixture
def app() -> typer.Typer:
    return group_app(register)


def run(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, ["sweep", *args])


def test_morris_sweep_json_and_tornado_page(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "sweep.html"
    res = run(app, DUEL, "--param", SENIOR, "--param", RESOLVE, "--design", "morris",
              "--samples", "3", "--runs-per-point", "40", "--seed", "1", "--workers", "1",
              "--out", str(out), "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["design"] == "morris" and len(data["points"]) == 3 * (2 + 1)
    assert data["html"] == str(out)
    rows = {r["param"]: r for r in data["indices"]["mean_max_rung"]}
    assert set(rows) == {"initial_events.0.casualties.senior", "actors.RED.resolve"}
    assert all({"mu_star", "mu_star_conf", "sigma"} <= set(r) for r in rows.values())
    # Integer parameters reach the scenario as whole numbers.
    assert {p["x"]["initial_events.0.casualties.senior"] for p in data["points"]} <= set(range(5))
    # Killing more senior figures raises the mean highest rung (the duel's trigger).
    swing = {t["param"]: t for t in data["tornado"]["mean_max_rung"]}
    senior = swing["initial_events.0.casualties.senior"]
    assert senior["high_mean"] > senior["low_mean"]
    page = out.read_text(encoding="utf-8")
    assert 'id="chart-tornado"' in page and 'id="chart-indices"' in page
    assert "Sensitivity of duel" in page


def test_default_sobol_table(app: typer.Typer) -> None:
    res = run(app, DUEL, "--param", RESOLVE, "--samples", "2", "--runs-per-point", "20",
              "--workers", "1")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "sobol design, 6 points × 20 runs" in res.stdout
    assert "S1 ± 95%" in res.stdout and "ST ± 95%" in res.stdout
    assert "mean highest rung" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "actors.RED.resolve"], "path=low:high"),
        (["--param", "actors.RED.resolve=1:0"], "low < high"),
        (["--param", RESOLVE, "--samples", "6"], "power of two"),
        (["--param", "actors.NOBODY.resolve=0:1", "--design", "lhs", "--samples", "9"],
         "NOBODY"),
        (["--param", RESOLVE, "--design", "lhs", "--samples", "8"], "at least 9"),
    ],
)  # fmt: skip
def test_mistakes_exit_2_with_a_message(app: typer.Typer, args: list[str], message: str) -> None:
    res = run(app, DUEL, *args, "--runs-per-point", "5", "--workers", "1")
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


def test_a_sweep_is_an_experiment_whose_report_comes_from_the_store(
    app: typer.Typer, store: Path, tmp_path: Path
) -> None:
    from escalade.analysis.sensitivity import RANKED_BY, Design, sweep_from, tornado
    from escalade.cli import app as cli

    res = run(app, DUEL, "--param", SENIOR, "--param", RESOLVE, "--design", "morris",
              "--samples", "3", "--runs-per-point", "40", "--seed", "1", "--workers", "1",
              "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    st = Store(store)
    m = st.manifest(data["experiment"])
    assert (m["kind"], m["status"]) == ("sweep", "complete")
    points = st.read_table(m["id"], "points")
    # 9 design points, then the scenario itself and each parameter alone at each bound.
    assert points["role"].to_pylist() == ["design"] * 9 + ["scenario"] + ["low", "high"] * 2
    back = sweep_from(m["results"], points)
    # The tornado rebuilt from the store is the one printed: centred on the scenario's own
    # value (the "scenario" point), its bars in the order of the design's index.
    assert {k: [s.as_dict() for s in v] for k, v in tornado(back).items()} == data["tornado"]
    centre = points.filter(pa.compute.equal(points["role"], "scenario")).to_pylist()[0]
    for key, bars in data["tornado"].items():
        assert {b["baseline"] for b in bars} == {centre[key]}
        rank = {r["param"]: r[RANKED_BY[Design.MORRIS]] for r in data["indices"][key]}
        assert [rank[b["param"]] for b in bars] == sorted(rank.values(), reverse=True)
    out = tmp_path / "sweep.html"
    rep = CliRunner().invoke(cli, ["report", m["id"], "--out", str(out)])
    assert rep.exit_code == 0, rep.output
    page = out.read_text(encoding="utf-8")
    assert 'id="chart-tornado"' in page and "the scenario's own outcome" in page
    assert m["results"]["sentence"] in page and "What the outcomes mean" in page


def test_an_interrupted_sweep_resumes_to_the_same_answer(
    app: typer.Typer, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the first point keeps it; --resume simulates only the others and gives
    exactly the uninterrupted sweep's points, indices and tornado."""
    from escalade.analysis import sensitivity

    args = [DUEL, "--param", SENIOR, "--param", RESOLVE, "--design", "lhs", "--samples", "12",
            "--runs-per-point", "20", "--seed", "2", "--workers", "1"]  # fmt: skip
    whole, again, stopped, calls = interrupted_then_resumed(
        monkeypatch, sensitivity, "_point_item", lambda *a: run(app, *a), args
    )
    assert "resume with" in stopped and "escalade sweep --resume" in stopped
    points = 12 + 1 + 2 * 2  # the design, then the scenario and each parameter at each bound
    assert calls == points - 1
    for key in ("points", "indices", "tornado", "centre"):
        assert again[key] == whole[key], key
    m = Store(store).manifest(again["experiment"])
    assert m["status"] == "complete" and "request" not in m["results"]
    assert not Store(store).checkpoint_path(m["id"]).exists()  # its points are in the results
    res = run(app, "--resume", again["experiment"])
    assert res.exit_code == 2 and "nothing to resume" in res.output
