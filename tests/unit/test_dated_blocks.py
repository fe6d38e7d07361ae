"""Dated updates of any number of a scenario's blocks; look-ahead checks on every base number."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from test_war import BASE

from accord.analysis.odds import odds
from accord.dynamics.deal import load_deal
from accord.dynamics.ratify import ratify
from accord.dynamics.war import analyse
from accord.errors import InputError
from accord.scenario import load, parse
from accord.scenario.checks import check, look_ahead
from accord.scenario.compile import as_of
from accord.scenario.paths import block_numbers, path_problem
from accord.scenario.schema import Scenario


def dated_front(**extra: Any) -> dict[str, Any]:
    """The small war of test_war with a base date and dated sources."""
    data = copy.deepcopy(BASE)
    data["base_date"] = "2025-01-01"
    data["sources"] = [
        {"id": "early", "title": "Known on the base date", "date": "2025-01-01"},
        {"id": "late", "title": "Published later", "date": "2025-03-01"},
    ]
    data.update(extra)
    return data


def test_every_block_number_has_a_dotted_path_by_id() -> None:
    paths = {dotted for dotted, _, _ in block_numbers(parse(dated_front(), "front"))}
    assert {"war.sides.a.cost", "war.sides.d.cost", "war.control.XX-01.held"} <= paths
    assert {"war.theatres.land.advance_share", "war.regimes.cut.cost_factor.d"} <= paths
    ukraine = load("ukraine-2025")
    for path in (
        "guarantees.horizon",
        "guarantees.terms.monitoring.hazard_ratio",
        "talks.rounds_per_month",
        "ratification.referendum.undecided",
    ):
        assert path_problem(path, ukraine) is None


def test_a_bad_block_path_names_the_update_and_the_valid_keys() -> None:
    data = dated_front()
    data["updates"] = [
        {"date": "2025-02-01", "event": "typo", "changes": {"war.sides.x.cost": 1}},
        {"date": "2025-02-02", "event": "not a number", "changes": {"war.sides.a": 1}},
        {"date": "2025-02-03", "event": "bad value", "changes": {"war.horizon": -1}},
    ]
    with pytest.raises(InputError):
        parse(data, "front")
    text = "\n".join(problem.message for problem in check(Scenario.model_validate(data)))
    assert "update of 2025-02-01" in text and "'x' after war.sides; use one of: a, d" in text
    assert "war.sides.a is not a number; continue with one of: cost" in text
    assert "update of 2025-02-03, war.horizon" in text


def test_block_updates_apply_from_their_date_and_actor_paths_still_work() -> None:
    data = dated_front()
    data["updates"] = [
        {
            "date": "2025-03-01",
            "event": "later",
            "sources": ["late"],
            "changes": {
                "war.sides.a.cost": {"value": 4, "source": ["late"]},
                "war.regimes.cut.cost_factor.d": 3,
                "a.position.money": 8,
            },
        }
    ]
    scenario = parse(data, "front")
    assert check(scenario) == [] and look_ahead(scenario) == []
    before, after = as_of(scenario, dt.date(2025, 2, 28)), as_of(scenario, dt.date(2025, 3, 1))
    assert before.war is not None and after.war is not None
    assert before.war.side("a").cost.point == 2 and after.war.side("a").cost.point == 4
    assert after.war.regime("cut").cost_factor["d"].point == 3
    assert before.actor("a").positions["money"].point == 10
    assert after.actor("a").positions["money"].point == 8
    assert scenario.war is not None and scenario.war.side("a").cost.point == 2  # not mutated


def test_look_ahead_checks_every_block_number_except_those_with_their_own_date(tmp_path) -> None:
    import yaml
    from typer.testing import CliRunner

    from accord.cli import app

    data = dated_front()
    data["war"]["as_of"] = "2025-03-01"  # the control describes this date: "late" is allowed
    data["war"]["control"][0]["held"] = {"value": 50, "source": ["late"]}
    data["war"]["sides"][1]["cost"] = {"value": 3, "source": ["late"]}
    problems = look_ahead(parse(data, "front"))
    assert [p.path for p in problems] == [("war", "sides", 1, "cost")]
    assert "war.sides.d.cost cites late" in problems[0].message
    assert "changes: {war.sides.d.cost" in (problems[0].hint or "")
    path = tmp_path / "front.yaml"
    path.write_text(yaml.safe_dump(data))
    strict = CliRunner().invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2
    assert "war.sides.d.cost cites late, dated 2025-03-01, after 2025-01-01" in strict.output
    assert "Fix: move the value into a dated update on or after 2025-03-01" in strict.output


def test_deleting_everything_dated_later_changes_no_number() -> None:
    ukraine = load("ukraine-2025")
    day = dt.date(2025, 12, 30)
    trimmed = ukraine.model_copy(
        update={"updates": [update for update in ukraine.updates if update.date <= day]}
    )
    war = [
        analyse(scenario, date=day, draws=40, rng=2, nash=False, months=3).to_json()
        for scenario in (ukraine, trimmed)
    ]
    assert war[0] == war[1]
    deal = load_deal("20-point", ukraine)
    ratified = [
        ratify(scenario, deal, date=day, draws=200, rng=3).to_json()
        for scenario in (ukraine, trimmed)
    ]
    assert ratified[0] == ratified[1]
    chances = [
        odds(scenario, date=day, by=dt.date(2026, 2, 28), runs=60, seed=4).to_json()
        for scenario in (ukraine, trimmed)
    ]
    assert chances[0]["probability"] == chances[1]["probability"]
    assert chances[0]["components"] == chances[1]["components"]
