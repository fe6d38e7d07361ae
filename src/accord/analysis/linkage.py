"""Linkage: the issue trades among veto players, and whether a package could open a deal.

Two questions an analyst asks when issue-by-issue bargaining stalls:

1. **Which trades pay?** Among the veto players, every pair that stands on opposite sides of the
   expected outcome on two issues and cares about them in different proportions can trade: each
   gives ground on the issue it cares less about for ground on the one it cares more about. The
   trades are the equal-gain exchanges of Stokman's exchange model
   (:mod:`accord.models.exchange`) at the scenario's positions, expected outcomes being the
   capability × salience weighted means over all actors; listed by gain.
2. **Could a package open a deal?** When the zone of agreement (:mod:`accord.analysis.zone`) is
   empty, some veto players' red lines clash issue by issue. A multi-issue package can still be
   worth more than no deal to every veto player. The smallest such package is the outcome
   closest to the compromise forecast (least total movement, in share of each issue's scale)
   with U_a(x) ≥ U_a(no deal) for every veto player (the rule of
   :mod:`accord.scenario.acceptance`: salience-weighted linear utility, no deal from the
   scenario's ``no_deal`` block or the war's projection, else the status quo, an issue without
   one counting at the actor's own position), found by linear programming. It opens
   a deal only if the red lines it crosses give way, so the package lists them.

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions. In Bueno de Mesquita &
Stokman (eds.), *European Community Decision Making*, Yale UP, 105-127.
Sebenius, J. K. (1983). Negotiation arithmetic: adding and subtracting issues and parties.
*International Organization* 37(2):281-316.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog

from accord.analysis.zone import Zone, _no_deal, zone
from accord.models.compromise import weighted_mean
from accord.models.exchange_kernels import SCALE, potential_exchanges
from accord.scenario.acceptance import bounds, utility
from accord.scenario.compile import Problem, compile
from accord.scenario.schema import Scenario

#: Package issues that move less than this (share of the scale) count as unmoved.
MOVED = 1e-6


@dataclass(frozen=True)
class Trade:
    """One two-issue trade: ``giver`` gives ground on ``give_issue``, ``taker`` on ``take_issue``.

    Positions are in the issues' units; ``gain`` (the same for both) in salience × share of
    the scale.
    """

    giver: str
    give_issue: str
    give_from: float
    give_to: float
    taker: str
    take_issue: str
    take_from: float
    take_to: float
    gain: float


@dataclass(frozen=True)
class Package:
    """An outcome on every issue that every veto player prefers to no deal.

    ``moved``: the issues where it departs from the compromise forecast; ``crosses``: issue ->
    the veto players whose red lines or conditions it crosses; ``margin``: veto player -> its
    utility of the package minus that of no deal.
    """

    outcome: dict[str, float]
    baseline: dict[str, float]
    moved: tuple[str, ...]
    crosses: dict[str, tuple[str, ...]]
    margin: dict[str, float]


@dataclass(frozen=True)
class Linkage:
    """Trades among the veto players and the smallest package worth more than no deal."""

    scenario_id: str
    as_of: dt.date | None
    veto_players: tuple[str, ...]
    trades: tuple[Trade, ...]
    zone: Zone
    package: Package | None
    benchmarked: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def opens(self) -> bool:
        """Whether a package beats no deal for every veto player while the zone is empty."""
        return not self.zone.feasible and self.package is not None

    def verdict(self) -> str:
        """The answer in plain words."""
        count = len(self.trades)
        lines = [f"{count} trade{'s' if count != 1 else ''} among the veto players pay both sides."]
        if self.zone.feasible:
            lines.append("The zone of agreement is open issue by issue; no package is needed.")
        elif self.package is None:
            lines.append(
                "The zone of agreement is empty, and no package beats no deal for every veto "
                "player: trades cannot open a deal."
            )
        else:
            crossed = sorted({a for actors in self.package.crosses.values() for a in actors})
            moved = ", ".join(self._name(f"issue:{d}") for d in self.package.moved) or "none"
            lines.append(
                "The zone of agreement is empty issue by issue, but a package beats no deal for "
                f"every veto player (issues moved from the compromise forecast: {moved})"
                + (
                    "; it opens a deal only if the red lines of "
                    f"{', '.join(map(self._name, crossed))} give way."
                    if crossed
                    else "."
                )
            )
        return " ".join(lines)

    def _name(self, key: str) -> str:
        return self.names.get(key, key.removeprefix("issue:"))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        package = None
        if self.package is not None:
            package = {
                "outcome": self.package.outcome,
                "baseline": self.package.baseline,
                "moved": list(self.package.moved),
                "crosses": {k: list(v) for k, v in self.package.crosses.items()},
                "margin": self.package.margin,
            }
        return {
            "scenario": self.scenario_id,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "veto_players": list(self.veto_players),
            "trades": [vars(trade) for trade in self.trades],
            "zone_open": self.zone.feasible,
            "package": package,
            "opens": self.opens,
            "benchmarked": list(self.benchmarked),
            "verdict": self.verdict(),
        }


def linkage(scenario: Scenario, *, date: dt.date | None = None) -> Linkage:
    """Trades among the veto players of ``scenario`` as of ``date``, and the smallest package."""
    problem = compile(scenario, date=date)
    veto = problem.veto_players
    veto_ids = tuple(a for a, flag in zip(problem.actor_ids, veto, strict=True) if flag)
    trades = _trades(problem, veto)
    found = zone(scenario, date=date, problem=problem)
    no_deal = _benchmark(problem, _no_deal(scenario, problem, date)[0])
    benchmarked = tuple(
        actor for a, actor in enumerate(problem.actor_ids) if veto[a] and np.isfinite(no_deal[a])
    )
    package = None if found.feasible or not veto_ids else _package(problem, no_deal)
    names = {actor.id: actor.name for actor in scenario.actors}
    names.update({f"issue:{issue.id}": issue.name for issue in scenario.issues})
    return Linkage(scenario.id, problem.as_of, veto_ids, trades, found, package, benchmarked, names)


def _benchmark(problem: Problem, no_deal: Any) -> Any:
    """No deal's utility per actor, where the scenario gives none: the status quo's.

    An issue without a status quo stays unresolved without a deal, which costs nobody anything:
    it counts at the actor's own position (so no deal is never undervalued).
    """
    position = problem.position[:1]
    status_quo = np.broadcast_to(problem.status_quo[:1, None, :], position.shape)
    staying = utility(
        position, problem.salience[:1], np.where(np.isnan(status_quo), position, status_quo)
    )
    return np.where(np.isfinite(no_deal), no_deal, staying[0])


def _trades(problem: Problem, veto: Any) -> tuple[Trade, ...]:
    offer = potential_exchanges(
        problem.position[:1] * SCALE, problem.capability[:1], problem.salience[:1]
    )
    both = offer.valid[0] & veto[offer.i[0]] & veto[offer.j[0]]
    order = np.flatnonzero(both)
    order = order[np.argsort(-offer.gain[0, order], kind="stable")]
    span = problem.scale_max - problem.scale_min

    def units(value: float, issue: int) -> float:
        return float(problem.scale_min[issue] + span[issue] * value / SCALE)

    trades = []
    for k in order:
        p, q = int(offer.p[0, k]), int(offer.q[0, k])
        trades.append(
            Trade(
                giver=problem.actor_ids[int(offer.i[0, k])],
                give_issue=problem.issue_ids[q],
                give_from=units(offer.xs_i[0, k], q),
                give_to=units(offer.y_i[0, k], q),
                taker=problem.actor_ids[int(offer.j[0, k])],
                take_issue=problem.issue_ids[p],
                take_from=units(offer.xs_j[0, k], p),
                take_to=units(offer.y_j[0, k], p),
                gain=float(offer.gain[0, k]) / SCALE,
            )
        )
    return tuple(trades)


def _package(problem: Problem, no_deal: Any) -> Package | None:
    """The least movement from the compromise forecast that beats no deal for every veto player.

    Variables x (I), t (V × I) with t_ad ≥ |x_d − p_ad|, and u (I) with u_d ≥ |x_d − x0_d|;
    minimise Σ u_d subject to Σ_d s_ad t_ad ≤ S_a (1 − U_a(no deal)) for every veto player a
    with a no-deal benchmark.
    """
    issues = problem.n_issues
    veto = problem.veto_players
    chosen = [a for a in np.flatnonzero(veto) if np.isfinite(no_deal[a])]
    weight = problem.capability[:1, :, None] * problem.salience[:1]
    baseline = weighted_mean(weight, problem.position[:1])[0]
    count = len(chosen)
    size = issues + count * issues + issues
    cost = np.zeros(size)
    cost[issues + count * issues :] = 1.0
    rows: list[Any] = []
    limits: list[float] = []

    def row() -> Any:
        return np.zeros(size)

    for d in range(issues):
        u = issues + count * issues + d
        for sign in (1.0, -1.0):
            line = row()
            line[d], line[u] = sign, -1.0
            rows.append(line)
            limits.append(sign * baseline[d])
    for v, a in enumerate(chosen):
        salience = problem.salience[0, a]
        for d in range(issues):
            t = issues + v * issues + d
            for sign in (1.0, -1.0):
                line = row()
                line[d], line[t] = sign, -1.0
                rows.append(line)
                limits.append(sign * problem.position[0, a, d])
        line = row()
        line[issues + v * issues : issues + (v + 1) * issues] = salience
        rows.append(line)
        limits.append(float(salience.sum() * (1.0 - no_deal[a])))
    if not rows:  # pragma: no cover - a scenario always has issues
        return None
    box = [(0.0, 1.0)] * issues + [(0.0, None)] * (size - issues)
    solved = linprog(cost, A_ub=np.array(rows), b_ub=np.array(limits), bounds=box, method="highs")
    if solved.status != 0:
        return None
    point = np.clip(solved.x[:issues], 0.0, 1.0)
    span = problem.scale_max - problem.scale_min
    units = problem.scale_min + span * point
    base_units = problem.scale_min + span * baseline
    low, high = bounds(problem)
    crosses: dict[str, tuple[str, ...]] = {}
    for d, issue in enumerate(problem.issue_ids):
        outside = [
            problem.actor_ids[a]
            for a in np.flatnonzero(veto)
            if point[d] < low[0, a, d] - 1e-9 or point[d] > high[0, a, d] + 1e-9
        ]
        if outside:
            crosses[issue] = tuple(outside)
    value = utility(problem.position[:1], problem.salience[:1], point[None, :])[0]
    return Package(
        outcome={issue: float(units[d]) for d, issue in enumerate(problem.issue_ids)},
        baseline={issue: float(base_units[d]) for d, issue in enumerate(problem.issue_ids)},
        moved=tuple(
            issue
            for d, issue in enumerate(problem.issue_ids)
            if abs(point[d] - baseline[d]) > MOVED
        ),
        crosses=crosses,
        margin={problem.actor_ids[a]: float(value[a] - no_deal[a]) for a in chosen},
    )
