"""Ratification on the law: the Rada, Art. 73 and Art. 157 steps, the US routes, the ceasefire.

Addendum §4 (S108-S112), C2 and C6 (S76): the veto points apply when the deal's terms call for
them, the US routes are alternatives, and the ceasefire a vote needs is negotiated with Russia.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest

from accord.dynamics.deal import deal_from_values, load_deal
from accord.dynamics.ratify import Ratification, ratify
from accord.dynamics.vetoes import route_consent
from accord.errors import InputError
from accord.scenario import load, parse
from accord.scenario.schema import Scenario

#: After the Kremlin's refusal of a temporary ceasefire for a referendum (28 Dec 2025, S76).
AFTER_REFUSAL = dt.date(2026, 1, 31)


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load("ukraine-2025")


@pytest.fixture(scope="module")
def data(ukraine: Scenario) -> dict[str, Any]:
    return ukraine.model_dump(mode="json", exclude_none=True)


def _points(result: Ratification) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in result.to_json()["veto_points"]}


def _deal(scenario: Scenario, name: str, **values: float) -> Any:
    """The 20-point draft at its point values, with ``values`` changed."""
    base = load_deal("20-point", scenario)
    points = {issue: number.point for issue, number in base.terms.items()}
    return deal_from_values(scenario, {**points, **values}, deal_id=name, title=name)


def test_rada_art73_and_art157_apply_when_the_terms_call_for_them(ukraine: Scenario) -> None:
    freeze = _deal(ukraine, "freeze", donbas=0, southern_line=0, recognition=25, nato=50)
    ban = _deal(ukraine, "ban", donbas=0, southern_line=0, recognition=25, nato=100)
    handover = _deal(ukraine, "handover", donbas=100, southern_line=0, recognition=25, nato=50)
    results = {
        deal.id: ratify(ukraine, deal, draws=100, rng=1, date=AFTER_REFUSAL)
        for deal in (freeze, ban, handover)
    }
    points = {key: _points(result) for key, result in results.items()}
    for found in points.values():  # the Rada ratifies every deal (226 of 450)
        assert found["rada"]["applies"] == 1.0 and "226" in found["rada"]["name"]
        assert "Art. 73" in found["referendum"]["name"]
        assert "Art. 157" in found["constitution"]["name"]
    assert points["freeze"]["referendum"]["applies"] == 0.0
    assert points["freeze"]["constitution"]["applies"] == 0.0
    assert points["handover"]["referendum"]["applies"] == 1.0  # Art. 73: territory
    assert points["handover"]["constitution"]["applies"] == 0.0
    assert points["ban"]["constitution"]["applies"] == 1.0  # a constitutional NATO ban
    assert points["ban"]["referendum"]["applies"] == 0.0
    # Both the referendum (Law 1135-IX Art. 20) and the amendment (Art. 157) need martial law
    # lifted, hence the ceasefire, which Moscow refuses from 28 Dec: nothing passes.
    assert results["ban"].probability.max() == 0.0
    assert results["handover"].probability.max() == 0.0
    assert points["ban"]["ceasefire_refused"]["p_block"] == 1.0
    # A frozen line needs neither: only the Rada, the US, the EU and Belgium remain.
    assert results["freeze"].probability.min() > 0.0
    assert "ceasefire_refused" not in points["freeze"]
    steps = results["freeze"].steps
    assert steps is not None
    expected = np.prod([consent for consent in steps.consents.values()], axis=0)
    np.testing.assert_allclose(results["freeze"].probability, expected)


def test_us_routes_combine_as_alternatives(ukraine: Scenario, data: dict[str, Any]) -> None:
    changed = copy.deepcopy(data)
    veto = next(v for v in changed["ratification"]["vetoes"] if v["id"] == "us_congress")
    for route, share, approval in zip(veto["routes"], (1, 2, 1), (0.4, 0.6, 1.0), strict=True):
        route["share"] = {"value": share, "estimate": True}
        route["approval"] = {"value": approval, "estimate": True}
    scenario = parse(changed, "routes")
    # One route is taken, w / Σw: (1 × 0.4 + 2 × 0.6 + 1 × 1.0) / 4 = 0.65.
    binding = ratify(scenario, load_deal("20-point", scenario), draws=50, rng=1)  # guarantees 80
    np.testing.assert_allclose(binding.vetoes["us_congress"], 0.65)
    weak = _deal(scenario, "weak", guarantees=50)  # below a treaty-level guarantee (75)
    np.testing.assert_allclose(ratify(scenario, weak, draws=50, rng=1).vetoes["us_congress"], 1)
    routes = _points(binding)["us_congress"]["routes"]
    assert [route["id"] for route in routes] == ["treaty", "congressional_executive", "executive"]
    assert [route["share"] for route in routes] == [0.25, 0.5, 0.25]
    # Per draw, with shares that differ between draws.
    shares = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 3.0]])
    approval = np.array([[0.3, 0.9, 0.9], [0.3, 0.6, 1.0]])
    np.testing.assert_allclose(route_consent(shares, approval), [0.3, 0.9])


def test_the_builtin_us_routes_are_estimates_with_ranges(ukraine: Scenario) -> None:
    assert ukraine.ratification is not None
    ids = {veto.id for veto in ukraine.ratification.vetoes}
    assert "us_senate" not in ids  # the two-thirds assumption is gone (addendum C2)
    us = next(veto for veto in ukraine.ratification.vetoes if veto.id == "us_congress")
    assert [route.id for route in us.routes] == ["treaty", "congressional_executive", "executive"]
    for route in us.routes:
        for number in (route.share, route.approval):
            assert number.estimate and number.low is not None and number.high is not None
            assert number.note and "S112" in number.source
    eu = next(veto for veto in ukraine.ratification.vetoes if veto.id == "eu_council")
    assert {"hungary", "slovakia"} <= set(eu.actors) and {"S101", "S102", "S103"} <= set(eu.source)


def _with_red_line(data: dict[str, Any], red_line: dict[str, Any]) -> Scenario:
    changed = copy.deepcopy(data)
    for update in changed["updates"]:
        if "russia.red_line.sequencing" in update["changes"]:
            update["changes"]["russia.red_line.sequencing"] = red_line
    return parse(changed, "red-line")


@pytest.mark.parametrize(
    ("red_line", "low", "high"),
    [
        ({"value": 90, "source": ["S76"]}, 0.0, 0.0),  # no truce before a settlement
        ({"value": 10, "estimate": True}, 1.0, 1.0),  # a ceasefire on signing is acceptable
        ({"low": 0, "mode": 25, "high": 50, "estimate": True}, 0.4, 0.6),
    ],
)
def test_the_ceasefire_moves_with_russias_red_line(
    data: dict[str, Any], red_line: dict[str, Any], low: float, high: float
) -> None:
    scenario = _with_red_line(data, red_line)
    deal = load_deal("28-point", scenario)  # hands over Donbas: a referendum is needed
    result = ratify(scenario, deal, draws=400, rng=5, date=AFTER_REFUSAL)
    ceasefire = result.to_json()["ceasefire"]
    assert ceasefire["needed"] == 1.0
    # A triangular red line (0, 25, 50) admits "sequencing ≤ 25" in half the draws.
    assert low <= ceasefire["agreed"] <= high
    assert ceasefire["in_force"] <= ceasefire["agreed"]


def test_the_ceasefire_follows_the_dated_red_lines(ukraine: Scenario) -> None:
    """No red line before 2 Dec; Putin's condition (2 Dec) and the refusal (28 Dec) after."""
    deal = load_deal("28-point", ukraine)
    agreed = {
        day: ratify(ukraine, deal, draws=200, rng=5, date=dt.date(2025, 12, day)).to_json()[
            "ceasefire"
        ]["agreed"]
        for day in (1, 2, 28)
    }
    assert agreed == {1: 1.0, 2: 0.0, 28: 0.0}


def test_signature_first_then_ratification(data: dict[str, Any]) -> None:
    changed = copy.deepcopy(data)
    for actor in changed["actors"]:  # Russia off the table: some draws are signed
        if actor["id"] == "russia":
            actor["party"] = False
    scenario = parse(changed, "signable")
    result = ratify(scenario, load_deal("e3-counter", scenario), draws=300, rng=2)
    out = result.to_json()
    assert 0.0 < out["p_signed"] < 1.0 and out["conditioned_on_signature"]
    signed = result.signed
    assert result.probability_given_signed == pytest.approx(result.probability[signed].mean())
    assert result.signed_and_ratified == pytest.approx(
        result.p_signed * result.probability_given_signed, abs=1e-12
    )
    assert out["signed_and_ratified"] == pytest.approx(
        out["p_signed"] * out["probability_given_signed"], abs=1e-3
    )


def test_russias_constitution_bars_a_border_in_law_that_leaves_claims(
    ukraine: Scenario,
) -> None:
    line = _deal(ukraine, "line", southern_line=0, recognition=25)
    border = _deal(ukraine, "border", southern_line=0, recognition=75)
    whole = _deal(ukraine, "whole", southern_line=100, recognition=75)
    blocked = {
        deal.id: _points(ratify(ukraine, deal, draws=100, rng=1))["russia_constitution"]
        for deal in (line, border, whole)
    }
    assert blocked["line"]["applies"] == 0.0 and blocked["line"]["p_block"] == 0.0
    assert blocked["border"]["applies"] == 1.0 and blocked["border"]["p_block"] == 1.0
    assert blocked["whole"]["applies"] == 1.0 and blocked["whole"]["p_block"] == 0.0


def test_older_files_keep_the_old_rule(data: dict[str, Any]) -> None:
    """No ceasefire rule and no referendum veto point: every deal goes to the vote."""
    old = copy.deepcopy(data)
    del old["ratification"]["ceasefire"]
    old["ratification"]["vetoes"] = [
        {"id": "senate", "name": "Senate", "issue": "guarantees", "rule": "two-thirds",
         "applies_from": 75, "approval": {"value": 0.5, "estimate": True}},
    ]  # fmt: skip
    for update in old["updates"]:  # dated changes of the veto points that are gone
        changes = update.get("changes", {})
        for path in [p for p in changes if p.startswith("ratification.vetoes.")]:
            del changes[path]
    scenario = parse(old, "old")
    result = ratify(scenario, load_deal("20-point", scenario), draws=200, rng=3)
    steps = result.steps
    assert steps is not None and steps.applies["referendum"].all()
    expected = steps.holds * result.valid * result.passes * 0.5
    np.testing.assert_allclose(result.probability, expected)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v[0].update(applies_when=[{"issue": "mars", "at_least": 1}]), "unknown issue"),
        (lambda v: v[0].update(approval={"value": 0.5, "estimate": True}), "both approval"),
        (lambda v: v[2].update(referendum=True), "referendum"),
        (lambda v: v[1].update(applies_when=[{"issue": "nato", "at_least": 200}]), "outside"),
    ],
)
def test_bad_veto_points_are_named(data: dict[str, Any], change: Any, message: str) -> None:
    bad = copy.deepcopy(data)
    vetoes = {v["id"]: v for v in bad["ratification"]["vetoes"]}
    change([vetoes["us_congress"], vetoes["constitution"], vetoes["rada"]])
    with pytest.raises(InputError, match=message):
        parse(bad, "bad")


def test_cli_set_moves_the_ceasefire() -> None:
    """``--set`` on Russia's red line moves the ceasefire (refused without it, see above)."""
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    args = ["ratify", "28-point", "--draws", "100", "--seed", "1", "--as-of", "2026-01-31"]
    allowed = CliRunner().invoke(
        app, [*args, "--set", "russia.red_line.sequencing=10", "-f", "json"]
    )
    assert allowed.exit_code == 0, allowed.output
    data = json.loads(allowed.stdout)
    assert data["ceasefire"]["agreed"] == 1.0
    assert {"p_signed", "probability_given_signed", "veto_points"} <= set(data)
    assert all({"id", "name", "p_block"} <= set(item) for item in data["veto_points"])


def test_bad_ceasefire_rules_are_named(data: dict[str, Any]) -> None:
    unknown = copy.deepcopy(data)
    unknown["ratification"]["ceasefire"]["issue"] = "truce"
    with pytest.raises(InputError, match="unknown issue id 'truce'"):
        parse(unknown, "bad")
    both = copy.deepcopy(data)
    both["ratification"]["ceasefire"]["at_least"] = 10
    with pytest.raises(InputError, match="exactly one of at_most or at_least"):
        parse(both, "bad")
