"""EUM's reading of a trajectory that does not settle: cycles, windows and the convergence flag."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import accord
from accord.analysis.forecast import cycle_range, forecast, model_status
from accord.models.eum import ExpectedUtilityModel, convergence_warnings, terminal_cycle
from accord.scenario.compile import Problem


def _trajectory(states: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
    """``[1, T + 1, A, 1]`` positions and, as a stand-in median, the first actor's position."""
    positions = np.array(states, dtype=float)[None, :, :, None]
    return positions, positions[:, :, 0, :]


def test_hand_built_two_cycle_reads_the_mean_of_the_cycle() -> None:
    positions, median = _trajectory(
        [[0.0, 1.0], [0.2, 1.0], [0.9, 1.0], [0.3, 1.0], [0.9, 1.0], [0.3, 1.0], [0.9, 1.0]]
    )
    cycle = terminal_cycle(positions, median, np.array([[False]]))
    assert cycle.length.tolist() == [[2]]
    assert cycle.mean[0, 0] == pytest.approx(0.6)
    assert (cycle.low[0, 0], cycle.high[0, 0]) == (0.3, 0.9)


def test_hand_built_three_cycle_within_tolerance() -> None:
    positions, median = _trajectory(
        [[0.5, 0.5], [0.1, 0.5], [0.4, 0.5], [0.7, 0.5], [0.1 + 1e-12, 0.5], [0.4, 0.5], [0.7, 0.5]]
    )
    cycle = terminal_cycle(positions, median, np.array([[False]]))
    assert cycle.length.tolist() == [[3]]
    assert cycle.mean[0, 0] == pytest.approx(0.4)
    loose = terminal_cycle(positions, median, np.array([[False]]), tolerance=0.5)
    assert loose.length.tolist() == [[1]]  # everything repeats: read as settled


def test_no_repeat_reads_the_last_half_of_the_rounds() -> None:
    positions, median = _trajectory([[0.0], [0.1], [0.2], [0.3], [0.4], [0.5]])  # T = 5
    cycle = terminal_cycle(positions, median, np.array([[False]]))
    assert cycle.length.tolist() == [[0]]
    assert cycle.mean[0, 0] == pytest.approx(0.4)  # rounds 3, 4, 5
    assert (cycle.low[0, 0], cycle.high[0, 0]) == (0.3, 0.5)


def test_settled_and_degenerate_trajectories() -> None:
    positions, median = _trajectory([[0.0], [0.6], [0.6]])
    cycle = terminal_cycle(positions, median, np.array([[False]]))
    assert cycle.length.tolist() == [[1]] and cycle.mean[0, 0] == 0.6
    single, single_median = _trajectory([[0.25]])  # zero rounds
    assert terminal_cycle(single, single_median, np.array([[True]])).length.tolist() == [[1]]
    unrun = terminal_cycle(single, single_median, np.array([[False]]))
    assert unrun.length.tolist() == [[0]] and unrun.mean[0, 0] == 0.25


def _oscillating() -> Problem:
    # found by search: the last state alternates between two; the median between 0.25 and 0.69
    return Problem.from_arrays(
        [1.6, 0.9, 0.6, 0.5],
        np.array([1.0, 0.25, 0.5, 0.75])[:, None],
        np.array([0.5, 0.6, 0.5, 0.8])[:, None],
        issue_ids=["x"],
    )


def test_model_reads_a_two_cycle() -> None:
    problem = _oscillating()
    outcome = ExpectedUtilityModel().run(problem)
    median = outcome.trace["median"][0, :, 0]
    assert median[-1] != median[-2]
    assert outcome.settlement[0, 0] == pytest.approx((median[-1] + median[-2]) / 2)
    assert outcome.trace["cycle_length"].tolist() == [[2]]
    assert outcome.trace["cycle_low"][0, 0] == pytest.approx(0.25)
    assert outcome.trace["cycle_high"][0, 0] == pytest.approx(0.69192619, abs=1e-8)
    assert outcome.diagnostics["converged"].tolist() == [[False]]
    (warning,) = outcome.diagnostics["warnings"]
    assert "did not settle on 1 of 1 issues: x;" in warning
    legacy = ExpectedUtilityModel(forecast="median").run(problem)
    assert legacy.settlement[0, 0] == pytest.approx(0.25)  # round 10's median: half the story


def test_settled_problem_keeps_the_median_and_has_no_warning() -> None:
    problem = Problem.from_arrays(
        [1.0, 1.0, 1.0], np.array([0.2, 0.2, 0.2])[:, None], np.ones((3, 1))
    )
    outcome = ExpectedUtilityModel().run(problem)
    assert outcome.diagnostics["converged"].tolist() == [[True]]
    assert outcome.diagnostics["cycle_length"].tolist() == [[1]]
    assert outcome.diagnostics["warnings"] == []
    assert outcome.settlement[0, 0] == pytest.approx(0.2)


def test_warning_gives_the_share_of_draws() -> None:
    converged = np.array([[True, False, True], [False, False, True]])
    length = np.array([[1, 2, 1], [0, 3, 1]])
    (warning,) = convergence_warnings(converged, length, ("a", "b", "c"))
    assert warning.startswith("eum did not settle on 2 of 3 issues: a (50% of draws), b;")
    assert convergence_warnings(converged[:, 2:], length[:, 2:], ("c",)) == []


@given(
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=0, max_value=15),
)
def test_cycle_mean_stays_within_the_cycle_and_the_positions(
    actors: int, seed: int, rounds: int
) -> None:
    rng = np.random.default_rng(seed)
    position = rng.integers(0, 5, (2, actors, 2)) / 4
    problem = Problem.from_arrays(
        rng.uniform(0.1, 2.0, (2, actors)), position, rng.uniform(0.05, 1.0, (2, actors, 2))
    )
    outcome = ExpectedUtilityModel(max_rounds=rounds).run(problem)
    value, trace = outcome.settlement, outcome.trace
    assert np.all(trace["cycle_low"] - 1e-12 <= value)
    assert np.all(value <= trace["cycle_high"] + 1e-12)
    assert np.all(position.min(axis=1) - 1e-12 <= value)
    assert np.all(value <= position.max(axis=1) + 1e-12)
    settled = trace["cycle_length"] == 1
    assert np.array_equal(value[settled], trace["median"][:, -1][settled])


def test_forecast_reports_the_cycle_range_and_convergence() -> None:
    result = forecast(accord.load("emission-1994"), ["eum", "nash"])
    eum = result.models["eum"].issues["delay"]
    assert eum.value == pytest.approx(8.528, abs=1e-3)
    assert (eum.low, eum.high) == (pytest.approx(7.0), pytest.approx(9.671, abs=1e-3))
    data = result.to_json()["models"]
    assert data["eum"]["converged"] is False and "delay" in data["eum"]["warnings"][0]
    assert data["eum"]["trace"]["cycle_length"] == [0]
    assert data["nash"]["converged"] is None and data["nash"]["warnings"] == []
    assert result.models["nash"].issues["delay"].low is None


def test_settled_forecast_has_no_range() -> None:
    problem = _oscillating()
    unrun = ExpectedUtilityModel(max_rounds=0).run(problem)
    assert cycle_range(problem, unrun, 0) == (0.75, 0.75)  # zero rounds: round 0 alone
    assert model_status(unrun)["converged"] is False
    one = Problem.from_arrays([1.0, 1.0], np.array([[0.3], [0.3]]), np.ones((2, 1)))
    outcome = ExpectedUtilityModel().run(one)
    assert cycle_range(one, outcome, 0) == (None, None)
    assert model_status(outcome) == {"converged": True, "warnings": []}
