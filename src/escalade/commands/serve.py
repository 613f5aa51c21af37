"""``escalade serve``: the web app (dashboard, play room, JSON API) on this machine.

Examples::

    escalade serve                          # http://127.0.0.1:8765
    escalade serve --port 9000 --store runs
    escalade serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
"""

from __future__ import annotations

from typing import Annotated

import typer

from escalade.cli_common import err, user_errors
from escalade.commands.experiments import DEFAULT_STORE_PATH, StoreOpt

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def serve_cmd(
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on (another than loopback needs --token)"),
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", "-p", help="Port", min=1, max=65535)] = (
        DEFAULT_PORT
    ),
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="ESCALADE_TOKEN",
            help="Secret every API call must carry (Authorization: Bearer T, or open /?token=T)",
        ),
    ] = None,
    store: StoreOpt = DEFAULT_STORE_PATH,
    jobs: Annotated[
        int, typer.Option("--jobs", help="Jobs run at once; the others wait in turn", min=1)
    ] = 1,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", help="Worker processes per job (default: the CPUs shared out)", min=1
        ),
    ] = None,
) -> None:
    """Serve the what-if dashboard, the play room and their JSON API (docs at /docs).

    Experiments started from the page land in --store, the same store as `escalade run`'s.
    """
    import uvicorn

    from escalade.web.app import check_binding, create_app

    with user_errors():
        check_binding(host, token)
        app = create_app(store, token=token, slots=jobs, workers=workers)
    shown = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"escalade serve: {shown} (store {store}; Ctrl-C stops)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
