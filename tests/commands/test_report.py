"""``escalade report``: an experiment in a real store, written as one HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.commands.report import register
from escalade.ensemble import run_experiment
from tests.commands.conftest import group_app
from tests.conftest import FIXTURES


@pytest.fixture
def app() -> typer.Typer:
    return group_app(register)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, str]:
    exp = run_experiment(
        FIXTURES / "duel.yaml",
        runs=120,
        seed=9,
        overrides={"initial_events.0.casualties.senior": 4},
        store=tmp_path / "runs",
        workers=1,
        chunk_size=50,
    )
    return tmp_path / "runs", exp.id


def run(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, ["report", *args])


def test_report_of_a_stored_experiment(
    app: typer.Typer, store: tuple[Path, str], tmp_path: Path
) -> None:
    path, exp_id = store
    out = tmp_path / "out" / "r.html"
    res = run(app, exp_id[:12], "--store", str(path), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith(str(out))  # prints where it wrote
    html = out.read_text(encoding="utf-8")
    assert exp_id in html and "120 runs" in html
    # The narratives were replayed from the stored scenario with its overrides and seed.
    assert "--seed 9" in html and "initial_events.0.casualties.senior=4" in html
    assert "does not match the stored outcome" not in html


def test_default_output_name_and_latest(
    app: typer.Typer, store: tuple[Path, str], tmp_path: Path, monkeypatch: Any
) -> None:
    path, exp_id = store
    monkeypatch.chdir(tmp_path)
    res = run(app, "latest", "--store", str(path))
    assert res.exit_code == 0, res.output
    assert (tmp_path / f"report-{exp_id}.html").exists()


def test_unknown_experiment_exits_2(app: typer.Typer, store: tuple[Path, str]) -> None:
    res = run(app, "nope", "--store", str(store[0]))
    assert res.exit_code == 2
    assert "no experiment 'nope'" in res.output and "Traceback" not in res.output


def test_the_report_opens_with_a_headline_and_defines_its_outcomes(
    app: typer.Typer, store: tuple[Path, str], tmp_path: Path
) -> None:
    from escalade.outcomes import BY_NAME

    path, exp_id = store
    out = tmp_path / "h.html"
    assert run(app, exp_id, "--store", str(path), "--out", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    head = html.index('class="headline"')
    assert "Within 30 days of the trigger (duel, 120 runs)" in html[head:]
    assert head < html.index("95% Wilson")  # the sentence comes before the tables
    for col in ("first_war_day", "first_direct_day", "deaths"):
        assert BY_NAME[col].label in html
    assert "the trigger&#x27;s own deaths" in html or "the trigger's own deaths" in html
