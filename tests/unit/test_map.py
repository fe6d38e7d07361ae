"""The oblast map: areas, control shares, the territory rules and the figure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

import accord
from accord.errors import InputError
from accord.report import map as oblast_map
from accord.scenario.load import parse
from accord.scenario.schema import Scenario

UKRAINE_KM2 = 603_540
DEEPSTATE_2026 = oblast_map.basis("2026-01-01")
DECEMBER_2025 = oblast_map.basis("2025-12-02")


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return accord.load("ukraine-2025")


def _area(iso: str) -> float:
    return next(o.area_km2 for o in oblast_map.oblasts() if o.iso == iso)


def _share(iso: str, basis: oblast_map.ControlBasis) -> float:
    return next(o.control[basis.id] for o in oblast_map.oblasts() if o.iso == iso)


def _withdraw(scenario: Scenario) -> oblast_map.Deal:
    return next(d for d in oblast_map.presets() if d.name.startswith("Ukraine withdraws"))


def _draft(scenario: Scenario) -> oblast_map.Deal:
    return next(d for d in oblast_map.presets() if d.name.startswith("28-point"))


def test_official_areas_sum_to_ukraine() -> None:
    assert len(oblast_map.oblasts()) == 27
    assert oblast_map.ukraine_area_km2() == UKRAINE_KM2
    assert _area("UA-14") == 26_517 and _area("UA-09") == 26_684


def test_shipped_lookup_matches_shared_data(shared_data: Path) -> None:
    shipped = oblast_map.LOOKUP_FILE.read_text(encoding="utf-8")
    assert shipped == (shared_data / "geo" / "oblast_lookup.csv").read_text(encoding="utf-8")
    assert "Natural Earth" in (oblast_map.DATA / "PROVENANCE.txt").read_text(encoding="utf-8")


def test_deepstate_basis_falls_back_to_computed_where_unpublished() -> None:
    # DeepState published Donetsk 78.1 %; nothing for Crimea, where the computed 99.0 % is used.
    assert _share("UA-14", DEEPSTATE_2026) == pytest.approx(0.781)
    assert _share("UA-43", DEEPSTATE_2026) == pytest.approx(0.990)
    assert _share("UA-14", DECEMBER_2025) == pytest.approx(0.762)


def test_russian_held_now_matches_deepstate_total() -> None:
    now = oblast_map.territory(None, oblast_map.Deal("now"), DEEPSTATE_2026)
    # DeepState: 116,165 km² = 19.25 % on 1 Jan 2026 (brief §4); per-oblast shares give ~116,800.
    assert now.russian_now_km2 == pytest.approx(116_165, rel=0.01)
    assert now.change_km2 == 0 and now.demilitarised_km2 == 0


def test_withdrawal_from_rest_of_donbas_matches_the_brief(ukraine: Scenario) -> None:
    result = oblast_map.territory(ukraine, _withdraw(ukraine), DEEPSTATE_2026)
    assert result.change_km2 == pytest.approx(5_900, rel=0.01)
    assert result.russian_after_km2 == pytest.approx(122_000, rel=0.01)
    assert 100 * result.russian_after_km2 / UKRAINE_KM2 == pytest.approx(20.2, rel=0.01)
    held = _area("UA-14") * (1 - 0.781) + _area("UA-09") * (1 - 0.996)
    assert result.change_km2 == pytest.approx(held, abs=1e-6)
    assert result.demilitarised_km2 == 0


def test_28_point_draft_with_returns_matches_the_brief(ukraine: Scenario) -> None:
    result = oblast_map.territory(ukraine, _draft(ukraine), DEEPSTATE_2026)
    assert 100 * result.russian_after_km2 / UKRAINE_KM2 == pytest.approx(19.9, rel=0.01)
    returned = sum(
        _area(iso) * _share(iso, DEEPSTATE_2026) for iso in oblast_map.RETURNED_ELSEWHERE
    )
    assert returned == pytest.approx(2_000, rel=0.03)
    by_iso = {o.iso: o for o in result.oblasts}
    assert all(by_iso[iso].russian_after == 0 for iso in oblast_map.RETURNED_ELSEWHERE)


def test_december_basis_gives_the_scenarios_6600_km2(ukraine: Scenario) -> None:
    result = oblast_map.territory(ukraine, _withdraw(ukraine), DECEMBER_2025)
    assert result.change_km2 == pytest.approx(6_600, rel=0.01)


def test_donbas_rule_follows_the_anchors(ukraine: Scenario) -> None:
    held = _area("UA-14") * (1 - 0.762) + _area("UA-09") * (1 - 0.988)

    def at(value: float) -> oblast_map.Territory:
        return oblast_map.territory(ukraine, oblast_map.Deal("x", {"donbas": value}), DECEMBER_2025)

    assert at(0).change_km2 == pytest.approx(0) and at(25).change_km2 == pytest.approx(0)
    half_left = at(37.5)  # halfway to full withdrawal: half the held area, all demilitarised
    assert half_left.change_km2 == pytest.approx(0, abs=1e-9)
    assert half_left.demilitarised_km2 == pytest.approx(held / 2)
    halfway = at(62.5)  # all left; halfway from demilitarised to recognised as Russian
    assert halfway.change_km2 == pytest.approx(held / 2)
    assert halfway.demilitarised_km2 == pytest.approx(held / 2)
    for value in (75, 100):
        assert at(value).change_km2 == pytest.approx(held)
        assert at(value).demilitarised_km2 == pytest.approx(0)


def test_southern_line_hands_over_a_share(ukraine: Scenario) -> None:
    result = oblast_map.territory(
        ukraine, oblast_map.Deal("half", {"southern_line": 50.0}), DECEMBER_2025
    )
    expected = 0.5 * (_area("UA-23") * (1 - 0.746) + _area("UA-65") * (1 - 0.721))
    assert result.change_km2 == pytest.approx(expected)
    donetsk = next(o for o in result.oblasts if o.iso == "UA-14")
    assert donetsk.russian_after == donetsk.russian_now


def test_values_outside_the_scale_are_clipped(ukraine: Scenario) -> None:
    high = oblast_map.territory(ukraine, oblast_map.Deal("x", {"donbas": 250}), DECEMBER_2025)
    top = oblast_map.territory(ukraine, oblast_map.Deal("x", {"donbas": 100}), DECEMBER_2025)
    assert high.russian_after_km2 == pytest.approx(top.russian_after_km2)


def _toy(
    donbas_max: float = 100, donbas_anchors: tuple[float, ...] = (0, 25, 50, 75, 100)
) -> Scenario:
    """Two actors on the two territorial issues, with a chosen Donbas scale and anchors."""
    issues = [
        {
            "id": "donbas",
            "name": "Rest of Donbas",
            "min": 0,
            "max": donbas_max,
            "anchors": [{"value": v, "label": f"anchor {v:g}"} for v in donbas_anchors],
        },
        {
            "id": "southern_line",
            "name": "Southern line",
            "min": 0,
            "max": 100,
            "anchors": [{"value": 0, "label": "frozen"}, {"value": 100, "label": "all"}],
        },
    ]
    actors = [
        {
            "id": name,
            "name": name,
            "capability": 1,
            "positions": {"donbas": position, "southern_line": position},
            "salience": {"donbas": 50, "southern_line": 50},
        }
        for name, position in (("ua", 0), ("ru", min(donbas_max, 100)))
    ]
    return parse({"id": "toy", "title": "toy", "issues": issues, "actors": actors}, "toy")


def test_toy_scenario_with_the_ukraine_scales_passes() -> None:
    result = oblast_map.territory(_toy(), oblast_map.Deal("x", {"donbas": 100}), DECEMBER_2025)
    assert result.change_km2 == pytest.approx(6_631, rel=1e-3)


def test_scenario_without_the_issue_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        oblast_map.territory(
            accord.load("emission-1994"), oblast_map.Deal("x", {"donbas": 50}), None
        )
    text = caught.value.render()
    assert "emission-1994" in text and "'donbas'" in text and "Fix:" in text


def test_scenario_with_another_scale_is_refused() -> None:
    with pytest.raises(InputError, match="runs 0-10"):
        oblast_map.check_rules(_toy(donbas_max=10, donbas_anchors=(0, 10)))


def test_missing_anchor_is_named() -> None:
    with pytest.raises(InputError, match="no anchor at 25"):
        oblast_map.check_rules(_toy(donbas_anchors=(0, 50, 75, 100)))


def test_basis_by_date_and_id() -> None:
    # A date reads the DeepState series shipped with accord: its last map on or before it.
    assert oblast_map.basis(date=dt.date(2025, 11, 20)).id == "deepstate-2025-11-20"
    assert oblast_map.basis(date=dt.date(2025, 12, 24)).date == dt.date(2025, 12, 24)
    january = oblast_map.basis(date=dt.date(2026, 1, 10))
    assert january.id == "deepstate-2026-01-01" and january.shares is not None
    december = oblast_map.basis(date=dt.date(2025, 12, 2))
    assert december.shares is not None
    for oblast in oblast_map.oblasts():  # the same shares as the lookup's computed column
        share = december.shares.get(oblast.iso, 0.0)
        assert share == pytest.approx(oblast.control[DECEMBER_2025.id], abs=0.0006)
    assert oblast_map.basis(date=dt.date(2024, 1, 1)) is DECEMBER_2025  # before the series
    assert oblast_map.basis() is DECEMBER_2025
    assert oblast_map.basis("2026-01-01") is DEEPSTATE_2026
    with pytest.raises(InputError, match="unknown control basis"):
        oblast_map.basis("2024-01-01")


def test_outlines_cover_every_oblast_and_are_simplified() -> None:
    shapes = oblast_map.outlines()
    assert set(shapes) == {o.iso for o in oblast_map.oblasts()}
    raw = json.loads(oblast_map.GEOMETRY_FILE.read_text(encoding="utf-8"))
    raw_points = sum(
        len(ring)
        for feature in raw["features"]
        for polygon in (
            feature["geometry"]["coordinates"]
            if feature["geometry"]["type"] == "MultiPolygon"
            else [feature["geometry"]["coordinates"]]
        )
        for ring in polygon
    )
    kept = sum(sum(x is not None for x in xs) for xs, _ in shapes.values())
    assert kept < raw_points / 2
    # Crimea's outline lies south of Kyiv's, and Kherson (4 polygons) has None separators.
    assert max(y for y in shapes["UA-43"][1] if y is not None) < min(
        y for y in shapes["UA-32"][1] if y is not None
    )
    assert shapes["UA-65"][0].count(None) == 3


def test_douglas_peucker_drops_collinear_points_and_keeps_corners() -> None:
    ring = np.array([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2], [0, 2], [0, 1], [0, 0]], float)
    simplified = oblast_map._simplify(ring, 0.01)
    assert simplified.tolist() == [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]


def test_map_figure_colours_and_views(ukraine: Scenario) -> None:
    views = [
        oblast_map.territory(None, oblast_map.Deal("Now"), DEEPSTATE_2026),
        oblast_map.territory(ukraine, _withdraw(ukraine), DEEPSTATE_2026),
    ]
    figure = oblast_map.map_figure(views)
    polygons = [trace for trace in figure.data if trace.fill == "toself"]
    assert len(polygons) == 27
    by_iso = {trace.meta["iso"]: trace for trace in polygons}
    assert by_iso["UA-09"].fillcolor == oblast_map._colour(0.996)
    assert by_iso["UA-46"].fillcolor == oblast_map._colour(0.0)
    assert by_iso["UA-09"].fillcolor != by_iso["UA-46"].fillcolor
    buttons = figure.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["Now", _withdraw(ukraine).name]
    after = buttons[1].args[0]["fillcolor"]
    donetsk = [t.meta["iso"] for t in polygons].index("UA-14")
    assert after[donetsk] == oblast_map._colour(1.0)
    assert "20.3 % of Ukraine" in figure.layout.meta["area_lines"][1]
    assert "Natural Earth" in figure.layout.annotations[0].text


def test_demilitarised_zone_is_hatched(ukraine: Scenario) -> None:
    view = oblast_map.territory(ukraine, oblast_map.Deal("dmz", {"donbas": 50}), DECEMBER_2025)
    figure = oblast_map.map_figure([view])
    by_iso = {t.meta["iso"]: t for t in figure.data if t.fill == "toself"}
    assert by_iso["UA-14"].fillpattern.shape == "/"
    assert by_iso["UA-46"].fillpattern.shape == ""
    assert "Demilitarised zone" in by_iso["UA-14"].text
