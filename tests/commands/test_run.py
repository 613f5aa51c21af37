"""``escalade run`` into the store, ``experiments list|show`` and ``query``, and how each
reports a user's mistake (one line, exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.api import simulate
from escalade.commands.run import register
from escalade.store import Store
from tests.conftest import FIXTURES

DUEL = str(FIXTURES / "duel.yaml")


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so that the commands keep their names
        pass

    register(app)
    register(app)  # registering twice changes nothing
    return app


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "runs"


def cli(app: typer.Typer, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


def one_line_error(res: Any, *words: str) -> None:
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in res.output


def test_run_prints_the_summary_and_how_to_find_the_experiment(
    app: typer.Typer, store: Path
) -> None:
    res = cli(app, "run", DUEL, "-n", "300", "-s", "4", "--chunk-size", "100", "-w", "1",
              "--store", str(store))  # fmt: skip
    assert res.exit_code == 0, res.output
    (m,) = Store(store).list()
    assert "duel: 300 runs, seed 4" in res.stdout
    assert "ended: ceasefire" in res.stdout and "max rung >= 1" in res.stdout
    assert f"experiment {m['id']} in {store}" in res.stdout
    assert f"escalade experiments show {m['id']} --store {store}" in res.stdout
    assert f"WHERE experiment = '{m['id']}'" in res.stdout
    assert (m["runs"], m["seed"], m["chunk_size"], m["status"]) == (300, 4, 100, "complete")


def test_run_json_keeps_its_shape_and_adds_the_experiment(app: typer.Typer, store: Path) -> None:
    res = cli(app, "run", DUEL, "-n", "250", "-s", "7", "--chunk-size", "100", "-w", "1",
              "--store", str(store), "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    (m,) = Store(store).list()
    assert data["experiment"] == m["id"] and data["store"] == str(store)
    assert (data["scenario"], data["seed"], data["summary"]["runs"]) == ("duel", 7, 250)
    expected = simulate(DUEL, runs=250, seed=7).outcomes.to_pylist()
    assert data["outcomes"] == json.loads(json.dumps(expected, default=str))


def test_the_store_comes_from_the_environment(app: typer.Typer, store: Path) -> None:
    res = cli(app, "run", DUEL, "-n", "20", "-w", "1", env={"ESCALADE_STORE": str(store)})
    assert res.exit_code == 0, res.output
    assert len(Store(store).list()) == 1
    listed = cli(app, "experiments", "list", "--json", env={"ESCALADE_STORE": str(store)})
    assert [m["runs"] for m in json.loads(listed.stdout)] == [20]


def test_overlay_then_set(app: typer.Typer, store: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "short.yaml"
    overlay.write_text("horizon_days: 5\ninitial_events.0.casualties.senior: 3\n", "utf-8")
    res = cli(app, "run", DUEL, "-n", "200", "-w", "1", "--store", str(store),
              "--overlay", str(overlay), "--set", "horizon_days=4", "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    (m,) = Store(store).list()
    # the overlay first, then --set: the later value of a path wins
    assert m["overrides"] == {"horizon_days": 4, "initial_events.0.casualties.senior": 3}
    assert m["days"] == 4
    assert max(r["end_day"] for r in json.loads(res.stdout)["outcomes"]) <= 4


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, ["--overlay", "cannot read it"]),
        ("- just\n- a list\n", ["--overlay", "expected a mapping of dotted paths"]),
        ("a: [unclosed\n", ["--overlay", "not valid YAML"]),
        ("# a date\nstart: 2024-02-30\n", [":2:8: --overlay: '2024-02-30' cannot be read"]),
    ],
)
def test_an_unusable_overlay_is_one_line(
    app: typer.Typer, store: Path, tmp_path: Path, content: str | None, words: list[str]
) -> None:
    overlay = tmp_path / "overlay.yaml"
    if content is not None:
        overlay.write_text(content, "utf-8")
    res = cli(app, "run", DUEL, "-n", "5", "--store", str(store), "--overlay", str(overlay))
    one_line_error(res, *words)
    assert Store(store).list() == []


def test_list_show_and_query(app: typer.Typer, store: Path) -> None:
    for seed in (1, 2):
        res = cli(app, "run", DUEL, "-n", "120", "-s", str(seed), "-w", "1", "--chunk-size",
                  "50", "--store", str(store))  # fmt: skip
        assert res.exit_code == 0, res.output
    first, second = (m["id"] for m in Store(store).list())

    listed = cli(app, "experiments", "list", "--store", str(store))
    assert listed.exit_code == 0
    assert first in listed.stdout and second in listed.stdout and "complete" in listed.stdout

    shown = cli(app, "experiments", "show", second[:-1], "--store", str(store))
    assert shown.exit_code == 0, shown.output
    assert second in shown.stdout and "120 of 120 done" in shown.stdout
    assert "duel: 120 runs, seed 2" in shown.stdout
    as_json = json.loads(
        cli(app, "experiments", "show", second, "--store", str(store), "--json").stdout
    )
    assert as_json["manifest"]["seed"] == 2 and as_json["summary"]["runs"] == 120
    assert "scenario_yaml" not in as_json["manifest"]
    yaml = cli(app, "experiments", "show", first, "--store", str(store), "--yaml").stdout
    assert yaml == (FIXTURES / "duel.yaml").read_text(encoding="utf-8")

    sql = "SELECT experiment, count(*) AS n, max(run) AS last FROM outcomes GROUP BY 1 ORDER BY 1"
    rows = json.loads(cli(app, "query", sql, "--store", str(store), "--json").stdout)
    assert rows == [{"experiment": first, "n": 120, "last": 119},
                    {"experiment": second, "n": 120, "last": 119}]  # fmt: skip
    table = cli(app, "query", "SELECT id, seed FROM experiments ORDER BY id", "--store", str(store))
    assert table.exit_code == 0 and first in table.stdout and second in table.stdout
    capped = cli(app, "query", "SELECT run FROM outcomes", "--store", str(store),
                 "--max-rows", "5")  # fmt: skip
    assert "showing 5 of 240 rows" in capped.stdout


def test_user_mistakes_are_one_line_with_exit_code_2(app: typer.Typer, store: Path) -> None:
    res = cli(app, "run", DUEL, "-n", "40", "-w", "1", "--store", str(store))
    assert res.exit_code == 0
    one_line_error(cli(app, "experiments", "show", "nope", "--store", str(store)),
                   "no experiment 'nope'")  # fmt: skip
    one_line_error(cli(app, "run", "--resume", "nope", "--store", str(store)),
                   "no experiment 'nope'")  # fmt: skip
    one_line_error(cli(app, "query", "SELECT nope FROM outcomes", "--store", str(store)),
                   "query failed")  # fmt: skip
    one_line_error(cli(app, "run", DUEL, "-n", "5", "--scheduler", "localhost", "--store",
                       str(store)), "--scheduler expects tcp://HOST:PORT")  # fmt: skip
    one_line_error(cli(app, "run", "--store", str(store)), "give a scenario")
    assert len(Store(store).list()) == 1  # none of these stored anything


def test_resume_refuses_a_changed_scenario(app: typer.Typer, store: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "duel.yaml"
    scenario.write_text((FIXTURES / "duel.yaml").read_text(encoding="utf-8"), "utf-8")
    res = cli(app, "run", str(scenario), "-n", "60", "-w", "1", "--store", str(store))
    assert res.exit_code == 0
    (m,) = Store(store).list()
    scenario.write_text(scenario.read_text("utf-8").replace("stock: 60", "stock: 61"), "utf-8")
    res = cli(app, "run", str(scenario), "--resume", m["id"], "--store", str(store))
    one_line_error(res, f"cannot resume {m['id']}", "differs from the one it was started with")
    again = cli(app, "run", "--resume", m["id"][:10], "--store", str(store))
    assert again.exit_code == 0, again.output  # the stored copy is used
    assert "already complete" in again.stderr


# -- integers out of range, bounded work, a memory budget, a located overlay ----------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--seed", "1180591620717411303424"],
            ["--seed", "less than or equal to 9223372036854775807"],
        ),
        (
            ["--seed", "9223372036854775808"],
            ["--seed", "less than or equal to 9223372036854775807"],
        ),
        (["--seed", "-1"], ["--seed", "greater than or equal to 0"]),
        (["--runs", "1000000000000000"], ["--runs", "less than or equal to 1000000000000"]),
        (["--memory", "lots"], ["--memory expects a size such as 4GB"]),
        (["--memory", "1kB"], ["--memory 1.0 kB is too small", "needs about"]),
    ],
)
def test_numbers_out_of_range_exit_2_without_a_traceback(
    app: typer.Typer, store: Path, args: list[str], words: list[str]
) -> None:
    res = cli(app, "run", DUEL, *args, "--store", str(store))
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    flat = " ".join(res.stderr.replace("│", " ").split())
    for word in words:
        assert word in flat, res.stderr
    assert Store(store).list() == []


def test_a_refused_budget_stops_the_workers_started_for_it(store: Path) -> None:
    # The workers start while the scenario is validated; a budget refused after that stops
    # them: the real command prints its one line and no worker is left to fail on its own.
    escalade = Path(sys.executable).with_name("escalade")
    done = subprocess.run(
        [str(escalade), "run", DUEL, "-n", "1000", "-w", "2", "--memory", "1kB"]
        + ["--store", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        line for line in done.stderr.strip().splitlines() if line.startswith("error:")
    ]
    assert "--memory 1.0 kB is too small" in done.stderr and "Traceback" not in done.stderr


def test_a_chunk_holds_what_the_memory_budget_allows(app: typer.Typer, store: Path) -> None:
    from escalade.budget import bytes_per_run
    from escalade.scenario.load import load_scenario

    per_run = bytes_per_run(load_scenario(DUEL))
    budget = 2 * 150 * per_run + 1  # two workers, 150 runs each
    res = cli(app, "run", DUEL, "-n", "1000", "-w", "2", "--memory", str(budget),
              "--store", str(store), "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    (m,) = Store(store).list()
    assert m["chunk_size"] == 150
    assert len(Store(store).done_chunks(m["id"])) == 7
    rows = json.loads(res.stdout)["outcomes"]
    assert rows == simulate(DUEL, runs=1000, seed=0).outcomes.to_pylist()
    too_big = cli(app, "run", DUEL, "-n", "1000", "-w", "2", "--memory", str(budget),
                  "--chunk-size", "151", "--store", str(store))  # fmt: skip
    one_line_error(too_big, "--chunk-size 151 needs about", "at most 150 fit")


def test_a_bad_value_in_an_overlay_is_located_in_the_overlay(
    app: typer.Typer, store: Path, tmp_path: Path
) -> None:
    overlay = tmp_path / "fitted.yaml"
    overlay.write_text("# fitted\nhorizon_days: 5\nactors.RED.resolve:   7.5\n", "utf-8")
    res = cli(app, "run", DUEL, "-n", "5", "--store", str(store), "--overlay", str(overlay))
    one_line_error(res, f"{overlay}:3:23:", "actors.RED.resolve")
    # the same path given again with --set is --set's problem, not the overlay's
    res = cli(app, "run", DUEL, "-n", "5", "--store", str(store), "--overlay", str(overlay),
              "--set", "actors.RED.resolve=9")  # fmt: skip
    one_line_error(res, "override actors.RED.resolve=9")
    assert str(overlay) not in res.stderr
    assert Store(store).list() == []


def test_planning_does_not_grow_with_the_number_of_runs(tmp_path: Path) -> None:
    """10^12 runs in chunks of one: stopping after the first chunk costs what one chunk costs
    (an up-front list of 10^12 tasks or a set of every chunk would not fit this machine)."""
    import tracemalloc

    from escalade.budget import MAX_RUNS
    from escalade.ensemble import run_experiment

    def stop(n: int) -> None:
        raise KeyboardInterrupt

    tracemalloc.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_experiment(DUEL, runs=MAX_RUNS, chunk_size=1, workers=1, store=tmp_path,
                           on_chunk=stop)  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100e6
    (m,) = Store(tmp_path).list()
    assert (m["runs"], m["runs_done"], m["status"]) == (MAX_RUNS, 1, "interrupted")
    with pytest.raises(ValueError, match="runs must be at most 1,000,000,000,000"):
        run_experiment(DUEL, runs=MAX_RUNS + 1, store=tmp_path)


def test_a_chunk_size_beyond_the_default_budget_is_refused(app: typer.Typer, store: Path) -> None:
    res = cli(app, "run", DUEL, "--chunk-size", "1000000000000", "-w", "1",
              "--store", str(store))  # fmt: skip
    one_line_error(res, "--chunk-size 1,000,000,000,000 needs about", "the default budget")
    assert Store(store).list() == []
