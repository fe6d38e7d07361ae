"""The exchange model: parameters, chunking, trace, degenerate inputs, report and terminal."""

from __future__ import annotations

import numpy as np
import pytest

import accord
from accord.analysis.forecast import forecast
from accord.errors import InputError
from accord.models import exchange as exchange_module
from accord.models.exchange import ExchangeModel
from accord.report.terminal import trace_events
from accord.scenario.compile import Problem
from accord.testing import random_problem


def _three() -> Problem:
    return Problem.from_arrays(
        [[40.0, 30.0, 30.0]],
        [[[0.0, 0.0], [1.0, 1.0], [0.7, 0.2]]],
        [[[0.1, 0.9], [0.6, 0.5], [0.4, 0.3]]],
    )


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"max_rounds": -1}, "max_rounds"),
        ({"salience_weight": 1.5}, "salience_weight"),
        ({"fixed_weight": -0.1}, "fixed_weight"),
        ({"salience_weight": 0.7, "fixed_weight": 0.5}, "salience_weight"),
    ],
)
def test_bad_parameters_are_input_errors(parameters: dict[str, float], field: str) -> None:
    with pytest.raises(InputError, match=field):
        ExchangeModel(**parameters).run(_three())  # type: ignore[arg-type]


def test_first_round_matches_the_hand_computation() -> None:
    outcome = ExchangeModel(max_rounds=1).run(_three())
    first = outcome.trace["exchanges"][0]
    # a1 cares relatively more about i0, a0 about i1: a1 gives ground on i1, a0 on i0.
    names = (first["i"], first["i_issue"], first["j"], first["j_issue"])
    assert names == ("a1", "i1", "a0", "i0")
    # a0 moves all the way to 1 on i0: Δp = 1 × 4 / 34 (its c·s of the issue's 34);
    # Δq = Δp (0.1 + 0.6) / (0.9 + 0.5); a1 moves Δq × 60 / 15 on i1.
    assert first["j_to"] == pytest.approx(1.0)
    delta_p = 4 / 34
    delta_q = delta_p * 0.7 / 1.4
    assert first["gain"] == pytest.approx(0.6 * delta_p - 0.5 * delta_q)
    assert first["gain"] == pytest.approx(0.9 * delta_q - 0.1 * delta_p)
    assert first["i_to"] == pytest.approx(1 - delta_q * 60 / 15)
    assert set(first["externalities"]) == {"a2"}
    assert outcome.diagnostics["exchanges"][0] == 2


def test_chunks_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(3, draws=5, actors=6, issues=3)
    whole = ExchangeModel().run(problem)
    monkeypatch.setattr(exchange_module, "CHUNK_ELEMENTS", 1)
    parts = ExchangeModel().run(problem)
    np.testing.assert_allclose(parts.settlement, whole.settlement, atol=1e-12)
    np.testing.assert_allclose(parts.trace["positions"], whole.trace["positions"], atol=1e-12)
    assert parts.trace["exchanges"] == whole.trace["exchanges"]


def test_trace_shapes_gains_and_externalities() -> None:
    problem = random_problem(5, draws=4, actors=5, issues=3)
    outcome = ExchangeModel(max_rounds=3).run(problem)
    trace = outcome.trace
    rounds = outcome.diagnostics["rounds"]
    assert trace["positions"].shape == (4, rounds + 1, 5, 3)
    assert trace["voting"].shape == trace["positions"].shape
    assert trace["mean"].shape == (4, rounds + 1, 3)
    np.testing.assert_allclose(outcome.settlement, trace["mean"][:, -1])
    assert trace["gain"].shape == trace["externality"].shape == (4, 5)
    assert (trace["gain"] >= 0).all()
    own = sum(2 * r["gain"] for r in trace["exchanges"])
    assert trace["gain"][0].sum() == pytest.approx(own)


def test_one_issue_and_zero_weights_trade_nothing() -> None:
    one = Problem.from_arrays([[1.0, 2.0]], [[[0.0], [1.0]]], [[[0.5], [0.5]]])
    outcome = ExchangeModel().run(one)
    assert outcome.trace["exchanges"] == [] and outcome.diagnostics["rounds"] == 1
    assert outcome.settlement[0, 0] == pytest.approx(2 / 3)
    weightless = Problem.from_arrays(
        [[0.0, 0.0]], [[[0.0, 1.0], [1.0, 0.0]]], [[[0.2, 0.8], [0.8, 0.2]]]
    )
    assert ExchangeModel().run(weightless).trace["exchanges"] == []


def test_terminal_and_report_list_the_exchanges() -> None:
    result = forecast(accord.load("dummyData_3Dim"), ["exchange"])
    lines = [line for line in trace_events(result) if line.startswith("exchange ·")]
    assert lines and "round 1" in lines[0] and "gain" in lines[0]
