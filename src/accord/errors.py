"""The one exception type for bad input.

Every problem a user can fix (a malformed file, an unknown id, a value off the scale, a bad
command-line option) is raised as :class:`InputError`, which says where (file, field path,
line and column when known), what (the offending value) and how to fix it (a hint). The CLI
prints it in one or two lines and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def format_path(path: Sequence[str | int]) -> str:
    """Render a field path like ``actors[3].positions.donbas``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class ErrorDetail:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    path: tuple[str | int, ...] = ()
    value: Any = None
    hint: str | None = None
    line: int | None = None
    column: int | None = None

    def render(self, file: str | None) -> str:
        """One line: ``file:line:col: field: message (got value); hint``."""
        where = file or ""
        if self.line is not None:
            where = f"{where or '<input>'}:{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: " if where else ""
        if self.path and format_path(self.path) not in self.message:
            text += f"{format_path(self.path)}: "
        text += self.message
        if self.value is not None and not isinstance(self.value, dict | list):
            shown = repr(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            if shown not in self.message:
                text += f" (got {shown})"
        if self.hint:
            text += f". Fix: {self.hint}"
        return text


@dataclass
class InputError(Exception):
    """Bad input: a file, a field or an option the user can fix."""

    file: str | None
    problems: list[ErrorDetail] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    @classmethod
    def single(
        cls,
        file: str | None,
        message: str,
        *,
        path: tuple[str | int, ...] = (),
        value: Any = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> InputError:
        """An error with one problem."""
        return cls(file, [ErrorDetail(message, path, value, hint, line, column)])

    def render(self, limit: int | None = 1) -> str:
        """The first ``limit`` problems, one a line, and a count of the rest."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [problem.render(self.file) for problem in shown]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            lines.append(
                f"... and {hidden} more problem{'s' if hidden > 1 else ''} "
                "(run `accord validate` to see them all)"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class Notice(UserWarning):
    """Something the user should know that is not an error (e.g. a scale inferred from data).

    The command line prints each as one ``note: …`` line on stderr; in Python it is a warning.
    """
