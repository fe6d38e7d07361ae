"""Run models on a scenario and express their settlements in each issue's own terms.

:func:`forecast` is what ``accord forecast`` calls: it compiles the scenario as of a date, runs
each model, maps settlements back to the issues' units and nearest anchor labels, and works out
who concedes most on each issue. :meth:`Forecast.to_json` gives the output format of DESIGN.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.frames import Tabular
from accord.models.base import ForecastModel, Outcome, model_label, resolve_models
from accord.scenario.compile import FloatArray, Problem, compile, label_for
from accord.scenario.schema import Scenario


@dataclass(frozen=True)
class IssueForecast:
    """One model's forecast on one issue, in the issue's unit."""

    value: float
    label: str
    low: float | None
    high: float | None
    concedes_most: str | None
    concession: dict[str, float]


@dataclass(frozen=True)
class ModelForecast:
    """One model's forecasts on every issue, and its outcome for inspection."""

    name: str
    issues: dict[str, IssueForecast]
    outcome: Outcome
    trace: dict[str, Any]


@dataclass(frozen=True, repr=False)
class Forecast(Tabular):
    """The result of :func:`forecast`."""

    scenario: Scenario
    problem: Problem
    models: dict[str, ModelForecast]
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The forecast in the JSON layout of DESIGN.md."""
        return {
            "scenario": self.scenario.id,
            "as_of": self.problem.as_of.isoformat() if self.problem.as_of else None,
            "seed": self.seed,
            "models": {
                name: {
                    "issues": {
                        issue_id: {
                            "value": item.value,
                            "label": item.label,
                            "low": item.low,
                            "high": item.high,
                        }
                        for issue_id, item in model.issues.items()
                    },
                    "trace": model.trace,
                }
                for name, model in self.models.items()
            },
        }

    def position_range(self, issue_id: str) -> tuple[float, float]:
        """Lowest and highest actor position on an issue, in its unit (first draw)."""
        column = self.problem.issue_ids.index(issue_id)
        positions = self.problem.to_units(self.problem.position[0])[:, column]
        return float(positions.min()), float(positions.max())


def forecast(
    scenario: Scenario,
    models: Sequence[str | ForecastModel] | None = None,
    *,
    date: dt.date | None = None,
    seed: int | None = None,
) -> Forecast:
    """Forecast every issue of ``scenario`` with each model (default: every registered model).

    Parameters
    ----------
    scenario
        A loaded scenario.
    models
        Model names or instances.
    date
        Evaluation date (default: the scenario's ``as_of``).
    seed
        Passed to stochastic models.
    """
    problem = compile(scenario, date=date)
    chosen = resolve_models(models)
    results: dict[str, ModelForecast] = {}
    for model in chosen:
        outcome = model.run(problem, rng=seed)
        results[model_label(model)] = _summarise(scenario, problem, outcome, model_label(model))
    return Forecast(scenario, problem, results, seed)


def concessions(problem: Problem, settlement: FloatArray) -> FloatArray:
    """Salience-weighted distance of each actor from the settlement, ``[B, A, I]`` on [0, 1]."""
    return problem.salience * np.abs(settlement[:, None, :] - problem.position)


def _summarise(
    scenario: Scenario, problem: Problem, outcome: Outcome, name: str | None = None
) -> ModelForecast:
    values = problem.to_units(outcome.settlement)
    concession = concessions(problem, outcome.settlement)[0]
    issues: dict[str, IssueForecast] = {}
    for column, issue_id in enumerate(problem.issue_ids):
        issue = scenario.issue(issue_id)
        value = float(values[0, column])
        low = high = None
        if problem.draws > 1:
            low, high = (float(v) for v in np.quantile(values[:, column], [0.1, 0.9]))
            value = float(np.median(values[:, column]))
        by_actor = {
            actor: float(concession[a, column]) for a, actor in enumerate(problem.actor_ids)
        }
        most = max(by_actor, key=lambda actor: by_actor[actor]) if by_actor else None
        issues[issue_id] = IssueForecast(
            value,
            label_for(issue, value),
            low,
            high,
            most if most is not None and by_actor[most] > 0 else None,
            by_actor,
        )
    return ModelForecast(
        name or outcome.model, issues, outcome, trace_to_json(problem, outcome.trace)
    )


def scaled_trace_keys(trace: Mapping[str, Any]) -> set[str]:
    """Trace arrays on [0, 1] whose last axis is the issue axis (mapped back to units)."""
    keys = {"positions", *trace.get("series", ()), *trace.get("scaled", ())}
    return {key for key in keys if key in trace}


def trace_to_json(problem: Problem, trace: Mapping[str, Any]) -> dict[str, Any]:
    """Make a model's trace JSON-ready: first draw only, positions in issue units."""
    scaled = scaled_trace_keys(trace)
    result: dict[str, Any] = {}
    for key, value in trace.items():
        if isinstance(value, np.ndarray):
            array = value
            if key in scaled:
                array = problem.to_units(array)
            if array.ndim >= 1 and array.shape[0] == problem.draws and key != "players":
                array = array[0]
            result[key] = _jsonable(array)
        else:
            result[key] = _jsonable(value)
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return [_jsonable(v) for v in value] if value.ndim else _float(float(value))
        return value.tolist()
    if isinstance(value, float | np.floating):
        return _float(float(value))
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _float(value: float) -> float | None:
    return round(value, 10) if np.isfinite(value) else None
