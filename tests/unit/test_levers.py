"""Levers: the compromise model's closed forms against simulation, the objective, ranking."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis import whatif
from accord.analysis.levers import (
    Lever,
    apply_levers,
    candidates,
    compromise_shifts,
    levers,
    score,
    simulated_shifts,
)
from accord.errors import InputError
from accord.models.base import get_model
from accord.scenario import compile, load, parse
from accord.scenario.schema import Scenario

COMPROMISE = get_model("compromise")


def toy() -> Scenario:
    return parse(
        {
            "id": "toy",
            "title": "Toy",
            "issues": [
                {"id": "x", "name": "X", "min": 0, "max": 100},
                {"id": "y", "name": "Y", "min": 0, "max": 10},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 2,
                    "positions": {"x": 20, "y": 2},
                    "salience": {"x": 80, "y": 20},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 1,
                    "positions": {"x": 90, "y": 8},
                    "salience": {"x": 50, "y": 60},
                },
                {
                    "id": "c",
                    "name": "C",
                    "capability": 1,
                    "positions": {"x": 60, "y": 5},
                    "salience": {"x": 40, "y": 40},
                },
            ],
        },
        "toy",
    )


@pytest.mark.parametrize("actor", ["ukraine", "russia", "us"])
def test_compromise_closed_form_matches_simulation_on_ukraine(actor: str) -> None:
    problem = compile(whatif.current(load("ukraine-2025")))
    found = candidates(problem, actor)
    exact, covered = compromise_shifts(problem, found)
    _, simulated = simulated_shifts(COMPROMISE, problem, found)
    assert covered.all() and len(found) > 300
    assert np.max(np.abs(exact - simulated)) <= 1e-9


def test_closed_forms_by_hand() -> None:
    problem = compile(toy())
    # x: weights c*s = 2*.8, 1*.5, 1*.4 = 1.6, .5, .4 (W = 2.5); mean = (32 + 45 + 24)/2.5 = .404
    moved = compromise_shifts(problem, [Lever("b", "position", "x", -0.1)])[0]
    assert moved[0, 0] == pytest.approx(0.5 * -0.1 / 2.5)
    assert moved[0, 1] == 0
    louder = compromise_shifts(problem, [Lever("c", "salience", "x", 0.2)])[0]
    assert louder[0, 0] == pytest.approx(1 * 0.2 * (0.6 - 0.404) / (2.5 + 0.2))
    stronger = compromise_shifts(problem, [Lever("a", "capability", None, 0.5)])[0]
    assert stronger[0, 0] == pytest.approx(1.0 * 0.8 * (0.2 - 0.404) / (2.5 + 0.8))


def test_candidates_cover_own_moves_and_others_toward_the_actor() -> None:
    problem = compile(toy())
    found = candidates(problem, "a", step=10)
    own = [lever for lever in found if lever.actor == "a"]
    assert {(lever.kind, lever.issue, round(lever.change, 9)) for lever in own} >= {
        ("position", "x", -0.1),
        ("position", "x", 0.1),
        ("salience", "y", 0.1),
        ("capability", None, 0.1),
    }
    toward = [lever for lever in found if lever.actor == "b" and lever.kind == "position"]
    # b moves toward a's positions only: down on both issues, by at most the gap.
    assert sorted((lever.issue, round(lever.change, 9)) for lever in toward) == [
        ("x", -0.1),
        ("y", -0.1),
    ]
    with pytest.raises(InputError, match="unknown actor"):
        candidates(problem, "zz")
    with pytest.raises(InputError, match="--step"):
        candidates(problem, "a", step=0)


def test_apply_levers_changes_one_entry_per_row() -> None:
    problem = compile(toy())
    found = candidates(problem, "a")
    stacked = apply_levers(problem, found)
    assert stacked.draws == len(found) + 1
    for name in ("capability", "position", "salience"):
        assert np.array_equal(getattr(stacked, name)[0], getattr(problem, name)[0])
    changed = [
        int((stacked.position[k + 1] != problem.position[0]).sum())
        + int((stacked.salience[k + 1] != problem.salience[0]).sum())
        + int((stacked.capability[k + 1] != problem.capability[0]).sum())
        for k in range(len(found))
    ]
    assert changed == [1] * len(found)


def test_gain_and_cost_follow_the_documented_objective() -> None:
    problem = compile(toy())
    baseline = COMPROMISE.run(problem).settlement[0]
    own = Lever("a", "position", "x", -0.1)
    other = Lever("c", "position", "x", -0.1)
    shifts = compromise_shifts(problem, [own, other])[0]
    gain, cost = score(problem, "a", baseline, shifts, [own, other])
    weights = np.array([0.8, 0.2])
    before = np.abs(baseline - [0.2, 0.2])
    after = np.abs(baseline + shifts - [0.2, 0.2])
    assert gain == pytest.approx(100 * ((before - after) * weights).sum(axis=1) / weights.sum())
    assert cost[0] == pytest.approx(100 * 0.8 * 0.1 / 1.0)
    assert cost[1] == 0.0


def test_levers_are_ranked_by_net_gain_and_compromise_rows_are_closed_form() -> None:
    result = levers(toy(), [COMPROMISE, get_model("median")], "a")
    rows = result.models["compromise"].levers
    nets = [item.net for item in rows]
    assert nets == sorted(nets, reverse=True)
    assert {item.method for item in rows} == {"closed form"}
    assert {item.method for item in result.models["median"].levers} == {"simulation"}
    simulated = levers(toy(), [COMPROMISE], "a", exact=False).models["compromise"].levers
    by_path = {(item.lever.path, item.lever.change): item.gain for item in simulated}
    for item in rows:
        assert item.gain == pytest.approx(by_path[(item.lever.path, item.lever.change)], abs=1e-7)
    data = result.to_json()
    first = data["models"]["compromise"]["levers"][0]
    assert first["rank"] == 1 and first["net"] == pytest.approx(max(nets))
    assert data["models"]["compromise"]["baseline"]["x"] == pytest.approx(40.4)


def test_own_position_moves_never_pay_in_the_compromise_model() -> None:
    # Moving a's stated position by d shifts the mean by w_a d / W < d, and costs s d: net < 0.
    result = levers(toy(), [COMPROMISE], "a")
    own = [
        item
        for item in result.models["compromise"].levers
        if item.lever.actor == "a" and item.lever.kind == "position"
    ]
    assert own and all(item.net < 0 for item in own)


def test_actor_that_cares_about_nothing_is_an_input_error() -> None:
    scenario = toy()
    silent = scenario.actor("c").model_copy(
        update={
            "salience": {
                key: value.model_copy(update={"value": 0.0})
                for key, value in scenario.actor("c").salience.items()
            }
        }
    )
    changed = scenario.model_copy(
        update={"actors": [scenario.actors[0], scenario.actors[1], silent]}
    )
    with pytest.raises(InputError, match="zero salience"):
        levers(changed, [COMPROMISE], "c")
