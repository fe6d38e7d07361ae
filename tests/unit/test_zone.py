"""The zone of agreement against cases solved by hand (docs/zone.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import accord
from accord.analysis.forecast import forecast
from accord.analysis.zone import zone
from accord.scenario.acceptance import accepted, bounds, no_deal_utility
from accord.scenario.compile import Problem, compile
from accord.scenario.load import parse

DATA = Path(__file__).parents[1] / "data" / "zone"


def _three(red_a: float, red_b: float) -> accord.Scenario:
    return parse(
        {
            "id": "hand",
            "title": "hand",
            "issues": [{"id": "x", "name": "X", "min": 0, "max": 100}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "party": True,
                    "capability": 10,
                    "positions": {"x": 20},
                    "salience": {"x": 50},
                    "red_line": {"x": red_a},
                },
                {
                    "id": "b",
                    "name": "B",
                    "party": True,
                    "capability": 10,
                    "positions": {"x": 90},
                    "salience": {"x": 50},
                    "red_line": {"x": red_b},
                },
                {
                    "id": "c",
                    "name": "C",
                    "capability": 100,
                    "positions": {"x": 100},
                    "salience": {"x": 50},
                },
            ],
        },
        "hand",
    )


def test_zone_is_the_intersection_of_the_parties_red_lines() -> None:
    result = zone(_three(60, 40))
    assert result.feasible
    item = result.issues["x"]
    assert (item.low, item.high) == (40.0, 60.0)
    assert item.floor_by == ("b",) and item.ceiling_by == ("a",)
    assert result.veto_players == ("a", "b")
    assert result.opening == ()


def test_median_outside_the_zone_names_the_party_that_rejects_it() -> None:
    result = forecast(_three(60, 40), ["median"])
    item = result.models["median"].issues["x"]
    assert item.value == 100.0  # c's capability carries the weighted median
    assert item.in_zone is False
    assert item.rejected_by == ("a",)
    assert result.models["median"].rejected_by == ("a",)
    assert result.to_json()["models"]["median"]["issues"]["x"]["rejected_by"] == ["a"]


def test_crossing_red_lines_give_an_empty_zone_a_gap_and_both_one_sided_openings() -> None:
    result = zone(_three(30, 70))
    assert not result.feasible
    item = result.issues["x"]
    assert item.low is None and item.high is None
    assert item.gap == pytest.approx(40.0)
    assert set(item.blocking) == {"a", "b"}
    moves = {(step.actor, step.start, step.end) for step in result.opening}
    assert moves == {("b", 70.0, 30.0), ("a", 30.0, 70.0)}
    text = result.verdict()
    assert "gap 40" in text and "B must move its red line to ≤ 30" in text


def test_opening_with_two_floors_moves_both_and_the_joint_option_is_the_least_total() -> None:
    scenario = parse(
        {
            "id": "three",
            "title": "three",
            "issues": [{"id": "x", "name": "X", "min": 0, "max": 100}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "party": True,
                    "capability": 1,
                    "positions": {"x": 0},
                    "salience": {"x": 50},
                    "red_line": {"x": 30},
                },
                {
                    "id": "b",
                    "name": "B",
                    "party": True,
                    "capability": 1,
                    "positions": {"x": 100},
                    "salience": {"x": 50},
                    "red_line": {"x": 50},
                },
                {
                    "id": "c",
                    "name": "C",
                    "party": True,
                    "capability": 1,
                    "positions": {"x": 100},
                    "salience": {"x": 50},
                    "red_line": {"x": 60},
                },
            ],
        },
        "three",
    )
    result = zone(scenario)
    options: dict[str, set[tuple[str, float]]] = {}
    for step in result.opening:
        options.setdefault(step.option, set()).add((step.actor, step.end))
    assert options["floors yield"] == {("b", 30.0), ("c", 30.0)}
    assert options["ceilings yield"] == {("a", 60.0)}
    # Least total movement: meet at 50 (a moves 20, c moves 10: 30 < 50 and < 30 + tie).
    assert sum(abs(s.end - s.start) for s in result.opening if s.option == "both yield") <= 30.0


def test_conditions_act_as_red_lines_and_are_named_as_conditions() -> None:
    data = {
        "id": "cond",
        "title": "cond",
        "issues": [{"id": "x", "name": "X", "min": 0, "max": 100}],
        "actors": [
            {
                "id": "r",
                "name": "R",
                "party": True,
                "capability": 1,
                "positions": {"x": 100},
                "salience": {"x": 50},
                "requires": [{"issue": "x", "at_least": 95}],
            },
            {
                "id": "u",
                "name": "U",
                "party": True,
                "capability": 1,
                "positions": {"x": 0},
                "salience": {"x": 50},
                "red_line": {"x": 25},
            },
        ],
    }
    result = zone(parse(data, "cond"))
    assert not result.feasible
    assert result.issues["x"].gap == pytest.approx(70.0)
    whats = {(step.actor, step.what) for step in result.opening}
    assert whats == {("r", "condition"), ("u", "red line")}


def test_two_issues_with_a_no_deal_utility_condition_match_the_hand_solution() -> None:
    # A accepts x only if U_A(x) = 1 - (x + y)/200 >= U_A(0, 0) - 0.20 = 0.80: x + y <= 40.
    # B's red line: x >= 30. So x in [30, 40] and y in [0, 10].
    scenario = accord.load(DATA / "two-issues-no-deal.yaml")
    problem = compile(scenario)
    assert no_deal_utility(problem)[0, 0] == pytest.approx(0.8)
    assert np.isnan(no_deal_utility(problem)[0, 1])
    result = zone(scenario)
    assert result.feasible
    assert (result.issues["x"].low, result.issues["x"].high) == pytest.approx((30.0, 40.0))
    assert (result.issues["y"].low, result.issues["y"].high) == pytest.approx((0.0, 10.0))
    inside = problem.to_unit_scale([[35.0, 5.0]])
    outside = problem.to_unit_scale([[35.0, 10.0]])
    assert accepted(problem, inside).all()
    assert not accepted(problem, outside)[0, 0]


def test_no_deal_condition_alone_can_close_the_zone_and_reports_the_shortfall() -> None:
    # B now also needs y >= 30: x + y >= 60 > 40, so A would have to give up (60-40)/2 = 10 points.
    data = accord.load(DATA / "two-issues-no-deal.yaml").model_dump(mode="json", by_alias=True)
    data["actors"][1]["red_line"] = {"x": 30, "y": 30}
    result = zone(parse(data, "shortfall"))
    assert not result.feasible
    assert all(item.gap is None for item in result.issues.values())
    assert result.utility_blockers == {"a": pytest.approx(10.0)}
    assert "10.0 points" in result.verdict()


def test_draws_give_the_share_of_draws_with_a_zone() -> None:
    data = _three(60, 40).model_dump(mode="json", by_alias=True)
    data["actors"][0]["red_line"] = {"x": {"low": 30, "high": 60}}  # zone open iff a's >= 40
    result = zone(parse(data, "ranged"), draws=4000, seed=3)
    assert result.probability == pytest.approx(2 / 3, abs=0.03)
    assert result.issues["x"].high_range is not None


def test_red_line_side_follows_the_position_and_walk_away_still_loads() -> None:
    problem = Problem.from_arrays(
        [1.0, 1.0], [[0.2], [0.9]], [[1.0], [1.0]], red_line=[[0.6], [0.4]], party=[True, True]
    )
    low, high = bounds(problem)
    assert low[0, :, 0].tolist() == [0.0, 0.4] and high[0, :, 0].tolist() == [0.6, 1.0]
    data = _three(60, 40).model_dump(mode="json", by_alias=True)
    data["actors"][0]["walk_away"] = data["actors"][0].pop("red_line")
    with pytest.warns(accord.scenario.schema.ScenarioNotice, match="walk_away is deprecated"):
        old = parse(data, "old")
    assert old.actor("a").red_line["x"].point == 60


def test_ukraine_on_2_december_opens_with_russia_blocking_donbas() -> None:
    result = forecast(accord.load("ukraine-2025"), ["median", "eum"])
    assert result.zone is not None and not result.zone.feasible
    assert "russia" in result.zone.issues["donbas"].blocking
    first = result.zone.verdict_lines()
    assert any("Donbas" in line and "Russia" in line for line in first)
    for model in result.models.values():
        assert model.issues["donbas"].in_zone is False


def test_cli_zone_json_and_forecast_csv_carry_the_zone(tmp_path: Path) -> None:
    accord_bin = str(Path(sys.executable).with_name("accord"))
    path = tmp_path / "hand.yaml"
    path.write_text((DATA / "three-actors.yaml").read_text())
    out = subprocess.run(
        [accord_bin, "zone", str(path), "-f", "json", "--no-record"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert data["issues"]["x"]["low"] == 40.0 and data["feasible"] is True
    table = subprocess.run(
        [accord_bin, "forecast", str(path), "-m", "median", "--no-record"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert table.stdout.startswith("Zone of agreement:")
    assert "✗ A" in table.stdout
    rows = subprocess.run(
        [accord_bin, "forecast", str(path), "-m", "median", "-f", "csv", "--no-record"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    header = rows[0].split(",")
    assert {"in_zone", "rejected_by", "converged", "kind", "no_deal"} <= set(header)
    values = dict(zip(header, rows[1].split(","), strict=True))
    assert values["in_zone"] == "false" and values["rejected_by"] == "a"


@pytest.mark.parametrize("name", ["compromise", "median", "eum", "smp"])
def test_within_zone_keeps_collective_choice_models_inside_the_red_lines(name: str) -> None:
    scenario = _three(60, 40)
    free = forecast(scenario, [accord.get_model(name)]).models[name].issues["x"].value
    held = next(
        iter(forecast(scenario, [accord.get_model(name, within_zone=True)]).models.values())
    )
    assert 40.0 - 1e-9 <= held.issues["x"].value <= 60.0 + 1e-9
    assert held.in_zone and held.rejected_by == ()
    if name == "median":
        assert free == 100.0 and held.issues["x"].value == 60.0


def test_within_zone_leaves_an_issue_with_an_empty_zone_unrestricted() -> None:
    scenario = _three(30, 70)
    free = forecast(scenario, ["compromise"]).models["compromise"].issues["x"].value
    model = accord.get_model("compromise", within_zone=True)
    held = next(iter(forecast(scenario, [model]).models.values()))
    assert held.issues["x"].value == pytest.approx(free)
    assert held.outcome.diagnostics["zone_open"].tolist() == [[False]]


def test_convert_rewrites_walk_away_as_red_line_and_keeps_no_deal_aliases(tmp_path: Path) -> None:
    data = accord.load(DATA / "two-issues-no-deal.yaml").model_dump(mode="json", by_alias=True)
    data["actors"][1]["walk_away"] = data["actors"][1].pop("red_line")
    data["no_deal"]["actors"]["b"] = {"cost": 5}
    source = tmp_path / "old.yaml"
    source.write_text(json.dumps(data))
    accord_bin = str(Path(sys.executable).with_name("accord"))
    run = subprocess.run(
        [accord_bin, "convert", str(source), str(tmp_path / "new.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stderr.count("walk_away is deprecated") == 1
    text = (tmp_path / "new.yaml").read_text()
    assert "red_line:" in text and "walk_away" not in text
    again = accord.load(tmp_path / "new.yaml")
    assert again.actor("b").red_line["x"].point == 30
    assert again.no_deal is not None and again.no_deal.actors["b"].cost is not None


def test_no_deal_from_war_needs_a_war_block() -> None:
    data = accord.load(DATA / "two-issues-no-deal.yaml").model_dump(mode="json", by_alias=True)
    data["no_deal"]["actors"]["b"] = {"from": "war"}
    with pytest.raises(accord.InputError, match="from: war needs the scenario's war block"):
        parse(data, "nowar")


def test_draws_with_no_deal_conditions_give_a_share_and_a_spread() -> None:
    data = accord.load(DATA / "two-issues-no-deal.yaml").model_dump(mode="json", by_alias=True)
    # A's cost of no deal 0-40 points: x + y <= 2 cost, and B needs x >= 30, so the zone is
    # open iff cost >= 15: in 25 of 40 points of the range.
    data["no_deal"]["actors"]["a"] = {"cost": {"low": 0, "high": 40, "estimate": True}}
    result = zone(parse(data, "ranged"), draws=400, seed=5)
    assert result.probability == pytest.approx(25 / 40, abs=0.07)
    assert result.issues["x"].low_range == pytest.approx((30.0, 30.0))
    high = result.issues["x"].high_range
    assert high is not None and 30.0 < high[0] < high[1] <= 80.0
    assert "what they accept confines it to X" in result.verdict()


def test_a_compiled_problem_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    import accord.analysis.zone as module

    case = _three(40, 60)
    expected = zone(case).to_json()
    problem = compile(case)

    def no_compiling(*_: object, **__: object) -> Problem:
        raise AssertionError("compiled the scenario again")

    monkeypatch.setattr(module, "compile", no_compiling)
    assert zone(case, problem=problem).to_json() == expected
    assert forecast(case, ["median"]).zone is not None
