"""``sources_used``: the dated sources and data behind a result, as of its date (issue 12)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accord.dynamics.deal import load_deal
from accord.dynamics.war import sample_war
from accord.scenario.load import load
from accord.scenario.provenance import (
    DYNAMICS_PARTS,
    PARTS,
    entries,
    files_used,
    later,
    latest_date,
    sources_used,
    with_sources,
)
from accord.territory import series

UKRAINE = load("ukraine-2025")
D = dt.date.fromisoformat


def _ids(items: list[dict[str, object]]) -> set[object]:
    return {item["id"] for item in items}


@pytest.mark.parametrize("date", sorted({u.date for u in UKRAINE.updates}), ids=str)
def test_the_forecasts_sources_are_never_later_than_the_date(date: dt.date) -> None:
    # validate --strict's date rule makes this hold for the issues, actors and updates.
    assert later(sources_used(UKRAINE, date), date) == []


def test_only_updates_up_to_the_date_count() -> None:
    update = next(u for u in UKRAINE.updates if u.date == D("2026-03-21"))
    own = set(update.sources) - _ids(sources_used(UKRAINE, D("2026-03-19")))
    assert own, "the last update cites a source nothing earlier cites"
    assert own <= _ids(sources_used(UKRAINE, D("2026-03-21")))


def test_polls_are_listed_from_their_date_and_only_with_the_ratification_block() -> None:
    early = _ids(sources_used(UKRAINE, D("2025-12-02"), parts=DYNAMICS_PARTS))
    late = _ids(sources_used(UKRAINE, D("2026-02-02"), parts=DYNAMICS_PARTS))
    assert "poll:kiis_2025_09_freeze" in early and "poll:kiis_2025_12_freeze" not in early
    assert {"poll:kiis_2025_12_freeze", "poll:kiis_2026_01_withdrawal"} <= late
    assert not any(str(name).startswith("poll:") for name in _ids(sources_used(UKRAINE)))


def test_the_war_line_is_dated_by_the_snapshot_it_is_read_from() -> None:
    before = dict(entries(UKRAINE, D("2025-11-21"), parts=("war",)))
    after = dict(entries(UKRAINE, D("2025-12-14"), parts=("war",)))
    # Before the war block's date (2 Dec) its control figures are not read, the series is.
    assert "war.control" not in before and before["series:deepstate"] == D("2025-11-20")
    assert after["war.control"] == D("2025-12-02") and after["series:deepstate"] == D("2025-12-14")


def test_before_the_war_blocks_date_the_line_is_the_series_own_shares() -> None:
    war = sample_war(UKRAINE, date=D("2025-11-21"))
    snapshot = series.latest(D("2025-11-21"))
    assert snapshot.date == D("2025-11-20")
    regions = UKRAINE.war.control if UKRAINE.war else []
    expected = sum(region.area_km2.point * series.share(snapshot, region.id) for region in regions)
    assert np.allclose(war.held, expected)
    on_date = sample_war(UKRAINE, date=D("2025-12-02"))  # on it, the block's own figures
    stated = sum(region.area_km2.point * region.held.point / 100 for region in regions)
    assert np.allclose(on_date.held, stated)


def test_a_deal_text_and_resolved_events_are_dated_data() -> None:
    deal = load_deal("28-point", UKRAINE)
    found = dict(entries(UKRAINE, D("2025-12-02"), parts=(), deal=deal))
    assert found["deal:28-point"] == D("2025-11-20") and "S2" in found
    assert "event:R3" not in dict(entries(UKRAINE, D("2025-12-27"), parts=PARTS))
    assert dict(entries(UKRAINE, D("2025-12-28"), parts=PARTS))["event:R3"] == D("2025-12-28")


def test_with_sources_adds_the_key_and_keeps_the_rest() -> None:
    payload = {"as_of": "2025-12-02", "value": 1.5}
    added = with_sources(payload, UKRAINE, D("2025-12-02"))
    assert {k: v for k, v in added.items() if k != "sources_used"} == payload
    assert added["sources_used"] == sorted(added["sources_used"], key=lambda item: item["id"])
    assert all(set(item) == {"id", "date"} for item in added["sources_used"])


def test_latest_date_and_files() -> None:
    assert latest_date(UKRAINE) == D("2026-03-21")
    files = [
        {"file": "a.geojson", "date": "2025-12-01"},
        {"file": "b.geojson", "date": "2025-12-02", "source": "DeepState"},
        {"file": "c.geojson", "date": "2025-12-09", "source": "DeepState"},
    ]
    assert files_used(files) == [
        {"id": "DeepState", "date": "2025-12-09"},
        {"id": "a.geojson", "date": "2025-12-01"},
    ]
