"""``accord serve``: the web dashboard on this machine (loopback unless told otherwise)."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from accord.cli.common import app, fail
from accord.errors import InputError

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
SWITCH_INTERVAL_S = 0.001


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_in_use(host: str, port: int) -> bool:
    """Whether another program already listens on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    allow_remote: Annotated[
        bool,
        typer.Option(help="Allow a non-loopback --host: anyone who can reach it can run models."),
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Also accept requests whose Host header is NAME (repeatable); localhost names "
            "and --host are always accepted.",
            metavar="NAME",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="The only folder the dashboard writes to (default: user data folder)."),
    ] = None,
    control: Annotated[
        Path | None,
        typer.Option(
            "--control",
            help="A GeoJSON map of occupied territory to draw on the oblast map of every run.",
        ),
    ] = None,
) -> None:
    """Start the web dashboard: pick or upload a scenario, edit values, run, download results."""
    if not is_loopback(host):
        if not allow_remote:
            fail(
                InputError.single(
                    None,
                    f"--host {host} is not a loopback address",
                    path=("--host",),
                    hint="pass --allow-remote as well to listen beyond this machine",
                )
            )
        sys.stderr.write(
            f"warning: listening on {host}: anyone who can reach this port can use the dashboard "
            "(no authentication). Use only on a trusted network.\n"
        )
    if port_in_use(host, port):
        free = next(
            (p for p in range(port + 1, min(port + 50, 65536)) if not port_in_use(host, p)), None
        )
        fail(
            InputError.single(
                None,
                f"port {port} on {host} is already in use (by another server)",
                path=("--port",),
                hint=f"pass --port {free}" if free else "pass another --port",
            )
        )
    import uvicorn

    from accord.territory.geometry import control_area
    from accord.web.app import LOCAL_HOSTS, create_app

    try:
        drawn = None if control is None else control_area(control)
    except InputError as error:
        fail(error)

    hosts = (*LOCAL_HOSTS, host, *(allow_host or ()))

    # Runs compute in worker processes (accord.web.workers); the server's own threads only wait
    # on them and unpickle results, and a short GIL switch interval lets the event loop (health
    # checks, polls) in every millisecond while one does.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    sys.stderr.write(f"accord dashboard on http://{host}:{port}/ (Ctrl-C to stop)\n")
    uvicorn.run(
        create_app(data_dir=data_dir, control=drawn, allowed_hosts=hosts, warm_workers=True),
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=5,
        limit_concurrency=64,
    )
