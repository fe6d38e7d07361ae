"""``accord report``: one self-contained HTML file with the forecast, figures, map and sources."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from accord.analysis import whatif
from accord.cli.common import (
    AsOfOption,
    ForceOption,
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
from accord.cli.execution import OverlayOption, SetOption
from accord.errors import InputError
from accord.report.context import ANALYSES, build
from accord.report.html import report_html
from accord.scenario.load import DEFAULT_SCENARIO, load

DEFAULT_DRAWS = 200


class PlotlyChoice(StrEnum):
    """Where the report's plotly.js comes from."""

    inline = "inline"
    cdn = "cdn"


def _readable(path: Path) -> None:
    """Give the report the permissions of a new file (the atomic write leaves it 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


@app.command()
def report(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="HTML file to write (default: SCENARIO-ID.html; '-' for stdout)."
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
        typer.Option(
            "--model",
            "-m",
            help="Model to run (repeatable); default: every model.",
            metavar="MODEL",
        ),
    ] = None,
    extras: Annotated[
        bool,
        typer.Option(
            "--analyses/--no-analyses",
            help="Also run the timeline, sensitivity screen, levers, war, deal values, "
            "ratification and simulated talks (a few seconds more).",
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
    force: ForceOption = False,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Write a self-contained HTML report: summary, forecast, figures, map, assumptions, sources."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        target = out if out is not None else Path(f"{loaded.id}.html")
        if str(target) != "-" and target.exists() and not force:
            raise InputError.single(
                str(target), "already exists", hint="choose another --out, or pass --force"
            )
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
            )
        document = report_html(context, plotly_mode=plotly_mode.value)
        if str(target) == "-":
            write_output(document, None, force)
        else:
            write_output(document, target, force)
            _readable(target)
    except InputError as error:
        fail(error)
