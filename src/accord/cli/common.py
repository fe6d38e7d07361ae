"""Shared pieces of the command line: the app, options, error handling and output."""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer.core import TyperGroup

from accord.errors import InputError
from accord.scenario.load import write_atomic

COMMAND_ORDER = (
    "forecast",
    "zone",
    "scenarios",
    "models",
    "validate",
    "schema",
    "convert",
    "sweep",
    "sensitivity",
    "levers",
    "runs",
    "war",
    "deal",
    "ratify",
    "simulate",
    "timeline",
    "backtest",
    "precedents",
    "report",
    "serve",
)


class _OrderedGroup(TyperGroup):
    """List commands in the order a newcomer meets them, not the order modules load."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: index for index, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: rank.get(name, len(rank)))


app = typer.Typer(
    cls=_OrderedGroup,
    name="accord",
    help="Model and forecast multi-party negotiations. Run `accord forecast` to start.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def console(stderr: bool = False) -> Console:
    """A rich console that honours NO_COLOR and uses a fixed width when piped."""
    return Console(
        stderr=stderr,
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        width=None if sys.stdout.isatty() else 140,
    )


def fail(error: InputError) -> NoReturn:
    """Print a bad-input error in one or two lines and exit with status 2."""
    sys.stderr.write(f"error: {error.render(limit=1)}\n")
    raise typer.Exit(2)


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    """Parse a YYYY-MM-DD option value, or raise a bad-input error naming the option."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            None,
            f"{option} {text!r} is not a date",
            path=(option,),
            hint="write dates as YYYY-MM-DD, e.g. 2025-12-02",
        ) from None


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Write to stdout, or atomically to ``out`` (refusing to replace it without ``force``)."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    if out.exists() and not force:
        raise InputError.single(
            str(out), "already exists", hint="choose another --out, or pass --force to replace it"
        )
    write_atomic(out, text)
    sys.stderr.write(f"wrote {out}\n")


ScenarioArgument = Annotated[
    str,
    typer.Argument(help="A built-in scenario id (see `accord scenarios`) or a YAML/JSON/CSV file."),
]
ScaleMin = Annotated[float | None, typer.Option("--min", help="Scale minimum for a one-issue CSV.")]
ScaleMax = Annotated[float | None, typer.Option("--max", help="Scale maximum for a one-issue CSV.")]


class OutputFormat(StrEnum):
    """Output formats for results."""

    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file.")]
ForceOption = Annotated[bool, typer.Option(help="Replace an existing --out file.")]
SeedOption = Annotated[int | None, typer.Option(help="Seed for everything random.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD).")
]
