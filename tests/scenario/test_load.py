"""Located errors: every user mistake becomes file:line:column, the field, what was expected,
and a suggestion where one exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.scenario.load import MAX_FILE_BYTES, ScenarioError, load_scenario

BASE = """\
name: t
start: 2024-04-02
horizon_days: 30
actors:
  IRN:
    role: state
    resolve: 0.7
  ISR:
    role: state
  HEZ:
    role: proxy
    patron: IRN
relations:
  - {kind: alliance, between: [ISR, IRN]}
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p) for p in info.value.problems]


def test_a_valid_file_loads(write) -> None:
    assert set(load_scenario(write(BASE)).actors) == {"IRN", "ISR", "HEZ"}


def test_wrong_type_names_line_field_and_expectation(write) -> None:
    path = write(BASE.replace("resolve: 0.7", "resolve: high"))
    [msg] = problems(path)
    assert msg.startswith(f"{path}:7:5: actors.IRN.resolve:")
    assert "expected a number or a distribution" in msg and "'high'" in msg


def test_unknown_key_suggests_the_closest(write) -> None:
    [msg] = problems(write(BASE.replace("resolve: 0.7", "resolv: 0.7")))
    assert ":7:5: actors.IRN.resolv: unknown key 'resolv'" in msg
    assert "did you mean 'resolve'?" in msg


def test_unknown_actor_in_a_relation_suggests_the_closest(write) -> None:
    [msg] = problems(write(BASE.replace("between: [ISR, IRN]", "between: [ISR, IRM]")))
    assert ":14:37: relations.0.between.1: unknown actor id 'IRM'" in msg
    assert "did you mean" in msg


def test_negative_count(write) -> None:
    text = BASE.replace("    resolve: 0.7", "    resolve: 0.7\n    arsenal: {drone: -5}")
    text = (
        "munitions:\n  drone: {kind: drone, flight_time_hours: 8, failure_rate: 0.1, "
        "unit_cost_usd: 20000}\n" + text
    )
    [msg] = problems(write(text))
    assert "actors.IRN.arsenal.drone" in msg and "greater than or equal to 0" in msg


def test_probability_outside_unit_interval(write) -> None:
    [msg] = problems(write(BASE.replace("resolve: 0.7", "resolve: 1.5")))
    assert ":7:5: actors.IRN.resolve: must lie in [0.0, 1.0], got 1.5" in msg


def test_distribution_outside_unit_interval(write) -> None:
    [msg] = problems(write(BASE.replace("resolve: 0.7", "resolve: {pert: [0.2, 0.5, 1.4]}")))
    assert "actors.IRN.resolve: must lie in [0.0, 1.0]" in msg


def test_duplicate_actor_ids_are_located_at_the_second_one(write) -> None:
    text = BASE.replace("  HEZ:\n", "  ISR:\n    role: state\n  HEZ:\n")
    [msg] = problems(write(text))
    assert ':10:3: YAML syntax error: found duplicate key "ISR"' in msg


def test_duplicate_action_names_in_a_catalog(write) -> None:
    catalog = (
        "actions:\n"
        "  - {name: strike, rung: 7, kind: strike}\n"
        "  - {name: strike, rung: 8, kind: strike}\n"
    )
    [msg] = problems(write(BASE + catalog))
    assert "actions: duplicate action names ['strike']" in msg


def test_yaml_syntax_error_is_located(write) -> None:
    [msg] = problems(write(BASE.replace("role: state\n    resolve", "role: [state\n    resolve")))
    assert "YAML syntax error" in msg
    line = int(msg.split(":")[1])
    assert 6 <= line <= 9


@pytest.mark.parametrize("explicit_tag", ["", "tagged: !!str x\n"])
def test_an_impossible_date_is_located_at_its_value(write, explicit_tag: str) -> None:
    # ruamel.yaml raises "month must be in 1..12" with no position; the scalar is found.
    # An explicit tag sends the text through ruamel.yaml's own parser: located the same.
    text = explicit_tag + BASE.replace("start: 2024-04-02", "start: 2024-13-01")
    [msg] = problems(write(text))
    line = text[: text.index("2024-13-01")].count("\n") + 1
    assert f":{line}:8: YAML error: '2024-13-01' cannot be read: month must be in 1..12" in msg
    assert "write a real date as YYYY-MM-DD" in msg


def test_non_utf8_bytes_are_located(write) -> None:
    data = BASE.encode().replace(b"title", b"x") + b"description: caf\xe9\n"
    [msg] = problems(write(data))
    assert ":15:17:" in msg and "0xe9 is not valid UTF-8" in msg


def test_file_over_the_size_limit(write) -> None:
    [msg] = problems(write(BASE + "#" * (MAX_FILE_BYTES + 1) + "\n"))
    assert "the limit is" in msg


def test_alias_bomb_is_refused(write) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += (
            f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, "
            f"*{prev}, *{prev}, *{prev}, *{prev}]\n"
        )
    [msg] = problems(write(bomb))
    assert "aliases" in msg and "limit" in msg


def test_several_problems_are_all_reported(write) -> None:
    text = BASE.replace("resolve: 0.7", "resolve: 2").replace("role: proxy", "role: proxi")
    msgs = problems(write(text))
    assert len(msgs) == 2
    assert any("actors.HEZ.role" in m for m in msgs)


def test_missing_required_field(write) -> None:
    [msg] = problems(write(BASE.replace("start: 2024-04-02\n", "")))
    assert "required field 'start' is missing" in msg


def test_unknown_builtin_suggests_a_name() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("april-2042")
    assert "did you mean 'april-2024'?" in str(info.value)


def test_override_of_a_misspelt_path_is_reported_with_a_suggestion(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(BASE), {"actors.IRN.resolv": 0.5})
    assert "unknown key 'resolv'" in str(info.value)
    assert "did you mean 'resolve'?" in str(info.value)


def test_override_into_a_missing_list_item_is_refused(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(BASE), {"relations.3.defend": 0.5})
    assert "no item '3' in relations" in str(info.value)


def test_override_creates_an_optional_block(write) -> None:
    assert load_scenario(write(BASE), {"model.war_cost": 30}).model.war_cost == 30


def test_an_override_edits_the_default_catalog_of_a_scenario_that_omits_it(write) -> None:
    """BASE lists no ``actions``: ``--set`` edits one action of the default catalog and
    ``--add`` appends to it (before, both replaced the catalog with what they named)."""
    from escalade.ladder import DEFAULT_ACTIONS

    edited = load_scenario(write(BASE), {"actions.large_salvo.damage": 20})
    salvo = next(a for a in edited.actions if a.name == "large_salvo")
    assert salvo.damage == 20
    assert [a.name for a in edited.actions] == [a.name for a in DEFAULT_ACTIONS]
    assert [a for a in edited.actions if a.name != "large_salvo"] == [
        a for a in DEFAULT_ACTIONS if a.name != "large_salvo"
    ]
    extra = {"name": "cyber_blackout", "rung": 3, "kind": "covert", "overt": False}
    grown = load_scenario(write(BASE), {"+actions": extra})
    assert [a.name for a in grown.actions] == [a.name for a in DEFAULT_ACTIONS] + ["cyber_blackout"]
    assert load_scenario(write(BASE), {"ladder.3.name": "sabotage"}).ladder[3].name == "sabotage"


def test_an_override_of_a_misspelt_default_action_suggests_the_name(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(BASE), {"actions.large_salv.damage": 20})
    assert "no item 'large_salv' in actions (did you mean 'large_salvo'?)" in str(info.value)


def test_a_bad_override_is_blamed_on_the_override_not_the_file(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(BASE), {"model.war_cost": -3})
    [msg] = [str(p) for p in info.value.problems]
    assert msg.startswith("override model.war_cost=-3: model.war_cost: must lie in")


def test_an_overlay_knows_where_each_path_was_written(tmp_path: Path) -> None:
    from escalade.scenario.load import Problem, read_overlay

    path = tmp_path / "overlay.yaml"
    path.write_text("# fitted\nmodel.war_cost: 15\nactors.IRN:\n  resolve: 0.5\n", "utf-8")
    ov = read_overlay(path)
    assert ov == {"model.war_cost": 15, "actors.IRN": {"resolve": 0.5}}
    problems = [
        Problem("override x", 0, 0, "actors.IRN.resolve", "bad"),
        Problem("scenario.yaml", 7, 3, "horizon_days", "other"),
    ]
    moved, kept = ov.blame(problems)
    assert (moved.file, moved.line, moved.column) == (str(path), 4, 3)
    assert kept == problems[1]
    assert ov.blame(problems, shadowed={"actors.IRN"}) == problems


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        ("a: [unclosed\n", ":2:1:", "not valid YAML"),
        ("- a\n- list\n", ":1:1:", "expected a mapping of dotted paths"),
        ("ok: 1\n3: 4\n", ":2:4:", "the key 3 is not a dotted path"),
    ],
)
def test_an_unusable_overlay_is_located(
    tmp_path: Path, content: str, where: str, words: str
) -> None:
    from escalade.scenario.load import read_overlay

    path = tmp_path / "overlay.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_overlay(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}{where}") and words in str(problem)
    with pytest.raises(ScenarioError, match="it is a directory"):
        read_overlay(tmp_path)
