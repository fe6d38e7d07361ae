"""Linkage: trades among veto players and the smallest package better than no deal."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import accord
from accord.analysis.linkage import _package, linkage
from accord.scenario.compile import Problem
from accord.scenario.load import parse


def _clash(red_a: float = 20, red_b: float = 60) -> accord.Scenario:
    """a cares about x, b about y; their red lines on x clash (a: x ≤ 20, b: x ≥ 60)."""
    return parse(
        {
            "id": "clash",
            "title": "clash",
            "issues": [
                {"id": "x", "name": "X", "min": 0, "max": 100, "status_quo": 50},
                {"id": "y", "name": "Y", "min": 0, "max": 100, "status_quo": 50},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "party": True,
                    "capability": 1,
                    "positions": {"x": 0, "y": 0},
                    "salience": {"x": 90, "y": 10},
                    "red_line": {"x": red_a},
                },
                {
                    "id": "b",
                    "name": "B",
                    "party": True,
                    "capability": 1,
                    "positions": {"x": 100, "y": 100},
                    "salience": {"x": 10, "y": 90},
                    "red_line": {"x": red_b},
                },
                {
                    "id": "c",
                    "name": "C",
                    "capability": 1,
                    "positions": {"x": 50, "y": 50},
                    "salience": {"x": 50, "y": 50},
                },
            ],
        },
        "clash",
    )


def test_the_trade_gives_each_ground_where_it_cares_less() -> None:
    result = linkage(_clash())
    assert result.veto_players == ("a", "b")
    (trade,) = result.trades
    moves = {trade.giver: trade.give_issue, trade.taker: trade.take_issue}
    assert moves == {"a": "y", "b": "x"}
    assert trade.gain > 0


def test_a_package_beats_no_deal_when_the_zone_is_empty_and_names_the_red_lines() -> None:
    result = linkage(_clash())
    assert not result.zone.feasible
    assert result.package is not None and result.opens
    # The compromise forecast (23.3, 76.7) already beats the status quo (50, 50) for both:
    # U_a = 1 - (0.9 * 0.2333 + 0.1 * 0.7667) = 0.7133 against 0.5.
    assert result.package.outcome["x"] == pytest.approx(70 / 3)
    assert result.package.outcome["y"] == pytest.approx(230 / 3)
    assert result.package.moved == ()
    assert result.package.margin["a"] == pytest.approx(0.64 / 3)
    assert result.package.crosses == {"x": ("a", "b")}
    assert "give way" in result.verdict() and "B" in result.verdict()
    data = result.to_json()
    assert data["opens"] is True and data["trades"][0]["gain"] > 0


def test_an_open_zone_needs_no_package() -> None:
    result = linkage(_clash(red_a=70, red_b=60))
    assert result.zone.feasible and result.package is None and not result.opens
    assert "no package is needed" in result.verdict()
    assert result.to_json()["package"] is None


def test_the_package_moves_the_least_and_none_exists_when_no_deal_is_too_good() -> None:
    problem = Problem.from_arrays(
        [[1.0, 1.0]],
        [[[0.0, 0.0], [1.0, 1.0]]],
        [[[0.5, 0.5], [0.5, 0.5]]],
        party=[True, True],
    )
    # U_a + U_b <= 1 for every outcome: benchmarks of 0.6 each cannot both be met.
    assert _package(problem, np.array([0.6, 0.6])) is None
    package = _package(problem, np.array([0.9, 0.0]))
    assert package is not None
    # From the compromise (0.5, 0.5), a needs 0.4 of movement toward it in total.
    assert sum(package.outcome.values()) == pytest.approx(0.2)
    assert package.margin["a0"] == pytest.approx(0.0, abs=1e-9)


def test_no_package_verdict() -> None:
    result = linkage(_clash())
    empty = type(result)(
        result.scenario_id,
        result.as_of,
        result.veto_players,
        (),
        result.zone,
        None,
        result.benchmarked,
        result.names,
    )
    assert "cannot open a deal" in empty.verdict() and "0 trades" in empty.verdict()


def test_ukraine_lists_trades_among_the_veto_players() -> None:
    result = linkage(accord.load("ukraine-2025"), date=dt.date(2025, 12, 24))
    assert set(result.veto_players) == {"us", "ukraine", "russia", "eu", "rada"}
    actors = {t.giver for t in result.trades} | {t.taker for t in result.trades}
    assert actors <= set(result.veto_players) and len(actors) >= 3
    gains = [t.gain for t in result.trades]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0
    assert isinstance(result.opens, bool)
