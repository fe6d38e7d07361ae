from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accord.errors import InputError
from accord.scenario import as_of, compile, parse
from accord.scenario.compile import Problem, label_for

DATA = {
    "id": "toy",
    "title": "toy",
    "base_date": "2025-01-01",
    "as_of": "2025-02-01",
    "sources": [{"id": "s", "title": "s"}],
    "issues": [
        {
            "id": "x",
            "name": "X",
            "min": 10,
            "max": 20,
            "status_quo": 12,
            "anchors": [
                {"value": 10, "label": "low"},
                {"value": 15, "label": "middle"},
                {"value": 20, "label": "high"},
            ],
        },
        {"id": "y", "name": "Y", "min": 0, "max": 1},
    ],
    "actors": [
        {
            "id": "a",
            "name": "A",
            "party": True,
            "capability": {"low": 1, "high": 3},
            "positions": {"x": 10, "y": {"low": 0.2, "mode": 0.3, "high": 0.9}},
            "salience": {"x": 100, "y": 50},
            "walk_away": {"x": 14},
        },
        {
            "id": "b",
            "name": "B",
            "capability": 1,
            "positions": {"x": 20, "y": 1},
            "salience": {"x": 50, "y": 50},
        },
    ],
    "updates": [
        {"date": "2025-03-01", "event": "later", "changes": {"b.position.x": 12}},
        {
            "date": "2025-01-15",
            "event": "earlier",
            "changes": {"b.position.x": 18, "a.capability": 5, "issue.x.status_quo": 11},
        },
    ],
}


def test_point_compile_scales_to_unit_interval() -> None:
    problem = compile(parse(DATA, "toy"))
    assert problem.draws == 1
    assert problem.as_of == dt.date(2025, 2, 1)
    assert problem.capability.tolist() == [[5.0, 1.0]]  # earlier update applied
    assert np.allclose(problem.position[0, :, 0], [0.0, 0.8])  # 18 on [10, 20]
    assert np.allclose(problem.position[0, 0, 1], 0.3)  # mode is the point value
    assert np.allclose(problem.salience[0, :, 0], [1.0, 0.5])
    assert np.allclose(problem.walk_away[0, 0, 0], 0.4)
    assert np.isnan(problem.walk_away[0, 1]).all()
    assert np.allclose(problem.status_quo[0], [0.1, np.nan], equal_nan=True)
    assert problem.party.tolist() == [True, False]
    assert np.allclose(problem.to_units(problem.position[0]), [[10, 0.3], [18, 1]])


def test_updates_apply_in_date_order_up_to_the_date() -> None:
    scenario = parse(DATA, "toy")
    assert compile(scenario, date=dt.date(2025, 1, 10)).capability[0, 0] == 2.0
    late = as_of(scenario, dt.date(2025, 4, 1))
    assert late.actor("b").positions["x"].point == 12
    assert late.issue("x").status_quo is not None and late.issue("x").status_quo.point == 11


def test_date_before_base_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="before the scenario's base date"):
        compile(parse(DATA, "toy"), date=dt.date(2024, 1, 1))


def test_sampling_respects_ranges_and_distributions() -> None:
    problem = compile(parse(DATA, "toy"), date=dt.date(2025, 1, 10), draws=20000, rng=3)
    capability = problem.capability[:, 0]
    assert capability.min() >= 1 and capability.max() <= 3
    assert capability.mean() == pytest.approx(2.0, abs=0.02)  # uniform on [1, 3]
    y = problem.position[:, 0, 1]
    # triangular(0.2, 0.3, 0.9): mean (0.2 + 0.3 + 0.9) / 3
    assert y.min() >= 0.2 and y.max() <= 0.9
    assert y.mean() == pytest.approx(1.4 / 3, abs=0.005)
    assert np.all(problem.capability[:, 1] == 1.0)  # point values are not sampled


def test_sampling_is_reproducible() -> None:
    scenario = parse(DATA, "toy")
    first = compile(scenario, draws=50, rng=11)
    second = compile(scenario, draws=50, rng=11)
    assert np.array_equal(first.position, second.position)
    assert not np.array_equal(first.position, compile(scenario, draws=50, rng=12).position)


def test_arrays_are_read_only_and_take_selects_draws() -> None:
    problem = compile(parse(DATA, "toy"), draws=10, rng=1)
    with pytest.raises(ValueError):
        problem.position[0, 0, 0] = 1.0
    part = problem.take(slice(2, 5))
    assert part.draws == 3
    assert np.array_equal(part.position, problem.position[2:5])


def test_draws_must_be_positive() -> None:
    with pytest.raises(InputError, match="draws must be at least 1"):
        compile(parse(DATA, "toy"), draws=0)


def test_nearest_anchor_label() -> None:
    issue = parse(DATA, "toy").issue("x")
    assert label_for(issue, 11) == "low"
    assert label_for(issue, 16) == "middle"
    assert label_for(issue, 17.5) == "middle"  # ties go to the lower anchor
    assert label_for(parse(DATA, "toy").issue("y"), 0.5) == ""


def test_from_arrays_adds_the_draw_axis() -> None:
    problem = Problem.from_arrays([1, 2], [[0.1], [0.9]], [[1.0], [0.5]])
    assert problem.position.shape == (1, 2, 1)
    assert problem.capability.shape == (1, 2)
