"""Fit rich tables to the width they are printed at, never dropping or cutting a column.

Rich shrinks a table that is too wide by truncating cells ("compro…") or folding words in the
middle. :class:`Fitted` wraps any table and, at render time, picks the first layout that shows
every cell in full:

1. the table as built, with every column allowed to wrap between words (a column is never
   narrower than its longest word, so no word is broken);
2. the same with no minimum column widths, then with a lighter frame (no outer edge, one
   space between columns), then with unbreakable cells allowed to wrap between words;
3. if the longest words of all columns still do not fit side by side, the rows *stacked*: one
   block per row, ``Header  value`` on each line, wrapped at the width.

Every table the command line prints goes through it (see :func:`accord.cli.common.console`), so
columns added later get the same treatment without code of their own.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

__all__ = ["Fitted", "fit", "stack"]


def _plain(value: Any) -> str:
    if isinstance(value, Text):
        return value.plain
    if isinstance(value, str):
        return Text.from_markup(value).plain
    return str(value)


def _longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


def _measures(table: Table, console: Console) -> list[Measurement]:
    """Each column's narrowest (longest word) and widest (longest line), padding included."""
    options = console.options.update_width(10_000)
    found = []
    for column in table.columns:
        measure = table._measure_column(console, options, column)
        found.append(Measurement(measure.maximum, measure.maximum) if column.no_wrap else measure)
    return found


def _minimum(table: Table, console: Console) -> int:
    """The narrowest the table can be without breaking a word (rich's own measure is clamped)."""
    return sum(item.minimum for item in _measures(table, console)) + table._extra_width


def _assign_widths(table: Table, console: Console, width: int) -> None:
    """Fix column widths that fit ``width`` and keep every column at least its longest word.

    Rich's own shrinking ignores the longest word and breaks words; here each column starts at
    its minimum and the space left is shared fairly: columns that want little get all of it,
    the rest share what remains equally.
    """
    measures = _measures(table, console)
    available = width - table._extra_width
    if sum(item.maximum for item in measures) <= available:
        return
    widths = [item.minimum for item in measures]
    wants = [item.maximum - item.minimum for item in measures]
    spare = available - sum(widths)
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    for rank, index in enumerate(order):
        share = min(wants[index], spare // (len(order) - rank))
        widths[index] += share
        spare -= share
    for index, (column, value) in enumerate(zip(table.columns, widths, strict=True)):
        column.width = max(value - table._get_padding_width(index), 1)
        column.min_width = None
        column.max_width = None


def fit(table: Table, console: Console, width: int) -> RenderableType:
    """``table`` adjusted to show every cell within ``width`` columns, or its rows stacked."""
    for column in table.columns:
        texts = [_plain(column.header), *(_plain(cell) for cell in column._cells)]
        longest = _longest_word(texts)
        column.overflow = "fold"
        if column.max_width is not None and column.max_width < longest:
            column.max_width = longest
    for step in (None, _relax_widths, _compact, _relax_no_wrap):
        if step is not None:
            step(table)
        if _minimum(table, console) <= width:
            _assign_widths(table, console, width)
            return table
    return stack(table, width)


def _relax_widths(table: Table) -> None:
    for column in table.columns:
        column.min_width = None


def _compact(table: Table) -> None:
    """A lighter frame: a rule under the header, one space between columns, no outer edge."""
    table.box = box.SIMPLE_HEAD
    table.show_edge = False
    table.pad_edge = False
    table.collapse_padding = True


def _relax_no_wrap(table: Table) -> None:
    for column in table.columns:
        column.no_wrap = False


def stack(table: Table, width: int) -> RenderableType:
    """One block per row: each non-empty cell on its own line after its column's header."""
    headers = [_plain(column.header) for column in table.columns]
    key_width = min(max((len(header) for header in headers), default=0), max(width // 2, 1))
    parts: list[RenderableType] = []
    if table.title:
        parts.append(Text(_plain(table.title), style="bold"))
    rows = len(table.rows)
    for index in range(rows):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", width=key_width, overflow="fold")
        grid.add_column(overflow="fold")
        for header, column in zip(headers, table.columns, strict=True):
            cells = column._cells
            cell = cells[index] if index < len(cells) else ""
            if _plain(cell).strip():
                grid.add_row(header, cell)
        parts.append(grid)
        if index < rows - 1:
            parts.append(Text(""))
    if table.caption:
        parts.append(Text(_plain(table.caption), style="dim"))
    return Group(*parts)


class Fitted:
    """A table that fits itself to the width it is rendered at (see :func:`fit`)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Render the table in the first layout that shows every cell."""
        yield fit(self.table, console, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the table wants, never wider than the space given."""
        return Measurement.get(console, options, self.table).clamp(max_width=options.max_width)
