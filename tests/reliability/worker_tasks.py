"""Tasks for the dashboard's worker processes in tests (imported there by name, so kept light)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from accord.errors import InputError
from accord.report.context import Cancelled

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


def priority(*, progress: Progress, cancelled: Cancel) -> tuple[int, int]:
    """The worker's process id and its scheduling priority (its nice value)."""
    progress(0.5, "looking")
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def until_cancelled(*, progress: Progress, cancelled: Cancel) -> None:
    """Wait, checking for a cancel as a run does between steps."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if cancelled():
            raise Cancelled
        time.sleep(0.01)


def deaf(*, progress: Progress, cancelled: Cancel) -> None:
    """Never check for a cancel."""
    time.sleep(30)


def dies(*, progress: Progress, cancelled: Cancel) -> None:
    """End the process as the kernel's out-of-memory killer would."""
    os._exit(9)


def bad_input(*, progress: Progress, cancelled: Cancel) -> None:
    """Refuse the input as the loader does."""
    raise InputError.single("x.yaml", "broken", path=("actors",), hint="mend it")


def bug(*, progress: Progress, cancelled: Cancel) -> None:
    """Fail with a programming error."""
    raise ValueError("a bug")


def unpicklable(*, progress: Progress, cancelled: Cancel) -> Any:
    """Return what cannot be sent back."""
    return lambda: None
