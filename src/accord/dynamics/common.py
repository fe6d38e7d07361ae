"""Helpers shared by the dynamics modules: random streams, sampling, utilities, summaries.

Utilities follow the scenario's own model of preferences: actor i's utility for an outcome x
(every issue on [0, 1]) is one minus its salience-weighted distance from its position,

    U_i(x) = 1 − Σ_d s_id |x_d − p_id| / Σ_d s_id,

so 1 is everything it wants and 0 the far end of every scale; reported values are ×100. The
no-deal reference of an actor follows the ``nash`` model's disagreement point: the scenario's
no-deal outcome (else the issue's status quo, else the end of the scale farthest from its
position), minus its cost of no deal where one is given. Red lines are not part of it: they
are hard limits (:mod:`accord.scenario.acceptance`), checked on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.scenario.acceptance import no_deal_utility, utility
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


def reference(problem: Problem) -> FloatArray:
    """Each actor's no-deal outcome ``[B, A, I]`` (compensatory: what it gets if talks fail).

    The scenario's no-deal outcome (``no_deal.outcome``, which defaults to the status quo),
    else the status quo, else the end of the scale farthest from the actor's position. Red
    lines play no part here: the acceptance rule of :mod:`accord.scenario.acceptance` keeps
    them hard, on top of this benchmark.
    """
    worst = np.where(problem.position < 0.5, 1.0, 0.0)
    outcome = problem.status_quo if problem.no_deal_outcome is None else problem.no_deal_outcome
    outcome = np.where(np.isnan(outcome), problem.status_quo, outcome)
    point = np.broadcast_to(outcome[:, None, :], worst.shape)
    return np.where(np.isnan(point), worst, point)


def no_deal_value(problem: Problem, points: FloatArray) -> FloatArray:
    """``[B, A]`` each actor's utility of no deal: of ``points`` ``[B, A, I]``, minus its cost.

    The cost of no deal counts where the scenario gives one (:func:`acceptance.no_deal_utility`),
    else nothing: a deal is always measured against what failing to agree would bring.
    """
    value = utility(problem.position, problem.salience, points)
    with_cost = no_deal_utility(problem, outcome=points)
    return np.where(np.isnan(with_cost), value, with_cost)


def no_deal_points(problem: Problem, battlefield: FloatArray | None = None) -> FloatArray:
    """``[B, A, I]`` each actor's no-deal outcome: the war's projection for ``from: war`` actors.

    Everyone else gets :func:`reference`. ``battlefield`` is the war model's no-deal outcome
    per actor (:func:`accord.dynamics.deal.battlefield`); it counts only for the actors the
    scenario's ``no_deal`` block sends to the war (``from: war``), as in the zone of agreement.
    """
    points = reference(problem)
    if battlefield is None or problem.no_deal_war is None:
        return points
    return np.where(problem.no_deal_war[None, :, None], battlefield, points)


def reservation(problem: Problem, points: FloatArray) -> FloatArray:
    """``[B, A]`` the utility below which each actor refuses a deal; 0 where it has no limit.

    The zone's rule (:mod:`accord.analysis.zone`): only actors the scenario's ``no_deal`` block
    names refuse deals worth less than no deal (its utility minus their cost); the others are
    bound by their red lines and conditions alone.
    """
    value = no_deal_utility(problem, outcome=points)
    return np.where(np.isnan(value), 0.0, value)


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
    "no_deal_value",
    "reference",
    "rounded",
    "sample",
    "streams",
    "summary",
    "utility",
    "war_of",
]
