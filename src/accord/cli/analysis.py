"""``accord timeline``, ``accord backtest`` and ``accord precedents``: thin calls, rendered."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.analysis import whatif
from accord.analysis.backtest import WITHIN, Backtest, Estimate, backtest, builtin_cases, deu_cases
from accord.analysis.precedents import (
    PROVISIONS,
    Precedents,
    parse_mapping,
    precedents,
    profile_for,
)
from accord.analysis.runs import model_specs
from accord.analysis.timeline import Timeline
from accord.cli.common import (
    MODEL_HELP,
    AsOfOption,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    ScaleMax,
    ScaleMin,
    ScenarioArgument,
    SeedOption,
    SepOption,
    app,
    console,
    fail,
    json_text,
    parse_date,
    recorder,
    write_output,
    write_screen,
)
from accord.cli.execution import (
    OverlayOption,
    RecordOption,
    SetOption,
    changes_text,
    run_command,
)
from accord.errors import InputError
from accord.report.numbers import span
from accord.scenario.deu import load_deu
from accord.scenario.load import DEFAULT_SCENARIO, load
from accord.scenario.provenance import with_sources
from accord.scenario.schema import Issue, Scenario

ModelOption = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help=MODEL_HELP, metavar="SPEC"),
]


def _emit(
    output: OutputFormat, out: Path | None, force: bool, data: Any, csv_text: Any, tables: Any
) -> None:
    """Write JSON, CSV or rich tables (to the terminal, or as text to ``--out``)."""
    if output is OutputFormat.json:
        write_output(json_text(data()), out, force)
        return
    if output is OutputFormat.csv:
        write_output(csv_text(), out, force)
        return
    screen = console()
    if out is not None:
        screen = recorder()
    for item in tables():
        screen.print(item)
    if out is not None:
        write_screen(screen, out, force)


def _csv(rows: Iterable[dict[str, Any]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def _number(value: float, issue: Issue) -> str:
    span = issue.max - issue.min
    digits = 0 if span >= 100 else 1 if span >= 10 else 2
    return f"{value:,.{digits}f}"


def _signed(value: float, issue: Issue) -> str:
    text = _number(value, issue)
    return text if text.startswith("-") else f"+{text}"


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# timeline


@app.command("timeline")
def timeline_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: ModelOption = None,
    date: Annotated[
        list[str] | None,
        typer.Option("--date", "-d", help="Also forecast at this date (YYYY-MM-DD; repeatable)."),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(
            "--draws",
            "-n",
            help="Add 80 % intervals from this many draws of the scenario's ranges.",
            metavar="N",
        ),
    ] = None,
    seed: SeedOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """The forecast at every dated update (and chosen dates), and which update moved it.

    ``--set`` / ``--overlay`` changes are in force at every date: each point shows what
    ``accord forecast --as-of DATE`` shows with the same changes.
    """
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        dates = [parse_date(text, "--date") for text in date or []]
        if draws is not None and draws < 2:
            raise InputError.single(
                None, "--draws must be 2 or more", path=("--draws",), value=draws
            )
        options = {
            "models": model_specs(model),
            "dates": [d.isoformat() for d in dates if d],
            "draws": draws,
            "seed": seed,
        }
        ran = run_command(
            "timeline",
            scenario,
            loaded,
            None,
            options,
            sets=set_,
            overlay=overlay,
            record=record,
            label=f"timeline: {draws or 0:,} draws",
        )
        result = ran.result
        assert isinstance(result, Timeline)
        changed = ran.results.get("whatif", {}).get("changes")

        def data() -> dict[str, Any]:
            return ran.results

        def tables() -> list[Any]:
            shown = _timeline_tables(result)
            if changed:
                shown.insert(0, f"What-if, in force at every date: {changes_text(changed)}")
            return shown

        _emit(
            output,
            out,
            force,
            data,
            lambda: _csv(result.rows(), list(result.rows()[0])),
            tables,
        )
    except InputError as error:
        fail(error)


def _timeline_tables(result: Timeline) -> list[Any]:
    scenario = result.scenario
    names = {actor.id: actor.name for actor in scenario.actors}
    dated = Table(title=f"{scenario.title} — dated points")
    dated.add_column("Date", no_wrap=True)
    dated.add_column("Point", no_wrap=True)
    dated.add_column("Events", overflow="fold")
    for point in result.points:
        event = "; ".join(point.events) or ("base values" if point.kind == "base" else "")
        dated.add_row(point.date.isoformat() if point.date else "base", point.kind, event)
    tables: list[Any] = [dated]
    for model in result.models:
        table = Table(
            title=f"{model}: forecast at each dated point",
            caption="Units: " + "; ".join(f"{i.id} {i.unit or 'scale'}" for i in scenario.issues),
        )
        table.add_column("Date", no_wrap=True)
        for issue in scenario.issues:
            table.add_column(issue.id, justify="right", min_width=min(len(issue.id), 13))
        for point in result.points:
            cells = []
            for issue in scenario.issues:
                item = point.forecasts[model][issue.id]
                text = _number(item.value, issue)
                if item.low is not None and item.high is not None:
                    text += f"\n[{span(_number(item.low, issue), _number(item.high, issue))}]"
                cells.append(text)
            table.add_row(point.date.isoformat() if point.date else "base", *cells)
        tables.append(table)
    if not result.steps:
        tables.append("The scenario has no dated updates, so no update moved any issue.")
        return tables
    moves = Table(
        title="The update that moved each issue most, and why",
        caption="Move: change of the forecast at that update, in the issue's unit. Main driver: "
        "the actor whose changes account for most of it (Shapley value; exact decomposition for "
        "compromise). Largest change: the single changed value with the largest effect.",
    )
    moves.add_column("Issue", no_wrap=True)
    moves.add_column("Model", no_wrap=True)
    moves.add_column("Update", no_wrap=True)
    moves.add_column("Move", justify="right", no_wrap=True)
    moves.add_column("Main driver", overflow="fold")
    moves.add_column("Largest change", overflow="fold")
    largest = result.largest_moves()
    for issue in scenario.issues:
        for row, model in enumerate(result.models):
            found = largest[model][issue.id]
            if found is None:
                cells = ["no update moved it", "", "", ""]
            else:
                step, move = found
                driver = move.driver
                driver_text = (
                    f"{_label(driver, names)} {_signed(move.by_actor[driver], issue)}"
                    if driver
                    else "—"
                )
                top = max(move.by_change, key=lambda p: abs(move.by_change[p]), default=None)
                change_text = (
                    f"{top} {_signed(move.by_change[top], issue)}"
                    if top and move.by_change[top] != 0
                    else "—"
                )
                cells = [
                    f"{step.date} {_short('; '.join(step.events), 30)}",
                    _signed(move.delta, issue),
                    driver_text,
                    change_text,
                ]
            moves.add_row(
                issue.id if row == 0 else "",
                model,
                *cells,
                end_section=row == len(result.models) - 1,
            )
    tables.append(moves)
    return tables


def _label(group: str, names: dict[str, str]) -> str:
    if group.startswith("issue:"):
        return f"status quo of {group.removeprefix('issue:')}"
    return names.get(group, group)


# ---------------------------------------------------------------------------------------------
# backtest


@app.command("backtest")
def backtest_command(
    model: ModelOption = None,
    deu: Annotated[
        Path | None,
        typer.Option(help="A DEU III file (semicolon-delimited) to score the models on."),
    ] = None,
    builtin: Annotated[
        bool, typer.Option(help="Include the built-in scenarios with known outcomes.")
    ] = True,
    boot: Annotated[int, typer.Option(help="Bootstrap resamples for the intervals.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    level: Annotated[float, typer.Option(help="Coverage of the intervals.")] = 0.95,
    missing_salience: Annotated[
        float | None,
        typer.Option(help="DEU salience for an actor with a position but none (default 50)."),
    ] = 50.0,
    cases: Annotated[
        bool, typer.Option("--cases", help="List every case (CSV: one row per case and model).")
    ] = False,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Score every model against known outcomes: built-in cases and a DEU III file."""
    try:
        chosen = builtin_cases() if builtin else []
        skipped: list[str] = []
        if deu is not None:
            data = load_deu(deu, missing_salience=missing_salience)
            chosen += deu_cases(data)
            skipped += [f"{data.file}:{line}: {reason}" for line, reason in data.skipped]
            without = len(data.cases) - sum(1 for c in chosen if c.set == data.file)
            if without:
                skipped.append(f"{data.file}: {without} issue(s) without an outcome")
        result = backtest(chosen, model or None, boot=boot, seed=seed, level=level, skipped=skipped)
        _emit(
            output,
            out,
            force,
            result.to_json,
            lambda: _backtest_csv(result, cases),
            lambda: _backtest_tables(result, cases),
        )
    except InputError as error:
        fail(error)


def _interval(estimate: Estimate | None, scale: float = 1.0, digits: int = 1) -> str:
    if estimate is None:
        return "—"
    text = f"{estimate.value * scale:.{digits}f}"
    if estimate.low is not None and estimate.high is not None:
        low, high = (f"{end * scale:.{digits}f}" for end in (estimate.low, estimate.high))
        text += f" [{span(low, high)}]"
    return text


def _backtest_tables(result: Backtest, show_cases: bool) -> list[Any]:
    tables: list[Any] = []
    if show_cases or len(result.results) <= 5:
        table = Table(title="Known outcomes and each model's forecast")
        for column in ("Case", "Outcome", "Model", "Forecast", "Error", "Error (pts of 0-100)"):
            table.add_column(
                column, no_wrap=True, justify="left" if column in ("Case", "Model") else "right"
            )
        for item in result.results:
            issue = item.case.scenario.issue(item.case.issue)
            unit = f" {issue.unit}" if issue.unit and len(issue.unit) <= 12 else ""
            for row, model in enumerate(result.models):
                table.add_row(
                    item.case.id if row == 0 else "",
                    f"{item.case.outcome:.4g}{unit}" if row == 0 else "",
                    model,
                    f"{item.forecast[model]:.4g}{unit}",
                    f"{item.error[model]:.3g}{unit}",
                    f"{item.scaled[model]:.1f}",
                    end_section=row == len(result.models) - 1,
                )
        tables.append(table)
    percent = round(result.level * 100)
    for name, per_model in result.metrics.items():
        n = next(iter(per_model.values())).n
        interval = (
            f"[{percent} % bootstrap interval, {result.boot} resamples, seed {result.seed}]"
            if n > 1
            else "one case: no bootstrap interval (it needs two or more)"
        )
        table = Table(
            title=f"Accuracy on {name} ({n} case{'s' if n != 1 else ''}; errors in points on "
            f"0-100 of each issue's range; {interval})"
        )
        for column in ("Model", "MAE", "Median AE", f"Within {WITHIN:g} pts (%)"):
            table.add_column(column, justify="right" if column != "Model" else "left")
        if result.baseline:
            table.add_column(f"MAE − {result.baseline}", justify="right")
            table.add_column(f"Within − {result.baseline} (pp)", justify="right")
        for model, metric in per_model.items():
            cells = [
                model,
                _interval(metric.mae),
                _interval(metric.median),
                _interval(metric.within, 100, 0),
            ]
            if result.baseline:
                cells += [
                    _interval(metric.mae_vs_baseline),
                    _interval(metric.within_vs_baseline, 100, 0),
                ]
            table.add_row(*cells)
        tables.append(table)
    for note in result.skipped:
        tables.append(f"left out: {note}")
    return tables


def _backtest_csv(result: Backtest, show_cases: bool) -> str:
    if show_cases:
        rows = [
            {
                "set": item.case.set,
                "scenario": item.case.scenario.id,
                "issue": item.case.issue,
                "outcome": item.case.outcome,
                "model": model,
                "forecast": item.forecast[model],
                "error": item.error[model],
                "error_0_100": item.scaled[model],
            }
            for item in result.results
            for model in result.models
        ]
        header = [
            "set",
            "scenario",
            "issue",
            "outcome",
            "model",
            "forecast",
            "error",
            "error_0_100",
        ]
        return _csv(rows, header)
    header = ["set", "model", "n"]
    names = ["mae", "median", "within", "mae_vs_baseline", "within_vs_baseline"]
    for name in names:
        header += [name, f"{name}_low", f"{name}_high"]
    rows = []
    for set_name, per_model in result.metrics.items():
        for model, metric in per_model.items():
            row: dict[str, Any] = {"set": set_name, "model": model, "n": metric.n}
            for name in names:
                estimate = getattr(metric, name)
                row[name] = estimate.value if estimate else None
                row[f"{name}_low"] = estimate.low if estimate else None
                row[f"{name}_high"] = estimate.high if estimate else None
            rows.append(row)
    return _csv(rows, header)


# ---------------------------------------------------------------------------------------------
# precedents


@app.command("precedents")
def precedents_command(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    agreement_type: Annotated[
        list[str] | None,
        typer.Option("--type", help="Agreement type: Inter, InterIntra, Intra, IntraLocal."),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(help="Stage: Pre, Cea, SubPar, SubComp, Imp, Ren, Oth (repeatable)."),
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="PA-X region, e.g. 'Europe and Eurasia'.")
    ] = None,
    third_party: Annotated[
        bool | None,
        typer.Option("--third-party/--no-third-party", help="With or without a third party."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Map an issue: ISSUE=VAR or ISSUE=VAR+VAR (repeatable)."),
    ] = None,
    top: Annotated[int, typer.Option(help="How many nearest agreements to list.")] = 10,
    as_of: AsOfOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Base rates and nearest precedents in the PA-X peace agreements database."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        changes = whatif.gather(set_ or [], overlay)
        if as_of is not None or changes:
            loaded = whatif.apply(whatif.current(loaded, parse_date(as_of)), changes)
        profile = profile_for(
            loaded,
            agreement_types=agreement_type,
            stages=stage,
            regions=region,
            third_party=third_party,
        )
        result = precedents(
            loaded, profile=profile, mapping=parse_mapping(mapping or [], loaded), top=top
        )
        _emit(
            output,
            out,
            force,
            lambda: with_sources(result.to_json(), loaded, loaded.as_of),
            lambda: _precedents_csv(result),
            lambda: _precedents_tables(result),
        )
    except InputError as error:
        fail(error)


def _share(rate: Any) -> str:
    if rate is None or rate.share is None:
        return "—"
    return (
        f"{100 * rate.share:.0f} % [{span(f'{100 * rate.low:.0f}', f'{100 * rate.high:.0f}')}] "
        f"({rate.count}/{rate.total})"
    )


def _precedents_tables(result: Precedents) -> list[Any]:
    scenario: Scenario = result.scenario
    rates = Table(
        title=f"{scenario.title} — provisions on the table: how often comparable peace "
        f"agreements contain them",
        caption=f"Comparable: {result.profile.describe()} ({result.comparable_count} of "
        f"{result.total_count} PA-X agreements). Share [95 % Wilson interval] (count/total).",
    )
    for column in ("Issue", "PA-X variables", "Comparable", "All agreements", "Mapping"):
        rates.add_column(column, overflow="fold", max_width=46 if column == "Mapping" else None)
    for item in result.issues:
        variables = ", ".join(f"{c} ({PROVISIONS[c].label})" for c in item.variables)
        rates.add_row(
            item.name,
            variables or "no PA-X counterpart",
            _share(item.any_comparable),
            _share(item.any_overall),
            item.note,
        )
    for code, (reason, rate, overall) in result.extra.items():
        rates.add_row(
            "(beyond the issues)",
            f"{code} ({PROVISIONS[code].label})",
            _share(rate),
            _share(overall),
            reason,
        )
    nearest = Table(
        title="Nearest precedents (similarity: 0.7 × provision overlap + 0.3 × context match)"
    )
    for column in (
        "PA-X id",
        "Date",
        "Agreement",
        "Where / process",
        "Parties",
        "Type, stage",
        "Similarity",
        "Shared provisions",
    ):
        nearest.add_column(
            column, overflow="fold", max_width={"Agreement": 40, "Parties": 34}.get(column)
        )
    for precedent in result.nearest:
        agreement = precedent.agreement
        nearest.add_row(
            str(agreement.id),
            agreement.date,
            _short(agreement.name, 70),
            f"{agreement.country} — {agreement.process}",
            _short(agreement.parties, 60),
            f"{agreement.agreement_type}, {agreement.stage}",
            f"{precedent.similarity:.2f}",
            ", ".join(precedent.shared) or "—",
        )
    citation = (
        "Source: PA-X Peace Agreements Database v10 (www.peaceagreements.org); Bell & "
        "Badanjak (2019), JPR 56(3):452-466, doi:10.1177/0022343318819123."
    )
    return [rates, nearest, citation]


def _precedents_csv(result: Precedents) -> str:
    header = [
        "section",
        "issue",
        "variable",
        "count",
        "total",
        "share",
        "low",
        "high",
        "overall_share",
        "pax_id",
        "date",
        "name",
        "country",
        "parties",
        "similarity",
    ]
    rows: list[dict[str, Any]] = []
    for item in result.issues:
        for code in item.variables or ("",):
            rate = item.comparable.get(code)
            overall = item.overall.get(code)
            rows.append(
                {
                    "section": "base_rate" if code else "no_counterpart",
                    "issue": item.issue,
                    "variable": code,
                    "count": rate.count if rate else None,
                    "total": rate.total if rate else None,
                    "share": rate.share if rate else None,
                    "low": rate.low if rate else None,
                    "high": rate.high if rate else None,
                    "overall_share": overall.share if overall else None,
                }
            )
    for code, (_, rate, overall) in result.extra.items():
        rows.append(
            {
                "section": "base_rate",
                "issue": "",
                "variable": code,
                "count": rate.count,
                "total": rate.total,
                "share": rate.share,
                "low": rate.low,
                "high": rate.high,
                "overall_share": overall.share,
            }
        )
    for precedent in result.nearest:
        rows.append(
            {
                "section": "precedent",
                "pax_id": precedent.agreement.id,
                "date": precedent.agreement.date,
                "name": precedent.agreement.name,
                "country": precedent.agreement.country,
                "parties": precedent.agreement.parties,
                "similarity": precedent.similarity,
            }
        )
    return _csv(rows, header)
