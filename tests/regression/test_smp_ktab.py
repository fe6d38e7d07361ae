"""SMP against KAPSARC's own ``smpc`` (KTAB), run with default settings on KTAB's examples.

Reference: Wise, B., Lester, S. et al. (2015-2019), KTAB: Kinetic Theory of Agent Bargaining,
KAPSARC, github.com/KAPSARC/KTAB; outputs of ``smpc --logmin --csv <file>.csv`` in
``tests/data/ktab-reference/`` (MIT, copied from the project's shared data with KTAB's notice;
see its PROVENANCE.txt). Every "Fractional change compared
to first step" line and every "prob" line must match to the four decimals smpc prints, and
every position of every actor at every turn (``*_VectorPosition.csv``) to 1e-4.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import numpy as np
import pytest

import accord.scenario as scenario
from accord.models.base import Outcome
from accord.models.smp import SMPModel

DATA = Path(__file__).parents[1] / "data"
KTAB = DATA / "ktab"
REFERENCE = DATA / "ktab-reference"
CASES = ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy", "dummyData_6Dim"]
OTHERS = ["SOE-Competitive", "dummyData-a040", "dummyData-a080", "dummyData-a160"]


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: it ships with the tests (tests/data)")
    return path


@functools.cache
def _run(name: str) -> tuple[tuple[str, ...], Outcome]:
    problem = scenario.compile(scenario.load(str(_require(KTAB / f"{name}.csv"))))
    return problem.actor_ids, SMPModel().run(problem)


def _log_lines(name: str) -> tuple[list[str], dict[str, list[str]]]:
    """smpc's printed fractional changes and, per actor, its printed probabilities."""
    changes: list[str] = []
    probabilities: dict[str, list[str]] = {}
    text = _require(REFERENCE / f"{name}_fractional_and_prob_lines.txt").read_text()
    for line in text.splitlines():
        if line.startswith("Fractional change compared to first step:"):
            changes.append(line.split(":")[1].split()[0])
        elif ", prob :" in line:
            actor, values = line.split(", prob :")
            probabilities[actor.strip()] = values.split()
    return changes, probabilities


def _positions(name: str) -> np.ndarray:
    """``[T, A, D]`` positions on [0, 1] from smpc's VectorPosition table."""
    with _require(REFERENCE / f"{name}_VectorPosition.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    shape = tuple(max(int(row[key]) for row in rows) + 1 for key in ("turn", "actor_index", "dim"))
    positions = np.full(shape, np.nan)
    for row in rows:
        index = (int(row["turn"]), int(row["actor_index"]), int(row["dim"]))
        positions[index] = float(row["position_0_100"]) / 100
    return positions


@pytest.mark.parametrize("name", CASES)
def test_fractional_changes_match_smpc(name: str) -> None:
    expected, _ = _log_lines(name)
    _, outcome = _run(name)
    change = outcome.trace["fractional_change"][0]
    assert int(outcome.diagnostics["steps"][0]) == len(expected)
    assert np.isnan(change[0])
    assert [f"{value:.4f}" for value in change[1:]] == expected


@pytest.mark.parametrize("name", CASES)
def test_probabilities_match_smpc(name: str) -> None:
    _, expected = _log_lines(name)
    actors, outcome = _run(name)
    probability = outcome.trace["probabilities"][0]  # [T, A]
    assert set(expected) == set(actors)
    for index, actor in enumerate(actors):
        assert [f"{value:.4f}" for value in probability[:, index]] == expected[actor], actor


@pytest.mark.parametrize("name", CASES)
def test_positions_match_smpc(name: str) -> None:
    expected = _positions(name)
    _, outcome = _run(name)
    positions = outcome.trace["positions"][0]
    assert positions.shape == expected.shape
    np.testing.assert_allclose(positions, expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize("name", CASES)
def test_settlement_and_most_likely_come_from_the_final_state(name: str) -> None:
    _, outcome = _run(name)
    final = outcome.trace["positions"][0, -1]
    assert outcome.settlement.shape == (1, final.shape[1])
    low, high = final.min(axis=0), final.max(axis=0)
    assert np.all((outcome.settlement[0] >= low - 1e-12) & (outcome.settlement[0] <= high + 1e-12))
    favourite = int(np.argmax(outcome.trace["probabilities"][0, -1]))
    assert np.linalg.norm(final[favourite] - outcome.trace["most_likely"][0]) < 1e-3


@pytest.mark.parametrize("name", OTHERS)
def test_other_ktab_examples_run_and_terminate(name: str) -> None:
    actors, outcome = _run(name)
    steps = int(outcome.diagnostics["steps"][0])
    assert 2 <= steps <= 100
    change = outcome.trace["fractional_change"][0]
    assert outcome.trace["positions"].shape == (1, steps + 1, len(actors), 1)
    assert steps == 100 or change[steps] < 0.02
    assert np.all(np.isfinite(outcome.settlement))
    assert np.all((outcome.settlement >= 0) & (outcome.settlement <= 1))
