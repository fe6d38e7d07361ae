"""Structural robustness: blocs, their checks and warnings, and the variants of the actor list."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
import pytest

import accord
from accord.analysis.robustness import robustness, structural_variants
from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome
from accord.models.compromise import CompromiseModel
from accord.report import structure as report_structure
from accord.scenario.checks import check
from accord.scenario.compile import Problem, RNGLike, compile
from accord.scenario.schema import Bloc, Number, Scenario
from accord.scenario.structure import (
    bloc_errors,
    leave_out,
    merge_bloc,
    parties_only,
    structure_warnings,
)


def _scenario(**extra: Any) -> Scenario:
    """One issue 0-100; a and b parties; an institution with two member states; a public."""

    def actor(
        identifier: str, kind: str, capability: float, position: float, salience: float, **more: Any
    ) -> dict[str, Any]:
        return {
            "id": identifier,
            "name": identifier.upper(),
            "kind": kind,
            "capability": capability,
            "positions": {"x": position, "y": 100 - position},
            "salience": {"x": salience, "y": 50},
            **more,
        }

    return Scenario.model_validate(
        {
            "id": "toy",
            "title": "toy",
            "issues": [
                {"id": "x", "name": "X", "min": 0, "max": 100},
                {"id": "y", "name": "Y", "min": 0, "max": 100},
            ],
            "actors": [
                actor("a", "state", 4, 20, 80, party=True, red_line={"x": 60}),
                actor("b", "state", 6, 90, 60, party=True),
                actor("org", "institution", 2, 100, 100),
                actor("m1", "state", 1, 80, 40),
                actor("m2", "state", 3, 40, 20),
                actor("a_public", "public", 2, 0, 100),
            ],
            **extra,
        }
    )


BLOCS = [
    {"id": "org_bloc", "name": "Org with members", "members": ["org", "m1", "m2"]},
    {"id": "a", "name": "A with its public", "members": ["a", "a_public"], "note": "one voice"},
]


def test_merged_bloc_sums_capability_and_weights_position_and_salience() -> None:
    scenario = _scenario(blocs=BLOCS)
    merged = merge_bloc(scenario, scenario.blocs[0])
    assert [actor.id for actor in merged.actors] == ["a", "b", "org_bloc", "a_public"]
    bloc = merged.actor("org_bloc")
    assert bloc.kind == "bloc" and not bloc.party and bloc.name == "Org with members"
    assert bloc.capability.point == 6
    # salience: capability-weighted (2·100 + 1·40 + 3·20)/6; position: c·s-weighted
    assert bloc.salience["x"].point == pytest.approx(300 / 6)
    assert bloc.positions["x"].point == pytest.approx((200 * 100 + 40 * 80 + 60 * 40) / 300)


def test_merging_keeps_the_weighted_mean_and_the_anchor_party() -> None:
    scenario = _scenario(blocs=BLOCS)
    for bloc in scenario.blocs:
        merged = merge_bloc(scenario, bloc)
        before = CompromiseModel().run(compile(scenario)).settlement
        after = CompromiseModel().run(compile(merged)).settlement
        np.testing.assert_allclose(after, before, rtol=1e-12)
    with_public = merge_bloc(scenario, scenario.blocs[1])
    anchor = with_public.actor("a")
    assert anchor.party and anchor.red_line["x"].point == 60  # the party's reservation point
    assert anchor.positions["x"].point == pytest.approx((4 * 80 * 20) / (4 * 80 + 2 * 100))


def test_zero_weights_fall_back_to_equal_weights() -> None:
    scenario = _scenario()
    zero = scenario.model_copy(
        update={
            "actors": [
                actor.model_copy(update={"capability": Number(value=0)})
                for actor in scenario.actors
            ]
        }
    )
    bloc = merge_bloc(zero, Bloc(id="all", name="All", members=["m1", "m2"])).actor("all")
    assert bloc.positions["x"].point == 60 and bloc.salience["x"].point == 30


def test_leave_out_and_parties_only() -> None:
    scenario = _scenario()
    assert [actor.id for actor in leave_out(scenario, "m1").actors] == [
        "a",
        "b",
        "org",
        "m2",
        "a_public",
    ]
    assert [actor.id for actor in parties_only(scenario).actors] == ["a", "b"]


def test_bloc_errors() -> None:
    scenario = _scenario(
        blocs=[
            {"id": "b", "name": "clash", "members": ["org", "m1"]},
            {"id": "dup", "name": "one", "members": ["m1", "ghost", "m1"]},
            {"id": "dup", "name": "two", "members": ["m1", "m2"]},
        ]
    )
    problems = {(detail.message, detail.path) for detail in bloc_errors(scenario)}
    assert problems == {
        ("bloc id 'b' is the id of an actor outside the bloc", ("blocs", 0, "id")),
        ("unknown actor id 'ghost'", ("blocs", 1, "members", 1)),
        ("actor 'm1' is listed twice in the bloc", ("blocs", 1, "members", 2)),
        ("duplicate id 'dup' in blocs", ("blocs", 2, "id")),
    }
    assert len(check(scenario)) == 4
    assert check(_scenario(blocs=BLOCS)) == []


def test_structure_warnings_name_undeclared_institutions_and_publics() -> None:
    warnings = structure_warnings(_scenario())
    assert [warning.split(":")[0] for warning in warnings] == ["actors.org", "actors.a_public"]
    assert "kind institution" in warnings[0] and "blocs:" in warnings[0]
    assert structure_warnings(_scenario(blocs=BLOCS)) == []
    stateless = _scenario()
    stateless = stateless.model_copy(
        update={"actors": [a for a in stateless.actors if a.kind != "state"]}
    )
    assert structure_warnings(stateless) == []


def test_variants_and_spread() -> None:
    scenario = _scenario(blocs=BLOCS)
    kinds = [kind for _, kind, _, _ in structural_variants(scenario)]
    assert kinds == ["leave-out"] * 6 + ["parties-only", "bloc", "bloc"]
    result = robustness(scenario, ["compromise", "median"])
    assert result.models == ("compromise", "median") and result.issues == ("x", "y")
    data = result.to_json()
    assert [variant["name"] for variant in data["variants"]][-3:] == [
        "parties only",
        "bloc org_bloc",
        "bloc a",
    ]
    assert data["variants"][-1]["kind"] == "bloc" and data["variants"][-1]["actors"] == [
        "a",
        "a_public",
    ]
    values = [variant["models"]["median"]["x"] for variant in data["variants"]]
    summary = data["summary"]["median"]["x"]
    assert (summary["low"], summary["high"]) == (min(values), max(values))
    assert summary["spread"] == pytest.approx(max(values) - min(values))
    moved = next(v for v in data["variants"] if v["name"] == summary["most"])
    assert moved["models"]["median"]["x"] == summary["most_value"]
    assert all(
        abs(value - summary["baseline"]) <= abs(summary["most_value"] - summary["baseline"])
        for value in values
    )
    compromise = data["summary"]["compromise"]["x"]
    blocs = [v["models"]["compromise"]["x"] for v in data["variants"] if v["kind"] == "bloc"]
    assert blocs == pytest.approx([compromise["baseline"]] * 2)


def test_unmoved_forecast_has_no_mover_and_parties_only_needs_non_parties() -> None:
    scenario = _scenario()
    same = scenario.model_copy(
        update={
            "actors": [
                actor.model_copy(update={"party": True, "positions": scenario.actors[0].positions})
                for actor in scenario.actors
            ]
        }
    )
    result = robustness(same, ["median"], progress=lambda done, total: None)
    assert "parties only" not in [variant.name for variant in result.variants]
    spread = result.spread("median", "x")
    assert spread.most is None and spread.most_value is None and spread.width == 0


@dataclasses.dataclass(frozen=True)
class _Picky:
    """A model that refuses problems with fewer than five actors."""

    name: ClassVar[str] = "picky"
    summary: ClassVar[str] = "test"
    citation: ClassVar[str] = "test"
    traits: ClassVar[ModelTraits] = ModelTraits()

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        if problem.n_actors < 5:
            raise InputError.single(None, "too few actors")
        return Outcome(self.name, problem.position[:, 0, :])


def test_a_model_that_cannot_run_leaves_nulls() -> None:
    result = robustness(_scenario(blocs=BLOCS), [_Picky()])
    parties = next(variant for variant in result.variants if variant.kind == "parties-only")
    assert parties.models["picky"] == {"x": None, "y": None}
    assert "too few actors" in parties.errors["picky"]
    assert "errors" in result.to_json()["variants"][6]
    everything_fails = result.spread("picky", "x")
    assert everything_fails.baseline is not None
    nothing = dataclasses.replace(
        result,
        baseline={"picky": {"x": None, "y": None}},
        variants=tuple(v for v in result.variants if v.kind == "parties-only"),
    )
    assert nothing.spread("picky", "x").low is None
    assert nothing.spread("picky", "x").width is None
    partial = dataclasses.replace(nothing, variants=result.variants)
    assert partial.spread("picky", "x").most is None
    assert partial.spread("picky", "x").low is not None


def test_report_table_and_figure() -> None:
    scenario = _scenario(blocs=BLOCS)
    result = robustness(scenario, ["median", _Picky()])
    table = report_structure.spread_table(result, scenario)
    assert table.count("<tr>") == 1 + 2 * 2 and "Moved most by" in table
    figure = report_structure.spread_figure(result, scenario)
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert [bar.name for bar in bars] == ["median", "picky"]


def test_ukraine_blocs_are_declared_and_silence_the_warnings() -> None:
    scenario = accord.load("ukraine-2025")
    assert [bloc.id for bloc in scenario.blocs] == [
        "eu_bloc",
        "nato_bloc",
        "us_government",
        "ukraine_government",
    ]
    assert structure_warnings(scenario) == []
    without = scenario.model_copy(update={"blocs": []})
    named = {warning.split(":")[0] for warning in structure_warnings(without)}
    assert named == {
        "actors.eu",
        "actors.nato",
        "actors.us_congress",
        "actors.ukrainian_public",
        "actors.rada",
    }
