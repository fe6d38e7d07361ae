"""``accord robustness``: how much each forecast owes to the way the actors are listed."""

from __future__ import annotations

import csv
import io
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from accord.analysis.robustness import Robustness
from accord.analysis.runs import model_specs
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
    json_text,
    parse_date,
    write_output,
)
from accord.cli.execution import OverlayOption, RecordOption, SetOption, run_command
from accord.errors import InputError
from accord.scenario.load import DEFAULT_SCENARIO, load
from accord.scenario.schema import Scenario


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def robustness_table(result: Robustness, scenario: Scenario) -> Table:
    """Per issue and model: baseline, range over the variants, the variant that moves it most."""
    kinds = sorted({variant.kind for variant in result.variants})
    table = Table(
        title=f"Structural robustness: {len(result.variants)} variants of the actor list "
        f"({', '.join(kinds) or 'none'})"
        + (f", as of {result.as_of.isoformat()}" if result.as_of else "")
    )
    for column in ("Issue", "Model", "Baseline", "Range over variants", "Spread"):
        table.add_column(column, justify="left" if column in ("Issue", "Model") else "right")
    table.add_column("Moved most by")
    for issue in scenario.issues:
        unit = f" {issue.unit}" if issue.unit else ""
        for index, model in enumerate(result.models):
            spread = result.spread(model, issue.id)
            moved = "—"
            if spread.most is not None:
                moved = f"{spread.most} → {_number(spread.most_value)}"
            table.add_row(
                issue.name if index == 0 else "",
                model,
                _number(spread.baseline) + unit,
                f"{_number(spread.low)} – {_number(spread.high)}",
                _number(spread.width),
                moved,
                end_section=index == len(result.models) - 1,
            )
    return table


def robustness_csv(result: Robustness) -> str:
    """One row per variant (the baseline first), model and issue."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["variant", "kind", "model", "issue", "value"])
    rows = [("baseline", "baseline", result.baseline)]
    rows += [(variant.name, variant.kind, variant.models) for variant in result.variants]
    for name, kind, models in rows:
        for model in result.models:
            for issue in result.issues:
                value = models[model][issue]
                writer.writerow([name, kind, model, issue, "" if value is None else f"{value:.6g}"])
    return out.getvalue()


@app.command("robustness")
def robustness_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to rerun (repeatable; default: every model)."),
    ] = None,
    as_of: AsOfOption = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Rerun the models leaving each actor out, with the parties only, and with each bloc merged."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        ran = run_command(
            "robustness",
            scenario,
            loaded,
            parse_date(as_of),
            {"models": model_specs(model), "seed": seed},
            sets=set_,
            overlay=overlay,
            record=record,
            label="structural variants",
        )
        result = ran.result
        assert isinstance(result, Robustness)
        if output is OutputFormat.json:
            write_output(json_text(ran.results), out, force)
        elif output is OutputFormat.csv:
            write_output(robustness_csv(result), out, force)
        else:
            screen = console()
            if out is not None:
                screen = Console(file=open(os.devnull, "w"), record=True, width=160)  # noqa: SIM115
            screen.print(robustness_table(result, loaded))
            if out is not None:
                write_output(screen.export_text(), out, force)
    except InputError as error:
        fail(error)
