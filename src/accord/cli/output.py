"""How a command's results are written: the format, chosen or read from ``--out``, and CSV details.

Every command with ``--format`` gets the same rules without code of its own (the command class in
:mod:`accord.cli.common` applies them before the command runs):

* ``--out FILE`` with a known extension (``.json``, ``.csv``, ``.xlsx``, ``.txt``, ``.html``)
  chooses the format when ``--format`` is not given; an explicit ``--format`` that contradicts
  the extension is refused rather than writing, say, a box-drawn table into ``x.json``;
* ``--format xlsx`` writes the CSV rows as a workbook (needs ``--out``);
* ``--sep ';'`` writes CSV with another separator (Excel in much of Europe expects ``;``).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from typer._click.core import Context, ParameterSource
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.globals import get_current_context

from accord.errors import InputError

__all__ = [
    "ClickException",
    "Context",
    "NoArgsIsHelpError",
    "OutputFormat",
    "ParameterSource",
    "Settings",
    "UsageError",
    "output_settings",
    "resolve",
    "rewrite_csv",
    "workbook",
    "write_atomic_bytes",
]


class OutputFormat(StrEnum):
    """Output formats for results."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


SUFFIXES: dict[str, OutputFormat] = {
    ".json": OutputFormat.json,
    ".csv": OutputFormat.csv,
    ".xlsx": OutputFormat.xlsx,
    ".txt": OutputFormat.table,
    ".text": OutputFormat.table,
    ".html": OutputFormat.table,
    ".htm": OutputFormat.table,
}
_META = "accord.output"


@dataclass(frozen=True)
class Settings:
    """What the running command writes: its format, CSV separator and whether CSV becomes xlsx."""

    format: OutputFormat | None = None
    separator: str = ","
    workbook: bool = False


def resolve(
    chosen: OutputFormat, explicit: bool, out: Path | None, separator: str = ","
) -> Settings:
    """The format to write, from ``--format`` (``explicit`` when given) and ``--out``'s suffix."""
    if len(separator) != 1 or separator in '"\r\n':
        raise InputError.single(
            None,
            f"--sep {separator!r} is not a single separator character",
            path=("--sep",),
            hint="use --sep ';' or --sep ',' (or '\\t' written as a real tab)",
        )
    inferred = SUFFIXES.get(out.suffix.lower()) if out is not None else None
    if explicit and inferred is not None and inferred is not chosen:
        raise InputError.single(
            None,
            f"--format {chosen.value} does not match --out {out} (a {inferred.value} file)",
            path=("--format",),
            hint=f"leave out --format, or name the file {out.stem if out else 'out'}."
            f"{'txt' if chosen is OutputFormat.table else chosen.value}",
        )
    final = chosen if explicit or inferred is None else inferred
    if final is OutputFormat.xlsx and out is None:
        raise InputError.single(
            None,
            "--format xlsx writes a binary workbook, not text for the terminal",
            path=("--format",),
            hint="add --out results.xlsx",
        )
    return Settings(
        format=OutputFormat.csv if final is OutputFormat.xlsx else final,
        separator=separator,
        workbook=final is OutputFormat.xlsx,
    )


def store(settings: Settings) -> None:
    """Remember the running command's settings (read back by :func:`output_settings`)."""
    context = get_current_context(silent=True)
    if context is not None:
        context.find_root().meta[_META] = settings


def output_settings() -> Settings:
    """The running command's settings, or the defaults outside a command."""
    context = get_current_context(silent=True)
    if context is None:
        return Settings()
    found = context.find_root().meta.get(_META)
    return found if isinstance(found, Settings) else Settings()


def rewrite_csv(text: str, separator: str) -> str:
    """CSV ``text`` (comma-separated) written with ``separator`` instead."""
    if separator == ",":
        return text
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


def _number(text: str) -> str | int | float:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def workbook(text: str, separator: str = ",") -> bytes:
    """CSV ``text`` as an xlsx workbook of one sheet, numbers stored as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "results"
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        sheet.append([_number(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_atomic_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
