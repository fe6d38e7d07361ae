"""``accord sweep``: a Monte Carlo run over every ranged input, summarised per model and issue.

The same computation as ``accord forecast --draws``, reported as distributions: median, 80 %
interval, mean and standard deviation, the chance of each labelled outcome band, and how
issues move together. Meant for large runs spread over processes or a Dask cluster.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import Annotated

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from accord.analysis.montecarlo import DEFAULT_DRAWS, MonteCarlo
from accord.analysis.runs import model_specs
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
    JobsOption,
    OverlayOption,
    RecordOption,
    SchedulerOption,
    SetOption,
    WorkersOption,
    run_command,
    whatif_table,
)
from accord.errors import InputError
from accord.report.terminal import format_value
from accord.scenario.load import DEFAULT_SCENARIO, load


def band_table(result: MonteCarlo) -> Table:
    """Per issue and model: the share of draws in each labelled band, likeliest first.

    A share of draws under one model and the analyst's ranges, not a calibrated probability
    (:mod:`accord.analysis.labels`); the caption says so.
    """
    table = Table(title="Outcome bands: share of draws (model in each row), likeliest first")
    table.add_column("Issue", style="bold", overflow="fold", max_width=24)
    table.add_column("Model")
    table.add_column("Share of draws (this model) in each band", overflow="fold")
    table.caption = (
        f"Shares of {result.draws:,} draws of the inputs' ranges under each model: how often "
        "that model lands in a band, not a calibrated probability of the outcome."
    )
    models = list(result.summary)
    for issue in result.scenario.issues:
        for row, name in enumerate(models):
            item = result.summary[name].issues[issue.id]
            ranked = sorted(item.bands, key=lambda pair: -pair[1])
            text = " · ".join(f"{share:.0%} {band.label}" for band, share in ranked if share > 0)
            table.add_row(
                issue.name if row == 0 else "",
                name,
                text or "(no labelled anchors)",
                end_section=row == len(models) - 1,
            )
    return table


def comovement_table(result: MonteCarlo, top: int = 5) -> Table:
    """Per model, the issue pairs whose settlements move together most (Spearman's rho)."""
    table = Table(title="Issues that move together (Spearman's rho across draws)")
    for column in ("Model", "Issues", "rho"):
        table.add_column(column, justify="right" if column == "rho" else "left")
    names = {issue.id: issue.name for issue in result.scenario.issues}
    ids = result.problem.issue_ids
    for name, summary in result.summary.items():
        matrix = summary.comovement
        pairs = [
            (float(matrix[i, j]), ids[i], ids[j])
            for i in range(len(ids))
            for j in range(i + 1, len(ids))
            if np.isfinite(matrix[i, j])
        ]
        pairs.sort(key=lambda pair: -abs(pair[0]))
        for row, (rho, first, second) in enumerate(pairs[:top]):
            table.add_row(
                name if row == 0 else "",
                f"{names[first]} ~ {names[second]}",
                f"{rho:+.2f}",
                end_section=row == min(top, len(pairs)) - 1,
            )
    return table


def sweep_table(result: MonteCarlo) -> Table:
    """Per issue and model: median, 80 % interval, mean, standard deviation, likeliest band."""
    table = Table(
        title=f"{result.scenario.title} — {result.draws:,} draws, seed {result.seed}"
        + (f", as of {result.problem.as_of}" if result.problem.as_of else "")
    )
    table.add_column("Issue", style="bold", overflow="fold", max_width=24)
    table.add_column("Model")
    for column in ("Median", "80 % interval", "Mean", "SD"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Likeliest band (share of draws)", overflow="fold", max_width=40)
    models = list(result.summary)
    for issue in result.scenario.issues:
        for row, name in enumerate(models):
            item = result.summary[name].issues[issue.id]
            likeliest = max(item.bands, key=lambda pair: pair[1], default=None)
            table.add_row(
                issue.name if row == 0 else "",
                name,
                format_value(item.median, issue),
                f"{format_value(item.low, issue)} – {format_value(item.high, issue)}",
                format_value(item.mean, issue),
                format_value(item.sd, issue),
                f"{likeliest[1]:.0%} {likeliest[0].label}" if likeliest else "",
                end_section=row == len(models) - 1,
            )
    return table


def sweep_csv(result: MonteCarlo) -> str:
    """One row per model, issue and band: the distribution's summary and the band's chance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scenario",
            "as_of",
            "seed",
            "draws",
            "model",
            "issue",
            "median",
            "low",
            "high",
            "mean",
            "sd",
            "band",
            "band_from",
            "band_to",
            "probability",
        ]
    )
    as_of = result.problem.as_of.isoformat() if result.problem.as_of else ""
    for name, summary in result.summary.items():
        for issue_id, item in summary.issues.items():
            common = [result.scenario.id, as_of, result.seed, result.draws, name, issue_id]
            stats = [f"{v:.6g}" for v in (item.median, item.low, item.high, item.mean, item.sd)]
            for band, share in item.bands or ((None, None),):
                if band is None:
                    writer.writerow([*common, *stats, "", "", "", ""])
                else:
                    writer.writerow(
                        [
                            *common,
                            *stats,
                            band.label,
                            f"{band.low:g}",
                            f"{band.high:g}",
                            f"{share:.6g}",
                        ]
                    )
    return out.getvalue()


@app.command()
def sweep(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    draws: Annotated[
        int, typer.Option("--draws", "-n", help="Number of draws.", metavar="N")
    ] = DEFAULT_DRAWS,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help=MODEL_HELP, metavar="SPEC"),
    ] = None,
    seed: SeedOption = None,
    as_of: AsOfOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    jobs: JobsOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    record: RecordOption = True,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Sample every ranged input N times and summarise each model's settlements."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        ran = run_command(
            "sweep",
            scenario,
            loaded,
            parse_date(as_of),
            {"models": model_specs(model), "seed": seed, "draws": draws},
            sets=set_,
            overlay=overlay,
            record=record,
            jobs=jobs,
            workers=workers,
            scheduler=scheduler,
            label=f"{draws:,} draws",
        )
        result = ran.result
        assert isinstance(result, MonteCarlo)
        if output is OutputFormat.json:
            write_output(json_text(ran.results), out, force)
        elif output is OutputFormat.csv:
            write_output(sweep_csv(result), out, force)
        else:
            screen = console()
            if out is not None:
                screen = recorder()
            for table in (sweep_table(result), band_table(result), comovement_table(result)):
                screen.print(table)
            for warning in result.warnings:
                screen.print(f"[yellow]warning:[/yellow] {escape(warning)}")
            changes = whatif_table(result.scenario, ran.results)
            if changes is not None:
                screen.print(changes)
            if out is not None:
                write_screen(screen, out, force)
        if sys.stderr.isatty():
            console(stderr=True).print(f"{result.draws:,} draws of {len(result.summary)} models")
    except InputError as error:
        fail(error)
