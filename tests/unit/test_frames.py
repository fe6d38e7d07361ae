"""Every result type: a tidy ``to_frame()``, a one-line ``repr``, ``_repr_html_`` and ``plot()``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import accord
from accord.analysis.backtest import backtest, builtin_cases
from accord.analysis.levers import levers
from accord.analysis.precedents import precedents
from accord.analysis.sensitivity import sensitivity
from accord.dynamics.deal import evaluate as value_deal
from accord.dynamics.deal import load_deal
from accord.dynamics.ratify import ratify
from accord.dynamics.talks import simulate as talks
from accord.frames import describe, plot, to_frame
from accord.models.base import get_model

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "water-treaty.yaml"


@pytest.fixture(scope="module")
def ukraine() -> Any:
    return accord.load("ukraine-2025")


def _check(result: Any, columns: list[str]) -> pd.DataFrame:
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[: len(columns)]) == columns
    assert len(frame) > 0
    text = repr(result)
    assert text.startswith(f"<{type(result).__name__}") and len(text) < 400
    html = result._repr_html_()
    assert "<table" in html and "actors:" not in html
    return frame


def test_forecast_frame_has_the_documented_columns() -> None:
    result = accord.forecast("emission-1994")
    frame = _check(result, ["model", "issue", "value", "low", "high", "label", "concedes_most"])
    assert set(frame["model"]) == {"compromise", "eum", "median", "nash", "smp"}
    # Only EUM has a range at a single draw: its terminal cycle where it did not settle.
    assert frame.loc[frame["model"] != "eum", "low"].isna().all()
    assert "more rows" not in result._repr_html_()


def test_long_frames_are_cut_in_html(ukraine: Any) -> None:
    result = accord.forecast(ukraine, ["compromise", "median"])
    rows = 2 * len(ukraine.issues)  # two models, one row per issue each
    assert f"{rows - 10} more rows" in result._repr_html_()
    assert "as_of=2025-12-02" in repr(result)


def test_montecarlo_frame() -> None:
    result = accord.forecast(EXAMPLE, ["compromise", "nash"], draws=64, seed=3)
    frame = _check(result, ["model", "issue", "value", "low", "high", "label", "mean", "sd"])
    assert frame["low"].notna().all()
    assert frame.loc[frame["model"] == "nash", "deal_probability"].notna().all()
    assert plot(result).data


def test_levers_sensitivity_and_backtest_frames() -> None:
    scenario = accord.load(EXAMPLE)
    found = levers(scenario, [get_model("compromise")], "down")
    _check(found, ["model", "rank", "path", "actor", "kind", "issue", "change", "new_value"])
    swings = sensitivity(scenario, get_model("compromise"), method="morris", samples=4, seed=0)
    frame = _check(swings, ["issue", "input", "mu", "mu_star"])
    assert {"at_low", "at_high", "width"} <= set(frame.columns)
    scored = backtest(builtin_cases(), ["compromise", "median"], boot=10)
    _check(scored, ["scenario", "issue", "outcome", "model", "forecast", "error"])
    assert found.plot().data and swings.plot().data
    with pytest.raises(TypeError, match="draws no figure"):
        scored.plot()


def test_deal_ratify_talks_and_precedents_frames(ukraine: Any) -> None:
    deal = load_deal("20-point", ukraine)
    valuation = value_deal(ukraine, deal, draws=50, rng=1)
    frame = _check(valuation, ["actor", "name", "party", "measure", "value", "low", "high"])
    assert set(frame["measure"]) >= {"value", "walk_away", "surplus"}
    assert valuation.plot().data
    ratified = ratify(ukraine, deal, draws=50, rng=1)
    frame = _check(ratified, ["body", "name", "kind", "value", "low", "high"])
    assert ratified.plot().data
    assert set(frame["kind"]) == {"veto", "referendum", "overall"}
    simulation = talks(ukraine, runs=40, rng=1)
    _check(simulation, ["issue", "value", "low", "high", "agreement_probability"])
    assert simulation.plot().data
    found = precedents(ukraine, top=3)
    frame = _check(found, ["rank", "id", "name", "country", "date", "overlap", "context"])
    assert list(frame["rank"]) == [1, 2, 3]


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError, match="no table"):
        to_frame(object())
    assert describe(object()) == "<object>"
    assert describe(dt.date(2025, 1, 1)).startswith("<date")


def test_war_frame_and_figure(ukraine: Any) -> None:
    from accord.dynamics.war import analyse

    found = analyse(ukraine, draws=40, rng=1, nash=False)
    frame = _check(found, ["regime", "theatre", "month", "series", "value", "low", "high"])
    assert set(frame["series"]) >= {"advancing", "defending", "line"}
    assert found.plot().data
