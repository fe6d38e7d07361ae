"""The ``accord`` command line: thin calls into the library, rendered with rich.

Results go to stdout (or ``--out``); errors to stderr. Exit status: 0 ok, 1 failure, 2 bad
input (one or two lines naming the file, the field and the fix; never a traceback), 3 results
printed but their run record not saved (the store was locked or its disk full at the end). Each
command group lives in its own module and registers itself on :data:`app` when imported; the
root group (:class:`accord.cli.lazy.LazyGroup`) imports a module only when one of its commands
runs, so that ``accord --help`` and ``--version`` start fast.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Annotated, Any

import typer

from accord import __version__
from accord.cli.common import app, fail
from accord.cli.unsaved import EXIT_UNSAVED, UNSAVED
from accord.errors import InputError

__all__ = ["app", "main"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Model and forecast multi-party negotiations."""


def _show_notice(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Scenario notices as one plain line on stderr; other warnings as Python shows them."""
    if category.__name__ == "ScenarioNotice":  # without importing the schema (start-up)
        sys.stderr.write(f"notice: {message}\n")
        return
    _python_showwarning(message, category, filename, lineno, file, line)


_python_showwarning = warnings.showwarning


def main() -> None:
    """Entry point of the ``accord`` console script."""
    warnings.showwarning = _show_notice
    try:
        app()
    except SystemExit as done:
        if UNSAVED and done.code in (0, None):
            for reason in UNSAVED:
                sys.stderr.write(f"warning: the result above was not recorded: {reason}\n")
            UNSAVED.clear()
            raise SystemExit(EXIT_UNSAVED) from None
        raise
    except InputError as error:
        fail(error)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as error:
        if os.environ.get("ACCORD_DEBUG"):
            raise
        sys.stderr.write(
            f"accord failed: {type(error).__name__}: {error}\n"
            "Set ACCORD_DEBUG=1 to see the traceback.\n"
        )
        raise SystemExit(1) from None
