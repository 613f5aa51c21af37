"""The web app: the dashboard, the play room and their JSON API (``escalade serve``).

:func:`create_app` builds the FastAPI application over a store. The page's scripts and styles,
and plotly.js (from the ``plotly`` package), are served by the app itself: the page works with
no network. With a ``token``, every ``/api`` call must carry it (header ``Authorization:
Bearer T``, or ``?token=T`` on a link); the static files hold no data and need none.

>>> from escalade.web.app import create_app
>>> app = create_app("escalade-runs", warm=False)  # doctest: +SKIP
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from escalade.scenario.load import MAX_FILE_BYTES, ScenarioError
from escalade.store import Store, StoreError, StoreFault
from escalade.version import __version__
from escalade.web.games import games_router
from escalade.web.jobs import JobQueue, QueueFull
from escalade.web.routes import api_router
from escalade.web.views import NotFound, problem_dict

MAX_BODY_BYTES = 2 * MAX_FILE_BYTES
"""Largest request body accepted: a scenario at the loader's limit, JSON-escaped."""
STATIC = Path(str(resources.files("escalade.web") / "static"))

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, whether or not it says its size."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"the request body is over {self.limit:,} bytes, the limit"},
            status_code=413,
        )
        await response({"type": "http"}, _nothing, send)


class _TooLarge(Exception):
    pass


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """A non-loopback address is refused without a token (anyone on the network could run
    jobs and read the store)."""
    if not is_loopback(host) and not token:
        raise ValueError(
            f"--host {host} listens beyond this machine: give --token T (every API call must "
            "then carry it), or keep the default --host 127.0.0.1"
        )


def create_app(
    store: str | Path | Store | None = None,
    token: str | None = None,
    slots: int = 1,
    workers: int | None = None,
    warm: bool = True,
) -> FastAPI:
    """The web app over ``store`` (default: the command line's default store).

    ``slots`` jobs run at once, each on ``workers`` processes (default: the CPUs shared out);
    ``warm`` starts and warms the workers when the app starts."""
    st = store if isinstance(store, Store) else Store(store)
    jobs = JobQueue(st, slots=slots, workers=workers, warm=warm)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        try:
            yield
        finally:
            jobs.close()

    def require_token(request: Request) -> None:
        if token is None:
            return
        given = request.query_params.get("token") or ""
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                401,
                "this server needs its token: send 'Authorization: Bearer T', or open the "
                "page as /?token=T",
            )

    app = FastAPI(
        title="escalade",
        version=__version__,
        description="What-if ensembles of crisis escalation, and a play room, over the "
        "experiment store of the escalade command line.",
        lifespan=lifespan,
    )
    app.state.store = st
    app.state.jobs = jobs
    app.include_router(api_router(), dependencies=[Depends(require_token)])
    app.include_router(games_router(), dependencies=[Depends(require_token)])
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    _errors(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/play", include_in_schema=False)
    def play() -> FileResponse:
        return FileResponse(STATIC / "play.html")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(_plotly_path(), media_type="text/javascript")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg")

    return app


def _plotly_path() -> Path:
    """plotly.js as shipped inside the ``plotly`` Python package (no CDN)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def _errors(app: FastAPI) -> None:
    """A user's mistake is a 4xx with its message (located, for a scenario), never a 500."""

    def error(status: int, detail: str, **more: Any) -> JSONResponse:
        return JSONResponse({"detail": detail, **more}, status_code=status)

    async def scenario(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ScenarioError)
        problems = [problem_dict(p) for p in exc.problems]
        return error(422, "\n".join(p["text"] for p in problems), problems=problems)

    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        return error(404, str(exc.args[0]) if exc.args else "not found")

    async def fault(_: Request, exc: Exception) -> JSONResponse:
        return error(503, str(exc))

    async def bad(_: Request, exc: Exception) -> JSONResponse:
        return error(400, str(exc))

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        return error(429, str(exc))

    app.add_exception_handler(ScenarioError, scenario)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(StoreFault, fault)
    app.add_exception_handler(StoreError, bad)
    app.add_exception_handler(ValueError, bad)
    app.add_exception_handler(QueueFull, busy)


__all__ = ["MAX_BODY_BYTES", "check_binding", "create_app", "is_loopback"]
