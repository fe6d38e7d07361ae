"""Walk-away points from the battlefield: Fearon's range exactly, the dynamics, the data."""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord.dynamics.war import (
    analyse,
    expected_line,
    fearon_range,
    look_ahead,
    renewed_pace_factor,
    sample_war,
    walk_away_points,
)
from accord.errors import InputError
from accord.models.nash import NashModel
from accord.scenario import load, parse

BASE: dict[str, Any] = {
    "id": "front",
    "title": "A two-sided war over one region",
    "as_of": "2025-01-01",
    "issues": [
        {"id": "land", "name": "Land", "min": 0, "max": 100, "status_quo": 0},
        {"id": "money", "name": "Money", "min": 0, "max": 10, "status_quo": 5},
    ],
    "actors": [
        {
            "id": "a",
            "name": "Attacker",
            "party": True,
            "capability": 2,
            "positions": {"land": 100, "money": 10},
            "salience": {"land": 80, "money": 20},
        },
        {
            "id": "d",
            "name": "Defender",
            "party": True,
            "capability": 1,
            "positions": {"land": 0, "money": 0},
            "salience": {"land": 90, "money": 10},
        },
    ],
    "war": {
        "as_of": "2025-01-01",
        "advancing": "a",
        "defending": "d",
        "control": [
            {"id": "XX-01", "name": "North", "area_km2": 1500, "held": 50, "theatre": "land"},
            {"id": "XX-02", "name": "South", "area_km2": 500, "held": 100},
        ],
        "theatres": [{"issue": "land", "advance_share": 1.0}],
        "regimes": [
            {"id": "base", "name": "Base", "advance": 75},
            {"id": "cut", "name": "Cut", "advance": 150, "cost_factor": {"d": 2}},
        ],
        "sides": [{"actor": "a", "cost": 2}, {"actor": "d", "cost": 3}],
        "discount_rate": 0,
        "horizon": 3,
    },
}


def scenario(**war: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["war"].update(war)
    return parse(data, "front")


def test_fearon_range_is_p_minus_and_plus_the_costs() -> None:
    low, high = fearon_range(0.6, 0.1, 0.25)
    assert low == pytest.approx(0.5, abs=0) and high == pytest.approx(0.85, abs=0)


def test_one_month_undiscounted_is_exactly_fearons_range() -> None:
    # Fearon (1995): with one period, β = 1 and common beliefs, [p − c_A, p + c_B].
    p = np.array([0.2, 0.5, 0.9])
    c_a = np.array([0.05, 0.3, 0.0])
    c_b = np.array([0.1, 0.0, 0.4])
    advancing, defending = walk_away_points(
        p[:, None], p[:, None], c_a, c_b, np.ones(3), np.ones((3, 1))
    )
    low, high = fearon_range(p, c_a, c_b)
    np.testing.assert_array_equal(advancing, low)
    np.testing.assert_array_equal(defending, high)


def test_discounting_weights_month_u_by_beta_to_the_u() -> None:
    gains = np.array([[0.1, 0.2, 0.3]])
    beta = np.array([0.9])
    advancing, defending = walk_away_points(gains, gains, np.array([0.05]), np.array([0.02]),
                                            beta, np.ones((1, 3)))  # fmt: skip
    factors = 0.9 ** np.arange(1, 4)
    assert advancing[0] == pytest.approx(float((factors * (gains[0] - 0.05)).sum()), rel=1e-15)
    assert defending[0] == pytest.approx(float((factors * (gains[0] + 0.02)).sum()), rel=1e-15)


def test_a_zone_always_exists_with_costs_and_common_beliefs() -> None:
    rng = np.random.default_rng(0)
    gains = rng.random((500, 12)) / 10
    advancing, defending = walk_away_points(
        gains, gains, rng.random(500) / 10, rng.random(500) / 10, rng.uniform(0.9, 1, 500),
        np.ones((500, 12)),
    )  # fmt: skip
    assert (advancing <= defending).all()


def test_hand_computed_walk_away_points_of_a_small_war() -> None:
    # Contested: 1500 km² × (1 − 50 %) = 750 km²; 75 km² a month = 10 % a month.
    # Three months, no discounting: w_A = 0.3 − 3·0.02 = 0.24, w_D = 0.3 + 3·0.03 = 0.39.
    war = sample_war(scenario())
    assert war.contested[0, 0] == pytest.approx(750.0)
    ahead = look_ahead(war, "base", [0.0])
    assert ahead.advancing[0, 0, 0] == pytest.approx(0.24, abs=1e-12)
    assert ahead.defending[0, 0, 0] == pytest.approx(0.39, abs=1e-12)
    assert ahead.line_ahead[0, 0, 0] == pytest.approx(0.3, abs=1e-12)
    # The cut-off doubles the pace and the defender's cost: 0.6 − 0.06, 0.6 + 0.18.
    cut = look_ahead(war, "cut", [0.0])
    assert cut.advancing[0, 0, 0] == pytest.approx(0.54, abs=1e-12)
    assert cut.defending[0, 0, 0] == pytest.approx(0.78, abs=1e-12)


def test_gains_stop_when_the_contested_area_is_gone() -> None:
    war = sample_war(scenario(horizon=15))
    ahead = look_ahead(war, "base", [0.0])
    # 10 % a month for 10 months takes it all; five more months only cost.
    assert ahead.line_ahead[0, 0, 0] == pytest.approx(1.0)
    assert ahead.advancing[0, 0, 0] == pytest.approx(1.0 - 15 * 0.02)
    np.testing.assert_allclose(
        expected_line(war, "base", [0, 5, 10, 20])[0, :, 0], [0, 0.5, 1, 1], atol=1e-12
    )


def test_optimism_and_learning() -> None:
    sides = [{"actor": "a", "cost": 2, "belief": 2}, {"actor": "d", "cost": 3, "belief": 0.5}]
    war = sample_war(scenario(sides=sides))
    ahead = look_ahead(war, "base", [0.0])
    # The attacker expects 20 % a month, the defender 5 %: 0.6 − 0.06 and 0.15 + 0.09.
    assert ahead.advancing[0, 0, 0] == pytest.approx(0.54, abs=1e-12)
    assert ahead.defending[0, 0, 0] == pytest.approx(0.24, abs=1e-12)
    # Mutual optimism empties the zone; learning (beliefs converging) narrows the gap.
    learnt = look_ahead(sample_war(scenario(sides=sides, learning=0.5)), "base", [0.0])
    gap = ahead.advancing - ahead.defending
    assert gap[0, 0, 0] > 0
    assert (learnt.advancing - learnt.defending)[0, 0, 0] < gap[0, 0, 0]


def test_fractional_horizon_weights_the_last_month() -> None:
    war = sample_war(scenario(horizon=2.5))
    ahead = look_ahead(war, "base", [0.0])
    assert ahead.advancing[0, 0, 0] == pytest.approx(2.5 * (0.1 - 0.02), abs=1e-12)


def test_gain_end_min_flips_the_scale_and_problem_for_sets_only_the_belligerents() -> None:
    data = copy.deepcopy(BASE)
    data["actors"].append(
        {
            "id": "m",
            "name": "Mediator",
            "capability": 1,
            "positions": {"land": 50, "money": 5},
            "salience": {"land": 50, "money": 50},
            "walk_away": {"land": 40},
        }
    )
    data["war"]["theatres"][0]["gain_end"] = "min"
    result = analyse(parse(data, "front"), months=2, nash=False)
    walk = result.walk_away("base")
    # Shares 0.24 and 0.39 read from the top of the scale.
    assert walk[0, 0, 0] == pytest.approx(0.76) and walk[0, 1, 0] == pytest.approx(0.61)
    assert walk[0, 2, 0] == pytest.approx(0.4)  # the mediator keeps its own
    assert np.isnan(walk[0, :2, 1]).all()  # the money issue is not a theatre
    assert result.problem_for("base").walk_away[0, 0, 0] == pytest.approx(0.76)


def test_ukraine_aid_cut_off_moves_the_walk_away_points_and_the_nash_solution() -> None:
    ukraine = load("ukraine-2025")
    result = analyse(ukraine, months=3, draws=200, rng=7, nash_draws=40)
    donbas = result.sample.theatre_ids.index("donbas")
    south = result.sample.theatre_ids.index("southern_line")

    def point(regime: str, side: str, k: int) -> Any:
        bound = "high" if side == "defending" else "low"
        return result.to_units(getattr(result.paths[regime], side)[:, 0, k], k, bound)

    # Paired draws: the cut-off never lowers a walk-away point and raises them on average.
    cut, current = point("us_cutoff", "advancing", donbas), point("current", "advancing", donbas)
    assert (cut >= current - 1e-9).all() and float(np.mean(cut - current)) > 1
    cut, current = point("us_cutoff", "defending", south), point("current", "defending", south)
    surge = point("european_surge", "defending", south)
    assert (cut >= current - 1e-9).all() and float(np.mean(cut - current)) > 1
    assert float(np.mean(current - surge)) > 0.5
    column = result.problem.issue_ids.index("donbas")
    nash = {regime: float(np.median(path.nash[:, column])) for regime, path in result.paths.items()
            if path.nash is not None}  # fmt: skip
    assert nash["european_surge"] < nash["current"] < nash["us_cutoff"]
    # On the theatres the battlefield opens a zone where the stated red lines (Russia: all of
    # Donbas) close it; the red lines that still cross elsewhere (NATO, ...) keep Nash at no
    # deal, and Nash names the issues.
    assert nash["european_surge"] <= nash["current"] <= nash["us_cutoff"]
    assert result.paths["current"].nash_feasible is not None
    assert result.paths["current"].nash_feasible.mean() == 0.0
    stated = NashModel().run(result.problem.take(slice(0, 40))).trace["empty"]
    fought = NashModel().run(result.problem_for("current").take(slice(0, 40))).trace["empty"]
    # Russia's stated condition (Ukraine leaves Donbas: requires donbas >= 50) holds on the
    # battlefield reading too, so Donbas stays closed wherever Kyiv's battlefield walk-away point
    # is below it: in most draws at the monthly cost derived from the refusals (scripts/
    # derive_war_costs.py); the battlefield opens it only where the cost is near the top of
    # its range (about a quarter of the draws).
    assert stated[:, donbas].all() and 0.5 < fought[:, donbas].mean() < 0.95
    assert fought[:, result.problem.issue_ids.index("nato")].all()


def test_one_month_of_war_costs_one_month_whatever_the_number_of_theatres() -> None:
    # Two theatres with the same contested area, pace and cost: each bears half the month.
    two = copy.deepcopy(BASE)
    two["issues"].append({"id": "land2", "name": "Land 2", "min": 0, "max": 100, "status_quo": 0})
    for actor in two["actors"]:
        actor["positions"]["land2"] = actor["positions"]["land"]
        actor["salience"]["land2"] = 50
    two["war"]["control"].append(
        {"id": "XX-03", "name": "East", "area_km2": 1500, "held": 50, "theatre": "land2"}
    )
    two["war"]["theatres"] = [
        {"issue": "land", "advance_share": 0.5},
        {"issue": "land2", "advance_share": 0.5},
    ]
    war = sample_war(parse(two, "two"))
    ahead = look_ahead(war, "base", [0.0])
    # 37.5 km² a month in each of two 750 km² theatres = 5 % a month; three months.
    assert ahead.line_ahead[0, 0] == pytest.approx([0.15, 0.15], abs=1e-12)
    # One cost of 2 % (advancing) and 3 % (defending) of the 1,500 km² contested in all,
    # split in two: 15 and 22.5 km² a month in each theatre, 2 % and 3 % of 750 km².
    assert ahead.advancing[0, 0] == pytest.approx([0.15 - 3 * 0.02] * 2, abs=1e-12)
    assert ahead.defending[0, 0] == pytest.approx([0.15 + 3 * 0.03] * 2, abs=1e-12)
    cost_km2 = (ahead.defending[0, 0] - ahead.line_ahead[0, 0]) / 3 * war.contested[0]
    assert cost_km2.sum() == pytest.approx(0.03 * war.contested[0].sum())  # one month, not two
    # A theatre where nothing is expected to move bears none of the cost.
    two["war"]["theatres"][1]["advance_share"] = 0.0
    war = sample_war(parse(two, "two"))
    ahead = look_ahead(war, "base", [0.0])
    assert ahead.defending[0, 0, 1] == pytest.approx(0.0, abs=1e-12)


def test_ukraine_does_not_concede_the_south_on_cost_grounds() -> None:
    result = analyse(load("ukraine-2025"), months=0, draws=200, rng=3, nash=False)
    south = result.sample.theatre_ids.index("southern_line")
    for path in result.paths.values():
        # What Kyiv would hand over in Zaporizhzhia and Kherson rather than fight: little.
        defending = result.to_units(path.defending[:, 0, south], south, "high")
        assert float(np.median(defending)) < 15


def test_renewed_war_runs_faster_from_a_line_beyond_the_belt() -> None:
    war = sample_war(load("ukraine-2025"))
    donbas = war.theatre_ids.index("donbas")
    handed = np.zeros((1, len(war.theatre_ids)))
    assert renewed_pace_factor(war, handed)[0] == pytest.approx(1.0)
    handed[0, donbas] = 1.0
    assert renewed_pace_factor(war, handed)[0] == pytest.approx(1.3)
    handed[0, donbas] = 0.5
    assert renewed_pace_factor(war, handed)[0] == pytest.approx(1.15)
    line = np.zeros((1, 1, len(war.theatre_ids)))
    slow = look_ahead(war, "current", [0.0], start_line=line)
    fast = look_ahead(war, "current", [0.0], start_line=line, pace_factor=np.array([1.3]))
    assert (fast.line_ahead >= slow.line_ahead).all()
    assert fast.line_ahead[0, 0, 1] > slow.line_ahead[0, 0, 1]


def test_pace_is_fitted_on_the_series_before_the_evaluation_date() -> None:
    ukraine = load("ukraine-2025")
    data = analyse(ukraine, date=dt.date(2026, 3, 1), months=0, nash=False).to_json()
    assert set(data["pace"]) == {"current", "us_cutoff", "european_surge"}
    current = data["pace"]["current"]
    assert 150 < current["low"] < current["mode"] < current["high"] < 600
    assert data["pace_fit"]["months"][-1]["to"] == "2026-03-01"
    assert len(data["pace_fit"]["months"]) == 12
    assert (
        data["pace"]["us_cutoff"]["mode"] > current["mode"] > data["pace"]["european_surge"]["mode"]
    )
    assert data["line_date"] == "2026-03-01"
    # As of 20 Nov 2025 nothing later is read: the last month fitted ends on 1 Nov.
    early = analyse(ukraine, date=dt.date(2025, 11, 20), months=0, nash=False)
    fitted = early.to_json()["pace_fit"]["months"]
    assert fitted[-1]["to"] == "2025-11-01"
    assert early.sample.line_date == dt.date(2025, 11, 20)
    assert (
        early.sample.contested.sum() > analyse(ukraine, months=0, nash=False).sample.contested.sum()
    )


def test_the_donbas_scale_reads_through_its_anchors() -> None:
    result = analyse(load("ukraine-2025"), months=0, nash=False)
    donbas = result.sample.theatre_ids.index("donbas")
    shares = np.array([0.0, 0.5, 1.0, 1.5, -0.5])
    np.testing.assert_allclose(result.to_units(shares, donbas), [0, 37.5, 50, 100, 0])
    high = result.to_units(shares, donbas, "high")
    np.testing.assert_allclose(high, [25, 37.5, 100, 100, 0])
    units = np.array([[0.0, 0.1], [0.25, 0.1], [0.375, 0.1], [0.75, 0.1]])
    np.testing.assert_allclose(result.sample.to_share(units)[:, donbas], [0, 0, 0.5, 1])
    np.testing.assert_allclose(result.sample.to_share(units)[:, 1 - donbas], [0.1] * 4)


def test_json_layout_is_figure_ready() -> None:
    data = analyse(load("ukraine-2025"), months=2, nash=False).to_json()
    assert data["months"] == ["2025-12", "2026-01", "2026-02"]
    band = data["regimes"]["us_cutoff"]["theatres"]["donbas"]["defending"]
    assert set(band) == {"value", "low", "high"} and len(band["value"]) == 3
    assert data["theatres"]["donbas"]["stated"]["russia"] == 100


def test_scenario_control_matches_the_shared_oblast_data(shared_data: Path) -> None:
    rows = {
        row["iso_3166_2"]: row
        for row in csv.DictReader((shared_data / "geo" / "oblast_lookup.csv").open())
    }
    war = load("ukraine-2025").war
    assert war is not None
    for region in war.control:
        row = rows[region.id]
        assert region.area_km2.point == float(row["ref_area_km2"])
        # Luhansk takes DeepState's published share: the computed one is a boundary artefact.
        column = (
            "occ_share_pct_deepstate_published_20260101"
            if region.id == "UA-09"
            else ("occ_share_pct_computed_20251202")
        )
        assert region.held.point == float(row[column])
    sampled = sample_war(load("ukraine-2025"))
    # Held area on 2 Dec 2025 against DeepState's 19.25 % on 1 Jan 2026 (S48).
    assert sampled.held[0] / 603_540 == pytest.approx(0.1925, abs=0.001)
    donbas = sampled.theatre_ids.index("donbas")
    assert sampled.contested[0, donbas] == pytest.approx(6418, abs=1)


def test_same_seed_same_numbers() -> None:
    ukraine = load("ukraine-2025")
    first = analyse(ukraine, months=1, draws=50, rng=3, nash=False)
    second = analyse(ukraine, months=1, draws=50, rng=3, nash=False)
    np.testing.assert_array_equal(
        first.paths["current"].defending, second.paths["current"].defending
    )


def test_bad_input_is_reported() -> None:
    with pytest.raises(InputError, match="unknown aid regime 'nope'"):
        analyse(scenario(), regimes=["nope"])
    with pytest.raises(InputError, match="months"):
        analyse(scenario(), months=-1)
    no_war = copy.deepcopy(BASE)
    del no_war["war"]
    with pytest.raises(InputError, match="no war block"):
        analyse(parse(no_war, "plain"))


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"advancing": "zz"}, "war.advancing", "unknown actor id 'zz'"),
        ({"default_regime": "zz"}, "war.default_regime", "unknown regime id 'zz'"),
        (
            {"theatres": [{"issue": "nope", "advance_share": 1}]},
            "war.theatres[0].issue",
            "unknown issue id 'nope'",
        ),
        (
            {"regimes": [{"id": "r", "name": "R", "advance": 1, "cost_factor": {"m": 1}}]},
            "war.regimes[0].cost_factor.m",
            "unknown side id 'm'",
        ),
        (
            {"sides": [{"actor": "a", "cost": -1}, {"actor": "d", "cost": 1}]},
            "war.sides[0].cost",
            "cost must be at least 0",
        ),
        ({"learning": 2}, "war.learning", "outside the scale"),
    ],
)
def test_schema_checks_name_the_field(change: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        scenario(**change)
    rendered = [problem.render("front") for problem in caught.value.problems]
    assert any(path in text and message in text and "Fix:" in text for text in rendered), rendered


def test_every_new_number_is_checked_for_its_evidence() -> None:
    from accord.scenario.checks import numbers, unsourced

    paths = {path for path, _ in numbers(load("ukraine-2025"))}
    for expected in (
        ("war", "regimes", 1, "advance_factor"),
        ("war", "theatres", 0, "handover_pace_factor"),
        ("war", "regimes", 1, "cost_factor", "ukraine"),
        ("war", "sides", 0, "belief"),
        ("war", "control", 3, "held"),
        ("guarantees", "terms", 0, "hazard_ratio"),
        ("ratification", "referendum", "polls", 2, "reject"),
        ("ratification", "referendum", "polls", 0, "terms", "guarantees"),
        ("ratification", "vetoes", 2, "approval"),
        ("talks", "pull"),
    ):
        assert expected in paths, expected
    bare = copy.deepcopy(BASE)
    bare["war"]["regimes"][0]["advance"] = {"value": 75}
    problems = unsourced(parse(bare, "bare"))
    assert ("war", "regimes", 0, "advance") in [problem.path for problem in problems]
