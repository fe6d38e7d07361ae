"""``accord levers``: the single changes that would move the forecast most toward one actor."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Annotated

import typer
from rich.table import Table

from accord.analysis.levers import DEFAULT_STEP, LeverResult, Levers
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
    SepOption,
    app,
    console,
    fail,
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
from accord.scenario.load import DEFAULT_SCENARIO, load


def describe(result: Levers, item: LeverResult) -> str:
    """A lever in words, e.g. ``Russia: position on Donbas −10 → 55``."""
    scenario = result.scenario
    lever = item.lever
    who = scenario.actor(lever.actor).name + (" (own)" if lever.actor == result.actor else "")
    if lever.kind == "capability":
        return f"{who}: capability {lever.change * 100:+.0f} % → {item.new_value:.4g}"
    issue = scenario.issue(str(lever.issue))
    if lever.kind == "salience":
        scale = scenario.salience_scale
        change = lever.change * (scale.max - scale.min)
        return f"{who}: salience on {issue.name} {change:+.3g} → {item.new_value:.3g}"
    change = lever.change * (issue.max - issue.min)
    return f"{who}: position on {issue.name} {change:+.3g} → {item.new_value:.4g}"


def _largest_shift(result: Levers, item: LeverResult) -> str:
    span = result.problem.scale_max - result.problem.scale_min
    moved = item.shift * span
    if not moved.any():
        return "—"
    d = int(abs(moved).argmax())
    issue = result.scenario.issue(result.problem.issue_ids[d])
    return f"{issue.name} {moved[d]:+.3g}"


def lever_tables(result: Levers, top: int) -> Iterable[Table]:
    """Per model, the top levers ranked by net gain."""
    actor = result.scenario.actor(result.actor).name
    for name, model in result.models.items():
        table = Table(
            title=f"Levers for {actor} — {name} (step {result.step:g} %; gain and cost in points "
            "of a 0-100 scale, salience-weighted)"
        )
        table.add_column("#", justify="right")
        table.add_column("Lever", overflow="fold")
        for column in ("Gain", "Cost", "Net"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("Largest shift", no_wrap=True)
        table.add_column("Method")
        for rank, item in enumerate(model.levers[:top], start=1):
            table.add_row(
                str(rank),
                describe(result, item),
                f"{item.gain:+.3f}",
                f"{item.cost:.3f}",
                f"{item.net:+.3f}",
                _largest_shift(result, item),
                item.method,
            )
        yield table


def levers_csv(result: Levers) -> str:
    """One row per model and lever."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["model", "rank", "path", "change", "new_value", "gain", "cost", "net", "method"]
    )
    data = result.to_json()
    for name, model in data["models"].items():
        for item in model["levers"]:
            writer.writerow(
                [
                    name,
                    item["rank"],
                    item["path"],
                    item["change"],
                    item["new_value"],
                    item["gain"],
                    item["cost"],
                    item["net"],
                    item["method"],
                ]
            )
    return out.getvalue()


@app.command()
def levers(
    actor: Annotated[
        str, typer.Option("--actor", "-a", help="Whose levers to find (an actor id).")
    ],
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to use (repeatable); default: every model."),
    ] = None,
    step: Annotated[
        float, typer.Option(help="Size of each change, % of the scale (capability: % of it).")
    ] = DEFAULT_STEP,
    top: Annotated[int, typer.Option(help="Rows shown per model.")] = 10,
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
    """Rank single changes by how far they move the forecast toward ACTOR's positions."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        known = [item.id for item in loaded.actors]
        if actor not in known:
            raise InputError.single(
                None,
                f"unknown actor {actor!r}",
                path=("--actor",),
                hint=f"use one of: {', '.join(known)}",
            )
        options = {"models": model_specs(model), "actor": actor, "step": step}
        ran = run_command(
            "levers",
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
            label="levers",
        )
        result = ran.result
        assert isinstance(result, Levers)
        if output is OutputFormat.json:
            write_output(json.dumps(ran.results, indent=2, ensure_ascii=False), out, force)
        elif output is OutputFormat.csv:
            write_output(levers_csv(result), out, force)
        else:
            screen = console()
            if out is not None:
                screen = recorder()
            for table in lever_tables(result, top):
                screen.print(table)
            changes = whatif_table(loaded, ran.results)
            if changes is not None:
                screen.print(changes)
            if out is not None:
                write_screen(screen, out, force)
    except InputError as error:
        fail(error)
