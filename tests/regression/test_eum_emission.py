"""Published regression: the expected-utility model on the EC car-emission standards case.

Data: Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), *European Community
Decision Making*, p. 78, as reproduced in Scholz, Calbert & Smith (2011), Table 1
(J. Theoretical Politics 23(4):510-531); ``../shared/data/eum/``. Positions are years of delay
(4-10), salience 0-100, Q = 1.

Targets:

* ``emission_rounds_reference.csv``: rounds 0-10 of the ``scholz-code`` variant (every actor,
  the weighted median and mean), from a public Python translation of Scholz et al.'s code;
  tolerance 1e-3 years (the file rounds positions to 3 decimals).
* Scholz et al. (2011) Table 2, rounds 1-8: median 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6;
  c·s-weighted mean 7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6; tolerance 0.1 (the table prints one
  decimal). ``scholz-code`` matches 7 of 8 medians (not round 2: 9.61) and all 8 means. The
  ``paper`` variant (their appendix's equations) matches none: its weighted median stays at 7
  (see the module docstring of ``accord.models.eum`` for why); its trajectory is pinned here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from accord.models.eum import ExpectedUtilityModel
from accord.scenario.compile import Problem

TABLE_2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE_2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
TABLE_TOLERANCE = 0.1 + 1e-9


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def emission(shared_data: Path) -> Problem:
    rows = _read(shared_data / "eum" / "bdm1994_emission_standards.csv")
    years = np.array([float(row["position_years"]) for row in rows])
    return Problem.from_arrays(
        [float(row["capability"]) for row in rows],
        ((years - 4.0) / 6.0)[:, None],
        (np.array([float(row["salience"]) for row in rows]) / 100.0)[:, None],
        scale_min=[4.0],
        scale_max=[10.0],
        actor_ids=[row["actor"] for row in rows],
        issue_ids=["delay"],
        scenario_id="bdm1994-emission",
    )


@pytest.fixture
def reference(shared_data: Path) -> list[dict[str, str]]:
    return _read(shared_data / "eum" / "emission_rounds_reference.csv")


def _years(problem: Problem, values: np.ndarray) -> np.ndarray:
    return np.asarray(problem.to_units(values[..., None]))[..., 0]


def test_scholz_code_reproduces_every_actor_in_every_round(
    emission: Problem, reference: list[dict[str, str]]
) -> None:
    outcome = ExpectedUtilityModel(variant="scholz-code").run(emission)
    assert outcome.diagnostics["rounds"] == 10
    positions = _years(emission, outcome.trace["positions"][0, :, :, 0])  # [T, A]
    median = _years(emission, outcome.trace["median"][0, :, 0])
    mean = _years(emission, outcome.trace["mean"][0, :, 0])
    assert positions.shape == (11, 10)
    for step, row in enumerate(reference):
        assert int(row["round"]) == step
        expected = [float(row[actor]) for actor in emission.actor_ids]
        assert positions[step] == pytest.approx(expected, abs=1e-3), f"round {step}"
        assert median[step] == pytest.approx(float(row["median"]), abs=1e-3), f"round {step}"
        assert mean[step] == pytest.approx(float(row["mean_cs"]), abs=1e-3), f"round {step}"


def test_scholz_code_round_one_moves(emission: Problem) -> None:
    outcome = ExpectedUtilityModel().run(emission)
    moves = {move["target"]: move for move in outcome.trace["events"][0][1]}
    assert set(moves) == {"Belgium", "Luxembourg", "Ireland"}
    belgium = moves["Belgium"]
    assert (belgium["kind"], belgium["challenger"]) == ("compromise", "France")
    assert 4 + 6 * belgium["new"] == pytest.approx(8.41593, abs=1e-5)
    assert (moves["Luxembourg"]["challenger"], 4 + 6 * moves["Luxembourg"]["new"]) == (
        "Belgium",
        pytest.approx(7.0),
    )
    assert 4 + 6 * moves["Ireland"]["new"] == pytest.approx(4.0)
    movers = {move["target"] for per_round in outcome.trace["events"][0] for move in per_round}
    assert movers == {"Belgium", "Luxembourg", "Ireland"}


def test_scholz_code_against_scholz_table_2(emission: Problem) -> None:
    outcome = ExpectedUtilityModel().run(emission)
    median = _years(emission, outcome.trace["median"][0, 1:9, 0])
    mean = _years(emission, outcome.trace["mean"][0, 1:9, 0])
    median_hits = np.abs(median - TABLE_2_MEDIAN) <= TABLE_TOLERANCE
    assert median_hits.tolist() == [True, False, True, True, True, True, True, True]
    assert median[1] == pytest.approx(9.611, abs=1e-3)  # Table 2: 9.9
    assert np.all(np.abs(mean - TABLE_2_MEAN) <= TABLE_TOLERANCE)


def test_paper_variant_against_scholz_table_2(emission: Problem) -> None:
    outcome = ExpectedUtilityModel(variant="paper").run(emission)
    median = _years(emission, outcome.trace["median"][0, :, 0])
    mean = _years(emission, outcome.trace["mean"][0, :, 0])
    assert median == pytest.approx([7.0] * 11, abs=1e-9)
    pinned = [7.390, 7.518, 7.833, 7.384, 7.026, 7.163, 7.026, 7.163, 7.026, 7.163, 7.026]
    assert mean == pytest.approx(pinned, abs=1e-3)
    assert not np.any(np.abs(median[1:9] - TABLE_2_MEDIAN) <= TABLE_TOLERANCE)
    assert not np.any(np.abs(mean[1:9] - TABLE_2_MEAN) <= TABLE_TOLERANCE)
    first = outcome.trace["events"][0][1]
    assert len(first) == 8 and {move["kind"] for move in first} == {"conflict"}


def test_forecasts_in_years(emission: Problem) -> None:
    def forecast(rule: str) -> float:
        outcome = ExpectedUtilityModel(forecast=rule).run(emission)  # type: ignore[arg-type]
        return float(emission.to_units(outcome.settlement)[0, 0])

    # the default: no round repeats an earlier one, so the mean median over the last half of
    # the rounds (6-10); known outcome 8.833, BDM's published forecast 8.35
    assert forecast("cycle-mean") == pytest.approx(8.528, abs=1e-3)
    outcome = ExpectedUtilityModel().run(emission)
    assert outcome.diagnostics["converged"].tolist() == [[False]]
    assert outcome.trace["cycle_length"].tolist() == [[0]]
    low, high = (_years(emission, outcome.trace[key][0]) for key in ("cycle_low", "cycle_high"))
    assert (low, high) == (pytest.approx(7.0, abs=1e-3), pytest.approx(9.671, abs=1e-3))
    assert forecast("median") == pytest.approx(7.0, abs=1e-3)  # round 10's median
    assert forecast("mean") == pytest.approx(7.242, abs=1e-3)
    medians = [8.4159, 9.6109, 9.962, 9.962, 9.962, 7.472, 8.8246, 9.6711, 9.6711, 7.0]
    assert forecast("average-median") == pytest.approx(np.mean(medians), abs=1e-3)
