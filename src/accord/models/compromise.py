"""The compromise model: the capability × salience weighted mean of positions.

References
----------
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, Stokman, Achen &
König (eds.), *The European Union Decides*, Cambridge University Press, 86-123.
van den Bos, J. M. M. (1991). *Dutch EC Policy Making*. Amsterdam: Thesis Publishers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.restricted import run_within_zone
from accord.scenario.compile import FloatArray, Problem, RNGLike


def weighted_mean(weights: FloatArray, position: FloatArray) -> FloatArray:
    """Σ w x / Σ w over the actor axis (axis 1) of ``[B, A, I]`` arrays.

    Where every weight is zero the plain mean is returned, so the result is always defined.
    """
    total = weights.sum(axis=1)
    plain = position.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weights * position).sum(axis=1) / total
    return np.where(total > 0, mean, plain)


@register_model
@dataclass(frozen=True)
class CompromiseModel:
    """Capability × salience weighted mean, issue by issue: x*_d = Σ c_i s_id x_id / Σ c_i s_id.

    The baseline every other model must beat (Achen 2006). The trace also reports the
    capability-only mean (``mean_capability``) and the unweighted mean (``mean_unweighted``).
    """

    name: ClassVar[str] = "compromise"
    summary: ClassVar[str] = "capability × salience weighted mean of positions (the baseline)"
    citation: ClassVar[str] = (
        "Achen (2006), in Thomson, Stokman, Achen & König (eds.), The European Union Decides; "
        "van den Bos (1991)"
    )
    traits: ClassVar[ModelTraits] = ModelTraits()
    within_zone: bool = False
    """Hold positions and the settlement inside the veto players' red lines (docs/zone.md)."""

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Weighted means per draw and issue."""
        if self.within_zone:
            return run_within_zone(dataclasses.replace(self, within_zone=False), problem, rng)
        capability = problem.capability[:, :, None]
        position = problem.position
        settlement = weighted_mean(capability * problem.salience, position)
        trace = {
            "mean_capability": weighted_mean(np.broadcast_to(capability, position.shape), position),
            "mean_unweighted": position.mean(axis=1),
            "scaled": ("mean_capability", "mean_unweighted"),
        }
        return Outcome(self.name, settlement, trace)
