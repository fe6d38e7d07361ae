"""``accord territory``: area under Russian control per oblast, from DeepState's maps.

A thin call into :mod:`accord.territory`: with GeoJSON files, each is measured (equal-area, per
Natural Earth oblast) and the gains between them listed; without, the series shipped with
accord (derived from DeepState's maps) is shown up to ``--as-of``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from accord.cli.common import (
    AsOfOption,
    ForceOption,
    FormatOption,
    OutOption,
    OutputFormat,
    app,
    fail,
    parse_date,
)
from accord.cli.dynamics import _emit
from accord.errors import InputError
from accord.scenario.provenance import files_used
from accord.territory import geometry, series


@app.command()
def territory(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="GeoJSON files of occupied territory (e.g. DeepState's daily maps); none: the "
            "shipped DeepState series."
        ),
    ] = None,
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.table,
    out: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Area under control per oblast and in total, and the gains between files (km²)."""
    try:
        date = parse_date(as_of)
        data = geometry.measure(files) if files else series.to_json(date)
        data["sources_used"] = files_used(data["files"])
        _emit(output, out, force, lambda: data, lambda: _rows(data), lambda: _tables(data))
    except InputError as error:
        fail(error)


def _columns(data: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for item in data["files"]:
        seen += [iso for iso in item["oblasts"] if iso not in seen]
    return sorted(seen)


def _rows(data: dict[str, Any]) -> Iterable[list[Any]]:
    yield ["file", "date", "total_km2", "oblast", "km2", "share"]
    for item in data["files"]:
        for iso, values in item["oblasts"].items():
            yield [
                item["file"],
                item["date"],
                item["total_km2"],
                iso,
                values["km2"],
                values["share"],
            ]


def _tables(data: dict[str, Any]) -> Iterable[Any]:
    columns = _columns(data)
    table = Table(
        title="Area under Russian control: total km² and % of each oblast. Source: DeepState; "
        "oblasts: Natural Earth; Albers equal-area.",
        title_justify="left",
    )
    table.add_column("Date", no_wrap=True)
    table.add_column("Total", justify="right")
    names = {oblast.iso: oblast.name.split()[0] for oblast in geometry.oblast_shapes()}
    names["UA-43"] = "Crimea"
    for iso in columns:
        table.add_column(names.get(iso, iso), justify="right")
    for item in data["files"]:
        cells = [item["date"] or Path(item["file"]).name, f"{item['total_km2']:,.0f}"]
        for iso in columns:
            value = item["oblasts"].get(iso)
            cells.append("—" if value is None else f"{100 * value['share']:.1f}")
        table.add_row(*cells)
    yield table
    if data["monthly"]:
        gains = Table(title="Net gains between snapshots (km²)", title_justify="left")
        gains.add_column("From")
        gains.add_column("To")
        gains.add_column("Gain", justify="right")
        for gain in data["monthly"]:
            gains.add_row(str(gain["from"]), str(gain["to"]), f"{gain['gain_km2']:+,.0f}")
        yield gains
