"""Nash, ``deal`` and ``simulate`` never accept a point outside a veto player's red lines.

Scenarios are generated with red lines (either side of a position), conditions (``requires``),
parties, ``veto: true`` actors and, sometimes, a ``no_deal`` block with costs; each analysis is
then checked against :mod:`accord.scenario.acceptance`, the one rule they all share.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from accord.dynamics.deal import deal_from_values, evaluate
from accord.dynamics.talks import simulate
from accord.models.nash import NashModel
from accord.scenario import compile, parse
from accord.scenario.acceptance import TOLERANCE, accepted, bounds
from accord.scenario.compile import FloatArray, Problem
from accord.scenario.schema import Scenario

#: Slack on the unit scale: the solvers land on a red line to ~1e-10.
SLACK = 1e-7


@st.composite
def scenarios(draw: st.DrawFn, max_actors: int = 4, max_issues: int = 2) -> Scenario:
    """A scenario on 0-100 scales with red lines, conditions, veto players and no deal."""
    actors = draw(st.integers(2, max_actors))
    issues = draw(st.integers(1, max_issues))
    grid = st.sampled_from([0.0, 10.0, 25.0, 40.0, 50.0, 60.0, 75.0, 90.0, 100.0])
    value = st.one_of(grid, st.floats(0.0, 100.0, allow_nan=False))
    parties = draw(st.lists(st.booleans(), min_size=actors, max_size=actors))
    parties[draw(st.integers(0, actors - 1))] = True
    issue_ids = [f"i{d}" for d in range(issues)]
    entries: list[dict[str, Any]] = []
    for a in range(actors):
        positions = {issue: draw(value) for issue in issue_ids}
        red_line = {issue: draw(value) for issue in issue_ids if draw(st.integers(0, 2)) == 0}
        requires = []
        if draw(st.integers(0, 4)) == 0:
            side = draw(st.sampled_from(["at_least", "at_most"]))
            requires.append({"issue": draw(st.sampled_from(issue_ids)), side: draw(value)})
        entries.append(
            {
                "id": f"a{a}",
                "name": f"a{a}",
                "capability": draw(st.floats(0.5, 10.0)),
                "positions": positions,
                "salience": {issue: draw(st.floats(5.0, 100.0)) for issue in issue_ids},
                "red_line": red_line,
                "requires": requires,
                "party": parties[a],
                "veto": not parties[a] and draw(st.integers(0, 3)) == 0,
            }
        )
    data: dict[str, Any] = {
        "id": "generated",
        "title": "generated",
        "issues": [
            {"id": issue, "name": issue, "min": 0, "max": 100, "status_quo": draw(value)}
            for issue in issue_ids
        ],
        "actors": entries,
    }
    if draw(st.booleans()):
        data["no_deal"] = {
            "actors": {
                f"a{a}": {"cost": draw(st.floats(0.0, 30.0))}
                for a in range(actors)
                if draw(st.booleans())
            }
        }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse(data, "generated")


def _inside_veto_boxes(problem: Problem, outcome: FloatArray) -> np.ndarray:
    """``[B]`` whether ``outcome`` ``[B, I]`` keeps every veto player's red lines/conditions."""
    low, high = bounds(problem)
    veto = problem.veto_players
    point = outcome[:, None, :]
    kept = (point >= low - SLACK) & (point <= high + SLACK)
    return np.asarray(kept[:, veto].all(axis=(1, 2)))


@given(scenario=scenarios())
def test_nash_feasible_means_every_constrained_actor_accepts(scenario: Scenario) -> None:
    problem = compile(scenario)
    outcome = NashModel().run(problem)
    feasible = np.asarray(outcome.trace["feasible"])
    settlement = outcome.settlement
    constrained = np.asarray(outcome.trace["constrained"])
    assert np.all(_inside_veto_boxes(problem, settlement)[feasible])
    assert np.all(accepted(problem, settlement)[feasible][:, constrained])
    # An empty intersection of boxes is never feasible, and someone is named for it.
    empty = np.asarray(outcome.trace["empty"]).any(axis=-1)
    assert not np.any(feasible & empty)
    assert np.all(np.asarray(outcome.trace["blocked_by"])[~feasible].any(axis=-1))


@given(scenario=scenarios(), terms=st.lists(st.floats(0.0, 100.0), min_size=2, max_size=2))
def test_deal_accepts_only_inside_red_lines(scenario: Scenario, terms: list[float]) -> None:
    values = {issue.id: terms[d] for d, issue in enumerate(scenario.issues)}
    deal = deal_from_values(scenario, values, deal_id="generated", title="generated")
    valuation = evaluate(scenario, deal)
    problem = valuation.problem
    low, high = bounds(problem)
    point = valuation.terms[:, None, :]
    broken = ((point < low - TOLERANCE) | (point > high + TOLERANCE)).any(axis=-1)
    assert not np.any(valuation.accepts & broken)
    data = valuation.to_json()
    for a, actor_id in enumerate(problem.actor_ids):
        assert data["actors"][actor_id]["red_lines_kept"] == (not broken[:, a].any())
        if broken[:, a].all():
            assert data["actors"][actor_id]["accepts"] == 0.0


@given(scenario=scenarios(), protocol=st.sampled_from(["mediator", "sao"]), seed=st.integers(0, 9))
def test_simulated_agreements_keep_every_veto_players_red_lines(
    scenario: Scenario, protocol: Any, seed: int
) -> None:
    result = simulate(scenario, runs=16, deadline=8, protocol=protocol, rng=seed)
    agreed = result.talks.agreed
    if agreed.any():
        problem = result.problem
        inside = _inside_veto_boxes(problem, result.talks.terms)
        assert np.all(inside[agreed])
