"""Episode files: loading from any folder, located problems, the trigger and the scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from escalade.analysis.hindcast import (
    default_episodes_dir,
    episode_scenario,
    find_trigger,
    load_episode,
    load_episodes,
    prepare,
    prepare_all,
    select_episodes,
)
from escalade.scenario.load import ScenarioError

from .conftest import SCENARIO, episode_text


def _problem(exc: pytest.ExceptionInfo[ScenarioError]) -> str:
    assert len(exc.value.problems) == 1, exc.value
    return str(exc.value.problems[0])


def test_episodes_load_from_any_folder_in_natural_order(episodes_dir: Path) -> None:
    (episodes_dir / "T10.yaml").write_text(episode_text("T10"), encoding="utf-8")
    eps = load_episodes(episodes_dir)
    # the scenario file beside them is not an episode
    assert [e.id for e in eps] == ["T1", "T2", "T10"]
    t2 = eps[1].episode
    assert t2.observed.responder == "RED" and t2.observed.lag_days is None
    assert t2.overrides == {"model.war_cost": 80}


def test_scenario_path_is_relative_to_the_episode_file(episodes_only: Path) -> None:
    (case,) = prepare_all(select_episodes(["T1"], episodes_only))
    assert case.scenario.name == "duel-proxy"
    assert case.trigger.actor == "BLUE" and case.trigger.rung == 6 and case.trigger.day == 0


def test_episode_files_can_be_named_directly(episodes_dir: Path) -> None:
    eps = select_episodes([str(episodes_dir / "T2.yaml"), "T1"], episodes_dir)
    assert [e.id for e in eps] == ["T2", "T1"]


def test_unknown_episode_id_suggests_a_known_one(episodes_dir: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        select_episodes(["T11"], episodes_dir)
    assert "T11:1:1: neither an episode file nor a known episode id" in _problem(exc)
    assert "(did you mean 'T1'?)" in _problem(exc)
    with pytest.raises(ScenarioError) as exc:
        select_episodes(["X9"], episodes_dir)
    assert "(known: T1, T2)" in _problem(exc)


def test_extra_overrides_come_first_and_the_episode_has_the_last_word(
    episodes_dir: Path,
) -> None:
    t1, t2 = load_episodes(episodes_dir)
    assert episode_scenario(t1, {"model.war_cost": 12.5}).model.war_cost == 12.5
    assert episode_scenario(t2, {"model.war_cost": 12.5}).model.war_cost == 80


def test_a_bad_episode_field_is_located(tmp_path: Path) -> None:
    text = episode_text("T1", scenario="duel").replace("  rung: 8\n", "  rung: 15\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    line = text.splitlines().index("  rung: 15") + 1
    assert _problem(exc).startswith(f"{path}:{line}:3: observed.rung:")


def test_a_misspelt_key_gets_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(episode_text("T1").replace("scenario:", "scenaro:"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert f"{path}:4:1: scenaro: unknown key 'scenaro' (did you mean 'scenario'?)" in text
    assert "required field 'scenario' is missing" in text


def test_no_answer_must_have_no_lag(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(episode_text("T1", rung=1, lag=4), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    line = episode_text("T1", rung=1, lag=4).splitlines().index("  lag_days: 4") + 1
    assert _problem(exc).startswith(f"{path}:{line}:3: observed.lag_days: rung 1 counts as")


def test_an_invalid_scenario_gives_the_scenario_loaders_located_error(
    episodes_dir: Path,
) -> None:
    bad = SCENARIO.replace("    arsenal: {missile: 100}\n", "    resolve: 2.5\n", 1)
    (episodes_dir / "duel-proxy.yaml").write_text(bad, encoding="utf-8")
    (t1,) = select_episodes(["T1"], episodes_dir)
    with pytest.raises(ScenarioError) as exc:
        prepare(t1)
    line = bad.splitlines().index("    resolve: 2.5") + 1
    problem = _problem(exc)
    assert problem.startswith(f"{episodes_dir / 'duel-proxy.yaml'}:{line}:")
    assert "actors.RED.resolve" in problem


def test_a_bad_override_points_at_the_episode(episodes_dir: Path) -> None:
    text = episode_text("T3", overrides="\n  actors.RED.resolve: 3.0")
    path = episodes_dir / "T3.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        prepare(load_episode(path))
    line = text.splitlines().index("  actors.RED.resolve: 3.0") + 1
    assert _problem(exc).startswith(f"{path}:{line}:3: overrides.actors.RED.resolve:")


def test_an_unknown_scenario_name_points_at_the_episode(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(episode_text("T1", scenario="april-2042"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        prepare(load_episode(path))
    assert _problem(exc).startswith(f"{path}:4:1: scenario: scenario 'april-2042'")
    assert "did you mean 'april-2024'" in _problem(exc)


def test_the_responder_must_be_an_actor_of_the_scenario(episodes_dir: Path) -> None:
    path = episodes_dir / "T4.yaml"
    path.write_text(episode_text("T4").replace("responder: RED", "responder: REDD"), "utf-8")
    with pytest.raises(ScenarioError) as exc:
        prepare(load_episode(path))
    assert "observed.responder: 'REDD' is not an actor" in _problem(exc)
    assert "did you mean 'RED'" in _problem(exc)


def test_cli_reports_an_invalid_scenario_with_exit_code_2_and_no_traceback(
    app: typer.Typer, episodes_dir: Path
) -> None:
    bad = SCENARIO.replace("horizon_days: 30", "horizon_days: -3")
    (episodes_dir / "duel-proxy.yaml").write_text(bad, encoding="utf-8")
    res = CliRunner().invoke(app, ["hindcast", "--episodes", str(episodes_dir), "-n", "5"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    assert f"{episodes_dir / 'duel-proxy.yaml'}:4:" in lines[0]
    assert "horizon_days" in lines[0]
    assert res.stdout == ""


def test_a_proxys_trigger_is_answered_against_the_proxy_or_its_patron(
    episodes_dir: Path,
) -> None:
    (t1,) = select_episodes(["T1"], episodes_dir)
    sc = episode_scenario(
        t1,
        {
            "initial_events": [
                {"day": 0, "actor": "BLUE", "action": "threaten", "target": "RED"},
                {"day": 2, "actor": "GREEN", "action": "proxy_attack", "target": "RED"},
                {"day": 1, "actor": "RED", "action": "threaten", "target": "BLUE"},
            ]
        },
    )
    trig = find_trigger(sc, "RED")
    assert (trig.actor, trig.action, trig.day, trig.rung) == ("GREEN", "proxy_attack", 2, 4)
    assert trig.side == ("GREEN", "BLUE")
    # an actor nobody struck answers the last initial event
    assert find_trigger(sc, "MED").actor == "GREEN"


def test_the_shipped_episodes_load_and_find_their_triggers() -> None:
    eps = load_episodes(default_episodes_dir())
    assert [e.id for e in eps][:9] == [f"E{i}" for i in range(1, 10)]
    cases = {c.id: c for c in prepare_all(eps)}
    assert cases["E2"].trigger.action == "targeted_killing_abroad"
    assert cases["E2"].trigger.target == "IRN"
    # E6: Israel answers a militia drone; striking the patron, Iran, counts as the answer
    assert set(cases["E6"].trigger.side) == {"IRQ_MILITIA", "IRN"}
    assert cases["E9"].scenario.horizon_days == 90
    assert cases["E9"].trigger.target == "IRN"
