"""The ``accord`` command line: thin calls into the library, rendered with rich.

Results go to stdout (or ``--out``); errors to stderr. Exit status: 0 ok, 1 failure, 2 bad
input (one or two lines naming the file, the field and the fix; never a traceback).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from accord import __version__
from accord.analysis.forecast import forecast as run_forecast
from accord.errors import InputError
from accord.models.base import registry
from accord.report.terminal import forecast_csv, forecast_table, trace_events, trace_tables
from accord.scenario import checks
from accord.scenario.load import (
    DEFAULT_SCENARIO,
    builtin_files,
    builtin_ids,
    dump,
    load,
    write_atomic,
)
from accord.scenario.schema import json_schema

app = typer.Typer(
    name="accord",
    help="Model and forecast multi-party negotiations. Run `accord forecast` to start.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    """Output formats of ``accord forecast``."""

    table = "table"
    json = "json"
    csv = "csv"


def _console(stderr: bool = False) -> Console:
    return Console(
        stderr=stderr,
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        width=None if sys.stdout.isatty() else 140,
    )


def _fail(error: InputError) -> NoReturn:
    sys.stderr.write(f"error: {error.render(limit=1)}\n")
    raise typer.Exit(2)


def _date(text: str | None, option: str = "--as-of") -> dt.date | None:
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


def _write(text: str, out: Path | None, force: bool) -> None:
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


@app.command()
def forecast(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to run (repeatable); default: every model."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to a file.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
    trace: Annotated[bool, typer.Option(help="Also print round-by-round tables.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed for stochastic models.")] = None,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Forecast where each issue settles, with every model (or those chosen)."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        result = run_forecast(loaded, model or None, date=_date(as_of), seed=seed)
        if output is OutputFormat.json:
            _write(json.dumps(result.to_json(), indent=2, ensure_ascii=False), out, force)
        elif output is OutputFormat.csv:
            _write(forecast_csv(result), out, force)
        else:
            console = _console()
            if out is not None:
                console = Console(file=open(os.devnull, "w"), record=True, width=140)  # noqa: SIM115
            console.print(forecast_table(result))
            if trace:
                for table in trace_tables(result):
                    console.print(table)
                for line in trace_events(result):
                    console.print(line)
            if out is not None:
                _write(console.export_text(), out, force)
    except InputError as error:
        _fail(error)


@app.command()
def validate(
    file: ScenarioArgument,
    strict: Annotated[
        bool,
        typer.Option(help="Also require every number to cite a source or be a ranged estimate."),
    ] = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Check a scenario file and report every problem, one a line."""
    try:
        loaded = load(file, scale_min=scale_min, scale_max=scale_max)
        if strict:
            problems = checks.unsourced(loaded)
            if problems:
                raise InputError(file, problems)
    except InputError as error:
        sys.stderr.write(error.render(limit=None) + "\n")
        raise typer.Exit(2) from None
    typer.echo(
        f"{file}: ok — {len(loaded.actors)} actors, {len(loaded.issues)} issues, "
        f"{len(loaded.updates)} updates, {len(loaded.sources)} sources"
    )


@app.command()
def models() -> None:
    """List the registered models with their citations."""
    table = Table(title="Models")
    table.add_column("Name", style="bold")
    table.add_column("What it does")
    table.add_column("Citation")
    for name, cls in registry().items():
        table.add_row(name, cls.summary, cls.citation)
    _console().print(table)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    table = Table(title="Built-in scenarios")
    for column in ("Id", "Title", "Actors", "Issues", "Updates", "As of"):
        table.add_column(column)
    files = builtin_files()
    for scenario_id in builtin_ids():
        loaded = load(str(files[scenario_id]))
        table.add_row(
            scenario_id,
            loaded.title,
            str(len(loaded.actors)),
            str(len(loaded.issues)),
            str(len(loaded.updates)),
            loaded.as_of.isoformat() if loaded.as_of else "",
        )
    _console().print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def convert(
    source: Annotated[str, typer.Argument(help="Scenario to read (id, YAML, JSON or CSV).")],
    target: Annotated[Path, typer.Argument(help="Native scenario to write (.yaml or .json).")],
    force: Annotated[bool, typer.Option(help="Replace an existing target file.")] = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Write a native scenario file from any supported input."""
    try:
        loaded = load(source, scale_min=scale_min, scale_max=scale_max)
        written = dump(loaded, target, overwrite=force)
    except InputError as error:
        _fail(error)
    typer.echo(f"wrote {written} ({len(loaded.actors)} actors, {len(loaded.issues)} issues)")


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


def main() -> None:
    """Entry point of the ``accord`` console script."""
    try:
        app()
    except InputError as error:
        _fail(error)
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
