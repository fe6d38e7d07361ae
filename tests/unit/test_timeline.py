"""The timeline across dated updates and the attribution of each move."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

from accord.analysis import timeline as timeline_module
from accord.analysis.forecast import forecast
from accord.analysis.timeline import timeline
from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, as_generator
from accord.models.compromise import weighted_mean
from accord.scenario import Scenario, load, parse
from accord.scenario.compile import Problem, RNGLike

D0, D1, D2, D3 = (dt.date(2025, 1, d) for d in (1, 10, 20, 25))


def toy(updates: list[dict[str, Any]] | None = None) -> Scenario:
    """Three actors, two issues on 0-100, and two dated updates."""
    data = {
        "id": "toy",
        "title": "Toy talks",
        "base_date": D0.isoformat(),
        "salience_scale": {"min": 0, "max": 100},
        "issues": [
            {"id": "land", "name": "Land", "unit": "%", "min": 0, "max": 100},
            {"id": "money", "name": "Money", "unit": "bn", "min": 0, "max": 50},
        ],
        "actors": [
            {"id": "a", "name": "A", "capability": 2, "positions": {"land": 0, "money": 10},
             "salience": {"land": 50, "money": 100}},
            {"id": "b", "name": "B", "capability": 1, "positions": {"land": 100, "money": 40},
             "salience": {"land": 100, "money": 50}},
            {"id": "c", "name": "C", "capability": 1, "positions": {"land": 60, "money": 20},
             "salience": {"land": 50, "money": 50}},
        ],
        "updates": updates
        if updates is not None
        else [
            {"date": D1.isoformat(), "event": "A softens on land; C cares more about money",
             "changes": {"a.position.land": 30, "c.salience.money": 100}},
            {"date": D2.isoformat(), "event": "B gains weight",
             "changes": {"b.capability": 3}},
        ],
    }  # fmt: skip
    return parse(data, "toy.yaml")


def test_points_are_base_updates_and_chosen_dates_in_order() -> None:
    result = timeline(toy(), ["compromise"], dates=[D3, D1, dt.date(2025, 1, 5)])
    assert [(p.date, p.kind) for p in result.points] == [
        (D0, "base"),
        (dt.date(2025, 1, 5), "chosen"),
        (D1, "update"),
        (D2, "update"),
        (D3, "chosen"),
    ]
    assert result.points[2].events == ("A softens on land; C cares more about money",)
    assert [step.date for step in result.steps] == [D1, D2]


def test_point_forecasts_equal_forecast_at_that_date_with_positions_behind() -> None:
    scenario = toy()
    result = timeline(scenario, ["compromise", "median"])
    for point in result.points:
        expected = forecast(scenario, ["compromise", "median"], date=point.date)
        for model in ("compromise", "median"):
            for issue in ("land", "money"):
                got = point.forecasts[model][issue].value
                assert got == pytest.approx(expected.models[model].issues[issue].value)
    base, first, second = result.points
    assert base.positions["land"] == {"a": 0.0, "b": 100.0, "c": 60.0}
    assert first.positions["land"]["a"] == 30.0
    assert first.salience["money"]["c"] == 100.0
    assert second.capability == {"a": 2.0, "b": 3.0, "c": 1.0}
    # Base compromise on land: (2·50·0 + 1·100·100 + 1·50·60) / (100 + 100 + 50) = 52.
    assert base.forecasts["compromise"]["land"].value == pytest.approx(52.0)


def test_compromise_decomposition_is_exact_and_matches_hand_values() -> None:
    result = timeline(toy(), ["compromise"])
    first = result.steps[0].moves["compromise"]
    land, money = first["land"], first["money"]
    # Land: only A's position moves (0 -> 30) with weight 2·0.5 = 1; D' = 1 + 1 + 0.5.
    assert land.delta == pytest.approx(1 * 0.30 / 2.5 * 100)
    assert land.by_change == pytest.approx({"a.position.land": 12.0, "c.salience.money": 0.0})
    assert land.by_actor == pytest.approx({"a": 12.0, "c": 0.0})
    # Money (scale 0-50): before weights a 2, b 0.5, c 0.5 -> x* = (0.4 + 0.4 + 0.2)/3;
    # C's salience 0.5 -> 1 adds weight 0.5 at x_c = 0.4: Δ = 0.5 (0.4 − x*) / 3.5 on [0, 1].
    before = (2 * 0.2 + 0.5 * 0.8 + 0.5 * 0.4) / 3.0
    expected = 0.5 * (0.4 - before) / 3.5 * 50
    assert money.delta == pytest.approx(expected)
    assert money.by_change["c.salience.money"] == pytest.approx(expected)
    assert money.change_method == "exact" and money.residual == pytest.approx(0.0, abs=1e-12)
    # A capability change affects every issue; its parts still add up to each move.
    second = result.steps[1].moves["compromise"]
    for issue in ("land", "money"):
        move = second[issue]
        assert move.by_change["b.capability"] == pytest.approx(move.delta)
        assert move.driver == "b"


def test_shapley_values_add_up_to_the_move_for_every_model() -> None:
    scenario = toy()
    result = timeline(scenario, ["median", "nash", "smp"])
    for step in result.steps:
        for model, per_issue in step.moves.items():
            for move in per_issue.values():
                assert move.actor_method == "shapley"
                assert sum(move.by_actor.values()) == pytest.approx(move.delta, abs=1e-9), model
                assert move.after - move.before == pytest.approx(move.delta)


def test_symmetric_changes_get_equal_shapley_shares() -> None:
    updates = [
        {"date": D1.isoformat(), "event": "B and C both move to 0 on land",
         "changes": {"b.position.land": 0, "c.position.land": 0}},
    ]  # fmt: skip
    scenario = toy(updates)
    # Make B and C identical actors so their changes are interchangeable.
    data = scenario.model_dump(mode="json")
    data["actors"][2]["positions"] = data["actors"][1]["positions"]
    data["actors"][2]["salience"] = data["actors"][1]["salience"]
    result = timeline(parse(data, "sym.yaml"), ["median", "nash"])
    for model in ("median", "nash"):
        move = result.steps[0].moves[model]["land"]
        assert move.delta != 0
        assert move.by_actor["b"] == pytest.approx(move.by_actor["c"])
        assert move.by_actor["b"] == pytest.approx(move.delta / 2)


def test_largest_moves_name_the_step_and_none_when_nothing_moves() -> None:
    result = timeline(toy(), ["compromise"])
    largest = result.largest_moves()["compromise"]
    land = largest["land"]
    assert land is not None
    deltas = {step.date: abs(step.moves["compromise"]["land"].delta) for step in result.steps}
    assert land[0].date == max(deltas, key=lambda date: deltas[date])
    quiet = timeline(toy([{"date": D1.isoformat(), "event": "walk-away only",
                           "changes": {"a.walk_away.land": 10}}]), ["compromise"])  # fmt: skip
    assert quiet.largest_moves()["compromise"] == {"land": None, "money": None}


def test_too_many_groups_fall_back_to_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeline_module, "MAX_SHAPLEY_GROUPS", 1)
    result = timeline(toy(), ["median"])
    move = result.steps[0].moves["median"]["land"]
    assert move.actor_method == "one-at-a-time"
    assert move.change_method == "one-at-a-time"
    assert move.residual == pytest.approx(move.delta - sum(move.by_change.values()))


def test_draws_give_intervals_and_the_same_seed_the_same_numbers() -> None:
    data = toy().model_dump(mode="json")
    data["actors"][1]["positions"]["land"] = {"low": 80, "high": 100, "estimate": True}
    scenario = parse(data, "ranged.yaml")
    first = timeline(scenario, ["compromise"], draws=200, seed=7)
    again = timeline(scenario, ["compromise"], draws=200, seed=7)
    for a, b in zip(first.points, again.points, strict=True):
        item, same = a.forecasts["compromise"]["land"], b.forecasts["compromise"]["land"]
        assert item == same
        assert item.low is not None and item.high is not None
        assert item.low < item.value < item.high


@dataclass(frozen=True)
class NoisyMean:
    """A stochastic test model: the compromise mean plus one noise draw per issue."""

    name: ClassVar[str] = "noisy"
    summary: ClassVar[str] = "compromise plus noise (test only)"
    citation: ClassVar[str] = "test"
    traits: ClassVar[ModelTraits] = ModelTraits(stochastic=True)

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        weights = problem.capability[:, :, None] * problem.salience
        noise = as_generator(rng).normal(0, 0.01, size=(problem.draws, problem.n_issues))
        return Outcome(self.name, weighted_mean(weights, problem.position) + noise)


def test_stochastic_models_see_the_same_random_numbers_in_every_variant() -> None:
    result = timeline(toy(), [NoisyMean()], seed=3)
    # The second step changes B's capability; with common random numbers the noise cancels
    # and the moves equal the compromise model's.
    exact = timeline(toy(), ["compromise"])
    for issue in ("land", "money"):
        noisy = result.steps[1].moves["noisy"][issue]
        assert noisy.delta == pytest.approx(exact.steps[1].moves["compromise"][issue].delta)
        assert sum(noisy.by_actor.values()) == pytest.approx(noisy.delta)


def test_json_layout_and_series() -> None:
    result = timeline(toy(), ["compromise", "median"], dates=[D3])
    data = json.loads(json.dumps(result.to_json()))
    assert set(data) == {"scenario", "title", "draws", "seed", "models", "issues", "actors",
                         "points", "steps", "largest", "series"}  # fmt: skip
    assert [p["date"] for p in data["points"]] == ["2025-01-01", "2025-01-10", "2025-01-20",
                                                   "2025-01-25"]  # fmt: skip
    assert len(data["series"]) == 4
    line = next(s for s in data["series"] if s["model"] == "compromise" and s["issue"] == "land")
    assert line["values"][0] == pytest.approx(52.0) and len(line["dates"]) == 4
    move = data["steps"][0]["moves"]["compromise"]["land"]
    assert move["driver"] == "a" and move["change_method"] == "exact"
    assert data["largest"]["compromise"]["land"]["date"] == "2025-01-20"
    rows = result.rows()
    assert len(rows) == 4 * 2 * 2 and rows[0]["kind"] == "base"


def test_a_date_before_the_base_date_is_bad_input() -> None:
    with pytest.raises(InputError, match="before the scenario's base date"):
        timeline(toy(), ["compromise"], dates=[dt.date(2024, 12, 31)])


def test_ukraine_has_five_dated_points_and_a_largest_move_per_issue() -> None:
    scenario = load("ukraine-2025")
    result = timeline(scenario, ["compromise"])
    dated = [point for point in result.points if point.date is not None]
    assert len(dated) >= 5
    largest = result.largest_moves()["compromise"]
    assert all(largest[issue.id] is not None for issue in scenario.issues)
    for step in result.steps:
        for move in step.moves["compromise"].values():
            assert np.isclose(sum(move.by_change.values()), move.delta)


def test_ukraine_timeline_runs_to_21_march_2026_through_the_talks_of_2026() -> None:
    scenario = load("ukraine-2025")
    result = timeline(scenario, ["compromise"])
    dates = [point.date for point in result.points if point.date is not None]
    assert dates[-1] == dt.date(2026, 3, 21)
    steps = {step.date: step for step in result.steps}
    # Moscow's refusal of a ceasefire before a settlement moves the sequencing forecast up.
    refusal = steps[dt.date(2025, 12, 28)].moves["compromise"]["sequencing"]
    assert refusal.delta > 0 and refusal.by_change["russia.position.sequencing"] > 0
    assert max(refusal.by_actor, key=refusal.by_actor.__getitem__) == "russia"
    for day in (dt.date(2026, 1, 24), dt.date(2026, 2, 5), dt.date(2026, 2, 18)):
        assert day in steps  # the Abu Dhabi and Geneva rounds
