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


def _zone_case(capability: list[float], **extra: object) -> Problem:
    """The issue's hand-made case: a (party, 20, red line 60), b (party, 90, red line 40), c
    (no veto, 100, large capability); no status quo, so each party's disagreement point is the
    far end of the scale."""
    return Problem.from_arrays(
        capability,
        [[0.2], [0.9], [1.0]],
        [[1.0], [1.0], [1.0]],
        red_line=extra.pop("red_line", [[0.6], [0.4], [np.nan]]),
        party=[True, True, False],
        **extra,  # type: ignore[arg-type]
    )


def test_red_lines_40_60_keep_nash_inside_and_do_not_bind_when_slack() -> None:
    """Equal weights: maximise log((1 − x)(0.6 + x)) + log(x(1.8 − x)). The first-order
    condition cleared of denominators, (0.4 − 2x)·x(1.8 − x) + (1.8 − 2x)(1 − x)(0.6 + x) = 0,
    has its root in [0.4, 0.6]: the red lines hold but do not bind. c has no say."""
    outcome = NashModel().run(_zone_case([1.0, 1.0, 50.0]))
    left = np.polymul([-2, 0.4], np.polymul([1, 0], [-1, 1.8]))
    right = np.polymul([-2, 1.8], np.polymul([-1, 1], [1, 0.6]))
    roots = np.roots(np.polyadd(left, right))
    expected = next(r.real for r in roots if abs(r.imag) < 1e-12 and 0.4 <= r.real <= 0.6)
    assert outcome.settlement[0, 0] == pytest.approx(expected, abs=1e-8)
    assert outcome.trace["feasible"][0]
    assert not outcome.trace["binding"][0].any()


def test_a_red_line_binds_exactly_and_is_named() -> None:
    """With b four times as strong the unconstrained point is 0.6785 (> a's red line 60):
    the solution is the red line itself, and a's red line on i0 binds."""
    outcome = NashModel().run(_zone_case([1.0, 4.0, 50.0]))
    assert outcome.settlement[0, 0] == pytest.approx(0.6, abs=1e-8)
    assert outcome.settlement[0, 0] <= 0.6
    assert outcome.trace["binding"][0].tolist() == [True, False, False]
    assert outcome.diagnostics["binding"] == ["a0:i0"]
    assert outcome.trace["binding_shift"][0, 0, 0] < -0.07


def test_crossing_red_lines_are_infeasible_and_name_both() -> None:
    outcome = NashModel().run(_zone_case([1.0, 1.0, 50.0], red_line=[[0.3], [0.7], [np.nan]]))
    assert not outcome.trace["feasible"][0]
    assert outcome.trace["blocked_by"][0].tolist() == [True, True, False]
    assert outcome.trace["empty"][0].tolist() == [True]


def test_a_veto_players_red_line_and_a_condition_are_constraints_too() -> None:
    # c is no party but holds a veto: its red line 55 (it sits at 100) lifts the floor.
    veto = _zone_case([1.0, 1.0, 50.0], red_line=[[0.6], [0.4], [0.55]], veto=[False, False, True])
    outcome = NashModel().run(veto)
    assert outcome.settlement[0, 0] == pytest.approx(0.55, abs=1e-8)
    assert outcome.trace["binding"][0].tolist() == [False, False, True]
    # b's condition "at most 50" caps it below the slack optimum 0.5148.
    capped = _zone_case([1.0, 1.0, 50.0], condition_high=[[np.nan], [0.5], [np.nan]])
    outcome = NashModel().run(capped)
    assert outcome.settlement[0, 0] == pytest.approx(0.5, abs=1e-8)
    assert outcome.trace["binding"][0].tolist() == [False, True, False]


def test_a_point_the_acceptance_rule_rejects_is_not_feasible() -> None:
    """No deal leaves the issue at 1 and costs B 4 points. In the quadratic loss B's surplus
    0.04 − (1 − x)² is positive for x > 0.8, so the Nash product has an optimum; but by the
    scenario's linear utility B accepts only x ≥ 0.96, so the point is reported infeasible."""
    problem = Problem.from_arrays(
        [1, 1], [[0.0], [1.0]], [[1.0], [1.0]], no_deal_outcome=[1.0], no_deal_cost=[0.0, 0.04]
    )
    outcome = NashModel().run(problem)
    assert 0.8 < outcome.settlement[0, 0] < 0.96
    assert not outcome.trace["feasible"][0]
    assert outcome.trace["blocked_by"][0].tolist() == [False, True]


def test_two_issues_on_the_box_match_a_generic_solver() -> None:
    """Three players, two coupled issues, red lines binding on one issue only: the batched
    solution matches scipy's bounded optimiser on the same objective."""
    from scipy.optimize import minimize

    position = np.array([[0.1, 0.8], [0.9, 0.2], [0.5, 0.9]])
    salience = np.array([[1.0, 0.3], [0.4, 1.0], [0.7, 0.7]])
    capability = np.array([1.0, 2.0, 1.5])
    red_line = np.array([[0.45, np.nan], [np.nan, np.nan], [np.nan, np.nan]])
    problem = Problem.from_arrays(
        capability, position, salience, red_line=red_line, party=[True, True, True]
    )
    outcome = NashModel().run(problem)
    worst = np.where(position < 0.5, 1.0, 0.0)
    weight = capability / capability.sum()

    def negative(x: np.ndarray) -> float:
        gain = (salience * ((worst - position) ** 2 - (x - position) ** 2)).sum(axis=-1)
        return -float((weight * np.log(gain)).sum())

    best = minimize(
        negative, [0.3, 0.5], bounds=[(0.0, 0.45), (0.0, 1.0)], method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-12},
    )  # fmt: skip
    assert outcome.settlement[0] == pytest.approx(best.x, abs=1e-6)
    assert outcome.settlement[0, 0] == pytest.approx(0.45, abs=1e-8)
    assert outcome.trace["binding_issues"][0, 0].tolist() == [True, False]
