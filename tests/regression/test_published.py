"""Published and hand-solved reference values for the transparent models."""

from __future__ import annotations

import numpy as np
import pytest

from accord.models.compromise import CompromiseModel
from accord.models.median import MedianModel
from accord.models.nash import NashModel
from accord.scenario import compile, load
from accord.scenario.compile import Problem


def test_compromise_on_emission_1994() -> None:
    """Σ c s x / Σ c s = 500.3 / 67.7 = 7.39 years (BDM 1994 data, Scholz et al. 2011 Table 2,
    round-0 mean 7.4; the reference trajectory gives 7.39)."""
    problem = compile(load("emission-1994"))
    value = problem.to_units(CompromiseModel().run(problem).settlement)[0, 0]
    assert value == pytest.approx(500.3 / 67.7, abs=1e-9)
    assert value == pytest.approx(7.39, abs=0.005)


def test_median_on_emission_1994_is_seven_years() -> None:
    """Round-0 Condorcet median of the reference trajectory (emission_rounds_reference.csv)."""
    problem = compile(load("emission-1994"))
    assert problem.to_units(MedianModel().run(problem).settlement)[0, 0] == pytest.approx(7.0)


def test_compromise_trace_reports_other_means() -> None:
    problem = compile(load("emission-1994"))
    trace = CompromiseModel().run(problem).trace
    # capability-only mean: Σ c x / Σ c = 7.55 / 1.01; unweighted: 67 / 10.
    assert problem.to_units(trace["mean_capability"])[0, 0] == pytest.approx(7.55 / 1.01)
    assert problem.to_units(trace["mean_unweighted"])[0, 0] == pytest.approx(6.7)


def test_nash_two_actors_symmetric() -> None:
    """Two equal actors at 0 and 1, no walk-away points: argmax log(1-x²)+log(1-(1-x)²) = 1/2."""
    problem = Problem.from_arrays([1, 1], [[0.0], [1.0]], [[1.0], [1.0]])
    assert NashModel().run(problem).settlement[0, 0] == pytest.approx(0.5, abs=1e-9)


def test_nash_two_actors_weighted_by_hand() -> None:
    """Weights 2:1. First-order condition of 2 log(1-x²) + log(x(2-x)):
    -4x/(1-x²) + (2-2x)/(x(2-x)) = 0; clearing denominators, 4x²(2-x) = 2(1-x)(1-x²), i.e.
    6x³ - 10x² - 2x + 2 = 0, whose root in (0, 1) is the solution."""
    problem = Problem.from_arrays([2, 1], [[0.0], [1.0]], [[1.0], [1.0]])
    x = NashModel().run(problem).settlement[0, 0]
    roots = np.roots([6, -10, -2, 2])
    expected = next(r.real for r in roots if abs(r.imag) < 1e-12 and 0 < r.real < 1)
    assert x == pytest.approx(expected, abs=1e-8)


def test_nash_red_line_binds() -> None:
    """B (ideal 1) accepts nothing below 0.8: a hard constraint, not a disagreement point.
    Without it the symmetric solution is 1/2; the objective is concave, so on [0.8, 1] the
    constrained optimum is the red line itself, and B's red line is the one that binds."""
    problem = Problem.from_arrays(
        [1, 1], [[0.0], [1.0]], [[1.0], [1.0]], red_line=[[np.nan], [0.8]]
    )
    outcome = NashModel().run(problem)
    x = outcome.settlement[0, 0]
    assert x == pytest.approx(0.8, abs=1e-8)
    assert x >= 0.8
    assert outcome.trace["feasible"][0]
    assert outcome.trace["binding"][0].tolist() == [False, True]
    assert outcome.trace["binding_issues"][0, :, 0].tolist() == [False, True]
    assert outcome.trace["binding_shift"][0, 1, 0] == pytest.approx(0.3, abs=1e-8)


def test_nash_no_deal_cost_sets_the_disagreement_point() -> None:
    """Linear loss; no deal leaves the issue at 1 (B's ideal) and costs B 20 points, A
    nothing. A's surplus over no deal is 1 − x, B's is 0.2 − (1 − x) = x − 0.8, so the Nash
    product (1 − x)(x − 0.8) peaks at x = 0.9, which B accepts (at least 0.8)."""
    problem = Problem.from_arrays(
        [1, 1],
        [[0.0], [1.0]],
        [[1.0], [1.0]],
        no_deal_outcome=[1.0],
        no_deal_cost=[0.0, 0.2],
    )
    outcome = NashModel(loss="linear").run(problem)
    # The linear loss is smoothed by 1e-6 near its kink (see the model), hence the tolerance.
    assert outcome.settlement[0, 0] == pytest.approx(0.9, abs=1e-6)
    assert outcome.trace["feasible"][0]
    assert not outcome.trace["binding"][0].any()


def test_nash_reports_no_deal() -> None:
    """A accepts at most 0.3 and B at least 0.8: the red lines cross, both block."""
    problem = Problem.from_arrays([1, 1], [[0.0], [1.0]], [[1.0], [1.0]], red_line=[[0.3], [0.8]])
    outcome = NashModel().run(problem)
    assert not outcome.trace["feasible"][0]
    assert outcome.trace["blocked_by"][0].tolist() == [True, True]
    assert outcome.trace["empty"][0].tolist() == [True]
    assert outcome.diagnostics["feasible_share"] == 0.0


def test_nash_status_quo_is_the_default_disagreement_point() -> None:
    """Ideals 0 and 0.6, status quo 0.9, no walk-away points. A gains for x < 0.9, B for
    0.3 < x < 0.9. Maximise log(0.81 - x²) + log(0.09 - (x-0.6)²); the first-order condition
    cleared of denominators is 2x³ - 1.8x² - 0.54x + 0.486 = 0, root in (0.3, 0.9)."""
    problem = Problem.from_arrays([1, 1], [[0.0], [0.6]], [[1.0], [1.0]], status_quo=[[0.9]])
    outcome = NashModel().run(problem)
    x = outcome.settlement[0, 0]
    roots = np.roots([2, -1.8, -0.54, 0.486])
    expected = next(r.real for r in roots if abs(r.imag) < 1e-12 and 0.3 < r.real < 0.9)
    assert x == pytest.approx(expected, abs=1e-8)
    assert x > 0.3  # the unconstrained symmetric point; the status quo pulls it up
    # No red lines: nothing binds (the disagreement point is not a constraint).
    assert not outcome.trace["binding"][0].any()


def test_nash_status_quo_on_the_contract_curve_leaves_no_deal() -> None:
    """Ideals 0 and 1 with status quo 0.9 on the segment between them: nobody can gain
    without the other losing, so no outcome beats the status quo for both."""
    problem = Problem.from_arrays([1, 1], [[0.0], [1.0]], [[1.0], [1.0]], status_quo=[[0.9]])
    assert not NashModel().run(problem).trace["feasible"][0]


def test_nash_linear_loss_on_emission_lies_near_the_median() -> None:
    problem = compile(load("emission-1994"))
    value = problem.to_units(NashModel(loss="linear").run(problem).settlement)[0, 0]
    assert 6.9 < value < 7.2
