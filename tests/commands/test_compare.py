"""``escalade compare``: paired comparisons from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.commands.compare import register
from escalade.store import STORE_ENV, Store
from tests.commands.conftest import group_app
from tests.conftest import FIXTURES

DUEL = str(FIXTURES / "duel.yaml")


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test stores its experiments in a store of its own."""
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    return tmp_path / "store"


@pytest.fixture
def app() -> typer.Typer:
    return group_app(register)


def run(app: typer.Typer, *args: str) -> Any:
    # A terminal wide enough for the whole table (costs in the millions widen it).
    return CliRunner().invoke(app, ["compare", *args], env={"COLUMNS": "120"})


def test_one_scenario_with_and_without_an_override(app: typer.Typer) -> None:
    res = run(app, DUEL, "--set", "initial_events.0.casualties.senior=4", "--runs", "200",
              "--seed", "1", "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["paired"] and data["runs"] == 200 and data["seed"] == 1
    assert data["b"]["changes"] == ["initial_events.0.casualties.senior=4"]
    assert data["b"]["overrides"] == {"initial_events.0.casualties.senior": 4}
    rows = {d["label"]: d for d in data["differences"]}
    # The duel has no watched actor (no USA): that threshold is left out.
    assert set(rows) == {"P(direct exchange)", "P(strategic strikes)", "P(sustained war)",
                         "mean max rung", "mean deaths", "mean defence cost $"}  # fmt: skip
    rung = rows["mean max rung"]
    assert rung["diff"] == pytest.approx(rung["b"] - rung["a"])
    # Four senior figures killed instead of one: the answer climbs the ladder, clearly.
    assert rung["low"] > 0
    assert rows["P(direct exchange)"]["low"] > 0


def test_two_scenario_files_and_the_table(app: typer.Typer, tmp_path: Any) -> None:
    hot = tmp_path / "hot.yaml"
    hot.write_text(
        (FIXTURES / "duel.yaml").read_text().replace("senior: 1", "senior: 4"), encoding="utf-8"
    )
    res = run(app, DUEL, str(hot), "--runs", "100", "--seed", "2")
    assert res.exit_code == 0, res.output
    assert "B − A, 100 paired runs, seed 2" in res.stdout
    assert "mean max rung" in res.stdout and "× narrower" in res.stdout


def test_same_arms_differ_by_nothing(app: typer.Typer) -> None:
    res = run(app, DUEL, DUEL, "--runs", "50", "--json")
    assert res.exit_code == 0, res.output
    assert all(d["diff"] == 0 for d in json.loads(res.stdout)["differences"])


def test_set_a_and_set_b_change_their_own_arm(app: typer.Typer) -> None:
    args = ["--runs", "100", "--seed", "4", "--json"]
    swapped = run(app, DUEL, "--set-a", "initial_events.0.casualties.senior=4", *args)
    plain = run(app, DUEL, "--set-b", "initial_events.0.casualties.senior=4", *args)
    assert swapped.exit_code == 0 and plain.exit_code == 0
    d1 = {d["label"]: d for d in json.loads(swapped.stdout)["differences"]}
    d2 = {d["label"]: d for d in json.loads(plain.stdout)["differences"]}
    # Swapping the arms flips the sign of every difference (same seed, same runs).
    for label, d in d1.items():
        assert d["diff"] == pytest.approx(-d2[label]["diff"])


def test_mistakes_are_reported_without_a_traceback(app: typer.Typer) -> None:
    res = run(app, DUEL)
    assert res.exit_code == 2 and "nothing to compare" in res.output
    res = run(app, DUEL, "--set", "actors.NOBODY.resolve=1")
    assert res.exit_code == 2 and "error" in res.output and "Traceback" not in res.output
    res = run(app, "no-such-scenario", "--set", "x=1")
    assert res.exit_code == 2 and "neither a scenario file nor a built-in" in res.output


def test_a_compare_is_an_experiment_with_two_arms_and_a_report(
    app: typer.Typer, store: Path, tmp_path: Path
) -> None:
    from escalade.cli import app as cli

    res = run(app, DUEL, "--set", "initial_events.0.casualties.senior=4", "--runs", "60",
              "--workers", "1", "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    st = Store(store)
    m = st.manifest(data["experiment"])
    assert (m["kind"], m["status"], m["runs_done"]) == ("compare", "complete", 120)
    arms = st.children(m["id"])
    assert [a["kind"] for a in arms] == ["arm", "arm"]
    assert {a["id"] for a in arms} == {data["arms"]["a"]["id"], data["arms"]["b"]["id"]}
    # The arm B ran with the override; both with the same seed and runs (the pairing).
    b = st.manifest(data["arms"]["b"]["id"])
    assert b["overrides"] == {"initial_events.0.casualties.senior": 4}
    assert {a["seed"] for a in arms} == {0} and {a["runs"] for a in arms} == {60}
    # `experiments list` shows the compare with its kind; its arms only with --all.
    listed = CliRunner().invoke(cli, ["experiments", "list", "--json"])
    assert [r["kind"] for r in json.loads(listed.stdout)] == ["compare"]
    every = CliRunner().invoke(cli, ["experiments", "list", "--all", "--json"])
    assert sorted(r["kind"] for r in json.loads(every.stdout)) == ["arm", "arm", "compare"]
    # `escalade report` with no id writes the latest experiment: the compare's page.
    out = tmp_path / "compare.html"
    rep = CliRunner().invoke(cli, ["report", "--out", str(out)])
    assert rep.exit_code == 0, rep.output
    page = out.read_text(encoding="utf-8")
    assert "Compare: duel" in page and data["sentence"].split(":")[0] in page
    assert "mean max rung" in page and "What the outcomes mean" in page
    assert data["arms"]["a"]["id"] in page  # each arm's own report is one command away


def test_an_interrupted_compare_resumes_to_the_same_answer(app: typer.Typer, store: Path) -> None:
    args = ["--set", "initial_events.0.casualties.senior=4", "--runs", "60", "--workers", "1"]
    first = json.loads(run(app, DUEL, *args, "--json").stdout)
    st = Store(store)
    # As if it had been stopped before its arm B started: no record of B, interrupted.
    results = st.manifest(first["experiment"])["results"]
    del results["arms"]["b"]["id"]
    del results["differences"]
    st.update(first["experiment"], results=results, status="interrupted")
    res = run(app, "--resume", first["experiment"], "--json")
    assert res.exit_code == 0, res.output
    again = json.loads(res.stdout)
    assert again["experiment"] == first["experiment"]
    assert again["differences"] == first["differences"]
    assert st.manifest(first["experiment"])["status"] == "complete"
    res = run(app, "--resume", again["arms"]["a"]["id"])
    assert res.exit_code == 2 and "not a compare" in res.output
