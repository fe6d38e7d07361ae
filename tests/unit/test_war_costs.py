"""The monthly cost of war: monotone walk-away points, exact break-evens, the derived ranges."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_war import BASE

from accord.dynamics.war import analyse, sample_war
from accord.dynamics.war_costs import (
    break_even,
    cost_sensitivity,
    dated_revealed_costs,
    revealed_costs,
    walk_away_at,
)
from accord.scenario import load, parse
from accord.scenario.compile import as_of


def front(**war: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["war"].update(war)
    return parse(data, "front")


def test_hand_computed_break_even_and_sweep_of_a_small_war() -> None:
    # 750 km² contested, 75 km² a month = 10 % a month, three months, no discounting:
    # w_A = 0.3 − 3 c_A and w_D = 0.3 + 3 c_D (c as shares). The attacker accepts the frozen
    # line (w_A = 0) at c_A = 10 %; the defender hands over all (w_D = 1) at c_D = 70/3 %.
    sides = [{"actor": "a", "cost": {"low": 1, "mode": 2, "high": 4}}, {"actor": "d", "cost": 3}]
    war = sample_war(front(sides=sides))
    even = break_even(war, 0.0)
    assert even["a"][0, 0] == pytest.approx(10.0, abs=1e-9)
    assert even["d"][0, 0] == pytest.approx(70 / 3, abs=1e-9)
    sweep = cost_sensitivity(war, 0.0)
    np.testing.assert_allclose(sweep.costs["a"], [1, 1.5, 2, 3, 4])
    np.testing.assert_allclose(sweep.walk_away["a"][:, 0], [0.27, 0.255, 0.24, 0.21, 0.18])
    np.testing.assert_allclose(sweep.costs["d"], [3])
    np.testing.assert_allclose(sweep.walk_away["d"][:, 0], [0.39])
    assert sweep.regime == "base"


def test_regime_cost_factor_enters_the_break_even() -> None:
    # The cut-off doubles the pace (20 % a month) and the defender's cost: 0.6 + 3 · 2 c_D = 1.
    war = sample_war(front())
    assert break_even(war, 0.0, "cut")["d"][0, 0] == pytest.approx(40 / 6, abs=1e-9)
    assert break_even(war, 0.0, "cut")["a"][0, 0] == pytest.approx(20.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    pace=st.floats(5, 400),
    horizon=st.floats(0.5, 30),
    rate=st.floats(0, 0.05),
    beliefs=st.tuples(st.floats(0.3, 2), st.floats(0.3, 2)),
    learning=st.floats(0, 0.5),
    costs=st.lists(st.floats(0, 20), min_size=2, max_size=6),
)
def test_walk_away_points_move_monotonically_with_the_cost(
    pace: float,
    horizon: float,
    rate: float,
    beliefs: tuple[float, float],
    learning: float,
    costs: list[float],
) -> None:
    sides = [
        {"actor": "a", "cost": 1, "belief": beliefs[0]},
        {"actor": "d", "cost": 1, "belief": beliefs[1]},
    ]
    regimes = [{"id": "base", "name": "Base", "advance": pace}]
    war = sample_war(
        front(sides=sides, regimes=regimes, horizon=horizon, discount_rate=rate, learning=learning)
    )
    grid = sorted(costs)
    advancing = np.array([walk_away_at(war, "base", 0.0, 0, c)[0, 0] for c in grid])
    defending = np.array([walk_away_at(war, "base", 0.0, 1, c)[0, 0] for c in grid])
    assert (np.diff(advancing) <= 1e-12).all()  # a costlier war: the attacker asks for less
    assert (np.diff(defending) >= -1e-12).all()  # and the defender gives up more
    # Exactly linear, so the break-even is where the line is crossed.
    even = break_even(war, 0.0)
    if np.isfinite(even["d"][0, 0]) and even["d"][0, 0] > 0:
        assert walk_away_at(war, "base", 0.0, 1, float(even["d"][0, 0]))[0, 0] == pytest.approx(1)


def test_ukraine_walk_aways_are_monotone_over_the_cost_range_in_every_draw() -> None:
    ukraine = load("ukraine-2025")
    war = sample_war(ukraine, 200, np.random.default_rng(3), date=dt.date(2026, 3, 1))
    grid = np.linspace(0.0, 3.0, 7)
    for side, sign in ((0, -1.0), (1, 1.0)):
        points = np.stack([walk_away_at(war, "current", 0.0, side, c) for c in grid])
        assert (sign * np.diff(points, axis=0) >= -1e-12).all()


def test_war_json_shows_the_sweep_and_the_new_range_keeps_kyiv_below_full_handover() -> None:
    result = analyse(load("ukraine-2025"), months=0, draws=None, nash=False)
    data = result.to_json()["cost_sensitivity"]
    assert data["regime"] == "current" and data["month"] == "2025-12"
    ukraine = data["sides"]["ukraine"]
    # As of 2 Dec 2025 the range known is the base date's (the refusal of 2 Dec is public on 3 Dec).
    assert ukraine["range"] == {"low": 0.18, "mode": 1.0, "high": 2.44}
    costs = [point["cost"] for point in ukraine["points"]]
    assert costs == sorted(costs) and costs[0] == 0.18 and costs[-1] == 2.44
    donbas = [point["walk_away"]["donbas"] for point in ukraine["points"]]
    assert donbas == sorted(donbas)
    # At its point value Kyiv keeps part of Donbas (below 50: not the whole area handed over);
    # the break-even sits inside the upper part of the range, about 2 %.
    assert 25 < donbas[costs.index(1.0)] < 50
    assert 1.7 < ukraine["break_even"]["donbas"] < 2.2
    russia = data["sides"]["russia"]
    assert 1.3 < russia["break_even"]["donbas"] < 1.8
    assert russia["break_even"]["donbas"] == pytest.approx(russia["break_even"]["southern_line"])


def test_revealed_costs_stay_below_every_break_even_and_match_the_scenario() -> None:
    # A fixed small war: the attacker's break-even is 10 %, so a flat prior on [0, 20] kept
    # below it is uniform on [0, 10].
    kept = revealed_costs(front(), [dt.date(2025, 1, 1)], draws=200, prior_high=20.0)
    assert kept["a"].max() < 10.0 and np.median(kept["a"]) == pytest.approx(5.0, abs=0.3)
    # The scenario's ranges, the base value and each dated update of war.sides.ACTOR.cost, are
    # the 10th/50th/90th percentiles of the derivation on the refusals known by that date
    # (scripts/derive_war_costs.py uses 4,000 draws; 600 here, hence the tolerance).
    refusals = [dt.date(2025, 11, 18), dt.date(2025, 12, 2), dt.date(2025, 12, 28)]
    refusals += [dt.date(2026, 1, 23), dt.date(2026, 2, 17)]
    public = [dt.date(2025, 11, 18), dt.date(2025, 12, 3), dt.date(2025, 12, 28)]
    public += [dt.date(2026, 1, 24), dt.date(2026, 2, 18)]
    ukraine = load("ukraine-2025")
    derived = dated_revealed_costs(ukraine, refusals, draws=600)
    for known, costs in zip(public, derived, strict=True):
        current = as_of(ukraine, known)
        for actor in ("russia", "ukraine"):
            cost = current.war.side(actor).cost if current.war else None
            assert cost is not None and cost.low is not None and cost.high is not None
            low, mid, high = np.percentile(costs[actor], [10, 50, 90])
            assert low == pytest.approx(cost.low, abs=0.1)
            assert mid == pytest.approx(cost.mode, abs=0.15)
            assert high == pytest.approx(cost.high, abs=0.25)
    # The day before a refusal is public, the range is the earlier one (no look-ahead).
    before = as_of(ukraine, dt.date(2025, 12, 2)).war
    assert before is not None and before.side("ukraine").cost == ukraine.war.side("ukraine").cost


def test_a_dated_cost_update_moves_the_war_only_from_its_date() -> None:
    """An update of war.sides.ACTOR.cost changes `accord war` from its date on, not before."""
    data = copy.deepcopy(BASE)
    data["base_date"] = "2025-01-01"
    data["updates"] = [
        {
            "date": "2025-03-01",
            "event": "a costlier war",
            "changes": {"war.sides.d.cost": 9.0},
        }
    ]
    dated = parse(data, "dated")
    plain = front()
    early, late = dt.date(2025, 2, 1), dt.date(2025, 4, 1)
    for day, moved in ((early, False), (late, True)):
        with_update = analyse(dated, date=day, nash=False, months=2)
        without = analyse(plain, date=day, nash=False, months=2)
        regime = with_update.sample.war.regime().id
        same = np.allclose(with_update.walk_away(regime), without.walk_away(regime), equal_nan=True)
        assert same is not moved, day
