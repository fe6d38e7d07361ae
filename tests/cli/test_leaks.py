"""No look-ahead, enforced (issue 12): every command that takes ``--as-of``, at update dates.

For each command and evaluation date D:

(a) no date in the JSON's ``sources_used`` is later than D;
(b) deleting everything dated after D from the scenario (later updates, polls, sources,
    events' outcomes, hosted rounds, and the derived control series' later snapshots) changes
    nothing in the output, numbers and ``sources_used`` alike.

The dates are ukraine-2025's base date and its update dates. The commands run in process
(typer's CliRunner) with few draws. The default run covers every command at four dates;
``pytest -m leak_full`` covers the other 35.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.cli.lazy import load_all
from accord.scenario.load import load
from accord.scenario.provenance import PARTS, entries, later
from accord.scenario.schema import Scenario
from accord.territory import series

SCENARIO = "ukraine-2025"
BASE = load(SCENARIO)
assert BASE.base_date is not None
#: The base date and every update date (39 updates on 38 days).
DATES = sorted({BASE.base_date, *(update.date for update in BASE.updates)})
#: A spread of them for the default run: the base date, the last, and two between.
SPREAD = [DATES[i] for i in (0, 8, 22, len(DATES) - 1)]


def _commands(date: dt.date) -> dict[str, list[str]]:
    """Command name -> its arguments as of ``date`` (JSON, few draws)."""
    # A shipped text dated on or before the date; before the first, the median's forecast.
    deal = ["e3-counter"] if date >= dt.date(2025, 11, 23) else ["28-point"]
    if date < dt.date(2025, 11, 20):
        deal = ["--model", "median"]
    commands = {
        "forecast": ["forecast", SCENARIO, "-m", "median", "-m", "nash", "--no-record"],
        "forecast-draws": ["forecast", SCENARIO, "-m", "median", "-n", "8", "--no-record"],
        "zone": ["zone", SCENARIO],
        "odds": ["odds", SCENARIO, "--by", "2026-06-30", "--draws", "40"],
        "sweep": ["sweep", SCENARIO, "-m", "median", "-n", "8", "--no-record"],
        "sensitivity": ["sensitivity", SCENARIO, "-m", "median", "--samples", "8", "--no-record"],
        "robustness": ["robustness", SCENARIO, "-m", "median"],
        "linkage": ["linkage", SCENARIO],
        "levers": ["levers", SCENARIO, "-a", "ukraine", "-m", "median", "--no-record"],
        "war": ["war", SCENARIO, "--draws", "40"],
        "deal": ["deal", SCENARIO, *deal, "--draws", "40"],
        "ratify": ["ratify", SCENARIO, *deal, "--draws", "40"],
        "simulate": ["simulate", SCENARIO, "--draws", "20"],
        "precedents": ["precedents", SCENARIO],
        "territory": ["territory"],
    }
    return {
        name: [*args, "--as-of", date.isoformat(), "-f", "json"] for name, args in commands.items()
    }


#: Sources published after the scenario's base date that values of the war, guarantees,
#: ratification and talks blocks cite (dated updates cannot change those blocks yet). They show
#: up in ``sources_used`` of runs as of earlier dates: known look-ahead in the data, not in the
#: code (see docs/forecasting.md).


def _referenced(data: Any) -> Iterator[str]:
    """Every source id a dumped scenario cites (``source`` and ``sources`` lists)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("source", "sources") and isinstance(value, list):
                yield from (item for item in value if isinstance(item, str))
            else:
                yield from _referenced(value)
    elif isinstance(data, list):
        for item in data:
            yield from _referenced(item)


def truncated(scenario: Scenario, date: dt.date) -> Scenario:
    """``scenario`` with everything dated after ``date`` deleted."""
    updates = [update for update in scenario.updates if update.date <= date]
    ratification = scenario.ratification
    if ratification is not None and ratification.referendum is not None:
        referendum = ratification.referendum
        polls = [poll for poll in referendum.polls if poll.date <= date]
        ratification = ratification.model_copy(
            update={"referendum": referendum.model_copy(update={"polls": polls})}
        )
    events = [
        event
        if event.resolved is None or event.resolved <= date
        else event.model_copy(update={"outcome": None, "resolved": None})
        for event in scenario.events
    ]
    talks = scenario.talks
    if talks is not None:
        # A host is dated by its rounds: one whose rounds all come later is not yet known.
        hosts = [
            host.model_copy(update={"rounds": [day for day in host.rounds if day <= date]})
            for host in talks.mediators
            if not host.rounds or min(host.rounds) <= date
        ]
        talks = talks.model_copy(update={"mediators": hosts})
    kept = scenario.model_copy(
        update={
            "updates": updates,
            "ratification": ratification,
            "events": events,
            "talks": talks,
        }
    )
    cited = set(_referenced(kept.model_dump(mode="json")))
    sources = [
        source
        for source in scenario.sources
        if source.date is None or source.date <= date or source.id in cited
    ]
    return kept.model_copy(update={"sources": sources})


def _run(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, f"accord {' '.join(args)}: {result.output[-400:]}"
    return json.loads(result.stdout)


@functools.cache
def _cli_modules() -> tuple[Any, ...]:
    load_all()
    names = ("forecast", "zone", "odds", "sweep", "sensitivity", "robustness", "linkage")
    names += ("levers", "dynamics", "analysis", "territory")
    return tuple(importlib.import_module(f"accord.cli.{name}") for name in names)


def _as_known_on(monkeypatch: pytest.MonkeyPatch, date: dt.date) -> None:
    """Make every command see the scenario and the control series cut at ``date``."""
    cut = truncated(BASE, date)
    original = load

    def cut_load(reference: Any, *args: Any, **kwargs: Any) -> Scenario:
        return cut if reference == SCENARIO else original(reference, *args, **kwargs)

    for module in _cli_modules():
        if hasattr(module, "load"):
            monkeypatch.setattr(module, "load", cut_load)
    snapshots = tuple(snap for snap in series._all() if snap.date <= date)
    monkeypatch.setattr(series, "_all", lambda: snapshots)


def check(name: str, date: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    """(a) and (b) of the module docstring for one command as of ``date``."""
    args = _commands(date)[name]
    full = _run(args)
    assert isinstance(full, dict), f"{name}: the JSON is not an object"
    assert "sources_used" in full, f"{name}: no sources_used"
    late = {item["id"] for item in later(full["sources_used"], date)}
    assert not late, f"{name} as of {date} uses later data: {sorted(late)}"
    with monkeypatch.context() as patch:
        _as_known_on(patch, date)
        cut = _run(args)
    assert cut == full, f"{name} as of {date}: {_first_difference(full, cut)}"


def _first_difference(first: Any, second: Any, path: str = "") -> str:
    if isinstance(first, dict) and isinstance(second, dict):
        for key in sorted(set(first) | set(second), key=str):
            if first.get(key) != second.get(key):
                return _first_difference(first.get(key), second.get(key), f"{path}.{key}")
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    return f"{path or 'output'}: {str(first)[:120]} != {str(second)[:120]}"


COMMANDS = list(_commands(DATES[0]))
Check = Callable[[str, dt.date, pytest.MonkeyPatch], None]


def test_the_dates_are_the_base_date_and_the_update_dates() -> None:
    assert len(BASE.updates) == 39 and len(DATES) == 39
    assert DATES[0] == dt.date(2025, 11, 18) and DATES[-1] == dt.date(2026, 3, 21)
    assert set(SPREAD) <= set(DATES) and len(set(SPREAD)) == 4


def test_truncation_deletes_what_is_later_and_keeps_the_rest() -> None:
    date = dt.date(2025, 12, 2)
    cut = truncated(BASE, date)
    assert all(update.date <= date for update in cut.updates)
    assert len(cut.updates) == sum(update.date <= date for update in BASE.updates)
    assert cut.ratification is not None and cut.ratification.referendum is not None
    assert [poll.date for poll in cut.ratification.referendum.polls] == [dt.date(2025, 9, 30)]
    assert all(event.outcome is None for event in cut.events)
    assert cut.actors == BASE.actors and cut.war == BASE.war


def test_no_base_value_rests_on_a_later_source() -> None:
    """Every source behind the base values, the blocks' included, is dated by the base date."""
    assert BASE.base_date is not None
    found = {
        name
        for name, day in entries(BASE, BASE.base_date, parts=PARTS)
        if day is not None and day > BASE.base_date
    }
    assert found == set()


@pytest.mark.parametrize("date", SPREAD, ids=str)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_look_ahead(name: str, date: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    check(name, date, monkeypatch)


@pytest.mark.leak_full
@pytest.mark.parametrize("date", [d for d in DATES if d not in SPREAD], ids=str)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_look_ahead_at_every_update_date(
    name: str, date: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(name, date, monkeypatch)
