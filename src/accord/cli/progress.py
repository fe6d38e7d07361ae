"""Progress on stderr for anything that can take more than a couple of seconds.

Two helpers, both silent unless stderr is a terminal (so pipes, files and tests see nothing):

* :func:`progress_bar` gives a callback ``(done, total)`` for work that counts its steps
  (draws, chunks); the bar appears after a second and disappears when the work ends;
* :func:`working` wraps work that cannot count its steps (one call into the library): a
  moving bar with the elapsed time.

Commands use them as ``with working("war: 500 draws"): result = analyse(...)``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["ProgressBar", "progress_bar", "working"]


def _stderr() -> Console:
    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False)


def _shown() -> bool:
    return sys.stderr.isatty()


class ProgressBar:
    """A progress callback that shows a bar on stderr, only on a terminal, after a second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        """Advance to ``done`` of ``total``."""
        if not _shown():
            return
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or done >= total:
                return
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                TimeRemainingColumn(),
                console=_stderr(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressBar]:
    """A :class:`ProgressBar` that is removed on exit."""
    bar = ProgressBar(label)
    try:
        yield bar
    finally:
        bar.close()


@contextmanager
def working(label: str) -> Iterator[None]:
    """A moving bar with the elapsed time while the block runs (on a terminal only)."""
    if not _shown():
        yield
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    ) as bar:
        bar.add_task(label, total=None)
        yield
