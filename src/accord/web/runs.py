"""Background runs for the dashboard: a small thread pool with progress, cancel and deadline.

A run wraps :func:`accord.report.context.build`; the browser polls its state. Runs live in
memory only (the newest :data:`KEEP` are kept) and never touch the file system.
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
    started: float = field(default_factory=time.monotonic)
    cancel_requested: bool = False

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
        }


class Runner:
    """Start runs in worker threads and look them up by id."""

    def __init__(self, workers: int = 2, deadline_s: float = 120.0) -> None:
        self.deadline_s = deadline_s
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accord-run")
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, job: Callable[[Run], Context]) -> Run:
        """Queue ``job``; it gets the run to report progress and check for cancellation."""
        run = Run(secrets.token_hex(8), self.deadline_s)
        with self._lock:
            self._runs[run.id] = run
            while len(self._runs) > KEEP:
                self._runs.popitem(last=False)
        self._pool.submit(self._execute, run, job)
        return run

    def get(self, run_id: str) -> Run | None:
        """The run with this id, if it is still kept."""
        with self._lock:
            return self._runs.get(run_id)

    def cancel(self, run_id: str) -> Run | None:
        """Ask a run to stop at its next step."""
        run = self.get(run_id)
        if run is not None and run.state in ("queued", "running"):
            run.cancel_requested = True
            if run.state == "queued":
                run.state, run.message = "cancelled", "cancelled before it started"
        return run

    def shutdown(self) -> None:
        """Stop accepting runs and ask running ones to stop."""
        with self._lock:
            for run in self._runs.values():
                run.cancel_requested = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _execute(run: Run, job: Callable[[Run], Context]) -> None:
        if run.cancel_requested:
            run.state = "cancelled"
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
