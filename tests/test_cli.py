"""The command line as a user meets it: help, scenarios, validation errors, replay."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from escalade.cli import app

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "validate",
        "schema",
        "scenarios",
        "run",
        "replay",
        "experiments",
        "query",
        "compare",
        "sweep",
        "report",
        "salvo",
        "hindcast",
        "calibrate",
        "levers",
        "threshold",
        "discover",
        "policies",
    ):
        assert command in result.stdout


def test_scenarios_list_and_show() -> None:
    listed = runner.invoke(app, ["scenarios", "list"])
    assert listed.exit_code == 0 and "april-2024" in listed.stdout
    shown = runner.invoke(app, ["scenarios", "show", "april-2024"])
    assert shown.exit_code == 0 and "sources:" in shown.stdout


def test_validate_a_good_file() -> None:
    path = Path(__file__).parent / "fixtures" / "duel.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and "ok" in result.stdout


def test_validate_a_bad_file_exits_2_with_located_errors_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstart: 2024-04-02\nactors:\n  IRN:\n    role: stat\n")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:5:5: actors.IRN.role:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_unknown_scenario_name_suggests_a_builtin() -> None:
    result = runner.invoke(app, ["replay", "april-2025", "--run", "3"])
    assert result.exit_code == 2 and "did you mean 'april-2024'?" in result.stderr


def test_replay_tells_the_run_as_a_dated_narrative() -> None:
    result = runner.invoke(
        app, ["replay", "april-2024", "--seed", "1", "--run", "7", "--days", "10"]
    )
    assert result.exit_code == 0
    assert "Day 0 (2024-04-02): Israel: targeted killing abroad" in result.stdout
    assert "After the trigger: highest rung" in result.stdout and "killed" in result.stdout


def test_replay_json_is_the_event_log_of_that_run() -> None:
    result = runner.invoke(
        app, ["replay", "april-2024", "--seed", "1", "--run", "7", "--days", "10", "--json"]
    )
    data = json.loads(result.stdout)
    assert data["outcome"]["run"] == 7
    assert data["events"][0]["kind"] == "trigger"
    assert [e["day"] for e in data["events"]] == sorted(e["day"] for e in data["events"])


def test_set_overrides_reach_the_scenario() -> None:
    result = runner.invoke(
        app,
        ["replay", "april-2024", "--run", "0", "--days", "3", "--set", "actors.IRN.resolve=2.0"],
    )
    assert result.exit_code == 2 and "must lie in [0.0, 1.0]" in result.stderr


def test_policies_lists_the_builtins() -> None:
    result = runner.invoke(app, ["policies"])
    assert result.exit_code == 0 and "calibrated_retaliation" in result.stdout


def test_a_run_number_out_of_range_is_a_message_not_a_traceback() -> None:
    result = runner.invoke(app, ["replay", "april-2024", "--run", "9223372036854775808"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert "--run" in flat and "less than or equal to 999999999999" in flat


# ------------------------------------------------------------------ start-up (decision 0017)


def test_each_command_module_registers_the_commands_the_table_gives_it() -> None:
    import importlib

    import typer

    from escalade.cli import COMMAND_MODULES

    for path in dict.fromkeys(COMMAND_MODULES.values()):
        fresh = typer.Typer()
        importlib.import_module(path).register(fresh)
        names = {c.name or getattr(c.callback, "__name__", "") for c in fresh.registered_commands}
        names |= {g.name or "" for g in fresh.registered_groups}
        # its own commands, and maybe others of the table (``run`` adds ``experiments``)
        assert {n for n, p in COMMAND_MODULES.items() if p == path} <= names, path
        assert names <= set(COMMAND_MODULES), path


def test_a_command_imports_only_its_own_module_and_help_imports_them_all() -> None:
    from escalade.cli import COMMAND_MODULES, command_modules, own_commands

    every = list(dict.fromkeys(COMMAND_MODULES.values()))
    assert command_modules(["escalade", "run", "april-2024", "--runs", "10"]) == [
        "escalade.commands.run"
    ]
    assert command_modules(["escalade", "calibrate"]) == ["escalade.commands.hindcast"]
    assert command_modules(["escalade", "--help"]) == every
    assert command_modules(["escalade", "hindcas"]) == every  # the suggestion needs every name
    assert command_modules(["escalade", "replay", "april-2024"], own_commands()) == []
    # every command the full app knows is defined here or in the table
    known = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    known |= {g.name or "" for g in app.registered_groups}
    assert known == own_commands()  # the tests' app has all of them registered
    assert set(COMMAND_MODULES) <= known


def test_escalade_run_starts_without_the_hindcast_and_python_m_escalade_works() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; sys.argv = ['/bin/escalade', 'run', '--help']; import escalade.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('escalade.commands.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "escalade.commands.run" in out
    assert "escalade.commands.hindcast" not in out and "escalade.commands.sweep" not in out
    done = subprocess.run(
        [sys.executable, "-m", "escalade", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("escalade ")
