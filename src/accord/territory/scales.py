"""One mapping of each territorial issue's scale to territory, shared by war, map and deals.

Scales of territorial issues are ordinal: their anchors say who holds the ground and in what
status, so a value is not read as a percentage of area. Each :class:`ScaleRule` gives two
piecewise-linear curves over the scale, with knots on the issue's anchors:

* ``leaves``: the share of the area Ukraine holds in the rule's oblasts that it gives up
  (the share of the theatre's contested area that changes hands);
* ``russian``: the share of that given-up area counted as Russian-controlled (the rest is a
  demilitarised zone held by neither side).

``donbas`` (ukraine-2025's anchors): at 0 (line frozen) and 25 (a demilitarised zone with an
equal Russian pullback) nothing changes hands; from 25 to 50 (Ukraine withdraws into a
demilitarised zone) the share Ukraine leaves rises from 0 to 1; from 50 to 75 the zone goes from
demilitarised to recognised as Russian; 75-100 all of it Russian. ``southern_line``: a value v
hands v % of the area Ukraine holds in Zaporizhzhia and Kherson to Russia.

The war model (:mod:`accord.dynamics.war`) reads a theatre's position through ``leaves`` (the
battlefield sees who holds the ground, not its legal status) and writes a share of the contested
area back onto the scale through :meth:`ScaleRule.value_for`; the map
(:mod:`accord.report.map`) and the deal arithmetic use the same rules, so one value means the
same km² everywhere (:meth:`ScaleRule.km2`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.scenario.schema import Issue, Scenario


def _interpolate(value: Any, knots: Sequence[tuple[float, float]]) -> Any:
    xs = np.array([x for x, _ in knots], dtype=np.float64)
    ys = np.array([y for _, y in knots], dtype=np.float64)
    return np.interp(value, xs, ys)


@dataclass(frozen=True)
class ScaleRule:
    """How one issue's value turns into territory that changes hands (see the module doc)."""

    issue: str
    oblasts: tuple[str, ...]
    scale: tuple[float, float]
    leaves: tuple[tuple[float, float], ...]
    russian: tuple[tuple[float, float], ...]
    meaning: str

    def shares(self, value: float) -> tuple[float, float]:
        """``(share Ukraine gives up, share of that counted as Russian)`` at ``value``."""
        low, high = self.scale
        value = min(max(float(value), low), high)
        return float(_interpolate(value, self.leaves)), float(_interpolate(value, self.russian))

    def share_for(self, value: Any) -> Any:
        """Share of the contested area that changes hands at ``value`` (vectorised)."""
        low, high = self.scale
        return _interpolate(np.clip(value, low, high), self.leaves)

    def value_for(self, share: Any, bound: str = "low") -> Any:
        """The value on the scale where ``share`` of the contested area changes hands.

        Where several values hand over the same area (donbas 0-25: nothing; 50-100: all of
        it), a side that sees only territory is indifferent among them, so the value is the
        bound of the set it accepts: ``bound="low"``, the least value handing over at least
        ``share`` (the advancing side's walk-away point, and the line); ``bound="high"``, the
        greatest value handing over at most ``share`` (the defending side's). Shares below 0 or
        above 1 give the scale's ends.
        """
        rising = [
            (x0, y0, x1, y1) for (x0, y0), (x1, y1) in itertools.pairwise(self.leaves) if y1 > y0
        ]
        xs = [rising[0][0]] + [x1 for _, _, x1, _ in rising]
        ys = [rising[0][1]] + [y1 for _, _, _, y1 in rising]
        low, high = self.scale
        share = np.asarray(share, dtype=np.float64)
        inside = np.interp(np.clip(share, 0.0, 1.0), ys, xs)
        if bound == "low":
            return np.where(share <= ys[0], low, np.where(share > ys[-1], high, inside))
        return np.where(share < ys[0], low, np.where(share >= ys[-1], high, inside))

    def km2(self, value: float, contested_km2: float) -> tuple[float, float]:
        """``(km² Ukraine gives up, km² of it Russian)`` out of ``contested_km2`` it holds."""
        leaves, russian = self.shares(value)
        return contested_km2 * leaves, contested_km2 * leaves * russian


RULES = (
    ScaleRule(
        "donbas",
        ("UA-14", "UA-09"),
        (0.0, 100.0),
        ((0.0, 0.0), (25.0, 0.0), (50.0, 1.0), (100.0, 1.0)),
        ((0.0, 0.0), (50.0, 0.0), (75.0, 1.0), (100.0, 1.0)),
        "0-25: nothing changes hands; 25-50: Ukraine leaves 0-100 % of what it holds in Donetsk "
        "and Luhansk; 50-75: the area it left goes from demilitarised to recognised as Russian; "
        "75-100: all of it Russian",
    ),
    ScaleRule(
        "southern_line",
        ("UA-23", "UA-65"),
        (0.0, 100.0),
        ((0.0, 0.0), (100.0, 1.0)),
        ((0.0, 1.0), (100.0, 1.0)),
        "v hands v % of what Ukraine holds in Zaporizhzhia and Kherson to Russia",
    ),
)


def rule(issue_id: str) -> ScaleRule | None:
    """The rule for an issue id, if it has one."""
    return next((candidate for candidate in RULES if candidate.issue == issue_id), None)


def rule_problem(candidate: ScaleRule, issue: Issue) -> tuple[str, str, str] | None:
    """Why ``issue`` does not fit ``candidate``: ``(message, field, hint)``; None if it fits."""
    if (issue.min, issue.max) != candidate.scale:
        return (
            f"issue {candidate.issue!r} runs {issue.min:g}-{issue.max:g}; the territory rule "
            f"expects {candidate.scale[0]:g}-{candidate.scale[1]:g}",
            "min",
            "keep ukraine-2025's scale for this issue so values mean the same territory",
        )
    anchors = {anchor.value for anchor in issue.anchors}
    knots = sorted({value for value, _ in candidate.leaves + candidate.russian})
    missing = [value for value in knots if value not in anchors]
    if missing:
        return (
            f"issue {candidate.issue!r} has no anchor at {', '.join(f'{v:g}' for v in missing)}, "
            "where the territory rule changes",
            "anchors",
            "keep ukraine-2025's anchors for this issue: the rule reads what each anchor means "
            f"({candidate.meaning})",
        )
    return None


def check_rules(scenario: Scenario) -> None:
    """Raise :class:`InputError` unless ``scenario`` has every rule's issue, as expected."""
    issues = {issue.id: (index, issue) for index, issue in enumerate(scenario.issues)}
    for candidate in RULES:
        if candidate.issue not in issues:
            raise InputError.single(
                scenario.id,
                f"the map needs an issue {candidate.issue!r}, which this scenario lacks",
                path=("issues",),
                hint="the oblast map works with scenarios that keep ukraine-2025's 'donbas' and "
                "'southern_line' issues and scales",
            )
        index, issue = issues[candidate.issue]
        problem = rule_problem(candidate, issue)
        if problem is not None:
            message, field, hint = problem
            raise InputError.single(scenario.id, message, path=("issues", index, field), hint=hint)


def applicable(scenario: Scenario, issue_id: str) -> ScaleRule | None:
    """The rule for ``issue_id`` when the scenario's issue fits it (else None: read linearly)."""
    candidate = rule(issue_id)
    if candidate is None:
        return None
    issue = next((item for item in scenario.issues if item.id == issue_id), None)
    if issue is None or rule_problem(candidate, issue) is not None:
        return None
    return candidate
