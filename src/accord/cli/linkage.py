"""``accord linkage``: the issue trades among veto players, and whether a package opens a deal."""

from __future__ import annotations

import csv
import io

from rich.markup import escape
from rich.table import Table

from accord.analysis.linkage import Linkage
from accord.cli.common import (
    AsOfOption,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    ScenarioArgument,
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

TRADES_SHOWN = 20


@app.command("linkage")
def linkage_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    as_of: AsOfOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Two-issue trades among the veto players, and the smallest package better than no deal."""
    try:
        loaded = load(scenario)
        ran = run_command(
            "linkage",
            scenario,
            loaded,
            parse_date(as_of),
            {},
            sets=set_,
            overlay=overlay,
            record=record,
            label="linkage",
        )
        result = ran.result
        assert isinstance(result, Linkage)
        if output is OutputFormat.table:
            screen = console()
            screen.print(f"[bold]{escape(result.verdict())}[/bold]")
            screen.print(trades_table(result))
            package = package_table(result)
            if package is not None:
                screen.print(package)
            if out is not None:
                write_output(screen.export_text(), out, force)
        elif output is OutputFormat.csv:
            write_output(trades_csv(result), out, force)
        else:
            write_output(json_text(ran.results), out, force)
    except InputError as error:
        fail(error)


def trades_table(result: Linkage) -> Table:
    """The best-paying trades (first :data:`TRADES_SHOWN`)."""
    title = f"Trades among the veto players — {result.scenario_id}"
    if result.as_of:
        title += f" as of {result.as_of}"
    table = Table(title=title, caption=f"{len(result.trades)} trades; the best shown")
    for column in ("Gives ground", "On", "From → to", "In return", "On", "From → to", "Gain"):
        table.add_column(column, overflow="fold")
    for trade in result.trades[:TRADES_SHOWN]:
        table.add_row(
            result.names.get(trade.giver, trade.giver),
            result.names.get(f"issue:{trade.give_issue}", trade.give_issue),
            f"{trade.give_from:.4g} → {trade.give_to:.4g}",
            result.names.get(trade.taker, trade.taker),
            result.names.get(f"issue:{trade.take_issue}", trade.take_issue),
            f"{trade.take_from:.4g} → {trade.take_to:.4g}",
            f"{trade.gain:.4f}",
        )
    return table


def package_table(result: Linkage) -> Table | None:
    """The package per issue: the compromise forecast, the package, whose red lines it crosses."""
    package = result.package
    if package is None:
        return None
    table = Table(title="Smallest package every veto player prefers to no deal")
    for column in ("Issue", "Compromise forecast", "Package", "Crosses the red lines of"):
        table.add_column(column, overflow="fold")
    for issue, value in package.outcome.items():
        crossed = package.crosses.get(issue, ())
        table.add_row(
            result.names.get(f"issue:{issue}", issue),
            f"{package.baseline[issue]:.4g}",
            f"{value:.4g}",
            ", ".join(result.names.get(a, a) for a in crossed) or "—",
        )
    return table


def trades_csv(result: Linkage) -> str:
    """One row per trade, best first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = ("giver", "give_issue", "give_from", "give_to", "taker", "take_issue", "take_from")
    writer.writerow([*names, "take_to", "gain"])
    for trade in result.trades:
        writer.writerow([getattr(trade, name) for name in (*names, "take_to", "gain")])
    return out.getvalue()
