"""How close each model comes to outcomes that are known: built-in cases and DEU III files.

A *case* is one issue whose real outcome is known: every issue with an ``outcome`` in a
built-in scenario (e.g. ``emission-1994``: 8.833 years) and every issue of a DEU III file with
an outcome (:mod:`accord.scenario.deu`). Each model forecasts each case at the scenario's
evaluation date; the error is |forecast − outcome| in the issue's unit and, to compare issues
on different scales, as points on 0-100 of the issue's range:
e = 100 |forecast − outcome| / (max − min). DEU issues are on 0-100 already.

Metrics per model (on the 0-100 errors): mean absolute error (MAE), median absolute error, and
the share of cases within 10 points (e ≤ 10). Each comes with a percentile bootstrap interval
(Efron & Tibshirani 1993, ch. 13): cases are resampled with replacement ``boot`` times from a
generator seeded with ``seed``. Against the compromise baseline (Achen 2006), the paired
difference of each model's MAE (and share within 10 points) is bootstrapped on the same
resamples, so the interval reflects the case-by-case pairing. With fewer than two cases there is
nothing to resample and intervals are ``None``.

Published anchors on DEU III (351 issues, one open replication, not peer-reviewed): MAE 22.99
for the capability × salience mean, 26.83 for an EUM reconstruction, 44.34 for the reference
point alone (``../shared/references/models.md`` §6).

References
----------
Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
Achen, C. H. (2006). Institutional realism and bargaining models. In Thomson, Stokman, Achen &
König (eds.), *The European Union Decides*, Cambridge University Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.analysis.forecast import _jsonable
from accord.errors import InputError
from accord.models.base import ForecastModel, get_model, registry
from accord.scenario.compile import FloatArray, Problem, compile
from accord.scenario.deu import DeuImport
from accord.scenario.load import builtin_ids, load
from accord.scenario.schema import Scenario

BASELINE = "compromise"
WITHIN = 10.0
"""Tolerance, in points on 0-100, for the share of cases forecast within it."""


@dataclass(frozen=True)
class Case:
    """One issue with a known outcome."""

    set: str
    scenario: Scenario
    issue: str
    outcome: float
    note: str = ""

    @property
    def id(self) -> str:
        """``scenario/issue``."""
        return f"{self.scenario.id}/{self.issue}"


@dataclass(frozen=True)
class CaseResult:
    """Every model's forecast and error on one case."""

    case: Case
    forecast: dict[str, float]
    error: dict[str, float]
    scaled: dict[str, float]


@dataclass(frozen=True)
class Estimate:
    """A statistic and its bootstrap interval (None with fewer than two cases)."""

    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ModelMetrics:
    """One model's accuracy on a set of cases (errors on 0-100)."""

    n: int
    mae: Estimate
    median: Estimate
    within: Estimate
    mae_vs_baseline: Estimate | None
    within_vs_baseline: Estimate | None


@dataclass(frozen=True)
class Backtest:
    """The result of :func:`backtest`."""

    models: tuple[str, ...]
    results: tuple[CaseResult, ...]
    metrics: dict[str, dict[str, ModelMetrics]]
    boot: int
    seed: int
    level: float
    baseline: str | None
    skipped: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready table data.

        Layout::

            {"models": [...], "baseline": str|null, "boot": int, "seed": int, "level": float,
             "within": 10.0, "skipped": [str],
             "metrics": {SET: {MODEL: {"n", "mae", "median", "within", "mae_vs_baseline",
                                       "within_vs_baseline"}}},
             "cases": [{"set", "scenario", "issue", "outcome", "unit", "min", "max",
                        "forecast": {MODEL: v}, "error": {MODEL: v}, "scaled": {MODEL: v}}]}

        where each metric is ``{"value", "low", "high"}`` (``within`` as a share 0-1;
        ``*_vs_baseline`` are model minus baseline, null for the baseline itself).
        """
        return {
            "models": list(self.models),
            "baseline": self.baseline,
            "boot": self.boot,
            "seed": self.seed,
            "level": self.level,
            "within": WITHIN,
            "skipped": list(self.skipped),
            "metrics": {
                name: {model: _metrics_json(item) for model, item in per_model.items()}
                for name, per_model in self.metrics.items()
            },
            "cases": [
                {
                    "set": result.case.set,
                    "scenario": result.case.scenario.id,
                    "issue": result.case.issue,
                    "outcome": result.case.outcome,
                    "unit": result.case.scenario.issue(result.case.issue).unit,
                    "min": result.case.scenario.issue(result.case.issue).min,
                    "max": result.case.scenario.issue(result.case.issue).max,
                    "forecast": _jsonable(result.forecast),
                    "error": _jsonable(result.error),
                    "scaled": _jsonable(result.scaled),
                }
                for result in self.results
            ],
        }


def _estimate_json(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return _jsonable({"value": estimate.value, "low": estimate.low, "high": estimate.high})


def _metrics_json(item: ModelMetrics) -> dict[str, Any]:
    return {
        "n": item.n,
        "mae": _estimate_json(item.mae),
        "median": _estimate_json(item.median),
        "within": _estimate_json(item.within),
        "mae_vs_baseline": _estimate_json(item.mae_vs_baseline),
        "within_vs_baseline": _estimate_json(item.within_vs_baseline),
    }


def builtin_cases() -> list[Case]:
    """Every issue with a known outcome in the built-in scenarios."""
    cases = []
    for scenario_id in builtin_ids():
        scenario = load(scenario_id)
        for issue in scenario.issues:
            if issue.outcome is not None:
                cases.append(Case("built-in", scenario, issue.id, issue.outcome.point))
    return cases


def deu_cases(data: DeuImport) -> list[Case]:
    """The cases of an imported DEU file (issues without an outcome are left out)."""
    cases = []
    for item in data.cases:
        issue = item.scenario.issues[0]
        if issue.outcome is None:
            continue
        note = f"line {item.line}, {item.period}"
        cases.append(Case(data.file, item.scenario, issue.id, issue.outcome.point, note))
    return cases


def backtest(
    cases: Sequence[Case],
    models: Sequence[str | ForecastModel] | None = None,
    *,
    boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    skipped: Sequence[str] = (),
) -> Backtest:
    """Forecast every case with every model and score the errors.

    Parameters
    ----------
    cases
        Issues with known outcomes (:func:`builtin_cases`, :func:`deu_cases`).
    models
        Model names or instances (default: every registered model).
    boot
        Bootstrap resamples for the intervals.
    seed
        Seed of the bootstrap (and of stochastic models).
    level
        Coverage of the intervals.
    skipped
        Notes on inputs left out, carried into the result.
    """
    if not cases:
        raise InputError.single(
            None,
            "no cases with a known outcome",
            hint="built-in scenarios need issues with an outcome; give a DEU file with --deu",
        )
    if boot < 1:
        raise InputError.single(None, "--boot must be at least 1", path=("--boot",), value=boot)
    if not 0 < level < 1:
        raise InputError.single(None, "--level must lie in (0, 1)", path=("--level",), value=level)
    chosen = [get_model(m) if isinstance(m, str) else m for m in (models or list(registry()))]
    names = tuple(model.name for model in chosen)
    results = _score_all(cases, chosen, seed)
    baseline = BASELINE if BASELINE in names else None
    sets: dict[str, list[CaseResult]] = {}
    for result in results:
        sets.setdefault(result.case.set, []).append(result)
    if len(sets) > 1:
        sets["all"] = results
    metrics = {
        name: score_errors(
            {model: np.array([r.scaled[model] for r in members]) for model in names},
            baseline=baseline,
            boot=boot,
            seed=seed,
            level=level,
        )
        for name, members in sets.items()
    }
    return Backtest(names, tuple(results), metrics, boot, seed, level, baseline, tuple(skipped))


def _score_all(
    cases: Sequence[Case], models: Sequence[ForecastModel], seed: int
) -> list[CaseResult]:
    problems = [compile(case.scenario) for case in cases]
    values: dict[str, list[float]] = {}
    for model in models:
        settlements = _settlements(model, problems, seed)
        values[model.name] = [
            float(problem.to_units(settlement)[problem.issue_ids.index(case.issue)])
            for case, problem, settlement in zip(cases, problems, settlements, strict=True)
        ]
    results = []
    for index, case in enumerate(cases):
        issue = case.scenario.issue(case.issue)
        span = issue.max - issue.min
        forecast = {name: per_case[index] for name, per_case in values.items()}
        error = {name: abs(value - case.outcome) for name, value in forecast.items()}
        scaled = {name: 100.0 * value / span for name, value in error.items()}
        results.append(CaseResult(case, forecast, error, scaled))
    return results


def _settlements(model: ForecastModel, problems: list[Problem], seed: int) -> list[FloatArray]:
    """Each problem's settlement ``[I]`` on [0, 1].

    For a deterministic model that promises zero-capability actors change nothing, problems
    with the same issues (e.g. every DEU issue) are padded to a common actor list with
    zero-capability, zero-salience actors and solved in one batched call; the others one by
    one. Problems where no actor has weight on some issue, or with parties marked, are always
    solved alone (padding could change a model's fallback there).
    """
    result: list[FloatArray | None] = [None] * len(problems)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for index, problem in enumerate(problems):
        weight = (problem.capability[:, :, None] * problem.salience).sum(axis=1)
        stackable = (
            model.traits.zero_capability_inert
            and not model.traits.stochastic
            and not problem.party.any()
            and bool((weight > 0).all())
        )
        if stackable:
            key = (problem.issue_ids, tuple(problem.scale_min), tuple(problem.scale_max))
            groups.setdefault(key, []).append(index)
        else:
            result[index] = model.run(problem, rng=seed).settlement[0]
    for members in groups.values():
        stacked = _padded([problems[i] for i in members])
        settlement = model.run(stacked, rng=seed).settlement
        for row, index in enumerate(members):
            result[index] = settlement[row]
    return [value for value in result if value is not None]


def _padded(problems: list[Problem]) -> Problem:
    """One-draw problems with the same issues, stacked over a common list of actors."""
    actors = list(dict.fromkeys(actor for p in problems for actor in p.actor_ids))
    column = {actor: a for a, actor in enumerate(actors)}
    batch, count, issues = len(problems), len(actors), problems[0].n_issues
    capability = np.zeros((batch, count))
    salience = np.zeros((batch, count, issues))
    walk_away = np.full((batch, count, issues), np.nan)
    position = np.empty((batch, count, issues))
    status_quo = np.empty((batch, issues))
    for b, problem in enumerate(problems):
        index = [column[actor] for actor in problem.actor_ids]
        position[b] = problem.position[0, 0]  # pads sit on a real actor's position
        position[b, index] = problem.position[0]
        capability[b, index] = problem.capability[0]
        salience[b, index] = problem.salience[0]
        walk_away[b, index] = problem.walk_away[0]
        status_quo[b] = problem.status_quo[0]
    first = problems[0]
    return Problem.from_arrays(
        capability,
        position,
        salience,
        red_line=walk_away,
        status_quo=status_quo,
        scale_min=first.scale_min,
        scale_max=first.scale_max,
        actor_ids=actors,
        issue_ids=first.issue_ids,
        scenario_id="backtest",
    )


def score_errors(
    errors: dict[str, FloatArray],
    *,
    baseline: str | None = BASELINE,
    boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, ModelMetrics]:
    """Metrics with bootstrap intervals for per-case absolute errors on 0-100.

    Parameters
    ----------
    errors
        Model -> absolute errors ``[n]`` (the same cases, in the same order, for every model).
    baseline
        The model the paired differences are taken against (None: no differences).

    Notes
    -----
    All statistics share one matrix of resampled case indices ``[boot, n]`` drawn from
    ``numpy.random.default_rng(seed)``, so the intervals of different models and the paired
    differences use the same resamples. Interval bounds are the (1 − level)/2 and
    (1 + level)/2 quantiles of the resampled statistic.
    """
    sizes = {len(values) for values in errors.values()}
    if len(sizes) != 1:
        raise ValueError("every model needs an error for every case")
    n = sizes.pop()
    resample = np.random.default_rng(seed).integers(0, n, size=(boot, n)) if n > 1 else None
    quantiles = [(1 - level) / 2, (1 + level) / 2]

    def estimate(values: FloatArray, statistic: str) -> Estimate:
        point = _statistic(values[None, :], statistic)[0]
        if resample is None:
            return Estimate(float(point), None, None)
        low, high = np.quantile(_statistic(values[resample], statistic), quantiles)
        return Estimate(float(point), float(low), float(high))

    base = errors.get(baseline) if baseline is not None else None
    result = {}
    for model, values in errors.items():
        values = np.asarray(values, dtype=np.float64)
        within = (values <= WITHIN).astype(np.float64)
        paired_mae = paired_within = None
        if base is not None and model != baseline:
            paired_mae = estimate(values - base, "mean")
            paired_within = estimate(within - (base <= WITHIN).astype(np.float64), "mean")
        result[model] = ModelMetrics(
            n=n,
            mae=estimate(values, "mean"),
            median=estimate(values, "median"),
            within=estimate(within, "mean"),
            mae_vs_baseline=paired_mae,
            within_vs_baseline=paired_within,
        )
    return result


def _statistic(samples: FloatArray, statistic: str) -> FloatArray:
    if statistic == "median":
        return np.median(samples, axis=1)
    return samples.mean(axis=1)
