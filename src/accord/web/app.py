"""The dashboard: a FastAPI app with a JSON API under ``/api`` and one plain HTML page.

Everything it computes goes through the library (:func:`accord.report.context.build`,
:mod:`accord.report.sections`, :func:`accord.report.html.report_html`); the app only checks
input, runs jobs in worker processes and serves results. Safety rules:

* built-in scenarios are looked up by id in the package, never by a path from the client;
* an upload is never written to disk; it has a size limit, an allowed-suffix list and a
  file-name check;
* every request body is capped (:data:`MAX_REQUEST_BYTES`), every run has a deadline and a cap on
  draws, and runs can be cancelled;
* uploads are parsed in a worker process with a time and memory bound, off the event loop
  (:mod:`accord.web.parsing`);
* run requests are checked and capped before they are queued (models deduplicated, lists
  bounded), each client may have a few runs queued or running and the server a bounded number
  in all (429 beyond), and light runs have a worker of their own;
* runs are computed in worker processes at a lower CPU priority (:mod:`accord.web.workers`),
  which also encode each result page, so the server's event loop is never held up by them;
* built-in scenarios are read once; ``/api/health`` does no work (no lock, file or queue) and
  runs on the event loop;
* only requests whose ``Host`` header names this machine (localhost names and the bound
  address, plus ``accord serve --allow-host``) are served, so DNS rebinding cannot reach it;
* plotly.js comes from the installed plotly package; ``/docs`` is a plain page generated from
  the OpenAPI schema (``/openapi.json``), so nothing loads from a CDN.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import threading
import typing
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from pathlib import Path
from typing import Any, Literal

import platformdirs
import yaml
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, FiniteFloat
from starlette.concurrency import run_in_threadpool

from accord import __version__
from accord.analysis import whatif
from accord.errors import ErrorDetail, InputError
from accord.models.base import default_models, get_model, registry
from accord.report import context as report_context
from accord.report.html import plotly_js, report_html
from accord.report.terminal import forecast_csv
from accord.scenario.compile import as_of
from accord.scenario.load import DEFAULT_SCENARIO, builtin_files, builtin_ids, load, parse
from accord.scenario.schema import Number, Scenario
from accord.territory.geometry import ControlArea
from accord.web.parsing import PARSE_MEMORY_BYTES, PARSE_TIMEOUT_S, UploadParser
from accord.web.runs import MAX_ACTIVE, PER_CLIENT, Busy, Run, Runner, problem_json
from accord.web.track import MAX_TRACK_DRAWS, TRACK_DRAWS, TrackCache
from accord.web.workers import (
    LIGHT_WORKER_NICE,
    WORKER_NICE,
    Workers,
    build_run,
    result_json,
)

STATIC = Path(__file__).parent / "static"
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_REQUEST_BYTES = 2 * 1024 * 1024
MAX_DRAWS = 5000
MAX_MODELS = 32
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
RUN_DEADLINE_S = 120.0
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
EDITS = "edits"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.()\-]{0,120}$")
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _BodyTooLarge(Exception):
    pass


class LimitBody:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413.

    Checks ``Content-Length`` up front and counts streamed bytes for chunked bodies.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _BodyTooLarge:
            if not started:
                await _too_large(send, self.limit)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port, lower case (``[::1]:80`` -> ``::1``)."""
    text = header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


class AllowHosts:
    """ASGI middleware: answer 400 unless the ``Host`` header names an allowed host.

    A page on another site can make the browser send requests to a loopback port under its own
    name (DNS rebinding); the ``Host`` header still carries that name, so checking it keeps
    such requests out.
    """

    def __init__(self, app: ASGIApp, hosts: Collection[str]) -> None:
        self.app = app
        self.hosts = {host_name(host) for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on if its host is allowed."""
        if scope["type"] == "http":
            header = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if host_name(header) not in self.hosts:
                body = json.dumps(
                    {
                        "errors": [
                            {
                                "field": "Host",
                                "message": f"host {header[:100]!r} is not allowed",
                                "hint": "open the dashboard as http://localhost:PORT/, or "
                                "start it with accord serve --allow-host NAME",
                            }
                        ],
                        "message": "host not allowed",
                    }
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "errors": [
                {
                    "field": "body",
                    "message": f"request is over the {limit:,}-byte limit",
                    "hint": "send a smaller file or fewer edits",
                }
            ]
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RangeEdit(BaseModel):
    """An edited range: ``low`` to ``high``, with an optional most likely value ``mode``."""

    model_config = ConfigDict(extra="forbid")

    low: FiniteFloat
    mode: FiniteFloat | None = None
    high: FiniteFloat


Edits = dict[str, FiniteFloat | RangeEdit]
EDITS_HELP = (
    "Changed values by path: ACTOR.capability, ACTOR.position.ISSUE, ACTOR.salience.ISSUE, "
    "ACTOR.red_line.ISSUE (in the issue's unit or on the salience scale), or issue.ISSUE."
    "status_quo; a number, or a range {low, mode, high} (mode optional)."
)


class RunRequest(BaseModel):
    """What to run: a scenario (built-in id or a full scenario object), date, models, edits."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = Field(
        default=DEFAULT_SCENARIO,
        description="A built-in id, or a scenario object from /api/upload.",
    )
    as_of: dt.date | None = Field(default=None, description="Evaluation date (YYYY-MM-DD).")
    models: list[str] | None = Field(
        default=None, description="Model names; default: all.", max_length=MAX_MODELS
    )
    draws: int = Field(
        default=1, ge=1, le=MAX_DRAWS, description="Sampled draws; 1 = point values."
    )
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    edits: Edits = Field(default_factory=dict, description=EDITS_HELP, max_length=2000)
    analyses: list[
        Literal[
            "timeline",
            "sensitivity",
            "robustness",
            "levers",
            "war",
            "deals",
            "ratification",
            "talks",
            "track",
        ]
    ] = Field(default_factory=list, description="Extra analyses to run (slower).", max_length=16)
    options: dict[str, dict[str, str | int | float | bool | None]] = Field(
        default_factory=dict,
        description='Model parameters by model name, e.g. {"eum": {"variant": "paper"}} '
        "(see GET /api/models for each model's parameters and choices).",
        max_length=50,
    )


class TrackRequest(BaseModel):
    """A scenario whose events' track record to show, and the replay's draws and seed."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = DEFAULT_SCENARIO
    draws: int = Field(default=TRACK_DRAWS, ge=1, le=MAX_TRACK_DRAWS)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class ViewRequest(BaseModel):
    """A scenario and a date, to list its values as of that date."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any] = DEFAULT_SCENARIO
    as_of: dt.date | None = None


class ExportRequest(ViewRequest):
    """A scenario, a date and edits, to save the edited scenario as a file."""

    edits: Edits = Field(default_factory=dict, description=EDITS_HELP, max_length=2000)


def model_parameters(cls: type) -> list[dict[str, Any]]:
    """A model's parameters: name, default, type and (for ``Literal`` types) the choices.

    Read from the model's dataclass fields, so a new parameter shows up with no code here.
    """
    hints = typing.get_type_hints(cls)
    found = []
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        hint = hints.get(item.name, Any)
        choices = list(typing.get_args(hint)) if typing.get_origin(hint) is Literal else None
        default = item.default if item.default is not dataclasses.MISSING else None
        found.append(
            {
                "name": item.name,
                "default": default if isinstance(default, str | int | float | bool) else None,
                "type": "choice" if choices else getattr(hint, "__name__", str(hint)),
                "choices": choices,
            }
        )
    return found


def model_with_options(name: str, options: dict[str, Any]) -> Any:
    """The model ``name`` with ``options`` as parameters, checked as ``-m NAME:KEY=VALUE`` is.

    The errors are the command line's (a bad choice lists the allowed values), with the field
    ``options.NAME.KEY``.
    """
    try:
        return get_model(name, **options)
    except InputError as error:
        raise InputError(
            error.file,
            [
                dataclasses.replace(
                    problem,
                    path=("options", *problem.path[1:])
                    if problem.path[:1] == ("model",)
                    else problem.path,
                )
                for problem in error.problems
            ],
        ) from None


def _errors(status: int, error: InputError, *, file: str | None = None) -> JSONResponse:
    items = []
    for index in range(len(error.problems)):
        item = problem_json(error, index)
        if file is not None:
            item["file"] = file
        items.append(item)
    shown = InputError(file, error.problems) if file is not None else error
    return JSONResponse({"errors": items, "message": shown.render(limit=1)}, status_code=status)


def _message(status: int, field: str, message: str, hint: str | None = None) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": field, "message": message, "hint": hint}], "message": message},
        status_code=status,
    )


class Builtins:
    """The built-in scenarios, each read and checked once (they are immutable)."""

    def __init__(self) -> None:
        self.files = builtin_files()
        self._loaded: dict[str, Scenario | InputError] = {}
        self._lock = threading.Lock()

    def get(self, identifier: str) -> Scenario:
        """The built-in scenario ``identifier``; :class:`InputError` if there is none."""
        if identifier not in self.files:
            raise InputError.single(
                None,
                f"no built-in scenario {identifier!r}",
                path=("scenario",),
                hint=f"use one of: {', '.join(builtin_ids())}, or upload a file",
            )
        with self._lock:
            if identifier not in self._loaded:
                try:
                    self._loaded[identifier] = load(self.files[identifier])
                except InputError as error:
                    self._loaded[identifier] = error
            found = self._loaded[identifier]
        if isinstance(found, InputError):
            raise found
        return found


_BUILTINS = Builtins()


def scenario_from(reference: str | dict[str, Any], builtins: Builtins = _BUILTINS) -> Scenario:
    """A built-in id (looked up in the package, read once) or a scenario object, checked."""
    if isinstance(reference, dict):
        return parse(reference, "scenario")
    return builtins.get(reference)


def edit_changes(edits: Edits) -> list[whatif.Change]:
    """The dashboard's edited cells as what-if changes (analyst's estimates).

    A number or a range, checked as ``--set PATH=VALUE`` is (a range with low above high is
    refused with the command line's message, field ``edits.PATH``).
    """
    changes = []
    for path, value in sorted(edits.items()):
        raw = value if isinstance(value, float | int) else value.model_dump(exclude_none=True)
        number = whatif.to_number(raw, EDITS, ("edits", path)).model_copy(
            update={"estimate": True, "note": "edited in the dashboard"}
        )
        changes.append(whatif.Change(path, number, EDITS))
    return changes


def edits_json(edits: Edits) -> dict[str, Any]:
    """The edits as sent, for the run's JSON: a number or ``{low, mode, high}`` by path."""
    return {
        path: value if isinstance(value, float | int) else value.model_dump(exclude_none=True)
        for path, value in sorted(edits.items())
    }


def check_edits(scenario: Scenario, changes: list[whatif.Change], date: dt.date | None) -> None:
    """Raise :class:`InputError` with fields ``edits.PATH`` for edits that do not fit."""
    try:
        whatif.apply(whatif.current(scenario, date), changes)
    except InputError as error:
        problems = [
            ErrorDetail(
                p.message,
                ("edits", str(p.path[1]))
                if p.path[:1] == ("changes",) and len(p.path) > 1
                else p.path,
                p.value,
                p.hint,
            )
            for p in error.problems
        ]
        raise InputError(EDITS, problems) from None


def scenario_view(scenario: Scenario, date: dt.date | None) -> dict[str, Any]:
    """Point values as of ``date``, for the dashboard's table."""
    current = as_of(scenario, date)
    return {
        "id": scenario.id,
        "title": scenario.title,
        "as_of": current.as_of.isoformat() if current.as_of else None,
        "base_date": scenario.base_date.isoformat() if scenario.base_date else None,
        "update_dates": sorted({u.date.isoformat() for u in scenario.updates}),
        "salience_scale": {"min": scenario.salience_scale.min, "max": scenario.salience_scale.max},
        "issues": [
            {"id": i.id, "name": i.name, "unit": i.unit, "min": i.min, "max": i.max}
            for i in current.issues
        ],
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "capability": a.capability.point,
                "positions": {k: v.point for k, v in a.positions.items()},
                "ranges": {k: _range(v) for k, v in a.positions.items() if v.is_ranged},
                "red_lines": {k: v.point for k, v in a.red_line.items()},
                "salience": {k: v.point for k, v in a.salience.items()},
            }
            for a in current.actors
        ],
    }


def _range(number: Number) -> dict[str, float | None]:
    """A ranged number as the editor shows it: low, mode (``None`` for uniform), high."""
    assert number.low is not None and number.high is not None
    return {"low": number.low, "mode": number.mode, "high": number.high}


def upload_response(name: str, loaded: Scenario) -> JSONResponse:
    """The answer to an upload that loaded: the file name, the scenario and its table."""
    return JSONResponse(
        {
            "file": name,
            "scenario": loaded.model_dump(mode="json"),
            "view": scenario_view(loaded, None),
        }
    )


def _docs_page(schema: dict[str, Any]) -> str:
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            parameters = ", ".join(p["name"] for p in operation.get("parameters", []))
            body = operation.get("requestBody", {}).get("content", {})
            rows.append(
                f"<tr><td><code>{html.escape(method.upper())}</code></td>"
                f"<td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(operation.get('summary', ''))}</td>"
                f"<td>{html.escape(parameters)}</td>"
                f"<td>{html.escape(', '.join(body))}</td></tr>"
            )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>accord API</title>"
        "<link rel='stylesheet' href='/static/app.css'></head><body><main>"
        f"<h1>accord API {html.escape(__version__)}</h1><p>The full schema is at "
        "<a href='/openapi.json'>/openapi.json</a> (OpenAPI 3; load it into any OpenAPI viewer). "
        "This page lists the endpoints without loading anything from the network.</p>"
        "<table class='forecast'><thead><tr><th>Method</th><th>Path</th><th>What</th>"
        "<th>Parameters</th><th>Body</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></main></body></html>"
    )


def create_app(
    *,
    data_dir: Path | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    max_request_bytes: int = MAX_REQUEST_BYTES,
    run_deadline_s: float = RUN_DEADLINE_S,
    max_draws: int = MAX_DRAWS,
    control: ControlArea | None = None,
    allowed_hosts: Collection[str] = LOCAL_HOSTS,
    runs_per_client: int = PER_CLIENT,
    max_active_runs: int = MAX_ACTIVE,
    parse_timeout_s: float = PARSE_TIMEOUT_S,
    parse_memory_bytes: int = PARSE_MEMORY_BYTES,
    worker_nice: int = WORKER_NICE,
    light_worker_nice: int = LIGHT_WORKER_NICE,
    warm_workers: bool = False,
) -> FastAPI:
    """Build the dashboard app.

    Parameters
    ----------
    data_dir
        The app's own folder (kept for callers; uploads are no longer written to it).
    max_upload_bytes, max_request_bytes
        Limits on an uploaded file and on any request body.
    run_deadline_s
        A run still going after this many seconds is stopped.
    max_draws
        Most draws a run may ask for.
    control
        A measured map of occupied territory (``accord serve --control FILE``) that every run
        draws on its oblast map, with the front line.
    allowed_hosts
        Names the ``Host`` header may carry (default: localhost names); ``accord serve`` adds
        the address it listens on and each ``--allow-host``.
    runs_per_client, max_active_runs
        Runs queued or running, per client address and in all.
    parse_timeout_s, parse_memory_bytes
        Bounds on reading one upload.
    worker_nice, light_worker_nice
        How much the worker processes of heavy and of light runs lower their CPU priority below
        the server's.
    warm_workers
        Start the worker processes with the app (``accord serve`` does), in a background thread,
        instead of on the first run.
    """
    folder = Path(data_dir) if data_dir else Path(platformdirs.user_data_dir("accord")) / "web"
    runner = Runner(
        deadline_s=run_deadline_s, per_client=runs_per_client, max_active=max_active_runs
    )
    parser = UploadParser(parse_timeout_s, parse_memory_bytes)
    workers = Workers(nice=worker_nice)
    light_workers = Workers(nice=light_worker_nice)

    def warm() -> None:
        light_workers.warm(runner.light_workers)
        workers.warm(runner.workers)

    builtins = Builtins()
    tracks = TrackCache()
    app = FastAPI(
        title="accord",
        version=__version__,
        description="Forecast multi-party negotiations: scenarios, models, runs and reports.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.runner = runner
    app.state.data_dir = folder
    app.state.parser = parser
    app.state.tracks = tracks
    app.state.workers = workers
    app.state.light_workers = light_workers
    app.router.add_event_handler("startup", runner.reopen)
    for pool in (workers, light_workers):
        app.router.add_event_handler("startup", pool.reopen)
        app.router.add_event_handler("shutdown", pool.close)
    if warm_workers:
        app.router.add_event_handler(
            "startup",
            lambda: threading.Thread(target=warm, name="accord-warm", daemon=True).start(),
        )
    app.router.add_event_handler("shutdown", runner.shutdown)
    app.router.add_event_handler("shutdown", parser.close)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        items = [
            {
                "field": ".".join(str(part) for part in item["loc"] if part != "body"),
                "message": str(item["msg"]),
                "hint": None,
            }
            for item in error.errors()
        ]
        return JSONResponse({"errors": items, "message": items[0]["message"] if items else ""}, 422)

    def page(name: str, media: str) -> Response:
        return Response(
            (STATIC / name).read_bytes(),
            media_type=media,
            headers={"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff"},
        )

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return page("index.html", "text/html; charset=utf-8")

    @app.get("/static/app.js", include_in_schema=False)
    def script() -> Response:
        return page("app.js", "text/javascript; charset=utf-8")

    @app.get("/static/track.js", include_in_schema=False)
    def track_script() -> Response:
        return page("track.js", "text/javascript; charset=utf-8")

    @app.get("/static/app.css", include_in_schema=False)
    def style() -> Response:
        return page("app.css", "text/css; charset=utf-8")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return Response(
            plotly_js(),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "max-age=86400"},
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app.openapi()), headers={"Content-Security-Policy": _CSP})

    @app.get("/api/health", summary="Liveness and version")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/models", summary="Registered models and their parameters")
    def models() -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "summary": cls.summary,
                "citation": cls.citation,
                "default": cls.traits.default,
                "parameters": model_parameters(cls),
            }
            for name, cls in registry().items()
        ]

    @app.post("/api/scenario.yaml", summary="The scenario as of a date with the edits, as YAML")
    def scenario_yaml(request: ExportRequest) -> Response:
        try:
            base = scenario_from(request.scenario)
            changes = edit_changes(request.edits)
            check_edits(base, changes, request.as_of)
            edited = whatif.apply(whatif.current(base, request.as_of), changes)
        except InputError as error:
            return _errors(422, error)
        data = {"schema_version": edited.schema_version}
        data.update(edited.model_dump(mode="json", exclude_defaults=True))
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        name = f"{edited.id}-edited.yaml" if request.edits else f"{edited.id}.yaml"
        return Response(
            text,
            media_type="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/api/scenarios", summary="Built-in scenarios")
    def scenarios() -> list[dict[str, str]]:
        result = []
        for identifier in builtin_ids():
            try:
                title = builtins.get(identifier).title
            except InputError:
                continue
            result.append({"id": identifier, "title": title})
        return result

    @app.get("/api/scenarios/{scenario_id}", summary="A built-in scenario, in full")
    def scenario(scenario_id: str) -> Response:
        try:
            loaded = builtins.get(scenario_id)
        except InputError as error:
            return _errors(404, error)
        return JSONResponse(loaded.model_dump(mode="json"))

    @app.post("/api/view", summary="A scenario's values as of a date, for editing")
    def view(request: ViewRequest) -> Response:
        try:
            return JSONResponse(
                scenario_view(scenario_from(request.scenario, builtins), request.as_of)
            )
        except InputError as error:
            return _errors(422, error)

    @app.post("/api/upload", summary="Check an uploaded scenario file (YAML, JSON or CSV)")
    async def upload(
        file: UploadFile = File(...),  # noqa: B008 - FastAPI's way to declare a form field
        scale_min: float | None = Form(None),
        scale_max: float | None = Form(None),
    ) -> Response:
        name = file.filename or ""
        if not _SAFE_NAME.fullmatch(name) or ".." in name:
            return _message(
                400,
                "file",
                f"bad file name {name!r}",
                "use a plain name like my-case.yaml (letters, digits, spaces, '_', '-', '.')",
            )
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            return _message(
                415,
                "file",
                f"unsupported file type {suffix or '(none)'!r}",
                "upload a .yaml, .yml, .json or .csv scenario",
            )
        content = await file.read(max_upload_bytes + 1)
        if len(content) > max_upload_bytes:
            return _message(
                413,
                "file",
                f"file is over the {max_upload_bytes:,}-byte limit",
                "scenario files are small; check that this is the right file",
            )
        try:
            loaded = await parser.parse(content, name, suffix, scale_min, scale_max)
        except InputError as error:
            return _errors(422, error, file=name)
        # Dumping and encoding a large scenario takes milliseconds: not on the event loop.
        return await run_in_threadpool(upload_response, name, loaded)

    @app.post("/api/track", summary="The track record: replayed odds of the events, scored")
    def track(request: TrackRequest) -> Response:
        try:
            scenario = scenario_from(request.scenario, builtins)
            return JSONResponse(tracks.get(scenario, runs=request.draws, seed=request.seed))
        except InputError as error:
            return _errors(422, error)

    @app.get("/api/runs", summary="Runs kept: every queued or running one, and recent ones")
    def runs() -> list[dict[str, Any]]:
        return [run.status() for run in runner.list()]

    @app.post("/api/runs", summary="Start a forecast run", status_code=202)
    def start(request: RunRequest, http: Request) -> Response:
        if request.draws > max_draws:
            return _message(422, "draws", f"at most {max_draws:,} draws", "use fewer draws")
        client = http.client.host if http.client else ""
        light = request.draws == 1 and not request.analyses
        try:
            runner.admit(client=client, light=light)
        except Busy as busy:
            return _message(429, "runs", busy.message, "cancel a run with DELETE /api/runs/ID")
        try:
            base = scenario_from(request.scenario, builtins)
            changes = edit_changes(request.edits)
            check_edits(base, changes, request.as_of)
            names = list(dict.fromkeys(request.models or default_models()))
            analyses = list(dict.fromkeys(request.analyses))
            unknown = [name for name in names if name not in registry()]
            if unknown:
                return _message(
                    422,
                    "models",
                    f"unknown model {unknown[0]!r}",
                    f"use some of: {', '.join(registry())}",
                )
            chosen = [model_with_options(name, request.options.get(name, {})) for name in names]
        except InputError as error:
            return _errors(422, error)
        except (TypeError, ValueError) as error:
            return _message(422, "options", str(error), "see GET /api/models for the parameters")

        inputs: dict[str, Any] = {}
        if request.edits:
            inputs["edits"] = edits_json(request.edits)
        options = {name: dict(request.options[name]) for name in names if request.options.get(name)}
        if options:
            inputs["options"] = options

        def job(run: Run) -> report_context.Context:
            built = (light_workers if light else workers).call(
                run,
                build_run,
                base,
                models=chosen,
                date=request.as_of,
                draws=request.draws,
                seed=request.seed,
                changes=changes,
                analyses=analyses,
                control=control,
                inputs=inputs,
            )
            run.result = built.result
            return built.context

        try:
            run = runner.start(job, client=client, light=light, inputs=inputs)
        except Busy as busy:
            return _message(429, "runs", busy.message, "cancel a run with DELETE /api/runs/ID")
        return JSONResponse(run.status(), status_code=202)

    def finished(run_id: str) -> Run | Response:
        run = runner.get(run_id)
        if run is None:
            return _message(404, "run", f"no run {run_id!r}", "start a run with POST /api/runs")
        if run.state != "done" or run.context is None:
            return _message(409, "run", f"run is {run.state}", "wait until its state is done")
        return run

    @app.get("/api/runs/{run_id}", summary="A run's state and progress")
    def status(run_id: str) -> Response:
        run = runner.get(run_id)
        if run is None:
            return _message(404, "run", f"no run {run_id!r}", "start a run with POST /api/runs")
        return JSONResponse(run.status())

    @app.delete("/api/runs/{run_id}", summary="Cancel a run")
    def cancel(run_id: str) -> Response:
        run = runner.cancel(run_id)
        if run is None:
            return _message(404, "run", f"no run {run_id!r}")
        return JSONResponse(run.status())

    def forecast_payload(run: Run) -> dict[str, Any]:
        """The forecast's JSON with what the run was asked for: edits and model options."""
        assert run.context is not None
        return {**report_context.forecast_json(run.context), **run.inputs}

    @app.get("/api/runs/{run_id}/result", summary="A finished run: forecast and sections")
    def result(run_id: str) -> Response:
        run = finished(run_id)
        if isinstance(run, Response):
            return run
        assert run.context is not None
        return Response(run.result or result_json(run.context), media_type="application/json")

    @app.get("/api/runs/{run_id}/forecast.json", summary="Download the forecast as JSON")
    def download_json(run_id: str) -> Response:
        run = finished(run_id)
        if isinstance(run, Response):
            return run
        assert run.context is not None
        text = json.dumps(
            forecast_payload(run),
            indent=2,
            ensure_ascii=False,
            allow_nan=False,
        )
        return Response(text, media_type="application/json", headers=_attachment(run, "json"))

    @app.get("/api/runs/{run_id}/forecast.csv", summary="Download the forecast as CSV")
    def download_csv(run_id: str) -> Response:
        run = finished(run_id)
        if isinstance(run, Response):
            return run
        assert run.context is not None
        text = forecast_csv(
            report_context.with_intervals(run.context), intervals=bool(run.context.samples)
        )
        return PlainTextResponse(text, media_type="text/csv", headers=_attachment(run, "csv"))

    @app.get("/api/runs/{run_id}/report.html", summary="Download the self-contained HTML report")
    def download_report(run_id: str) -> Response:
        run = finished(run_id)
        if isinstance(run, Response):
            return run
        assert run.context is not None
        return HTMLResponse(report_html(run.context), headers=_attachment(run, "html"))

    app.add_middleware(LimitBody, limit=max_request_bytes)
    app.add_middleware(AllowHosts, hosts=allowed_hosts)
    return app


def _attachment(run: Run, suffix: str) -> dict[str, str]:
    assert run.context is not None
    stem = "report" if suffix == "html" else "forecast"
    return {
        "Content-Disposition": f'attachment; filename="{run.context.scenario.id}-{stem}.{suffix}"'
    }
