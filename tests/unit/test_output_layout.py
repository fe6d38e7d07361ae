"""Tables that fit any width, the output format rules, number formatting and progress."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from accord.cli import output, progress
from accord.cli.output import OutputFormat, resolve
from accord.errors import InputError
from accord.report.layout import Fitted, fit
from accord.report.numbers import signed, span, unsigned_zero


def _table() -> Table:
    table = Table(title="Results", caption="median of 100 draws")
    table.add_column("Issue", max_width=6)
    table.add_column("Value", no_wrap=True, justify="right")
    table.add_column("Nearest anchor", min_width=30, max_width=40)
    table.add_column("Concedes most", no_wrap=True)
    table.add_row("Zaporizhzhia line", "751 thousand troops", "Article 5-like guarantee", "Russia")
    table.add_row("", "0 thousand troops", "", "")
    return table


def _render(table: Table, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, no_color=True)
    console.print(Fitted(table))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(len(line) for line in text.splitlines()) <= width
    return text


@pytest.mark.parametrize("width", [120, 70, 52])
def test_every_cell_is_shown_whole_at_any_width(width: int) -> None:
    text = _render(_table(), width)
    words = text.split()
    for word in ("Zaporizhzhia", "thousand", "troops", "Article", "5-like", "guarantee", "Russia"):
        assert word in words, (width, word)
    assert "…" not in text


def test_too_narrow_for_columns_side_by_side_stacks_rows() -> None:
    text = _render(_table(), 30)
    assert "Concedes most" in text and "Results" in text and "median of 100 draws" in text
    lines = text.splitlines()
    assert any(line.startswith("Value") and "751" in line for line in lines)
    assert sum(line.startswith("Value") for line in lines) == 2  # one block per row


def test_fit_leaves_a_table_that_fits_alone() -> None:
    table = _table()
    console = Console(file=io.StringIO(), width=200)
    assert fit(table, console, 200) is table
    assert table.box is not None and table.show_edge


def test_fitted_measures_within_its_width() -> None:
    console = Console(file=io.StringIO(), width=50)
    measured = Fitted(_table()).__rich_measure__(console, console.options)
    assert measured.maximum <= 50


def test_resolve_follows_the_extension_or_refuses_a_mismatch() -> None:
    assert resolve(OutputFormat.table, False, Path("x.json")).format is OutputFormat.json
    assert resolve(OutputFormat.table, False, Path("x.unknown")).format is OutputFormat.table
    assert resolve(OutputFormat.table, True, Path("x.html")).format is OutputFormat.table
    chosen = resolve(OutputFormat.table, False, Path("x.xlsx"), ";")
    assert chosen.workbook and chosen.format is OutputFormat.csv and chosen.separator == ";"
    with pytest.raises(InputError, match="does not match"):
        resolve(OutputFormat.json, True, Path("x.csv"))
    with pytest.raises(InputError, match="add --out"):
        resolve(OutputFormat.xlsx, True, None)
    with pytest.raises(InputError, match="single separator"):
        resolve(OutputFormat.csv, True, None, ";;")


def test_csv_rewrites_and_workbooks() -> None:
    text = 'a,b\n1,"x,y"\n'
    assert output.rewrite_csv(text, ",") == text
    assert output.rewrite_csv(text, ";") == "a;b\n1;x,y\n"
    assert output.workbook(text)[:2] == b"PK"
    assert output.output_settings() == output.Settings()


def test_numbers_have_one_format() -> None:
    assert span("39", "44") == "39 to 44"
    assert span("-14.4", "-4.2") == "-14.4 to -4.2"
    assert span("5", "5") == "5"
    assert unsigned_zero("-0 thousand troops") == "0 thousand troops"
    assert unsigned_zero("-0.0") == "0.0"
    assert unsigned_zero("-0.5") == "-0.5"
    assert signed("3") == "+3" and signed("-2") == "-2" and signed("-0") == "0"
    assert signed("0.00 km") == "0.00 km" and signed("+1") == "+1" and signed("0.5") == "+0.5"


def test_progress_is_silent_off_a_terminal_and_shown_on_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with progress.working("quiet"):
        pass
    with progress.progress_bar("quiet") as bar:
        bar(1, 10)
    monkeypatch.setattr(progress, "_shown", lambda: True)
    with progress.working("shown"):
        pass
    with progress.progress_bar("shown") as bar:
        bar(1, 10)  # within the first second: nothing yet
        bar.started -= 5
        bar(2, 10)
        bar(3, 10)
        assert bar.bar is not None
