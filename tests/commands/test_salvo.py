"""``escalade salvo``: the command on a small scenario file, its JSON, and its error handling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from escalade.commands.salvo import register
from escalade.scenario.load import builtin_names

SCENARIO = """\
# Illustrative test values, not estimates.
name: salvo-test
start: 2024-01-01
munitions:
  drone: {kind: drone, flight_time_hours: 8, failure_rate: 0.1, unit_cost_usd: 30000}
  missile: {kind: mrbm, flight_time_hours: 0.2, failure_rate: {pert: [0.3, 0.45, 0.6]},
            unit_cost_usd: 1.0e6}
target_classes:
  air_base: {damage_per_hit: 1.0, casualties_per_hit: 0.05}
  city: {damage_per_hit: 3.0, casualties_per_hit: 1.0}
actors:
  RED: {role: state, arsenal: {drone: 100, missile: 50}}
  GOLD: {role: defence_partner}
  BLUE:
    role: state
    defence:
      layers:
        - {name: jets, owner: GOLD, engages: [drone], kill_probability: 0.9,
           shots_per_threat: 1, capacity_per_wave: 80, stock: 200, unit_cost_usd: 2.0e5}
        - {name: upper, owner: BLUE, engages: [missile], kill_probability: 0.8,
           capacity_per_wave: 40, stock: 100, unit_cost_usd: 3.5e6}
relations:
  - {kind: alliance, between: [GOLD, BLUE], defend: 0.9}
"""


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so that "salvo" is a subcommand as in the real CLI
        """escalade (test harness)."""

    register(app)
    return app


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "salvo-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def run(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, ["salvo", *args])


E7_SIDES = ["april-2024", "--from", "IRN", "--at", "ISR"]
"""The built-in april-2024: Iran fires at Israel."""
BASE = [
    "--from",
    "RED",
    "--at",
    "BLUE",
    "--fire",
    "drone=100",
    "--fire",
    "missile=50",
    "--runs",
    "2000",
    "--seed",
    "3",
]


def test_json_summary(app: typer.Typer, scenario_file: Path) -> None:
    res = run(app, str(scenario_file), *BASE, "--warning-days", "14", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["warned"] is True and out["runs"] == 2000 and out["target_class"] == "air_base"
    assert [m["id"] for m in out["munitions"]] == ["drone", "missile"]
    drone = out["munitions"][0]
    assert drone["launched"]["median"] == 100
    # conservation per run implies it for means
    total = drone["failed"]["mean"] + drone["intercepted"]["mean"] + drone["leaked"]["mean"]
    assert total == pytest.approx(100)
    layers = {la["name"]: la for la in out["layers"]}
    assert layers["jets"]["owner"] == "GOLD"
    # GOLD joins with p = 0.9 when warned; 5 s.e. over 2,000 runs = 0.034
    assert layers["jets"]["joined_share"] == pytest.approx(0.9, abs=0.034)
    assert layers["upper"]["joined_share"] == 1.0
    t = out["totals"]
    assert t["attack_cost_usd"]["median"] == pytest.approx(100 * 30_000 + 50 * 1e6)
    assert 0.0 < t["interception_rate"]["median"] <= 1.0
    assert t["cost_exchange"]["median"] == pytest.approx(
        t["defence_cost_usd"]["median"] / t["attack_cost_usd"]["median"], rel=0.2
    )


def test_same_seed_same_numbers_and_warning_matters(app: typer.Typer, scenario_file: Path) -> None:
    a = json.loads(run(app, str(scenario_file), *BASE, "--warning-days", "3", "--json").stdout)
    b = json.loads(run(app, str(scenario_file), *BASE, "--warning-days", "3", "--json").stdout)
    cold = json.loads(run(app, str(scenario_file), *BASE, "--json").stdout)
    assert a == {**b}
    assert cold["warned"] is False and cold["warning_hours"] == 0
    assert cold["totals"]["hits"]["mean"] > a["totals"]["hits"]["mean"]


def test_table_output(app: typer.Typer, scenario_file: Path) -> None:
    res = run(app, str(scenario_file), *BASE, "--warning-days", "14", "--target-class", "city")
    assert res.exit_code == 0, res.output
    for word in (
        "Munitions",
        "drone",
        "missile",
        "jets",
        "GOLD",
        "interception rate",
        "defence cost",
        "cost exchange",
        "deaths",
    ):
        assert word in res.stdout


def test_many_runs_in_chunks_equal_one_batch(app: typer.Typer, scenario_file: Path) -> None:
    """Chunking (25,000 runs a batch) does not change results: counter-based streams."""
    from escalade.salvos import salvo

    big = json.loads(
        run(app, str(scenario_file), *BASE[:-4], "--runs", "60000", "--seed", "5", "--json").stdout
    )
    assert big["runs"] == 60_000
    fire = {"drone": 100, "missile": 50}
    one = salvo(scenario_file, "RED", "BLUE", fire, runs=60_000, seed=5, chunk_size=60_000)
    odd = salvo(scenario_file, "RED", "BLUE", fire, runs=60_000, seed=5, chunk_size=7_001)
    assert one == odd
    assert big == json.loads(json.dumps(one))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fire", "drone=-3"], "must be >= 0"),
        (["--fire", "drone=100001"], "limit of 100,000"),
        (["--fire", "drone=60000", "--fire", "drone=60000"], "limit of 100,000"),
        (["--fire", "drone=lots"], "whole number"),
        (["--fire", "drone"], "MUNITION=COUNT"),
        (["--fire", "dorne=5"], "did you mean 'drone'"),
    ],
)
def test_bad_fire_gives_one_line_and_exit_2(
    app: typer.Typer, scenario_file: Path, args: list[str], message: str
) -> None:
    res = run(app, str(scenario_file), "--from", "RED", "--at", "BLUE", *args)
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "RDE", "--at", "BLUE"], "did you mean 'RED'"),
        (["--from", "RED", "--at", "BLEU"], "did you mean 'BLUE'"),
        (["--from", "RED", "--at", "BLUE", "--target-class", "airbase"], "did you mean 'air_base'"),
        (["--from", "RED", "--at", "BLUE", "--runs", "0"], "--runs must be between"),
        (["--from", "RED", "--at", "BLUE", "--warning-days", "-1"], "--warning-days must be"),
        (["--from", "BLUE", "--at", "RED"], "--fire drone: BLUE does not hold 'drone'"),
    ],
)
def test_bad_request_gives_one_line_and_exit_2(
    app: typer.Typer, scenario_file: Path, args: list[str], message: str
) -> None:
    res = run(app, str(scenario_file), *args, "--fire", "drone=5")
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("seed", "words"),
    [("-1", "greater than or equal to 0"), ("9223372036854775808", "less than or equal to")],
)
def test_a_seed_out_of_range_is_refused_like_runs(
    app: typer.Typer, scenario_file: Path, seed: str, words: str
) -> None:
    res = run(app, str(scenario_file), *BASE[:-2], "--seed", seed)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "--seed" in res.stderr and words in " ".join(res.stderr.replace("│", " ").split())


def test_a_munition_the_shooter_does_not_hold_is_refused(tmp_path: Path) -> None:
    from escalade.salvos import SalvoError, salvo

    path = tmp_path / "two.yaml"
    path.write_text(SCENARIO.replace("arsenal: {drone: 100, missile: 50}", "arsenal: {drone: 9}"))
    with pytest.raises(
        SalvoError, match=r"--fire missile: RED does not hold 'missile'.*holds: drone"
    ):
        salvo(path, "RED", "BLUE", {"drone": 5, "missile": 5}, runs=10)
    with pytest.raises(SalvoError, match=r"unknown munition 'drones'.*did you mean 'drone'"):
        salvo(path, "RED", "BLUE", ["drones=1"], runs=10)
    assert salvo(path, "RED", "BLUE", {"drone": 5, "missile": 0}, runs=10)["fire"] == {"drone": 5}


def test_bad_scenario_exit_2(app: typer.Typer, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nstart: 2024-01-01\nactors: {A: {role: stat}}\n", encoding="utf-8")
    res = run(app, str(broken), "--from", "A", "--at", "A", "--fire", "x=1")
    assert res.exit_code == 2
    assert "broken.yaml:3" in res.stderr
    missing = run(app, str(tmp_path / "nope.yaml"), "--from", "A", "--at", "A", "--fire", "x=1")
    assert missing.exit_code == 2 and "file not found" in missing.stderr


def test_fire_beyond_arsenal_is_noted(app: typer.Typer, scenario_file: Path) -> None:
    res = run(
        app,
        str(scenario_file),
        "--from",
        "RED",
        "--at",
        "BLUE",
        "--fire",
        "drone=500",
        "--runs",
        "200",
        "--json",
    )
    assert res.exit_code == 0
    assert json.loads(res.stdout)["notes"] == ["RED holds 100 drone in the scenario but fires 500"]


@pytest.mark.slow
def test_april_2024_builtin(app: typer.Typer) -> None:
    if "april-2024" not in builtin_names():
        pytest.skip("built-in scenario 'april-2024' not present yet")
    from escalade.scenario.load import load_scenario

    sc = load_scenario("april-2024")
    by_kind: dict[str, str] = {}
    for mid, mun in sc.munitions.items():
        by_kind.setdefault(mun.kind, mid)
    ballistic = by_kind.get("mrbm") or by_kind["srbm"]
    res = run(
        app,
        *E7_SIDES,
        "--fire",
        f"{by_kind['drone']}=170",
        "--fire",
        f"{by_kind['cruise']}=30",
        "--fire",
        f"{ballistic}=120",
        "--warning-days",
        "14",
        "--runs",
        "2000",
        "--json",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["totals"]["interception_rate"]["median"] >= 0.9


def test_ctrl_c_is_one_line_and_exit_130(
    app: typer.Typer, scenario_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from escalade.commands import salvo as cmd

    def ctrl_c(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-salvo

    monkeypatch.setattr(cmd, "run_salvo", ctrl_c)
    res = run(app, str(scenario_file), *BASE)
    assert res.exit_code == 130
    assert res.stderr.strip() == "interrupted: nothing was kept"


def test_warning_in_hours_partners_interval_and_json_per_layer(
    app: typer.Typer, scenario_file: Path
) -> None:
    def out(*extra: str) -> Any:
        res = run(app, str(scenario_file), *BASE, *extra, "--json")
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    two_days = out("--warning", "2d", "--interval", "80")
    assert two_days["warning_hours"] == 48.0 and two_days["interval"] == 80.0
    assert out("--warning-days", "2", "--interval", "80") == two_days  # same lead, same numbers
    for la in two_days["layers"]:
        for key in ("engaged", "intercepted", "interceptors_fired", "cost_usd"):
            assert {"median", "lo", "hi", "mean"} <= set(la[key])
        assert la["cost_usd"]["mean"] > 0
    # an 80% interval lies inside the 90% one of the same runs
    ninety = out("--warning", "2d")
    for k in ("hits", "defence_cost_usd"):
        assert ninety["totals"][k]["lo"] <= two_days["totals"][k]["lo"]
        assert two_days["totals"][k]["hi"] <= ninety["totals"][k]["hi"]
    # hours matter between 0 and full readiness (24 h by default): 3 h leaks more than 2 d
    assert out("--warning", "3h")["totals"]["hits"]["mean"] > two_days["totals"]["hits"]["mean"]
    alone = out("--warning", "2d", "--no-partners")
    assert {la["name"]: la["joined_share"] for la in alone["layers"]}["jets"] == 0.0
    assert alone["partners"] == []
    named = out("--warning", "2d", "--partners", "GOLD")
    assert named["layers"] == ninety["layers"]  # the only partner named: as if all


def test_campaign_carries_stocks_over_waves(app: typer.Typer, scenario_file: Path) -> None:
    res = run(
        app,
        str(scenario_file),
        *BASE,
        "--warning",
        "2d",
        "--waves",
        "4",
        "--every",
        "24h",
        "--json",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    waves = out["wave_table"]
    assert [w["wave"] for w in waves] == [1, 2, 3, 4] and waves[3]["hour"] == 72.0
    # "upper" holds 100 interceptors, 2 a missile: stock falls wave by wave, never below 0
    left = [w["stock_left"]["upper"]["median"] for w in waves]
    assert left == sorted(left, reverse=True) and left[-1] >= 0 and left[0] < 100
    assert waves[-1]["hits"]["mean"] > waves[0]["hits"]["mean"]
    table = run(app, str(scenario_file), *BASE, "--waves", "3", "--every", "12h")
    assert table.exit_code == 0 and "Waves" in table.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--warning", "3 weeks"], "--warning: a duration must be"),
        (["--warning", "2d", "--warning-days", "2"], "give the warning once"),
        (["--partners", "NOPE"], "--partners: unknown actor 'NOPE'"),
        (["--partners", "RED"], "--partners: RED has no air-defence layer over BLUE"),
        (["--partners", "GOLD", "--no-partners"], "--partners or --no-partners"),
        (["--waves", "0"], "--waves must be between"),
        (["--waves", "2", "--every", "0h"], "--every must be more than 0"),
        (["--every", "soon"], "--every: a duration must be"),
        (["--interval", "100"], "--interval must be a percentage"),
    ],
)
def test_bad_campaign_options_give_one_line(
    app: typer.Typer, scenario_file: Path, extra: list[str], message: str
) -> None:
    res = run(app, str(scenario_file), *BASE, *extra)
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output


def test_partners_name_host_nation_layers_in_a_builtin(app: typer.Typer) -> None:
    """``--partners USA,GBR,JOR`` on april-2024: the named partners' layers (Jordan's jets, a
    host nation under the drones' path) may join, France's never does."""
    res = run(app, *E7_SIDES, "--fire", "shahed_136=170", "--warning", "2d",
              "--partners", "USA,GBR,JOR", "--runs", "300", "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    joined = {la["owner"]: la["joined_share"] for la in json.loads(res.stdout)["layers"]}
    assert joined["FRA"] == 0.0
    assert joined["JOR"] > 0.3 and joined["USA"] > 0.8 and joined["ISR"] == 1.0
