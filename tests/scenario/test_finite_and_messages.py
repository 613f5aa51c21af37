"""Finite numbers only, and the messages a user needs: NaN and infinities are refused with a
located error (in a file or a ``--set``), amounts have an upper bound that keeps the model's
arithmetic finite, and the message for a bad distribution, an unknown actor, a control
character or a directory says what is wrong where."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalade.cli import app
from escalade.cli_common import parse_sets
from escalade.scenario.load import ScenarioError, load_scenario

BASE = """\
name: t
start: 2024-04-02
horizon_days: 30
munitions:
  drone: {kind: drone, flight_time_hours: 8, failure_rate: 0.1, unit_cost_usd: 30000}
target_classes:
  air_base: {damage_per_hit: 1.0}
actors:
  IRN:
    role: state
    resolve: 0.7
    factions:
      hard: {weight: 0.6, risk_tolerance: 0.8}
    arsenal: {drone: 10}
  ISR:
    role: state
"""


def problems(spec: str | Path, sets: list[str] | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(spec, parse_sets(sets))
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "+.inf"])
def test_a_non_finite_number_in_the_file_is_refused_at_its_line(write, value: str) -> None:
    path = write(BASE.replace("weight: 0.6", f"weight: {value}"))
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:13:14: actors.IRN.factions.hard.weight: must be a finite")


@pytest.mark.parametrize(
    "setting",
    [
        "actors.IRN.resolve=.nan",
        "actors.IRN.resolve=.inf",
        "model.war_cost=-.inf",
        "target_classes.air_base.damage_per_hit=.nan",
        "actors.IRN.leader.risk_tolerance={pert: [0.1, .nan, 0.5]}",
        "actors.IRN.leader.risk_tolerance={uniform: [0.1, .inf]}",
    ],
)
def test_a_non_finite_set_value_is_refused_against_the_override(write, setting: str) -> None:
    (msg,) = problems(write(BASE), [setting])
    path = setting.partition("=")[0]
    assert msg.startswith(f"override {path}=")
    assert f"{path}: " in msg
    assert "finite" in msg or "must lie in" in msg


def test_a_plain_float_field_refuses_nan_too(write) -> None:
    text = BASE + "actions:\n  - {name: poke, rung: 1, kind: strike, damage: .nan}\n"
    msgs = problems(write(text))
    assert any(":18:41: actions.0.damage: must be a finite number, got nan" in m for m in msgs)


@pytest.mark.parametrize(
    "path",
    ["target_classes.air_base.damage_per_hit", "munitions.drone.unit_cost_usd", "model.war_cost"],
)
def test_amounts_have_an_upper_bound_that_keeps_outputs_finite(write, path: str) -> None:
    (msg,) = problems(write(BASE), [f"{path}=1e308"])
    assert msg == f"override {path}=1e+308: {path}: must lie in [0.0, 1e+12], got 1e+308"
    load_scenario(write(BASE), parse_sets([f"{path}=1e12"]))  # the bound itself is valid


def test_a_reversed_pert_says_min_is_greater_than_max(write) -> None:
    path = write(BASE.replace("failure_rate: 0.1", "failure_rate: {pert: [0.55, 0.4, 0.3]}"))
    (msg,) = problems(path)
    assert msg == (
        f"{path}:5:46: munitions.drone.failure_rate: pert min 0.55 is greater than max 0.3; "
        "got [min, mode, max] = [0.55, 0.4, 0.3]"
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("{pert: [0.1, 0.9, 0.5]}", "pert mode 0.9 is outside [min, max] = [0.1, 0.5]"),
        ("{pert: [0.3, 0.3, 0.3]}", "pert min and max are both 0.3"),
        ("{pert: [0.1, 0.5]}", "pert expects [min, mode, max], got [0.1, 0.5]"),
        ("{uniform: [0.5, 0.1]}", "uniform lo 0.5 must be below hi 0.1"),
        ("{beta: [2, -1]}", "beta shape parameters must be > 0, got [2.0, -1.0]"),
        ("{perrt: [0.1, 0.2, 0.3]}", "unknown distribution 'perrt'"),
        ("abc", "expected a number or a distribution: {pert: [min, mode, max]}"),
    ],
)
def test_a_bad_distribution_gets_one_message_about_its_own_form(
    write, value: str, says: str
) -> None:
    (msg,) = problems(write(BASE.replace("resolve: 0.7", f"resolve: {value}")))
    assert ":11:5: actors.IRN.resolve: " in msg and says in msg
    assert "function-after" not in msg and "Pert]" not in msg


def test_the_console_shows_the_brackets_of_a_message(write) -> None:
    path = write(BASE.replace("resolve: 0.7", "resolve: {pert: [0.55, 0.4, 0.3]}"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "got [min, mode, max] = [0.55, 0.4, 0.3]" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_an_unknown_actor_in_a_set_is_named_with_a_suggestion(write) -> None:
    (msg,) = problems(write(BASE), ["actors.IRNX.resolve=0.5"])
    assert msg.startswith("override actors.IRNX.resolve: actors.IRNX: unknown actor 'IRNX'")
    assert msg.endswith("(did you mean 'IRN'?)")
    (msg,) = problems(write(BASE), ["actors.XXX.resolve=0.5"])
    assert "unknown actor 'XXX'" in msg and "known: IRN, ISR" in msg
    (msg,) = problems(write(BASE), ["munitions.drones.failure_rate=0.5"])
    assert "unknown munition 'drones'" in msg and "did you mean 'drone'?" in msg


def test_a_new_mapping_level_is_still_created_where_it_is_allowed(write) -> None:
    sc = load_scenario(write(BASE), {"model.war_cost": 30, "actors.IRN.stakes.value_at_risk": 2})
    assert sc.model.war_cost == 30 and sc.actors["IRN"].stakes.value_at_risk == 2


@pytest.mark.parametrize(("char", "column"), [("\x07", 10), ("\x01", 11)])
def test_a_control_character_is_reported_at_its_line_and_column(
    write, char: str, column: int
) -> None:
    title = f"title: ab{char}c\n" if column == 10 else f'title: "ab{char}c"\n'
    text = BASE.replace("horizon_days: 30\n", "horizon_days: 30\n" + title)
    (msg,) = problems(write(text))
    assert f":4:{column}: character U+{ord(char):04X} is not allowed in YAML" in msg


def test_a_directory_or_a_device_is_not_a_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios.yaml"
    folder.mkdir()
    assert problems(folder) == [
        f"{folder}: is a directory, not a scenario file "
        "(give the path of a .yaml file, or a built-in name: escalade scenarios list)"
    ]
    assert problems(tmp_path)[0].startswith(f"{tmp_path}: is a directory")
    assert problems("/dev/null") == ["/dev/null: is not a regular file (a device or a pipe?)"]
    for spec in (str(folder), "/dev/null"):
        result = CliRunner().invoke(app, ["validate", spec])
        assert result.exit_code == 2 and "Traceback" not in result.output
