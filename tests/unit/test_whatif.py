"""What-if changes: parsing, overlay files, validation, and order of application."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from accord.analysis import whatif
from accord.errors import InputError
from accord.scenario import compile, load, parse
from accord.scenario.schema import Scenario


def dated() -> Scenario:
    """A scenario whose update moves b's position on x on 2025-01-10."""
    return parse(
        {
            "id": "dated",
            "title": "Dated",
            "base_date": "2025-01-01",
            "issues": [{"id": "x", "name": "X", "min": 0, "max": 100}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "positions": {"x": 0},
                    "salience": {"x": 50},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "positions": {"x": 100},
                    "salience": {"x": 50},
                },
            ],
            "updates": [
                {"date": "2025-01-10", "event": "b softens", "changes": {"b.position.x": 60}}
            ],
        },
        "dated",
    )


def test_parse_set_reads_values_ranges_and_triangles() -> None:
    assert whatif.parse_set("a.position.x=40").number.point == 40
    ranged = whatif.parse_set("a.position.x=[30, 50]").number
    assert ranged.bounds() == (30, 50) and ranged.is_ranged
    triangle = whatif.parse_set("a.salience.x={low: 10, mode: 20, high: 60}").number
    assert (triangle.low, triangle.mode, triangle.high) == (10, 20, 60)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a.position.x", "is not PATH=VALUE"),
        ("=3", "is not PATH=VALUE"),
        ("a.position.x=[1", "cannot read the value"),
        ("a.position.x=[5, 1]", "low 5.0 > high 1.0"),
        ("a.position.x=text", "'text' is not a number"),
    ],
)
def test_bad_set_options_name_the_option(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        whatif.parse_set(text)
    assert caught.value.file == "--set"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c.position.x=3", "unknown actor id 'c'"),
        ("a.positon.x=3", "unknown field 'positon'"),
        ("a.position.z=3", "unknown issue id 'z'"),
        ("a.salience.x=120", "salience 120 is outside the scale"),
        ("a.position.x=[-10, 10]", "position -10 is outside the scale"),
        ("a.capability=-1", "capability must not be negative"),
    ],
)
def test_changes_are_checked_against_the_scenario(text: str, message: str) -> None:
    current = whatif.current(dated())
    with pytest.raises(InputError, match=message) as caught:
        whatif.apply(current, [whatif.parse_set(text)])
    assert caught.value.file == "--set"


def test_changes_apply_after_the_dated_updates_as_of_the_date() -> None:
    scenario = dated()
    late = whatif.current(scenario, dt.date(2025, 2, 1))
    early = whatif.current(scenario, dt.date(2025, 1, 5))
    assert late.actor("b").positions["x"].point == 60
    assert early.actor("b").positions["x"].point == 100
    change = [whatif.parse_set("b.position.x=80")]
    assert whatif.apply(late, change).actor("b").positions["x"].point == 80
    assert whatif.apply(early, change).actor("b").positions["x"].point == 80
    assert whatif.apply(late, change).as_of == dt.date(2025, 2, 1)


def test_current_compiles_like_the_scenario_as_of_its_date() -> None:
    scenario = load("ukraine-2025")
    date = dt.date(2025, 11, 25)
    current = whatif.current(scenario, date)
    assert current.updates == []
    direct, via = compile(scenario, date=date), compile(current)
    for name in ("capability", "position", "salience", "walk_away", "status_quo"):
        assert np.array_equal(getattr(direct, name), getattr(via, name), equal_nan=True)
    assert direct.as_of == via.as_of == date


def test_later_changes_win_and_set_follows_overlay(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("event: test\nchanges:\n  a.position.x: 10\n  b.capability: 3\n")
    changes = whatif.gather(["a.position.x=20"], overlay)
    applied = whatif.apply(whatif.current(dated()), changes)
    assert applied.actor("a").positions["x"].point == 20
    assert applied.actor("b").capability.point == 3


def test_overlay_errors_give_the_file_and_line(tmp_path: Path) -> None:
    overlay = tmp_path / "bad.yaml"
    overlay.write_text("changes:\n  a.position.x: 10\n  a.salience.x: 500\n")
    changes = whatif.read_overlay(overlay)
    assert [change.line for change in changes] == [2, 3]
    with pytest.raises(InputError) as caught:
        whatif.apply(whatif.current(dated()), changes)
    assert caught.value.file == str(overlay)
    assert caught.value.problems[0].line == 3
    assert f"{overlay}:3" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("changes: {}\n", "non-empty mapping"),
        ("- a\n", "a mapping with a 'changes' entry"),
        ("changes:\n  a.position.x: 1\nextra: 2\n", "unknown field 'extra'"),
        ("changes:\n  a.position.x: [1\n", "YAML syntax error"),
        ("changes:\n  a.position.x: [3, 1]\n", "low 3.0 > high 1.0"),
    ],
)
def test_malformed_overlays_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(text)
    with pytest.raises(InputError, match=message):
        whatif.read_overlay(overlay)


def test_missing_overlay_file() -> None:
    with pytest.raises(InputError, match="no such overlay file"):
        whatif.read_overlay("/nonexistent/overlay.yaml")


def test_json_round_trip_and_difference() -> None:
    changes = [whatif.parse_set("a.position.x=[10, 30]"), whatif.parse_set("b.capability=2")]
    data = whatif.to_json(changes)
    assert data == {"a.position.x": {"low": 10.0, "high": 30.0}, "b.capability": {"value": 2.0}}
    again = whatif.from_json(data)
    assert [change.number for change in again] == [change.number for change in changes]
    difference = whatif.difference({"m": {"x": 40.0}}, {"m": {"x": 45.5}})
    assert difference == {"m": {"x": {"baseline": 40.0, "value": 45.5, "change": 5.5}}}
