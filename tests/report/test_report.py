"""The HTML report: contents, escaping, narratives picked and replayed, offline rendering."""

from __future__ import annotations

import json
import re
import shlex
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from escalade.api import simulate
from escalade.report import pick_runs, write_report
from escalade.report.html import build_report, replay_command
from escalade.report.page import plotly_js
from escalade.scenario.load import load_scenario_text
from escalade.scenario.schema import Scenario
from tests.conftest import FIXTURES

# under xdist, in one worker: the module fixtures `hot` and `report` are made once
pytestmark = pytest.mark.xdist_group("report")

HOT = {"initial_events.0.casualties.senior": 4, "model.war_cost": 2}
"""Overrides that make the duel end in war in about half the runs."""
SEED = 3
RUNS = 150
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def manifest(yaml: str, overrides: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "20240413-000000-duel-beef",
        "version": "test",
        "scenario_name": "duel",
        "scenario_yaml": yaml,
        "scenario_sha256": "0" * 64,
        "seed": SEED,
        "overrides": overrides,
        "runs": RUNS,
        "days": None,
        "chunk_size": 100,
        "started": "2024-04-13T00:00:00+00:00",
        "finished": "2024-04-13T00:00:10+00:00",
        "status": "complete",
    }


@pytest.fixture(scope="module")
def hot() -> tuple[pa.Table, Scenario, dict[str, Any]]:
    yaml = (FIXTURES / "duel.yaml").read_text(encoding="utf-8")
    sc = load_scenario_text(yaml, "duel", dict(HOT))
    return simulate(sc, runs=RUNS, seed=SEED).outcomes, sc, manifest(yaml, HOT)


@pytest.fixture(scope="module")
def report(hot: tuple[pa.Table, Scenario, dict[str, Any]], tmp_path_factory: Any) -> Path:
    outcomes, sc, man = hot
    extra = [("Hindcast <test>", "<p id='extra-section'>scored</p>")]
    return write_report(
        outcomes, sc, SEED, man, tmp_path_factory.mktemp("r") / "report.html", extra
    )


def test_the_report_has_every_section_and_needs_no_network(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert titles == [
        "Summary",
        "Escalation ladder",
        "Time to thresholds",
        "Pathways",
        "Narratives",
        "Precision",
        "Hindcast &lt;test&gt;",  # extra sections come before the manifest, titles escaped
        "Manifest",
    ]
    assert "<p id='extra-section'>scored</p>" in html
    # Nothing is fetched: no external scripts, stylesheets, images or fonts.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)
    assert plotly_js() in html  # plotly.js inlined (its code names a CDN only for geo maps)
    page = html.replace(plotly_js(), "")
    assert "cdn.plot.ly" not in page and "mathjax" not in page.lower()
    assert page.count("Plotly.newPlot") == 2


def test_the_embedded_numbers_match_the_outcomes(
    report: Path, hot: tuple[pa.Table, Scenario, dict[str, Any]]
) -> None:
    outcomes = hot[0]
    html = report.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html)
    assert m is not None
    data = json.loads(m.group(1))
    assert data["runs"] == RUNS and data["seed"] == SEED
    war = data["thresholds"]["sustained war"]
    assert war["successes"] == int(pc.sum(pc.is_valid(outcomes["first_war_day"])).as_py())
    assert war["low"] <= war["p"] <= war["high"]
    # The duel has no USA: the "combat by the watched actor" threshold is left out.
    assert "combat by the watched actor" not in data["thresholds"]


def test_narratives_are_a_median_run_and_a_war_run(
    hot: tuple[pa.Table, Scenario, dict[str, Any]], report: Path
) -> None:
    outcomes = hot[0]
    picked = pick_runs(outcomes)
    rows = {r["run"]: r for r in outcomes.to_pylist()}
    rungs = sorted(r["max_rung"] for r in rows.values())
    assert rows[picked["typical"][0]]["max_rung"] == rungs[(len(rungs) - 1) // 2]
    assert rows[picked["war"][0]]["first_war_day"] is not None
    html = report.read_text(encoding="utf-8")
    for run, _ in picked.values():
        assert f"<h3>Run {run}:" in html
    assert "does not match the stored outcome" not in html  # the replays agree


def test_the_war_runs_narrative_says_the_crisis_has_become_a_war(report: Path) -> None:
    assert "The crisis has become a sustained war: " in report.read_text(encoding="utf-8")


def test_without_a_war_the_highest_rung_run_is_told() -> None:
    t = pa.table(
        {
            "run": [0, 1, 2, 3],
            "max_rung": [3, 8, 5, 8],
            "first_war_day": pa.array([None] * 4, type=pa.int64()),
            "ended": ["quiet", "ongoing", "quiet", "ceasefire"],
        }
    )
    picked = pick_runs(t)
    assert picked["typical"][0] == 2  # median of 3, 5, 8, 8 (lower middle) is 5
    assert picked["war"][0] == 1 and "no run reached war" in picked["war"][1]


def test_a_replay_that_disagrees_with_the_store_is_flagged(
    hot: tuple[pa.Table, Scenario, dict[str, Any]],
) -> None:
    outcomes, sc, man = hot
    tampered = outcomes.set_column(
        outcomes.schema.get_field_index("max_rung"),
        "max_rung",
        pc.add(outcomes["max_rung"], 1),
    )
    html = build_report(tampered, sc, SEED, man)
    assert "does not match the stored outcome" in html


def test_user_text_is_escaped(hot: tuple[pa.Table, Scenario, dict[str, Any]]) -> None:
    outcomes, sc, man = hot
    evil = sc.model_copy(update={"title": "<script>alert(1)</script>"})
    html = build_report(outcomes, evil, SEED, {**man, "id": '"><img src=x onerror=alert(1)>'})
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_replay_command_reproduces_the_overrides(
    hot: tuple[pa.Table, Scenario, dict[str, Any]],
) -> None:
    sc = hot[1]
    cmd = replay_command(sc, 3, 17, 20, {"model.war_cost": 2})
    assert cmd == "escalade replay duel --seed 3 --run 17 --days 20 --set model.war_cost=2"


def test_an_empty_experiment_is_refused(hot: tuple[pa.Table, Scenario, dict[str, Any]]) -> None:
    outcomes, sc, man = hot
    with pytest.raises(ValueError, match="no runs"):
        build_report(outcomes.slice(0, 0), sc, SEED, man)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install "
                    "chromium chromium-driver) to render the report headless")  # fmt: skip
def test_the_report_renders_offline_in_headless_chromium(report: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory() as profile:
        for arg in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,900",
        ):  # fmt: skip
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
        try:
            # Cut the network: the page must load and draw from the file alone.
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
            )
            driver.get(report.as_uri())
            charts = driver.find_elements("css selector", ".js-plotly-plot")
            ids = sorted(str(c.get_attribute("id")) for c in charts)
            assert ids == ["chart-ladder", "chart-survival"]
            for chart_id in ids:
                svgs = driver.find_elements("css selector", f"#{chart_id} .main-svg")
                assert len(svgs) > 0, chart_id
                bars_or_lines = driver.find_elements(
                    "css selector", f"#{chart_id} .trace path, #{chart_id} .point path"
                )
                assert len(bars_or_lines) > 0, chart_id
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == []
            assert driver.title == "Two states and a mediator (test fixture)"
            driver.save_screenshot(str(report.with_suffix(".png")))
        finally:
            driver.quit()


def test_replay_command_gives_drops_and_adds_as_such() -> None:
    """A dropped or added list item (``-path``/``+path`` overrides) comes back as --drop and
    --add, and the command it gives parses to the same overrides."""
    from escalade.cli_common import parse_changes
    from escalade.scenario.load import load_scenario

    sc = load_scenario("april-2024")
    overrides = parse_changes(
        ["model.war_cost=2"], ["statements={by: CHN, kind: restraint, toward: ISR}"],
        ["statements.us_no_offensive"],
    )  # fmt: skip
    cmd = replay_command(sc, 1, 2, None, overrides)
    assert "--drop statements.us_no_offensive" in cmd and "--set model.war_cost=2" in cmd
    args = shlex.split(cmd)
    pick = {
        f: [args[i + 1] for i, a in enumerate(args) if a == f] for f in ("--set", "--add", "--drop")
    }
    assert parse_changes(pick["--set"], pick["--add"], pick["--drop"]) == overrides
