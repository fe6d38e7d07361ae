"""The recordable commands as library calls: a kind and JSON options in, a result out.

``accord forecast``, ``sweep``, ``sensitivity``, ``levers``, ``ledger replay``, ``zone``,
``robustness``, ``linkage``, ``timeline``, ``war``, ``deal``, ``ratify`` and ``simulate``
each build their options (plain JSON: model names and parameters, seed, draws, what-if
changes, the deal's own terms, ...) and call :func:`execute`; ``accord runs verify`` calls it
again with a record's stored options on the record's stored scenario. One code path for both
is what makes a verified record mean something. The engine (in process, process pool, Dask)
is not an option: results do not depend on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.analysis import whatif
from accord.analysis.forecast import Forecast, forecast
from accord.analysis.ledger import Replay, replay
from accord.analysis.levers import DEFAULT_STEP, Levers, levers
from accord.analysis.montecarlo import MonteCarlo, new_seed, simulate
from accord.analysis.sensitivity import Sensitivity, sensitivity
from accord.engines.local import Engine
from accord.errors import InputError
from accord.models.base import ForecastModel, get_model, parameters, resolve_models
from accord.scenario.provenance import (
    DEAL_PARTS,
    DYNAMICS_PARTS,
    PARTS,
    WAR_PARTS,
    latest_date,
    with_sources,
)
from accord.scenario.schema import Event, Scenario

if TYPE_CHECKING:
    from typing import TypeAlias

    from accord.analysis.linkage import Linkage
    from accord.analysis.robustness import Robustness
    from accord.analysis.timeline import Timeline
    from accord.analysis.zone import Zone
    from accord.dynamics.deal import Deal, Valuation
    from accord.dynamics.ratify import Ratification
    from accord.dynamics.talks import Simulation
    from accord.dynamics.war import WarAnalysis

    Result: TypeAlias = (
        Forecast
        | MonteCarlo
        | Sensitivity
        | Levers
        | Replay
        | WarAnalysis
        | Valuation
        | Ratification
        | Simulation
        | Zone
        | Robustness
        | Linkage
        | Timeline
    )

DYNAMICS = ("war", "deal", "ratify", "simulate")
"""Kinds computed by :mod:`accord.dynamics`: one call, no per-model baseline."""
SINGLE = ("zone", "linkage", "timeline", *DYNAMICS)
"""Kinds computed in one call, with no per-model baseline."""
COUNTED = ("forecast", "sweep", "sensitivity", "levers", "ledger", "robustness")
"""Kinds that report progress as (done, total); the others run as one call."""
KINDS = COUNTED + SINGLE
WHOLE = ("ledger", "timeline")
"""Kinds that look at the scenario's whole history: their records keep its dated updates."""
Progress = Callable[[int, int], None]


def model_specs(names: Sequence[str] | None) -> list[dict[str, Any]]:
    """``[{"name", "parameters"}]`` for the chosen models (default: every registered model).

    ``names`` are model specs (``"eum"``, ``"eum:variant=paper,rounds=5"``); each is checked
    now, and the record keeps every parameter, defaults included.
    """
    return [{"name": m.name, "parameters": parameters(m)} for m in resolve_models(names)]


def build_models(specs: Sequence[Mapping[str, Any]]) -> list[ForecastModel]:
    """Model instances from :func:`model_specs` output."""
    return [get_model(str(spec["name"]), **dict(spec.get("parameters", {}))) for spec in specs]


def with_seed(options: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """``options`` with a fresh seed where a random run was asked for without one."""
    result = dict(options)
    random = kind in ("sweep", "sensitivity") or (kind == "forecast" and result.get("draws"))
    if random and result.get("seed") is None:
        result["seed"] = new_seed()
    if result.get("seed") is not None and int(result["seed"]) < 0:
        raise InputError.single(
            None,
            f"--seed must not be negative, got {result['seed']}",
            path=("--seed",),
            hint="use 0 or more",
        )
    return result


@dataclass(frozen=True)
class RunOutput:
    """What a command computed: the result object (for renderers) and its JSON."""

    kind: str
    result: Result
    results: dict[str, Any]
    baseline: dict[str, dict[str, float]] | None


def _values(result: Forecast | MonteCarlo) -> dict[str, dict[str, float]]:
    if isinstance(result, MonteCarlo):
        return result.medians()
    return {
        name: {issue: item.value for issue, item in model.issues.items()}
        for name, model in result.models.items()
    }


def execute(
    kind: str,
    scenario: Scenario,
    options: Mapping[str, Any],
    *,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> RunOutput:
    """Run command ``kind`` on ``scenario`` (as of its date, see :func:`whatif.current`).

    ``options["changes"]`` (what-if changes, ``{path: number}``) apply on top of
    ``scenario``; the output then also holds, per model and issue, the baseline value (the
    median for sampled runs, with the same seed) and the change.
    """
    if kind not in KINDS:
        raise InputError.single(
            None, f"unknown run kind {kind!r}", hint=f"one of: {', '.join(KINDS)}"
        )
    if kind == "timeline":
        return _timeline(scenario, options)
    changes = whatif.from_json(options.get("changes") or {})
    changed = whatif.apply(scenario, changes)
    baseline: dict[str, dict[str, float]] | None = None
    result: Result
    if kind == "zone":
        from accord.analysis.zone import zone

        draws = _draws(options)
        found = zone(changed, draws=draws, seed=int(options.get("seed") or 0))
        return RunOutput(kind, found, with_sources(found.to_json(), changed, found.as_of), None)
    if kind == "linkage":
        from accord.analysis.linkage import linkage

        trades = linkage(changed)
        return RunOutput(kind, trades, with_sources(trades.to_json(), changed, trades.as_of), None)
    if kind == "robustness":
        from accord.analysis.robustness import robustness

        variants = robustness(
            changed, build_models(options["models"]), seed=options.get("seed"), progress=progress
        )
        sourced = with_sources(variants.to_json(), changed, variants.as_of)
        return RunOutput(kind, variants, sourced, None)
    if kind in DYNAMICS:
        result = _dynamics(kind, changed, options)
        return RunOutput(kind, result, _dynamics_json(kind, result, changed, options), None)
    if kind in ("forecast", "sweep"):
        models = build_models(options["models"])
        draws = options.get("draws")
        seed = options.get("seed")

        def run(target: Scenario) -> Forecast | MonteCarlo:
            if draws is None:
                return forecast(target, models, seed=seed)
            return simulate(
                target, models, draws=int(draws), seed=seed, engine=engine, progress=progress
            )

        outcome = run(changed)
        result = outcome
        if changes:
            baseline = _values(run(scenario))
        values = _values(outcome)
    elif kind == "ledger":
        # The ledger replays the scenario's whole history: it runs on the scenario with its
        # updates (never on one date's snapshot), so each date sees only what was known then.
        events = [Event.model_validate(item) for item in options.get("events") or []]
        result = Replay(
            tuple(
                replay(
                    changed,
                    events or None,
                    runs=int(options.get("runs", 500)),
                    seed=int(options.get("seed") or 0),
                    progress=progress,
                )
            )
        )
    elif kind == "sensitivity":
        model = build_models([options["model"]])[0]
        result = sensitivity(
            changed,
            model,
            method=options.get("method", "sobol"),
            samples=options.get("samples"),
            grouping=options.get("grouping", "none"),
            seed=int(options["seed"]),
            resamples=int(options.get("resamples", 100)),
            engine=engine,
            progress=progress,
        )
        if changes:
            baseline = _values(forecast(scenario, [model]))
            values = _values(forecast(changed, [model]))
    else:
        models = build_models(options["models"])
        result = levers(
            changed,
            models,
            str(options["actor"]),
            step=float(options.get("step", DEFAULT_STEP)),
            engine=engine,
            progress=progress,
        )
        if changes:
            baseline = _values(forecast(scenario, models))
            values = {name: item.baseline for name, item in result.models.items()}
    results = result.to_json()
    if kind == "ledger":  # the replay spans the scenario's whole history
        results = with_sources(results, changed, latest_date(changed), parts=PARTS)
    else:
        results = with_sources(results, changed, changed.as_of)
    if changes and baseline is not None:
        results["whatif"] = {
            "changes": whatif.to_json(changes),
            "difference": whatif.difference(baseline, values),
        }
    return RunOutput(kind, result, results, baseline)


def _timeline(scenario: Scenario, options: Mapping[str, Any]) -> RunOutput:
    """``accord timeline`` on the whole scenario, its what-if changes in force at every date."""
    from accord.analysis.timeline import timeline

    changes = whatif.from_json(options.get("changes") or {})
    result = timeline(
        whatif.throughout(scenario, changes),
        build_models(options["models"]),
        dates=[dt.date.fromisoformat(str(text)) for text in options.get("dates") or []],
        draws=_draws(options),
        seed=options.get("seed"),
    )
    latest = max((point.date for point in result.points if point.date), default=None)
    results = with_sources(result.to_json(), scenario, latest)
    if changes:
        results["whatif"] = {"changes": whatif.to_json(changes)}
    return RunOutput("timeline", result, results, None)


def _dynamics_json(
    kind: str, result: Any, scenario: Scenario, options: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON of a ``war``, ``deal``, ``ratify`` or ``simulate`` run, with its sources."""
    data: dict[str, Any] = result.to_json()
    if kind == "war":
        return with_sources(data, scenario, result.date, parts=WAR_PARTS)
    if kind == "deal":
        return with_sources(data, scenario, result.date, parts=DEAL_PARTS, deal=result.deal)
    if kind == "ratify":
        date = result.valuation.date
        return with_sources(data, scenario, date, parts=DYNAMICS_PARTS, deal=result.deal)
    opening = _deal(options.get("opening"))
    return with_sources(data, scenario, result.problem.as_of, parts=DYNAMICS_PARTS, deal=opening)


def deal_json(deal: Deal) -> dict[str, Any]:
    """A deal as record options keep it: its own terms, so a re-run needs no deal file."""
    return deal.model_dump(mode="json", exclude_defaults=True)


def _deal(data: Mapping[str, Any] | None) -> Deal | None:
    from accord.dynamics.deal import Deal

    return None if data is None else Deal.model_validate(dict(data))


def _draws(options: Mapping[str, Any]) -> int | None:
    draws = options.get("draws")
    return None if draws is None else int(draws)


def _dynamics(
    kind: str, scenario: Scenario, options: Mapping[str, Any]
) -> WarAnalysis | Valuation | Ratification | Simulation:
    """Run ``war``, ``deal``, ``ratify`` or ``simulate`` on a scenario as of its date.

    ``scenario`` is a :func:`whatif.current` snapshot whose ``as_of`` is the evaluation date,
    so the analyses take their date from it.
    """
    seed = int(options.get("seed") or 0)
    regime = options.get("regime")
    if kind == "war":
        from accord.dynamics.war import analyse

        return analyse(
            scenario,
            regimes=options.get("regimes") or None,
            months=options.get("months"),
            draws=_draws(options),
            rng=seed,
        )
    if kind == "simulate":
        from accord.dynamics.talks import simulate as talks

        return talks(
            scenario,
            runs=int(options.get("runs", 1000)),
            deadline=options.get("deadline"),
            protocol=options.get("protocol", "mediator"),
            strategies=dict(options.get("strategies") or {}),
            regime=regime,
            opening=_deal(options.get("opening")),
            rng=seed,
        )
    chosen = _deal(options["deal"])
    assert chosen is not None
    if kind == "deal":
        from accord.dynamics.deal import evaluate

        return evaluate(scenario, chosen, regime=regime, draws=_draws(options), rng=seed)
    from accord.dynamics.ratify import ratify

    return ratify(scenario, chosen, regime=regime, draws=int(options.get("draws", 2000)), rng=seed)
