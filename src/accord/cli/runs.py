"""``accord runs``: list, show, compare, export and verify recorded runs."""

from __future__ import annotations

import csv
import io
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.cli.common import (
    AccordTyper,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    SepOption,
    app,
    console,
    fail,
    json_text,
    recorder,
    write_output,
    write_screen,
)
from accord.errors import InputError
from accord.records import Record, RunStore, differences, verify

runs_app = AccordTyper(
    help="Recorded runs: list, show, diff, export, verify. Stored under $ACCORD_HOME.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(runs_app, name="runs")

RunArgument = Annotated[str, typer.Argument(help="A run id from `accord runs list`, or 'latest'.")]


def _models(record: Record) -> str:
    return ", ".join(record.models) or "—"


def _summary(record: Record) -> str:
    options = record.options
    parts: list[str] = []
    if options.get("draws"):
        parts.append(f"{int(options['draws']):,} draws")
    if record.kind == "sensitivity":
        parts.append(f"{options.get('method')}, {options.get('grouping')}")
    if record.kind == "levers":
        parts.append(f"actor {options.get('actor')}")
    if record.kind in ("deal", "ratify") and isinstance(options.get("deal"), dict):
        parts.append(f"deal {options['deal'].get('id')}")
    if record.kind == "simulate":
        parts.append(f"{int(options.get('runs', 0)):,} talks, {options.get('protocol')}")
    if options.get("regime") or options.get("regimes"):
        parts.append(f"regime {options.get('regime') or ', '.join(options['regimes'])}")
    if options.get("changes"):
        parts.append(f"{len(options['changes'])} what-if")
    return "; ".join(parts)


@runs_app.command("list")
def list_runs(
    limit: Annotated[int, typer.Option(help="Show the newest N runs.")] = 20,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
) -> None:
    """List recorded runs, newest first."""
    store = RunStore()
    if not store.path.exists():
        if output is OutputFormat.json:
            typer.echo("[]")
        else:
            sys.stderr.write(f"no runs recorded yet (the store will be {store.path})\n")
        return
    try:
        records = store.list(limit)
    except InputError as error:
        fail(error)
    _warn_damaged(store)
    if output is OutputFormat.json:
        typer.echo(json_text([_brief(record) for record in records]))
        return
    if output is OutputFormat.csv:
        write_output(_csv([_brief(record) for record in records]), None, False)
        return
    console().print(_runs_table(records, f"Recorded runs ({store.path})"))


def _runs_table(records: list[Record], title: str) -> Table:
    table = Table(title=title)
    for column in (
        "Id",
        "When (UTC)",
        "Command",
        "Scenario",
        "As of",
        "Models",
        "Seed",
        "Details",
        "Inputs hash",
    ):
        table.add_column(column, overflow="fold")
    for record in records:
        table.add_row(
            str(record.id),
            record.created,
            record.kind,
            record.scenario,
            record.as_of or "",
            _models(record),
            "" if record.seed is None else str(record.seed),
            _summary(record),
            record.inputs_hash[:12],
        )
    return table


def _warn_damaged(store: RunStore) -> None:
    """Name each damaged row on stderr; the intact runs are still shown."""
    for damaged in store.damaged:
        sys.stderr.write(
            f"warning: {damaged}; left out (accord runs show {damaged.identifier} for details)\n"
        )


_BRIEF_FIELDS = (
    "id",
    "created",
    "kind",
    "scenario",
    "reference",
    "as_of",
    "models",
    "seed",
    "version",
    "engine",
    "seconds",
    "inputs_hash",
)


def _brief(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "created": record.created,
        "kind": record.kind,
        "scenario": record.scenario,
        "reference": record.reference,
        "as_of": record.as_of,
        "models": ", ".join(record.models),
        "seed": record.seed,
        "version": record.version,
        "engine": record.engine,
        "seconds": record.seconds,
        "inputs_hash": record.inputs_hash,
    }


def _csv(rows: list[dict[str, Any]]) -> str:
    """One row per run with the fields of :func:`_brief`."""
    out = io.StringIO()
    fields = list(rows[0]) if rows else list(_BRIEF_FIELDS)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@runs_app.command()
def show(run: RunArgument = "latest", output: FormatOption = OutputFormat.table) -> None:
    """Show one run: what was run, on what, and its results."""
    try:
        record = RunStore().get(run)
    except InputError as error:
        fail(error)
    if output is not OutputFormat.table:
        typer.echo(json_text(record.to_json()))
        return
    table = Table(title=f"Run {record.id}", show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value", overflow="fold")
    options = {
        key: value for key, value in record.options.items() if key not in ("models", "model")
    }
    for key, value in (
        ("command", record.kind),
        ("when (UTC)", record.created),
        ("scenario", f"{record.scenario} ({record.reference or 'inline'})"),
        ("as of", record.as_of or "all updates"),
        ("models", json_text(record.models, indent=None)),
        ("options", json_text(options, indent=None)),
        ("seed", "" if record.seed is None else str(record.seed)),
        ("accord", record.version),
        (
            "engine",
            f"{record.engine} ({record.seconds:g} s)"
            if record.seconds is not None
            else record.engine or "",
        ),
        ("inputs hash", record.inputs_hash),
    ):
        table.add_row(key, value)
    console().print(table)
    console().print_json(json_text(record.results, indent=None))


@runs_app.command()
def diff(first: RunArgument, second: RunArgument) -> None:
    """Compare two runs: their inputs, options and every result that differs."""
    try:
        store = RunStore()
        left, right = store.get(first), store.get(second)
    except InputError as error:
        fail(error)
    screen = console()
    same_inputs = left.inputs_hash == right.inputs_hash
    screen.print(
        f"runs {left.id} and {right.id}: {left.kind} / {right.kind}; inputs "
        + ("identical" if same_inputs else "differ")
    )
    for title, a, b in (
        ("Scenario", left.inputs, right.inputs),
        ("Options", left.options, right.options),
        ("Results", left.results, right.results),
    ):
        found = differences(a, b)
        if not found:
            screen.print(f"{title}: identical")
            continue
        table = Table(title=f"{title}: {len(found)} difference{'s' if len(found) > 1 else ''}")
        for column in ("Path", f"Run {left.id}", f"Run {right.id}", "Change"):
            table.add_column(column, overflow="fold")
        for item in found[:200]:
            change = ""
            if isinstance(item.first, int | float) and isinstance(item.second, int | float):
                change = f"{item.second - item.first:+.6g}"
            table.add_row(item.path, _text(item.first), _text(item.second), change)
        if len(found) > 200:
            table.caption = f"first 200 of {len(found)} shown"
        screen.print(table)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@runs_app.command()
def export(
    run: Annotated[list[str] | None, typer.Argument(help="Run ids (default: every run).")] = None,
    output: FormatOption = OutputFormat.json,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Export runs: JSON (whole records), or CSV/xlsx/table (one summary row per run)."""
    try:
        store = RunStore()
        records = [store.get(item) for item in run] if run else list(reversed(store.list()))
        _warn_damaged(store)
        if output is OutputFormat.csv:
            write_output(_csv([_brief(record) for record in records]), out, force)
        elif output is OutputFormat.table:
            screen = console() if out is None else recorder()
            screen.print(_runs_table(records, "Exported runs"))
            if out is not None:
                write_screen(screen, out, force)
        else:
            write_output(json_text([record.to_json() for record in records]), out, force)
    except InputError as error:
        fail(error)


@runs_app.command("verify")
def verify_run(run: RunArgument = "latest") -> None:
    """Re-run a recorded run and report whether its results are identical (exit 1 if not)."""
    try:
        record = RunStore().get(run)
        result = verify(record)
    except InputError as error:
        fail(error)
    screen = console()
    what = (
        f"run {record.id} ({record.kind} {record.scenario}"
        + (f" as of {record.as_of}" if record.as_of else "")
        + (f", seed {record.seed}" if record.seed is not None else "")
        + ")"
    )
    if result.scenario_changed:
        screen.print(f"note: {record.reference} has changed since; the record's own copy was used")
    for mismatch in result.mismatches:
        if mismatch.what == "code version":
            screen.print(
                f"note: recorded with accord {mismatch.recorded}, re-run with {mismatch.recomputed}"
            )
        else:
            screen.print(
                f"MISMATCH {mismatch.what}: recorded {mismatch.recorded[:16]}, "
                f"recomputed {mismatch.recomputed[:16]}"
            )
    if any(m.what == "inputs hash" for m in result.mismatches):
        screen.print(
            f"{what}: the stored inputs do not match the stored inputs hash; "
            "the record was altered after it was written"
        )
    if result.identical:
        screen.print(f"{what}: identical")
        return
    if result.differences:
        screen.print(f"{what}: DIFFERENT — {len(result.differences)} result values differ")
    for item in result.differences[:10]:
        screen.print(f"  {item.path}: {_text(item.first)} → {_text(item.second)}")
    raise typer.Exit(1)
