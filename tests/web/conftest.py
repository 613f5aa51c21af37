"""Shared fixtures of the web tests: one app over a real store in a temporary folder, with
real worker processes, started once per module (starting workers costs seconds)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from escalade.web.app import create_app

SMALL = {"scenario": "april-2024", "days": 4, "seed": 3}
"""A job that is quick to run: a built-in scenario over its first 4 days."""
WAIT_S = 300.0
"""Longest a test waits for a job (the machine may be busy; a job normally takes seconds)."""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    """The app over ``store_dir`` with two worker processes, started and stopped with it."""
    with TestClient(create_app(store_dir, workers=2)) as c:
        yield c


def finish(
    client: TestClient, job: dict[str, Any], seen: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Poll a job until it ends; every state seen is appended to ``seen``."""
    deadline = time.monotonic() + WAIT_S
    while True:
        job = client.get(f"/api/jobs/{job['id']}").json()
        if seen is not None:
            seen.append(job)
        if job["status"] not in ("queued", "running"):
            return job
        assert time.monotonic() < deadline, f"job {job['id']} still {job['status']}"
        time.sleep(0.05)


def run_job(client: TestClient, **body: Any) -> dict[str, Any]:
    """Start a job (a small one by default) and wait for its end."""
    r = client.post("/api/jobs", json={**SMALL, **body})
    assert r.status_code == 202, r.text
    return finish(client, r.json())


@dataclass(frozen=True)
class Live:
    """A real uvicorn server on 127.0.0.1 (an ephemeral port), in a thread of this process."""

    url: str
    app: FastAPI
    store: Path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    store = tmp_path_factory.mktemp("live-store")
    app = create_app(store, workers=2)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{sock.getsockname()[1]}", app, store)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
