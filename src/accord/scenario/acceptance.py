"""Which outcomes an actor accepts: red lines and conditions (hard), then no deal (utility).

One rule, used by every part of accord that speaks of "a deal" (the zone of agreement, nash's
feasibility, ``deal``, simulated talks, odds, linkage):

1. **Red lines and conditions are hard.** Actor a's red line r on an issue is the worst
   settlement it accepts; the acceptable side is the side of its position p (x ≥ r when r ≤ p,
   x ≤ r when r ≥ p; only x = r when r = p). A condition (``requires``) bounds the issue the
   same way: ``at_least`` from below, ``at_most`` from above. So every actor's acceptable set is
   a box ``[low_a, high_a]`` per issue.
2. **No deal is the benchmark on top** (only for actors the scenario's ``no_deal`` block
   names): inside its box, a actor accepts x when U_a(x) ≥ U_a(no-deal outcome) − cost_a, with
   the salience-weighted linear utility of :func:`utility`.

Veto players (every ``party`` and every ``veto: true`` actor) are the actors whose acceptance a
deal needs. Everything works on the unit scale and is batched over the leading draw axis.

References
----------
Fisher, R. & Ury, W. (1981). *Getting to Yes*: the BATNA as the benchmark of any agreement.
Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard UP: reservation values and the
zone of possible agreement.
"""

from __future__ import annotations

import numpy as np

from accord.scenario.compile import BoolArray, FloatArray, Problem

#: Slack, on the unit scale and in utility, below which an outcome still counts as accepted.
TOLERANCE = 1e-9


def utility(position: FloatArray, salience: FloatArray, outcome: FloatArray) -> FloatArray:
    """Salience-weighted linear utility on [0, 1]: 1 − Σ_d s_d |x_d − p_d| / Σ_d s_d.

    Parameters
    ----------
    position, salience
        ``[B, A, I]`` on [0, 1].
    outcome
        ``[B, I]`` (one outcome per draw) or ``[B, A, I]`` (one per actor).

    Returns
    -------
    FloatArray
        ``[B, A]``; 1 for an actor with no salience anywhere.
    """
    point = outcome if outcome.ndim == 3 else outcome[:, None, :]
    total = salience.sum(axis=-1)
    loss = (salience * np.abs(point - position)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 1.0 - loss / np.where(total > 0, total, 1.0), 1.0)


def red_line_bounds(problem: Problem) -> tuple[FloatArray, FloatArray]:
    """``(low, high)`` ``[B, A, I]``: the range each actor's red lines alone leave open."""
    red = problem.red_line
    position = problem.position
    given = ~np.isnan(red)
    low = np.where(given & (red <= position), red, 0.0)
    high = np.where(given & (red >= position), red, 1.0)
    return low, high


def bounds(problem: Problem) -> tuple[FloatArray, FloatArray]:
    """``(low, high)`` ``[B, A, I]``: each actor's acceptable box (red lines and conditions)."""
    low, high = red_line_bounds(problem)
    if problem.condition_low is not None:
        low = np.fmax(low, problem.condition_low)
    if problem.condition_high is not None:
        high = np.fmin(high, problem.condition_high)
    return low, high


def no_deal_utility(problem: Problem, outcome: FloatArray | None = None) -> FloatArray:
    """``[B, A]`` each actor's utility of no deal (outcome's utility minus cost); NaN: none.

    ``outcome`` overrides the problem's no-deal outcome; it may be ``[B, I]`` or, where actors
    see no deal differently (the war's projection from each side), ``[B, A, I]``.
    """
    cost = problem.no_deal_cost
    if cost is None:
        return np.full((problem.draws, problem.n_actors), np.nan)
    point = problem.no_deal_outcome if outcome is None else outcome
    if point is None:
        point = problem.status_quo
    value = utility(problem.position, problem.salience, point)
    return np.where(np.isnan(cost), np.nan, value - cost)


def rejections(
    problem: Problem,
    outcome: FloatArray,
    *,
    no_deal: FloatArray | None = None,
    tolerance: float = TOLERANCE,
) -> tuple[BoolArray, BoolArray]:
    """Who rejects ``outcome`` ``[B, I]`` and why.

    Returns
    -------
    tuple
        ``(outside [B, A, I], short [B, A])``: the issues on which each actor's red lines or
        conditions rule the outcome out, and whether it is worth less to the actor than no deal
        (``no_deal`` from :func:`no_deal_utility`; computed when not given). Non-veto actors are
        included; mask with ``problem.veto_players``.
    """
    low, high = bounds(problem)
    point = outcome[:, None, :]
    outside = (point < low - tolerance) | (point > high + tolerance)
    benchmark = no_deal_utility(problem) if no_deal is None else no_deal
    value = utility(problem.position, problem.salience, outcome)
    with np.errstate(invalid="ignore"):
        short = ~np.isnan(benchmark) & (value < benchmark - tolerance)
    return outside, short


def accepted(
    problem: Problem, outcome: FloatArray, *, no_deal: FloatArray | None = None
) -> BoolArray:
    """``[B, A]`` whether each actor accepts ``outcome`` ``[B, I]`` (both rules)."""
    outside, short = rejections(problem, outcome, no_deal=no_deal)
    return ~outside.any(axis=-1) & ~short


def agreed(
    problem: Problem, outcome: FloatArray, *, no_deal: FloatArray | None = None
) -> BoolArray:
    """``[B]`` whether every veto player accepts ``outcome`` ``[B, I]``."""
    veto = problem.veto_players
    return np.asarray(accepted(problem, outcome, no_deal=no_deal)[:, veto].all(axis=-1))


__all__ = [
    "TOLERANCE",
    "accepted",
    "agreed",
    "bounds",
    "no_deal_utility",
    "red_line_bounds",
    "rejections",
    "utility",
]
