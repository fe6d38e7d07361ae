"""Deals: files of issue values, and what a deal is worth to each actor against fighting on.

A deal file is YAML (or JSON) giving a value on each issue's own scale, as a :class:`Number`
with its sources, plus the provisions (``guarantee_terms``) that change its durability:

.. code-block:: yaml

    id: 20-point
    title: US-Ukrainian 20-point draft (24 Dec 2025)
    scenario: ukraine-2025
    sources: [S28, S29]
    terms:
      donbas: {low: 0, mode: 25, high: 50, estimate: true, source: [S29, S30]}
      recognition: {value: 25, source: [S29]}
    guarantee_terms: [monitoring, snapback]

An issue left out keeps its status quo (an error if it has none). Built-in deals live beside
the built-in scenarios in ``builtin/deals/<scenario id>/``; ``28-point`` resolves there.

:func:`evaluate` values a deal for every actor (see :mod:`accord.dynamics.common` for the
utility) against its no-deal outcome (compensatory: what failing to agree brings), in which the
belligerents' points on the battlefield issues are what each expects from fighting on
(:mod:`accord.dynamics.war`) and everyone else's are the line expected at the end of the
horizon; the cost of no deal counts where the scenario gives one. An actor *accepts* the deal
by the one rule of :mod:`accord.scenario.acceptance`: the terms keep its red lines and conditions
(hard; the war's points are never red lines), and on top they are worth at least no deal.

With breakdown risk q from :mod:`accord.dynamics.guarantees`, a side values the deal at

    (1 − q) · U(terms) + q · U(renewed war from the new line)

(Fortna 2004; Walter 2002): renewed war restarts the battlefield model from the deal's line,
and the other issues fall back to the no-deal reference.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from accord.dynamics.common import (
    months_between,
    no_deal_points,
    no_deal_value,
    reference,
    sample,
    streams,
    summary,
    utility,
    war_of,
)
from accord.dynamics.guarantees import (
    GuaranteeSample,
    breakdown,
    check_terms,
    decompose,
    hazard_ratio,
    sample_guarantees,
    sensitivity_values,
    shortfall_sensitivity,
    strength,
)
from accord.dynamics.war import (
    WarSample,
    evaluation_date,
    look_ahead,
    renewed_pace_factor,
    sample_war,
)
from accord.errors import ErrorDetail, InputError
from accord.frames import Tabular
from accord.scenario.acceptance import no_deal_utility, rejections
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike, as_of, compile
from accord.scenario.load import locate, parse_json, parse_yaml, pydantic_details, read_text
from accord.scenario.schema import Identifier, Number, Scenario

_BUILTIN_DEALS = "accord.scenario.builtin"


class Provision(BaseModel):
    """Where a deal's text provides one of its guarantee terms: the point and its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: Identifier = Field(description="A term id of the scenario's guarantees block.")
    point: str = Field(description="The point or clause of the text that provides it.")
    source: list[str] = Field(default_factory=list)
    note: str | None = None


class Deal(BaseModel):
    """A deal: a value on each issue's scale, with sources, and its guarantee provisions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    id: Identifier
    title: str
    scenario: str | None = Field(default=None, description="The scenario id it is written for.")
    date: dt.date | None = None
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    terms: dict[str, Number] = Field(description="Issue id -> value on the issue's scale.")
    guarantee_terms: list[Identifier] = Field(
        default_factory=list, description="Provisions from the scenario's guarantees block."
    )
    provisions: list[Provision] = Field(
        default_factory=list,
        description="Per guarantee term, the point of the text that provides it, with sources; "
        "when given, it must list exactly the terms of guarantee_terms.",
    )
    note: str | None = None


def builtin_deals(scenario_id: str) -> dict[str, Path]:
    """Deal id -> file for the deals shipped with a built-in scenario."""
    folder = resources.files(_BUILTIN_DEALS) / "deals" / scenario_id
    if not folder.is_dir():
        return {}
    return {
        entry.name.rsplit(".", 1)[0]: Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.name.endswith((".yaml", ".yml", ".json"))
    }


def load_deal(reference_: str | os.PathLike[str], scenario: Scenario) -> Deal:
    """Load a deal from a file path, or by id from the scenario's built-in deals; check it."""
    text = os.fspath(reference_)
    shipped = builtin_deals(scenario.id)
    path = Path(text)
    if not path.exists():
        if text not in shipped:
            hint = (
                f"give a path, or one of the deals shipped with {scenario.id}: {', '.join(shipped)}"
                if shipped
                else "give the path of a deal file (YAML or JSON)"
            )
            raise InputError.single(text, "no such deal file or built-in deal", hint=hint)
        path = shipped[text]
    if path.is_dir():
        raise InputError.single(text, "is a folder, not a deal file", hint="give a .yaml file")
    raw = read_text(path, text)
    if path.suffix.lower() == ".json":
        data, marks = parse_json(raw, text)
    else:
        data, marks = parse_yaml(raw, text)
    if not isinstance(data, dict):
        raise InputError.single(
            text, "top level is not a mapping", hint="a deal has id, title and terms", line=1
        )
    try:
        deal = Deal.model_validate(data)
    except ValidationError as error:
        raise InputError(
            text, [locate(detail, marks) for detail in pydantic_details(error)]
        ) from None
    problems = check_deal(deal, scenario)
    if problems:
        raise InputError(text, [locate(problem, marks) for problem in problems])
    return deal


def check_deal(deal: Deal, scenario: Scenario) -> list[ErrorDetail]:
    """Issues known and complete, values on their scales, sources and provisions known."""
    problems: list[ErrorDetail] = []
    issues = {issue.id: issue for issue in scenario.issues}
    sources = {source.id for source in scenario.sources}
    for issue_id, number in deal.terms.items():
        path: tuple[str | int, ...] = ("terms", issue_id)
        issue = issues.get(issue_id)
        if issue is None:
            problems.append(
                ErrorDetail(
                    f"unknown issue id {issue_id!r}",
                    path,
                    issue_id,
                    hint=f"use one of: {', '.join(issues)}",
                )
            )
            continue
        for candidate in (number.value, number.low, number.mode, number.high):
            if candidate is not None and not issue.min <= candidate <= issue.max:
                problems.append(
                    ErrorDetail(
                        f"term {candidate:g} is outside the scale [{issue.min:g}, {issue.max:g}]",
                        path,
                        candidate,
                        hint=f"use a number between {issue.min:g} and {issue.max:g}",
                    )
                )
                break
        for source_id in number.source:
            if source_id not in sources:
                problems.append(
                    ErrorDetail(
                        f"unknown source id {source_id!r}",
                        (*path, "source"),
                        source_id,
                        hint=f"cite a source of the scenario {scenario.id}",
                    )
                )
    for index, source_id in enumerate(deal.sources):
        if source_id not in sources:
            problems.append(
                ErrorDetail(
                    f"unknown source id {source_id!r}",
                    ("sources", index),
                    source_id,
                    hint=f"cite a source of the scenario {scenario.id}",
                )
            )
    missing = [
        issue.id
        for issue in scenario.issues
        if issue.id not in deal.terms and issue.status_quo is None
    ]
    if missing:
        problems.append(
            ErrorDetail(
                f"no term for {', '.join(missing)}, which has no status quo to fall back on",
                ("terms",),
                hint=f"add terms: {{{missing[0]}: ...}}",
            )
        )
    known_terms = {term.id for term in scenario.guarantees.terms} if scenario.guarantees else set()
    for index, term in enumerate(deal.guarantee_terms):
        if term not in known_terms:
            problems.append(
                ErrorDetail(
                    f"unknown guarantee term {term!r}",
                    ("guarantee_terms", index),
                    term,
                    hint=f"use one of: {', '.join(sorted(known_terms)) or 'none defined'}",
                )
            )
    for index, provision in enumerate(deal.provisions):
        for source_id in provision.source:
            if source_id not in sources:
                problems.append(
                    ErrorDetail(
                        f"unknown source id {source_id!r}",
                        ("provisions", index, "source"),
                        source_id,
                        hint=f"cite a source of the scenario {scenario.id}",
                    )
                )
    if deal.provisions:
        listed = set(deal.guarantee_terms)
        provided = {provision.term for provision in deal.provisions}
        for term in sorted(listed - provided):
            problems.append(
                ErrorDetail(
                    f"guarantee term {term!r} has no provision saying where the text provides it",
                    ("provisions",),
                    term,
                    hint="add provisions: [{term, point, source}] or drop the term",
                )
            )
        for term in sorted(provided - listed):
            problems.append(
                ErrorDetail(
                    f"provision {term!r} is not listed in guarantee_terms",
                    ("guarantee_terms",),
                    term,
                    hint=f"add {term} to guarantee_terms or drop the provision",
                )
            )
    return problems


def deal_from_values(
    scenario: Scenario, values: dict[str, float], *, deal_id: str, title: str
) -> Deal:
    """A deal from plain values in the issues' units (e.g. a model's forecast)."""
    terms = {
        issue_id: Number(value=float(value), estimate=True, note="model forecast")
        for issue_id, value in values.items()
    }
    deal = Deal(id=deal_id, title=title, scenario=scenario.id, terms=terms)
    problems = check_deal(deal, scenario)
    if problems:
        raise InputError(deal_id, problems)
    return deal


def deal_terms(
    scenario: Scenario, deal: Deal, draws: int | None, generator: np.random.Generator | None
) -> FloatArray:
    """The deal's terms on the issues' [0, 1] scales, ``[B, I]`` (status quo where left out)."""
    numbers = [deal.terms.get(issue.id, issue.status_quo) for issue in scenario.issues]
    values = sample(numbers, draws, generator)
    low = np.array([issue.min for issue in scenario.issues])
    span = np.array([issue.max - issue.min for issue in scenario.issues])
    return (values - low) / span


@dataclass(frozen=True, eq=False, repr=False)
class Valuation(Tabular):
    """Everything :func:`evaluate` computes, per draw.

    Attributes
    ----------
    terms : FloatArray
        ``[B, I]`` the deal on [0, 1].
    value, no_deal, renewed, with_risk : FloatArray
        ``[B, A]`` utilities (0-1) of the deal, of no deal (fighting on, minus the cost of no
        deal where given), of renewed war from the deal's line, and of the deal with its
        breakdown risk.
    outside : BoolArray
        ``[B, A, I]`` the issues on which the terms break the actor's red lines or conditions.
    accepts : BoolArray
        ``[B, A]`` whether the actor accepts the terms: red lines and conditions kept (hard),
        and worth at least no deal (:func:`accord.scenario.acceptance.rejections`).
    breakdown, hazard_ratio, shortfall : FloatArray
        ``[B]`` the probability of breakdown within the guarantees' horizon, its hazard ratio,
        and the largest battlefield shortfall (share of the contested area).
    """

    scenario: Scenario
    deal: Deal
    problem: Problem
    regime: str | None
    date: dt.date | None
    terms: FloatArray
    value: FloatArray
    no_deal: FloatArray
    renewed: FloatArray
    with_risk: FloatArray
    breakdown: FloatArray
    hazard_ratio: FloatArray
    shortfall: FloatArray
    guarantees: GuaranteeSample
    outside: BoolArray
    accepts: BoolArray

    def components(self) -> dict[str, FloatArray]:
        """The hazard ratio per provision (guarantee, each term, battlefield shortfall)."""
        gamma = strength(self.guarantees.block, self.problem.issue_ids, self.terms)
        return decompose(self.guarantees, gamma, self.deal.guarantee_terms, self.shortfall)

    def sensitivity(self) -> dict[float, FloatArray]:
        """Breakdown ``[B]`` at each shortfall hazard ratio of :func:`sensitivity_values`."""
        return shortfall_sensitivity(
            self.guarantees,
            self.hazard_ratio,
            self.shortfall,
            sensitivity_values(self.scenario.guarantees),
        )

    def to_json(self) -> dict[str, Any]:
        """Figure-ready data: per actor the deal's value against its walk-away, 0-100.

        ``{"scenario", "as_of", "deal": {"id", "title", "terms": {ISSUE: {"value", "low",
        "high"}}}, "regime", "draws", "breakdown": {"probability": {...}, "hazard_ratio":
        {...}, "horizon_months", "shortfall", "components": {PROVISION: {...}},
        "shortfall_sensitivity": [{"shortfall_hazard_ratio", "probability"}]}, "actors":
        {ACTOR: {"name", "party", "value", "walk_away", "surplus", "with_risk",
        "surplus_with_risk": {"value", "low", "high"}, "beats_walk_away",
        "beats_walk_away_with_risk", "accepts": probability, "veto": bool,
        "red_lines_kept": bool, "red_lines_broken": {ISSUE: share of draws}}}}``.

        ``walk_away`` keeps its name for the figures and CSV that read it, but is the utility
        of no deal (never of a red line); ``accepts`` adds the hard red lines and conditions
        on top of the no-deal test of the zone's rule; ``red_lines_kept`` is true when no draw
        breaks one.
        """
        units = self.problem.to_units(self.terms)
        actors: dict[str, Any] = {}
        for a, actor_id in enumerate(self.problem.actor_ids):
            actor = self.scenario.actor(actor_id)
            surplus = self.value[:, a] - self.no_deal[:, a]
            risky = self.with_risk[:, a] - self.no_deal[:, a]
            actors[actor_id] = {
                "name": actor.name,
                "party": bool(self.problem.party[a]),
                "value": summary(100 * self.value[:, a], 3),
                "walk_away": summary(100 * self.no_deal[:, a], 3),
                "surplus": summary(100 * surplus, 3),
                "with_risk": summary(100 * self.with_risk[:, a], 3),
                "surplus_with_risk": summary(100 * risky, 3),
                "beats_walk_away": round(float((surplus > 0).mean()), 4),
                "beats_walk_away_with_risk": round(float((risky > 0).mean()), 4),
                "accepts": round(float(self.accepts[:, a].mean()), 4),
                "veto": bool(self.problem.veto_players[a]),
                "red_lines_kept": not bool(self.outside[:, a].any()),
                "red_lines_broken": {
                    issue_id: round(float(self.outside[:, a, d].mean()), 4)
                    for d, issue_id in enumerate(self.problem.issue_ids)
                    if self.outside[:, a, d].any()
                },
            }
        return {
            "scenario": self.scenario.id,
            "as_of": self.date.isoformat() if self.date else None,
            "deal": {
                "id": self.deal.id,
                "title": self.deal.title,
                "terms": {
                    issue_id: summary(units[:, d], 4)
                    for d, issue_id in enumerate(self.problem.issue_ids)
                },
                "guarantee_terms": list(self.deal.guarantee_terms),
            },
            "regime": self.regime,
            "draws": self.problem.draws,
            "breakdown": {
                "probability": summary(self.breakdown, 4),
                "hazard_ratio": summary(self.hazard_ratio, 4),
                "horizon_months": summary(self.guarantees.horizon, 1),
                "shortfall": summary(self.shortfall, 4),
                "components": {
                    name: summary(values, 4) for name, values in self.components().items()
                },
                "shortfall_sensitivity": [
                    {"shortfall_hazard_ratio": value, "probability": summary(values, 4)}
                    for value, values in self.sensitivity().items()
                ],
            },
            "actors": actors,
        }


def evaluate(
    scenario: Scenario,
    deal: Deal,
    *,
    date: dt.date | None = None,
    regime: str | None = None,
    draws: int | None = None,
    rng: RNGLike = None,
) -> Valuation:
    """Value ``deal`` for every actor against fighting on, with and without breakdown risk.

    Parameters
    ----------
    scenario
        A scenario; without a ``war`` block the no-deal reference is the scenario's own
        (walk-away, status quo) and renewed war leaves the battlefield issues where the deal
        put them.
    deal
        A checked deal (:func:`load_deal`).
    date
        Evaluation date (default: the scenario's as_of).
    regime
        Aid regime for the battlefield (default: the war's default regime).
    draws, rng
        Point values (``draws=None``) or that many draws from the ranges; seed or generator.
    """
    when = evaluation_date(scenario, date) if scenario.war else (date or scenario.as_of)
    current = as_of(scenario, when)
    problem_stream, war_stream, deal_stream, guarantee_stream = streams(rng, 4)
    problem = compile(current, date=when, draws=draws, rng=problem_stream)
    terms = deal_terms(current, deal, draws, deal_stream)
    guarantees = sample_guarantees(current, draws, guarantee_stream)
    check_terms(guarantees, deal.guarantee_terms, deal.id)
    no_deal = reference(problem)
    renewed = no_deal.copy()
    shortfall = np.zeros(problem.draws)
    regime_id = None
    if current.war is not None:
        war = sample_war(current, draws, war_stream, date=when)
        regime_id = war.war.regime(regime).id if regime is None else _regime(war, regime)
        no_deal, renewed, shortfall = battlefield(current, problem, war, regime_id, terms, when)
    ratio = deal_hazard(guarantees, problem.issue_ids, terms, deal.guarantee_terms, shortfall)
    risk = breakdown(guarantees, ratio)
    value = utility(problem.position, problem.salience, terms)
    fallback = utility(problem.position, problem.salience, renewed)
    benchmark = no_deal_value(problem, no_deal)
    limit = no_deal_utility(problem, outcome=no_deal_points(problem, no_deal))
    outside, short = rejections(problem, terms, no_deal=limit)
    return Valuation(
        scenario=current,
        deal=deal,
        problem=problem,
        regime=regime_id,
        date=when,
        terms=terms,
        value=value,
        no_deal=benchmark,
        renewed=fallback,
        with_risk=(1.0 - risk)[:, None] * value + risk[:, None] * fallback,
        breakdown=risk,
        hazard_ratio=ratio,
        shortfall=shortfall,
        guarantees=guarantees,
        outside=outside,
        accepts=np.asarray(~outside.any(axis=-1) & ~short),
    )


def deal_hazard(
    guarantees: GuaranteeSample,
    issue_ids: tuple[str, ...],
    terms: FloatArray,
    provisions: list[str] | tuple[str, ...],
    shortfall: FloatArray,
) -> FloatArray:
    """Hazard ratio ``[B]`` of deals ``terms`` ``[B, I]``.

    From the guarantee's strength, the provisions and the battlefield shortfall.
    """
    gamma = strength(guarantees.block, issue_ids, terms)
    return hazard_ratio(guarantees, gamma, provisions, shortfall)


def _regime(war: WarSample, regime: str) -> str:
    known = [item.id for item in war.war.regimes]
    if regime not in known:
        raise InputError.single(
            None,
            f"unknown aid regime {regime!r}",
            path=("--regime",),
            value=regime,
            hint=f"use one of: {', '.join(known)}",
        )
    return regime


def battlefield(
    scenario: Scenario,
    problem: Problem,
    war: WarSample,
    regime: str,
    terms: FloatArray,
    when: dt.date | None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """No-deal and renewed-war outcomes ``[B, A, I]`` and the battlefield shortfall ``[B]``.

    The belligerents' points on the theatres' issues are what each expects from fighting on,
    now (no deal) and from the deal's line (renewed war); everyone else's are the line expected
    at the end of the horizon. These are no-deal *outcomes* (compensatory, per actor: for
    :func:`accord.scenario.acceptance.no_deal_utility`'s ``outcome``), never red lines. The
    shortfall is the largest share of the contested area by which the deal gives a side less
    than it expects from fighting on.
    """
    block = war_of(scenario)
    start = 0.0 if when is None else max(0.0, months_between(war.line_date, when))
    columns = [problem.issue_ids.index(issue) for issue in war.theatre_ids]
    deal_share = war.to_share(terms[:, columns])  # [B, K], through the shared scale rules
    now = look_ahead(war, regime, [start])
    again = look_ahead(
        war,
        regime,
        [start],
        start_line=deal_share[:, None, :],
        pace_factor=renewed_pace_factor(war, deal_share),
    )
    sides = [problem.actor_ids.index(block.advancing), problem.actor_ids.index(block.defending)]

    def fill(ahead: Any) -> FloatArray:
        result = reference(problem).copy()
        others = [a for a in range(problem.n_actors) if a not in sides]
        line = war.to_unit(ahead.line_ahead[:, 0])
        for column, k in zip(columns, range(len(columns)), strict=True):
            result[:, others, column] = line[:, None, k]
        result[:, sides[0], columns] = war.to_unit(ahead.advancing[:, 0])
        result[:, sides[1], columns] = war.to_unit(ahead.defending[:, 0], "high")
        return result

    short_advancing = np.clip(now.advancing[:, 0] - deal_share, 0.0, None).sum(-1)
    short_defending = np.clip(deal_share - now.defending[:, 0], 0.0, None).sum(-1)
    return fill(now), fill(again), np.maximum(short_advancing, short_defending)
