"""The weighted median (median voter) model.

With single-peaked, linear-loss preferences the Condorcet winner among actor positions, where
actor i gives c_i s_id (|x_id − x_jd| − |x_id − x_kd|) votes to k over j, is the
capability × salience weighted median (Black 1948; Bueno de Mesquita 1994).

References
----------
Black, D. (1948). On the rationale of group decision-making. *J. Political Economy* 56(1):23-34.
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 71-104.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.restricted import run_within_zone
from accord.scenario.compile import FloatArray, Problem, RNGLike


def weighted_median(weights: FloatArray, position: FloatArray) -> FloatArray:
    """Lower weighted median over axis 1 of ``[B, A, I]`` arrays.

    The smallest position at which the cumulative weight reaches half the total: the
    Condorcet winner, and on an exact tie the lower of the two candidates. With all weights
    zero, every actor counts equally.
    """
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(total > 0, weights, 1.0)
    order = np.argsort(position, axis=1, kind="stable")
    sorted_position = np.take_along_axis(position, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=1), axis=1)
    half = cumulative[:, -1:, :] / 2.0
    # A small relative tolerance so that exact halves (e.g. 0.5 + 0.5) count as reached.
    reached = cumulative >= half * (1 - 1e-12)
    first = np.argmax(reached, axis=1)
    return np.take_along_axis(sorted_position, first[:, None, :], axis=1)[:, 0, :]


@register_model
@dataclass(frozen=True)
class MedianModel:
    """Capability × salience weighted median, issue by issue (the Condorcet winner)."""

    name: ClassVar[str] = "median"
    summary: ClassVar[str] = "capability × salience weighted median (Condorcet winner)"
    citation: ClassVar[str] = "Black (1948); Bueno de Mesquita (1994)"
    traits: ClassVar[ModelTraits] = ModelTraits()
    within_zone: bool = False
    """Hold positions and the settlement inside the veto players' red lines (docs/zone.md)."""

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Weighted medians per draw and issue."""
        if self.within_zone:
            return run_within_zone(dataclasses.replace(self, within_zone=False), problem, rng)
        weights = problem.capability[:, :, None] * problem.salience
        settlement = weighted_median(weights, problem.position)
        return Outcome(self.name, settlement)
