"""``accord report``: one self-contained HTML file with the forecast, figures, map and sources."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from accord.analysis import whatif
from accord.cli.common import (
    MODEL_HELP,
    AsOfOption,
    ForceOption,
    ScaleMax,
    ScaleMin,
    ScenarioArgument,
    SeedOption,
    app,
    check_out,
    console,
    fail,
    parse_date,
    write_output,
)
from accord.cli.execution import OverlayOption, SetOption
from accord.errors import InputError
from accord.report.context import ANALYSES, build
from accord.report.html import report_html
from accord.scenario.load import DEFAULT_SCENARIO, check_target, load
from accord.territory.geometry import control_area

DEFAULT_DRAWS = 200


class PlotlyChoice(StrEnum):
    """Where the report's plotly.js comes from."""

    inline = "inline"
    cdn = "cdn"


@app.command()
def report(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="HTML file to write (default: SCENARIO-ID.html; '-' for stdout).",
            callback=check_out,
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            "-n",
            help="Draws from the scenario's ranges for the intervals; 1 = point values.",
            metavar="N",
        ),
    ] = DEFAULT_DRAWS,
    seed: SeedOption = None,
    as_of: AsOfOption = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help=MODEL_HELP, metavar="SPEC"),
    ] = None,
    extras: Annotated[
        bool,
        typer.Option(
            "--analyses/--no-analyses",
            help="Also run the timeline, sensitivity screen, levers, war, deal values, "
            "ratification, simulated talks and the track record (a few seconds more).",
        ),
    ] = True,
    plotly_mode: Annotated[
        PlotlyChoice,
        typer.Option(
            "--plotly",
            help="inline: plotly.js inside the file (works offline); cdn: loaded from "
            "cdn.plot.ly (about 4.5 MB smaller, needs a network).",
        ),
    ] = PlotlyChoice.inline,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    control: Annotated[
        Path | None,
        typer.Option(
            "--control",
            help="A GeoJSON map of occupied territory (e.g. DeepState's) to draw on the oblast "
            "map with its front line.",
        ),
    ] = None,
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Write a self-contained HTML report: summary, forecast, figures, map, assumptions, sources."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        drawn = None if control is None else control_area(control)
        target = out if out is not None else Path(f"{loaded.id}.html")
        if str(target) != "-":
            check_target(target, force)
        show = sys.stderr.isatty()
        with (
            Progress(console=console(stderr=True), transient=True) if show else nullcontext() as bar
        ):
            task = bar.add_task("forecasting", total=1.0) if bar is not None else None

            def progress(fraction: float, message: str) -> None:
                if bar is not None and task is not None:
                    bar.update(task, completed=fraction, description=message)

            context = build(
                loaded,
                models=model or None,
                date=parse_date(as_of),
                draws=draws,
                seed=seed,
                analyses=ANALYSES if extras else (),
                changes=whatif.gather(set_ or [], overlay),
                progress=progress,
                control=drawn,
            )
        document = report_html(context, plotly_mode=plotly_mode.value)
        if str(target) == "-":
            write_output(document, None, force)
        else:
            write_output(document, target, force)
    except InputError as error:
        fail(error)
