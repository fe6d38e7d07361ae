"""What a result rests on: the dated sources and data behind the numbers in force on a date.

Every command's JSON carries ``"sources_used": [{"id", "date"}, ...]`` (issue 12, "no
look-ahead, enforced"), built here and nowhere else. :func:`sources_used` lists, for an
evaluation date D:

* the sources cited by the numbers in force on D (the base values with every update dated on or
  before D applied, see :func:`accord.scenario.compile.as_of`), and by those updates;
* for the blocks a command reads (``parts``): the war block's numbers and its control figures
  (``war.control``, dated by the war's ``as_of``; not read before that date when the war has a
  control series), the snapshot of the derived control series the
  line is read from (``series:deepstate``, dated by the snapshot), the guarantees, the
  ratification block with the polls dated on or before D (``poll:ID``, dated by the poll), the
  talks settings, the no-deal block, and the events resolved on or before D (``event:ID``, dated
  by ``resolved``) with their sources;
* a deal text (``deal:ID``, dated by the text) and its sources, where the command values one.

Entries are sorted by id; a source without a date has ``"date": null``. The leak test
(``tests/integration/test_leaks.py``) checks that no listed date is after D and that deleting
everything dated after D from the scenario changes no number of any command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from accord.scenario.schema import Scenario

if TYPE_CHECKING:
    from accord.dynamics.deal import Deal

#: The blocks of a scenario a command may read, beside the issues, actors and updates.
PARTS = ("no_deal", "war", "guarantees", "ratification", "talks", "events")
#: What the commands that forecast from positions read: the core and what "no deal" means.
FORECAST_PARTS = ("no_deal",)
#: What the war analysis reads: the war block, and the no-deal block for its Nash comparison.
WAR_PARTS = ("no_deal", "war")
#: What valuing a deal reads: the war (fighting on) and the guarantees (breakdown).
DEAL_PARTS = ("no_deal", "war", "guarantees")
#: What the talks, ratification and odds read: every block but the events.
DYNAMICS_PARTS = ("no_deal", "war", "guarantees", "ratification", "talks")

Entry = tuple[str, dt.date | None]


def sources_used(
    scenario: Scenario,
    date: dt.date | None = None,
    *,
    parts: Collection[str] = FORECAST_PARTS,
    deal: Deal | None = None,
) -> list[dict[str, Any]]:
    """``[{"id", "date"}]``: the dated sources and data behind the numbers in force on ``date``.

    Parameters
    ----------
    scenario
        The scenario with its updates (a snapshot from :func:`~accord.scenario.compile.as_of`
        works too: it keeps them).
    date
        Evaluation date (default: the scenario's ``as_of``; with neither, everything counts).
    parts
        The blocks the command reads, from :data:`PARTS` (issues, actors and updates always
        count). ``no_deal`` brings in the war where the no-deal block takes an actor's no-deal
        outcome from it.
    deal
        A deal text the command values.
    """
    return [
        {"id": name, "date": None if day is None else day.isoformat()}
        for name, day in entries(scenario, date, parts=parts, deal=deal)
    ]


def with_sources(
    payload: Mapping[str, Any],
    scenario: Scenario,
    date: dt.date | None = None,
    *,
    parts: Collection[str] = FORECAST_PARTS,
    deal: Deal | None = None,
) -> dict[str, Any]:
    """``payload`` with the top-level key ``sources_used`` (see :func:`sources_used`) added."""
    return {
        **payload,
        "sources_used": sources_used(scenario, date, parts=parts, deal=deal),
    }


def entries(
    scenario: Scenario,
    date: dt.date | None = None,
    *,
    parts: Collection[str] = FORECAST_PARTS,
    deal: Deal | None = None,
) -> tuple[Entry, ...]:
    """The ``(id, date)`` pairs of :func:`sources_used`, sorted by id."""
    from accord.scenario.checks import numbers
    from accord.scenario.compile import as_of

    when = date or scenario.as_of
    current = as_of(scenario, when)
    blocks = set(parts)
    if "no_deal" in blocks and _no_deal_from_war(scenario):
        blocks.add("war")
    dates = {source.id: source.date for source in scenario.sources}
    cited: set[str] = set()
    data: dict[str, dt.date | None] = {}
    referendum = current.ratification.referendum if current.ratification else None
    polls = referendum.polls if referendum is not None else []
    war = current.war
    # Before the war block's date its control figures are not read: the series' shares are.
    unread_control = war is not None and war.series is not None and _after(war.as_of, when)
    for path, number in numbers(current):
        head = str(path[0])
        if head == "updates" or (head == "issues" and path[2] == "outcome"):
            continue  # updates: below, those in force only; outcomes are what is forecast
        if unread_control and path[:2] == ("war", "control") and path[3] == "held":
            continue
        if head in ("issues", "actors") or head in blocks:
            if path[:3] == ("ratification", "referendum", "polls") and not _known(
                polls[int(path[3])].date, when
            ):
                continue
            cited.update(number.source)
    for update in scenario.updates:
        if _known(update.date, when):
            cited.update(update.sources)
            for number in update.changes.values():
                cited.update(number.source)
    for actor in current.actors:
        for condition in actor.requires:
            cited.update(condition.source)
    if "no_deal" in blocks and current.no_deal is not None:
        cited.update(current.no_deal.source)
    if "war" in blocks and war is not None:
        if not unread_control:
            data["war.control"] = war.as_of
        if war.series is not None:
            data[f"series:{war.series.source}"] = _snapshot_date(when)
    if "ratification" in blocks and referendum is not None:
        for poll in polls:
            if _known(poll.date, when):
                cited.update(poll.source)
                data[f"poll:{poll.id}"] = poll.date
    if "events" in blocks:
        for event in current.events:
            if event.resolved is not None and _known(event.resolved, when):
                cited.update(event.sources)
                data[f"event:{event.id}"] = event.resolved
    if deal is not None:
        cited.update(deal.sources)
        for number in deal.terms.values():
            cited.update(number.source)
        for provision in deal.provisions:
            cited.update(provision.source)
        data[f"deal:{deal.id}"] = deal.date
    found: dict[str, dt.date | None] = {source: dates.get(source) for source in cited}
    found.update(data)
    return tuple(sorted(found.items()))


def files_used(files: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``sources_used`` of a measurement of map files (``accord territory``): each source once.

    A file's source is its ``source`` (the shipped series: ``DeepState``) or its name, dated by
    the latest of its files.
    """
    found: dict[str, str | None] = {}
    for item in files:
        name = str(item.get("source") or item.get("file"))
        day = item.get("date")
        if name not in found or (day is not None and (found[name] or "") < day):
            found[name] = day
    return [{"id": name, "date": day} for name, day in sorted(found.items())]


def latest_date(scenario: Scenario) -> dt.date | None:
    """The last date the scenario knows of (its ``as_of``, updates, polls, resolved events).

    The evaluation date of results that span the scenario's whole history (the ledger).
    """
    days = [update.date for update in scenario.updates]
    days += [event.resolved for event in scenario.events if event.resolved is not None]
    if scenario.ratification is not None and scenario.ratification.referendum is not None:
        days += [poll.date for poll in scenario.ratification.referendum.polls]
    if scenario.as_of is not None:
        days.append(scenario.as_of)
    return max(days, default=None)


def later(items: Iterable[Mapping[str, Any]], date: dt.date) -> list[Mapping[str, Any]]:
    """The entries of a ``sources_used`` list dated after ``date`` (what the leak test flags)."""
    return [
        item
        for item in items
        if item.get("date") is not None and dt.date.fromisoformat(item["date"]) > date
    ]


def _known(day: dt.date, when: dt.date | None) -> bool:
    return when is None or day <= when


def _after(day: dt.date, when: dt.date | None) -> bool:
    return when is not None and day > when


def _no_deal_from_war(scenario: Scenario) -> bool:
    no_deal = scenario.no_deal
    return no_deal is not None and any(entry.from_ == "war" for entry in no_deal.actors.values())


def _snapshot_date(when: dt.date | None) -> dt.date | None:
    """The date of the series snapshot a run as of ``when`` reads (the last on or before it)."""
    from accord.errors import InputError
    from accord.territory import series

    try:
        return series.latest(when).date
    except InputError:
        return None
