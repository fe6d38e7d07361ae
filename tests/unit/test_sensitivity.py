"""Sensitivity: Sobol' on Ishigami (analytic indices), Morris on a linear function, the design
against SALib's own sampler, and scenario inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from SALib.sample import sobol as salib_sobol  # type: ignore[import-untyped]
from scipy.stats import qmc, triang

from accord.analysis.sensitivity import (
    Input,
    ScenarioFunction,
    analyse,
    group_names,
    inputs,
    inverse_cdf,
    saltelli_rows,
    sensitivity,
)
from accord.errors import InputError
from accord.models.base import get_model
from accord.scenario import compile, parse
from accord.scenario.schema import Scenario

# Ishigami & Homma (1990) with a = 7, b = 0.1 on [-pi, pi]^3; analytic indices as tabulated in
# SALib's test_functions/Ishigami.py and Saltelli et al. (2008), Global Sensitivity Analysis.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
SALIB_TOLERANCE = 5e-2  # the absolute tolerance of SALib's own Ishigami regression test


def ishigami(x: np.ndarray) -> np.ndarray:
    return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))[
        :, None
    ]


def uniform_inputs(names: str, low: float, high: float) -> list[Input]:
    return [Input(name, "x", None, None, low, high, None, (low + high) / 2) for name in names]


def test_sobol_on_ishigami_matches_the_analytic_indices() -> None:
    result = analyse(
        ishigami, uniform_inputs("abc", -math.pi, math.pi), ["y"], samples=4096, seed=1
    )
    found = {index.name: index.values for index in result.outputs["y"].indices}
    for name, first, total in zip("abc", ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        assert found[name]["S1"] == pytest.approx(first, abs=SALIB_TOLERANCE)
        assert found[name]["ST"] == pytest.approx(total, abs=SALIB_TOLERANCE)
        assert 0 < found[name]["ST_conf"] < 0.1
    assert [index.name for index in result.outputs["y"].indices] == ["a", "b", "c"]  # by ST
    assert result.evaluations == 4096 * 5


def test_sobol_groups_add_up_for_an_additive_function() -> None:
    # y = x1 + x2 + 2 x3 on [0, 1]: variances 1, 1, 4 (/12); group {x1, x2} explains 2/6.
    def additive(x: np.ndarray) -> np.ndarray:
        return (x[:, 0] + x[:, 1] + 2 * x[:, 2])[:, None]

    result = analyse(
        additive, uniform_inputs("pqr", 0, 1), ["y"], samples=2048, groups=["g", "g", "h"], seed=2
    )
    found = {index.name: index for index in result.outputs["y"].indices}
    assert found["g"].members == ("p", "q")
    assert found["g"].values["ST"] == pytest.approx(1 / 3, abs=0.03)
    assert found["h"].values["S1"] == pytest.approx(2 / 3, abs=0.03)
    assert result.evaluations == 2048 * 4


def test_morris_recovers_linear_effects_exactly() -> None:
    # y = 3 p - 2 q on p in [0, 2], q in [10, 11]: moving across the range changes y by 6 and -2.
    def linear(x: np.ndarray) -> np.ndarray:
        return (3 * x[:, 0] - 2 * x[:, 1])[:, None]

    items = [
        Input("p", "x", None, None, 0, 2, None, 1),
        Input("q", "x", None, None, 10, 11, None, 10.5),
    ]
    result = analyse(linear, items, ["y"], method="morris", samples=20, seed=4)
    found = {index.name: index.values for index in result.outputs["y"].indices}
    assert found["p"]["mu_star"] == pytest.approx(6.0)
    assert found["p"]["mu"] == pytest.approx(6.0)
    assert found["q"]["mu"] == pytest.approx(-2.0)
    assert found["p"]["sigma"] == pytest.approx(0.0, abs=1e-9)
    swings = {swing.name: swing for swing in result.outputs["y"].tornado}
    assert swings["p"].at_high - swings["p"].at_low == pytest.approx(6.0)


@pytest.mark.parametrize("groups", [None, ["g1", "g2", "g1", "g3", "g2"]])
def test_saltelli_rows_equal_salib_sampler(groups: list[str] | None) -> None:
    problem = {"num_vars": 5, "names": list("abcde"), "bounds": [[0, 1]] * 5}
    if groups:
        problem["groups"] = groups
    expected = salib_sobol.sample(problem, 32, calc_second_order=False, seed=5)
    base = qmc.Sobol(d=10, scramble=True, seed=5).random(32)
    order = list(dict.fromkeys(groups)) if groups else list("abcde")
    group_of = np.array([order.index(g) for g in (groups or list("abcde"))])
    assert np.array_equal(saltelli_rows(base[:, :5], base[:, 5:], group_of, len(order)), expected)


def test_inverse_cdf_matches_scipy() -> None:
    unit = np.linspace(0, 1, 101)
    assert np.allclose(inverse_cdf(unit, 2, 6, None), 2 + 4 * unit)
    expected = triang(c=0.25, loc=2, scale=4).ppf(unit)
    assert np.allclose(inverse_cdf(unit, 2, 6, 3), expected)


def toy() -> Scenario:
    return parse(
        {
            "id": "toy",
            "title": "Toy",
            "issues": [
                {
                    "id": "x",
                    "name": "X",
                    "min": 0,
                    "max": 100,
                    "status_quo": [10, 20],
                    "outcome": [40, 50],
                },
                {"id": "y", "name": "Y", "min": 0, "max": 10},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "positions": {"x": [0, 40], "y": 2},
                    "salience": {"x": 50, "y": 50},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": {"low": 1, "mode": 2, "high": 4},
                    "positions": {"x": 100, "y": 2},
                    "salience": {"x": [40, 60], "y": 50},
                    "walk_away": {"x": [50, 70]},
                },
            ],
        },
        "toy",
    )


def test_inputs_are_the_ranged_model_inputs_named_like_set_paths() -> None:
    found = inputs(toy())
    assert [item.name for item in found] == [
        "issue.x.status_quo",
        "a.position.x",
        "b.capability",
        "b.salience.x",
        "b.red_line.x",
    ]
    assert [item.kind for item in found] == [
        "status_quo",
        "position",
        "capability",
        "salience",
        "red_line",
    ]
    assert found[2].mode == 2 and found[1].mode is None
    assert group_names(found, "actor") == ["status quo", "a", "b", "b", "b"]
    assert group_names(found, "kind") == [item.kind for item in found]
    assert group_names(found, "none") is None


def test_scenario_function_at_point_values_is_the_point_forecast() -> None:
    scenario = toy()
    for name in ("compromise", "median", "nash"):
        model = get_model(name)
        items = inputs(scenario)
        function = ScenarioFunction.build(scenario, model, items)
        points = np.array([[item.point for item in items]])
        problem = compile(scenario)
        expected = problem.to_units(model.run(problem).settlement)
        assert np.allclose(function(points), expected, atol=1e-12)


def test_an_issue_no_input_moves_has_zero_indices_and_inputs_that_do_not_matter_rank_last() -> None:
    result = sensitivity(toy(), get_model("compromise"), samples=256, seed=3)
    assert result.outputs["y"].variance == 0
    assert all(
        value == 0 for index in result.outputs["y"].indices for value in index.values.values()
    )
    ranked = [index.name for index in result.outputs["x"].indices]
    # compromise ignores walk-away points and the status quo: they cannot explain anything.
    assert set(ranked[-2:]) == {"b.red_line.x", "issue.x.status_quo"}
    total = {index.name: index.values["ST"] for index in result.outputs["x"].indices}
    assert total["b.red_line.x"] == pytest.approx(0, abs=1e-12)
    assert total["a.position.x"] > 0.3
    data = result.to_json()
    assert data["model"] == "compromise" and data["ranked_by"] == "ST"
    assert (
        data["outputs"]["x"]["tornado"][0]["width"] >= data["outputs"]["x"]["tornado"][-1]["width"]
    )


def test_same_seed_same_indices() -> None:
    first = sensitivity(toy(), get_model("compromise"), samples=64, seed=7).to_json()
    assert sensitivity(toy(), get_model("compromise"), samples=64, seed=7).to_json() == first
    assert sensitivity(toy(), get_model("compromise"), samples=64, seed=8).to_json() != first


def test_bad_requests_are_input_errors() -> None:
    with pytest.raises(InputError, match="not a power of two"):
        sensitivity(toy(), get_model("compromise"), samples=100)
    with pytest.raises(InputError, match="at least 2"):
        sensitivity(toy(), get_model("compromise"), method="morris", samples=1)
    with pytest.raises(InputError, match="no ranged inputs"):
        analyse(ishigami, [], ["y"])
