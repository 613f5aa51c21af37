"""``escalade compare``: paired comparisons from the command line."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.commands.compare import register
from tests.commands.conftest import group_app
from tests.conftest import FIXTURES

DUEL = str(FIXTURES / "duel.yaml")


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
    assert data["b"]["overrides"] == ["initial_events.0.casualties.senior=4"]
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
