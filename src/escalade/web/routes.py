"""The JSON API: scenarios, jobs, experiments and paired comparisons (``/api/...``).

Everything the page does goes through these routes; ``/docs`` shows their OpenAPI schema.
A scenario is named by a built-in name or sent as YAML text (kept in the store's ``web/``
folder once a job uses it): no route reads a file outside the store, and no route runs SQL.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from escalade.budget import MAX_RUNS_IN_MEMORY, MAX_SEED
from escalade.ensemble import checked_scenario, experiment_scenario
from escalade.report.html import build_report
from escalade.scenario.levers import lever_overrides
from escalade.scenario.load import (
    MAX_FILE_BYTES,
    ScenarioError,
    builtin_names,
    load_scenario_text,
    scenario_text,
)
from escalade.simulation import check_policies, load_scenario
from escalade.store import Store, sha256_text
from escalade.web.jobs import Job, JobQueue, JobSpec, web_dir
from escalade.web.views import (
    VIEW_COLUMNS,
    NotFound,
    experiment_view,
    paired_comparison,
    problem_dict,
    public_manifest,
    results,
    run_story,
    scenario_info,
)

MAX_DAYS = 3650
"""Longest horizon a job may ask for (as ``--days`` on the command line)."""
ID = Annotated[str, PathParam(min_length=1, max_length=200)]


class ScenarioIn(BaseModel):
    """A scenario: a built-in ``scenario`` name, or YAML ``text`` (e.g. an uploaded file),
    with levers (``NAME`` or ``NAME=VALUE``) and field overrides (``path: value``)."""

    scenario: str | None = Field(default=None, max_length=200, examples=["april-2024"])
    text: str | None = Field(default=None, max_length=MAX_FILE_BYTES)
    name: str = Field(default="uploaded.yaml", max_length=200, description="The file's name")
    levers: list[Annotated[str, Field(max_length=500)]] = Field(default=[], max_length=50)
    sets: dict[str, Any] = Field(default={}, max_length=200)


class JobIn(ScenarioIn):
    runs: int = Field(default=1000, ge=1, le=MAX_RUNS_IN_MEMORY)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS)


class DriversIn(BaseModel):
    experiment: str = Field(min_length=1, max_length=200)
    runs: int | None = Field(default=None, ge=2, le=MAX_RUNS_IN_MEMORY)


class ValidateIn(BaseModel):
    text: str = Field(max_length=MAX_FILE_BYTES)
    name: str = Field(default="uploaded.yaml", max_length=200)


def store_of(request: Request) -> Store:
    return request.app.state.store


def jobs_of(request: Request) -> JobQueue:
    return request.app.state.jobs


StoreDep = Annotated[Store, Depends(store_of)]
JobsDep = Annotated[JobQueue, Depends(jobs_of)]


def resolve(st: Store, exp_id: str) -> str:
    """An experiment's id from an id, a unique prefix or ``latest`` (404 otherwise)."""
    from escalade.store import StoreError

    try:
        return st.resolve(exp_id)
    except StoreError as exc:
        raise NotFound(str(exc)) from None


def with_runs(st: Store, exp_id: str) -> tuple[str, dict[str, Any]]:
    """An experiment's id and manifest, once it has finished runs to show (else 400)."""
    found = resolve(st, exp_id)
    m = st.manifest(found)
    if not m["runs_done"]:
        raise ValueError(f"experiment {found} has no finished runs yet")
    return found, m


def builtin(name: str) -> str:
    if name not in builtin_names():
        raise NotFound(
            f"no built-in scenario '{name}' (built-ins: {', '.join(builtin_names())}); "
            "send a scenario of your own as text"
        )
    return name


def prepared(st: Store, spec: ScenarioIn) -> tuple[str, dict[str, Any]]:
    """The scenario to run (a built-in name, or the text saved in the store) and its
    overrides, once both validate (else a located :class:`ScenarioError`)."""
    if (spec.scenario is None) == (spec.text is None):
        raise ValueError("give either 'scenario' (a built-in name) or 'text' (YAML), not both")
    if spec.text is not None:
        check_policies(load_scenario_text(spec.text, spec.name))  # errors at the user's lines
        folder = web_dir(st) / "scenarios"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sha256_text(spec.text)[:16]}.yaml"
        if not path.exists():
            path.write_text(spec.text, encoding="utf-8")
        source = str(path)
    else:
        source = builtin(spec.scenario or "")
    overrides = lever_overrides(checked_scenario(source), spec.levers)
    overrides.update(spec.sets)
    if overrides:
        checked_scenario(source, overrides)
    return source, overrides


def job_view(jobs: JobQueue, job: Job) -> dict[str, Any]:
    """A job's state, with its results so far (estimates narrow as chunks finish)."""
    out: dict[str, Any] = {
        "id": job.id,
        "kind": job.spec.kind,
        "label": job.spec.label,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "queued_before": jobs.position(job),
        "experiment": job.experiment,
        "error": job.error,
        "created": job.created,
        "started": job.started,
        "finished": job.finished,
        "runs": job.spec.runs,
        "seed": job.spec.seed,
    }
    if job.spec.kind == "drivers":
        out["drivers"] = job.result
    elif job.experiment and job.done:
        out["results"] = _results_so_far(jobs.store, job)
    return out


def _results_so_far(st: Store, job: Job) -> dict[str, Any] | None:
    """The job's results over the chunks written so far (computed once per chunk: the store
    is read only when the job has counted a new chunk)."""
    assert job.experiment is not None and job.manifest is not None
    cached = job.result
    if isinstance(cached, tuple) and cached[0] >= job.done:
        return cached[1]
    m = job.manifest
    outcomes = st.outcomes(job.experiment, columns=VIEW_COLUMNS)
    found = results(outcomes, experiment_scenario(m), m) if outcomes.num_rows else None
    job.result = (outcomes.num_rows, found)
    return found


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.get("/scenarios", summary="The built-in scenarios, with their levers")
    def scenarios() -> list[dict[str, Any]]:
        return [scenario_info(load_scenario(name)) for name in builtin_names()]

    @router.get("/scenarios/{name}", summary="A built-in scenario's YAML text and levers")
    def scenario(name: ID) -> dict[str, Any]:
        sc = load_scenario(builtin(name))
        return {"name": name, "text": scenario_text(name), "scenario": scenario_info(sc)}

    @router.post(
        "/scenarios/validate",
        summary="Check a scenario's YAML: every problem with its line, column and field",
    )
    def validate(body: ValidateIn) -> dict[str, Any]:
        try:
            sc = load_scenario_text(body.text, body.name)
            check_policies(sc)
        except ScenarioError as exc:
            return {"ok": False, "problems": [problem_dict(p) for p in exc.problems]}
        return {"ok": True, "problems": [], "scenario": scenario_info(sc)}

    @router.post("/jobs", status_code=202, summary="Start an ensemble in the background")
    def start_job(body: JobIn, st: StoreDep, jobs: JobsDep) -> dict[str, Any]:
        source, overrides = prepared(st, body)
        label = body.scenario or body.name
        if body.levers:
            label += " + " + ", ".join(body.levers)
        spec = JobSpec("ensemble", source, overrides, body.runs, body.seed, body.days, label=label)
        return job_view(jobs, jobs.submit(spec))

    @router.post(
        "/drivers",
        status_code=202,
        summary="Measure what moves an experiment's answer: each lever's paired effect",
    )
    def start_drivers(body: DriversIn, st: StoreDep, jobs: JobsDep) -> dict[str, Any]:
        exp_id = resolve(st, body.experiment)
        sc = experiment_scenario(st.manifest(exp_id))
        if not sc.levers:
            raise ValueError(f"scenario '{sc.name}' declares no levers: no drivers to measure")
        spec = JobSpec("drivers", runs=body.runs or 0, experiment=exp_id, label=f"drivers {exp_id}")
        return job_view(jobs, jobs.submit(spec))

    @router.get("/jobs", summary="Every job the server remembers, oldest first")
    def list_jobs(jobs: JobsDep) -> list[dict[str, Any]]:
        return [{k: v for k, v in job_view(jobs, j).items() if k != "results"} for j in jobs.list()]

    @router.get("/jobs/{job_id}", summary="A job's progress and its results so far")
    def get_job(job_id: ID, jobs: JobsDep) -> dict[str, Any]:
        return job_view(jobs, _job(jobs, job_id))

    @router.post(
        "/jobs/{job_id}/cancel",
        summary="Stop a job; its experiment keeps its finished runs (escalade run --resume)",
    )
    def cancel_job(job_id: ID, jobs: JobsDep) -> dict[str, Any]:
        _job(jobs, job_id)
        return job_view(jobs, jobs.cancel(job_id))

    @router.get("/experiments", summary="The experiments in the store, oldest first")
    def experiments(st: StoreDep) -> list[dict[str, Any]]:
        return [public_manifest(m) for m in st.list()]

    @router.get(
        "/experiments/{exp_id}",
        summary="An experiment: headline, thresholds, survival curves, pathways, drivers",
    )
    def experiment(exp_id: ID, st: StoreDep) -> dict[str, Any]:
        return experiment_view(st, resolve(st, exp_id))

    @router.get(
        "/experiments/{exp_id}/outcomes.parquet",
        summary="Download an experiment's outcome rows (one Parquet file)",
        response_class=FileResponse,
    )
    def parquet(exp_id: ID, st: StoreDep) -> FileResponse:
        found, _ = with_runs(st, exp_id)
        folder = web_dir(st) / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(suffix=".parquet", dir=folder)
        path = Path(name)
        with open(handle, "wb") as out:
            writer: pq.ParquetWriter | None = None
            for chunk in st.iter_chunks(found):  # one at a time: memory stays bounded
                if writer is None:
                    writer = pq.ParquetWriter(out, chunk.schema)
                writer.write_table(chunk.cast(writer.schema))
            if writer is not None:
                writer.close()
        return FileResponse(
            path,
            media_type="application/vnd.apache.parquet",
            filename=f"{found}.parquet",
            background=BackgroundTask(lambda: path.unlink(missing_ok=True)),
        )

    @router.get(
        "/experiments/{exp_id}/report.html",
        summary="An experiment's HTML report (the same as escalade report)",
        response_class=HTMLResponse,
    )
    def report(exp_id: ID, st: StoreDep) -> HTMLResponse:
        found, m = with_runs(st, exp_id)
        html = build_report(st.outcomes(found), experiment_scenario(m), int(m["seed"]), m)
        return HTMLResponse(
            html, headers={"Content-Disposition": f'inline; filename="report-{found}.html"'}
        )

    @router.get(
        "/experiments/{exp_id}/runs/{run}",
        summary="One run replayed as a dated narrative timeline",
    )
    def run(
        exp_id: ID, run: Annotated[int, PathParam(ge=0, le=MAX_RUNS_IN_MEMORY)], st: StoreDep
    ) -> dict[str, Any]:
        return run_story(st, resolve(st, exp_id), run)

    @router.get(
        "/compare",
        summary="B − A of two experiments with the same seed and runs, paired run by run",
    )
    def compare(
        a: Annotated[str, Query(min_length=1, max_length=200)],
        b: Annotated[str, Query(min_length=1, max_length=200)],
        st: StoreDep,
    ) -> dict[str, Any]:
        return paired_comparison(st, resolve(st, a), resolve(st, b))

    return router


def _job(jobs: JobQueue, job_id: str) -> Job:
    try:
        return jobs.get(job_id)
    except KeyError as exc:
        raise NotFound(exc.args[0]) from None


__all__ = ["api_router", "prepared"]
