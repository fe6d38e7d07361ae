"""As-of runs see only what was published by their date."""

from __future__ import annotations

import datetime as dt

import pytest

import accord
from accord.dynamics.ratify import fit_referendum
from accord.scenario.load import parse


def test_referendum_fit_uses_only_polls_published_by_the_date() -> None:
    scenario = accord.load("ukraine-2025")
    polls = scenario.ratification.referendum.polls  # type: ignore[union-attr]
    date = dt.date(2025, 11, 20)
    early = fit_referendum(scenario, date=date, draws=50, rng=0)
    assert [poll["id"] for poll in early.polls] == [p.id for p in polls if p.date <= date]
    assert all(dt.date.fromisoformat(poll["date"]) <= date for poll in early.polls)
    late = fit_referendum(scenario, date=max(p.date for p in polls), draws=50, rng=0)
    assert len(late.polls) == len(polls) > len(early.polls)


def test_no_poll_yet_is_a_clean_error() -> None:
    scenario = accord.load("ukraine-2025")
    data = scenario.model_dump(mode="json", by_alias=True)
    first = min(p["date"] for p in data["ratification"]["referendum"]["polls"])
    before = dt.date.fromisoformat(first) - dt.timedelta(days=1)
    data["base_date"] = None
    data["updates"] = []
    with pytest.raises(accord.InputError, match="no poll was published by"):
        fit_referendum(parse(data, "early"), date=before, draws=10)
