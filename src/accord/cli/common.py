"""Shared pieces of the command line: the app, options, error handling and output."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperArgument, TyperCommand
from typer.models import CommandFunctionType

from accord.cli.lazy import LazyGroup
from accord.cli.output import (
    ClickException,
    Context,
    NoArgsIsHelpError,
    ParameterSource,
    UsageError,
    output_settings,
    rewrite_csv,
    workbook,
    write_atomic_bytes,
)
from accord.cli.output import (
    OutputFormat as OutputFormat,
)
from accord.cli.output import resolve as resolve_output
from accord.cli.output import store as store_output
from accord.errors import InputError, Notice
from accord.report.layout import Fitted

COMMAND_ORDER = (
    "forecast",
    "zone",
    "odds",
    "ledger",
    "scenarios",
    "models",
    "validate",
    "schema",
    "convert",
    "sweep",
    "sensitivity",
    "robustness",
    "levers",
    "runs",
    "territory",
    "war",
    "deal",
    "ratify",
    "simulate",
    "timeline",
    "backtest",
    "precedents",
    "report",
    "serve",
)


def _usage_error(error: UsageError) -> NoReturn:
    """Print Click's usage errors in the one error style: ``error: … Fix: …``, status 2."""
    path = error.ctx.command_path if error.ctx is not None else "accord"
    message = error.format_message().rstrip(".")
    sys.stderr.write(f"error: {message}. Fix: see `{path} --help` for the options and arguments.\n")
    raise SystemExit(2)


_METAVARS = {
    "as_of": "DATE",
    "date": "DATE",
    "deal_file": "DEAL",
    "files": "FILE",
    "target": "FILE",
    "out": "FILE",
    "overlay": "FILE",
    "scale_min": "MIN",
    "scale_max": "MAX",
    "model": "MODEL",
    "scenario": "SCENARIO",
}


class _HumanArgument(TyperArgument):
    """An argument shown by its name alone (``SCENARIO``, ``FILE...``), never ``<str>``."""

    def display_type_rich(self, ctx: Context) -> str | None:
        """No type after the name: the metavar says what the argument takes."""
        return None

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")


def _human_metavar(param: Any) -> None:
    """Name a value as a person would (``--as-of DATE``, ``SCENARIO``), not ``<list[str]>``.

    Choices keep their list (``<table|json|csv|xlsx>``); flags have no value.
    """
    if isinstance(param, TyperArgument):
        param.__class__ = _HumanArgument
    if param.metavar is not None or getattr(param, "is_flag", False):
        return
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return
    if param.name in _METAVARS:
        param.metavar = _METAVARS[param.name]
    elif annotation is int:
        param.metavar = "N"
    elif annotation is float:
        param.metavar = "NUMBER"
    elif annotation is Path:
        param.metavar = "FILE"
    else:
        param.metavar = str(param.name or "value").upper()


class AccordCommand(TyperCommand):
    """A command with the shared rules, applied before it runs.

    * ``--format`` follows ``--out``'s extension and ``--sep`` is taken out of the call (both
      read by :func:`write_output`, see :mod:`accord.cli.output`);
    * ``--seed`` not given becomes :data:`DEFAULT_SEED`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _human_metavar(param)

    def invoke(self, ctx: Context) -> Any:
        """Settle the output format and the default seed, then run the command."""
        if "seed" in ctx.params and ctx.params["seed"] is None:
            ctx.params["seed"] = DEFAULT_SEED
        if "output" in ctx.params:
            separator = str(ctx.params.pop("sep", ","))
            explicit = ctx.get_parameter_source("output") not in (
                None,
                ParameterSource.DEFAULT,
            )
            chosen = OutputFormat(ctx.params["output"])
            try:
                settings = resolve_output(chosen, explicit, ctx.params.get("out"), separator)
            except InputError as error:
                fail(error)
            store_output(settings)
            if settings.format is not None:
                ctx.params["output"] = settings.format
        with warnings.catch_warnings():
            warnings.simplefilter("always", Notice)
            shown = warnings.showwarning

            def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
                if issubclass(category, Notice):
                    sys.stderr.write(f"note: {message}\n")
                else:
                    shown(message, category, *args, **kwargs)

            warnings.showwarning = show
            return super().invoke(ctx)


class _OrderedGroup(LazyGroup):
    """List commands in the order a newcomer meets them, not the order modules load.

    Usage errors (an unknown option, a bad choice) are printed in the one error style.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: index for index, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: rank.get(name, len(rank)))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run, printing usage errors as ``error: … Fix: …``."""
        run = functools.partial(
            super().main, args, prog_name, complete_var, windows_expand_args=windows_expand_args
        )
        if not standalone_mode:
            return run(standalone_mode=False, **extra)
        try:
            code = run(standalone_mode=False, **extra)
        except NoArgsIsHelpError as error:
            sys.stderr.write(error.format_message() + "\n")
            raise SystemExit(2) from None
        except UsageError as error:
            _usage_error(error)
        except ClickException as error:
            sys.stderr.write(f"error: {error.format_message()}\n")
            raise SystemExit(error.exit_code) from None
        except typer.Abort:
            sys.stderr.write("interrupted\n")
            raise SystemExit(1) from None
        raise SystemExit(code if isinstance(code, int) else 0)


class AccordTyper(typer.Typer):
    """A Typer app whose commands are :class:`AccordCommand` unless told otherwise."""

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        """Register a command (see :meth:`typer.Typer.command`)."""
        kwargs.setdefault("cls", AccordCommand)
        return super().command(*args, **kwargs)


app = AccordTyper(
    cls=_OrderedGroup,
    name="accord",
    help="Model and forecast multi-party negotiations. Run `accord forecast` to start.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


PIPED_WIDTH = 140
"""Width of output that goes to a pipe or a file when ``COLUMNS`` does not say otherwise."""


class FittingConsole(Console):
    """A console whose tables fit its width: wrapped between words or stacked, never cut."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print, fitting every table to the width (see :mod:`accord.report.layout`)."""
        super().print(
            *(Fitted(item) if isinstance(item, Table) else item for item in objects), **kwargs
        )


def _width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if sys.stdout.isatty() else PIPED_WIDTH


def console(stderr: bool = False) -> Console:
    """A rich console that honours NO_COLOR and ``COLUMNS`` (also when piped) and fits tables.

    Without ``COLUMNS``, a terminal's own width is used, and 140 columns when piped.
    """
    return FittingConsole(
        stderr=stderr, no_color="NO_COLOR" in os.environ, highlight=False, width=_width()
    )


def recorder() -> Console:
    """A console that prints nothing and records, for tables written with ``--out``."""
    columns = os.environ.get("COLUMNS", "")
    return FittingConsole(
        file=io.StringIO(),
        record=True,
        highlight=False,
        width=int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH,
    )


def write_screen(screen: Console, out: Path | None, force: bool) -> None:
    """Write what ``screen`` recorded to ``out``: as HTML for ``.html``, else as text."""
    html = out is not None and out.suffix.lower() in (".html", ".htm")
    write_output(screen.export_html() if html else screen.export_text(), out, force)


def fail(error: InputError) -> NoReturn:
    """Print a bad-input error in one or two lines and exit with status 2."""
    sys.stderr.write(f"error: {error.render(limit=1)}\n")
    raise typer.Exit(2)


def parse_date(text: str | None, option: str = "--as-of") -> dt.date | None:
    """Parse a YYYY-MM-DD option value, or raise a bad-input error naming the option."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.single(
            None,
            f"{option} {text!r} is not a date",
            path=(option,),
            hint="write dates as YYYY-MM-DD, e.g. 2025-12-02",
        ) from None


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """Strict JSON (no NaN or Infinity, which are not JSON), as every output of accord is.

    The scenario checks and the models' finiteness guard keep non-finite numbers out of
    results; should one still get through, it is reported instead of written.
    """
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError as error:
        raise InputError.single(
            None,
            f"the result holds a number that is not finite ({error})",
            hint="check the scenario's scales, capabilities and saliences for extreme values",
        ) from None


def write_output(text: str, out: Path | None, force: bool) -> None:
    """Write to stdout, or atomically to ``out`` (refusing to replace it without ``force``).

    CSV text follows the command's ``--sep`` and becomes a workbook for ``--format xlsx``
    (see :func:`accord.cli.output.settings`).
    """
    chosen = output_settings()
    if chosen.format is OutputFormat.csv:
        text = rewrite_csv(text, chosen.separator)
    if out is not None:
        from accord.scenario.load import check_target

        check_target(out, force)
    if chosen.workbook:
        assert out is not None
        write_atomic_bytes(out, workbook(text, chosen.separator))
        sys.stderr.write(f"wrote {out}\n")
        return
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from accord.scenario.load import write_atomic

    write_atomic(out, text)
    sys.stderr.write(f"wrote {out}\n")


ScenarioArgument = Annotated[
    str,
    typer.Argument(help="A built-in scenario id (see `accord scenarios`) or a YAML/JSON/CSV file."),
]
ScaleMin = Annotated[float | None, typer.Option("--min", help="Scale minimum for a one-issue CSV.")]
ScaleMax = Annotated[float | None, typer.Option("--max", help="Scale maximum for a one-issue CSV.")]


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: from the --out file's extension, else table).",
    ),
]


def check_out(ctx: typer.Context, out: Path | None) -> Path | None:
    """``--out`` callback: refuse a path that cannot be written before anything is computed.

    ``--force`` is eager, so it is known here whatever the order of the options.
    """
    if out is not None and str(out) != "-":
        try:
            from accord.scenario.load import check_target

            check_target(out, bool(ctx.params.get("force")))
        except InputError as error:
            fail(error)
    return out


OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to a file.", callback=check_out)
]
SepOption = Annotated[
    str,
    typer.Option(
        "--sep",
        help="Separator of CSV output, e.g. ';' for Excel in much of Europe.",
        metavar="CHAR",
    ),
]
"""Taken out of the call by the command class and applied by :func:`write_output`."""
ForceOption = Annotated[bool, typer.Option(help="Replace an existing --out file.", is_eager=True)]
DEFAULT_SEED = 0
"""The seed every command uses when ``--seed`` is not given, so reruns give identical output."""
SeedOption = Annotated[
    int | None,
    typer.Option(
        help=f"Seed for everything random (default {DEFAULT_SEED}: reruns are identical).",
        metavar="SEED",
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD).")
]
MODEL_HELP = (
    "Model to run (repeatable), with options if any: eum, or eum:variant=paper,rounds=5; "
    "default: every model. `accord models NAME` lists a model's options."
)
ONE_MODEL_HELP = "Model, with options if any, e.g. eum:variant=paper (see `accord models NAME`)."
