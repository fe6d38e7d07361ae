"""The monthly cost of war: the walk-away points as a function of it, and where they cross.

In the bargaining-while-fighting model of :mod:`accord.dynamics.war` a side's cost c_s enters
its walk-away point only through Σ_u β^u c_s,k, so the point is linear in the cost:

    w_s(c) = w_s(0) + c · ∂w_s/∂c.

Hence one *break-even* cost per side and theatre: the advancing side's at which it would accept
today's line (w_A = h; above it the side prefers the frozen line to fighting on), the defending
side's at which it would hand over the whole contested area (w_D = 1). Observed refusals bound
the costs: a side that turned down the other's terms while the war went on revealed a cost below
its break-even at that date (revealed preference; Fearon 1995 for the range, Powell 2004 for
bargaining while fighting). ``scripts/derive_war_costs.py`` conditions a flat prior on those
refusals to give the scenario's cost ranges; docs/war-and-ratification.md shows the derivation.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization* 49(3).
Powell, R. (2004). Bargaining and learning while fighting. *AJPS* 48(2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.dynamics.common import months_between
from accord.dynamics.war import WarAnalysis, WarSample, expected_line, look_ahead, sample_war
from accord.scenario.compile import FloatArray, as_of
from accord.scenario.schema import Scenario


@dataclass(frozen=True, eq=False)
class CostSensitivity:
    """Each side's walk-away point as a function of its monthly cost (other numbers at points).

    Attributes
    ----------
    regime : str
        The aid regime (the scenario's default).
    line : FloatArray
        ``[K]`` the expected line at the evaluation date (shares of the contested areas).
    costs, walk_away, break_even : dict
        Per side id: ``[C]`` costs in percent (the range's low, mode, high and the midpoints);
        ``[C, K]`` the side's walk-away points at those costs (shares, not clipped);
        ``[K]`` the break-even costs in percent (``inf`` where the cost does not move it).
    """

    regime: str
    line: FloatArray
    costs: dict[str, FloatArray]
    walk_away: dict[str, FloatArray]
    break_even: dict[str, FloatArray]

    def to_json(self, analysis: WarAnalysis) -> dict[str, Any]:
        """``{"regime", "month", "line": {ISSUE}, "sides": {ACTOR: {...}}}`` in the issues' units.

        Per side: ``"range": {"low", "mode", "high"}`` (its cost, percent of the contested area
        a month), ``"break_even": {ISSUE: percent | null}`` and ``"points": [{"cost",
        "walk_away": {ISSUE: value}}]``; other numbers at their point values.
        """
        war = analysis.sample.war
        issues = analysis.sample.theatre_ids

        def units(shares: FloatArray, bound: str) -> dict[str, float]:
            return {
                issue: round(float(analysis.to_units(np.array(shares[k]), k, bound)), 2)
                for k, issue in enumerate(issues)
            }

        sides: dict[str, Any] = {}
        for actor, bound in ((war.advancing, "low"), (war.defending, "high")):
            number = war.side(actor).cost
            sides[actor] = {
                "range": {"low": number.low, "mode": number.point, "high": number.high},
                "break_even": {
                    issue: round(float(value), 3) if np.isfinite(value) else None
                    for issue, value in zip(issues, self.break_even[actor], strict=True)
                },
                "points": [
                    {"cost": round(float(cost), 4), "walk_away": units(row, bound)}
                    for cost, row in zip(self.costs[actor], self.walk_away[actor], strict=True)
                ],
            }
        labels = analysis.month_labels()
        return {
            "regime": self.regime,
            "month": labels[0] if labels else None,
            "line": units(self.line, "low"),
            "sides": sides,
        }


def break_even(war: WarSample, start: float, regime: str | None = None) -> dict[str, FloatArray]:
    """``{side: [B, K]}`` the monthly cost (percent) at which each side's walk-away point crosses.

    For the advancing side the cost at which it accepts today's expected line (w_A = h); for the
    defending side the cost at which it hands over the whole contested area (w_D = 1); ``inf``
    where the cost does not move the point, 0 where it is crossed at no cost. Exact, since the
    walk-away points are linear in the cost. ``start`` is months since the line date (as in
    :func:`accord.dynamics.war.look_ahead`); ``regime`` defaults to the scenario's default.
    """
    regime_id = regime or war.war.regime().id
    line = expected_line(war, regime_id, [start])[:, 0]
    result: dict[str, FloatArray] = {}
    for s, actor in enumerate((war.war.advancing, war.war.defending)):
        zero, one = (walk_away_at(war, regime_id, start, s, percent) for percent in (0.0, 1.0))
        slope = one - zero
        target = line if s == 0 else np.ones_like(line)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = np.where(slope != 0, (target - zero) / slope, np.inf)
        result[actor] = np.maximum(crossing, 0.0)
    return result


def cost_sensitivity(war: WarSample, start: float, regime: str | None = None) -> CostSensitivity:
    """Walk-away points across each side's cost range, from a point-value sample (``B = 1``).

    Each side's cost is swept on its own over the low, mode and high of its range and the
    midpoints (a side's walk-away point does not depend on the other's cost).
    """
    regime_id = regime or war.war.regime().id
    costs: dict[str, FloatArray] = {}
    points: dict[str, FloatArray] = {}
    for s, actor in enumerate((war.war.advancing, war.war.defending)):
        number = war.war.side(actor).cost
        ends = [number.point] if number.low is None else [number.low, number.point, number.high]
        grid = np.unique(np.concatenate([ends, (np.array(ends[:-1]) + ends[1:]) / 2.0]))
        costs[actor] = grid
        points[actor] = np.array(
            [walk_away_at(war, regime_id, start, s, float(c))[0] for c in grid]
        )
    even = {actor: value[0] for actor, value in break_even(war, start, regime_id).items()}
    line = expected_line(war, regime_id, [start])[0, 0]
    return CostSensitivity(regime_id, line, costs, points, even)


def walk_away_at(
    war: WarSample, regime: str, start: float, side: int, percent: float
) -> FloatArray:
    """``[B, K]`` one side's walk-away points (0 advancing, 1 defending) at cost ``percent``."""
    cost = np.array(war.cost, copy=True)
    cost[:, side] = percent / 100.0
    ahead = look_ahead(dataclasses.replace(war, cost=cost), regime, [start])
    return np.asarray((ahead.advancing if side == 0 else ahead.defending)[:, 0])


def revealed_costs(
    scenario: Scenario,
    refusals: Sequence[dt.date],
    *,
    draws: int = 4000,
    prior_high: float = 5.0,
    seed: int = 0,
) -> dict[str, FloatArray]:
    """Per side, draws of its monthly cost (percent) consistent with refusals at these dates.

    Each of ``draws`` draws of the war block's other numbers (the same uniforms at every date)
    gives each side's break-even cost at each date (:func:`break_even`, default regime, first
    theatre); a side that refused the other's terms at every date had a cost below the least of
    them. A flat prior on [0, ``prior_high``] is conditioned on that (rejection sampling, twenty
    prior draws per draw of the rest): the accepted costs, pooled, are returned.
    """
    return dated_revealed_costs(scenario, refusals, draws=draws, prior_high=prior_high, seed=seed)[
        -1
    ]


def dated_revealed_costs(
    scenario: Scenario,
    refusals: Sequence[dt.date],
    *,
    draws: int = 4000,
    prior_high: float = 5.0,
    seed: int = 0,
) -> list[dict[str, FloatArray]]:
    """:func:`revealed_costs` conditioned on the first 1, 2, ... refusals, one entry each.

    So the cost range known at each date uses only the refusals known by then (no look-ahead):
    entry ``k`` is what an analyst knew once the ``k``-th refusal was public. Each refusal's
    break-even is computed on the scenario as of its own date; every entry conditions the same
    prior draws, so the ranges only tighten.
    """
    least: dict[str, FloatArray] = {}
    result: list[dict[str, FloatArray]] = []
    for date in refusals:
        current = as_of(scenario, date)
        war = sample_war(current, draws, np.random.default_rng(seed), date=date)
        start = max(0.0, months_between(war.line_date, date))
        for actor, value in break_even(war, start).items():
            least[actor] = np.minimum(least.get(actor, np.inf), value[:, 0])
        generator = np.random.default_rng([seed, 1])
        kept: dict[str, FloatArray] = {}
        for actor, bound in least.items():
            prior = generator.uniform(0.0, prior_high, (20, draws))
            kept[actor] = prior[prior < bound[None, :]]
        result.append(kept)
    return result
