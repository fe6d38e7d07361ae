"""``accord odds`` and ``accord ledger``: dated probabilities, replayed and scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from accord.analysis.ledger import Replay, Row, gather_events, replay, score
from accord.analysis.odds import Odds, odds
from accord.analysis.runs import execute
from accord.cli.common import (
    AccordTyper,
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
from accord.cli.execution import reference_for
from accord.cli.progress import progress_bar
from accord.errors import InputError
from accord.records import RunStore
from accord.scenario.load import DEFAULT_SCENARIO, load
from accord.scenario.provenance import PARTS, latest_date, with_sources

RunsOption = Annotated[
    int,
    typer.Option(
        "--draws", "-n", metavar="N", help="Draws of the scenario, each with simulated talks."
    ),
]
SeedZero = Annotated[
    int, typer.Option(help="Seed (default 0: reruns give the same numbers).", metavar="SEED")
]
EventsOption = Annotated[
    Path | None,
    typer.Option("--events", metavar="FILE", help="Extra events (YAML/JSON list) to include."),
]

ledger_app = AccordTyper(
    help="The track record: replay dated probabilities of the scenario's events, and score "
    "the resolved ones.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(ledger_app, name="ledger")


@app.command("odds")
def odds_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="YYYY-MM-DD",
            help="The date the question asks about (default: by the end of the talks, as "
            "forecast, deal, simulate and ratify report it).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    draws: RunsOption = 1000,
    seed: SeedZero = 0,
    issue: Annotated[
        list[str] | None,
        typer.Option(
            "--issue",
            metavar="ISSUE>=VALUE",
            help="Also P(deal by T settling ISSUE at least (>=) or at most (<=) VALUE).",
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """P(a signed framework by --by), as of --as-of: zone × reached by T × ratified | signed."""
    try:
        loaded = load(scenario)
        deadline = parse_date(by, "--by") if by else None
        thresholds = dict(_threshold(text) for text in issue or [])
        with progress_bar(f"{draws:,} draws") as bar:
            result = odds(
                loaded,
                by=deadline,
                date=parse_date(as_of),
                runs=draws,
                seed=seed,
                thresholds=thresholds,
            )
            bar(1, 1)
        if output is OutputFormat.json:
            write_output(json_text(result.to_json()), out, force)
        else:
            screen = console()
            for line in odds_lines(result):
                screen.print(line)
    except InputError as error:
        fail(error)


def _threshold(text: str) -> tuple[str, tuple[str, float]]:
    for relation in (">=", "<="):
        if relation in text:
            issue, value = text.split(relation, 1)
            try:
                return issue.strip(), (relation, float(value))
            except ValueError:
                break
    raise InputError.single(
        None, f"bad --issue {text!r}", path=("--issue",), hint="write ISSUE>=VALUE or ISSUE<=VALUE"
    )


def odds_lines(result: Odds) -> list[str]:
    """The odds in plain lines: the probability, its decomposition, the ceasefire, drivers."""
    parts = result.components
    by = "the end of the talks" if result.by is None else str(result.by)
    on = "at the end of the talks" if result.by is None else f"on {result.by}"
    lines = [
        f"[bold]P(framework signed and ratified by {by}), as of {result.as_of}: "
        f"{100 * result.probability.probability:.1f} %[/bold] "
        f"(80 % interval {100 * result.probability.low:.1f} to "
        f"{100 * result.probability.high:.1f} %, bootstrap over {result.runs:,} draws)",
        f"  = P(zone of agreement open) {parts['zone']:.3f}"
        f" × P(agreement by {by} | zone) {parts['reached_by']:.3f}"
        f" × P(ratified | signed) {parts['ratified_given_signed']:.3f}",
        f"  P(signed by {by}): {100 * result.signed.probability:.1f} %; "
        f"P(general ceasefire in force {on}): "
        f"{100 * result.ceasefire.probability:.1f} % "
        f"(80 % interval {100 * result.ceasefire.low:.1f} to {100 * result.ceasefire.high:.1f} %)",
    ]
    if result.by is not None:
        lines.append(f"  Rounds of talks that fit before {by}: {result.rounds_available:g}.")
    for issue_id, item in result.issues.items():
        lines.append(
            f"  P(deal by {by} with {issue_id} {item['relation']} {item['value']:g}): "
            f"{100 * item['probability']:.1f} %"
        )
    if result.drivers:
        lines.append("  What moves it (rank correlation of an input's draws with 'signed by T'):")
        for driver in result.drivers:
            lines.append(f"    {escape(driver.input)}: {driver.correlation:+.2f}")
    else:
        lines.append("  No input moves it: the outcome is the same in every draw.")
    lines += [f"[yellow]warning:[/yellow] {escape(text)}" for text in result.warnings]
    return lines


@ledger_app.command("replay")
def ledger_replay(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    events: EventsOption = None,
    draws: RunsOption = 500,
    seed: SeedZero = 0,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """At every update date, the probability of every event still open; saved to the store."""
    try:
        loaded = load(scenario)
        chosen = gather_events(loaded, str(events) if events else None)
        if not chosen:
            raise InputError.single(
                loaded.id,
                "the scenario has no events",
                path=("events",),
                hint="add events: to the scenario or pass --events FILE",
            )
        store = RunStore()
        store.check()
        options = {
            "runs": draws,
            "seed": seed,
            "events": [event.model_dump(mode="json") for event in chosen],
        }
        with progress_bar("replaying") as bar:
            ran = execute("ledger", loaded, options, progress=bar)
        assert isinstance(ran.result, Replay)
        rows = list(ran.result.rows)
        results = ran.results
        store.add(
            kind="ledger",
            scenario=loaded.model_dump(mode="json"),
            options=options,
            results=results,
            reference=reference_for(scenario),
        )
        if output is OutputFormat.json:
            write_output(json_text(results), out, force)
        else:
            console().print(rows_table(rows))
    except InputError as error:
        fail(error)


@ledger_app.command("score")
def ledger_score(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    events: EventsOption = None,
    draws: RunsOption = 500,
    seed: SeedZero = 0,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Brier score and log loss of the resolved events, against three baselines."""
    try:
        loaded = load(scenario)
        chosen = gather_events(loaded, str(events) if events else None)
        rows = _stored_rows(loaded.id, draws, seed)
        missing = [
            e for e in chosen if e.outcome is not None and e.id not in {r.event for r in rows}
        ]
        if missing:
            with progress_bar("replaying") as bar:
                rows += replay(loaded, missing, runs=draws, seed=seed, progress=bar)
        result = score(loaded, rows, chosen, seed=seed)
        if output is OutputFormat.json:
            data = with_sources(result.to_json(), loaded, latest_date(loaded), parts=PARTS)
            write_output(json_text(data), out, force)
        else:
            screen = console()
            if result.n == 0:
                screen.print("No resolved event to score (give events an outcome).")
                return
            low, high = result.brier_interval or (float("nan"), float("nan"))
            screen.print(
                f"[bold]Brier score {result.brier:.4f}[/bold] (90 % interval {low:.4f} to "
                f"{high:.4f}), log loss {result.log_loss:.4f}, over {result.n} dated forecasts of "
                f"{result.events} resolved events (lower is better)."
            )
            table = Table(title="Against baselines")
            for column in ("Forecaster", "Brier", "Log loss"):
                table.add_column(column)
            table.add_row("accord", f"{result.brier:.4f}", f"{result.log_loss:.4f}")
            for name, values in result.baselines.items():
                table.add_row(name, f"{values['brier']:.4f}", f"{values['log_loss']:.4f}")
            screen.print(table)
            if result.reliability:
                reliability = Table(title="Reliability")
                for column in ("Forecast bin", "Rows", "Mean forecast", "Observed"):
                    reliability.add_column(column)
                for item in result.reliability:
                    reliability.add_row(
                        item["bin"],
                        str(item["rows"]),
                        f"{item['forecast']:.3f}",
                        f"{item['observed']:.3f}",
                    )
                screen.print(reliability)
    except InputError as error:
        fail(error)


def _stored_rows(scenario_id: str, runs: int, seed: int) -> list[Row]:
    """The newest replay of this scenario with these settings in the run store, as rows."""
    store = RunStore()
    for record in store.list():
        if record.kind != "ledger" or record.scenario != scenario_id:
            continue
        if record.options.get("runs") != runs or record.options.get("seed") != seed:
            continue
        return [Row.from_json(item) for item in record.results.get("rows", [])]
    return []


def rows_table(rows: list[Row]) -> Table:
    """One row per event and forecast date."""
    table = Table(title="Replayed probabilities (only data of each date)")
    for column in ("Event", "As of", "By", "P", "80 % interval"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.event,
            str(row.as_of),
            str(row.by),
            f"{row.probability:.3f}",
            f"{row.low:.3f} to {row.high:.3f}",
        )
    return table
