"""Fixtures: a small crisis (two states, a proxy, a mediator) and episodes written to a tmp folder.

The numbers are illustrative test values, not estimates of any real crisis.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from escalade.commands.hindcast import register

SCENARIO = """\
name: duel-proxy
title: Two states, a proxy and a mediator (test fixture)
start: 2024-01-01
horizon_days: 30
sources:
  - {id: fixture, citation: "Illustrative values for tests", confidence: low}
munitions:
  missile: {kind: mrbm, flight_time_hours: 0.2, failure_rate: 0.1, unit_cost_usd: 1.0e6}
target_classes:
  air_base: {damage_per_hit: 1.0, casualties_per_hit: 0.1}
actors:
  RED:
    role: state
    arsenal: {missile: 100}
    packages: {large_salvo: {missile: 20}}
  BLUE:
    role: state
    arsenal: {missile: 100}
    packages: {large_salvo: {missile: 20}}
    defence:
      layers:
        - {name: shield, owner: BLUE, engages: [missile], kill_probability: 0.8,
           capacity_per_wave: 30, stock: 60, unit_cost_usd: 2.0e6}
  GREEN: {role: proxy, patron: BLUE, control: 0.5}
  MED: {role: mediator}
channels:
  - {between: [RED, BLUE], via: MED, delay_days: 1, fidelity: 0.9}
initial_events:
  - {day: 0, actor: BLUE, action: targeted_killing_abroad, target: RED,
     casualties: {senior: 1, other: 2}}
"""

EPISODE = """\
id: {id}
title: Blue kills a Red general; Red answers
date: 2024-01-06
scenario: {scenario}
overrides: {overrides}
trigger: "Blue kills a Red general abroad (day 0)"
observed:
  responder: RED
  rung: {rung}
  lag_days: {lag}
  scale: "a salvo"
  forewarning: false
  further_round: true
  confidence: low
sources:
  - {{id: fixture, citation: "Illustrative", confidence: low}}
notes: test episode
"""


def episode_text(
    id: str = "T1",
    scenario: str = "duel-proxy.yaml",
    rung: int = 8,
    lag: int | str = 5,
    overrides: str = "{}",
) -> str:
    return EPISODE.format(id=id, scenario=scenario, rung=rung, lag=lag, overrides=overrides)


@pytest.fixture
def episodes_dir(tmp_path: Path) -> Path:
    """A folder with the scenario and two episodes (T1: a rung-8 answer, T2: none)."""
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / "duel-proxy.yaml").write_text(SCENARIO, encoding="utf-8")
    (folder / "T1.yaml").write_text(episode_text("T1"), encoding="utf-8")
    (folder / "T2.yaml").write_text(
        episode_text("T2", rung=1, lag="null", overrides="{model.war_cost: 80}"),
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def episodes_only(episodes_dir: Path, tmp_path: Path) -> Path:
    """The two episodes in a folder of their own (the scenario referred to by '../')."""
    folder = tmp_path / "only"
    folder.mkdir()
    for name in ("T1", "T2"):
        text = (episodes_dir / f"{name}.yaml").read_text(encoding="utf-8")
        text = text.replace("scenario: duel-proxy.yaml", "scenario: ../episodes/duel-proxy.yaml")
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def app() -> typer.Typer:
    """A local app with just the hindcast commands (the lead wires them into escalade.cli)."""
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """escalade (test app)"""

    register(application)
    return application
