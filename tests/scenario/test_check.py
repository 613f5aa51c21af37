"""``escalade validate``: every problem of a file in one pass (issue 13, item 6), each located
in the file as written, sorted by line, with their count."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalade.cli import app
from escalade.scenario.check import all_problems
from escalade.scenario.load import ScenarioError, builtin_names

# Problems of six kinds: a bad enum in a source, a schema error that sets an actor aside, a
# value out of range, an unknown reference, an unknown policy, an unknown source id, a
# lever that fails when applied. Line numbers are those of this text.
BAD = """\
name: bad
start: 2024-04-02
horizon_days: 30
sources:
  - {id: s1, citation: "A", confidence: sure}
actors:
  IRN:
    role: stat
  ISR:
    role: state
    patron: USAA
    resolve: 1.5
    policy: {name: retaliat}
  USA: {role: state, source: s2}
statements:
  - {by: ISR, kind: restraint, toward: IRN, strength: 7}
  - {by: USA, kind: restraint, toward: NOBODY}
initial_events:
  - {day: 0, actor: ISR, target: IRN, action: targeted_killing_abroad}
levers:
  broken:
    description: x
    changes: {actors.ISR.nothing: 1}
"""


def test_every_kind_of_problem_is_found_in_one_pass(write) -> None:  # type: ignore[no-untyped-def]
    path = write(BAD)
    scenario, problems = all_problems(path)
    assert scenario is None
    got = [(p.line, p.path, p.message.split(";")[0].split(" (")[0]) for p in problems]
    assert got == [
        (5, "sources.0.confidence", "Input should be 'high', 'medium' or 'low'"),
        (8, "actors.IRN.role", "Input should be 'state', 'proxy', 'defence_partner', "
                               "'mediator' or 'great_power'"),
        (11, "actors.ISR.patron", "unknown actor id 'USAA'"),
        (12, "actors.ISR.resolve", "must lie in [0.0, 1.0], got 1.5"),
        (13, "actors.ISR.policy.name", "unknown policy 'retaliat'"),
        (14, "actors.USA.source", "unknown source id 's2'"),
        (16, "statements.0.strength", "must lie in [0.0, 1.0], got 7.0"),
        (17, "statements.1.toward", "unknown actor id 'NOBODY'"),
        (21, "levers.broken", "applying it fails: actors.ISR.nothing: unknown key 'nothing'"),
    ]  # fmt: skip
    # IRN's entry was invalid: the references to it (statements.0, the trigger) are not
    # reported again as unknown actors.
    assert not any("'IRN'" in p.message for p in problems)
    assert problems[-1].hint.startswith("allowed:")  # each carries its suggestion
    assert all(p.file == str(path) and p.column > 0 for p in problems)


def test_a_set_aside_list_item_does_not_shift_the_indices_reported(write) -> None:  # type: ignore[no-untyped-def]
    text = BAD.replace(
        "statements:\n", "statements:\n  - {by: ISR, kind: nonsense_kind_with_no_default}\n"
    )
    _, problems = all_problems(write(text))
    paths = [p.path for p in problems]
    # The broken first statement is set aside; the others keep their own indices (1, 2).
    assert "statements.1.strength" in paths and "statements.2.toward" in paths


def test_the_command_prints_each_problem_and_their_count(write) -> None:  # type: ignore[no-untyped-def]
    path = write(BAD)
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert lines[-1] == f"error: 9 problems in {path}"
    assert lines[0].startswith(f"error: {path}:5:")
    assert "Traceback" not in res.output


def test_a_yaml_syntax_error_stops_it_with_its_position(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match="YAML"):
        all_problems(write("name: x\nactors: [\n"))


@pytest.mark.parametrize("name", builtin_names())
def test_the_builtins_have_no_problem(name: str) -> None:
    scenario, problems = all_problems(name)
    assert problems == [] and scenario is not None and scenario.name == name


def test_a_good_file_validates(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["validate", str(Path(__file__).parents[1] / "fixtures" / "duel.yaml")]
    )
    assert res.exit_code == 0 and "ok" in res.stdout
