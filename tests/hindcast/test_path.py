"""The record at path level (issue 9, item 1): the ``path:`` block of an episode."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.analysis.hindcast import (
    default_episodes_dir,
    episode_scenario,
    load_episode,
    load_episodes,
)
from escalade.scenario.load import ScenarioError

from .conftest import episode_text

PATH_BLOCK = """\
path:
  principals: [RED, BLUE]
  horizon_days: 30
  direct_blows: 1
  highest_rung: 8
  at_horizon: quiet
  confidence: low
  sources: [fixture]
  notes: "one salvo, then quiet"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _only_problem(exc: pytest.ExceptionInfo[ScenarioError]) -> str:
    assert len(exc.value.problems) == 1, exc.value
    return str(exc.value.problems[0])


def _line(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_a_path_block_is_read(tmp_path: Path) -> None:
    ep = load_episode(_write(tmp_path, episode_text("T1") + PATH_BLOCK)).episode
    assert ep.path is not None
    assert ep.path.principals == ["RED", "BLUE"]
    assert (ep.path.direct_blows, ep.path.highest_rung, ep.path.at_horizon) == (1, 8, "quiet")
    assert ep.path.horizon_days == 30 and ep.path.sources == ["fixture"]


def test_the_path_block_is_optional(tmp_path: Path) -> None:
    assert load_episode(_write(tmp_path, episode_text("T1"))).episode.path is None


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "  highest_rung: 8",
            "  highest_rung: 14",
            "path.highest_rung",
            "less than or equal to 13",
        ),
        ("  direct_blows: 1", "  direct_blows: -1", "path.direct_blows", "greater than or equal"),
        ("  at_horizon: quiet", "  at_horizon: calm", "path.at_horizon", "'quiet'"),
        ("  confidence: low", "  confidence: sure", "path.confidence", "'high'"),
    ],
)
def test_a_bad_path_value_is_located(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = episode_text("T1") + PATH_BLOCK.replace(old, new)
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    problem = _only_problem(exc)
    assert problem.startswith(f"{path}:{_line(text, new)}:3: {field}:"), problem
    assert message in problem


def test_an_unknown_path_key_is_located_with_a_suggestion(tmp_path: Path) -> None:
    text = episode_text("T1") + PATH_BLOCK.replace("  direct_blows:", "  direct_blow:")
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    problems = "\n".join(str(p) for p in exc.value.problems)
    line = _line(text, "  direct_blow: 1")
    assert f"{path}:{line}:3: path.direct_blow: unknown key 'direct_blow'" in problems
    assert "did you mean 'direct_blows'?" in problems


@pytest.mark.parametrize("principals", ["[RED, RED]", "[RED]", "[RED, BLUE, GREEN]"])
def test_principals_must_be_two_distinct_actors(tmp_path: Path, principals: str) -> None:
    text = episode_text("T1") + PATH_BLOCK.replace("[RED, BLUE]", principals)
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    problem = _only_problem(exc)
    line = _line(text, f"  principals: {principals}")
    assert problem.startswith(f"{path}:{line}:3: path.principals: expected two distinct"), problem


def test_a_path_source_must_be_one_of_the_episodes_sources(tmp_path: Path) -> None:
    text = episode_text("T1") + PATH_BLOCK.replace("[fixture]", "[fixture, nowhere]")
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_episode(path)
    problem = _only_problem(exc)
    line = _line(text, "  sources: [fixture, nowhere]")
    assert problem.startswith(f"{path}:{line}:"), problem
    assert "path.sources.1: unknown source id 'nowhere'" in problem


# --------------------------------------------------------------------------- shipped episodes

SHIPPED = load_episodes(default_episodes_dir())


def test_at_least_21_episodes_ship() -> None:
    assert len(SHIPPED) >= 21


@pytest.mark.parametrize("ep", SHIPPED, ids=lambda e: e.id)
def test_every_shipped_episode_has_a_path_record(ep: object) -> None:
    from escalade.analysis.hindcast import EpisodeFile

    assert isinstance(ep, EpisodeFile)
    path = ep.episode.path
    assert path is not None, f"{ep.path}: no path: block"
    assert path.sources, f"{ep.path}: path: block cites no source"
    sc = episode_scenario(ep)
    for actor in path.principals:
        assert actor in sc.actors, f"{ep.path}: principal {actor} is not an actor of {sc.name}"
    assert path.horizon_days <= sc.horizon_days, f"{ep.path}: path horizon past the scenario's"
    # a direct blow is at rung >= 7, so blows imply that rung was reached
    assert path.direct_blows == 0 or path.highest_rung >= 7
    # war at the horizon is sustained war (rung >= 11) or above
    assert path.at_horizon != "war" or path.highest_rung >= 11


def test_a_principal_that_is_not_a_state_is_a_party_to_the_episodes_crisis() -> None:
    # E17 is a crisis between the US and the Houthis: the Houthis join the states as crisis
    # parties (M13), so their fire and the US answers keep it going; E7's principals are
    # states, and its scenario keeps the default (the states).
    by_id = {ep.id: ep for ep in SHIPPED}
    e17 = episode_scenario(by_id["E17"])
    states = [a for a, actor in e17.actors.items() if actor.role.value == "state"]
    assert e17.model.crisis_parties == [*states, "HOU"]
    assert episode_scenario(by_id["E7"]).model.crisis_parties is None
