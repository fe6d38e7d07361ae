"""Background runs for the dashboard: thread pools with progress, cancel, deadline and quotas.

A run wraps :func:`accord.report.context.build`; the browser polls its state. The dashboard's
threads only wait: each hands its run to a worker process (:mod:`accord.web.workers`). Runs live in
memory only and never touch the file system. A run that has not ended (queued or running) is
always kept, so it can be polled and cancelled; of the ended ones the newest :data:`KEEP` are
kept. Quotas bound the queue: each client may have :data:`PER_CLIENT` runs that have not
ended, and all clients together :data:`MAX_ACTIVE`. Light runs (point forecasts without
extra analyses) have a pool and quotas of their own, so a queue of heavy runs never delays
or locks out a light one.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.errors import InputError, format_path
from accord.report.context import Cancelled, Context

State = Literal["queued", "running", "done", "failed", "cancelled", "timeout"]
KEEP = 32
PER_CLIENT = 4
MAX_ACTIVE = 32
ACTIVE: tuple[State, ...] = ("queued", "running")


class Busy(Exception):
    """A quota is used up: the run was not queued."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Run:
    """One dashboard run and what the browser may ask about it."""

    id: str
    deadline_s: float
    state: State = "queued"
    progress: float = 0.0
    message: str = "queued"
    error: dict[str, Any] | None = None
    context: Context | None = None
    result: bytes | None = None
    started: float = field(default_factory=time.monotonic)
    cancel_requested: bool = False
    client: str = ""
    light: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)
    """What the run was asked for beyond the forecast's own JSON: edits and model options."""

    def cancelled(self) -> bool:
        """Whether the run should stop: cancelled by the user or past its deadline."""
        return self.cancel_requested or time.monotonic() - self.started > self.deadline_s

    def status(self) -> dict[str, Any]:
        """The JSON the browser polls."""
        return {
            "id": self.id,
            "state": self.state,
            "progress": round(self.progress, 4),
            "message": self.message,
            "error": self.error,
            "light": self.light,
        }


class Runner:
    """Start runs in worker threads and look them up by id.

    Parameters
    ----------
    workers
        Threads for heavy runs.
    deadline_s
        A run still going after this many seconds is stopped.
    per_client, max_active
        Runs that have not ended, per client and in all.
    light_workers
        Threads reserved for light runs.
    """

    def __init__(
        self,
        workers: int = 2,
        deadline_s: float = 120.0,
        *,
        per_client: int = PER_CLIENT,
        max_active: int = MAX_ACTIVE,
        light_workers: int = 1,
    ) -> None:
        self.deadline_s = deadline_s
        self.per_client = per_client
        self.max_active = max_active
        self.workers = workers
        self.light_workers = light_workers
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._lock = threading.Lock()
        self.open()

    def open(self) -> None:
        """Start the worker threads (again, after :meth:`shutdown`: the app's startup does)."""
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="accord-run")
        self._light = ThreadPoolExecutor(
            max_workers=self.light_workers, thread_name_prefix="accord-light"
        )
        self._open = True

    def reopen(self) -> None:
        """Start the worker threads again if :meth:`shutdown` stopped them."""
        with self._lock:
            stopped = not self._open
        if stopped:
            self.open()

    def start(
        self,
        job: Callable[[Run], Context],
        *,
        client: str = "",
        light: bool = False,
        inputs: dict[str, Any] | None = None,
    ) -> Run:
        """Queue ``job``; it gets the run to report progress and check for cancellation.

        ``inputs`` (edits, model options) are kept with the run, for its JSON.

        Raises :class:`Busy` when the client, or everyone together, has too many runs that
        have not ended.
        """
        run = Run(
            secrets.token_hex(8), self.deadline_s, client=client, light=light, inputs=inputs or {}
        )
        with self._lock:
            self._check(client, light)
            self._runs[run.id] = run
            self._trim()
        (self._light if light else self._pool).submit(self._execute, run, job)
        return run

    def admit(self, *, client: str = "", light: bool = False) -> None:
        """Raise :class:`Busy` if :meth:`start` would refuse this client's run now.

        Called before a request is checked, so that a refused request costs the server next to
        nothing; :meth:`start` checks again.
        """
        with self._lock:
            self._check(client, light)

    def _check(self, client: str, light: bool) -> None:
        if not self._open:
            raise Busy("the server is shutting down; retry once it is back")
        active = [
            item for item in self._runs.values() if item.state in ACTIVE and item.light == light
        ]
        if sum(item.client == client for item in active) >= self.per_client:
            raise Busy(
                f"you have {self.per_client} runs queued or running; wait for one to end, "
                "or cancel one"
            )
        if len(active) >= self.max_active:
            raise Busy(f"the server has {self.max_active} runs queued or running; retry soon")

    def _trim(self) -> None:
        ended = [key for key, item in self._runs.items() if item.state not in ACTIVE]
        for key in ended[: max(0, len(ended) - KEEP)]:
            del self._runs[key]

    def get(self, run_id: str) -> Run | None:
        """The run with this id, if it is still kept."""
        with self._lock:
            return self._runs.get(run_id)

    def list(self) -> list[Run]:
        """Every kept run, oldest first: all that have not ended, and the newest ended ones."""
        with self._lock:
            return list(self._runs.values())

    def cancel(self, run_id: str) -> Run | None:
        """Ask a run to stop at its next step."""
        run = self.get(run_id)
        if run is not None and run.state in ACTIVE:
            run.cancel_requested = True
            if run.state == "queued":
                run.state, run.message = "cancelled", "cancelled before it started"
        return run

    def shutdown(self) -> None:
        """Stop accepting runs and ask running ones to stop."""
        with self._lock:
            self._open = False
            for run in self._runs.values():
                run.cancel_requested = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._light.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _execute(run: Run, job: Callable[[Run], Context]) -> None:
        if run.cancel_requested:
            run.state, run.message = "cancelled", "cancelled before it started"
            return
        run.started = time.monotonic()
        run.state, run.message = "running", "starting"
        try:
            run.context = job(run)
        except Cancelled:
            timed_out = not run.cancel_requested
            run.state = "timeout" if timed_out else "cancelled"
            run.message = (
                f"stopped after the {run.deadline_s:g} s limit; use fewer draws"
                if timed_out
                else "cancelled"
            )
            return
        except InputError as error:
            run.state, run.message = "failed", error.render(limit=1)
            run.error = {"errors": [problem_json(error, p) for p in range(len(error.problems))]}
            return
        except Exception as error:  # a bug, not bad input: report it without a traceback
            run.state, run.message = "failed", f"{type(error).__name__}: {error}"
            return
        run.progress, run.state, run.message = 1.0, "done", "done"


def problem_json(error: InputError, index: int) -> dict[str, Any]:
    """One problem of an :class:`InputError` as JSON: field, message, hint, line, value."""
    problem = error.problems[index]
    return {
        "field": format_path(problem.path),
        "message": problem.message,
        "hint": problem.hint,
        "line": problem.line,
        "column": problem.column,
        "value": problem.value if isinstance(problem.value, str | int | float) else None,
        "file": error.file,
    }
