"""``accord forecast``: where each issue settles, per model.

With no ``--draws`` it is a single point forecast from the scenario's point values. With
``--draws N`` every ranged input is sampled (Monte Carlo) and the forecast is the median with
its 80 % interval. ``--set`` / ``--overlay`` add what-if changes and report the difference
from the baseline; ``--jobs`` / ``--workers`` / ``--scheduler`` spread the draws.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from accord.analysis.forecast import Forecast, model_status
from accord.analysis.labels import share_label
from accord.analysis.montecarlo import MonteCarlo
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
from accord.cli.shared_odds import odds_line, shared_odds, with_odds
from accord.cli.sweep import band_table, comovement_table
from accord.errors import InputError
from accord.report.terminal import (
    ensemble_table,
    forecast_csv,
    forecast_table,
    no_deal_notes,
    trace_events,
    trace_tables,
    zone_headline,
)
from accord.scenario.load import DEFAULT_SCENARIO, load

ModelOption = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help=MODEL_HELP, metavar="SPEC"),
]
DrawsOption = Annotated[
    int | None,
    typer.Option(
        "--draws",
        "-n",
        help="Sample the ranged inputs N times (Monte Carlo); e.g. 2000.",
        metavar="N",
    ),
]


@app.command()
def forecast(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: ModelOption = None,
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.table,
    sep: SepOption = ",",
    out: OutOption = None,
    force: ForceOption = False,
    trace: Annotated[bool, typer.Option(help="Also print round-by-round tables.")] = False,
    seed: SeedOption = None,
    draws: DrawsOption = None,
    set_: SetOption = None,
    overlay: OverlayOption = None,
    jobs: JobsOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    record: RecordOption = True,
    scale_min: ScaleMin = None,
    scale_max: ScaleMax = None,
) -> None:
    """Forecast where each issue settles, with every model (or those chosen)."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        options = {"models": model_specs(model), "seed": seed, "draws": draws}
        ran = run_command(
            "forecast",
            scenario,
            loaded,
            parse_date(as_of),
            options,
            sets=set_,
            overlay=overlay,
            record=record,
            jobs=jobs,
            workers=workers,
            scheduler=scheduler,
            label=f"{draws or 0:,} draws",
        )
        result = ran.result
        assert isinstance(result, Forecast | MonteCarlo)
        point = result.to_forecast() if isinstance(result, MonteCarlo) else result
        shared = (
            shared_odds(
                result.scenario if set_ or overlay else loaded,
                date=parse_date(as_of),
                runs=result.draws,
                seed=result.seed,
            )
            if isinstance(result, MonteCarlo)
            else None
        )
        if output is OutputFormat.json:
            write_output(json_text(with_odds(lambda: ran.results, shared)()), out, force)
        elif output is OutputFormat.csv:
            write_output(forecast_csv(point, intervals=isinstance(result, MonteCarlo)), out, force)
        else:
            screen = console()
            if out is not None:
                screen = recorder()
            for line in zone_headline(point):
                screen.print(line)
            table = forecast_table(point)
            if isinstance(result, MonteCarlo):
                table.caption = (
                    f"median [80 % interval] of {result.draws:,} draws, seed {result.seed}"
                )
            elif any(
                item.low is not None for m in point.models.values() for item in m.issues.values()
            ):
                table.caption = (
                    "\\[low to high] after a single-draw value: the range over the model's "
                    "terminal cycle where its rounds did not settle"
                )
            screen.print(table)
            spread = ensemble_table(point, intervals=isinstance(result, MonteCarlo))
            if spread is not None:
                screen.print(spread)
            if not isinstance(result, MonteCarlo):
                for note in no_deal_notes(point):
                    screen.print(note)
            for summary in point.models.values():
                for warning in model_status(summary.outcome)["warnings"]:
                    screen.print(f"[yellow]warning:[/yellow] {escape(warning)}")
            if isinstance(result, MonteCarlo):
                for name, feasible in result.feasible.items():
                    screen.print(
                        f"{name}: finds a deal inside every party's red lines in "
                        f"{100 * float(feasible.mean()):.0f} % of draws ({share_label(name)}, "
                        "not a calibrated probability)."
                    )
                screen.print(band_table(result))
                screen.print(comovement_table(result))
                for warning in result.warnings:
                    screen.print(f"[yellow]warning:[/yellow] {escape(warning)}")
                if shared is not None:
                    screen.print(escape(odds_line(shared)))
            changes = whatif_table(point.scenario, ran.results)
            if changes is not None:
                screen.print(changes)
            if trace:
                for trace_table in trace_tables(point):
                    screen.print(trace_table)
                for line in trace_events(point):
                    screen.print(line)
            if out is not None:
                write_screen(screen, out, force)
    except InputError as error:
        fail(error)
