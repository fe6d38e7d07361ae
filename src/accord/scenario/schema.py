"""The scenario file format: typed, immutable, validated with pydantic v2.

A scenario describes a negotiation: its sources, issues (each on a labelled scale), actors
(capability, and per issue a position, a salience and an optional walk-away point) and dated
updates that overlay those values, so the scenario can be evaluated as of any date.

Every number is a :class:`Number`: a point value, a uniform range ``[low, high]`` or a
triangular ``{low, mode, high}``, each with the sources it comes from, or ``estimate: true``
when it is an analyst's judgement. Cross-field rules (ids that refer to each other, positions
inside the scale) live in :mod:`accord.scenario.checks`, which reports them with a field path.
"""

from __future__ import annotations

import datetime as dt
import math
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
    walk_away: dict[str, Number] = Field(
        default_factory=dict,
        description="Issue id -> the worst settlement the actor would accept (reservation point).",
    )
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
    ``ACTOR.position.ISSUE``, ``ACTOR.salience.ISSUE``, ``ACTOR.walk_away.ISSUE`` and
    ``issue.ISSUE.status_quo``.
    """

    date: dt.date
    event: str
    sources: list[str] = Field(default_factory=list)
    changes: dict[str, Number] = Field(default_factory=dict)
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
    licence: str | None = Field(default=None, description="Licence or notice for the data.")

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id."""
        return next(issue for issue in self.issues if issue.id == issue_id)

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        return next(actor for actor in self.actors if actor.id == actor_id)


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
