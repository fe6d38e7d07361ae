"""One way to write numbers in every table and report: ranges, signed changes, no "-0".

A range is written ``39 to 44`` (never ``39–44``, ``[39, 44]`` or ``-14.4–-4.2``), a change
always carries its sign (``+3``, ``-2``, ``0``), and a value that rounds to zero is ``0``, not
``-0``.
"""

from __future__ import annotations

import re

__all__ = ["signed", "span", "unsigned_zero"]

_NEGATIVE_ZERO = re.compile(r"^-(0(?:\.0*)?)(?![\d.])")


def unsigned_zero(text: str) -> str:
    """``text`` without the minus of a number that rounds to zero (``-0.0 km`` → ``0.0 km``)."""
    return _NEGATIVE_ZERO.sub(r"\1", text)


def span(low: str, high: str) -> str:
    """A range from two formatted ends: ``39 to 44`` (one end alone when they are equal)."""
    low, high = unsigned_zero(low), unsigned_zero(high)
    return low if low == high else f"{low} to {high}"


def signed(text: str) -> str:
    """A formatted change with its sign: ``+3``, ``-2``; ``0`` for anything that rounds to 0."""
    text = unsigned_zero(text)
    if re.match(r"^0(?:\.0*)?(?![\d.])", text):
        return text
    return text if text.startswith(("-", "+")) else f"+{text}"
