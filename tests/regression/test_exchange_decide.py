"""The exchange model against the Decide reference implementation's own output.

Each file in ``tests/data/exchange/`` holds a hand-made input (3-8 actors, 2-4 issues) and what
``decide-cli -m equal -p 0 -i 10`` (PyPI ``decide-exchange-model`` 2022.1.28, run as an outside
program by ``benchmarks/bench_exchange.py --capture``) wrote for it: every exchange of every
round (actors, supply issues, positions before and after, gain, the externalities for third
actors) and every actor's preference and voting position per round, positions on 0-100.
Stokman & Van Oosten (1994); Stokman & Van den Bos (1992).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord.models.exchange import ExchangeModel
from accord.scenario.compile import Problem

DATA = Path(__file__).resolve().parents[1] / "data" / "exchange"
CASES = sorted(DATA.glob("*.json"))
TOLERANCE = 1e-6
ROUNDS = 10


def _problem(case: dict[str, Any]) -> Problem:
    problem = Problem.from_arrays(
        np.array([case["capability"]], dtype=float),
        np.array([case["position"]], dtype=float),
        np.array([case["salience"]], dtype=float),
    )
    return dataclasses.replace(
        problem, actor_ids=tuple(case["actors"]), issue_ids=tuple(case["issues"])
    )


def test_there_are_at_least_three_cases() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_matches_decide(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    reference = data["reference"]
    problem = _problem(data["input"])
    assert 3 <= problem.n_actors <= 8 and 2 <= problem.n_issues <= 4
    outcome = ExchangeModel(max_rounds=ROUNDS).run(problem)
    trace = outcome.trace

    by_round: list[list[dict[str, Any]]] = [[] for _ in range(ROUNDS)]
    for record in trace["exchanges"]:
        by_round[record["round"] - 1].append(record)
    total = 0
    for step, (ours, theirs) in enumerate(zip(by_round, reference["exchanges"], strict=True)):
        assert len(ours) == len(theirs), f"round {step + 1}"
        for record, row in zip(ours, theirs, strict=True):
            total += 1
            assert (record["i"], record["i_issue"], record["j"], record["j_issue"]) == (
                row["i"]["actor"],
                row["i"]["issue"],
                row["j"]["actor"],
                row["j"]["issue"],
            )
            pairs = [
                (100 * record["i_from"], row["i"]["start"]),
                (100 * record["i_to"], row["i"]["voting"]),
                (100 * record["j_from"], row["j"]["start"]),
                (100 * record["j_to"], row["j"]["voting"]),
                (100 * record["gain"], row["i"]["gain"]),
                (100 * record["gain"], row["j"]["gain"]),
                (100 * sum(record["externalities"].values()), row["third_party"]),
            ]
            for ours_value, theirs_value in pairs:
                assert ours_value == pytest.approx(theirs_value, abs=TOLERANCE)
    assert total == len(trace["exchanges"]) > 0

    positions = 100 * np.asarray(trace["positions"])[0]
    voting = 100 * np.asarray(trace["voting"])[0]
    preference = np.asarray(reference["preference"])
    voted = np.asarray(reference["voting"])
    rounds = min(ROUNDS, positions.shape[0])
    np.testing.assert_allclose(positions[:rounds], preference[:rounds], atol=TOLERANCE)
    np.testing.assert_allclose(voting[1 : rounds + 1], voted[:rounds], atol=TOLERANCE)
    # The forecast is the weighted mean of the final positions, as the reference reports it.
    weight = problem.capability[0, :, None] * problem.salience[0]
    final = (weight * positions[-1]).sum(axis=0) / weight.sum(axis=0)
    np.testing.assert_allclose(100 * outcome.settlement[0], final, atol=TOLERANCE)
