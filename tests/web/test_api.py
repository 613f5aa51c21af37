"""The JSON API over a real store and real worker processes: what the page does, through it.

Every job here is small (a built-in scenario over its first days, a few hundred runs) so the
module runs in well under a minute; the numbers checked are the library's own, recomputed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import SMALL, finish, run_job

from escalade.analysis.compare import compare
from escalade.analysis.stats import summary
from escalade.api import replay, simulate
from escalade.ensemble import run_experiment
from escalade.narrative import narrative
from escalade.scenario.load import load_scenario, scenario_text
from escalade.store import Store
from escalade.web.app import MAX_BODY_BYTES, check_binding, create_app, is_loopback

# under xdist, in one worker: the app and its two worker processes start once (`client`)
pytestmark = pytest.mark.xdist_group("web-api")


def test_the_built_ins_are_listed_with_their_levers(client: TestClient) -> None:
    listed = client.get("/api/scenarios").json()
    names = [s["name"] for s in listed]
    assert "april-2024" in names
    april = listed[names.index("april-2024")]
    declared = load_scenario("april-2024").levers
    assert [lever["name"] for lever in april["levers"]] == list(declared)
    assert client.get("/api/scenarios/april-2024").json()["text"] == scenario_text("april-2024")


def test_validation_locates_each_problem_on_its_line(client: TestClient) -> None:
    lines = scenario_text("april-2024").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("horizon_days:"))
    lines[at] = "horizon_days: many"
    got = client.post("/api/scenarios/validate", json={"text": "\n".join(lines)}).json()
    assert got["ok"] is False
    [problem] = got["problems"]
    assert (problem["line"], problem["path"]) == (at + 1, "horizon_days")
    assert problem["text"].startswith(f"uploaded.yaml:{at + 1}:")


def test_a_valid_text_comes_back_with_its_levers(client: TestClient) -> None:
    got = client.post(
        "/api/scenarios/validate", json={"text": scenario_text("april-2024"), "name": "a.yaml"}
    ).json()
    assert got["ok"] is True
    assert got["scenario"]["name"] == "april-2024"


def test_a_yaml_bomb_is_refused_with_a_located_message(client: TestClient) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\n"
        for p, k in zip("abcdef", "bcdefg", strict=True)
    )
    got = client.post("/api/scenarios/validate", json={"text": bomb}).json()
    assert got["ok"] is False
    assert "aliases" in got["problems"][0]["message"]
    r = client.post("/api/jobs", json={"text": bomb, "runs": 10})
    assert r.status_code == 422
    assert "aliases" in r.json()["detail"]


def test_an_oversize_upload_is_refused_before_it_is_read(client: TestClient) -> None:
    r = client.post(
        "/api/scenarios/validate",
        content=b'{"text": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]


def test_a_job_lands_in_the_command_lines_store_with_the_same_runs(
    client: TestClient, store_dir: Path
) -> None:
    seen: list[dict] = []
    r = client.post("/api/jobs", json={**SMALL, "runs": 400})
    job = finish(client, r.json(), seen)
    assert job["status"] == "complete", job["error"]
    assert job["done"] == job["total"] == 400
    stored = Store(store_dir).manifest(job["experiment"])  # the store `escalade run` uses
    assert (stored["status"], stored["runs"], stored["seed"]) == ("complete", 400, 3)
    direct = simulate("april-2024", runs=400, seed=3, days=4).outcomes
    assert Store(store_dir).outcomes(job["experiment"]).equals(direct)  # reproducible
    expected = summary(direct, top=len(load_scenario("april-2024").ladder) - 1)
    assert job["results"]["thresholds"] == expected["thresholds"]
    assert job["results"]["headline"].startswith("Within 4 days of the trigger (april-2024, 400")
    partial = [s["results"]["runs"] for s in seen if s.get("results")]
    assert partial == sorted(partial)  # estimates only grow in runs


def test_a_lever_applies_the_overrides_it_declares(client: TestClient, store_dir: Path) -> None:
    job = run_job(client, runs=50, levers=["no_us_restraint"])
    lever = load_scenario("april-2024").levers["no_us_restraint"]
    assert Store(store_dir).manifest(job["experiment"])["overrides"] == lever.overrides()


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"scenario": "april-2024", "levers": ["us_restrain"]}, 400, "did you mean"),
        ({"scenario": "apirl-2024"}, 404, "no built-in scenario 'apirl-2024'"),
        ({"scenario": "../../etc/passwd"}, 404, "no built-in scenario"),
        ({"runs": 5}, 400, "give either 'scenario'"),
        ({"scenario": "april-2024", "text": "name: x"}, 400, "not both"),
        ({"text": "name: [", "runs": 5}, 422, "YAML syntax error"),
        ({"scenario": "april-2024", "sets": {"horizon_days": "soon"}}, 422, "horizon_days"),
        ({"scenario": "april-2024", "runs": 0}, 422, "greater than or equal to 1"),
    ],
)
def test_a_bad_job_is_a_4xx_that_says_why(
    client: TestClient, body: dict, status: int, says: str
) -> None:
    r = client.post("/api/jobs", json=body)
    assert r.status_code == status, r.text
    assert says in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs/job-999999",
        "/api/experiments/no-such-experiment",
        "/api/experiments/no-such-experiment/report.html",
        "/api/experiments/no-such-experiment/outcomes.parquet",
        "/api/experiments/no-such-experiment/runs/0",
        "/api/scenarios/no-such-scenario",
        "/api/compare?a=no-such&b=experiment",
    ],
)
def test_an_unknown_id_is_a_404_with_a_message(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "no " in r.json()["detail"]


def test_a_cancelled_job_leaves_a_resumable_experiment(client: TestClient, store_dir: Path) -> None:
    # 9 chunks (20 runs, 40, ... 640, then 1,000-run ones): cancelled once the first lands,
    # the job stops when the next one lands, far from the end
    r = client.post("/api/jobs", json={**SMALL, "runs": 4000})
    job = r.json()
    deadline = time.monotonic() + 300
    while (job := client.get(f"/api/jobs/{job['id']}").json())["done"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    client.post(f"/api/jobs/{job['id']}/cancel")
    job = finish(client, job)
    assert job["status"] == "cancelled"
    st = Store(store_dir)
    m = st.manifest(job["experiment"])
    assert m["status"] == "interrupted"
    assert 0 < m["runs_done"] < 4000
    exp = run_experiment(resume=job["experiment"], store=st, workers=1)  # escalade run --resume
    assert exp.manifest["status"] == "complete"
    assert exp.outcomes().equals(simulate("april-2024", runs=4000, seed=3, days=4).outcomes)


def test_a_queued_job_cancelled_never_starts(client: TestClient) -> None:
    first = client.post("/api/jobs", json={**SMALL, "runs": 300}).json()
    second = client.post("/api/jobs", json={**SMALL, "runs": 300}).json()
    got = client.post(f"/api/jobs/{second['id']}/cancel").json()
    assert got["status"] == "cancelled"
    assert finish(client, first)["status"] == "complete"
    assert client.get(f"/api/jobs/{second['id']}").json()["experiment"] is None


def test_two_lever_settings_compare_run_by_run(client: TestClient, store_dir: Path) -> None:
    a = run_job(client, runs=300)
    b = run_job(client, runs=300, levers=["no_us_restraint"])
    got = client.get(f"/api/compare?a={a['experiment']}&b={b['experiment']}").json()
    st = Store(store_dir)
    watch = load_scenario("april-2024").model.combat_watch
    expected = compare(st.outcomes(a["experiment"]), st.outcomes(b["experiment"]), watch=watch)
    assert [d["label"] for d in got["differences"]] == [d.label for d in expected]
    assert [d["diff"] for d in got["differences"]] == pytest.approx([d.diff for d in expected])
    other = run_job(client, runs=300, seed=4)
    r = client.get(f"/api/compare?a={a['experiment']}&b={other['experiment']}")
    assert r.status_code == 400
    assert "same seed" in r.json()["detail"]


def test_drivers_measure_each_lever_and_stay_with_the_experiment(client: TestClient) -> None:
    exp = run_job(client, runs=60, days=4)
    r = client.post("/api/drivers", json={"experiment": exp["experiment"], "runs": 30})
    job = finish(client, r.json())
    assert job["status"] == "complete", job["error"]
    levers = list(load_scenario("april-2024").levers)
    assert sorted(d["lever"] for d in job["drivers"]) == sorted(levers)
    assert job["done"] == job["total"] == 30 * (len(levers) + 1)
    view = client.get(f"/api/experiments/{exp['experiment']}").json()
    assert view["drivers"] == job["drivers"]


def test_a_run_is_told_as_the_replay_tells_it(client: TestClient) -> None:
    exp = run_job(client, runs=30)
    story = client.get(f"/api/experiments/{exp['experiment']}/runs/7").json()
    ens = replay(load_scenario("april-2024"), seed=3, run=7, days=4)
    assert ens.events is not None
    assert [e["text"] for e in story["events"]] == narrative(ens.events, ens.scenario)
    assert client.get(f"/api/experiments/{exp['experiment']}/runs/30").status_code == 404


def test_the_downloads_hold_the_experiments_runs(client: TestClient, store_dir: Path) -> None:
    exp = run_job(client, runs=120)
    r = client.get(f"/api/experiments/{exp['experiment']}/outcomes.parquet")
    assert r.status_code == 200
    table = pq.read_table(pa.BufferReader(r.content))
    assert table.equals(Store(store_dir).outcomes(exp["experiment"]))
    html = client.get(f"/api/experiments/{exp['experiment']}/report.html")
    assert html.status_code == 200
    assert exp["experiment"] in html.text and "<script" in html.text
    assert not list((store_dir / "web" / "tmp").glob("*.parquet"))  # removed once sent


def test_the_page_and_its_scripts_are_served_by_the_app(client: TestClient) -> None:
    page = client.get("/").text
    for src in ("/vendor/plotly.min.js", "/static/common.js", "/static/dashboard.js"):
        assert src in page
        assert client.get(src).status_code == 200
    assert "http://" not in page and "https://" not in page  # nothing from the network


def test_with_a_token_every_api_call_needs_it(store_dir: Path) -> None:
    with TestClient(create_app(store_dir, token="s3cret", warm=False)) as c:
        assert c.get("/api/scenarios").status_code == 401
        assert c.get("/api/scenarios", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            c.get("/api/scenarios", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        )
        assert c.get("/api/experiments?token=s3cret").status_code == 200
        assert c.get("/").status_code == 200  # the page itself holds no data


def test_listening_beyond_loopback_needs_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    with pytest.raises(ValueError, match="--token"):
        check_binding("0.0.0.0", None)
    check_binding("0.0.0.0", "T")
    check_binding("127.0.0.1", None)
