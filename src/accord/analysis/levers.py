"""Levers: the single changes that would move a forecast most toward one actor's positions.

For an actor a, with (point-value) positions p_ad and saliences s_ad on [0, 1], a forecast x
is worth U_a(x) = −Σ_d s_ad |x_d − p_ad|, the linear loss behind
:func:`accord.analysis.forecast.concessions`. A lever changes one input and moves the forecast
from x to x'. Its **gain** is the salience-weighted movement toward a's positions,

    gain = (U_a(x') − U_a(x)) / Σ_d s_ad,

reported in points of a 0-100 scale: a gain of 5 is worth as much to a as moving every issue
5 % of its scale toward a's position. The **cost** prices what a gives up: moving its own
stated position by δ on issue d costs s_ad |δ| / Σ_d s_ad, the loss a would bear had the
settlement moved that far away from it. Changes of emphasis (salience) and of others' inputs
carry no cost in the objective; the size of the ask is shown instead. Levers are ranked by
**net = gain − cost**. a's preferences (p_a, s_a) stay at their baseline values when its stated
position or salience is the lever.

The candidate levers, each of size ``step`` (percent of the scale changed): a's own position
on each issue, up and down; a's own salience on each issue, up and down; a's capability, up
and down (``step`` percent of it); and for every other actor j, its position on each issue
moved toward a's, its salience up and down, and its capability up and down (outside pressure,
e.g. Washington's on Kyiv, enters as a capability or salience change).

For the compromise model, x_d = Σ_i w_id p_id / W_d with w_id = c_i s_id and W_d = Σ_i w_id,
the effects have closed forms (Achen 2006's weighted mean, differenced):

* position p_id → p_id + δ:      Δx_d = w_id δ / W_d;
* salience s_id → s_id + σ:      Δx_d = c_i σ (p_id − x_d) / (W_d + c_i σ);
* capability c_i → c_i + κ:      Δx_d = κ s_id (p_id − x_d) / (W_d + κ s_id) on every d.

Every other model is simulated: all candidate changes are stacked on the draw axis of one
:class:`~accord.scenario.Problem` (row 0 is the baseline) and run in one batch.

References
----------
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, Stokman, Achen &
König (eds.), *The European Union Decides*, Cambridge University Press, 86-123.
Bueno de Mesquita, B. (2009). *The Predictioneer's Game*. Random House (levers as "what would
move the outcome" questions asked of the expected utility model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np

from accord.engines.local import Engine, InProcessExecutor
from accord.errors import InputError
from accord.models.base import ForecastModel, parameters
from accord.scenario.compile import FloatArray, Problem, compile
from accord.scenario.schema import Scenario

Kind = Literal["position", "salience", "capability"]
Method = Literal["closed form", "simulation"]
DEFAULT_STEP = 10.0
NEGLIGIBLE = 1e-8
"""Moves and net gains below this share of a scale (1e-6 points of 0-100) are numerical noise,
below the iterative models' accuracy: they do not reorder levers and are not listed as shifts."""
ROWS_PER_CHUNK = 128
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Lever:
    """One candidate change of one input.

    ``change`` is on [0, 1] for positions and saliences (a share of the scale) and relative
    for capability (``0.1`` = 10 % more).
    """

    actor: str
    kind: Kind
    issue: str | None
    change: float

    @property
    def path(self) -> str:
        """The input's change path (the ``--set`` grammar)."""
        return f"{self.actor}.{self.kind}" + (f".{self.issue}" if self.issue else "")


def candidates(problem: Problem, actor: str, step: float = DEFAULT_STEP) -> list[Lever]:
    """Every single change of size ``step`` % considered for ``actor`` (see the module)."""
    if actor not in problem.actor_ids:
        raise InputError.single(
            None,
            f"unknown actor {actor!r}",
            path=("--actor",),
            hint=f"use one of: {', '.join(problem.actor_ids)}",
        )
    if not 0 < step <= 100:
        raise InputError.single(
            None,
            f"--step must be in (0, 100], got {step:g}",
            path=("--step",),
            hint="e.g. --step 10",
        )
    size = step / 100.0
    a = problem.actor_ids.index(actor)
    position, salience = problem.position[0], problem.salience[0]
    found: list[Lever] = []
    for i, other in enumerate(problem.actor_ids):
        for d, issue in enumerate(problem.issue_ids):
            if i == a:
                moves = [_clip(position[i, d], change) for change in (-size, size)]
            else:
                gap = position[a, d] - position[i, d]
                moves = [np.sign(gap) * min(size, abs(gap))]
            found += [Lever(other, "position", issue, float(m)) for m in moves if m != 0]
            changes = [_clip(salience[i, d], change) for change in (-size, size)]
            found += [Lever(other, "salience", issue, float(c)) for c in changes if c != 0]
        if problem.capability[0, i] > 0:
            found += [Lever(other, "capability", None, change) for change in (-size, size)]
    return found


def _clip(value: float, change: float) -> float:
    """The change, shortened so that value + change stays on [0, 1]."""
    return float(np.clip(value + change, 0.0, 1.0) - value)


def apply_levers(problem: Problem, levers: Sequence[Lever]) -> Problem:
    """A problem whose row 0 is ``problem``'s first draw and row k+1 has lever k applied."""
    rows = len(levers) + 1
    arrays = {
        name: np.repeat(getattr(problem, name)[:1], rows, axis=0).copy()
        for name in ("capability", "position", "salience", "red_line", "status_quo")
    }
    actors = {actor: i for i, actor in enumerate(problem.actor_ids)}
    issues = {issue: d for d, issue in enumerate(problem.issue_ids)}
    for row, lever in enumerate(levers, start=1):
        i = actors[lever.actor]
        if lever.kind == "capability":
            arrays["capability"][row, i] *= 1.0 + lever.change
        else:
            arrays[lever.kind][row, i, issues[str(lever.issue)]] += lever.change
    return Problem.from_arrays(
        arrays["capability"],
        arrays["position"],
        arrays["salience"],
        red_line=arrays["red_line"],
        status_quo=arrays["status_quo"],
        party=problem.party,
        **problem.first_draw_constraints(),
        scale_min=problem.scale_min,
        scale_max=problem.scale_max,
        actor_ids=problem.actor_ids,
        issue_ids=problem.issue_ids,
        scenario_id=problem.scenario_id,
    )


def compromise_shifts(problem: Problem, levers: Sequence[Lever]) -> tuple[FloatArray, FloatArray]:
    """Closed-form forecast shifts ``[L, I]`` (on [0, 1]) of the compromise model.

    Returns the shifts and a mask of the levers the closed form covers: those where every
    issue's total weight W_d stays positive (else the model falls back to the plain mean).
    """
    capability = problem.capability[0]
    position, salience = problem.position[0], problem.salience[0]
    weight = capability[:, None] * salience  # [A, I]
    total = weight.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weight * position).sum(axis=0) / total
    actors = {actor: i for i, actor in enumerate(problem.actor_ids)}
    issues = {issue: d for d, issue in enumerate(problem.issue_ids)}
    shifts = np.zeros((len(levers), problem.n_issues))
    exact = np.ones(len(levers), dtype=bool)
    for row, lever in enumerate(levers):
        i = actors[lever.actor]
        if lever.kind == "position":
            d = issues[str(lever.issue)]
            shifts[row, d] = weight[i, d] * lever.change / total[d]
            exact[row] = total[d] > 0
        elif lever.kind == "salience":
            d = issues[str(lever.issue)]
            added = capability[i] * lever.change
            shifts[row, d] = added * (position[i, d] - mean[d]) / (total[d] + added)
            exact[row] = total[d] > 0 and total[d] + added > 0
        else:
            added = capability[i] * lever.change * salience[i]
            shifts[row] = added * (position[i] - mean) / (total + added)
            exact[row] = bool(np.all(total > 0) and np.all(total + added > 0))
    return np.where(exact[:, None], shifts, 0.0), exact


def _run_rows(model: ForecastModel, problem: Problem, rows: Sequence[int]) -> FloatArray:
    return np.asarray(model.run(problem.take(list(rows)), rng=0).settlement, dtype=np.float64)


def simulated_shifts(
    model: ForecastModel,
    problem: Problem,
    levers: Sequence[Lever],
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The baseline settlement ``[I]`` and each lever's shift ``[L, I]``, on [0, 1].

    Runs ``model`` on every lever at once: rows stacked on the draw axis, in fixed-size chunks.
    """
    stacked = apply_levers(problem, levers)
    engine = engine or Engine(InProcessExecutor(), "in process", 1)
    rows = list(range(stacked.draws))
    work = [rows[s : s + ROWS_PER_CHUNK] for s in range(0, len(rows), ROWS_PER_CHUNK)]
    parts: list[FloatArray] = []
    for part in engine.executor.map(partial(_run_rows, model, stacked), work):
        parts.append(part)
        if progress is not None:
            progress(sum(len(p) for p in parts), len(rows))
    settlement = np.concatenate(parts)
    return settlement[0], settlement[1:] - settlement[0]


@dataclass(frozen=True)
class LeverResult:
    """One lever's effect under one model (gains in points of a 0-100 scale)."""

    lever: Lever
    new_value: float
    shift: FloatArray
    gain: float
    cost: float
    method: Method

    @property
    def net(self) -> float:
        """Gain less cost: what the ranking uses."""
        return self.gain - self.cost


@dataclass(frozen=True)
class ModelLevers:
    """One model's baseline forecast (issue units) and its levers, best first."""

    model: str
    parameters: dict[str, Any]
    baseline: dict[str, float]
    levers: list[LeverResult]


@dataclass(frozen=True)
class Levers:
    """The result of :func:`levers`."""

    scenario: Scenario
    problem: Problem
    actor: str
    step: float
    models: dict[str, ModelLevers]

    def to_json(self) -> dict[str, Any]:
        """Per model, the baseline and every lever ranked by net gain.

        ``shift`` lists the issues a lever moves, in their units; moves below
        :data:`NEGLIGIBLE` of the scale are numerical noise and left out.
        """
        span = self.problem.scale_max - self.problem.scale_min
        return {
            "scenario": self.scenario.id,
            "as_of": self.problem.as_of.isoformat() if self.problem.as_of else None,
            "actor": self.actor,
            "step": self.step,
            "objective": "salience-weighted movement toward the actor's positions, in points "
            "of a 0-100 scale; cost = salience-weighted size of the actor's own position moves",
            "models": {
                name: {
                    "parameters": result.parameters,
                    "baseline": {k: _round(v) for k, v in result.baseline.items()},
                    "levers": [
                        {
                            "rank": rank,
                            "path": item.lever.path,
                            "actor": item.lever.actor,
                            "kind": item.lever.kind,
                            "issue": item.lever.issue,
                            "change": _round(_change_in_units(self, item.lever)),
                            "new_value": _round(item.new_value),
                            "gain": _round(item.gain),
                            "cost": _round(item.cost),
                            "net": _round(item.net),
                            "method": item.method,
                            "shift": {
                                issue: _round(float(item.shift[d] * span[d]))
                                for d, issue in enumerate(self.problem.issue_ids)
                                if abs(item.shift[d]) >= NEGLIGIBLE
                            },
                        }
                        for rank, item in enumerate(result.levers, start=1)
                    ],
                }
                for name, result in self.models.items()
            },
        }


def _round(value: float) -> float | None:
    return round(float(value), 10) if np.isfinite(value) else None


def _change_in_units(result: Levers, lever: Lever) -> float:
    """A lever's change in the input's unit (scale units, salience points, or % capability)."""
    if lever.kind == "capability":
        return lever.change * 100.0
    if lever.kind == "salience":
        scale = result.scenario.salience_scale
        return lever.change * (scale.max - scale.min)
    d = result.problem.issue_ids.index(str(lever.issue))
    return lever.change * float(result.problem.scale_max[d] - result.problem.scale_min[d])


def _new_value(scenario: Scenario, problem: Problem, lever: Lever) -> float:
    i = problem.actor_ids.index(lever.actor)
    if lever.kind == "capability":
        return float(problem.capability[0, i] * (1.0 + lever.change))
    d = problem.issue_ids.index(str(lever.issue))
    if lever.kind == "salience":
        scale = scenario.salience_scale
        return float(
            scale.min + (problem.salience[0, i, d] + lever.change) * (scale.max - scale.min)
        )
    return float(problem.to_units(problem.position[0, i] + lever.change)[d])


def score(
    problem: Problem, actor: str, baseline: FloatArray, shifts: FloatArray, levers: Sequence[Lever]
) -> tuple[FloatArray, FloatArray]:
    """Gain and cost of each lever for ``actor`` (points of a 0-100 scale; see the module)."""
    a = problem.actor_ids.index(actor)
    ideal, salience = problem.position[0, a], problem.salience[0, a]
    total = salience.sum()
    if total <= 0:
        raise InputError.single(
            None,
            f"actor {actor!r} has zero salience on every issue, so nothing moves it",
            path=("--actor",),
            hint="choose an actor that cares about at least one issue",
        )
    before = np.abs(baseline - ideal)
    after = np.abs(baseline + shifts - ideal)
    gain = 100.0 * ((before - after) * salience).sum(axis=1) / total
    cost = np.zeros(len(levers))
    for row, lever in enumerate(levers):
        if lever.actor == actor and lever.kind == "position":
            d = problem.issue_ids.index(str(lever.issue))
            cost[row] = 100.0 * salience[d] * abs(lever.change) / total
    return gain, cost


def levers(
    scenario: Scenario,
    models: Sequence[ForecastModel],
    actor: str,
    *,
    step: float = DEFAULT_STEP,
    engine: Engine | None = None,
    progress: Progress | None = None,
    exact: bool = True,
) -> Levers:
    """Rank the single changes that move each model's forecast toward ``actor``'s positions.

    Parameters
    ----------
    scenario
        The scenario as evaluated (see :func:`accord.analysis.whatif.current`), at its point
        values.
    models
        Model instances.
    actor
        The actor whose levers are sought.
    step
        Size of each change, in percent of the input's scale (capability: percent of it).
    engine
        Where the simulated rows run (default: in process).
    progress
        Called with (rows done, rows in all) per model.
    exact
        Use the closed form for the compromise model (``False`` simulates it too, as a check).
    """
    problem = compile(scenario)
    found = candidates(problem, actor, step)
    results: dict[str, ModelLevers] = {}
    for model in models:
        methods: list[Method]
        if model.name == "compromise" and exact:
            baseline = np.asarray(model.run(problem).settlement[0], dtype=np.float64)
            shifts, covered = compromise_shifts(problem, found)
            methods = ["closed form" if flag else "simulation" for flag in covered]
            if not covered.all():
                rows = [k for k, flag in enumerate(covered) if not flag]
                _, simulated = simulated_shifts(model, problem, [found[k] for k in rows], engine)
                shifts[rows] = simulated
        else:
            baseline, shifts = simulated_shifts(model, problem, found, engine, progress)
            methods = ["simulation"] * len(found)
        gain, cost = score(problem, actor, baseline, shifts, found)
        items = [
            LeverResult(
                lever,
                _new_value(scenario, problem, lever),
                shifts[k],
                float(gain[k]),
                float(cost[k]),
                methods[k],
            )
            for k, lever in enumerate(found)
        ]
        # Nets (points of 0-100) within NEGLIGIBLE of the scale count as ties, broken by path,
        # so that numerical noise never reorders levers of no consequence.
        tie = 100 * NEGLIGIBLE
        items.sort(key=lambda item: (-round(item.net / tie), item.lever.path, item.lever.change))
        units = problem.to_units(baseline)
        results[model.name] = ModelLevers(
            model.name,
            parameters(model),
            {issue: float(units[d]) for d, issue in enumerate(problem.issue_ids)},
            items,
        )
    return Levers(scenario, problem, actor, step, results)
