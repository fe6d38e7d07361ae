"""The zone of agreement: the outcomes every veto player accepts, and what would open it.

A deal needs the consent of every veto player (each ``party`` and each ``veto: true`` actor).
By the rule of :mod:`accord.scenario.acceptance`, each of them accepts a box of outcomes (its red
lines and conditions) and, where the scenario's ``no_deal`` block names it, only the part of that
box worth at least as much to it as no deal. The zone is the intersection of these sets:

* Without utility conditions it is a box, and its projection on an issue is
  ``[max_a low_a, min_a high_a]``; empty when some veto player's floor lies above another's
  ceiling, by a gap of ``max low − min high``.
* With utility conditions it is a convex polytope (U_a is concave and piecewise linear), and
  each issue's interval is found by two linear programmes (min and max of x_d) over x and
  t_ad ≥ |x_d − p_ad| (scipy's HiGHS).

When the zone is empty, :func:`openings` gives the smallest concessions that open it, solved as a
linear programme: red lines move by u ≥ 0 so that every floor meets every ceiling, minimising the
total movement (in points of each issue's scale), for three cases: only the floors move, only the
ceilings move, or both (the least total movement). Utility conditions, when they alone close the
zone, are reported as the utility each blocking actor would have to give up.

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation*. Harvard UP (zone of possible agreement).
Sebenius, J. K. (1992). Negotiation analysis: a characterization and review. *Management
Science* 38(1):18-38.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog

from accord.scenario.acceptance import bounds, no_deal_utility
from accord.scenario.compile import BoolArray, FloatArray, Problem, compile
from accord.scenario.schema import Scenario

#: Zone intervals narrower than this (unit scale) still count as open (a single point).
_EMPTY = 1e-9
#: With no-deal conditions and draws, the spread of the zone's bounds is read off this many
#: open draws (each costs two linear programmes per issue); the share of draws with an open
#: zone always uses every draw.
SPREAD_DRAWS = 200


@dataclass(frozen=True)
class IssueZone:
    """The zone's projection on one issue, in the issue's unit.

    ``floor``/``ceiling`` are the highest floor and the lowest ceiling the veto players' red
    lines and conditions set (``floor_by``/``ceiling_by`` name who sets them). ``low``/``high``
    bound the zone on this issue (None when it is empty); when it is empty on this issue,
    ``blocking`` names the veto players whose floor and ceiling do not meet and ``gap`` is by how
    much. With draws, ``low_range``/``high_range`` give the 80 % spread of the bounds over the
    draws where the zone is open.
    """

    low: float | None
    high: float | None
    floor: float
    ceiling: float
    floor_by: tuple[str, ...] = ()
    ceiling_by: tuple[str, ...] = ()
    blocking: tuple[str, ...] = ()
    gap: float | None = None
    low_range: tuple[float, float] | None = None
    high_range: tuple[float, float] | None = None

    @property
    def open(self) -> bool:
        """Whether the zone has any outcome on this issue."""
        return self.low is not None


@dataclass(frozen=True)
class Concession:
    """One actor moving one red line or condition (``what``) from ``start`` to ``end``."""

    actor: str
    issue: str
    start: float
    end: float
    option: str
    what: str = "red line"


@dataclass(frozen=True)
class Zone:
    """The zone of agreement of a scenario as of a date (see the module docstring).

    Attributes
    ----------
    bounds
        Issue id -> veto player -> its acceptable ``(low, high)`` on that issue, in the issue's
        unit (point values).
    utility_blockers
        When red lines leave room but no such outcome beats no deal for everyone: actor -> the
        utility points it would have to give up (the least total, by linear programming).
    """

    scenario_id: str
    as_of: dt.date | None
    veto_players: tuple[str, ...]
    issues: dict[str, IssueZone]
    feasible: bool
    probability: float | None
    opening: tuple[Concession, ...]
    bounds: dict[str, dict[str, tuple[float, float]]]
    utility_blockers: dict[str, float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    draws: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``zone`` object of docs/output.md."""
        issues: dict[str, Any] = {}
        for issue_id, item in self.issues.items():
            entry: dict[str, Any] = {
                "low": _round(item.low),
                "high": _round(item.high),
                "blocking": list(item.blocking),
                "gap": _round(item.gap),
                "floor": _round(item.floor),
                "ceiling": _round(item.ceiling),
                "floor_by": list(item.floor_by),
                "ceiling_by": list(item.ceiling_by),
            }
            if item.low_range is not None and item.high_range is not None:
                entry["low_range"] = [_round(v) for v in item.low_range]
                entry["high_range"] = [_round(v) for v in item.high_range]
            issues[issue_id] = entry
        return {
            "feasible": self.feasible,
            "probability": self.probability,
            "veto_players": list(self.veto_players),
            "issues": issues,
            "opening": [
                {
                    "actor": step.actor,
                    "issue": step.issue,
                    "from": _round(step.start),
                    "to": _round(step.end),
                    "option": step.option,
                    "what": step.what,
                }
                for step in self.opening
            ],
            "utility_blockers": {k: _round(v) for k, v in self.utility_blockers.items()},
        }

    def rejected_by(self, issue_id: str, value: float) -> tuple[str, ...]:
        """Veto players whose red lines or conditions on one issue rule ``value`` out."""
        tolerance = 1e-9 * max(1.0, abs(value))
        return tuple(
            actor
            for actor, (low, high) in self.bounds.get(issue_id, {}).items()
            if value < low - tolerance or value > high + tolerance
        )

    def verdict(self) -> str:
        """The zone in plain words (the headline of every forecast)."""
        return " ".join(self.verdict_lines())

    def verdict_lines(self) -> list[str]:
        """The verdict sentence by sentence: the overall answer first, then each clash."""
        if not self.veto_players:
            return [
                "No actor is marked as a party or veto player, so nothing here says who must "
                "sign: the models below read the talks as a weighted vote."
            ]
        if self.feasible:
            parts = [
                f"{self._issue_name(issue_id)} {_number(item.low, self._unit(issue_id))} to "
                f"{_number(item.high, self._unit(issue_id))}"
                for issue_id, item in self.issues.items()
                if item.low is not None and item.high is not None and _narrowed(item, self)
            ]
            text = (
                f"A zone of agreement exists: some outcomes satisfy every veto player "
                f"({', '.join(self._name(a) for a in self.veto_players)})"
            )
            text += f"; what they accept confines it to {'; '.join(parts)}." if parts else "."
            sentences = [text]
        else:
            blocked = [
                (issue_id, item)
                for issue_id, item in self.issues.items()
                if not item.open and item.gap is not None
            ]
            sentences = []
            if len(blocked) > 1:
                sentences.append(
                    f"No deal satisfies every veto player: red lines clash on {len(blocked)} of "
                    f"{len(self.issues)} issues."
                )
            for issue_id, item in blocked:
                unit = self._unit(issue_id)
                name = self._issue_name(issue_id)
                sentence = (
                    f"No outcome on {name} satisfies both "
                    f"{_join(self._name(a) for a in item.floor_by)} (≥ "
                    f"{_number(item.floor, unit)}) and "
                    f"{_join(self._name(a) for a in item.ceiling_by)} (≤ "
                    f"{_number(item.ceiling, unit)}): gap {_number(item.gap, unit)}"
                )
                options = self._options_text(issue_id)
                sentences.append(
                    f"{sentence}; to open it, {options}." if options else f"{sentence}."
                )
            if self.utility_blockers and not blocked:
                who = ", ".join(
                    f"{self._name(actor)} ({points:.1f} points)"
                    for actor, points in self.utility_blockers.items()
                )
                sentences.append(
                    "Every red line can be met at once, but no such outcome is worth as much as "
                    f"no deal to everyone; the least they would have to give up: {who}."
                )
            if len(blocked) == 1:
                sentences = [sentences[0].split("; to open it, ")[0] + ".", *sentences]
                sentences[1] = "To open it, " + sentences[1].split("; to open it, ")[1]
        if self.probability is not None:
            sentences.append(
                f"Over {self.draws} sampled draws of the inputs the zone is open in "
                f"{100 * self.probability:.0f} % (share of draws, not a calibrated probability)."
            )
        return sentences

    def _options_text(self, issue_id: str) -> str:
        grouped: dict[str, list[Concession]] = {}
        for step in self.opening:
            if step.issue == issue_id:
                grouped.setdefault(step.option, []).append(step)
        texts = []
        for steps in grouped.values():
            texts.append(
                " and ".join(
                    f"{self._name(step.actor)} must move its {step.what} to "
                    f"{'≤' if step.end < step.start else '≥'} "
                    f"{_number(step.end, self._unit(step.issue))}"
                    for step in steps
                )
            )
        return ", or ".join(texts)

    def _name(self, actor: str) -> str:
        return self.names.get(actor, actor)

    def _issue_name(self, issue: str) -> str:
        return self.names.get(f"issue:{issue}", issue)

    def _unit(self, issue: str) -> str:
        return self.units.get(issue, "")


def zone(
    scenario: Scenario,
    *,
    date: dt.date | None = None,
    draws: int | None = None,
    seed: int | None = None,
    problem: Problem | None = None,
) -> Zone:
    """The zone of agreement of ``scenario`` as of ``date``.

    Parameters
    ----------
    scenario
        A loaded scenario.
    date
        Evaluation date (default: the scenario's ``as_of``).
    draws
        Also sample this many draws of the inputs' ranges: the share of draws with an open zone
        and the spread of its bounds.
    seed
        Seed for the draws.
    problem
        ``scenario`` already compiled as of ``date`` at its point values (one draw), when the
        caller has it: it is used instead of compiling again.
    """
    if problem is None:
        problem = compile(scenario, date=date)
    veto = problem.veto_players
    veto_ids = tuple(actor for actor, flag in zip(problem.actor_ids, veto, strict=True) if flag)
    no_deal = _no_deal(scenario, problem, date)
    floor, ceiling, open_box, lows, highs = _box(problem)
    issue_ids = problem.issue_ids
    span = problem.scale_max - problem.scale_min
    low_zone = np.where(open_box[0], floor[0], np.nan)
    high_zone = np.where(open_box[0], ceiling[0], np.nan)
    utility_blockers: dict[str, float] = {}
    feasible = bool(open_box[0].all()) if veto_ids else True
    if feasible and veto_ids and _has_utility_conditions(problem, no_deal):
        projected = _project(problem, no_deal, 0, floor[0], ceiling[0])
        if projected is None:
            feasible = False
            utility_blockers = _utility_shortfall(problem, no_deal, 0, floor[0], ceiling[0])
            low_zone = np.full(problem.n_issues, np.nan)
            high_zone = np.full(problem.n_issues, np.nan)
        else:
            low_zone, high_zone = projected
    spread = _sampled(scenario, date, draws, seed) if draws else None
    issues: dict[str, IssueZone] = {}
    bounds_by_issue: dict[str, dict[str, tuple[float, float]]] = {}
    for d, issue_id in enumerate(issue_ids):

        def to_units(value: float, d: int = d) -> float:
            return float(problem.scale_min[d] + value * span[d])

        column_low, column_high = lows[0, :, d], highs[0, :, d]
        bounds_by_issue[issue_id] = {
            actor: (to_units(column_low[v]), to_units(column_high[v]))
            for v, actor in enumerate(veto_ids)
        }
        floor_by = _setters(veto_ids, column_low, floor[0, d])
        ceiling_by = _setters(veto_ids, column_high, ceiling[0, d])
        empty = veto_ids and not open_box[0, d]
        issues[issue_id] = IssueZone(
            low=None if np.isnan(low_zone[d]) else to_units(low_zone[d]),
            high=None if np.isnan(high_zone[d]) else to_units(high_zone[d]),
            floor=to_units(floor[0, d]),
            ceiling=to_units(ceiling[0, d]),
            floor_by=floor_by if floor[0, d] > 0 else (),
            ceiling_by=ceiling_by if ceiling[0, d] < 1 else (),
            blocking=tuple(dict.fromkeys((*floor_by, *ceiling_by))) if empty else (),
            gap=float((floor[0, d] - ceiling[0, d]) * span[d]) if empty else None,
            low_range=None if spread is None else spread[0].get(issue_id),
            high_range=None if spread is None else spread[1].get(issue_id),
        )
    opening = _openings(veto_ids, problem, lows[0], highs[0], open_box[0])
    names = {actor.id: actor.name for actor in scenario.actors}
    names.update({f"issue:{issue.id}": issue.name for issue in scenario.issues})
    return Zone(
        scenario_id=scenario.id,
        as_of=problem.as_of,
        veto_players=veto_ids,
        issues=issues,
        feasible=feasible,
        probability=None if spread is None else spread[2],
        opening=opening,
        bounds=bounds_by_issue,
        utility_blockers=utility_blockers,
        names=names,
        units={issue.id: issue.unit for issue in scenario.issues},
        draws=draws,
    )


def _box(problem: Problem) -> tuple[FloatArray, FloatArray, Any, FloatArray, FloatArray]:
    """Floors, ceilings ``[B, I]``, whether they meet, and the veto players' bounds."""
    low, high = bounds(problem)
    veto = problem.veto_players
    lows, highs = low[:, veto], high[:, veto]
    if not veto.any():
        shape = (problem.draws, problem.n_issues)
        return np.zeros(shape), np.ones(shape), np.ones(shape, dtype=bool), lows, highs
    floor, ceiling = lows.max(axis=1), highs.min(axis=1)
    return floor, ceiling, floor <= ceiling + _EMPTY, lows, highs


def _setters(actors: tuple[str, ...], values: FloatArray, bound: float) -> tuple[str, ...]:
    return tuple(actor for actor, value in zip(actors, values, strict=True) if value == bound)


def _no_deal(
    scenario: Scenario, problem: Problem, date: dt.date | None, seed: int | None = None
) -> FloatArray:
    """``[B, A]`` each actor's utility of no deal (war projections where ``from: war``).

    With draws, the war's inputs are sampled as many times from their own stream (seeded by
    ``seed``), so the no-deal outcome varies over draws like everything else.
    """
    if problem.no_deal_war is None or not problem.no_deal_war.any() or scenario.war is None:
        return no_deal_utility(problem)
    from accord.dynamics.war import analyse

    war = analyse(
        scenario,
        date=date,
        nash=False,
        months=1,
        draws=None if problem.draws == 1 else problem.draws,
        rng=seed,
    )
    regime = scenario.war.regime().id
    projected = war.walk_away(regime)  # [B, A, I]: the war's points on the two sides' theatres
    base = problem.no_deal_outcome if problem.no_deal_outcome is not None else problem.status_quo
    outcome = np.broadcast_to(base[:, None, :], projected.shape).copy()
    theatres = [problem.issue_ids.index(t.issue) for t in scenario.war.theatres]
    for a, from_war in enumerate(problem.no_deal_war):
        if from_war:
            outcome[:, a, theatres] = projected[:, a, theatres]
    return no_deal_utility(problem, outcome=np.nan_to_num(outcome, nan=0.5))


def _has_utility_conditions(problem: Problem, no_deal: FloatArray) -> bool:
    return bool((~np.isnan(no_deal[:, problem.veto_players])).any())


def _linear_programme(
    problem: Problem, no_deal: FloatArray, b: int, floor: FloatArray, ceiling: FloatArray
) -> tuple[FloatArray, FloatArray, list[tuple[float, float | None]], list[int]]:
    """Constraints of the zone in draw ``b`` over ``z = (x [I], t [K, I])``.

    Rows: t_kd ≥ ±(x_d − p_kd) and Σ_d ŝ_kd t_kd ≤ 1 − U_k(no deal) for each of the K veto
    players with a utility condition (returned as their actor indices).
    """
    issues = problem.n_issues
    actors = [int(a) for a in np.flatnonzero(problem.veto_players) if not np.isnan(no_deal[b, a])]
    count = len(actors)
    size = issues * (1 + count)
    rows: list[FloatArray] = []
    limits: list[float] = []
    for k, a in enumerate(actors):
        position = problem.position[b, a]
        for d in range(issues):
            column = issues * (1 + k) + d
            for sign in (1.0, -1.0):
                row = np.zeros(size)
                row[d], row[column] = sign, -1.0
                rows.append(row)
                limits.append(sign * position[d])
        weight = problem.salience[b, a]
        total = weight.sum()
        row = np.zeros(size)
        row[issues * (1 + k) : issues * (2 + k)] = weight / total if total > 0 else 0.0
        rows.append(row)
        limits.append(1.0 - no_deal[b, a])
    box: list[tuple[float, float | None]] = [
        (float(lo), float(max(lo, hi))) for lo, hi in zip(floor, ceiling, strict=True)
    ]
    box += [(0.0, None)] * (issues * count)
    return np.array(rows, dtype=np.float64), np.array(limits, dtype=np.float64), box, actors


def _project(
    problem: Problem, no_deal: FloatArray, b: int, floor: FloatArray, ceiling: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """Min and max of each issue over the zone of draw ``b``, or None when it is empty."""
    rows, limits, box, _ = _linear_programme(problem, no_deal, b, floor, ceiling)
    issues = problem.n_issues
    low, high = np.empty(issues), np.empty(issues)
    for d in range(issues):
        for sign, target in ((1.0, low), (-1.0, high)):
            objective = np.zeros(rows.shape[1])
            objective[d] = sign
            result = linprog(objective, A_ub=rows, b_ub=limits, bounds=box, method="highs")
            if result.status == 2:
                return None
            target[d] = result.x[d]
    return low, high


def _open(
    problem: Problem, no_deal: FloatArray, b: int, floor: FloatArray, ceiling: FloatArray
) -> bool:
    """Whether the zone of draw ``b`` has any point (one feasibility LP)."""
    rows, limits, box, _ = _linear_programme(problem, no_deal, b, floor, ceiling)
    result = linprog(np.zeros(rows.shape[1]), A_ub=rows, b_ub=limits, bounds=box, method="highs")
    return bool(result.status == 0)


def _utility_shortfall(
    problem: Problem, no_deal: FloatArray, b: int, floor: FloatArray, ceiling: FloatArray
) -> dict[str, float]:
    """The least total utility (points) veto players must give up for the zone to open."""
    rows, limits, box, actors = _linear_programme(problem, no_deal, b, floor, ceiling)
    count, issues = len(actors), problem.n_issues
    slack = np.zeros((rows.shape[0], count))
    for k in range(count):
        slack[(2 * issues + 1) * (k + 1) - 1, k] = -1.0
    objective = np.concatenate([np.zeros(rows.shape[1]), np.ones(count)])
    result = linprog(
        objective,
        A_ub=np.hstack([rows, slack]),
        b_ub=limits,
        bounds=[*box, *[(0.0, None)] * count],
        method="highs",
    )
    given_up = result.x[rows.shape[1] :]
    return {
        problem.actor_ids[a]: round(100.0 * float(value), 6)
        for a, value in zip(actors, given_up, strict=True)
        if value > 1e-9
    }


def _openings(
    veto_ids: tuple[str, ...],
    problem: Problem,
    lows: FloatArray,
    highs: FloatArray,
    open_box: Any,
) -> tuple[Concession, ...]:
    """The smallest moves of red lines that open the zone on every issue where it is empty.

    For each such issue, three options solved as one linear programme each: the floors give
    way, the ceilings give way, or both (least total movement), the last only when it differs
    from the one-sided ones.
    """
    steps: list[Concession] = []
    span = problem.scale_max - problem.scale_min
    condition_low = problem.condition_low
    condition_high = problem.condition_high
    veto_index = np.flatnonzero(problem.veto_players)
    for d in np.flatnonzero(~np.asarray(open_box)):
        issue = problem.issue_ids[d]
        floors, ceilings = lows[:, d], highs[:, d]
        solutions = {
            "floors yield": _least_moves(floors, ceilings, floors_move=True, ceilings_move=False),
            "ceilings yield": _least_moves(floors, ceilings, floors_move=False, ceilings_move=True),
            "both yield": _least_moves(floors, ceilings, floors_move=True, ceilings_move=True),
        }
        seen: list[tuple[tuple[int, float], ...]] = []
        for option, (new_floors, new_ceilings) in solutions.items():
            moves = []
            for v, actor in enumerate(veto_ids):
                a = veto_index[v]
                for old, new, conditions in (
                    (floors[v], new_floors[v], condition_low),
                    (ceilings[v], new_ceilings[v], condition_high),
                ):
                    if abs(new - old) > _EMPTY:
                        what = (
                            "condition"
                            if conditions is not None and conditions[0, a, d] == old
                            else "red line"
                        )
                        moves.append((v, actor, old, new, what))
            key = tuple((v, round(new, 9)) for v, _, _, new, _ in moves)
            if not moves or key in seen:
                continue
            seen.append(key)
            for _, actor, old, new, what in moves:
                steps.append(
                    Concession(
                        actor,
                        issue,
                        float(problem.scale_min[d] + old * span[d]),
                        float(problem.scale_min[d] + new * span[d]),
                        option,
                        what,
                    )
                )
    return tuple(steps)


def _least_moves(
    floors: FloatArray, ceilings: FloatArray, *, floors_move: bool, ceilings_move: bool
) -> tuple[FloatArray, FloatArray]:
    """New floors and ceilings that meet, moving as little in total as possible (an LP).

    Variables: the meeting point m and each bound's move u ≥ 0 (only where allowed);
    floor_a − u_a ≤ m ≤ ceiling_b + u_b; minimise Σ u.
    """
    count = floors.size
    objective = np.concatenate([[0.0], np.ones(2 * count)])
    rows = []
    limits = []
    for a in range(count):
        row = np.zeros(1 + 2 * count)
        row[0], row[1 + a] = -1.0, -1.0  # floor_a - u_a <= m
        rows.append(row)
        limits.append(-floors[a])
        row = np.zeros(1 + 2 * count)
        row[0], row[1 + count + a] = 1.0, -1.0  # m <= ceiling_a + u_a
        rows.append(row)
        limits.append(ceilings[a])
    bounds_: list[tuple[float, float | None]] = [(0.0, 1.0)]
    bounds_ += [(0.0, None if floors_move else 0.0)] * count
    bounds_ += [(0.0, None if ceilings_move else 0.0)] * count
    result = linprog(objective, A_ub=np.array(rows), b_ub=limits, bounds=bounds_, method="highs")
    moves = result.x[1:]
    return floors - moves[:count], ceilings + moves[count:]


def open_draws(
    scenario: Scenario, problem: Problem, date: dt.date | None, seed: int | None
) -> BoolArray:
    """``[B]`` whether the zone is open in each draw of ``problem`` (red lines, then no deal)."""
    no_deal = _no_deal(scenario, problem, date, seed)
    floor, ceiling, open_box, _, _ = _box(problem)
    feasible = np.asarray(open_box.all(axis=1))
    if _has_utility_conditions(problem, no_deal):
        for b in np.flatnonzero(feasible):
            if not _open(problem, no_deal, int(b), floor[b], ceiling[b]):
                feasible[b] = False
    return feasible


def sample(scenario: Scenario, date: dt.date | None, draws: int, seed: int | None) -> Problem:
    """The draws of the scenario that the zone and the simulated talks share for one seed.

    The first of the eight streams ``SeedSequence(seed).spawn(8)`` samples the scenario, in
    :func:`accord.dynamics.talks.simulate` as here, so ``accord zone -n N --seed S`` and
    ``accord simulate -n N --seed S`` look at the same draws.
    """
    from accord.dynamics.common import streams

    return compile(scenario, date=date, draws=draws, rng=streams(seed, 8)[0])


def _sampled(
    scenario: Scenario, date: dt.date | None, draws: int, seed: int | None
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]], float]:
    """Spread of the zone's bounds over sampled draws, and the share of draws with a zone."""
    problem = sample(scenario, date, draws, seed)
    no_deal = _no_deal(scenario, problem, date, seed)
    floor, ceiling, _, _, _ = _box(problem)
    feasible = open_draws(scenario, problem, date, seed)
    low, high = floor.copy(), ceiling.copy()
    spread = feasible.copy()
    if _has_utility_conditions(problem, no_deal):
        # Projections cost 2 LPs per issue: the spread is read off the first draws only.
        for count, b in enumerate(np.flatnonzero(feasible)):
            if count >= SPREAD_DRAWS:
                spread[b] = False
                continue
            projected = _project(problem, no_deal, int(b), floor[b], ceiling[b])
            assert projected is not None
            low[b], high[b] = projected
    units_low = problem.to_units(low)
    units_high = problem.to_units(high)
    lows: dict[str, tuple[float, float]] = {}
    highs: dict[str, tuple[float, float]] = {}
    for d, issue_id in enumerate(problem.issue_ids):
        if spread.any():
            a, b = np.quantile(units_low[spread, d], [0.1, 0.9])
            c, e = np.quantile(units_high[spread, d], [0.1, 0.9])
            lows[issue_id], highs[issue_id] = (float(a), float(b)), (float(c), float(e))
    return lows, highs, float(feasible.mean())


def _narrowed(item: IssueZone, zone: Zone) -> bool:
    """Whether the veto players narrow this issue (by red lines, conditions or no deal)."""
    return bool(item.floor_by or item.ceiling_by) or (item.low, item.high) != (
        item.floor,
        item.ceiling,
    )


def _join(names: Any) -> str:
    items = list(names)
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "?"
    text = f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if not unit:
        return text
    if unit.startswith("of "):
        return f"{text}/{unit[3:]}"
    return f"{text}{unit}" if unit.startswith("%") and len(unit) == 1 else f"{text} {unit}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 10)
