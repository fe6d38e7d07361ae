"""Monte Carlo forecasts: sampling, seeding by block, summaries and the JSON layout."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import spearmanr

from accord.analysis.montecarlo import (
    BLOCK_SIZE,
    MonteCarlo,
    band_probabilities,
    bands,
    block_seed,
    block_sizes,
    simulate,
    spearman,
)
from accord.errors import InputError
from accord.models.base import get_model
from accord.report.terminal import forecast_csv, forecast_table
from accord.scenario import label_for, parse
from accord.scenario.schema import Scenario


def toy(position: Any = (20, 60), capability: Any = (1, 3)) -> Scenario:
    """One ranged position (actor c on land) and one ranged capability (actor b)."""
    return parse(
        {
            "id": "toy",
            "title": "Toy",
            "issues": [
                {
                    "id": "land",
                    "name": "Land",
                    "min": 0,
                    "max": 100,
                    "anchors": [
                        {"value": 0, "label": "none"},
                        {"value": 50, "label": "half"},
                        {"value": 100, "label": "all"},
                    ],
                },
                {"id": "money", "name": "Money", "min": 0, "max": 10, "unit": "bn"},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "positions": {"land": 0, "money": 10},
                    "salience": {"land": 50, "money": 50},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": _number(capability),
                    "positions": {"land": 100, "money": 0},
                    "salience": {"land": 50, "money": 50},
                },
                {
                    "id": "c",
                    "name": "C",
                    "capability": 0,
                    "positions": {"land": _number(position), "money": 5},
                    "salience": {"land": 50, "money": 50},
                },
            ],
        },
        "toy",
    )


def _number(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def solo(position: Any) -> Scenario:
    """One actor, so every model's forecast is its (sampled) position."""
    return parse(
        {
            "id": "solo",
            "title": "Solo",
            "issues": [
                {
                    "id": "land",
                    "name": "Land",
                    "min": 0,
                    "max": 100,
                    "anchors": [
                        {"value": 0, "label": "none"},
                        {"value": 50, "label": "half"},
                        {"value": 100, "label": "all"},
                    ],
                }
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "positions": {"land": position},
                    "salience": {"land": 50},
                }
            ],
        },
        "solo",
    )


COMPROMISE = get_model("compromise")


def test_block_seed_is_the_spawned_child_whatever_the_number_of_children() -> None:
    for count in (3, 8, 40):
        children = np.random.SeedSequence(7).spawn(count)
        for index in (0, 2):
            assert np.array_equal(
                block_seed(7, index).generate_state(4), children[index].generate_state(4)
            )


def test_block_sizes_cover_the_draws_in_fixed_blocks() -> None:
    assert block_sizes(2000) == [BLOCK_SIZE] * (2000 // BLOCK_SIZE)
    assert block_sizes(BLOCK_SIZE + 1) == [BLOCK_SIZE, 1]
    assert sum(block_sizes(1234)) == 1234


@pytest.mark.parametrize("per_chunk", [1, 2, 3, 50])
def test_results_do_not_depend_on_chunk_size(per_chunk: int) -> None:
    reference = simulate(toy(), [COMPROMISE], draws=1000, seed=11)
    other = simulate(toy(), [COMPROMISE], draws=1000, seed=11, blocks_per_chunk=per_chunk)
    assert np.array_equal(reference.settlement["compromise"], other.settlement["compromise"])


def test_whole_blocks_are_shared_between_runs_of_different_length() -> None:
    short = simulate(toy(), [COMPROMISE], draws=2 * BLOCK_SIZE, seed=5)
    long = simulate(toy(), [COMPROMISE], draws=3 * BLOCK_SIZE + 7, seed=5)
    assert np.array_equal(
        short.settlement["compromise"], long.settlement["compromise"][: 2 * BLOCK_SIZE]
    )


def test_different_seeds_give_different_draws_and_the_same_seed_the_same() -> None:
    first = simulate(toy(), [COMPROMISE], draws=300, seed=1).settlement["compromise"]
    again = simulate(toy(), [COMPROMISE], draws=300, seed=1).settlement["compromise"]
    other = simulate(toy(), [COMPROMISE], draws=300, seed=2).settlement["compromise"]
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_an_unseeded_run_reports_a_seed_that_reproduces_it() -> None:
    run = simulate(toy(), [COMPROMISE], draws=300)
    again = simulate(toy(), [COMPROMISE], draws=300, seed=run.seed)
    assert np.array_equal(run.settlement["compromise"], again.settlement["compromise"])


def test_uniform_input_gives_its_analytic_quantiles() -> None:
    # Uniform on [20, 60]: 10th, 50th and 90th percentiles 24, 40, 56.
    run = simulate(solo([20, 60]), [COMPROMISE], draws=4000, seed=3)
    item = run.summary["compromise"].issues["land"]
    assert item.low == pytest.approx(24, abs=1.0)
    assert item.median == pytest.approx(40, abs=1.0)
    assert item.high == pytest.approx(56, abs=1.0)
    assert item.mean == pytest.approx(40, abs=0.7)
    assert item.sd == pytest.approx(40 / np.sqrt(12), abs=0.5)
    # Bands between anchor midpoints: [0, 25] none, (25, 75] half: P = 5/40 and 35/40.
    shares = {band.label: share for band, share in item.bands}
    assert shares["none"] == pytest.approx(0.125, abs=0.02)
    assert shares["half"] == pytest.approx(0.875, abs=0.02)
    assert shares["all"] == 0.0


def test_triangular_input_gives_its_analytic_median() -> None:
    # {low 0, mode 20, high 100}: F(x) = 1 - (100 - x)^2 / 8000 above 20, so the median is
    # 100 - sqrt(4000) = 36.75.
    run = simulate(solo({"low": 0, "mode": 20, "high": 100}), [COMPROMISE], draws=4000, seed=4)
    assert run.summary["compromise"].issues["land"].median == pytest.approx(36.754, abs=1.2)


def test_point_values_give_a_degenerate_distribution() -> None:
    run = simulate(solo(30), [COMPROMISE], draws=BLOCK_SIZE, seed=1)
    item = run.summary["compromise"].issues["land"]
    assert item.low == item.median == item.high == 30
    assert item.sd == 0


def test_bands_split_the_scale_at_midpoints_like_label_for() -> None:
    issue = solo(30).issues[0]
    found = bands(issue)
    assert [(band.low, band.high) for band in found] == [(0, 25), (25, 75), (75, 100)]
    values = np.array([0.0, 25.0, 25.0001, 75.0, 99.0])
    assert list(band_probabilities(values, found)) == [0.4, 0.4, 0.2]
    for value in values:
        shares = band_probabilities(np.array([value]), found)
        assert found[int(shares.argmax())].label == label_for(issue, float(value))


def test_spearman_matches_scipy_and_flags_constant_columns() -> None:
    data = np.random.default_rng(0).normal(size=(200, 3))
    data[:, 2] = data[:, 0] ** 3 + 0.1 * data[:, 1]
    expected = spearmanr(data).statistic
    assert np.allclose(spearman(data), expected)
    with_constant = np.column_stack([data[:, 0], np.ones(200)])
    matrix = spearman(with_constant)
    assert np.isnan(matrix[0, 1]) and matrix[1, 1] == 1.0


def test_issues_driven_by_one_input_in_opposite_directions_have_rho_minus_one() -> None:
    # Only B's capability varies: land = 100 cB/(1 + cB) rises, money = 10/(1 + cB) falls.
    run = simulate(toy(position=30), [COMPROMISE], draws=500, seed=2)
    assert run.summary["compromise"].comovement[0, 1] == pytest.approx(-1.0)


def test_json_fills_low_and_high_in_the_design_layout() -> None:
    run = simulate(toy(), [COMPROMISE, get_model("median")], draws=500, seed=9)
    data = run.to_json()
    assert {"scenario", "as_of", "seed", "models"} <= set(data)
    assert data["seed"] == 9 and data["draws"] == 500
    for model in data["models"].values():
        assert set(model) >= {"issues", "trace", "comovement"}
        for item in model["issues"].values():
            assert {"value", "label", "low", "high"} <= set(item)
            assert item["low"] <= item["value"] <= item["high"]
            assert (
                sum(band["probability"] for band in item["bands"]) == pytest.approx(1.0, abs=1e-9)
                or not item["bands"]
            )


def test_forecast_view_renders_with_intervals() -> None:
    run = simulate(toy(), [COMPROMISE], draws=500, seed=9)
    view = run.to_forecast()
    item = view.models["compromise"].issues["land"]
    summary = run.summary["compromise"].issues["land"]
    assert (item.value, item.low, item.high) == (summary.median, summary.low, summary.high)
    assert forecast_table(view).row_count == 2
    assert f"{summary.low:.6g}" in forecast_csv(view)


def test_models_that_report_feasibility_get_a_deal_probability() -> None:
    run = simulate(toy(), [get_model("nash")], draws=300, seed=1)
    assert isinstance(run, MonteCarlo)
    probability = run.summary["nash"].deal_probability
    assert probability is not None and 0.0 <= probability <= 1.0
    assert "deal_probability" in run.to_json()["models"]["nash"]


@pytest.mark.parametrize(("draws", "seed"), [(0, 1), (10, -1)])
def test_bad_draws_or_seed_are_input_errors(draws: int, seed: int) -> None:
    with pytest.raises(InputError):
        simulate(toy(), [COMPROMISE], draws=draws, seed=seed)
