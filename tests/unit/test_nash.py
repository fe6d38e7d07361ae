"""Unit tests for the Nash bargaining model (accord.models.nash) beyond the published cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from accord.models.nash import NashModel
from accord.scenario.compile import Problem


@pytest.mark.parametrize("factor", [1e-300, 1e-12, 1e12, 1e300])
def test_extreme_capability_scales_change_nothing(factor: float) -> None:
    # Only ratios of the bargaining weights matter; the model divides them by their sum, so
    # Newton's absolute ridge and tolerances see the same problem at any scale.
    position = np.array([[0.1], [0.4], [0.9], [0.6]])
    salience = np.full((4, 1), 0.5)
    capability = np.array([1.0, 2.0, 1.5, 0.7])
    base = NashModel().run(Problem.from_arrays(capability, position, salience)).settlement
    scaled = Problem.from_arrays(capability * factor, position, salience)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert NashModel().run(scaled).settlement == pytest.approx(base, abs=1e-9)
