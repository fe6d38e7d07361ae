"""Honest labels: shares of draws are named as such, and too few draws are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import accord
from accord.analysis.labels import FEW_DRAWS, few_draws, share_label
from accord.analysis.montecarlo import simulate
from accord.analysis.sensitivity import sensitivity
from accord.cli.sweep import band_table
from accord.models.base import get_model


def test_few_draws_warns_below_the_threshold_only() -> None:
    assert few_draws(FEW_DRAWS) is None and few_draws(5000) is None
    text = few_draws(150, "the intervals", unit="trajectories", option="--samples")
    assert text is not None
    assert text.startswith("only 150 trajectories feed the intervals (fewer than 200)")
    assert "--samples 200" in text
    assert share_label("nash") == "share of draws (model nash)"


@pytest.mark.parametrize(("draws", "warned"), [(50, True), (200, False)])
def test_monte_carlo_flags_too_few_draws(draws: int, warned: bool) -> None:
    run = simulate(accord.load("emission-1994"), [get_model("median")], draws=draws, seed=1)
    assert bool(run.warnings) is warned
    assert run.to_json()["warnings"] == list(run.warnings)


def test_the_band_table_says_share_of_draws_not_probability() -> None:
    run = simulate(accord.load("emission-1994"), [get_model("median")], draws=60, seed=1)
    console = Console(width=160, record=True)
    console.print(band_table(run))
    text = console.export_text()
    assert "share of draws" in text and "not a calibrated probability" in text
    assert "Chance" not in text


def test_sensitivity_flags_few_samples() -> None:
    case = accord.load(Path(__file__).parents[1] / "data" / "zone" / "talks.yaml")
    result = sensitivity(case, get_model("median"), method="morris", samples=4, seed=1)
    assert any("Morris trajectories" in text for text in result.warnings)
    assert result.to_json()["warnings"] == list(result.warnings)
