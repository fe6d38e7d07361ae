"""Figures: the data inside them, not only that they exist."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

import accord
from accord.report import charts
from accord.scenario.schema import Scenario


@pytest.fixture(scope="module")
def emission() -> Scenario:
    return accord.load("emission-1994")


def _traces(figure: Any, role: str) -> list[Any]:
    return [t for t in figure.data if t.meta and t.meta.get("role") == role]


def test_positions_figure_places_actors_and_forecasts(emission: Scenario) -> None:
    figure = charts.positions_figure(
        emission, {"compromise": {"delay": 7.39}, "median": {"delay": 7.0}}
    )
    (actors,) = _traces(figure, "actors")
    assert list(actors.x) == [a.positions["delay"].point for a in emission.actors]
    assert list(actors.marker.size) == [a.capability.point for a in emission.actors]
    assert list(actors.marker.color) == [a.salience["delay"].point for a in emission.actors]
    assert actors.marker.sizemode == "area"
    assert list(actors.hovertext) == [a.name for a in emission.actors]
    lines = {t.meta["model"]: t for t in _traces(figure, "forecast")}
    assert list(lines["compromise"].x) == [7.39, 7.39]
    assert list(lines["median"].x) == [7.0, 7.0]
    (anchors,) = _traces(figure, "anchors")
    assert list(anchors.x) == [4, 7, 10]
    assert "7 years' delay" in anchors.hovertext[1]
    assert figure.layout.coloraxis.cmin == 0 and figure.layout.coloraxis.cmax == 100
    assert list(figure.layout.xaxis.tickvals) == [4, 7, 10]


def test_positions_figure_one_row_per_issue_with_status_quo() -> None:
    scenario = accord.load("ukraine-2025")
    figure = charts.positions_figure(scenario, {"m": {"donbas": 40.0}}, issues=["donbas", "nato"])
    assert len(figure.layout.annotations) == 2  # the subplot titles
    assert figure.layout.annotations[0].text.startswith("Rest of Donbas")
    status = {t.meta["issue"]: t for t in _traces(figure, "status_quo")}
    assert list(status["donbas"].x) == [scenario.issue("donbas").status_quo.point] * 2
    forecasts = _traces(figure, "forecast")
    assert [t.meta["issue"] for t in forecasts] == ["donbas"]  # no value given for nato


def test_stack_separates_close_actors_only() -> None:
    slots = charts._stack([0.0, 0.0, 0.0, 100.0, 50.0], 100.0)
    assert sorted(slots[:3]) == [0, 1, 2]
    assert slots[3] == 0 and slots[4] == 0


def test_trajectory_figure_plots_every_round() -> None:
    scenario = accord.load("emission-1994")
    rounds, actors = 4, len(scenario.actors)
    positions = np.arange(rounds * actors, dtype=float).reshape(rounds, actors, 1)
    median = np.full((rounds, 1), 7.0)
    figure = charts.trajectory_figure(
        "eum", scenario.issues, [a.name for a in scenario.actors], positions, {"median": median}
    )
    lines = [t for t in figure.data if "actor" in t.meta]
    assert len(lines) == actors
    assert list(lines[2].y) == list(positions[:, 2, 0])
    assert list(lines[0].x) == [0, 1, 2, 3]
    (series,) = [t for t in figure.data if "series" in t.meta]
    assert list(series.y) == [7.0] * 4 and series.line.dash == "dash"
    assert figure.layout.title.text == "eum: positions round by round"


def test_distribution_figure_holds_the_draws_and_interval(emission: Scenario) -> None:
    draws = np.random.default_rng(1).normal(7, 0.5, size=(300, 1))
    figure = charts.distribution_figure(emission.issues, {"compromise": draws})
    (violin,) = [t for t in figure.data if t.meta["role"] == "draws"]
    assert np.array_equal(np.asarray(violin.x), draws[:, 0])
    (interval,) = [t for t in figure.data if t.meta["role"] == "interval"]
    assert np.allclose(interval.x, np.quantile(draws[:, 0], [0.1, 0.5, 0.9]))


def test_interval_figure_puts_issues_on_a_common_axis() -> None:
    scenario = accord.load("ukraine-2025")
    army, donbas = scenario.issue("army_cap"), scenario.issue("donbas")
    figure = charts.interval_figure(
        [donbas, army], {"m": {"donbas": (10.0, 20.0, 40.0), "army_cap": (600.0, 700.0, 850.0)}}
    )
    (trace,) = figure.data
    span = army.max - army.min
    assert list(trace.x) == pytest.approx([20.0, 100 * (700 - army.min) / span])
    assert list(trace.error_x.arrayminus) == pytest.approx([10.0, 100 * 100 / span])
    assert list(trace.error_x.array) == pytest.approx([20.0, 100 * 150 / span])
    assert list(trace.y) == [donbas.name, army.name]


def test_tornado_sorts_by_swing_and_starts_at_base() -> None:
    rows = [
        {"name": "small", "low": 49.0, "high": 51.0},
        {"name": "large", "low": 30.0, "high": 80.0},
        {"name": "medium", "low": 45.0, "high": 60.0},
    ]
    figure = charts.tornado_figure({"Donbas": {"base": 50.0, "rows": rows, "range": (0, 100)}})
    low, high = figure.data
    assert list(low.y) == ["small", "medium", "large"]  # plotly draws the last on top
    assert list(low.base) == [50.0] * 3
    assert list(low.x) == [-1.0, -5.0, -20.0]
    assert list(high.x) == [1.0, 10.0, 30.0]
    assert list(figure.layout.xaxis.range) == [0, 100]
    assert figure.layout.shapes[0].x0 == 50.0


def test_levers_sorted_by_effect_and_coloured_by_sign() -> None:
    rows = [
        {"label": "a", "effect": 0.5},
        {"label": "b", "effect": -2.0},
        {"label": "c", "effect": 1.0, "detail": "c detail"},
    ]
    (bars,) = charts.levers_figure(rows, unit="points").data
    assert list(bars.y) == ["a", "c", "b"]
    assert list(bars.x) == [0.5, 1.0, -2.0]
    assert list(bars.marker.color) == ["#e45756", "#e45756", "#4c78a8"]
    assert bars.hovertext[1] == "c detail"


def test_bargaining_range_blanks_times_without_a_deal() -> None:
    figure = charts.bargaining_range_figure(
        ["2025-12", "2026-01", "2026-02"],
        {
            "current": {"low": [10.0, 30.0, 20.0], "high": [40.0, 20.0, 50.0]},
            "aid cut": {"low": [5.0, 6.0, None], "high": [9.0, 9.0, 9.0], "line": [7, 8, 9]},
        },
        scale=(0, 100),
    )
    low, high, cut_low, _, cut_line = figure.data
    assert list(cut_low.y)[:2] == [5.0, 6.0] and math.isnan(cut_low.y[2])
    assert low.y[0] == 10.0 and math.isnan(low.y[1])
    assert math.isnan(high.y[1]) and high.fill == "tonexty"
    assert list(cut_line.y) == [7, 8, 9] and cut_line.line.dash == "dash"
    assert figure.layout.meta["no_deal"] == {
        "current": [False, True, False],
        "aid cut": [False, False, True],
    }
    assert list(figure.layout.yaxis.range) == [0, 100]


def test_ratification_bars_intervals_and_overall() -> None:
    bodies = [
        {"name": "Rada", "probability": 0.4, "low": 0.3, "high": 0.6},
        {"name": "Duma", "probability": 0.9, "low": 0.8, "high": 0.95},
    ]
    figure = charts.ratification_figure(bodies, overall=0.36)
    (bars,) = figure.data
    assert list(bars.y) == ["Rada", "Duma"] and list(bars.x) == [0.4, 0.9]
    assert list(bars.error_x.array) == pytest.approx([0.2, 0.05])
    assert list(bars.error_x.arrayminus) == pytest.approx([0.1, 0.1])
    assert figure.layout.shapes[0].x0 == 0.36
    assert figure.layout.meta["overall"] == 0.36


def test_timeline_lines_events_and_marker(emission: Scenario) -> None:
    dates = [dt.date(2025, 11, 18), dt.date(2025, 11, 20), dt.date(2025, 12, 24)]
    values = {"compromise": np.array([[6.0], [7.0], [7.5]])}
    figure = charts.timeline_figure(
        emission.issues,
        dates,
        values,
        events=[(dates[1], "28 points leak")],
        marker=dt.date(2025, 12, 2),
    )
    line, events = figure.data
    assert list(line.y) == [6.0, 7.0, 7.5]
    assert list(line.x) == ["2025-11-18", "2025-11-20", "2025-12-24"]
    assert list(events.hovertext) == ["28 points leak"]
    assert figure.layout.shapes[0].x0 == "2025-12-02"


def test_figures_are_deterministic(emission: Scenario) -> None:
    first = charts.positions_figure(emission, {"compromise": {"delay": 7.39}}).to_json()
    second = charts.positions_figure(emission, {"compromise": {"delay": 7.39}}).to_json()
    assert first == second
