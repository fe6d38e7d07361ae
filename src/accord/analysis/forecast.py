"""Run models on a scenario and express their settlements in each issue's own terms.

:func:`forecast` is what ``accord forecast`` calls: it compiles the scenario as of a date, runs
each model, maps settlements back to the issues' units and nearest anchor labels, and works out
who concedes most on each issue. :meth:`Forecast.to_json` gives the output format of DESIGN.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.analysis.zone import Zone, zone
from accord.errors import InputError
from accord.frames import Tabular
from accord.models.base import ForecastModel, Outcome, model_label, resolve_models
from accord.scenario.acceptance import rejections
from accord.scenario.compile import FloatArray, Problem, compile, label_for
from accord.scenario.schema import Scenario


@dataclass(frozen=True)
class IssueForecast:
    """One model's forecast on one issue, in the issue's unit.

    ``in_zone`` says whether the value lies in the zone of agreement's interval on this issue
    (False when the zone is empty there; None when no zone was computed); ``rejected_by`` names
    the veto players whose red lines or conditions on this issue rule the value out.
    """

    value: float
    label: str
    low: float | None
    high: float | None
    concedes_most: str | None
    concession: dict[str, float]
    in_zone: bool | None = None
    rejected_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelForecast:
    """One model's forecasts on every issue, and its outcome for inspection.

    ``kind`` is the model's reading of the talks (``collective-choice`` or ``bargaining``);
    ``converged`` whether an iterative model settled (None for one-shot models); ``rejected_by``
    the veto players who reject the whole settlement (red lines, conditions or no deal).
    """

    name: str
    issues: dict[str, IssueForecast]
    outcome: Outcome
    trace: dict[str, Any]
    kind: str = "collective-choice"
    converged: bool | None = None
    warnings: tuple[str, ...] = ()
    rejected_by: tuple[str, ...] = ()

    @property
    def in_zone(self) -> bool:
        """Whether every veto player accepts the whole settlement."""
        return not self.rejected_by and all(
            item.in_zone is not False for item in self.issues.values()
        )


@dataclass(frozen=True, repr=False)
class Forecast(Tabular):
    """The result of :func:`forecast`: every model's forecast, checked against the zone."""

    scenario: Scenario
    problem: Problem
    models: dict[str, ModelForecast]
    seed: int | None = None
    zone: Zone | None = None

    def to_json(self) -> dict[str, Any]:
        """The forecast in the JSON layout of DESIGN.md and docs/output.md."""
        result: dict[str, Any] = {
            "scenario": self.scenario.id,
            "as_of": self.problem.as_of.isoformat() if self.problem.as_of else None,
            "seed": self.seed,
        }
        if self.zone is not None:
            result["zone"] = self.zone.to_json()
            result["verdict"] = self.zone.verdict()
        result["models"] = {name: model_json(model) for name, model in self.models.items()}
        result["ensemble"] = ensemble_json(self)
        return result

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
    agreement = zone(scenario, date=date, problem=problem)
    chosen = resolve_models(models)
    results: dict[str, ModelForecast] = {}
    for model in chosen:
        label = model_label(model)
        outcome = model.run(problem, rng=seed)
        require_finite(label, problem, outcome.settlement)
        summary = _summarise(scenario, problem, outcome, label)
        results[label] = check_against_zone(summary, model.traits.kind, problem, agreement)
    return Forecast(scenario, problem, results, seed, agreement)


@dataclass(frozen=True)
class EnsembleBand:
    """The spread across models on one issue, in the issue's unit.

    ``low``/``high``: the lowest and highest of the models' values (their disagreement, which
    no single model's interval shows); ``envelope_low``/``envelope_high``: with sampled draws,
    the lowest 10th and highest 90th percentile of the models' 80 % intervals. Model
    averaging of this kind is the ensemble practice of forecasting (Bates & Granger 1969, *The
    combination of forecasts*, Operational Research Quarterly 20(4):451-468); the band is the
    range, not a weighted mean, because the models read the talks differently.
    """

    low: float
    high: float
    models: int
    envelope_low: float | None = None
    envelope_high: float | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"low", "high", "models"}`` and, with draws, ``"envelope": {"low", "high"}``."""
        data: dict[str, Any] = {
            "low": _float(self.low),
            "high": _float(self.high),
            "models": self.models,
        }
        if self.envelope_low is not None and self.envelope_high is not None:
            data["envelope"] = {
                "low": _float(self.envelope_low),
                "high": _float(self.envelope_high),
            }
        return data


def ensemble(forecast: Forecast, *, intervals: bool = False) -> dict[str, EnsembleBand]:
    """Per issue, the band across the forecast's models (see :class:`EnsembleBand`).

    ``intervals``: the models' ``low``/``high`` are sampled 80 % intervals (``--draws``), so
    their envelope is reported too (a single-draw ``low``/``high`` is a terminal cycle's range,
    not an interval, and is left out).
    """
    bands: dict[str, EnsembleBand] = {}
    models = list(forecast.models.values())
    if not models:
        return bands
    for issue_id in forecast.problem.issue_ids:
        items = [model.issues[issue_id] for model in models]
        values = [item.value for item in items]
        lows = [item.low for item in items if item.low is not None]
        highs = [item.high for item in items if item.high is not None]
        sampled = intervals and len(lows) == len(items) and len(highs) == len(items)
        bands[issue_id] = EnsembleBand(
            min(values),
            max(values),
            len(items),
            min(lows) if sampled else None,
            max(highs) if sampled else None,
        )
    return bands


def ensemble_json(forecast: Forecast, *, intervals: bool = False) -> dict[str, Any]:
    """``{ISSUE: {"low", "high", "models"[, "envelope"]}}`` for the forecast JSON."""
    return {
        issue_id: band.to_json()
        for issue_id, band in ensemble(forecast, intervals=intervals).items()
    }


def model_json(model: ModelForecast) -> dict[str, Any]:
    """One model's entry of the forecast JSON."""
    return {
        "kind": model.kind,
        "converged": model.converged,
        "warnings": list(model.warnings),
        "in_zone": model.in_zone,
        "rejected_by": list(model.rejected_by),
        "issues": {
            issue_id: {
                "value": item.value,
                "label": item.label,
                "low": item.low,
                "high": item.high,
                "in_zone": item.in_zone,
                "rejected_by": list(item.rejected_by),
            }
            for issue_id, item in model.issues.items()
        },
        "trace": model.trace,
    }


def check_against_zone(
    summary: ModelForecast, kind: str, problem: Problem, agreement: Zone | None
) -> ModelForecast:
    """The model's forecast marked in or out of the zone, with its kind and convergence."""
    status = model_status(summary.outcome)
    converged = status["converged"]
    warnings = list(status["warnings"])
    if converged is False and not warnings:
        warnings.append(f"{summary.name} did not settle within its rounds on some issues")
    issues = summary.issues
    rejected: tuple[str, ...] = ()
    if agreement is not None:
        issues = {
            issue_id: dataclasses.replace(
                item,
                in_zone=_inside(agreement, issue_id, item.value),
                rejected_by=agreement.rejected_by(issue_id, item.value),
            )
            for issue_id, item in summary.issues.items()
        }
        point = problem.to_unit_scale([[issues[i].value for i in problem.issue_ids]])
        outside, short = rejections(problem.take(slice(0, 1)), point)
        veto = problem.veto_players
        rejected = tuple(
            actor
            for a, actor in enumerate(problem.actor_ids)
            if veto[a] and (outside[0, a].any() or short[0, a])
        )
    return dataclasses.replace(
        summary,
        issues=issues,
        kind=kind,
        converged=converged,
        warnings=tuple(warnings),
        rejected_by=rejected,
    )


def _inside(agreement: Zone, issue_id: str, value: float) -> bool:
    item = agreement.issues[issue_id]
    if item.low is None or item.high is None:
        return False
    tolerance = 1e-9 * max(1.0, abs(value))
    return item.low - tolerance <= value <= item.high + tolerance


def model_status(outcome: Outcome) -> dict[str, Any]:
    """Whether a round-based model settled, and its warnings, for the forecast JSON.

    ``converged`` is true when every draw and issue settled (``diagnostics["converged"]``),
    ``None`` for one-shot models that report no convergence; ``warnings`` are plain sentences
    from ``diagnostics["warnings"]``.
    """
    converged = outcome.diagnostics.get("converged")
    return {
        "converged": None if converged is None else bool(np.all(converged)),
        "warnings": [str(warning) for warning in outcome.diagnostics.get("warnings", [])],
    }


def cycle_range(
    problem: Problem, outcome: Outcome, column: int
) -> tuple[float, float] | tuple[None, None]:
    """For one draw, the range over the terminal cycle where the trajectory did not settle.

    Round-based models that read an unsettled trajectory by its terminal cycle (EUM's
    ``cycle-mean``) put ``cycle_low``/``cycle_high``/``cycle_length`` in their trace; the
    forecast's ``low``/``high`` then report that range, in the issue's unit.
    """
    trace = outcome.trace
    if not {"cycle_low", "cycle_high", "cycle_length"} <= set(trace):
        return None, None
    if int(np.asarray(trace["cycle_length"])[0, column]) == 1:
        return None, None
    low = problem.to_units(np.asarray(trace["cycle_low"])[:1])[0, column]
    high = problem.to_units(np.asarray(trace["cycle_high"])[:1])[0, column]
    return float(low), float(high)


def require_finite(model: str, problem: Problem, settlement: FloatArray) -> None:
    """Raise :class:`InputError` when ``model`` gave a settlement that is not a finite number.

    The scenario checks exclude the inputs known to cause this (no weight on an issue, extreme
    scales); this is the last guard, so that NaN never reaches an output, a record or a page.
    The error names the issue and, where it can tell, the input to blame: an issue on which
    the actors' capability × salience weights sum to zero in some draw.
    """
    values = np.asarray(settlement, dtype=np.float64)
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    column = int(np.argwhere(bad)[0][1]) if values.ndim == 2 else 0
    issue = problem.issue_ids[column] if column < len(problem.issue_ids) else "?"
    weights = problem.capability[:, :, None] * problem.salience
    if bool((weights[:, :, column].sum(axis=1) <= 0).any()):
        cause = "no actor has both positive capability and salience on it (in some draw)"
    else:
        cause = "its scale or the actors' numbers are too extreme for finite arithmetic"
    raise InputError.single(
        None,
        f"model {model!r} gave a non-finite forecast on issue {issue!r}: {cause}",
        path=("issues", issue),
        hint="give some actor a positive capability and salience on it, and keep its scale "
        "moderate (e.g. 0-100)",
    )


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
        else:
            low, high = cycle_range(problem, outcome, column)
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
