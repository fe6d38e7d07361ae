"""The built-in scenarios: all load, all numbers carry their evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.scenario import builtin_ids, load
from accord.scenario.checks import look_ahead, unsourced


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


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_no_value_cites_a_source_dated_after_it(scenario_id: str) -> None:
    # Every base number, the blocks' included (war, guarantees, ratification, talks).
    assert look_ahead(load(scenario_id)) == []


def _dated_scenario(**extra: object) -> dict:
    return {
        "id": "dated",
        "title": "dated",
        "base_date": "2025-11-18",
        "sources": [
            {"id": "early", "title": "early", "date": "2025-11-01"},
            {"id": "late", "title": "late", "date": "2025-12-24"},
            {"id": "undated", "title": "undated"},
        ],
        "issues": [{"id": "x", "name": "x", "min": 0, "max": 100}],
        "actors": [
            {
                "id": "kyiv",
                "name": "Kyiv",
                "capability": {"value": 1, "source": ["early"]},
                "positions": {"x": {"value": 0, "source": ["late", "undated"]}},
                "salience": {"x": {"value": 90, "source": ["early"]}},
            }
        ],
        **extra,
    }


def test_look_ahead_flags_a_base_value_citing_a_later_source() -> None:
    from accord.scenario import parse

    problems = look_ahead(parse(_dated_scenario(), "dated"))
    assert [(p.path, p.value) for p in problems] == [(("actors", 0, "positions", "x"), "late")]
    message = problems[0].message
    assert "kyiv.position.x" in message and "2025-12-24" in message and "2025-11-18" in message
    assert "dated update" in (problems[0].hint or "")


def test_look_ahead_flags_updates_citing_later_sources() -> None:
    from accord.scenario import parse

    updates = [
        {
            "date": "2025-12-20",
            "event": "too early",
            "sources": ["late"],
            "changes": {"kyiv.position.x": {"value": 25, "source": ["late"]}},
        },
        {
            "date": "2025-12-24",
            "event": "on the day",
            "sources": ["late"],
            "changes": {"kyiv.position.x": {"value": 25, "source": ["late"]}},
        },
    ]
    data = _dated_scenario(updates=updates)
    data["actors"][0]["positions"]["x"] = {"value": 0, "source": ["early"]}
    problems = look_ahead(parse(data, "dated"))
    assert [p.path for p in problems] == [
        ("updates", 0, "sources"),
        ("updates", 0, "changes", "kyiv.position.x"),
    ]
    assert "update of 2025-12-20" in problems[1].message


def test_strict_validate_reports_look_ahead(tmp_path) -> None:
    import yaml
    from typer.testing import CliRunner

    from accord.cli import app

    path = tmp_path / "dated.yaml"
    path.write_text(yaml.safe_dump(_dated_scenario()))
    plain = CliRunner().invoke(app, ["validate", str(path)])
    strict = CliRunner().invoke(app, ["validate", "--strict", str(path)])
    assert plain.exit_code == 0
    assert strict.exit_code == 2 and "kyiv.position.x cites late" in strict.output


def test_the_15_year_guarantee_term_is_not_known_before_28_december() -> None:
    # Addendum C1: the term first became public on 28-29 Dec 2025, not at Berlin.
    scenario = load("ukraine-2025")
    dated = {source.id: source.date for source in scenario.sources}
    for update in scenario.updates:
        if update.date >= dt.date(2025, 12, 28):
            continue
        text = update.model_dump_json()
        assert "15 year" not in text and "15-year" not in text, update.date
        cited = set(update.sources) | {s for n in update.changes.values() for s in n.source}
        assert not cited & {"S69", "S70", "S71", "S72"}, update.date
    assert dated["S69"] == dt.date(2025, 12, 29)


def test_ukraine_issues_and_actors_of_issue_13() -> None:
    scenario = load("ukraine-2025")
    issues = {issue.id for issue in scenario.issues}
    assert {"guarantees", "foreign_forces", "recognition", "donbas"} <= issues
    assert {"eu_accession", "sequencing"} <= issues
    rada = scenario.actor("rada")
    assert rada.veto and not rada.party and rada in scenario.veto_players
    assert scenario.actor("slovakia")
    assert scenario.talks is not None
    hosts = {host.id for host in scenario.talks.mediators}
    assert "uae" in hosts and not hosts & {actor.id for actor in scenario.actors}
    russia = scenario.actor("russia")
    assert [c.issue for c in russia.requires] == ["donbas"]
    # Russia's objection is to foreign troops, not to a guarantee on paper.
    assert russia.positions["guarantees"].point > russia.positions["foreign_forces"].point
    veto = next(v for v in scenario.ratification.vetoes if v.id == "eu_council")
    assert "slovakia" in veto.actors


def test_mediators_must_not_be_actors_and_cite_known_sources() -> None:
    from accord.errors import InputError
    from accord.scenario import parse

    data = _dated_scenario(
        talks={
            "mediator": "kyiv",
            "mediators": [{"id": "kyiv", "name": "Kyiv", "source": ["nowhere"]}],
        }
    )
    with pytest.raises(InputError) as caught:
        parse(data, "dated")
    text = caught.value.render(limit=None)
    assert "mediator 'kyiv' is also an actor" in text and "unknown source id 'nowhere'" in text


#: Sources of ukraine-2025 cited without a date, each with the reason. S61 is timeless (reference
#: areas of the oblasts). For the others the brief gives no date and implies none precisely
#: enough to check them against: a source added here must say why, and dating one removes it.
UNDATED_UKRAINE = {
    "S61": "reference areas of the oblasts: timeless",
    "S16": "Russia on the Alaska understandings: the brief gives no date",
    "S16b": "Russia on the Alaska understandings: the brief gives no date",
    "S17": "Putin's Donbas condition: the brief gives no date",
    "S23": "the Donbas ceasefire condition: the brief gives no date",
    "S32b": "Zelensky on elections after a ceasefire: the brief gives no date",
    "S35": "Zelensky on a referendum: the brief gives no date",
    "S52": "Kiel, aid to February 2025: the brief gives no publication date",
    "S68": "NATO on PURL deliveries: the brief gives no date",
}


def _cited(scenario_id: str) -> set[str]:
    from accord.scenario.checks import citations
    from accord.scenario.paths import block_numbers

    scenario = load(scenario_id)
    cited = {source for _, ids in citations(scenario) for source in ids}
    cited |= {source for _, _, number in block_numbers(scenario) for source in number.source}
    for update in scenario.updates:
        cited |= {source for number in update.changes.values() for source in number.source}
    return cited


def test_every_source_ukraine_cites_has_a_date_or_a_reason() -> None:
    scenario = load("ukraine-2025")
    undated = {source.id for source in scenario.sources if source.date is None}
    cited = _cited("ukraine-2025")
    # The late-dated sources that once went unchecked now carry dates (S60: 19 Dec 2025).
    assert {"S49", "S58", "S60", "S66"}.isdisjoint(undated)
    assert cited & undated == set(UNDATED_UKRAINE)
    assert "S60" in cited and "S3" in cited  # the walk finds base and update citations
