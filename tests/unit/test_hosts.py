"""Hosts of the talks: they add rounds to the calendar (as of the date), never terms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from accord.analysis.odds import odds
from accord.dynamics.common import filled
from accord.dynamics.hosts import hosted_rate, rounds_per_month, took_part
from accord.dynamics.talks import simulate
from accord.scenario import load, parse

CASE = Path(__file__).parents[1] / "data" / "zone" / "talks.yaml"
HOSTS = [
    {"id": "h1", "name": "Host one", "rounds": ["2025-12-05", "2025-12-19"]},
    {"id": "h2", "name": "Host two", "rounds": ["2025-12-12", "2026-02-10"]},
    {"id": "h3", "name": "Host three", "role": "offered its good offices"},
]


def case(hosts: list[dict[str, Any]] | None) -> Any:
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    if hosts is not None:
        data["talks"]["mediators"] = hosts
    return parse(data, "talks-case")


def test_hosts_take_part_from_their_first_round_and_count_for_three_months() -> None:
    scenario = case(HOSTS)
    before = took_part(scenario, dt.date(2025, 12, 1))
    assert [record.host.id for record in before] == ["h3"]  # no dates: shown, adds nothing
    january = took_part(scenario, dt.date(2026, 1, 1))
    assert [record.host.id for record in january] == ["h1", "h2", "h3"]
    assert january[1].held == (dt.date(2025, 12, 12),)  # the February round is not yet known
    assert hosted_rate(scenario, dt.date(2026, 1, 1)) == pytest.approx(3 / 3)
    # 91 days back from 15 Mar 2026 is 14 Dec 2025: the 19 Dec and 10 Feb rounds count.
    assert hosted_rate(scenario, dt.date(2026, 3, 15)) == pytest.approx(2 / 3)
    assert hosted_rate(scenario, dt.date(2026, 6, 1)) == 0.0
    assert hosted_rate(case(None), dt.date(2026, 1, 1)) == 0.0


def test_the_calendar_is_the_base_draws_plus_the_hosts_rate() -> None:
    scenario = case(HOSTS)
    rate = rounds_per_month(scenario, dt.date(2026, 1, 1), 50, np.random.default_rng(5))
    assert scenario.talks is not None
    base = filled([scenario.talks.rounds_per_month], 1.0, 50, np.random.default_rng(5))[:, 0]
    np.testing.assert_allclose(rate, base + 1.0)
    bare = rounds_per_month(case(None), dt.date(2026, 1, 1), 50, np.random.default_rng(5))
    np.testing.assert_allclose(bare, base)


def test_removing_the_hosts_changes_the_calendar_and_nothing_else() -> None:
    with_hosts, without = case(HOSTS), case(None)
    # The simulated talks are the same run by run: hosts draft nothing and hold no vote.
    a = simulate(with_hosts, runs=120, rng=4)
    b = simulate(without, runs=120, rng=4)
    for name in ("agreed", "rounds", "terms", "holdouts"):
        np.testing.assert_array_equal(getattr(a.talks, name), getattr(b.talks, name))
    data_a, data_b = a.to_json(), b.to_json()
    assert [host["id"] for host in data_a.pop("mediators")] == ["h1", "h2", "h3"]
    assert data_b.pop("mediators") == []
    assert data_a == data_b
    # The odds by a date: the same zone and talks, one more round a month with the hosts.
    by = dt.date(2026, 2, 1)
    hosted = odds(with_hosts, by=by, runs=200, seed=6)
    bare = odds(without, by=by, runs=200, seed=6)
    assert hosted.components["zone"] == bare.components["zone"]
    assert hosted.rounds_available > bare.rounds_available
    assert hosted.signed.probability > bare.signed.probability
    late = dt.date(2027, 1, 1)  # every round fits either way: no difference left
    assert odds(with_hosts, by=late, runs=200, seed=6).signed.probability == pytest.approx(
        odds(without, by=late, runs=200, seed=6).signed.probability
    )


def test_ukraine_hosts_as_of_december_and_march() -> None:
    ukraine = load("ukraine-2025")
    december = took_part(ukraine, dt.date(2025, 12, 2))
    assert [record.host.id for record in december] == ["switzerland"]
    assert hosted_rate(ukraine, dt.date(2025, 12, 2)) == pytest.approx(1 / 3)
    march = took_part(ukraine, dt.date(2026, 3, 1))
    assert [record.host.id for record in march] == ["uae", "switzerland"]
    # Abu Dhabi 23 Jan and 4 Feb, Geneva 17 and 26 Feb; Geneva 23 Nov is more than 91 days back.
    assert hosted_rate(ukraine, dt.date(2026, 3, 1)) == pytest.approx(4 / 3)
