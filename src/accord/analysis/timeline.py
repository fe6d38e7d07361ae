"""How the expected deal moved from one dated update of a scenario to the next, and why.

:func:`timeline` forecasts a scenario at its base date, at every dated update and at any dates
the analyst chooses, with the positions behind each forecast. Every update (all updates of one
date together form a *step*) is then explained: the move of each model's forecast on each issue
is split among the changes the update made.

Attribution
-----------
*By actor.* The changes of a step are grouped by whose value they change (an actor, or an
issue's status quo). For every model the move is divided among the groups by their Shapley
values (Shapley 1953): the group's marginal effect on the forecast, averaged over every order
in which the step's groups could have been applied,

    φ_g = Σ_{S ⊆ G∖{g}} |S|! (n − |S| − 1)! / n! · (f(S ∪ {g}) − f(S)),

where f(S) is the forecast with only the changes of the groups in S applied and n = |G|. The
values add up exactly to the move (efficiency), interactions included; this is the standard
way to explain a model's output by its inputs (Štrumbelj & Kononenko 2014). Steps with more
than :data:`MAX_SHAPLEY_GROUPS` groups fall back to one-group-at-a-time effects, and the part
they leave unexplained is reported as ``residual``.

*By change* (each changed value). For the compromise model the decomposition is exact and in
closed form. With weights w_i = c_i s_i, before (w, x, x*) and after (w', x'), and D' = Σ w'_i,

    Δx* = Σ_i [w'_i (x'_i − x_i) + (w'_i − w_i)(x_i − x*)] / D',

an identity (because Σ w_i (x_i − x*) = 0) whose first term belongs to actor i's position change
and whose second to its weight change, split between capability and salience by
c's' − cs = (c' − c)(s + s')/2 + (s' − s)(c + c')/2. For the compromise model the by-actor
figures are the sums of these exact terms. For every other model each change's effect is that
of applying it alone to the state before the step (one at a time); the ``residual`` is what the
one-at-a-time effects leave unexplained.

The scenario's variants are compiled to arrays and stacked along the draw axis, so every model
runs once per step for all of them (stochastic models run once per variant with the same seed,
so that every variant sees the same random numbers).

References
----------
Shapley, L. S. (1953). A value for n-person games. In Kuhn & Tucker (eds.), *Contributions to
the Theory of Games II*, Princeton University Press, 307-317.
Štrumbelj, E. & Kononenko, I. (2014). Explaining prediction models and individual predictions
with feature contributions. *Knowledge and Information Systems* 41(3):647-665.
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, Stokman, Achen &
König (eds.), *The European Union Decides*, Cambridge University Press (the compromise model).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np

from accord.analysis.forecast import _jsonable
from accord.frames import Tabular
from accord.models.base import ForecastModel, model_label, resolve_models
from accord.models.compromise import CompromiseModel
from accord.scenario.checks import parse_change_path
from accord.scenario.compile import FloatArray, Problem, compile, label_for
from accord.scenario.paths import is_block_path
from accord.scenario.schema import Number, Scenario, Update

MAX_SHAPLEY_GROUPS = 8
"""Most change groups in one step for exact Shapley values (2**8 = 256 variants)."""

MOVE_TOLERANCE = 1e-7
"""Smallest move, in points on 0-100 of an issue's range, that counts as a move."""

PointKind = Literal["base", "update", "chosen"]


@dataclass(frozen=True)
class PointForecast:
    """One model's forecast of one issue at one date, in the issue's unit."""

    value: float
    label: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class TimelinePoint:
    """The forecasts at one date and the values behind them (point values, issue units).

    Attributes
    ----------
    date
        The date; ``None`` for the base values of a scenario without a ``base_date``.
    kind
        ``"base"`` (before any update), ``"update"`` (a date with updates) or ``"chosen"``.
    events
        The events of the updates dated on this day.
    forecasts
        Model -> issue -> forecast.
    positions, salience
        Issue -> actor -> value (positions in the issue's unit, saliences on the scenario's
        salience scale).
    capability
        Actor -> capability.
    """

    date: dt.date | None
    kind: PointKind
    events: tuple[str, ...]
    forecasts: dict[str, dict[str, PointForecast]]
    positions: dict[str, dict[str, float]]
    salience: dict[str, dict[str, float]]
    capability: dict[str, float]


@dataclass(frozen=True)
class Move:
    """How one step moved one model's forecast of one issue, and who moved it.

    Attributes
    ----------
    before, after, delta
        The forecast before and after the step and the difference, in the issue's unit.
    delta_scaled
        ``delta`` as a share of the issue's range, in points on 0-100.
    by_actor
        Change group (actor id, or ``issue:ID`` for a status quo) -> its part of ``delta``.
    by_change
        Change path (e.g. ``us.position.donbas``) -> its part of ``delta``.
    actor_method, change_method
        ``"shapley"``, ``"exact"`` (closed form, compromise model) or ``"one-at-a-time"``.
    residual
        ``delta`` minus the sum of ``by_change`` (zero for exact methods).
    """

    before: float
    after: float
    delta: float
    delta_scaled: float
    by_actor: dict[str, float]
    by_change: dict[str, float]
    actor_method: str
    change_method: str
    residual: float

    @property
    def driver(self) -> str | None:
        """The change group with the largest part of the move (None if nothing moved)."""
        if not self.by_actor:
            return None
        best = max(self.by_actor, key=lambda key: abs(self.by_actor[key]))
        return best if abs(self.by_actor[best]) > 1e-12 * (1 + abs(self.delta)) else None


@dataclass(frozen=True)
class Step:
    """The updates of one date and the moves they caused, per model and issue."""

    date: dt.date
    events: tuple[str, ...]
    changes: tuple[str, ...]
    moves: dict[str, dict[str, Move]]


@dataclass(frozen=True, repr=False)
class Timeline(Tabular):
    """The result of :func:`timeline`."""

    scenario: Scenario
    models: tuple[str, ...]
    points: tuple[TimelinePoint, ...]
    steps: tuple[Step, ...]
    draws: int | None = None
    seed: int | None = None

    def largest_moves(self) -> dict[str, dict[str, tuple[Step, Move] | None]]:
        """Per model and issue, the step that moved the forecast most (None if none did).

        Moves within :data:`MOVE_TOLERANCE` points (on 0-100 of the issue's range) count as
        none (numerical noise of iterative models). Ties go to the earliest step.
        """
        result: dict[str, dict[str, tuple[Step, Move] | None]] = {}
        for model in self.models:
            result[model] = {}
            for issue in self.scenario.issues:
                best: tuple[Step, Move] | None = None
                for step in self.steps:
                    move = step.moves[model][issue.id]
                    if abs(move.delta_scaled) <= MOVE_TOLERANCE:
                        continue
                    if best is None or abs(move.delta) > abs(best[1].delta):
                        best = (step, move)
                result[model][issue.id] = best
        return result

    def to_json(self) -> dict[str, Any]:
        """The timeline as JSON-ready data: points, steps, largest moves and chart series.

        Layout::

            {"scenario", "title", "draws", "seed", "models": [...],
             "issues": {ID: {"name", "unit", "min", "max"}}, "actors": {ID: name},
             "points": [{"date", "kind", "events", "forecasts": {MODEL: {ISSUE: {"value",
                         "label", "low", "high"}}}, "positions": {ISSUE: {ACTOR: value}},
                         "salience": {...}, "capability": {ACTOR: value}}],
             "steps": [{"date", "events", "changes", "moves": {MODEL: {ISSUE: {"before",
                        "after", "delta", "delta_scaled", "by_actor", "by_change",
                        "actor_method", "change_method", "residual", "driver"}}}}],
             "largest": {MODEL: {ISSUE: {"date", "events", "delta", "delta_scaled",
                         "driver", "driver_delta"} | null}},
             "series": [{"model", "issue", "dates", "values", "low", "high"}]}
        """
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "draws": self.draws,
            "seed": self.seed,
            "models": list(self.models),
            "issues": {
                issue.id: {
                    "name": issue.name,
                    "unit": issue.unit,
                    "min": issue.min,
                    "max": issue.max,
                }
                for issue in self.scenario.issues
            },
            "actors": {actor.id: actor.name for actor in self.scenario.actors},
            "points": [_point_json(point) for point in self.points],
            "steps": [_step_json(step) for step in self.steps],
            "largest": {
                model: {
                    issue: None
                    if found is None
                    else {
                        "date": found[0].date.isoformat(),
                        "events": list(found[0].events),
                        "delta": _jsonable(found[1].delta),
                        "delta_scaled": _jsonable(found[1].delta_scaled),
                        "driver": found[1].driver,
                        "driver_delta": _jsonable(found[1].by_actor.get(found[1].driver or "")),
                    }
                    for issue, found in per_issue.items()
                }
                for model, per_issue in self.largest_moves().items()
            },
            "series": self.series(),
        }

    def series(self) -> list[dict[str, Any]]:
        """One line per model and issue: dates and forecasts, for a chart."""
        lines = []
        for model in self.models:
            for issue in self.scenario.issues:
                forecasts = [point.forecasts[model][issue.id] for point in self.points]
                lines.append(
                    {
                        "model": model,
                        "issue": issue.id,
                        "dates": [_date(point.date) for point in self.points],
                        "values": [_jsonable(item.value) for item in forecasts],
                        "low": [_jsonable(item.low) for item in forecasts],
                        "high": [_jsonable(item.high) for item in forecasts],
                    }
                )
        return lines

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows (one per date, model and issue) for CSV output."""
        out = []
        for point in self.points:
            for model in self.models:
                for issue in self.scenario.issues:
                    item = point.forecasts[model][issue.id]
                    out.append(
                        {
                            "scenario": self.scenario.id,
                            "date": _date(point.date) or "",
                            "kind": point.kind,
                            "model": model,
                            "issue": issue.id,
                            "value": item.value,
                            "unit": issue.unit,
                            "label": item.label,
                            "low": item.low,
                            "high": item.high,
                            "event": "; ".join(point.events),
                        }
                    )
        return out


def _date(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _point_json(point: TimelinePoint) -> dict[str, Any]:
    return {
        "date": _date(point.date),
        "kind": point.kind,
        "events": list(point.events),
        "forecasts": {
            model: {
                issue: {
                    "value": _jsonable(item.value),
                    "label": item.label,
                    "low": _jsonable(item.low),
                    "high": _jsonable(item.high),
                }
                for issue, item in per_issue.items()
            }
            for model, per_issue in point.forecasts.items()
        },
        "positions": _jsonable(point.positions),
        "salience": _jsonable(point.salience),
        "capability": _jsonable(point.capability),
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {
        "date": step.date.isoformat(),
        "events": list(step.events),
        "changes": list(step.changes),
        "moves": {
            model: {
                issue: {
                    **_jsonable(
                        {
                            key: getattr(move, key)
                            for key in (
                                "before",
                                "after",
                                "delta",
                                "delta_scaled",
                                "by_actor",
                                "by_change",
                                "residual",
                            )
                        }
                    ),
                    "actor_method": move.actor_method,
                    "change_method": move.change_method,
                    "driver": move.driver,
                }
                for issue, move in per_issue.items()
            }
            for model, per_issue in step.moves.items()
        },
    }


def timeline(
    scenario: Scenario,
    models: Sequence[str | ForecastModel] | None = None,
    *,
    dates: Iterable[dt.date] = (),
    draws: int | None = None,
    seed: int | None = None,
) -> Timeline:
    """Forecast ``scenario`` at its base date, every update date and ``dates``; explain moves.

    Parameters
    ----------
    scenario
        A loaded scenario.
    models
        Model names or instances (default: every registered model).
    dates
        Extra dates to forecast at (they must not precede the scenario's ``base_date``).
    draws
        If given, each point's forecast also gets an 80 % interval from ``draws`` samples of
        the scenario's ranges (the same seed at every date, so the dates share random
        numbers). Values and moves always use the numbers' point values.
    seed
        Seed for sampling and for stochastic models; when they are used and no seed is given,
        a fresh one is drawn and recorded in the result.

    Returns
    -------
    Timeline
        Points in date order and one :class:`Step` per update date.
    """
    chosen = resolve_models(models)
    names = tuple(model_label(model) for model in chosen)
    if seed is None and (draws or any(model.traits.stochastic for model in chosen)):
        # One seed for every date and variant (common random numbers), recorded in the result.
        seed = int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
    updates = sorted(scenario.updates, key=lambda update: update.date)
    update_dates = sorted({update.date for update in updates})
    base = _without_updates(scenario)
    # Validate the chosen dates (InputError for a date before base_date) and keep new ones.
    extra = sorted(
        {date for date in dates if date not in update_dates and date != scenario.base_date}
    )
    for date in extra:
        compile(scenario, date=date)

    points: list[TimelinePoint] = [
        _point(base, scenario.base_date, "base", (), chosen, draws, seed)
    ]
    for date in sorted([*update_dates, *extra]):
        events = tuple(update.event for update in updates if update.date == date)
        kind: PointKind = "update" if date in update_dates else "chosen"
        points.append(_point(scenario, date, kind, events, chosen, draws, seed))

    steps = [_step(scenario, updates, date, chosen, seed) for date in update_dates]
    return Timeline(scenario, names, tuple(points), tuple(steps), draws, seed)


def _without_updates(scenario: Scenario) -> Scenario:
    return scenario.model_copy(update={"updates": [], "as_of": None})


def _point(
    scenario: Scenario,
    date: dt.date | None,
    kind: PointKind,
    events: tuple[str, ...],
    models: list[ForecastModel],
    draws: int | None,
    seed: int | None,
) -> TimelinePoint:
    problem = compile(scenario, date=date) if date else compile(scenario)
    sampled = compile(scenario, date=date, draws=draws, rng=seed) if draws else None
    forecasts: dict[str, dict[str, PointForecast]] = {}
    for model in models:
        settlement = problem.to_units(model.run(problem, rng=seed).settlement)[0]
        bounds = None
        if sampled is not None:
            values = sampled.to_units(model.run(sampled, rng=seed).settlement)
            bounds = np.quantile(values, [0.1, 0.9], axis=0)
        per_issue: dict[str, PointForecast] = {}
        for column, issue in enumerate(scenario.issues):
            value = float(settlement[column])
            low = high = None
            if bounds is not None:
                low, high = float(bounds[0, column]), float(bounds[1, column])
            per_issue[issue.id] = PointForecast(value, label_for(issue, value), low, high)
        forecasts[model_label(model)] = per_issue
    positions = problem.to_units(problem.position[0])
    scale = scenario.salience_scale
    salience = problem.salience[0] * (scale.max - scale.min) + scale.min
    return TimelinePoint(
        date,
        kind,
        events,
        forecasts,
        {
            issue: {actor: float(positions[a, d]) for a, actor in enumerate(problem.actor_ids)}
            for d, issue in enumerate(problem.issue_ids)
        },
        {
            issue: {actor: float(salience[a, d]) for a, actor in enumerate(problem.actor_ids)}
            for d, issue in enumerate(problem.issue_ids)
        },
        {actor: float(problem.capability[0, a]) for a, actor in enumerate(problem.actor_ids)},
    )


def _parsed(path: str, scenario: Scenario) -> tuple[str, str, str | None]:
    parsed = parse_change_path(path, scenario)
    assert not isinstance(parsed, str), parsed  # checked when the scenario loaded
    return parsed


def _group(path: str, scenario: Scenario) -> str:
    if is_block_path(path, scenario):
        return path.split(".", 1)[0]  # a block's numbers move no actor's array
    return _parsed(path, scenario)[0]


def _step(
    scenario: Scenario,
    updates: list[Update],
    date: dt.date,
    models: list[ForecastModel],
    seed: int | None,
) -> Step:
    earlier = [update for update in updates if update.date < date]
    today = [update for update in updates if update.date == date]
    changes: dict[str, Number] = {}
    for update in today:
        changes.update(update.changes)
    paths = list(changes)
    groups = list(dict.fromkeys(_group(path, scenario) for path in paths))
    n = len(groups)
    exact_shapley = n <= MAX_SHAPLEY_GROUPS

    def variant(selected: Iterable[str]) -> Scenario:
        keep = {path: changes[path] for path in selected}
        partial = Update(date=date, event="", changes=keep)
        return scenario.model_copy(update={"updates": [*earlier, partial], "as_of": None})

    # Every variant the attributions need: group subsets (Shapley) or singletons, and the
    # single changes for the one-at-a-time decomposition.
    subsets: list[frozenset[str]] = []
    if exact_shapley:
        for size in range(n + 1):
            subsets += [frozenset(combo) for combo in combinations(groups, size)]
    else:
        subsets = [frozenset(), frozenset(groups), *(frozenset([g]) for g in groups)]
    group_of = {path: _group(path, scenario) for path in paths}
    variants: dict[tuple[str, frozenset[str]], Scenario] = {}
    for subset in subsets:
        variants[("groups", subset)] = variant(p for p in paths if group_of[p] in subset)
    for path in paths:
        variants[("change", frozenset([path]))] = variant([path])
    keys = list(variants)
    problems = [compile(variants[key], date=date) for key in keys]
    stacked = _stack(problems)
    span = stacked.scale_max - stacked.scale_min

    moves: dict[str, dict[str, Move]] = {}
    for model in models:
        values = _run_stacked(model, stacked, problems, seed)  # [V, I] on [0, 1]
        result = {key: values[index] for index, key in enumerate(keys)}
        before = result[("groups", frozenset())]
        after = result[("groups", frozenset(groups))]
        exact = None
        if isinstance(model, CompromiseModel):
            exact = _compromise_decomposition(
                problems[keys.index(("groups", frozenset()))],
                problems[keys.index(("groups", frozenset(groups)))],
                paths,
                scenario,
            )
        per_issue: dict[str, Move] = {}
        for column, issue in enumerate(scenario.issues):
            delta = float(after[column] - before[column])
            if exact is not None and exact[1][column]:
                by_change = {path: float(exact[0][path][column]) for path in paths}
                change_method = "exact"
                by_actor = {
                    group: sum(by_change[p] for p in paths if group_of[p] == group)
                    for group in groups
                }
                actor_method = "exact"
            else:
                by_change = {
                    path: float(result[("change", frozenset([path]))][column] - before[column])
                    for path in paths
                }
                change_method = "one-at-a-time"
                if exact_shapley:
                    by_actor = _shapley(groups, result, column)
                    actor_method = "shapley"
                else:
                    by_actor = {
                        group: float(
                            result[("groups", frozenset([group]))][column] - before[column]
                        )
                        for group in groups
                    }
                    actor_method = "one-at-a-time"
            width = float(span[column])
            per_issue[issue.id] = Move(
                before=float(before[column] * width + stacked.scale_min[column]),
                after=float(after[column] * width + stacked.scale_min[column]),
                delta=delta * width,
                delta_scaled=delta * 100.0,
                by_actor={key: value * width for key, value in by_actor.items()},
                by_change={key: value * width for key, value in by_change.items()},
                actor_method=actor_method,
                change_method=change_method,
                residual=(delta - sum(by_change.values())) * width,
            )
        moves[model_label(model)] = per_issue
    return Step(date, tuple(update.event for update in today), tuple(paths), moves)


def _stack(problems: list[Problem]) -> Problem:
    """Stack one-draw problems of the same scenario along the draw axis."""
    return Problem.concat(problems)


def _run_stacked(
    model: ForecastModel, stacked: Problem, problems: list[Problem], seed: int | None
) -> FloatArray:
    """Settlements ``[V, I]`` of every variant, on [0, 1]."""
    if model.traits.stochastic:
        return np.stack([model.run(problem, rng=seed).settlement[0] for problem in problems])
    return np.asarray(model.run(stacked, rng=seed).settlement)


def _shapley(
    groups: list[str], result: dict[tuple[str, frozenset[str]], FloatArray], column: int
) -> dict[str, float]:
    n = len(groups)
    values: dict[str, float] = {}
    for group in groups:
        others = [g for g in groups if g != group]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for combo in combinations(others, size):
                without = frozenset(combo)
                gain = result[("groups", without | {group})][column]
                total += weight * float(gain - result[("groups", without)][column])
        values[group] = total
    return values


def _compromise_decomposition(
    before: Problem, after: Problem, paths: list[str], scenario: Scenario
) -> tuple[dict[str, FloatArray], FloatArray]:
    """Exact per-change parts of the compromise model's move, on [0, 1] (first draw).

    Returns the parts per path ``[I]`` and a mask ``[I]`` of the issues where the identity
    holds (some actor has positive weight before and after the step).
    """
    c0, c1 = before.capability[0][:, None], after.capability[0][:, None]
    s0, s1 = before.salience[0], after.salience[0]
    x0, x1 = before.position[0], after.position[0]
    w0, w1 = c0 * s0, c1 * s1
    total0, total1 = w0.sum(axis=0), w1.sum(axis=0)
    valid = (total0 > 0) & (total1 > 0)
    safe1 = np.where(valid, total1, 1.0)
    settlement = (w0 * x0).sum(axis=0) / np.where(valid, total0, 1.0)
    position_part = w1 * (x1 - x0) / safe1
    lever = (x0 - settlement) / safe1
    capability_part = (c1 - c0) * (s0 + s1) / 2 * lever
    salience_part = (s1 - s0) * (c0 + c1) / 2 * lever
    actors = {actor: index for index, actor in enumerate(before.actor_ids)}
    issues = {issue: index for index, issue in enumerate(before.issue_ids)}
    zero = np.zeros(before.n_issues)
    parts: dict[str, FloatArray] = {}
    for path in paths:
        part = zero.copy()
        if is_block_path(path, scenario):  # a block's number moves no position or weight
            parts[path] = part
            continue
        owner, field, issue_id = _parsed(path, scenario)
        if owner in actors:
            a = actors[owner]
            if field == "capability":
                part = capability_part[a].copy()
            elif field in ("position", "salience") and issue_id is not None:
                d = issues[issue_id]
                source = position_part if field == "position" else salience_part
                part[d] = source[a, d]
        parts[path] = np.where(valid, part, 0.0)
    return parts, valid
