"""The page in a real browser: Playwright for Python driving Debian's Chromium against a real
uvicorn server. Any console error fails the test; on a failure a screenshot is written under
tests/artifacts/. With ``ESCALADE_SCREENSHOTS=DIR`` the views are also photographed into DIR
(that is how docs/images/ is made: see docs/web.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.web.conftest import WAIT_S, Live

from escalade.scenario.load import load_scenario, scenario_text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
SHOTS = os.environ.get("ESCALADE_SCREENSHOTS")
TIMEOUT_MS = int(WAIT_S * 1000)
RUNS, DAYS = (1000, None) if SHOTS else (300, 4)
"""The dashboard's ensemble: small and short in the suite, the scenario's whole horizon for
the docs' pictures."""

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium is not installed (make test installs it: scripts/ensure-browser.sh)",
    ),
    pytest.mark.xdist_group("web-browser"),  # under xdist, in one worker: one server, one browser
]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@contextmanager
def watched(browser: object, name: str) -> Iterator[object]:
    """A page whose console errors fail the test, photographed into tests/artifacts/ if the
    test fails."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
        assert not errors, f"console errors: {errors}"
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        page.close()


def shoot(page: object, name: str, selector: str | None = None) -> None:
    """A screenshot for the docs, when ESCALADE_SCREENSHOTS names a folder."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    target = page.locator(selector) if selector else page  # type: ignore[attr-defined]
    target.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_the_dashboard_runs_compares_and_tells_a_run(live: Live, browser: object) -> None:
    with watched(browser, "dashboard") as page:
        page.goto(live.url)
        editor = page.locator("#editor")
        page.wait_for_function("document.querySelector('#editor').value.includes('horizon_days')")
        text = scenario_text("april-2024")
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("horizon_days:"))
        lines[at] = "horizon_days: many"
        editor.fill("\n".join(lines))
        problem = page.locator("ul.problems li").first
        problem.wait_for()
        assert "horizon_days" in problem.inner_text()
        assert f"line {at + 1}," in problem.inner_text()
        assert page.locator("#gutter span.bad").get_attribute("data-line") == str(at + 1)
        assert page.locator("#run").is_disabled()
        problem.click()  # selects the line in the editor
        selected = page.evaluate(
            "(() => { const t = document.querySelector('#editor');"
            " return t.value.slice(t.selectionStart, t.selectionEnd); })()"
        )
        assert selected == "horizon_days: many"
        shoot(page, "editor-error", "#scenario-panel")
        editor.fill(text)
        page.locator("p.ok").wait_for()

        page.fill("#runs", str(RUNS))
        page.fill("#days", str(DAYS or ""))
        page.locator("#levers input[value=gaza_ceasefire]").check()
        shoot(page, "levers", "#run-panel")
        page.click("#run")
        page.wait_for_function(
            "document.querySelector('#progress-text').textContent.startsWith('complete')"
        )
        headline = page.locator("#headline").inner_text()
        days = DAYS or load_scenario("april-2024").horizon_days
        assert headline.startswith(f"Within {days} days of the trigger (april-2024, {RUNS:,} runs)")
        page.locator("#survival .main-svg").first.wait_for()  # plotly drew the chart
        assert page.locator("#pathways tbody tr").count() > 0
        assert page.locator("#download-parquet").get_attribute("href", timeout=1000)
        page.click("#drivers")
        page.locator("#drivers-table tbody tr").first.wait_for()
        levers = page.locator("#drivers-table tbody td:first-child").all_inner_texts()
        assert sorted(levers) == sorted(load_scenario("april-2024").levers)
        shoot(page, "results", "#results-panel")

        page.click("#runs-to-read button >> nth=0")
        page.locator("#timeline li").first.wait_for()
        assert "Day 0" in page.locator("#timeline li").first.inner_text()
        shoot(page, "narrative", "#narrative-panel")

        page.locator("#levers-b input[value=no_us_restraint]").check()
        page.click("#compare")
        page.locator("#compare-table tbody tr").first.wait_for()
        labels = page.locator("#compare-table tbody tr td:first-child").all_inner_texts()
        assert any("war" in label for label in labels)
        assert "no_us_restraint" in page.locator("#compare-b").inner_text()
        shoot(page, "compare", "#compare-panel")


def test_the_play_room_plays_three_decisions_and_resumes(live: Live, browser: object) -> None:
    with watched(browser, "play") as page:
        page.goto(f"{live.url}/play")
        page.locator("#players input[value=IRN]").wait_for()
        page.select_option("#scenario", "april-2024")
        page.fill("#seed", "1")
        page.click("#start")
        for made in range(1, 4):
            page.locator("#options button").first.wait_for()
            assert page.locator("dl.knows dt").count() > 0  # what the actor knows
            assert "model:" in page.locator("#options li").first.inner_text()  # its advice
            if made == 1:
                shoot(page, "play", "#game")
            page.locator("#options button").first.click()  # wait: asked again the next day
            page.wait_for_function(
                f"document.querySelector('#links').textContent.includes('{made} decision(s)')"
            )
        url = page.url
        page.goto(url)  # resume: the game was saved in the store
        page.wait_for_function(
            "document.querySelector('#links').textContent.includes('3 decision(s)')"
        )
        assert page.locator("#export").get_attribute("href")
        assert page.locator("#story li").count() > 0


def test_the_play_room_sends_a_notice_through_the_channel_chosen(
    live: Live, browser: object
) -> None:
    """Seed 1, day 0: the telegraphed large salvo has a channel control; choosing Qatar and
    the option sends its notice there (the story says so)."""
    with watched(browser, "play-channel") as page:
        page.goto(f"{live.url}/play")
        page.locator("#players input[value=IRN]").wait_for()
        page.select_option("#scenario", "april-2024")
        page.fill("#seed", "1")
        page.click("#start")
        page.locator("#options button").first.wait_for()
        salvo = page.locator("#options li", has_text="large salvo").filter(has_text="telegraphed")
        control = salvo.locator("select.route")
        assert control.locator("option").count() == 1 + 5  # the fastest, then five channels
        control.select_option("irn_usa_via_qat")
        salvo.locator("button").click()
        page.wait_for_function(
            "document.querySelector('#story').textContent.includes('signals through Qatar')"
        )
