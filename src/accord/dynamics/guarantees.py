"""How likely a deal is to break down, given its guarantees: a proportional-hazards model.

The time to renewed war after a ceasefire follows a Weibull distribution whose hazard is
scaled by the deal's provisions (Cox proportional hazards, as in Fortna 2003, 2004):

    S(t) = exp(−Λ₀(t) · HR),   Λ₀(t) = −ln(1 − q₀) · (t / H)^k,

so that a ceasefire with no provisions breaks down within the horizon H with probability q₀
(``baseline``), and k < 1 makes the risk highest right after the ceasefire (Fortna 2004). The
hazard ratio multiplies the effects of the deal's terms:

    HR = HR_g^γ · Π_{j ∈ terms} HR_j · HR_s^(shortfall / 0.1),

* γ ∈ [0, 1], the strength of the guarantee read from its issue (0 = none, 1 = the strongest on
  the scale), and HR_g the hazard ratio of the strongest guarantee against none: third-party
  guarantees are what make settlements stick (Walter 1997, 2002; Fortna 2003);
* HR_j for each provision the deal includes: demilitarised zones, monitoring, joint
  commissions (Fortna 2003);
* HR_s per 10 % of the contested area by which the deal gives a side less than it expects from
  fighting on (its battlefield walk-away point, :mod:`accord.dynamics.war`): settlements that
  do not reflect the battlefield break down more often (Werner & Yuen 2005).

A side then values a deal at (1 − q)·V(terms) + q·V(renewed war from the new line), where q is
the probability of breakdown within the horizon (:mod:`accord.dynamics.deal`).

References
----------
Walter, B. F. (1997). The critical barrier to civil war settlement. *International
Organization* 51(3):335-364.
Walter, B. F. (2002). *Committing to Peace*. Princeton University Press.
Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of peace. *International
Organization* 57(2):337-372.
Fortna, V. P. (2004). *Peace Time: Cease-Fire Agreements and the Durability of Peace*.
Princeton University Press.
Werner, S. & Yuen, A. (2005). Making and keeping peace. *International Organization*
59(2):261-292.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.dynamics.common import filled, sample
from accord.errors import InputError
from accord.scenario.compile import FloatArray
from accord.scenario.schema import Guarantees, Scenario

SHORTFALL_STEP = 0.1


@dataclass(frozen=True, eq=False)
class GuaranteeSample:
    """The guarantees block's numbers, one row per draw (all ``[B]``)."""

    block: Guarantees
    horizon: FloatArray
    baseline: FloatArray
    shape: FloatArray
    strength_hazard_ratio: FloatArray
    shortfall_hazard_ratio: FloatArray
    terms: dict[str, FloatArray]

    @property
    def draws(self) -> int:
        """Number of draws B."""
        return int(self.horizon.shape[0])


def sample_guarantees(
    scenario: Scenario, draws: int | None = None, generator: np.random.Generator | None = None
) -> GuaranteeSample:
    """Sample (or take at point values) the guarantees block; neutral values where absent.

    Without a ``guarantees`` block every deal is taken to hold (q = 0), and a warning is the
    caller's to give.
    """
    block = scenario.guarantees or Guarantees.model_validate(
        {
            "horizon": {"value": 12, "estimate": True},
            "baseline": {"value": 0.0, "estimate": True},
            "shape": {"value": 1, "estimate": True},
        }
    )
    horizon, baseline, shape = sample(
        [block.horizon, block.baseline, block.shape], draws, generator
    ).T
    strength, shortfall = filled(
        [block.strength_hazard_ratio, block.shortfall_hazard_ratio], 1.0, draws, generator
    ).T
    term_values = sample([term.hazard_ratio for term in block.terms], draws, generator)
    return GuaranteeSample(
        block=block,
        horizon=horizon,
        baseline=baseline,
        shape=shape,
        strength_hazard_ratio=strength,
        shortfall_hazard_ratio=shortfall,
        terms={term.id: term_values[:, j] for j, term in enumerate(block.terms)},
    )


def check_terms(sampled: GuaranteeSample, terms: Sequence[str], file: str | None) -> None:
    """Raise a bad-input error for a provision the scenario does not define."""
    for index, term in enumerate(terms):
        if term not in sampled.terms:
            known = ", ".join(sampled.terms) or "none defined in the scenario's guarantees"
            raise InputError.single(
                file,
                f"unknown guarantee term {term!r}",
                path=("guarantee_terms", index),
                value=term,
                hint=f"use one of: {known}",
            )


def strength(block: Guarantees, issue_ids: Sequence[str], outcome: FloatArray) -> FloatArray:
    """γ ∈ [0, 1]: how strong the deal's guarantee is, read from ``outcome`` [B, I] on [0, 1]."""
    if block.issue is None or block.issue not in issue_ids:
        return np.zeros(outcome.shape[0])
    value = outcome[:, list(issue_ids).index(block.issue)]
    return np.clip(value if block.stronger == "max" else 1.0 - value, 0.0, 1.0)


def hazard_ratio(
    sampled: GuaranteeSample,
    guarantee: FloatArray,
    terms: Sequence[str] = (),
    shortfall: FloatArray | None = None,
) -> FloatArray:
    """HR ``[B]`` of a deal: guarantee strength γ ``[B]``, provisions, battlefield shortfall.

    ``shortfall`` ``[B]`` is the largest share of the contested area by which the deal falls
    short of a belligerent's battlefield walk-away point (0 when it gives both at least that).
    """
    ratio = sampled.strength_hazard_ratio ** np.asarray(guarantee)
    for term in terms:
        ratio = ratio * sampled.terms[term]
    if shortfall is not None:
        ratio = ratio * sampled.shortfall_hazard_ratio ** (np.asarray(shortfall) / SHORTFALL_STEP)
    return ratio


def decompose(
    sampled: GuaranteeSample,
    guarantee: FloatArray,
    terms: Sequence[str] = (),
    shortfall: FloatArray | None = None,
) -> dict[str, FloatArray]:
    """The hazard ratio factor by factor, ``{name: [B]}``; their product is :func:`hazard_ratio`.

    Names: ``"guarantee"`` (HR_g^γ), each provision's id (HR_j), and ``"shortfall"``
    (HR_s^(shortfall / 0.1)) when a shortfall is given.
    """
    parts: dict[str, FloatArray] = {
        "guarantee": np.asarray(sampled.strength_hazard_ratio ** np.asarray(guarantee))
    }
    for term in terms:
        parts[term] = np.asarray(sampled.terms[term])
    if shortfall is not None:
        parts["shortfall"] = np.asarray(
            sampled.shortfall_hazard_ratio ** (np.asarray(shortfall) / SHORTFALL_STEP)
        )
    return parts


def shortfall_sensitivity(
    sampled: GuaranteeSample,
    ratio: FloatArray,
    shortfall: FloatArray,
    values: Sequence[float],
) -> dict[float, FloatArray]:
    """Breakdown within the horizon ``[B]`` with the shortfall hazard ratio set to each value.

    ``ratio`` is the deal's hazard ratio with the sampled shortfall factor; the factor is
    divided out and HR_s^(shortfall / 0.1) put back for each HR_s in ``values`` (1 = the
    battlefield shortfall does not matter).
    """
    own = sampled.shortfall_hazard_ratio ** (np.asarray(shortfall) / SHORTFALL_STEP)
    base = np.asarray(ratio) / own
    return {
        float(value): breakdown(
            sampled, base * float(value) ** (np.asarray(shortfall) / SHORTFALL_STEP)
        )
        for value in values
    }


def sensitivity_values(block: Guarantees | None) -> tuple[float, ...]:
    """1 (no effect) and the low, mode and high of the shortfall hazard ratio, in order."""
    number = None if block is None else block.shortfall_hazard_ratio
    if number is None:
        return (1.0,)
    points = {1.0, number.point}
    points.update(value for value in (number.low, number.mode, number.high) if value is not None)
    return tuple(sorted(points))


def cumulative_hazard(sampled: GuaranteeSample, months: Any, each: bool = False) -> FloatArray:
    """Λ₀(t) of a ceasefire without provisions.

    ``[B, T]`` for ``months`` ``[T]`` common to all draws; with ``each``, ``months`` is ``[B]``
    (one per draw) and the result ``[B]``.
    """
    t = np.asarray(months, dtype=np.float64)
    scale = -np.log1p(-sampled.baseline)
    if each:
        return scale * (t / sampled.horizon) ** sampled.shape
    t = np.atleast_1d(t)[None, :]
    return scale[:, None] * (t / sampled.horizon[:, None]) ** sampled.shape[:, None]


def breakdown(sampled: GuaranteeSample, ratio: FloatArray, months: Any = None) -> FloatArray:
    """Probability ``[B, T]`` that the deal breaks down within each of ``months`` ``[T]``.

    ``months=None`` gives ``[B]``: within the guarantees' own horizon, which is
    1 − (1 − q₀)^HR.
    """
    if months is None:
        return -np.expm1(np.log1p(-sampled.baseline) * ratio)
    return -np.expm1(-cumulative_hazard(sampled, months) * np.asarray(ratio)[:, None])
