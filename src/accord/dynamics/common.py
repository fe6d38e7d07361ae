"""Helpers shared by the dynamics modules: random streams, sampling, utilities, summaries.

Utilities follow the scenario's own model of preferences: actor i's utility for an outcome x
(every issue on [0, 1]) is one minus its salience-weighted distance from its position,

    U_i(x) = 1 − Σ_d s_id |x_d − p_id| / Σ_d s_id,

so 1 is everything it wants and 0 the far end of every scale; reported values are ×100. The
no-deal reference of an actor follows the ``nash`` model's disagreement point: its walk-away
point on an issue where it has one, else the issue's status quo, else the end of the scale
farthest from its position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.scenario.acceptance import utility
from accord.scenario.compile import FloatArray, Problem, RNGLike, sample_numbers
from accord.scenario.schema import Number, Scenario, War

LOW_QUANTILE = 0.1
HIGH_QUANTILE = 0.9
DAYS_PER_MONTH = 365.25 / 12


def streams(rng: RNGLike, count: int) -> list[np.random.Generator]:
    """``count`` independent generators from one seed or generator (``SeedSequence.spawn``).

    Each part of an analysis draws from its own stream, so adding draws to one part never
    changes the numbers of another.
    """
    if isinstance(rng, np.random.Generator):
        return list(rng.spawn(count))
    return [np.random.default_rng(seed) for seed in np.random.SeedSequence(rng).spawn(count)]


def sample(
    numbers: Sequence[Number | None], draws: int | None, generator: np.random.Generator | None
) -> FloatArray:
    """Point values (``draws=None``: one draw) or samples of numbers, shape ``[B, N]``.

    Uses the scenario compiler's inverse-CDF sampler (uniform for ``[low, high]``, triangular
    for ``{low, mode, high}``); a missing number gives NaN.
    """
    batch = 1 if draws is None else int(draws)
    values = sample_numbers([list(numbers)], batch, None if draws is None else generator)
    return values[:, 0, :]


def filled(
    numbers: Sequence[Number | None], default: float, draws: int | None, generator: Any
) -> FloatArray:
    """Like :func:`sample`, with ``default`` where a number is missing."""
    values = sample(numbers, draws, generator)
    return np.where(np.isnan(values), default, values)


def months_between(start: dt.date, end: dt.date) -> float:
    """Months (of 30.44 days) from ``start`` to ``end``; negative if ``end`` comes first."""
    return (end - start).days / DAYS_PER_MONTH


def war_of(scenario: Scenario) -> War:
    """The scenario's war block, or a bad-input error saying how to add one."""
    if scenario.war is None:
        raise InputError.single(
            scenario.id,
            "the scenario has no war block",
            path=("war",),
            hint="add war: with control, theatres, regimes and sides "
            "(see docs/war-and-ratification.md)",
        )
    return scenario.war


def reference(problem: Problem, walk_away: FloatArray | None = None) -> FloatArray:
    """Each actor's no-deal point ``[B, A, I]``: walk-away, else status quo, else its worst end.

    Compensatory (a red line counts as the outcome of no deal on its issue); the acceptance
    rule of :mod:`accord.scenario.acceptance` keeps red lines hard instead.
    """
    walk = problem.walk_away if walk_away is None else walk_away
    worst = np.where(problem.position < 0.5, 1.0, 0.0)
    status = np.broadcast_to(problem.status_quo[:, None, :], walk.shape)
    return np.where(np.isnan(walk), np.where(np.isnan(status), worst, status), walk)


def interval(values: FloatArray, axis: int = 0) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Median and the 80 % interval (10th and 90th percentiles) along ``axis``."""
    low, median, high = np.quantile(values, [LOW_QUANTILE, 0.5, HIGH_QUANTILE], axis=axis)
    return median, low, high


def summary(values: FloatArray, digits: int = 6) -> dict[str, float]:
    """``{"value", "low", "high"}``: median and 80 % interval of a one-dimensional sample."""
    median, low, high = interval(np.asarray(values, dtype=np.float64).reshape(-1))
    return {
        "value": round(float(median), digits),
        "low": round(float(low), digits),
        "high": round(float(high), digits),
    }


def rounded(values: Any, digits: int = 6) -> Any:
    """Arrays and floats as JSON-ready nested lists of rounded floats (NaN becomes None)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        number = float(array)
        return round(number, digits) if np.isfinite(number) else None
    return [rounded(item, digits) for item in array]


__all__ = [
    "filled",
    "interval",
    "months_between",
    "reference",
    "rounded",
    "sample",
    "streams",
    "summary",
    "utility",
    "war_of",
]
