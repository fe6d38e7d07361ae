"""The built-in scenarios: all load, all numbers carry their evidence."""

from __future__ import annotations

import pytest

from accord.scenario import builtin_ids, load
from accord.scenario.checks import unsourced


def test_builtins_include_the_required_cases() -> None:
    ids = builtin_ids()
    assert ids[0] == "ukraine-2025"
    for required in ("emission-1994", "dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy"):
        assert required in ids


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_every_number_is_sourced_or_a_ranged_estimate(scenario_id: str) -> None:
    assert unsourced(load(scenario_id)) == []


def test_unsourced_detects_bare_numbers() -> None:
    from accord.scenario import parse

    data = {
        "id": "bare",
        "title": "bare",
        "issues": [{"id": "x", "name": "x", "min": 0, "max": 1}],
        "actors": [
            {
                "id": "a",
                "name": "a",
                "capability": {"value": 1, "estimate": True},
                "positions": {"x": 0.5},
                "salience": {"x": {"low": 1, "high": 2, "estimate": True}},
            }
        ],
    }
    problems = unsourced(parse(data, "bare"))
    assert [p.path for p in problems] == [
        ("actors", 0, "capability"),
        ("actors", 0, "positions", "x"),
    ]
    assert "no range" in problems[0].message


def test_emission_outcome_is_known() -> None:
    outcome = load("emission-1994").issues[0].outcome
    assert outcome is not None and outcome.point == pytest.approx(8.833)
