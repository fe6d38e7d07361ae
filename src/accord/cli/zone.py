"""``accord zone``: is there any outcome every veto player accepts, and what would open one."""

from __future__ import annotations

import csv
import io
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from accord.analysis.zone import Zone
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


@app.command("zone")
def zone_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    as_of: AsOfOption = None,
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            "-n",
            metavar="N",
            help="Also sample the inputs' ranges N times: share of draws with a zone, spread.",
        ),
    ] = None,
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
    """The zone of agreement: outcomes inside every veto player's red lines, or who blocks."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        if draws is not None and draws < 1:
            raise InputError.single(
                None, "--draws must be 1 or more", path=("--draws",), value=draws
            )
        ran = run_command(
            "zone",
            scenario,
            loaded,
            parse_date(as_of),
            {"draws": draws, "seed": 0 if seed is None else seed},
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"zone: {draws or 0:,} draws",
        )
        result = ran.result
        assert isinstance(result, Zone)
        if output is OutputFormat.json:
            write_output(json_text(ran.results), out, force)
        elif output is OutputFormat.csv:
            write_output(zone_csv(result), out, force)
        else:
            screen = console()
            first, *rest = result.verdict_lines()
            screen.print(f"[bold]{escape(first)}[/bold]")
            for line in rest:
                screen.print(f"  • {escape(line)}")
            screen.print(zone_table(result))
            if out is not None:
                write_output(zone_csv(result), out, force)
    except InputError as error:
        fail(error)


def zone_table(result: Zone) -> Table:
    """Per issue: the zone's interval or the gap, and who sets each bound."""
    title = f"Zone of agreement — {result.scenario_id}"
    if result.as_of:
        title += f" as of {result.as_of}"
    table = Table(title=title)
    for column in ("Issue", "Zone", "Floor set by", "Ceiling set by", "Gap"):
        table.add_column(column, overflow="fold")
    for issue_id, item in result.issues.items():
        unit = result.units.get(issue_id, "")
        span = "empty" if item.low is None else f"{item.low:.4g} to {item.high:.4g} {unit}".strip()
        if item.low_range is not None and item.high_range is not None:
            span += (
                f" (draws: low {item.low_range[0]:.4g} to {item.low_range[1]:.4g}, "
                f"high {item.high_range[0]:.4g} to {item.high_range[1]:.4g})"
            )
        table.add_row(
            result.names.get(f"issue:{issue_id}", issue_id),
            span,
            ", ".join(result.names.get(a, a) for a in item.floor_by) or "—",
            ", ".join(result.names.get(a, a) for a in item.ceiling_by) or "—",
            "" if item.gap is None else f"{item.gap:.4g} {unit}".strip(),
        )
    return table


def zone_csv(result: Zone) -> str:
    """One row per issue: the zone's bounds, the floor and ceiling and who sets them, the gap."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scenario",
            "as_of",
            "issue",
            "low",
            "high",
            "floor",
            "floor_by",
            "ceiling",
            "ceiling_by",
            "gap",
            "blocking",
        ]
    )
    for issue_id, item in result.issues.items():
        writer.writerow(
            [
                result.scenario_id,
                result.as_of.isoformat() if result.as_of else "",
                issue_id,
                "" if item.low is None else f"{item.low:.6g}",
                "" if item.high is None else f"{item.high:.6g}",
                f"{item.floor:.6g}",
                " ".join(item.floor_by),
                f"{item.ceiling:.6g}",
                " ".join(item.ceiling_by),
                "" if item.gap is None else f"{item.gap:.6g}",
                " ".join(item.blocking),
            ]
        )
    return out.getvalue()
