"""Deal files: the shipped drafts, their checks, and what each is worth to whom."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from accord.dynamics.deal import builtin_deals, deal_from_values, evaluate, load_deal
from accord.errors import InputError
from accord.scenario import load
from accord.scenario.checks import unsourced
from accord.scenario.compile import FloatArray
from accord.scenario.load import builtin_ids
from accord.scenario.schema import Scenario


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load("ukraine-2025")


def test_shipped_drafts_load_and_do_not_become_scenarios(ukraine: Scenario) -> None:
    assert set(builtin_deals("ukraine-2025")) == {"28-point", "20-point", "e3-counter"}
    assert not any("point" in scenario_id for scenario_id in builtin_ids())
    for deal_id in builtin_deals("ukraine-2025"):
        deal = load_deal(deal_id, ukraine)
        assert set(deal.terms) == {issue.id for issue in ukraine.issues}
        for number in deal.terms.values():
            assert number.source or (number.estimate and number.is_ranged)
    assert unsourced(ukraine) == []


def test_28_point_terms_match_the_brief(ukraine: Scenario) -> None:
    deal = load_deal("28-point", ukraine)
    assert deal.terms["army_cap"].point == 600
    assert deal.terms["donbas"].point == 75
    assert deal.terms["elections"].point == pytest.approx(3.3)
    assert "dmz" in deal.guarantee_terms


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "deal.yaml"
    path.write_text(textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("terms: {mars: 3, elections: 3}", "terms.mars: unknown issue id 'mars'"),
        ("terms: {donbas: 120, elections: 3}", "outside the scale [0, 100]"),
        ("terms: {donbas: 10, sequencing: 50}", "no term for elections"),
        ("terms: {elections: 3}\nguarantee_terms: [peace]", "unknown guarantee term 'peace'"),
        ("terms: {elections: {value: 3, source: [S999]}}", "unknown source id 'S999'"),
        ("terms: {elections: 3}\ncolour: red", "unknown field 'colour'"),
    ],
)
def test_bad_deal_files_name_field_line_and_fix(
    tmp_path: Path,
    ukraine: Scenario,
    body: str,
    expected: str,
) -> None:
    path = write(tmp_path, "id: mine\ntitle: Mine\n" + body + "\n")
    with pytest.raises(InputError) as caught:
        load_deal(path, ukraine)
    text = caught.value.render(limit=None)
    assert expected in text and str(path) in text and "Fix:" in text


def test_missing_deal_lists_the_shipped_ones(ukraine: Scenario) -> None:
    with pytest.raises(InputError, match="28-point"):
        load_deal("29-point", ukraine)


def test_who_gains_from_which_draft(ukraine: Scenario) -> None:
    actors = ukraine.actors
    index = {actor.id: a for a, actor in enumerate(actors)}

    def surplus(deal_id: str) -> FloatArray:
        result = evaluate(ukraine, load_deal(deal_id, ukraine), draws=300, rng=11)
        return np.median(result.value - result.no_deal, axis=0)

    draft28, draft20 = surplus("28-point"), surplus("20-point")
    # The 28 points beat fighting on for Russia; for Kyiv they are worth about as much as
    # fighting on (what they give on foreign forces, EU accession and a ceasefire roughly
    # offsets what they take on Donbas, NATO and the army), and they cross its red lines, so it
    # accepts them in no draw (test_red_lines_are_hard_on_top_of_the_surplus). The 20 points
    # beat fighting on for Kyiv and not for Russia.
    assert draft28[index["russia"]] > 0.1 > 0.05 > draft28[index["ukraine"]]
    assert draft20[index["ukraine"]] > 0 > draft20[index["russia"]]


def test_a_deal_at_a_partys_own_position_is_worth_100_to_it(ukraine: Scenario) -> None:
    from accord.scenario.compile import as_of

    # Russia's positions as of the date the deal is valued on (the 2 Dec update moves one).
    russia = as_of(ukraine).actor("russia")
    values = {issue: number.point for issue, number in russia.positions.items()}
    deal = deal_from_values(ukraine, values, deal_id="moscow", title="Moscow's terms")
    result = evaluate(ukraine, deal)
    assert result.value[0, [a.id for a in ukraine.actors].index("russia")] == pytest.approx(1.0)
    assert result.to_json()["actors"]["russia"]["value"]["value"] == pytest.approx(100.0)


def test_same_seed_same_valuation(ukraine: Scenario) -> None:
    deal = load_deal("e3-counter", ukraine)
    first = evaluate(ukraine, deal, draws=50, rng=1).to_json()
    second = evaluate(ukraine, deal, draws=50, rng=1).to_json()
    assert first == second


def test_deal_value_figure_from_the_json(ukraine: Scenario) -> None:
    from accord.report.charts import deal_value_figure

    data = evaluate(ukraine, load_deal("20-point", ukraine), draws=100, rng=2).to_json()
    figure = deal_value_figure(data, parties_only=True)
    assert [trace.name for trace in figure.data] == [
        "walk-away (fight on / no deal)",
        "deal",
        "deal with breakdown risk",
    ]
    assert list(figure.data[1].y) == ["United States", "Ukraine", "Russia", "EU (institutions)"]
    assert figure.layout.meta["beats"]["ukraine"] == data["actors"]["ukraine"]["beats_walk_away"]


def test_json_deal_files_folders_and_regimes(tmp_path: Path, ukraine: Scenario) -> None:
    import json

    path = tmp_path / "deal.json"
    path.write_text(
        json.dumps({"id": "j", "title": "JSON", "terms": {"elections": 6, "sequencing": 50}})
    )
    deal = load_deal(path, ukraine)
    assert deal.terms["elections"].point == 6
    with pytest.raises(InputError, match="is a folder"):
        load_deal(tmp_path, ukraine)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n")
    with pytest.raises(InputError, match="not a mapping"):
        load_deal(listed, ukraine)
    # Keeping everything at the status quo: a cut-off makes fighting on worse for Kyiv.
    current = evaluate(ukraine, deal, draws=200, rng=1)
    cut = evaluate(ukraine, deal, draws=200, rng=1, regime="us_cutoff")
    kyiv = [actor.id for actor in ukraine.actors].index("ukraine")
    assert cut.regime == "us_cutoff" and current.regime == "current"
    assert np.median(cut.no_deal[:, kyiv]) < np.median(current.no_deal[:, kyiv])
    with pytest.raises(InputError, match="unknown aid regime"):
        evaluate(ukraine, deal, regime="lend-lease")


def test_without_a_war_the_scenarios_own_walk_away_points_apply() -> None:
    plain = load("emission-1994")
    issue = plain.issues[0]
    deal = deal_from_values(plain, {issue.id: issue.min}, deal_id="low", title="Low")
    result = evaluate(plain, deal)
    assert result.regime is None and (result.breakdown == 0).all()
    np.testing.assert_allclose(result.with_risk, result.value)
    assert builtin_deals("emission-1994") == {}


def test_shipped_drafts_are_coded_by_the_same_rule(ukraine: Scenario) -> None:
    # The coding rule of the deal files' notes: every listed guarantee term names the point of
    # the text that provides it, and a draft whose Donbas term is a demilitarised or free
    # economic zone (25-75 on the scale) lists dmz, whichever draft it is.
    for deal_id in builtin_deals("ukraine-2025"):
        deal = load_deal(deal_id, ukraine)
        assert {p.term for p in deal.provisions} == set(deal.guarantee_terms), deal_id
        assert all(p.point and p.source for p in deal.provisions), deal_id
        zone = 25 <= deal.terms["donbas"].point <= 75
        assert ("dmz" in deal.guarantee_terms) == zone, deal_id
        assert "Coding rule" in (deal.note or ""), deal_id


def test_provisions_must_match_the_guarantee_terms(tmp_path: Path, ukraine: Scenario) -> None:
    body = (
        "terms: {elections: 3, sequencing: 50}\nguarantee_terms: [snapback]\n"
        "provisions:\n  - {term: monitoring, point: '2', source: [S28]}\n"
    )
    path = write(tmp_path, "id: mine\ntitle: Mine\n" + body)
    with pytest.raises(InputError) as caught:
        load_deal(path, ukraine)
    text = caught.value.render(limit=None)
    assert "'snapback' has no provision" in text and "'monitoring' is not listed" in text


def test_red_lines_are_hard_on_top_of_the_surplus(ukraine: Scenario) -> None:
    # The 28 points break Kyiv's red lines (Donbas, NATO, ...): it accepts in no draw,
    # whatever the deal is worth against fighting on. The E3 counter keeps them all.
    draft28 = evaluate(ukraine, load_deal("28-point", ukraine), draws=100, rng=3).to_json()
    kyiv = draft28["actors"]["ukraine"]
    assert kyiv["accepts"] == 0.0 and not kyiv["red_lines_kept"] and kyiv["veto"]
    assert {"donbas", "nato"} <= set(kyiv["red_lines_broken"])
    assert "walk_away" in kyiv and "beats_walk_away" in kyiv  # the keys figures and CSV read
    counter = evaluate(ukraine, load_deal("e3-counter", ukraine), draws=100, rng=3).to_json()
    kyiv = counter["actors"]["ukraine"]
    # Only recognition can cross: the E3 text's 'contact line as the starting point' (0-25)
    # against Kyiv's pre-December red line, a ranged estimate (0-25) until the 20 points.
    assert set(kyiv["red_lines_broken"]) <= {"recognition"}
    assert kyiv["accepts"] <= kyiv["beats_walk_away"]


def test_war_points_are_no_deal_outcomes_not_red_lines(ukraine: Scenario) -> None:
    # Russia's own position as a deal: it keeps Russia's red lines, so Russia accepts it
    # exactly when the deal beats fighting on (the war's points only enter the surplus).
    russia = ukraine.actor("russia")
    values = {issue: number.point for issue, number in russia.positions.items()}
    deal = deal_from_values(ukraine, values, deal_id="moscow", title="Moscow's terms")
    result = evaluate(ukraine, deal, draws=50, rng=4)
    a = [actor.id for actor in ukraine.actors].index("russia")
    assert not result.outside[:, a].any()
    np.testing.assert_array_equal(result.accepts[:, a], result.value[:, a] >= result.no_deal[:, a])
