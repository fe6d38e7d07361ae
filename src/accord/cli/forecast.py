"""``accord forecast``: where each issue settles, per model."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.console import Console

from accord.analysis.forecast import forecast as run_forecast
from accord.cli.common import (
    AsOfOption,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    ScaleMax,
    ScaleMin,
    ScenarioArgument,
    SeedOption,
    app,
    console,
    fail,
    parse_date,
    write_output,
)
from accord.errors import InputError
from accord.report.terminal import (
    forecast_csv,
    forecast_table,
    no_deal_notes,
    trace_events,
    trace_tables,
)
from accord.scenario.load import DEFAULT_SCENARIO, load

ModelOption = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model to run (repeatable); default: every model."),
]


@app.command()
def forecast(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: ModelOption = None,
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
    trace: Annotated[bool, typer.Option(help="Also print round-by-round tables.")] = False,
    seed: SeedOption = None,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Forecast where each issue settles, with every model (or those chosen)."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        result = run_forecast(loaded, model or None, date=parse_date(as_of), seed=seed)
        if output is OutputFormat.json:
            write_output(json.dumps(result.to_json(), indent=2, ensure_ascii=False), out, force)
        elif output is OutputFormat.csv:
            write_output(forecast_csv(result), out, force)
        else:
            screen = console()
            if out is not None:
                screen = Console(file=open(os.devnull, "w"), record=True, width=140)  # noqa: SIM115
            screen.print(forecast_table(result))
            for note in no_deal_notes(result):
                screen.print(note)
            if trace:
                for table in trace_tables(result):
                    screen.print(table)
                for line in trace_events(result):
                    screen.print(line)
            if out is not None:
                write_output(screen.export_text(), out, force)
    except InputError as error:
        fail(error)
