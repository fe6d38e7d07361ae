"""Dated odds: the probability of a signed framework by a date, as of a date, decomposed.

    P(signed and ratified by T) = P(zone open) × P(agreement by T | zone) × P(ratified | signed)

1. **P(zone open)**: the share of draws of the scenario's ranges in which some outcome lies
   inside every veto player's red lines and conditions and beats no deal for them
   (:mod:`accord.analysis.zone`; the same draws as ``accord zone -n N --seed S``).
2. **P(agreement by T | zone)**: among those draws, the share in which the simulated talks
   (:mod:`accord.dynamics.talks`, same draws: the talks sample the scenario from the same
   stream) agree within the rounds that fit between the evaluation date and T, at the
   scenario's ``talks.rounds_per_month`` (default 1) plus the rounds a month its hosts
   (``talks.mediators``) held in the three months before the evaluation date
   (:mod:`accord.dynamics.hosts`).
3. **P(ratified | signed)**: the mean over those agreements of the ratification model's
   probability for the agreed terms (referendum, turnout, veto players, the ceasefire the vote
   needs), as ``accord simulate`` reports it.

Also the probability that a general ceasefire is in force on T (a signed deal whose ceasefire
has not broken down by T, from the guarantees' hazard model; Moscow's refusal of a ceasefire
before a settlement makes a standalone ceasefire zero) and, per issue, the probability of a deal
by T that settles the issue beyond a given value. Each comes with an 80 % interval from a
bootstrap over the draws (the Monte Carlo error of the estimate, not the spread of the
analyst's beliefs) and the inputs whose draws move the outcome most (rank correlation with
"signed by T").

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. *Monthly
Weather Review* 78(1):1-3 (the score the ledger uses).
Tetlock, P. E. & Gardner, D. (2015). *Superforecasting*. Crown (dated, resolvable questions).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.analysis.labels import FEW_DRAWS as FEW_DRAWS  # re-exported
from accord.analysis.labels import few_draws
from accord.analysis.sensitivity import inputs
from accord.analysis.zone import open_draws
from accord.dynamics.common import months_between, streams
from accord.dynamics.deal import deal_hazard
from accord.dynamics.guarantees import sample_guarantees
from accord.dynamics.hosts import rounds_per_month
from accord.dynamics.ratify import ceasefire_holds
from accord.dynamics.talks import Simulation, simulate
from accord.errors import InputError
from accord.scenario.compile import BoolArray, FloatArray, as_of
from accord.scenario.provenance import DYNAMICS_PARTS, sources_used
from accord.scenario.schema import Scenario

#: Bootstrap resamples of the intervals.
RESAMPLES = 400


@dataclass(frozen=True)
class Share:
    """A probability estimated as a share of draws, with its 80 % bootstrap interval."""

    probability: float
    low: float
    high: float

    def to_json(self) -> dict[str, float]:
        """``{"probability", "low", "high"}``."""
        return {
            "probability": round(self.probability, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
        }


@dataclass(frozen=True)
class Driver:
    """An input whose draws move "signed by T": its rank correlation with it."""

    input: str
    correlation: float


@dataclass(frozen=True)
class Odds:
    """The result of :func:`odds` (see the module docstring)."""

    scenario_id: str
    as_of: dt.date
    by: dt.date | None
    runs: int
    seed: int
    signed: Share
    probability: Share
    components: dict[str, float]
    ceasefire: Share
    issues: dict[str, dict[str, Any]]
    drivers: tuple[Driver, ...]
    rounds_available: float
    sources_used: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The layout of docs/forecasting.md."""
        return {
            "scenario": self.scenario_id,
            "as_of": self.as_of.isoformat(),
            "by": None if self.by is None else self.by.isoformat(),
            "runs": self.runs,
            "seed": self.seed,
            "probability": round(self.probability.probability, 4),
            "low": round(self.probability.low, 4),
            "high": round(self.probability.high, 4),
            "signed": self.signed.to_json(),
            "components": {key: round(value, 4) for key, value in self.components.items()},
            "ceasefire": self.ceasefire.to_json(),
            "issues": self.issues,
            "drivers": [
                {"input": item.input, "correlation": round(item.correlation, 4)}
                for item in self.drivers
            ],
            "rounds_available": round(self.rounds_available, 2)
            if math.isfinite(self.rounds_available)
            else None,
            "warnings": list(self.warnings),
            "sources_used": list(self.sources_used),
        }


def odds(
    scenario: Scenario,
    *,
    by: dt.date | None,
    date: dt.date | None = None,
    runs: int = 1000,
    seed: int = 0,
    regime: str | None = None,
    thresholds: dict[str, tuple[str, float]] | None = None,
    simulation: Simulation | None = None,
) -> Odds:
    """The dated probability of a signed framework by ``by``, as of ``date``.

    ``forecast``, ``deal``, ``simulate`` and ``ratify`` report their overlap with these
    numbers (P(zone open), P(agreement | zone), P(ratified | signed)) by calling this function
    with the same draws and seed (:func:`components`), so the same seed gives the same numbers
    in every command.

    Parameters
    ----------
    scenario
        A scenario with veto players (``party`` or ``veto``) and, for the talks, a ``talks``
        block.
    by
        The date the question asks about; ``None``: by the end of the talks (their deadline
        in rounds, with no calendar limit), where the ceasefire is the share of signed deals
        whose ceasefire holds at signature.
    date
        Evaluation date (default: the scenario's ``as_of``); only what was known then is used.
    runs
        Draws of the scenario's ranges, each with one simulated negotiation.
    seed
        Seed of the draws (zone and talks share it).
    regime
        Aid regime of the war model, where the scenario has one.
    thresholds
        Issue id -> ``(">=" or "<=", value)``: also the probability of a deal by ``by`` that
        settles the issue at least / at most ``value`` (in its unit).
    simulation
        The talks already simulated with ``runs`` and ``rng=seed`` (as ``accord simulate``
        does), reused instead of simulated again: the same draws.
    """
    when = date or scenario.as_of
    if when is None:
        raise InputError.single(
            scenario.id,
            "odds need an evaluation date",
            path=("as_of",),
            hint="pass --as-of YYYY-MM-DD or set as_of in the scenario",
        )
    if by is not None and by < when:
        raise InputError.single(
            None,
            f"--by {by} is before the evaluation date {when}",
            path=("--by",),
            hint="ask about a date on or after --as-of",
        )
    if simulation is None:
        simulation = simulate(scenario, runs=runs, date=when, rng=seed, regime=regime)
    runs = int(simulation.talks.agreed.size)
    current = as_of(scenario, when)
    problem = simulation.problem
    zone_open = open_draws(current, problem, when, seed)
    rate = rounds_per_month(current, when, runs, streams(seed, 9)[8])
    months = max(0.0, months_between(when, by)) if by is not None else math.inf
    available = np.floor(months * rate + 1e-9) if by is not None else np.full(runs, np.inf)
    talks = simulation.talks
    signed = talks.agreed & zone_open & (talks.rounds + 1 <= available)
    if current.ratification is None:  # nothing to ratify: a signed deal stands
        ratified = signed.astype(float)
    else:
        ratified = np.where(signed, np.nan_to_num(simulation.ratified, nan=0.0), 0.0)
    holds = _ceasefire_holds(current, simulation, signed, rate, months, seed)
    generator = np.random.default_rng(seed)
    resample = generator.integers(0, runs, size=(RESAMPLES, runs))
    p_zone = float(zone_open.mean())
    p_signed = float(signed.mean())
    reached = p_signed / p_zone if p_zone > 0 else 0.0
    given = float(ratified[signed].mean()) if signed.any() else 0.0
    components = {"zone": p_zone, "reached_by": reached, "ratified_given_signed": given}
    issues = {
        issue_id: issue_probability(simulation, signed, issue_id, relation, value, resample)
        for issue_id, (relation, value) in (thresholds or {}).items()
    }
    warning = few_draws(runs)
    warnings = [warning] if warning else []
    return Odds(
        scenario_id=scenario.id,
        as_of=when,
        by=by,
        runs=runs,
        seed=seed,
        signed=_share(signed.astype(float), resample),
        probability=_share(ratified, resample),
        components=components,
        ceasefire=_share(holds, resample),
        issues=issues,
        drivers=_drivers(current, simulation, signed),
        rounds_available=float(np.median(available)) if by is not None else math.inf,
        sources_used=tuple(sources_used(scenario, when, parts=DYNAMICS_PARTS)),
        warnings=tuple(warnings),
    )


def components(
    scenario: Scenario,
    *,
    date: dt.date | None = None,
    runs: int,
    seed: int,
    regime: str | None = None,
    simulation: Simulation | None = None,
) -> Odds | None:
    """:func:`odds` by the end of the talks, for the commands that share its numbers.

    ``None`` when the scenario has no veto players or no evaluation date (nothing to
    decompose). The same ``runs`` and ``seed`` give the same numbers as ``accord odds
    --draws N --seed S`` without ``--by``.
    """
    when = date or scenario.as_of
    if when is None or not any(actor.party or actor.veto for actor in scenario.actors):
        return None
    return odds(
        scenario, by=None, date=when, runs=runs, seed=seed, regime=regime, simulation=simulation
    )


def components_json(result: Odds) -> dict[str, Any]:
    """The shared numbers for another command's JSON: ``{"zone", "reached_by", ...}``."""
    return {
        "as_of": result.as_of.isoformat(),
        "by": None if result.by is None else result.by.isoformat(),
        "runs": result.runs,
        "seed": result.seed,
        **{key: round(value, 4) for key, value in result.components.items()},
        "probability": round(result.probability.probability, 4),
        "source": "accord odds",
    }


def issue_probability(
    simulation: Simulation,
    signed: BoolArray,
    issue_id: str,
    relation: str,
    value: float,
    resample: Any,
) -> dict[str, Any]:
    """P(a deal signed by T settles ``issue_id`` at least/at most ``value``) with its interval."""
    column = simulation.problem.issue_ids.index(issue_id)
    terms = simulation.problem.to_units(np.nan_to_num(simulation.talks.terms, nan=0.0))[:, column]
    beyond = terms >= value - 1e-9 if relation == ">=" else terms <= value + 1e-9
    share = _share((signed & beyond).astype(float), resample)
    return {"relation": relation, "value": value, **share.to_json()}


def _share(values: FloatArray, resample: Any) -> Share:
    estimates = values[resample].mean(axis=1)
    low, high = np.quantile(estimates, [0.1, 0.9])
    return Share(float(values.mean()), float(low), float(high))


def _ceasefire_holds(
    scenario: Scenario,
    simulation: Simulation,
    signed: BoolArray,
    rate: FloatArray,
    months: float,
    seed: int,
) -> FloatArray:
    """Per draw, P(a general ceasefire is in force on T): signed, and not broken down since."""
    runs = signed.size
    if scenario.guarantees is None:
        return signed.astype(float)
    guarantees = sample_guarantees(scenario, runs, streams(seed, 10)[9])
    terms = np.where(np.isnan(simulation.talks.terms), 0.5, simulation.talks.terms)
    ratio = deal_hazard(guarantees, simulation.problem.issue_ids, terms, [], np.zeros(runs))
    since = (
        np.maximum(0.0, months - (simulation.talks.rounds + 1) / rate)
        if math.isfinite(months)
        else np.zeros(runs)
    )
    return np.where(signed, ceasefire_holds(guarantees, ratio, since), 0.0)


def _drivers(scenario: Scenario, simulation: Simulation, signed: BoolArray) -> tuple[Driver, ...]:
    """The five ranged inputs whose draws correlate most (by rank) with "signed by T"."""
    if signed.all() or not signed.any():
        return ()
    problem = simulation.problem
    outcome = _ranks(signed.astype(float))
    found: list[Driver] = []
    for item in inputs(scenario):
        values = _input_values(problem, item.kind, item.actor, item.issue)
        if values is None or np.ptp(values) == 0:
            continue
        correlation = float(np.corrcoef(_ranks(values), outcome)[0, 1])
        if math.isfinite(correlation):
            found.append(Driver(item.name, correlation))
    found.sort(key=lambda driver: -abs(driver.correlation))
    return tuple(found[:5])


def _input_values(
    problem: Any, kind: str, actor: str | None, issue: str | None
) -> FloatArray | None:
    d = problem.issue_ids.index(issue) if issue is not None else None
    if kind == "status_quo" and d is not None:
        return np.asarray(problem.status_quo[:, d])
    if actor is None:
        return None
    a = problem.actor_ids.index(actor)
    if kind == "capability":
        return np.asarray(problem.capability[:, a])
    arrays = {
        "position": problem.position,
        "salience": problem.salience,
        "red_line": problem.red_line,
    }
    array = arrays.get(kind)
    return None if array is None or d is None else np.asarray(array[:, a, d])


def _ranks(values: FloatArray) -> FloatArray:
    from scipy.stats import rankdata

    return np.asarray(rankdata(values), dtype=np.float64)
