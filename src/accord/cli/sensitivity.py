"""``accord sensitivity``: which uncertain inputs drive each issue's forecast (Sobol', Morris)."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from accord.analysis.runs import model_specs
from accord.analysis.sensitivity import Sensitivity
from accord.cli.common import (
    ONE_MODEL_HELP,
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
from accord.scenario.load import DEFAULT_SCENARIO, load
from accord.scenario.schema import Scenario


class MethodChoice(StrEnum):
    """Sensitivity methods."""

    sobol = "sobol"
    morris = "morris"


class GroupChoice(StrEnum):
    """How inputs are grouped."""

    none = "none"
    actor = "actor"
    kind = "kind"


def _issue_names(scenario: Scenario) -> dict[str, str]:
    return {issue.id: issue.name for issue in scenario.issues}


def sensitivity_tables(result: Sensitivity, scenario: Scenario, top: int) -> Iterable[Table]:
    """Per issue, the inputs ranked by total-order index (Sobol') or mu* (Morris).

    Each row also shows the input's one-at-a-time swing (the tornado data).
    """
    names = _issue_names(scenario)
    for output, item in result.outputs.items():
        unit = str(result.context.get("units", {}).get(output, ""))
        table = Table(
            title=f"{names.get(output, output)}: forecast {item.base:.4g} {unit}".rstrip()
            + f" — {result.method} ({result.context.get('model', '')}, "
            f"{result.evaluations:,} runs)"
        )
        table.add_column("#", justify="right")
        table.add_column("Input" if result.groups is None else "Group", overflow="fold")
        if result.method == "sobol":
            table.add_column("First order S1", justify="right", no_wrap=True)
            table.add_column("Total ST", justify="right", no_wrap=True)
        else:
            table.add_column("mu*", justify="right", no_wrap=True)
            table.add_column("mu", justify="right", no_wrap=True)
            table.add_column("sigma", justify="right", no_wrap=True)
        table.add_column("Swing low → high", justify="right", no_wrap=True)
        swings = {swing.name: swing for swing in item.tornado}
        if item.variance == 0:
            table.caption = "the forecast does not vary with these inputs"
        for rank, index in enumerate(item.indices[:top], start=1):
            values = index.values
            if result.method == "sobol":
                cells = [
                    f"{values['S1']:.3f} ± {values['S1_conf']:.3f}",
                    f"{values['ST']:.3f} ± {values['ST_conf']:.3f}",
                ]
            else:
                cells = [
                    f"{values['mu_star']:.3g} ± {values['mu_star_conf']:.2g}",
                    f"{values['mu']:.3g}",
                    f"{values['sigma']:.3g}",
                ]
            swing = swings.get(index.name)
            swing_text = f"{swing.at_low:.4g} → {swing.at_high:.4g}" if swing else "(group)"
            table.add_row(str(rank), index.name, *cells, swing_text)
        yield table


def sensitivity_csv(result: Sensitivity) -> str:
    """One row per issue and input (or group): the indices and the tornado swing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = (
        ("S1", "S1_conf", "ST", "ST_conf")
        if result.method == "sobol"
        else ("mu_star", "mu_star_conf", "mu", "sigma")
    )
    writer.writerow(["issue", "rank", "input", *keys, "at_low", "at_high"])
    for output, item in result.outputs.items():
        swings = {swing.name: swing for swing in item.tornado}
        for rank, index in enumerate(item.indices, start=1):
            swing = swings.get(index.name)
            writer.writerow(
                [
                    output,
                    rank,
                    index.name,
                    *(f"{index.values[key]:.6g}" for key in keys),
                    "" if swing is None else f"{swing.at_low:.6g}",
                    "" if swing is None else f"{swing.at_high:.6g}",
                ]
            )
    return out.getvalue()


@app.command()
def sensitivity(
    scenario: ScenarioArgument = DEFAULT_SCENARIO,
    model: Annotated[
        str, typer.Option("--model", "-m", help=ONE_MODEL_HELP, metavar="SPEC")
    ] = "compromise",
    method: Annotated[
        MethodChoice, typer.Option(help="sobol (variance shares) or morris (screening).")
    ] = MethodChoice.sobol,
    samples: Annotated[
        int | None,
        typer.Option(
            help="Sobol': base samples N, a power of two (default 512); Morris: trajectories "
            "(default 40).",
            metavar="N",
        ),
    ] = None,
    group: Annotated[
        GroupChoice, typer.Option(help="Group inputs per actor or per kind of input.")
    ] = GroupChoice.none,
    top: Annotated[int, typer.Option(help="Rows shown per issue.")] = 8,
    issue: Annotated[
        list[str] | None, typer.Option(help="Show only this issue (repeatable).")
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
    """Rank the uncertain inputs by how much of each issue's forecast they drive."""
    try:
        loaded = load(scenario, scale_min=scale_min, scale_max=scale_max)
        known = [item.id for item in loaded.issues]
        for name in issue or []:
            if name not in known:
                raise InputError.single(
                    None,
                    f"unknown issue {name!r}",
                    path=("--issue",),
                    hint=f"use one of: {', '.join(known)}",
                )
        options = {
            "model": model_specs([model])[0],
            "method": method.value,
            "samples": samples,
            "grouping": group.value,
            "seed": seed,
            "resamples": 100,
        }
        ran = run_command(
            "sensitivity",
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
            label=f"{method.value} runs",
        )
        result = ran.result
        assert isinstance(result, Sensitivity)
        if issue:
            shown = {name: result.outputs[name] for name in issue}
            result = dataclasses.replace(result, outputs=shown)
        if output is OutputFormat.json:
            data = result.to_json()
            if "whatif" in ran.results:
                data["whatif"] = ran.results["whatif"]
            data["sources_used"] = ran.results["sources_used"]
            write_output(json_text(data), out, force)
        elif output is OutputFormat.csv:
            write_output(sensitivity_csv(result), out, force)
        else:
            screen = console()
            if out is not None:
                screen = recorder()
            for table in sensitivity_tables(result, loaded, top):
                screen.print(table)
            for warning in result.warnings:
                screen.print(f"[yellow]warning:[/yellow] {escape(warning)}")
            changes = whatif_table(loaded, ran.results)
            if changes is not None:
                screen.print(changes)
            if out is not None:
                write_screen(screen, out, force)
    except InputError as error:
        fail(error)
