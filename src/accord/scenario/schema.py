"""The scenario file format: typed, immutable, validated with pydantic v2.

A scenario describes a negotiation: its sources, issues (each on a labelled scale), actors
(capability, and per issue a position, a salience and an optional red line; optional
non-compensatory conditions; whether the deal needs their consent), what happens if talks fail
(``no_deal``) and dated updates that overlay those values, so the scenario can be evaluated as of
any date.
Optional blocks describe what lies behind the table: the ``war`` (who holds which regions, how
fast the front moves under each aid regime, what fighting costs each side), the ``guarantees``
that make a deal last, its ``ratification`` (referendum with its polls, veto players) and
settings for simulated ``talks``; :mod:`accord.dynamics` turns them into walk-away points,
breakdown risks and ratification probabilities.

Every number is a :class:`Number`: a point value, a uniform range ``[low, high]`` or a
triangular ``{low, mode, high}``, each with the sources it comes from, or ``estimate: true``
when it is an analyst's judgement. Cross-field rules (ids that refer to each other, positions
inside the scale) live in :mod:`accord.scenario.checks`, which reports them with a field path.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$",
        max_length=64,
        description="Letters, digits, '_' and '-'; no dots or spaces.",
    ),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _coerce_number(raw: Any) -> Any:
    """Accept the shorthands ``7``, ``[low, high]`` and ``{low, mode, high}``."""
    if isinstance(raw, bool):
        return raw  # let pydantic reject it
    if isinstance(raw, int | float):
        return {"value": raw}
    if isinstance(raw, list | tuple):
        if len(raw) != 2:
            raise ValueError("a range is written [low, high]: exactly two numbers")
        return {"low": raw[0], "high": raw[1]}
    return raw


class Number(_Frozen):
    """A number with its uncertainty and provenance.

    ``value`` alone is a point; ``low``/``high`` give a uniform range; adding ``mode`` makes it
    triangular. When a range has no ``value``, the point estimate is ``mode`` if given, else
    the midpoint.
    """

    value: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    estimate: bool = Field(default=False, description="An analyst's judgement, not a sourced fact.")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, raw: Any) -> Any:
        raw = _coerce_number(raw)
        if isinstance(raw, dict) and isinstance(raw.get("source"), str):
            raw = {**raw, "source": [raw["source"]]}
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> Number:
        for name in ("value", "low", "mode", "high"):
            number = getattr(self, name)
            if number is not None and not math.isfinite(number):
                raise ValueError(f"{name} must be a finite number, got {number}")
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give a value, a range [low, high] or {low, mode, high}")
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both low and high")
        if self.mode is not None and self.low is None:
            raise ValueError("mode needs low and high")
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"range has low {self.low} > high {self.high}")
            for name in ("value", "mode"):
                inner = getattr(self, name)
                if inner is not None and not self.low <= inner <= self.high:
                    raise ValueError(f"{name} {inner} lies outside [{self.low}, {self.high}]")
        return self

    @property
    def point(self) -> float:
        """The single best value: ``value``, else ``mode``, else the midpoint of the range."""
        if self.value is not None:
            return self.value
        if self.mode is not None:
            return self.mode
        assert self.low is not None and self.high is not None
        return (self.low + self.high) / 2.0

    @property
    def is_ranged(self) -> bool:
        """Whether the number carries a range to sample from."""
        return self.low is not None and self.high is not None and self.high > self.low

    def bounds(self) -> tuple[float, float]:
        """``(low, high)``, or ``(point, point)`` for a plain value."""
        if self.low is not None and self.high is not None:
            return self.low, self.high
        return self.point, self.point


class Source(_Frozen):
    """A document a number comes from."""

    id: Identifier
    title: str
    publisher: str | None = None
    url: str | None = None
    date: dt.date | None = None
    note: str | None = None


class Anchor(_Frozen):
    """A labelled point on an issue's scale (e.g. 0 = "line frozen, no withdrawal")."""

    value: float
    label: str


class Issue(_Frozen):
    """One dimension of the negotiation, on a scale from ``min`` to ``max`` in ``unit``."""

    id: Identifier
    name: str
    question: str | None = Field(default=None, description="The question the issue settles.")
    unit: str = ""
    min: float
    max: float
    anchors: list[Anchor] = Field(default_factory=list)
    sides: dict[str, Literal["min", "max"]] = Field(
        default_factory=dict,
        description="Which end of the scale each side of the conflict wants, e.g. {Russia: max}.",
    )
    status_quo: Number | None = None
    outcome: Number | None = Field(
        default=None, description="The real result, for cases where it is known."
    )
    note: str | None = None

    @model_validator(mode="after")
    def _scale(self) -> Issue:
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise ValueError("min and max must be finite numbers")
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        return self


class ScenarioNotice(UserWarning):
    """A one-line notice about a scenario file that still loads (e.g. a deprecated field)."""


class Condition(_Frozen):
    """A non-compensatory condition: no deal unless the issue settles at least/at most a value.

    It acts like a red line but is shown as a condition ("no deal unless donbas ≥ 95").
    """

    issue: Identifier
    at_least: Number | None = None
    at_most: Number | None = None
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    estimate: bool = False
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _source_list(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("source"), str):
            raw = {**raw, "source": [raw["source"]]}
        return raw

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a condition needs at_least or at_most")
        return self


ActorKind = Literal["state", "bloc", "institution", "leader", "public", "group", "person"]


class Actor(_Frozen):
    """A party to the negotiation or a stakeholder with influence on it."""

    id: Identifier
    name: str
    kind: ActorKind = "state"
    party: bool = Field(
        default=False,
        description="Whether the deal needs this actor's agreement (players of the Nash model).",
    )
    capability: Number
    positions: dict[str, Number] = Field(description="Issue id -> position on its scale.")
    salience: dict[str, Number] = Field(description="Issue id -> salience on the scale.")
    veto: bool = Field(
        default=False,
        description="Whether the deal needs this actor's consent although it is not at the table "
        "(e.g. a parliament). Veto players are every party plus every actor with veto: true.",
    )
    red_line: dict[str, Number] = Field(
        default_factory=dict,
        description="Issue id -> the worst settlement the actor accepts: a hard constraint; the "
        "acceptable side is the side of its position.",
    )
    requires: list[Condition] = Field(
        default_factory=list,
        description="Conditions without which the actor accepts no deal (e.g. donbas at_least 95).",
    )
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _walk_away_is_red_line(cls, raw: Any) -> Any:
        """Read the deprecated ``walk_away`` as ``red_line``, with a one-line notice."""
        if isinstance(raw, dict) and "walk_away" in raw:
            if "red_line" in raw:
                raise ValueError(
                    "give red_line only (walk_away is its deprecated name, not a second field)"
                )
            raw = {**raw, "red_line": raw["walk_away"]}
            del raw["walk_away"]
            warnings.warn(
                f"actor {raw.get('id', '?')}: walk_away is deprecated, read as red_line "
                "(`accord convert FILE NEW.yaml` rewrites the file)",
                ScenarioNotice,
                stacklevel=2,
            )
        return raw

    @property
    def is_veto_player(self) -> bool:
        """Whether the deal needs this actor's consent (a party, or ``veto: true``)."""
        return self.party or self.veto


class NoDealActor(_Frozen):
    """What failing to agree costs one actor, beyond the no-deal outcome itself."""

    cost: Number | None = Field(
        default=None,
        description="Cost of no deal in utility points (0-100, the scale of docs/zone.md), "
        "subtracted from the actor's utility of the no-deal outcome.",
    )
    from_: Literal["war"] | None = Field(
        default=None,
        alias="from",
        description="'war': the no-deal outcome on the war's theatres is the war model's "
        "projection of fighting on.",
    )
    note: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _something(self) -> NoDealActor:
        if self.cost is None and self.from_ is None:
            raise ValueError("give cost (utility points) or from: war")
        return self


class NoDeal(_Frozen):
    """What happens if the talks fail: the outcome per issue and what that costs each actor.

    With a ``no_deal`` block, a veto player accepts only outcomes worth at least as much to it as
    no deal (its utility of ``outcome`` minus its ``cost``); without one, red lines and conditions
    alone decide.
    """

    outcome: dict[str, Number] = Field(
        default_factory=dict,
        description="Issue id -> the outcome if talks fail (default: the issue's status quo).",
    )
    actors: dict[str, NoDealActor] = Field(
        default_factory=dict,
        description="Actor id -> its cost of no deal, or from: war. Actors not listed have no "
        "utility condition.",
    )
    source: list[str] = Field(default_factory=list)
    note: str | None = None


class Scale(_Frozen):
    """The scale saliences are given on."""

    min: float = 0.0
    max: float = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not (math.isfinite(self.min) and math.isfinite(self.max)) or self.max <= self.min:
            raise ValueError("salience scale needs finite min < max")
        return self


class Update(_Frozen):
    """A dated overlay: what happened and which values it changed.

    ``changes`` maps a path to a new number. Paths are ``ACTOR.capability``,
    ``ACTOR.position.ISSUE``, ``ACTOR.salience.ISSUE``, ``ACTOR.red_line.ISSUE`` (the deprecated
    ``ACTOR.walk_away.ISSUE`` reads as it), ``issue.ISSUE.status_quo`` and any number of the
    war, guarantees, ratification, talks and no_deal blocks by a dotted path, list items by id
    (``war.sides.ACTOR.cost``, ``guarantees.terms.TERM.hazard_ratio``;
    :mod:`accord.scenario.paths`).
    """

    date: dt.date
    event: str
    sources: list[str] = Field(default_factory=list)
    changes: dict[str, Number] = Field(
        default_factory=dict,
        description="Path -> new number: ACTOR.position.ISSUE, ACTOR.salience.ISSUE, "
        "ACTOR.red_line.ISSUE, ACTOR.capability, issue.ISSUE.status_quo, or a block number by "
        "a dotted path with list items by id, e.g. war.sides.ACTOR.cost.",
    )
    note: str | None = None


IsoCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", description="ISO 3166-2 code, e.g. UA-14."),
]


class OblastControl(_Frozen):
    """Who holds one region: its area and the share held by the advancing side."""

    id: IsoCode
    name: str
    area_km2: Number = Field(description="Reference area of the region in km².")
    held: Number = Field(description="Percent of the area held by the war's advancing side.")
    theatre: Identifier | None = Field(
        default=None,
        description="Issue id whose contested area this region belongs to (none: not at stake).",
    )
    note: str | None = None


class Theatre(_Frozen):
    """A battlefield issue: the territory the defending side still holds in some regions.

    The issue's scale is read as the share of that contested area the advancing side ends up
    with: ``gain_end`` is the end of the scale where it holds all of it.
    """

    issue: Identifier
    gain_end: Literal["min", "max"] = "max"
    advance_share: Number = Field(
        description="Share (0-1) of the front-wide net advance that falls in this theatre."
    )
    handover_pace_factor: Number | None = Field(
        default=None,
        description="Multiplier on the front-wide pace of a war renewed after a deal that hands "
        "the advancing side all of this theatre's contested area (linear in the share handed "
        "over; default 1: the pace does not depend on the deal's line).",
    )
    note: str | None = None


class Belligerent(_Frozen):
    """One side of the war: what a month of fighting costs it and what it expects."""

    actor: Identifier
    cost: Number = Field(
        description="Cost of one month of fighting, in percent of the contested territory "
        "(what the side would give up to avoid it; Fearon's c)."
    )
    belief: Number | None = Field(
        default=None,
        description="Multiplier on the advance this side expects (above 1: more advance; "
        "default 1, the common estimate).",
    )
    casualties: Number | None = Field(
        default=None, description="Killed and wounded per month (evidence for the cost)."
    )
    spending: Number | None = Field(
        default=None, description="Defence spending, percent of GDP per year (evidence)."
    )
    note: str | None = None


class AidRegime(_Frozen):
    """A named state of outside support, e.g. current aid, a US cut-off, a European surge."""

    id: Identifier
    name: str
    advance: Number | None = Field(
        default=None,
        description="Net area gained by the advancing side across the front, km² per month "
        "(give this or advance_factor).",
    )
    advance_factor: Number | None = Field(
        default=None,
        description="Multiplier on the pace fitted to the war's control series "
        "(war.series) as of the evaluation date; give this or advance.",
    )
    cost_factor: dict[str, Number] = Field(
        default_factory=dict, description="Actor id -> multiplier on its monthly cost."
    )
    note: str | None = None


class ControlSeries(_Frozen):
    """The war's link to a derived control series shipped with accord (``accord.territory``).

    With it the control shares move with the series to the last snapshot on or before the
    evaluation date, and regimes with an ``advance_factor`` take their pace from the series'
    monthly gains before that date.
    """

    source: Literal["deepstate"] = "deepstate"
    window: int = Field(default=12, ge=3, le=60, description="Months the pace is fitted on.")
    half_life: float = Field(
        default=6.0, gt=0, description="Half-life, in months, of the weights of past months."
    )
    note: str | None = None


class War(_Frozen):
    """The war behind the table: who holds what, how fast the front moves, what fighting costs.

    Walk-away points on the theatres' issues follow from it (Fearon 1995; Powell 2004).
    """

    as_of: dt.date = Field(description="The date the control figures describe.")
    advancing: Identifier = Field(description="Actor id of the side that gains ground.")
    defending: Identifier = Field(description="Actor id of the side that loses ground.")
    control: list[OblastControl] = Field(min_length=1)
    theatres: list[Theatre] = Field(min_length=1)
    regimes: list[AidRegime] = Field(min_length=1)
    default_regime: Identifier | None = None
    sides: list[Belligerent] = Field(min_length=2, max_length=2)
    series: ControlSeries | None = Field(
        default=None, description="Derived control series that moves the line and fits the pace."
    )
    discount_rate: Number = Field(description="Monthly discount rate (0.01 = 1 % a month).")
    horizon: Number = Field(description="Months of fighting each side looks ahead.")
    learning: Number | None = Field(
        default=None,
        description="Monthly rate (0-1) at which beliefs converge on the common estimate "
        "(default 0: they do not).",
    )
    note: str | None = None

    def regime(self, regime_id: str | None = None) -> AidRegime:
        """The regime with this id (default: ``default_regime``, else the first)."""
        wanted = regime_id or self.default_regime or self.regimes[0].id
        return next(regime for regime in self.regimes if regime.id == wanted)

    def side(self, actor_id: str) -> Belligerent:
        """The belligerent entry of this actor."""
        return next(side for side in self.sides if side.actor == actor_id)


class GuaranteeTerm(_Frozen):
    """A provision of a deal that changes the hazard of renewed war (Fortna 2003)."""

    id: Identifier
    name: str
    hazard_ratio: Number = Field(description="Multiplier on the hazard of breakdown (< 1 helps).")
    note: str | None = None


class Guarantees(_Frozen):
    """How likely a deal is to break down, as a proportional-hazards model.

    S(t) = exp(-(t/λ)^k · HR), with λ set by ``baseline`` over ``horizon`` months.
    """

    horizon: Number = Field(description="Months over which breakdown is assessed.")
    baseline: Number = Field(
        description="Probability (0-1) that a ceasefire without guarantees breaks down within "
        "the horizon."
    )
    shape: Number = Field(description="Weibull shape k (< 1: the hazard falls with time).")
    issue: Identifier | None = Field(
        default=None, description="The issue measuring the strength of the guarantee."
    )
    stronger: Literal["min", "max"] = "max"
    strength_hazard_ratio: Number | None = Field(
        default=None, description="Hazard ratio of the strongest guarantee against none."
    )
    shortfall_hazard_ratio: Number | None = Field(
        default=None,
        description="Hazard ratio per 10 % of the contested area by which the deal falls short "
        "of what a side expects from fighting on (Werner & Yuen 2005).",
    )
    terms: list[GuaranteeTerm] = Field(default_factory=list)
    note: str | None = None


class Poll(_Frozen):
    """An opinion poll on a set of terms, for calibrating the referendum model."""

    id: Identifier
    date: dt.date = Field(
        description="When the results were published: a fit as of a date uses only polls dated "
        "on or before it, and the poll's numbers may cite sources up to this date."
    )
    question: str
    source: list[str] = Field(default_factory=list)
    n: int | None = Field(default=None, ge=1, description="Respondents.")
    accept: Number | None = Field(default=None, description="Share (0-1) who accept.")
    reject: Number | None = Field(
        default=None, description="Share (0-1) who reject; alone, it bounds acceptance above."
    )
    terms: dict[str, Number] = Field(
        description="Issue id -> the value the question puts on that issue's scale."
    )
    note: str | None = None

    @model_validator(mode="after")
    def _has_result(self) -> Poll:
        if self.accept is None and self.reject is None:
            raise ValueError("a poll needs accept or reject")
        return self


class Referendum(_Frozen):
    """A popular vote on the deal, with a turnout rule."""

    actor: Identifier = Field(description="The public whose positions and saliences voters hold.")
    issues: list[Identifier] = Field(
        default_factory=list, description="The terms voters weigh (default: every issue)."
    )
    turnout: Number = Field(description="Share (0-1) of registered voters expected to vote.")
    turnout_threshold: float = Field(
        default=0.5, ge=0, le=1, description="Minimum turnout for a valid vote (a legal rule)."
    )
    majority: float = Field(default=0.5, ge=0, lt=1, description="Yes share of votes needed.")
    law: str | None = Field(default=None, description="Citation of the rules.")
    ceasefire_months: Number | None = Field(
        default=None, description="Months of ceasefire needed before the vote can be held."
    )
    undecided: Number = Field(description="Share (0-1) of respondents without an answer.")
    campaign_error: Number = Field(
        description="Standard deviation, on the logit scale, of the vote around the model."
    )
    polls: list[Poll] = Field(min_length=2)
    note: str | None = None


class Trigger(_Frozen):
    """A deal term that calls for a veto point: the issue settles at least/at most a value.

    E.g. Art. 73 of Ukraine's constitution (territory only by referendum) is called for when
    the deal hands over ground: ``{issue: donbas, at_least: 25}``.
    """

    issue: Identifier
    at_least: float | None = None
    at_most: float | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Trigger:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a trigger needs at_least or at_most")
        return self


class Route(_Frozen):
    """One of several alternative legal routes to a veto point's consent.

    The routes are alternatives: one of them is taken, route r with probability ``share_r``
    (normalised over the routes), and consent then comes with probability ``approval_r``, so
    P(consent) = Σ_r share_r approval_r / Σ_r share_r.
    """

    id: Identifier
    name: str
    rule: str = Field(description="How the route decides, e.g. 'two-thirds of the Senate'.")
    share: Number = Field(description="Probability (weight) that this route is taken.")
    approval: Number = Field(description="Probability (0-1) of consent along this route.")
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    note: str | None = None


class Veto(_Frozen):
    """A veto point: a player, vote or legal rule whose consent a deal needs.

    Old form: one ``issue`` with limits (``min``/``max``) and an ``approval`` probability. A
    veto point may also have no issue (a vote every deal needs, e.g. a parliament's
    ratification), apply only when the deal's terms call for it (``applies_when``, any of the
    triggers), need the ceasefire of ``ratification.ceasefire`` first (``needs_ceasefire``: no
    vote under martial law), be the referendum (``referendum: true``: its consent is the fitted
    vote and the turnout rule), or reach consent along alternative ``routes``.
    """

    id: Identifier
    name: str
    issue: Identifier | None = Field(
        default=None, description="The issue whose limits it enforces (none: a vote only)."
    )
    rule: str = Field(description="How it decides, e.g. 'unanimity of the 27'.")
    law: str | None = Field(default=None, description="Citation of the rule.")
    actors: list[Identifier] = Field(default_factory=list, description="Scenario actors in it.")
    min: Number | None = Field(default=None, description="Blocks deals below this value.")
    max: Number | None = Field(default=None, description="Blocks deals above this value.")
    applies_from: float | None = Field(
        default=None, description="Its consent is needed only at or above this value."
    )
    applies_when: list[Trigger] = Field(
        default_factory=list,
        description="Deal terms that call for it (any one suffices; empty: every deal).",
    )
    needs_ceasefire: bool = Field(
        default=False,
        description="Whether it can act only once the ceasefire of ratification.ceasefire is "
        "in force (e.g. no referendum or constitutional amendment under martial law).",
    )
    referendum: bool = Field(
        default=False,
        description="Whether this veto point is the referendum of ratification.referendum.",
    )
    approval: Number | None = Field(
        default=None, description="Probability (0-1) it approves when its consent is needed."
    )
    routes: list[Route] = Field(
        default_factory=list,
        description="Alternative routes to consent (replace approval): see Route.",
    )
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    note: str | None = None


class CeasefireRule(_Frozen):
    """The ceasefire that a referendum or amendment needs, as a negotiated term.

    It is not a given: every veto player must accept the issue settling at most (or at least)
    ``at_most`` (``at_least``), e.g. ``sequencing`` at most 25 ("ceasefire on signing a
    framework"); a party whose red line on that issue excludes it refuses the ceasefire.
    """

    issue: Identifier
    at_most: float | None = None
    at_least: float | None = None
    law: str | None = Field(default=None, description="Why the vote needs it.")
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    note: str | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> CeasefireRule:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("a ceasefire rule needs exactly one of at_most or at_least")
        return self


class Ratification(_Frozen):
    """Who must ratify a deal besides the negotiators (Putnam 1988)."""

    referendum: Referendum | None = None
    ceasefire: CeasefireRule | None = Field(
        default=None,
        description="The ceasefire the veto points with needs_ceasefire need (none: assumed "
        "agreed; only its durability counts).",
    )
    vetoes: list[Veto] = Field(default_factory=list)
    note: str | None = None


Strategy = Literal["boulware", "linear", "conceder", "tit-for-tat", "sampled"]


class Host(_Frozen):
    """A state that hosts or mediates rounds of the talks without a say in the terms.

    Hosts are not actors: they take no position and cast no vote in any model, so they cannot
    tip a weighted vote; they are recorded (with the rounds they hosted) for the talks model
    and the report.
    """

    id: Identifier
    name: str
    role: str | None = Field(default=None, description="What it did, e.g. 'hosted two rounds'.")
    rounds: list[dt.date] = Field(default_factory=list, description="Dates of rounds it hosted.")
    source: list[str] = Field(default_factory=list, description="Ids from the scenario's sources.")
    note: str | None = None


class Talks(_Frozen):
    """Settings for simulated talks: who mediates, how each party concedes."""

    mediator: Identifier
    strategies: dict[str, Strategy] = Field(
        default_factory=dict, description="Actor id -> concession strategy (default: sampled)."
    )
    pull: Number | None = Field(
        default=None, description="Weight multiplier of the mediator when it redrafts the text."
    )
    deadline: int = Field(default=20, ge=1, description="Rounds before the talks end.")
    mediators: list[Host] = Field(
        default_factory=list,
        description="Hosts and mediators besides `mediator` that are not actors (no vote).",
    )
    rounds_per_month: Number | None = Field(
        default=None,
        description="Negotiating rounds a month: maps simulated rounds to calendar dates for "
        "`accord odds` (default 1).",
    )
    note: str | None = None


EventKind = Literal["deal_signed", "ceasefire", "issue_at_least", "issue_at_most", "ratified"]


class Event(_Frozen):
    """A dated question the tool forecasts and, once it resolves, is scored on.

    ``deal_signed``: a framework agreement signed by ``by``; ``ceasefire``: a general ceasefire
    in force on ``by``; ``issue_at_least``/``issue_at_most``: a deal signed by ``by`` that
    settles ``issue`` at least/at most ``value``; ``ratified``: a deal signed and ratified by
    ``by``. ``outcome`` is true/false once known (null while open).
    """

    id: Identifier
    question: str
    kind: EventKind
    issue: Identifier | None = None
    value: float | None = None
    by: dt.date
    outcome: bool | None = None
    resolved: dt.date | None = Field(default=None, description="When the outcome became known.")
    sources: list[str] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _issue_events(self) -> Event:
        if self.kind in ("issue_at_least", "issue_at_most") and (
            self.issue is None or self.value is None
        ):
            raise ValueError(f"a {self.kind} event needs issue and value")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError("value must be a finite number")
        return self


class Bloc(_Frozen):
    """Actors that may speak as one (an institution and its members, a government and its public).

    Declared blocs do not change the default forecast; ``accord robustness`` merges each into
    one actor as a structural variant, and declaring one silences the double-counting warning
    of ``accord validate`` for its members (see ``accord.scenario.structure``).
    """

    id: Identifier
    name: str
    members: list[Identifier] = Field(min_length=2, description="Actor ids in the bloc.")
    note: str | None = None


class Scenario(_Frozen):
    """A negotiation, ready to be checked, compiled and forecast."""

    schema_version: Literal[1] = 1
    id: Identifier
    title: str
    description: str = ""
    as_of: dt.date | None = Field(default=None, description="Default evaluation date.")
    base_date: dt.date | None = Field(
        default=None, description="The date the values before any update describe."
    )
    salience_scale: Scale = Field(default_factory=Scale)
    sources: list[Source] = Field(default_factory=list)
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    updates: list[Update] = Field(default_factory=list)
    war: War | None = Field(default=None, description="The war behind the table, if any.")
    guarantees: Guarantees | None = Field(
        default=None, description="How likely a deal is to break down."
    )
    ratification: Ratification | None = Field(
        default=None, description="Referendum and veto players besides the negotiators."
    )
    talks: Talks | None = Field(default=None, description="Settings for simulated talks.")
    no_deal: NoDeal | None = Field(
        default=None, description="The outcome if talks fail and what it costs each actor."
    )
    events: list[Event] = Field(
        default_factory=list, description="Dated questions to forecast and score (the ledger)."
    )
    blocs: list[Bloc] = Field(
        default_factory=list, description="Groups of actors that may double-count one interest."
    )
    licence: str | None = Field(default=None, description="Licence or notice for the data.")

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        return next(issue for issue in self.issues if issue.id == issue_id)

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        return next(actor for actor in self.actors if actor.id == actor_id)

    @property
    def veto_players(self) -> list[Actor]:
        """The actors whose consent a deal needs: every party and every ``veto: true`` actor."""
        return [actor for actor in self.actors if actor.is_veto_player]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "accord scenario"
    number = schema["$defs"]["Number"]
    schema["$defs"]["Number"] = {
        "description": number.get("description", ""),
        "anyOf": [
            {"type": "number"},
            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
            {key: value for key, value in number.items() if key != "description"},
        ],
    }
    return schema
