"""Walk-away points from the battlefield: the bargaining range of a war, month by month.

Fearon (1995): two sides divide a good; fighting gives side A the whole of it with probability
p at cost c_A, and B at cost c_B. Risk-neutral sides then both prefer any share for A in

    [p − c_A, p + c_B]

to war, so a bargaining range exists whenever fighting is costly. Bargaining while fighting
(Wagner 2000; Filson & Werner 2002; Slantchev 2003; Powell 2004) makes this dynamic: each
month the front moves, costs accrue and beliefs about the war update, and the terms on offer
track the battlefield.

Here the good is the territory the defending side still holds in each *theatre* (a battlefield
issue, e.g. the rest of Donbas): its contested area A_k at the war's ``as_of`` date. The issue's
scale is read as the share of A_k the advancing side ends up with. Under aid regime g the
advancing side takes r_gk = advance_g × share_k km² a month until A_k is gone, so the expected
line after t months is h_k(t) = min(1, r_gk t / A_k). Looking ahead H months from month t, side
s, which expects b_s(t + u) = 1 + (b_s − 1)(1 − λ)^(t+u) times the common pace in month t + u
(mutual optimism that fighting reveals and erodes at rate λ; Slantchev 2003, Powell 2004),
values fighting on as

    w_A(t) = h(t) + Σ_{u=1}^{H} β^u (Δ_A(t, u) − c_A),
    w_D(t) = h(t) + Σ_{u=1}^{H} β^u (Δ_D(t, u) + c_D),

where Δ_s(t, u) is the share side s expects to change hands in month t + u, c_s the cost of a
month of fighting in shares of the contested area (scaled by the regime's cost factor), and
β = 1/(1 + ρ) the monthly discount factor. The advancing side accepts any x ≥ w_A, the
defending side any x ≤ w_D: the bargaining range is [w_A, w_D], and a zone of agreement exists
when w_A ≤ w_D. With one month, no discounting and common beliefs this is exactly Fearon's
[p − c_A, p + c_B] with p = h(1). A fractional horizon weights its last month pro rata.

The walk-away points become the belligerents' disagreement points on the theatres' issues in
the ``nash`` model (:meth:`WarAnalysis.problem_for`), so an aid cut-off moves both the range and
the predicted settlement.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization* 49(3).
Wagner, R. H. (2000). Bargaining and war. *American Journal of Political Science* 44(3).
Filson, D. & Werner, S. (2002). A bargaining model of war and peace. *AJPS* 46(4).
Slantchev, B. L. (2003). The principle of convergence in wartime negotiations. *APSR* 97(4).
Powell, R. (2004). Bargaining and learning while fighting. *AJPS* 48(2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import ndtri

from accord.dynamics.common import (
    filled,
    interval,
    months_between,
    rounded,
    sample,
    streams,
    summary,
    war_of,
)
from accord.errors import InputError
from accord.frames import Tabular
from accord.models.nash import NashModel
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike, as_of, compile
from accord.scenario.schema import AidRegime, Scenario, War
from accord.territory import series
from accord.territory.scales import ScaleRule, applicable

if TYPE_CHECKING:
    from accord.dynamics.war_costs import CostSensitivity


def fearon_range(p: Any, cost_a: Any, cost_b: Any) -> tuple[FloatArray, FloatArray]:
    """Fearon's (1995) bargaining range ``[p − c_A, p + c_B]`` for A's share of the good."""
    p_array = np.asarray(p, dtype=np.float64)
    return p_array - np.asarray(cost_a), p_array + np.asarray(cost_b)


def walk_away_points(
    gain_advancing: FloatArray,
    gain_defending: FloatArray,
    cost_advancing: FloatArray,
    cost_defending: FloatArray,
    discount: FloatArray,
    weights: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Each side's value of fighting on, relative to today's line (the kernel of this module).

    Parameters
    ----------
    gain_advancing, gain_defending
        ``[..., U]`` the share of the contested area each side expects to change hands in
        each of the next U months.
    cost_advancing, cost_defending
        ``[...]`` cost of a month of fighting, in shares of the contested area.
    discount
        ``[...]`` monthly discount factor β.
    weights
        ``[..., U]`` how much of each month lies within the horizon (1, a fraction, or 0).

    Returns
    -------
    tuple
        ``(w_A, w_D)``: the advancing side accepts shares ≥ w_A, the defending side ≤ w_D.
    """
    months = np.arange(1, gain_advancing.shape[-1] + 1)
    factor = np.asarray(discount)[..., None] ** months * weights
    advancing = (factor * (gain_advancing - np.asarray(cost_advancing)[..., None])).sum(-1)
    defending = (factor * (gain_defending + np.asarray(cost_defending)[..., None])).sum(-1)
    return advancing, defending


@dataclass(frozen=True, eq=False)
class WarSample:
    """The war block's numbers, one row per draw.

    Attributes
    ----------
    contested : FloatArray
        ``[B, K]`` km² the defending side held in each theatre at the war's ``as_of`` date.
    share : FloatArray
        ``[B, K]`` share of the front-wide advance falling in each theatre.
    advance, cost_factor : dict
        Per regime: ``[B]`` km² a month; ``[B, 2]`` multipliers of the two sides' costs.
    cost, belief : FloatArray
        ``[B, 2]`` (advancing, defending): monthly cost in shares of the contested area; the
        multiplier on the pace each side expects.
    discount, horizon, learning : FloatArray
        ``[B]`` monthly discount factor β, months looked ahead, monthly rate of learning.
    held, total : FloatArray
        ``[B]`` km² held by the advancing side in every listed region, and their total area.
    handover : FloatArray
        ``[B, K]`` multiplier on the pace of a war renewed after a deal that hands over all of
        a theatre's contested area (1 where the scenario gives none).
    line_date : datetime.date
        The date the control figures describe: the war's ``as_of``, or with a control series
        the last snapshot on or before the evaluation date.
    pace_fit : PaceFit or None
        The pace fitted to the series (regimes with an ``advance_factor`` scale it).
    rules : tuple
        Per theatre, the shared scale rule (:mod:`accord.territory.scales`) or None (linear).
    """

    war: War
    theatre_ids: tuple[str, ...]
    gain_end: tuple[str, ...]
    contested: FloatArray
    share: FloatArray
    advance: dict[str, FloatArray]
    cost_factor: dict[str, FloatArray]
    cost: FloatArray
    belief: FloatArray
    discount: FloatArray
    horizon: FloatArray
    learning: FloatArray
    held: FloatArray
    total: FloatArray
    handover: FloatArray
    line_date: dt.date
    pace_fit: series.PaceFit | None
    rules: tuple[ScaleRule | None, ...]

    @property
    def draws(self) -> int:
        """Number of draws B."""
        return int(self.contested.shape[0])

    def to_unit(self, share: FloatArray, bound: str = "low") -> FloatArray:
        """Shares of the contested areas (last axis = theatres) as positions on [0, 1].

        ``bound`` picks the end of a stretch of the scale that hands over the same area (see
        :meth:`accord.territory.scales.ScaleRule.value_for`): ``"low"`` for the advancing
        side's walk-away point and the line, ``"high"`` for the defending side's.
        """
        return _to_unit(share, self.gain_end, self.rules, bound)

    def to_share(self, unit: FloatArray) -> FloatArray:
        """Positions on [0, 1] (last axis = theatres) as shares of the contested areas."""
        return _to_share(unit, self.gain_end, self.rules)


def sample_war(
    scenario: Scenario,
    draws: int | None = None,
    generator: np.random.Generator | None = None,
    *,
    date: dt.date | None = None,
) -> WarSample:
    """Sample (or take at point values, ``draws=None``) the numbers of the war block.

    ``date`` is the evaluation date (default: the war's ``as_of``). With a control series
    (``war.series``) the held shares move by the series' change in each region between the
    war's ``as_of`` and the last snapshot on or before ``date`` (before the war's ``as_of``,
    when none of the block's control figures was known yet, they are the snapshot's own shares
    of the oblasts), and the pace of regimes with an
    ``advance_factor`` is fitted on the series' months before ``date`` (nothing later is read).
    """
    war = war_of(scenario)
    when = date or war.as_of
    theatres = tuple(theatre.issue for theatre in war.theatres)
    area = sample([region.area_km2 for region in war.control], draws, generator)
    held = sample([region.held for region in war.control], draws, generator) / 100.0
    line_date, fit = war.as_of, None
    if war.series is not None:
        snapshot = series.latest(when)
        if when >= war.as_of:
            reference = series.latest(war.as_of)
            moved = np.array(
                [
                    snapshot.oblasts.get(region.id, 0.0) - reference.oblasts.get(region.id, 0.0)
                    for region in war.control
                ]
            )
            held = np.clip(held + moved / area, 0.0, 1.0)
        else:
            # The war block describes a later date: nothing in its control figures was known
            # on ``when`` (issue 12's no look-ahead), so the line is the series' own shares.
            shares = np.array([series.share(snapshot, region.id) for region in war.control])
            held = np.broadcast_to(shares, np.shape(held)).copy()
        line_date = snapshot.date
        if any(regime.advance_factor is not None for regime in war.regimes):
            fit = series.fit_pace(when, window=war.series.window, half_life=war.series.half_life)
    membership = np.array(
        [[region.theatre == issue for issue in theatres] for region in war.control], dtype=float
    )
    contested = (area * (1.0 - held)) @ membership
    share = sample([theatre.advance_share for theatre in war.theatres], draws, generator)
    handover = filled(
        [theatre.handover_pace_factor for theatre in war.theatres], 1.0, draws, generator
    )
    # Regimes share their random numbers (common random numbers): in a given draw the pace
    # sits at the same quantile of each regime's range, so comparisons are paired.
    seed = None if generator is None else int(generator.integers(2**63))
    advances = np.column_stack([_advance(regime, fit, draws, seed) for regime in war.regimes])
    sides = (war.advancing, war.defending)
    factors = np.stack(
        [_paired([regime.cost_factor.get(actor) for actor in sides], draws, seed)
         for regime in war.regimes],
        axis=1,
    )  # fmt: skip
    factors = np.where(np.isnan(factors), 1.0, factors)
    ordered = [war.side(actor) for actor in sides]
    cost = sample([side.cost for side in ordered], draws, generator) / 100.0
    belief = filled([side.belief for side in ordered], 1.0, draws, generator)
    rate, horizon = sample([war.discount_rate, war.horizon], draws, generator).T
    learning = filled([war.learning], 0.0, draws, generator)[:, 0]
    return WarSample(
        war=war,
        theatre_ids=theatres,
        gain_end=tuple(theatre.gain_end for theatre in war.theatres),
        contested=contested,
        share=share,
        advance={regime.id: advances[:, g] for g, regime in enumerate(war.regimes)},
        cost_factor={regime.id: factors[:, g] for g, regime in enumerate(war.regimes)},
        cost=cost,
        belief=belief,
        discount=1.0 / (1.0 + rate),
        horizon=horizon,
        learning=learning,
        held=(area * held).sum(axis=-1),
        total=area.sum(axis=-1),
        handover=handover,
        line_date=line_date,
        pace_fit=fit,
        rules=tuple(
            applicable(scenario, theatre.issue) if theatre.gain_end == "max" else None
            for theatre in war.theatres
        ),
    )


def _advance(
    regime: AidRegime, fit: series.PaceFit | None, draws: int | None, seed: int | None
) -> FloatArray:
    """``[B]`` km² a month under ``regime``: its own number, or its factor times the fit."""
    if regime.advance is not None:
        return _paired([regime.advance], draws, seed)[:, 0]
    assert fit is not None and regime.advance_factor is not None  # checked on load
    factor = _paired([regime.advance_factor], draws, seed)[:, 0]
    return fitted_pace(fit, draws, seed) * factor


def fitted_pace(fit: series.PaceFit, draws: int | None, seed: int | None) -> FloatArray:
    """``[B]`` draws of the fitted (lognormal) pace; its median at point values.

    The uniforms come from their own stream of ``seed``, apart from the factors', so the pace
    and a regime's factor are independent but every regime sees the same pace in a draw.
    """
    if draws is None:
        return np.array([fit.mode])
    generator = np.random.default_rng(None if seed is None else [seed, 1])
    uniform = generator.random(int(draws))
    return np.exp(fit.mu + fit.sigma * ndtri(uniform))


def pace_bands(war: War, date: dt.date, draws: int = 20_000) -> dict[str, dict[str, float]]:
    """Per regime the 80 % band of the front-wide pace, km² a month: ``{"low", "mode", "high"}``.

    ``low`` and ``high`` are the 10th and 90th percentiles over the pace's uncertainty (the
    fit's and the regime factor's, or the regime's own range); ``mode`` is the pace at point
    values (the fit's median times the factor's mode, or the regime's mode).
    """
    fit = None
    if war.series is not None and any(r.advance_factor is not None for r in war.regimes):
        fit = series.fit_pace(date, window=war.series.window, half_life=war.series.half_life)
    bands: dict[str, dict[str, float]] = {}
    for regime in war.regimes:
        drawn = _advance(regime, fit, draws, 20_260_301)
        point = float(_advance(regime, fit, None, None)[0])
        bands[regime.id] = {
            "low": round(float(np.quantile(drawn, 0.1)), 1),
            "mode": round(point, 1),
            "high": round(float(np.quantile(drawn, 0.9)), 1),
        }
    return bands


def _to_unit(
    share: FloatArray,
    gain_end: Sequence[str],
    rules: Sequence[ScaleRule | None],
    bound: str = "low",
) -> FloatArray:
    result = to_unit_scale(share, gain_end)
    for k, rule in enumerate(rules):
        if rule is not None:
            low, high = rule.scale
            value = rule.value_for(np.asarray(share)[..., k], bound)
            result[..., k] = (value - low) / (high - low)
    return result


def _to_share(
    unit: FloatArray, gain_end: Sequence[str], rules: Sequence[ScaleRule | None]
) -> FloatArray:
    flipped = np.array([end == "min" for end in gain_end])
    result = np.array(np.where(flipped, 1.0 - unit, unit), dtype=np.float64)
    for k, rule in enumerate(rules):
        if rule is not None:
            low, high = rule.scale
            result[..., k] = rule.share_for(low + np.asarray(unit)[..., k] * (high - low))
    return result


def _paired(numbers: Sequence[Any], draws: int | None, seed: int | None) -> FloatArray:
    """Samples that reuse the same uniforms for every call with the same ``seed``."""
    return sample(numbers, draws, None if seed is None else np.random.default_rng(seed))


def expected_line(war: WarSample, regime: str, months: Any) -> FloatArray:
    """Common expectation of the line, ``[B, T, K]``.

    The share of each theatre's contested area held by the advancing side ``months`` after the
    war's ``as_of`` date.
    """
    rate = war.advance[regime][:, None] * war.share  # [B, K] km² a month
    t = np.asarray(months, dtype=np.float64).reshape(1, -1, 1)
    return np.minimum(1.0, rate[:, None, :] * t / war.contested[:, None, :])


@dataclass(frozen=True, eq=False)
class LookAhead:
    """Walk-away points and the expected line at the end of the horizon, ``[B, T, K]``."""

    advancing: FloatArray
    defending: FloatArray
    line_ahead: FloatArray


def look_ahead(
    war: WarSample,
    regime: str,
    start: Any,
    start_line: FloatArray | None = None,
    pace_factor: FloatArray | None = None,
) -> LookAhead:
    """Each side's walk-away point when it weighs fighting on from month ``start``.

    Parameters
    ----------
    war
        Sampled war numbers.
    regime
        Aid regime id.
    start
        ``[T]`` months since the war's ``as_of`` date (sets where beliefs stand).
    start_line
        ``[B, T, K]`` the line at that moment (default: the expected line then); e.g. a deal's
        terms, to value renewed war from a new line.
    pace_factor
        ``[B]`` multiplier on the pace from that moment (default 1); e.g. for a war renewed
        from a line beyond the defending side's fortifications (:func:`renewed_pace_factor`).

    A month of fighting costs each side one monthly cost, ``cost`` percent of the contested
    area of all theatres together, apportioned across the theatres by the area the common
    expectation has changing hands in each over the horizon (by the advance shares where none
    does): the costs over theatres sum to one month of war, not one per theatre.
    """
    months = np.asarray(start, dtype=np.float64).reshape(-1)
    line = expected_line(war, regime, months) if start_line is None else start_line
    line = np.broadcast_to(line, (war.draws, months.size, len(war.theatre_ids)))
    horizon = war.horizon[:, None, None]  # [B, 1, 1]
    steps = max(1, math.ceil(float(war.horizon.max())))
    u = np.arange(1, steps + 1, dtype=np.float64)
    weights = np.clip(horizon - (u - 1.0), 0.0, 1.0)[:, :, None, :]  # [B, 1, 1, U]
    pace = war.advance[regime] if pace_factor is None else war.advance[regime] * pace_factor
    rate = (pace[:, None] * war.share)[:, None, :, None]  # [B, 1, K, 1]
    area = war.contested[:, None, :, None]
    remaining = area * (1.0 - line[..., None])  # [B, T, K, 1]
    decay = (1.0 - war.learning)[:, None, None] ** (months[None, :, None] + u)  # [B, T, U]

    def gains(belief: FloatArray) -> FloatArray:
        pace = 1.0 + (belief[:, None, None] - 1.0) * decay
        cumulative = np.minimum(remaining, rate * np.cumsum(pace, axis=-1)[:, :, None, :])
        return np.diff(cumulative, axis=-1, prepend=0.0) / area  # [B, T, K, U]

    common = gains(np.ones(war.draws))
    apportion = cost_shares(war, (common * weights).sum(axis=-1))  # [B, T, K]
    factor = war.cost_factor[regime]
    advancing, defending = walk_away_points(
        gains(war.belief[:, 0]),
        gains(war.belief[:, 1]),
        (war.cost[:, 0] * factor[:, 0])[:, None, None] * apportion,
        (war.cost[:, 1] * factor[:, 1])[:, None, None] * apportion,
        war.discount[:, None, None],
        weights,
    )
    return LookAhead(
        advancing=line + advancing,
        defending=line + defending,
        line_ahead=line + (common * weights).sum(axis=-1),
    )


def cost_shares(war: WarSample, expected: FloatArray) -> FloatArray:
    """``[B, T, K]``: one month's cost (per unit of the total contested area) per theatre area.

    ``expected`` ``[B, T, K]`` is the share of each theatre's contested area expected to change
    hands over the horizon. Theatre k's part of the cost is w_k = E_k / Σ E (E_k in km²; the
    advance shares where nothing is expected to move), and in shares of its own contested area
    the cost is c · A_total · w_k / A_k, so Σ_k (cost_k · A_k) = c · A_total: one month.
    """
    area = war.contested[:, None, :]  # [B, 1, K]
    moved = expected * area
    total = moved.sum(axis=-1, keepdims=True)
    fallback = np.broadcast_to(war.share[:, None, :], moved.shape)
    fallback = fallback / np.maximum(fallback.sum(axis=-1, keepdims=True), 1e-300)
    weight = np.where(total > 0, moved / np.where(total > 0, total, 1.0), fallback)
    whole = war.contested.sum(axis=-1)[:, None, None]
    return np.asarray(whole * weight / area)


def renewed_pace_factor(war: WarSample, handed: FloatArray) -> FloatArray:
    """``[B]`` multiplier on the pace of a war renewed after a deal.

    ``handed`` ``[B, K]`` is the share of each theatre's contested area the deal hands to the
    advancing side. The factor is 1 + Σ_k (F_k − 1) · clip(handed_k, 0, 1), with F_k the
    theatre's ``handover_pace_factor``: a deal that gives up a fortified belt (ukraine-2025:
    the Kramatorsk-Sloviansk line, the rest of Donbas) leaves the defending side a line that
    is easier to break.
    """
    return np.asarray(1.0 + ((war.handover - 1.0) * np.clip(handed, 0.0, 1.0)).sum(axis=-1))


def to_unit_scale(share: FloatArray, gain_end: Sequence[str]) -> FloatArray:
    """Shares of the contested area (last axis = theatres) as positions on the issues' [0, 1]."""
    flipped = np.array([end == "min" for end in gain_end])
    return np.clip(np.where(flipped, 1.0 - share, share), 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class RegimePath:
    """The bargaining range under one aid regime, month by month.

    Attributes
    ----------
    line : FloatArray
        ``[B, T, K]`` expected share of each theatre held by the advancing side.
    advancing, defending : FloatArray
        ``[B, T, K]`` the walk-away points, in the same shares (not clipped to [0, 1]).
    nash : FloatArray or None
        ``[N, I]`` the Nash solution (unit scale) with these walk-away points, now, on the
        first N ≤ B draws.
    nash_feasible : BoolArray or None
        ``[N]`` whether that solution beats every party's disagreement point.
    """

    regime: AidRegime
    line: FloatArray
    advancing: FloatArray
    defending: FloatArray
    nash: FloatArray | None = None
    nash_feasible: BoolArray | None = None

    @property
    def zone(self) -> BoolArray:
        """``[B, T, K]`` whether a zone of agreement exists (w_A ≤ w_D)."""
        return np.asarray(self.advancing <= self.defending)


@dataclass(frozen=True, eq=False, repr=False)
class WarAnalysis(Tabular):
    """The result of :func:`analyse`: ranges per regime and month, and what they do to Nash."""

    scenario: Scenario
    problem: Problem
    sample: WarSample
    date: dt.date
    start: float
    months: FloatArray
    paths: dict[str, RegimePath]
    costs: CostSensitivity | None = None

    def walk_away(self, regime: str, month: int = 0) -> FloatArray:
        """The problem's walk-away array ``[B, A, I]`` with the war's points for the two sides.

        On each theatre's issue the advancing and defending actors get their battlefield
        walk-away point (unit scale, clipped to [0, 1]) ``month`` months from the evaluation
        date; everything else keeps the scenario's own walk-away points.
        """
        path = self.paths[regime]
        walk = np.array(self.problem.walk_away, copy=True)
        actors = self.problem.actor_ids
        war = self.sample.war
        columns = [self.problem.issue_ids.index(issue) for issue in self.sample.theatre_ids]
        sides = (
            (war.advancing, path.advancing, "low"),
            (war.defending, path.defending, "high"),
        )
        for side, values, bound in sides:
            walk[:, actors.index(side), columns] = self.sample.to_unit(values[:, month], bound)
        return walk

    def problem_for(self, regime: str, month: int = 0) -> Problem:
        """The scenario's problem with battlefield walk-away points (for ``nash`` and talks)."""
        walk = self.walk_away(regime, month)
        walk.flags.writeable = False
        return dataclasses.replace(self.problem, red_line=walk)

    def month_labels(self) -> list[str]:
        """``YYYY-MM`` of each tabulated month, counted from the evaluation date."""
        labels = []
        for offset in self.months.astype(int):
            index = self.date.year * 12 + self.date.month - 1 + int(offset)
            labels.append(f"{index // 12}-{index % 12 + 1:02d}")
        return labels

    def to_units(self, share: FloatArray, theatre: int, bound: str = "low") -> FloatArray:
        """Shares of a theatre's contested area in its issue's unit (clipped to the scale).

        ``bound``: ``"high"`` for the defending side's walk-away point (see
        :meth:`WarSample.to_unit`).
        """
        issue = self.scenario.issue(self.sample.theatre_ids[theatre])
        unit = _to_unit(
            share[..., None],
            [self.sample.gain_end[theatre]],
            [self.sample.rules[theatre]],
            bound,
        )[..., 0]
        return issue.min + unit * (issue.max - issue.min)

    def stated_walk_away(self, actor: str, issue_id: str) -> float | None:
        """The walk-away point the scenario states for an actor on an issue (point value)."""
        number = self.scenario.actor(actor).red_line.get(issue_id)
        return None if number is None else number.point

    def to_json(self) -> dict[str, Any]:
        """Figure-ready data: per regime, theatre and month the range in the issue's unit.

        Layout: ``{"scenario", "as_of", "draws", "advancing", "defending", "months": [labels],
        "theatres": {ISSUE: {"name", "unit", "contested_km2", "stated": {ACTOR: value}}},
        "regimes": {REGIME: {"name", "theatres": {ISSUE: {"line", "advancing", "defending":
        {"value": [...], "low": [...], "high": [...]}, "zone_probability": [...]}},
        "nash": {ISSUE: {"value", "low", "high"}} | null, "nash_feasible_share"}}}``.
        ``advancing`` is the least the advancing side accepts, ``defending`` the most the
        defending side concedes, both per month; values are medians with 80 % intervals.
        """
        war = self.sample.war
        theatres: dict[str, Any] = {}
        for k, issue_id in enumerate(self.sample.theatre_ids):
            issue = self.scenario.issue(issue_id)
            theatres[issue_id] = {
                "name": issue.name,
                "unit": issue.unit,
                "contested_km2": summary(self.sample.contested[:, k], 1),
                "stated": {
                    actor: self.stated_walk_away(actor, issue_id)
                    for actor in (war.advancing, war.defending)
                },
            }
        regimes: dict[str, Any] = {}
        for regime_id, path in self.paths.items():
            per_theatre: dict[str, Any] = {}
            for k, issue_id in enumerate(self.sample.theatre_ids):
                per_theatre[issue_id] = {
                    name: _band(self.to_units(values[..., k], k, bound))
                    for name, values, bound in (
                        ("line", path.line, "low"),
                        ("advancing", path.advancing, "low"),
                        ("defending", path.defending, "high"),
                    )
                }
                per_theatre[issue_id]["zone_probability"] = rounded(path.zone[..., k].mean(0), 4)
            nash = None
            if path.nash is not None:
                units = self.problem.to_units(path.nash)
                nash = {
                    issue_id: summary(units[:, self.problem.issue_ids.index(issue_id)], 4)
                    for issue_id in self.sample.theatre_ids
                }
            regimes[regime_id] = {
                "name": path.regime.name,
                "theatres": per_theatre,
                "nash": nash,
                "nash_feasible_share": None
                if path.nash_feasible is None
                else float(path.nash_feasible.mean()),
            }
        fit = self.sample.pace_fit
        return {
            "scenario": self.scenario.id,
            "as_of": self.date.isoformat(),
            "draws": self.sample.draws,
            "advancing": war.advancing,
            "defending": war.defending,
            "line_date": self.sample.line_date.isoformat(),
            "months": self.month_labels(),
            "pace": pace_bands(war, self.date),
            "pace_fit": None
            if fit is None
            else {
                "source": series.SOURCE,
                "window_months": fit.window,
                "half_life_months": fit.half_life,
                "months": [
                    {
                        "from": gain.start.isoformat(),
                        "to": gain.end.isoformat(),
                        "gain_km2": round(gain.per_month, 1),
                    }
                    for gain in fit.months
                ],
            },
            "theatres": theatres,
            "regimes": regimes,
            "cost_sensitivity": None if self.costs is None else self.costs.to_json(self),
        }


def _band(values: FloatArray) -> dict[str, Any]:
    median, low, high = interval(values, axis=0)
    return {"value": rounded(median, 4), "low": rounded(low, 4), "high": rounded(high, 4)}


def evaluation_date(scenario: Scenario, date: dt.date | None) -> dt.date:
    """The date an analysis describes: ``date``, else the scenario's as_of, else the war's."""
    return date or scenario.as_of or war_of(scenario).as_of


def analyse(
    scenario: Scenario,
    *,
    date: dt.date | None = None,
    regimes: Sequence[str] | None = None,
    months: int | None = None,
    draws: int | None = None,
    rng: RNGLike = None,
    nash: bool = True,
    nash_draws: int | None = 100,
) -> WarAnalysis:
    """Bargaining ranges month by month under each aid regime, and the Nash solution they imply.

    Parameters
    ----------
    scenario
        A scenario with a ``war`` block.
    date
        Evaluation date (default: the scenario's ``as_of``); the front is projected from the
        war's own ``as_of`` to it.
    regimes
        Regime ids (default: all).
    months
        Months to tabulate after the evaluation date (default: the horizon's point value).
    draws
        ``None`` for point values; else the number of draws sampled from the ranges.
    rng
        Seed or generator.
    nash
        Also solve the Nash model with the battlefield walk-away points (month 0).
    nash_draws
        Solve it on the first this many draws only (``None``: all); the Nash solver is far
        slower than the ranges.
    """
    when = evaluation_date(scenario, date)
    current = as_of(scenario, when)  # the war block as of the date (dated updates applied)
    war = war_of(current)
    known = [regime.id for regime in war.regimes]
    chosen = list(regimes) if regimes else known
    for regime_id in chosen:
        if regime_id not in known:
            raise InputError.single(
                scenario.id,
                f"unknown aid regime {regime_id!r}",
                path=("war", "regimes"),
                value=regime_id,
                hint=f"use one of: {', '.join(known)}",
            )
    count = math.ceil(war.horizon.point) if months is None else int(months)
    if count < 0 or count > 600:
        raise InputError.single(
            None, f"--months must be between 0 and 600, got {count}", path=("--months",)
        )
    problem_stream, war_stream = streams(rng, 2)
    problem = compile(current, date=when, draws=draws, rng=problem_stream)
    sampled = sample_war(current, draws, war_stream, date=when)
    start = max(0.0, months_between(sampled.line_date, when))
    offsets = np.arange(count + 1, dtype=np.float64)
    paths: dict[str, RegimePath] = {}
    from accord.dynamics.war_costs import cost_sensitivity  # imports this module

    point = sample_war(current, None, None, date=when)
    costs = cost_sensitivity(point, max(0.0, months_between(point.line_date, when)))
    analysis = WarAnalysis(current, problem, sampled, when, start, offsets, paths, costs)
    for regime_id in chosen:
        ahead = look_ahead(sampled, regime_id, start + offsets)
        path = RegimePath(
            war.regime(regime_id),
            expected_line(sampled, regime_id, start + offsets),
            ahead.advancing,
            ahead.defending,
        )
        paths[regime_id] = path
        if nash:
            problem_ = analysis.problem_for(regime_id)
            if nash_draws is not None and problem_.draws > nash_draws:
                problem_ = problem_.take(slice(0, nash_draws))
            outcome = NashModel().run(problem_)
            paths[regime_id] = dataclasses.replace(
                path,
                nash=outcome.settlement,
                nash_feasible=np.asarray(outcome.trace["feasible"]),
            )
    return analysis
