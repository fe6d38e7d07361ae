"""Dashboard runs computed in worker processes at a lower CPU priority than the server.

Runs used to be computed in threads of the server process. Their Python code then held the
interpreter lock that the event loop needs, and on a busy machine their CPU time came at the
server's expense, so health checks and polls waited behind them (``/api/health`` p99 102 ms with
16 clients starting heavy runs on a loaded 2-core machine). Now each thread of
:class:`accord.web.runs.Runner` hands its run to a worker process of its own, kept for the
next run, and only waits for messages. A heavy run's worker raises its ``nice`` value by
:data:`WORKER_NICE` when it starts, so when the cores are busy the kernel runs the server first
(Linux's CFS gives a nice-10 process about a tenth of a nice-0 one's share); a light run's
worker keeps the server's priority, so that a point forecast is not starved on a busy machine.
``accord serve`` starts the workers with the server, so the first run does not wait for one.

Progress and cancellation go over the worker's pipe: the worker sends ``progress`` messages and
its result; the thread sends ``cancel`` once the run is cancelled or past its deadline, which the
run's ``cancelled()`` callback picks up between steps. A worker that has not stopped
:data:`CANCEL_GRACE_S` after that, or that dies (out of memory, a crash), is killed and replaced;
the run ends as cancelled, timed out or failed, and the server goes on.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from accord.errors import ErrorDetail, InputError
from accord.report import context as report_context
from accord.report.context import Cancelled, Context
from accord.report.html import sections_payload

WORKER_NICE = 10
"""How much a heavy run's worker raises its nice value (lower priority) over the server's."""
LIGHT_WORKER_NICE = 0
"""The same for light runs (point forecasts): short and interactive, they keep the server's."""
CANCEL_GRACE_S = 10.0
"""Seconds a worker has to stop after being told to, before it is killed."""
POLL_S = 0.1
"""How often the waiting thread checks the run for a cancel request or its deadline."""
PRELOAD = ["accord.report.context", "accord.web.parsing", "accord.web.workers"]
"""Modules the fork server imports once, so that a new worker starts in milliseconds."""


def start_context() -> Any:
    """The fork-server start method, with the modules every worker needs preloaded.

    A fork server is started from a clean process, so it is safe beside the server's threads
    (plain ``fork`` of a threaded process is not).
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


@dataclass(frozen=True)
class Built:
    """A finished run: its context, and the JSON of its result page, encoded in the worker."""

    context: Context
    result: bytes


def result_json(context: Context, inputs: dict[str, Any] | None = None) -> bytes:
    """The body of ``GET /api/runs/ID/result``: the forecast and the report's sections.

    ``inputs`` (the run's edits and model options, as asked) join the forecast's JSON.

    Encoded as Starlette's ``JSONResponse`` does (compact, UTF-8, no NaN), in the worker: for a
    heavy run this takes seconds of CPU that the server would otherwise spend.
    """
    payload = {
        "forecast": {**report_context.forecast_json(context), **(inputs or {})},
        "sections": sections_payload(context),
    }
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def build_run(
    scenario: Any,
    *,
    progress: Callable[[float, str], None],
    cancelled: Callable[[], bool],
    inputs: dict[str, Any] | None = None,
    **options: Any,
) -> Built:
    """:func:`accord.report.context.build` and the result page, as one worker task."""
    context = report_context.build(scenario, progress=progress, cancelled=cancelled, **options)
    progress(1.0, "preparing the result")
    return Built(context, result_json(context, inputs))


def _serve(connection: Connection, nice: int) -> None:  # pragma: no cover - worker process
    """The worker's loop: take a task, run it, send progress and the outcome back."""
    os.nice(nice)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if task == "cancel":  # a late cancel for a run that already ended
            continue
        function, args, kwargs = task
        stop = False

        def cancelled() -> bool:
            nonlocal stop
            while not stop and connection.poll():
                stop = connection.recv() == "cancel"
            return stop

        def progress(fraction: float, message: str) -> None:
            try:
                connection.send(("progress", fraction, message))
            except OSError:  # the server has gone: stop here
                os._exit(0)

        try:
            reply: tuple[Any, ...] = (
                "done",
                function(*args, progress=progress, cancelled=cancelled, **kwargs),
            )
        except Cancelled:
            reply = ("cancelled",)
        except InputError as error:
            reply = ("input", error.file, list(error.problems))
        except Exception as error:  # a bug, not bad input: reported as the run's failure
            reply = ("error", f"{type(error).__name__}: {error}")
        try:
            connection.send(reply)
        except OSError:  # the server has gone
            return
        except Exception as error:  # the result would not pickle
            connection.send(("error", f"{type(error).__name__}: {error}"))
        del task, reply  # hold no result while idle


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context: Any, nice: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, nice), name="accord-worker", daemon=True
        )
        self.process.start()
        child.close()

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return int(self.process.pid or 0)

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not within a second."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(1.0)
        self.kill()

    def kill(self) -> None:
        """End the worker now."""
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5.0)
        self.connection.close()


class Workers:
    """Worker processes at a given priority, one per thread that calls :meth:`call` at a time.

    Parameters
    ----------
    nice
        How much each worker raises its nice value.
    cancel_grace_s
        Seconds a worker has to stop after a cancel before it is killed.
    """

    def __init__(self, nice: int = WORKER_NICE, cancel_grace_s: float = CANCEL_GRACE_S) -> None:
        self.nice = nice
        self.cancel_grace_s = cancel_grace_s
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._context: Any = None

    def _take(self) -> Worker:
        with self._lock:
            if self._closed:
                raise Cancelled
            if self._idle:
                worker = self._idle.pop()
            else:
                if self._context is None:
                    self._context = start_context()
                worker = Worker(self._context, self.nice)
            self._busy.add(worker)
            return worker

    def _give_back(self, worker: Worker, healthy: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            keep = healthy and not self._closed
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.kill()

    def call(self, run: Any, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``function(*args, progress=..., cancelled=..., **kwargs)`` in a worker process.

        ``run`` (a :class:`accord.web.runs.Run`) gets the progress messages, and its
        ``cancelled()`` is checked while waiting. Raises :class:`Cancelled` when the run was
        cancelled or ran past its deadline, :class:`InputError` for bad input, and
        :class:`RuntimeError` for a failure in the worker (with the error's type and message).
        """
        worker = self._take()
        healthy = False
        try:
            message = self._wait(worker, run, (function, args, kwargs))
            healthy = True
        finally:
            self._give_back(worker, healthy)
        return _outcome(message)

    def _wait(self, worker: Worker, run: Any, task: tuple[Any, ...]) -> tuple[Any, ...]:
        """The worker's last message for ``task``, relaying progress and a cancel meanwhile."""
        connection = worker.connection
        told: float | None = None
        try:
            connection.send(task)
            while True:
                if connection.poll(POLL_S):
                    message = connection.recv()
                    if message[0] == "progress":
                        run.progress, run.message = message[1], message[2]
                        continue
                    return tuple(message)
                if run.cancelled() or self._closed:
                    if told is None:
                        connection.send("cancel")
                        told = time.monotonic()
                    elif time.monotonic() - told > self.cancel_grace_s:
                        raise _Stuck
        except (EOFError, OSError):
            worker.process.join(5.0)
            raise RuntimeError(
                f"the worker process stopped (exit code {worker.process.exitcode}); "
                "it may have run out of memory"
            ) from None
        except _Stuck:
            raise Cancelled from None

    def warm(self, count: int) -> None:
        """Start workers until ``count`` are idle or busy, so that runs need not wait for one."""
        started: list[Worker] = []
        with self._lock:
            if self._context is None:
                self._context = start_context()
            while len(self._idle) + len(self._busy) + len(started) < count and not self._closed:
                started.append(Worker(self._context, self.nice))
            self._idle.extend(started)

    def pids(self) -> list[int]:
        """Process ids of the workers now started."""
        with self._lock:
            return [worker.pid for worker in [*self._idle, *self._busy]]

    def close(self) -> None:
        """Stop the idle workers; busy ones are told to stop and end with their runs."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def reopen(self) -> None:
        """Accept calls again after :meth:`close` (the app's startup does)."""
        with self._lock:
            self._closed = False


class _Stuck(Exception):
    """A worker did not stop within its grace period after a cancel."""


def _outcome(message: tuple[Any, ...]) -> Any:
    kind = message[0]
    if kind == "done":
        return message[1]
    if kind == "cancelled":
        raise Cancelled
    if kind == "input":
        problems: list[ErrorDetail] = message[2]
        raise InputError(message[1], problems)
    raise RuntimeError(message[1])
