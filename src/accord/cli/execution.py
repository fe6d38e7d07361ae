"""Options and plumbing shared by the commands that run analyses and record them.

``--jobs`` / ``--workers`` / ``--scheduler`` choose where chunks run, ``--set`` / ``--overlay``
add what-if changes, ``--record/--no-record`` controls the run record. :func:`run_command`
does the common sequence: check the what-if changes and the record store before any long
work, run the analysis with a progress bar, then store the record. A store that fails only at
that point (locked meanwhile, a full disk) never costs the result: the command prints it, and
the console script then says why the record was not saved and exits with
:data:`EXIT_UNSAVED` (3).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.analysis import whatif
from accord.analysis.runs import COUNTED, WHOLE, RunOutput, execute, with_seed
from accord.cli.common import console
from accord.cli.progress import ProgressBar, progress_bar, working
from accord.cli.unsaved import UNSAVED
from accord.engines.local import open_engine
from accord.errors import InputError
from accord.records import RunStore
from accord.report.terminal import format_value
from accord.scenario.schema import Scenario

JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", help="Run chunks in K processes on this machine.", metavar="K"),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Start a local Dask cluster of K workers (needs pip install 'accord[distributed]').",
        metavar="K",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Join a running Dask cluster at ADDRESS.", metavar="ADDRESS"),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="What-if change ACTOR.FIELD[.ISSUE]=VALUE, e.g. us.salience.guarantees=90 "
        "(repeatable).",
        metavar="PATH=VALUE",
    ),
]
OverlayOption = Annotated[
    Path | None,
    typer.Option(
        "--overlay",
        help="What-if changes from a YAML file (changes: {PATH: VALUE}).",
        metavar="FILE",
    ),
]
RecordOption = Annotated[
    bool, typer.Option("--record/--no-record", help="Save a run record (see `accord runs`).")
]


def reference_for(scenario: str) -> str:
    """What a record keeps to find the scenario again: a built-in id, or an absolute path."""
    path = Path(scenario)
    return str(path.resolve()) if path.exists() else scenario


def run_command(
    kind: str,
    reference: str,
    scenario: Scenario,
    date: Any,
    options: Mapping[str, Any],
    *,
    sets: list[str] | None = None,
    overlay: Path | None = None,
    record: bool = True,
    jobs: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    label: str = "running",
) -> RunOutput:
    """Check inputs and the store, run ``kind`` on an engine, record it, return the output."""
    changes = whatif.gather(sets or [], overlay)
    if kind in WHOLE:
        # Runs over the whole history keep the dated updates; the changes hold at every date.
        current = scenario
        whatif.throughout(current, changes)
    else:
        current = whatif.current(scenario, date)
        whatif.apply(current, changes)
    full = with_seed({**options, "changes": whatif.to_json(changes)}, kind)
    store = RunStore() if record else None
    if store is not None:
        store.check()
    started = time.perf_counter()
    # Kinds that count their steps get a bar; the others (one library call) a moving one.
    shown: AbstractContextManager[ProgressBar | None] = (
        progress_bar(label) if kind in COUNTED else working(label)
    )
    with open_engine(jobs, workers, scheduler) as engine, shown as bar:
        output = execute(kind, current, full, engine=engine, progress=bar)
        description = engine.description
    seconds = time.perf_counter() - started
    if store is not None:
        try:
            saved = store.add(
                kind=kind,
                scenario=current.model_dump(mode="json"),
                options=full,
                results=output.results,
                reference=reference_for(reference),
                engine=description,
                seconds=round(seconds, 3),
            )
        except InputError as error:
            # The result is computed: show it first, then say why it was not recorded.
            UNSAVED.append(error.render(limit=1))
            return output
        if sys.stderr.isatty():
            console(stderr=True).print(f"recorded as run {saved.id} (accord runs show {saved.id})")
    return output


def whatif_table(scenario: Scenario, results: Mapping[str, Any]) -> Table | None:
    """Per issue and model: the baseline, the what-if value and the change."""
    block = results.get("whatif")
    if not block:
        return None
    table = Table(title=f"What-if: {changes_text(block['changes'])}")
    for column in ("Issue", "Model", "Baseline", "What-if", "Change"):
        table.add_column(column, justify="left" if column in ("Issue", "Model") else "right")
    difference: Mapping[str, Mapping[str, Mapping[str, float]]] = block["difference"]
    models = list(difference)
    for issue in scenario.issues:
        for row, model in enumerate(models):
            item = difference[model][issue.id]
            change = item["change"]
            table.add_row(
                issue.name if row == 0 else "",
                model,
                format_value(item["baseline"], issue),
                format_value(item["value"], issue),
                ("+" if change > 0 else "") + format_value(change, issue)
                if abs(change) > 1e-12
                else "0",
                end_section=row == len(models) - 1,
            )
    return table


def changes_text(changes: Mapping[str, Mapping[str, Any]]) -> str:
    """``PATH=VALUE, ...`` for what-if changes in their JSON form (:func:`whatif.to_json`)."""
    return ", ".join(f"{path}={_number_text(value)}" for path, value in changes.items())


def _number_text(value: Mapping[str, Any]) -> str:
    if "value" in value and "low" not in value:
        return f"{value['value']:g}"
    if "mode" in value:
        return f"{{{value['low']:g}, {value['mode']:g}, {value['high']:g}}}"
    return f"[{value['low']:g}, {value['high']:g}]"
