"""Run what a report or the dashboard shows, once, with progress and cancellation.

:func:`build` evaluates the scenario as of a date with any what-if changes
(:mod:`accord.analysis.whatif`), forecasts it with each model at the point values, and, on
request, runs the Monte Carlo (:func:`accord.analysis.montecarlo.simulate`), the timeline across
the dated updates, a Morris sensitivity screen, the levers of the parties, the war's bargaining
range (:mod:`accord.dynamics.war`), what the shipped deals and the models' middle forecast are
worth to each party against fighting on (:mod:`accord.dynamics.deal`) and whether they would
be ratified (:mod:`accord.dynamics.ratify`), and simulated talks under a deadline
(:mod:`accord.dynamics.talks`), and the track record of the scenario's events
(:func:`accord.analysis.ledger.track_record`). Every step checks
``cancelled()`` first, and the Monte Carlo checks it after each block of draws, so a long run can
be stopped. The numbers depend only on the inputs and the seed (the Monte Carlo's own
``SeedSequence`` blocks); with no seed the Monte Carlo draws one and the context records it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis import ledger, montecarlo, robustness, sensitivity, timeline, whatif
from accord.analysis import levers as lever_analysis
from accord.analysis.forecast import Forecast, ModelForecast, ensemble_json
from accord.analysis.forecast import forecast as run_forecast
from accord.dynamics import deal as deal_module
from accord.dynamics import ratify, talks, war
from accord.errors import InputError
from accord.models.base import ForecastModel, get_model, model_label, resolve_models
from accord.scenario.checks import numbers
from accord.scenario.compile import FloatArray
from accord.scenario.schema import Scenario
from accord.territory.geometry import ControlArea

MAX_DRAWS = 100_000
ANALYSES = (
    "timeline",
    "sensitivity",
    "robustness",
    "levers",
    "war",
    "deals",
    "ratification",
    "talks",
    "track",
)
WAR_DRAWS = 200
DEAL_DRAWS = 200
RATIFICATION_DRAWS = 500
TALKS_RUNS = 1000
TRACK_DRAWS = 100  # per forecast date and event group: the replay stays a few seconds
SENSITIVITY_MODELS = ("compromise", "median")  # cheap enough for a Morris screen in a report
LEVER_MODEL = "compromise"  # closed form: every lever in milliseconds

Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """Raised inside :func:`build` when the caller's ``cancelled()`` turns true."""


@dataclass(frozen=True)
class Context:
    """Everything the report sections read.

    Attributes
    ----------
    scenario
        The scenario as given (all its updates, for the assumptions, sources and timeline).
    current
        The scenario as evaluated: updates up to the date applied, then the what-if changes.
    forecast
        Each model's forecast of ``current`` at the point values.
    samples
        Model name -> ``[N, I]`` Monte Carlo forecasts in the issues' units; empty when
        ``draws <= 1``.
    draws, seed
        The sampling settings (``seed`` is the one the Monte Carlo used).
    changes
        The what-if changes applied on top of the scenario.
    extras
        Results of further analyses by name (``"montecarlo"``, ``"timeline"``,
        ``"sensitivity"``, ``"levers"``, ``"war"``, ``"deals"``, ``"ratification"``,
        ``"talks"``, ``"track"``), for the sections that show them; ``"failed"`` maps an
        analysis that raised to its error message.
    control
        A user's map of occupied territory (``accord report --control FILE``), drawn on the
        oblast map.
    """

    scenario: Scenario
    current: Scenario
    forecast: Forecast
    samples: Mapping[str, FloatArray] = field(default_factory=dict)
    draws: int = 1
    seed: int | None = None
    changes: tuple[whatif.Change, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)
    control: ControlArea | None = None

    @property
    def as_of(self) -> dt.date | None:
        """The evaluation date."""
        return self.forecast.problem.as_of

    def interval(self, model: str, issue_id: str) -> tuple[float, float] | None:
        """The 80 % interval (10th, 90th percentile) of a model's sampled forecasts."""
        if model not in self.samples:
            return None
        column = self.forecast.problem.issue_ids.index(issue_id)
        low, high = np.quantile(self.samples[model][:, column], montecarlo.INTERVAL)
        return float(low), float(high)


def _resolve(models: Sequence[str | ForecastModel] | None) -> list[ForecastModel]:
    return resolve_models(models)


def build(
    scenario: Scenario,
    *,
    models: Sequence[str | ForecastModel] | None = None,
    date: dt.date | None = None,
    draws: int = 1,
    seed: int | None = None,
    changes: Sequence[whatif.Change] = (),
    analyses: Collection[str] = (),
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    control: ControlArea | None = None,
) -> Context:
    """Forecast ``scenario`` with each model, and run the requested analyses.

    Parameters
    ----------
    scenario
        A loaded scenario.
    models
        Model names or instances (default: every registered model).
    date
        Evaluation date (default: the scenario's ``as_of``).
    draws
        Monte Carlo draws from the scenario's ranges; 1 means point values only.
    seed
        Seed for the Monte Carlo and the stochastic models.
    changes
        What-if changes applied after the dated updates (see :mod:`accord.analysis.whatif`).
    analyses
        Any of :data:`ANALYSES`: the forecast timeline across the dated updates, a Morris
        sensitivity screen (compromise or median model), the parties' levers (compromise), the
        war's bargaining range month by month under each aid regime, what each shipped deal and
        the models' middle forecast is worth to every party against its walk-away point, the
        probability that each of them is ratified, simulated talks, and the track record of
        the scenario's events (replayed at every forecast date, scored where resolved). Each
        runs only when the scenario has what it needs (updates, ranges, parties, a war,
        ratification, talks or events block).
    progress
        Called with ``(fraction done, what is running)``.
    cancelled
        Polled between steps and Monte Carlo blocks; when true, :class:`Cancelled` is raised.
    control
        A measured map of occupied territory to draw on the oblast map.

    Raises
    ------
    InputError
        For an unknown model or analysis, a bad date or a bad number of draws.
    Cancelled
        When ``cancelled()`` turns true.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError.single(
            None,
            f"draws must be between 1 and {MAX_DRAWS:,}, got {draws}",
            path=("draws",),
            hint="use --draws 1 for point values only, or a few hundred for intervals",
        )
    unknown = sorted(set(analyses) - set(ANALYSES))
    if unknown:
        raise InputError.single(
            None,
            f"unknown analysis {unknown[0]!r}",
            path=("analyses",),
            hint=f"use some of: {', '.join(ANALYSES)}",
        )
    chosen = _resolve(models)
    current = whatif.apply(whatif.current(scenario, date), list(changes))
    steps = len(chosen) + (1 if draws > 1 else 0) + len(analyses)
    done = 0

    def step(message: str) -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise Cancelled(message)
        if progress is not None:
            progress(done / steps, message)
        done += 1

    results: dict[str, ModelForecast] = {}
    point: Forecast | None = None
    for model in chosen:
        step(f"{model_label(model)}: forecast")
        point = run_forecast(current, [model], seed=seed)
        results[model_label(model)] = point.models[model_label(model)]
    assert point is not None
    extras: dict[str, Any] = {}
    samples: dict[str, FloatArray] = {}
    used_seed = seed
    if draws > 1:
        step(f"Monte Carlo: {draws:,} draws")
        start = done - 1

        def blocks(finished: int, total: int) -> None:
            if cancelled is not None and cancelled():
                raise Cancelled("Monte Carlo")
            if progress is not None:
                progress((start + finished / total) / steps, f"Monte Carlo: {finished:,}/{total:,}")

        result = montecarlo.simulate(current, chosen, draws=draws, seed=seed, progress=blocks)
        samples = dict(result.settlement)
        used_seed = result.seed
        extras["montecarlo"] = result
    failed: dict[str, str] = {}
    for name in ANALYSES:
        if name not in analyses:
            continue
        step(_STEP_NAMES[name])
        try:
            result_of = _run_analysis(name, scenario, current, chosen, results, seed)
        except (InputError, Cancelled):
            raise
        except Exception as error:  # an optional analysis must not sink the report
            failed[name] = f"{type(error).__name__}: {error}"
            continue
        if result_of is not None:
            extras[name] = result_of
    if failed:
        extras["failed"] = failed
    if progress is not None:
        progress(1.0, "done")
    return Context(
        scenario=scenario,
        current=current,
        forecast=Forecast(current, point.problem, results, seed),
        samples=samples,
        draws=draws,
        seed=used_seed,
        changes=tuple(changes),
        extras=extras,
        control=control,
    )


_STEP_NAMES = {
    "timeline": "timeline across the dated updates",
    "sensitivity": "sensitivity screen",
    "robustness": "structural variants of the actor list",
    "levers": "levers",
    "war": "bargaining range of the war",
    "deals": "value of the deals",
    "ratification": "ratification of the deals",
    "talks": "simulated talks",
    "track": "track record of the scenario's events",
}


def _run_analysis(
    name: str,
    scenario: Scenario,
    current: Scenario,
    chosen: Sequence[ForecastModel],
    results: Mapping[str, ModelForecast],
    seed: int | None,
) -> Any:
    """Run one optional analysis; ``None`` when it does not apply to this scenario."""
    if name == "timeline":
        return timeline.timeline(scenario, chosen, seed=seed) if scenario.updates else None
    if name == "sensitivity":
        target = next((n for n in SENSITIVITY_MODELS if n in results), None)
        if target is None or not any(number.is_ranged for _, number in numbers(current)):
            return None
        return sensitivity.sensitivity(current, get_model(target), method="morris", seed=seed or 0)
    if name == "robustness":
        return robustness.robustness(current, chosen, seed=seed)
    if name == "levers":
        parties = [actor.id for actor in current.actors if actor.party][:3]
        found = {
            actor: lever_analysis.levers(current, [get_model(LEVER_MODEL)], actor)
            for actor in parties
        }
        return found or None
    if name == "war":
        if current.war is None:
            return None
        return war.analyse(current, draws=WAR_DRAWS, rng=seed, nash=False)
    if name == "talks":
        if current.talks is None:
            return None
        return talks.simulate(current, runs=TALKS_RUNS, rng=seed)
    if name == "track":
        if not scenario.events:
            return None
        return ledger.track_record(scenario, runs=TRACK_DRAWS, seed=seed or 0)
    if name == "deals":
        if not any(actor.party for actor in current.actors):
            return None
        return {
            deal_id: deal_module.evaluate(current, deal, draws=DEAL_DRAWS, rng=seed)
            for deal_id, deal in _deals(scenario, current, results).items()
        }
    if current.ratification is None:
        return None
    return {
        deal_id: ratify.ratify(current, deal, draws=RATIFICATION_DRAWS, rng=seed)
        for deal_id, deal in _deals(scenario, current, results).items()
    }


def _deals(
    scenario: Scenario, current: Scenario, results: Mapping[str, ModelForecast]
) -> dict[str, deal_module.Deal]:
    """The deals shipped with the scenario, then the models' middle forecast as a deal."""
    deals = {
        deal_id: deal_module.load_deal(deal_id, current)
        for deal_id in deal_module.builtin_deals(scenario.id)
    }
    middle = {
        issue.id: float(np.median([model.issues[issue.id].value for model in results.values()]))
        for issue in current.issues
    }
    deals["forecast"] = deal_module.deal_from_values(
        current, middle, deal_id="forecast", title="The models' middle forecast"
    )
    return deals


def with_intervals(context: Context) -> Forecast:
    """The point forecast with each issue's ``low``/``high`` set to the sampled 80 % interval."""
    if not context.samples:
        return context.forecast
    models = {}
    for name, model in context.forecast.models.items():
        issues = {}
        for issue_id, item in model.issues.items():
            interval = context.interval(name, issue_id)
            issues[issue_id] = (
                dataclasses.replace(item, low=interval[0], high=interval[1]) if interval else item
            )
        models[name] = dataclasses.replace(model, issues=issues)
    return dataclasses.replace(context.forecast, models=models, seed=context.seed)


def forecast_json(context: Context) -> dict[str, Any]:
    """The forecast in the JSON layout of DESIGN.md, with sampled intervals and the draws."""
    data = with_intervals(context).to_json()
    data["ensemble"] = ensemble_json(with_intervals(context), intervals=bool(context.samples))
    data["draws"] = context.draws
    if context.changes:
        data["changes"] = whatif.to_json(context.changes)
    return data
