"""Commands about scenarios and models: validate, scenarios, schema, convert, models."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from accord.cli.common import ScaleMax, ScaleMin, ScenarioArgument, app, console, fail
from accord.errors import InputError
from accord.models.base import Parameter, describe_parameters, parameter_text, registry
from accord.scenario import checks
from accord.scenario.load import builtin_files, builtin_ids, dump, load
from accord.scenario.schema import json_schema
from accord.scenario.structure import structure_warnings


@app.command()
def validate(
    file: ScenarioArgument,
    strict: Annotated[
        bool,
        typer.Option(
            help="Also require every number to cite a source or be a ranged estimate, and no "
            "value to cite a source dated after the date it describes."
        ),
    ] = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Check a scenario file and report every problem, one a line."""
    try:
        loaded = load(file, scale_min=scale_min, scale_max=scale_max)
        if strict:
            problems = checks.unsourced(loaded) + checks.look_ahead(loaded)
            if problems:
                raise InputError(file, problems)
    except InputError as error:
        sys.stderr.write(error.render(limit=None) + "\n")
        raise typer.Exit(2) from None
    for warning in structure_warnings(loaded):
        sys.stderr.write(f"warning: {file}: {warning}\n")
    typer.echo(
        f"{file}: ok — {len(loaded.actors)} actors, {len(loaded.issues)} issues, "
        f"{len(loaded.updates)} updates, {len(loaded.sources)} sources"
    )


@app.command()
def models(
    name: Annotated[
        str | None, typer.Argument(help="A model: list its parameters, defaults and choices.")
    ] = None,
) -> None:
    """List the registered models with their citations, or one model's parameters."""
    if name is not None:
        try:
            described = describe_parameters(name)
        except InputError as error:
            fail(error)
        cls = registry()[name]
        table = Table(title=f"{name}: {cls.summary}", caption=f"Citation: {cls.citation}")
        for column in ("Parameter", "Default", "Allowed values"):
            table.add_column(column)
        for item in described:
            table.add_row(item.name, parameter_text(item.default), item.describe())
        if not described:
            table.add_row("(none)", "", "")
        console().print(table)
        console().print(
            f"Set them with -m {name}:PARAMETER=VALUE,... "
            f"(e.g. -m {_example(name, described)}); results name the model "
            f"{name}[PARAMETER=VALUE]."
        )
        return
    table = Table(title="Models")
    table.add_column("Name", style="bold")
    table.add_column("What it does")
    table.add_column("Citation")
    for name, cls in registry().items():
        table.add_row(name, cls.summary, cls.citation)
    console().print(table)


def _example(name: str, described: list[Parameter]) -> str:
    for item in described:
        other = [choice for choice in item.choices if choice != item.default]
        if other:
            return f"{name}:{item.name}={other[0]}"
    return (
        f"{name}:{described[0].name}={parameter_text(described[0].default)}" if described else name
    )


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
    console().print(table)


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
        fail(error)
    typer.echo(f"wrote {written} ({len(loaded.actors)} actors, {len(loaded.issues)} issues)")
