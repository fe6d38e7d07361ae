"""The numbers ``forecast``, ``deal``, ``simulate`` and ``ratify`` share with ``accord odds``.

Each of those commands reports P(zone open), P(agreement by the end of the talks | zone) and
P(ratified | signed) from :func:`accord.analysis.odds.components`: the same function as
``accord odds`` on the same draws and seed, so ``accord odds -n N --seed S`` prints the same
three numbers. The line says so; the JSON carries them under ``"odds"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from accord.scenario.schema import Scenario

if TYPE_CHECKING:
    from accord.analysis.odds import Odds
    from accord.dynamics.talks import Simulation


def shared_odds(
    scenario: Scenario,
    *,
    date: dt.date | None,
    runs: int | None,
    seed: int | None,
    regime: str | None = None,
    simulation: Simulation | None = None,
) -> Odds | None:
    """The shared components, or ``None`` (no draws, no veto players or no date)."""
    from accord.analysis.odds import components

    if not runs:
        return None
    return components(
        scenario, date=date, runs=runs, seed=seed or 0, regime=regime, simulation=simulation
    )


def odds_line(result: Odds) -> str:
    """One line: the three components and the ``accord odds`` command that gives them."""
    parts = result.components
    return (
        f"Shared with accord odds (same function, {result.runs:,} draws, seed {result.seed}, "
        f"as of {result.as_of}): P(zone open) {parts['zone']:.3f} × P(agreement by the end of "
        f"the talks | zone) {parts['reached_by']:.3f} × P(ratified | signed) "
        f"{parts['ratified_given_signed']:.3f} = {result.probability.probability:.3f}; "
        f"`accord odds --as-of {result.as_of} -n {result.runs} --seed {result.seed}` gives the "
        "same numbers."
    )


def with_odds(
    data: Callable[[], dict[str, Any]], result: Odds | None
) -> Callable[[], dict[str, Any]]:
    """``data`` with the shared components under ``"odds"`` (when there are any)."""
    if result is None:
        return data
    from accord.analysis.odds import components_json

    return lambda: {**data(), "odds": components_json(result)}


def tables_with_odds(
    tables: Callable[[], Iterable[Any]], result: Odds | None
) -> Callable[[], Iterable[Any]]:
    """``tables`` followed by :func:`odds_line` (when there are shared numbers)."""
    if result is None:
        return tables

    def joined() -> Iterable[Any]:
        yield from tables()
        yield odds_line(result)

    return joined
