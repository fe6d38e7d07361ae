"""Veto points of ratification: limits, legal triggers, alternative routes, and the ceasefire.

A deal is ratified when every veto point that its terms call for consents (Putnam 1988: the
domestic win-sets of every level). Per draw b, for the deal x (in the issues' units):

* a veto point **applies** when its ``applies_from`` threshold is reached on its own issue and
  any one of its triggers ``applies_when`` holds (none: every deal), e.g. Art. 73 of Ukraine's
  constitution calls for a referendum only when the deal hands over ground;
* where it applies, it **consents** with probability P(x inside its limits) × approval, where the
  approval is one probability or, for **alternative routes** (the US may approve a guarantee as
  an Article II treaty, a congressional-executive agreement or a sole executive agreement;
  addendum §4, S112), their expectation: one route is taken, route r with probability
  w_r / Σ w, and consent then comes with probability a_r, so

      P(consent) = Σ_r w_r a_r / Σ_r w_r;

  the referendum's consent is the fitted vote times the turnout rule (:mod:`.ratify`);
* veto points with ``needs_ceasefire`` (no referendum under martial law, Law 1135-IX Art. 20; no
  constitutional amendment under martial law, Art. 157) need the **ceasefire** first. It is a
  negotiated term, not a given: it is agreed in a draw only if every veto player's red lines and
  conditions on the ceasefire issue (``ratification.ceasefire``, e.g. ``sequencing`` at most 25,
  "ceasefire on signing a framework") admit it (:func:`accord.scenario.acceptance.bounds`, the
  rule the zone of agreement uses); once agreed, it must hold until the vote (the guarantees'
  hazard model). Moscow refused a ceasefire before a settlement on 28 Dec 2025 (S76): its red
  line on ``sequencing`` from that date rules the ceasefire out in most draws.

    P(ratified | draw) = [C · H if any applying point needs the ceasefire, else 1]
                         · Π_v [consent_v if v applies, else 1]

with C whether the ceasefire is agreed and H that it holds.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3):427-460.
Tsebelis, G. (2002). *Veto Players: How Political Institutions Work*. Princeton UP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from accord.dynamics.common import filled, sample
from accord.scenario.acceptance import TOLERANCE, bounds
from accord.scenario.compile import BoolArray, FloatArray, Problem
from accord.scenario.schema import CeasefireRule, Scenario, Veto


@dataclass(frozen=True, eq=False)
class VetoSample:
    """A veto point's limits ``[B]`` in its issue's unit (NaN: none) and approval ``[B]``.

    ``column`` is its issue's column (-1: no issue); ``triggers`` are ``(column, at_least,
    at_most)`` of its ``applies_when``; ``shares``/``route_approval`` are ``[B, R]`` for its
    alternative routes (empty without routes; ``approval`` is then their expectation).
    """

    veto: Veto
    column: int
    low: FloatArray
    high: FloatArray
    approval: FloatArray
    triggers: tuple[tuple[int, float | None, float | None], ...] = ()
    shares: FloatArray | None = None
    route_approval: FloatArray | None = None

    def applies(self, units: FloatArray) -> BoolArray:
        """``[B]`` whether deals ``[B, I]`` (issues' units) call for this veto point."""
        needed = np.ones(units.shape[0], dtype=bool)
        if self.veto.applies_from is not None and self.column >= 0:
            needed &= units[:, self.column] >= self.veto.applies_from
        if self.triggers:
            called = np.zeros(units.shape[0], dtype=bool)
            for column, at_least, at_most in self.triggers:
                hit = np.ones(units.shape[0], dtype=bool)
                if at_least is not None:
                    hit &= units[:, column] >= at_least - TOLERANCE
                if at_most is not None:
                    hit &= units[:, column] <= at_most + TOLERANCE
                called |= hit
            needed &= called
        return needed

    def consents(self, units: FloatArray, average: bool = False) -> FloatArray:
        """P(consent) ``[B]`` for deals ``[B, I]`` in the issues' units (1 where not needed).

        With ``average``, the chance that the deal lies inside the player's (uncertain) limits
        is averaged over the draws, so it acts as a probability rather than a 0/1 per draw.
        """
        draws = units.shape[0]
        if self.column >= 0:
            value = units[:, self.column]
            inside = (np.isnan(self.low) | (value >= self.low)) & (
                np.isnan(self.high) | (value <= self.high)
            )
        else:
            inside = np.ones(draws, dtype=bool)
        chance = np.full(draws, inside.mean()) if average else inside.astype(float)
        return np.where(self.applies(units), chance * self.approval, 1.0)

    def routes(self) -> list[dict[str, object]]:
        """Per route: id, name, rule, mean share (normalised) and mean approval."""
        if self.shares is None or self.route_approval is None:
            return []
        weight = self.shares / self.shares.sum(axis=1, keepdims=True)
        return [
            {
                "id": route.id,
                "name": route.name,
                "rule": route.rule,
                "share": round(float(weight[:, r].mean()), 4),
                "approval": round(float(self.route_approval[:, r].mean()), 4),
            }
            for r, route in enumerate(self.veto.routes)
        ]


def route_consent(shares: FloatArray, approval: FloatArray) -> FloatArray:
    """P(consent) ``[B]`` over alternative routes: Σ_r w_r a_r / Σ_r w_r (``[B, R]`` each)."""
    total = shares.sum(axis=1)
    return np.asarray(
        (shares * approval).sum(axis=1) / np.where(total > 0, total, 1.0), dtype=np.float64
    )


def sample_vetoes(
    scenario: Scenario, draws: int, generator: np.random.Generator
) -> list[VetoSample]:
    """Sample every veto point's limits, approval probability and routes."""
    vetoes = scenario.ratification.vetoes if scenario.ratification else []
    issue_ids = [issue.id for issue in scenario.issues]
    result = []
    for veto in vetoes:
        low, high = sample([veto.min, veto.max], draws, generator).T
        approval = filled([veto.approval], 1.0, draws, generator)[:, 0]
        shares = route_approval = None
        if veto.routes:
            shares = sample([route.share for route in veto.routes], draws, generator)
            route_approval = sample([route.approval for route in veto.routes], draws, generator)
            approval = route_consent(shares, route_approval)
        column = -1 if veto.issue is None else issue_ids.index(veto.issue)
        triggers = tuple(
            (issue_ids.index(item.issue), item.at_least, item.at_most) for item in veto.applies_when
        )
        result.append(
            VetoSample(veto, column, low, high, approval, triggers, shares, route_approval)
        )
    return result


def ceasefire_agreed(problem: Problem, rule: CeasefireRule | None) -> FloatArray:
    """``[B]`` 1 where every veto player's red lines and conditions admit the ceasefire.

    The ceasefire is the rule's issue settling at most ``at_most`` (or at least ``at_least``):
    agreed in a draw when some value on that side of the threshold lies in every veto player's
    acceptable box (:func:`accord.scenario.acceptance.bounds`), as the zone of agreement reads
    red lines. No rule: agreed (only its durability counts, as before the rule existed).
    """
    if rule is None:
        return np.ones(problem.draws)
    column = problem.issue_ids.index(rule.issue)
    low, high = bounds(problem)
    veto = problem.veto_players
    floor = low[:, veto, column].max(axis=1, initial=0.0)
    ceiling = high[:, veto, column].min(axis=1, initial=1.0)
    meets = floor <= ceiling + TOLERANCE
    if rule.at_most is not None:
        threshold = float(problem.to_unit_scale(np.full(problem.n_issues, rule.at_most))[column])
        admits = floor <= threshold + TOLERANCE
    else:
        assert rule.at_least is not None
        threshold = float(problem.to_unit_scale(np.full(problem.n_issues, rule.at_least))[column])
        admits = ceiling >= threshold - TOLERANCE
    return np.asarray(meets & admits, dtype=np.float64)


class Vote(Protocol):
    """What the veto points need of a fitted referendum (:class:`.ratify.ReferendumFit`)."""

    @property
    def valid(self) -> float:
        """P(turnout reaches the threshold)."""
        ...

    def passes(self, terms: FloatArray) -> FloatArray:
        """P(yes above the majority) ``[B]``."""
        ...

    def yes_share(self, terms: FloatArray) -> FloatArray:
        """Expected yes share of the votes cast ``[B]``."""
        ...


@dataclass(frozen=True, eq=False)
class Steps:
    """Per draw ``[B]``: P(ratified) and every veto point's part in it (:mod:`.vetoes`).

    ``consents`` holds each veto point's P(consent) (1 where the deal does not call for it; the
    referendum's is turnout valid × P(yes)); ``applies`` whether the deal calls for it;
    ``needed`` whether an applying point needs the ceasefire, ``agreed`` whether every veto
    player's red lines admit it, ``holds`` that it lasts until the vote.
    """

    total: FloatArray
    passes: FloatArray
    share: FloatArray
    valid: float
    consents: dict[str, FloatArray]
    applies: dict[str, BoolArray]
    needed: BoolArray
    agreed: FloatArray
    holds: FloatArray

    @property
    def ceasefire(self) -> FloatArray:
        """``[B]`` the ceasefire factor: agreed × holds where needed, else 1."""
        return np.where(self.needed, self.agreed * self.holds, 1.0)


#: The id of the referendum's veto point when the scenario lists none (older files).
REFERENDUM = "referendum"


def steps(
    fit: Vote | None,
    vetoes: list[VetoSample],
    terms: FloatArray,
    units: FloatArray,
    holds: FloatArray,
    *,
    average: bool,
    agreed: FloatArray | None = None,
) -> Steps:
    """P(ratified) ``[B]`` and its parts; see :mod:`accord.dynamics.vetoes` for the rule.

    A scenario with a referendum but no veto point marked ``referendum: true`` (the older
    form) votes on every deal, after the ceasefire.
    """
    draws = terms.shape[0]
    passes = np.ones(draws) if fit is None else fit.passes(terms)
    share = np.full(draws, np.nan) if fit is None else fit.yes_share(terms)
    valid = 1.0 if fit is None else fit.valid
    everywhere = np.ones(draws, dtype=bool)
    consents: dict[str, FloatArray] = {}
    applies: dict[str, BoolArray] = {}
    needed = np.zeros(draws, dtype=bool)
    if fit is not None and not any(veto.veto.referendum for veto in vetoes):
        consents[REFERENDUM] = valid * passes
        applies[REFERENDUM] = everywhere
        needed |= everywhere
    for veto in vetoes:
        called = veto.applies(units)
        consent = veto.consents(units, average=average)
        if veto.veto.referendum:
            consent = np.where(called, consent * valid * passes, 1.0)
        consents[veto.veto.id] = consent
        applies[veto.veto.id] = called
        if veto.veto.needs_ceasefire:
            needed |= called
    agreed = np.ones(draws) if agreed is None else agreed
    total = np.where(needed, agreed * holds, 1.0)
    for consent in consents.values():
        total = total * consent
    return Steps(total, passes, share, valid, consents, applies, needed, agreed, holds)


def probability(
    fit: Vote | None,
    vetoes: list[VetoSample],
    terms: FloatArray,
    units: FloatArray,
    holds: FloatArray,
    *,
    average: bool,
    agreed: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, dict[str, FloatArray]]:
    """P(ratified) ``[B]`` with its parts: (probability, P(yes), yes share, consents)."""
    result = steps(fit, vetoes, terms, units, holds, average=average, agreed=agreed)
    return result.total, result.passes, result.share, result.consents


__all__ = [
    "REFERENDUM",
    "Steps",
    "VetoSample",
    "Vote",
    "ceasefire_agreed",
    "probability",
    "route_consent",
    "sample_vetoes",
    "steps",
]
