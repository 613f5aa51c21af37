"""Named list items and named levers (issue 13, item 1): ids, --set/--add/--drop by id,
located errors, and the levers a scenario declares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalade.api import load_scenario, simulate
from escalade.cli import app
from escalade.scenario.ids import DERIVED, item_ids
from escalade.scenario.levers import lever_problems
from escalade.scenario.load import ScenarioError, builtin_names

runner = CliRunner()


def test_every_named_list_item_has_an_id_unique_in_its_list() -> None:
    for name in builtin_names():
        sc = load_scenario(name)
        for list_name in DERIVED:
            ids = [item.id for item in getattr(sc, list_name)]
            assert all(ids) and len(set(ids)) == len(ids), (name, list_name, ids)


def test_an_id_left_out_is_derived_from_the_item() -> None:
    sc = load_scenario("august-2024")
    ids = {s.id for s in sc.statements}
    assert {"us_restraint_isr", "usa_backing_isr", "rus_restraint_irn"} <= ids
    assert "irn_usa_via_che" in {c.id for c in sc.channels}
    assert "isr_if_irn" in {r.id for r in sc.red_lines}
    assert "alliance_usa_isr" in {r.id for r in sc.relations}
    assert "hez_gaza_ceasefire" in {i.id for i in sc.inducements}


def test_derived_ids_that_coincide_are_numbered_in_order() -> None:
    items = [{"by": "USA", "kind": "restraint", "toward": "ISR"}] * 2 + [{"id": "x"}]
    assert item_ids("statements", items) == ["usa_restraint_isr", "usa_restraint_isr_2", "x"]


def test_set_by_id_changes_the_item_with_that_id() -> None:
    sc = load_scenario("april-2024", {"statements.us_no_offensive.strength": 0.0})
    assert next(s for s in sc.statements if s.id == "us_no_offensive").strength == 0.0


def test_naming_an_item_changes_no_draw() -> None:
    """A path by id and by index set the same field, so the runs are identical."""
    by_id = load_scenario("april-2024", {"statements.us_no_offensive.strength": 0.2})
    by_index = load_scenario("april-2024", {"statements.0.strength": 0.2})
    a = simulate(by_id, runs=50, seed=3).outcomes
    b = simulate(by_index, runs=50, seed=3).outcomes
    assert a.equals(b)


def test_add_and_drop_items() -> None:
    new = {"id": "extra", "by": "CHN", "kind": "restraint", "toward": "ISR", "strength": 0.3}
    sc = load_scenario("april-2024", {"-statements.us_no_offensive": True, "+statements": new})
    ids = [s.id for s in sc.statements]
    assert "us_no_offensive" not in ids and ids[-1] == "extra"
    layers = load_scenario("april-2024", {"-actors.ISR.defence.layers.jor_fighters": True})
    assert "jor_fighters" not in [la.name for la in layers.actors["ISR"].defence.layers]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"statements.us_no_offensiv.strength": 0}, "did you mean 'us_no_offensive'?"),
        ({"-statements.nothing": True}, "no item 'nothing' in statements"),
        ({"-actors.IRN": True}, "is not a list item"),
        ({"+statements": {"by": "XYZ", "kind": "restraint", "toward": "ISR"}}, "statements.6.by"),
        (
            {
                "+statements": {
                    "id": "us_no_offensive",
                    "by": "USA",
                    "kind": "backing",
                    "toward": "ISR",
                }
            },
            "duplicate id 'us_no_offensive' (also statements.0)",
        ),
        ({"statements.us_no_offensive.strength": 3}, "statements.0.strength"),
    ],
)
def test_override_mistakes_are_located_at_the_override(
    overrides: dict[str, object], expected: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("april-2024", overrides)
    text = str(info.value)
    assert expected in text and text.startswith("override ")


def _duel_with(tmp_path: Path, extra: str) -> tuple[Path, str]:
    """The duel fixture with ``extra`` YAML appended, written to a file."""
    text = (Path(__file__).parents[1] / "fixtures" / "duel.yaml").read_text() + extra
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path, text


def test_ids_written_twice_are_located_in_the_file(tmp_path: Path) -> None:
    path, text = _duel_with(
        tmp_path,
        "\nstatements:\n"
        "  - {id: same, by: RED, kind: restraint, toward: BLUE}\n"
        "  - {id: same, by: BLUE, kind: restraint, toward: RED}\n",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = text.splitlines().index("  - {id: same, by: BLUE, kind: restraint, toward: RED}") + 1
    assert f"case.yaml:{line}:" in result.stderr
    assert "duplicate id 'same' (also statements.0)" in result.stderr


def test_the_built_ins_declare_the_levers_the_record_talks_about() -> None:
    assert {
        "no_us_restraint",
        "us_joins_offensive",
        "gaza_ceasefire",
        "oman_warning",
        "russian_pressure",
        "hardliner_ascendancy",
        "no_partner_air_defence",
    } <= set(load_scenario("april-2024").levers)
    assert {"us_no_offensive", "gaza_ceasefire", "oman_warning"} <= set(
        load_scenario("august-2024").levers
    )
    for name in builtin_names():
        assert lever_problems(name) == [], name
        assert load_scenario(name).levers, name


def test_a_lever_applies_its_changes_and_takes_a_value() -> None:
    sc = load_scenario("august-2024")
    lever = sc.levers["us_no_offensive"]
    on = load_scenario("august-2024", lever.overrides())
    assert next(s for s in on.statements if s.id == "us_restraint_isr").strength == 0.9
    half = load_scenario("august-2024", lever.overrides(0.4))
    assert next(s for s in half.statements if s.id == "us_restraint_isr").strength == 0.4


def test_a_lever_that_does_not_apply_is_located_at_the_lever(tmp_path: Path) -> None:
    path, text = _duel_with(
        tmp_path,
        "\nlevers:\n  broken:\n    description: wrong path\n"
        "    changes: {statements.nope.strength: 0}\n",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = text.splitlines().index("  broken:") + 1
    assert f"case.yaml:{line}:" in result.stderr and "levers.broken" in result.stderr


def test_levers_command_lists_them() -> None:
    result = runner.invoke(app, ["levers", "august-2024", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["levers"]["us_no_offensive"]["overrides"] == {
        "statements.us_restraint_isr.strength": 0.9
    }
    table = runner.invoke(app, ["levers", "april-2024"])
    assert table.exit_code == 0 and "oman_warning" in table.stdout


def test_cli_lever_add_drop_on_compare_and_replay(tmp_path: Path) -> None:
    ok = runner.invoke(
        app,
        ["compare", "august-2024", "--lever", "us_no_offensive=0.8", "--runs", "20", "--json",
         "--store", str(tmp_path / "store")],
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["b"]["levers"] == ["us_no_offensive=0.8"]
    unknown = runner.invoke(app, ["compare", "august-2024", "--lever", "us_no_ofensive"])
    assert unknown.exit_code == 2 and "did you mean 'us_no_offensive'?" in unknown.stderr
    dropped = runner.invoke(
        app,
        [
            "replay",
            "april-2024",
            "--drop",
            "statements.us_no_offensive",
            "--add",
            "statements={by: USA, kind: backing, toward: ISR}",
            "--json",
        ],
    )
    assert dropped.exit_code == 0, dropped.stderr
    bad = runner.invoke(app, ["replay", "april-2024", "--drop", "statements.zzz"])
    assert bad.exit_code == 2 and "override --drop statements.zzz" in bad.stderr


def test_sweep_a_lever_by_name_labels_it_by_name(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sweep",
            "--store",
            str(tmp_path / "store"),
            "august-2024",
            "--param",
            "us_no_offensive=0:1",
            "--design",
            "grid",
            "--samples",
            "2",
            "--runs-per-point",
            "10",
            "--workers",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    path = "statements.us_restraint_isr.strength"
    assert data["params"][0]["path"] == path
    assert data["labels"][path].startswith("us_no_offensive")
    assert data["centre"] is not None
