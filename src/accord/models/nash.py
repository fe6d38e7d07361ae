"""The asymmetric, multi-issue Nash bargaining solution.

The settlement maximises the weighted Nash product over all issues at once, within the box
that every constrained actor's red lines and conditions leave open,

    x* = argmax_{x ∈ X} Σ_{i ∈ P} w_i log(U_i(x) − d_i),   U_i(x) = −Σ_d s_id ℓ(x_d − x_id),
    X = {x : low_ad ≤ x_d ≤ high_ad for every constrained actor a and issue d},

where P are the parties whose agreement the deal needs (actors with ``party: true``; every actor
with capability when none is marked), w_i their bargaining weights (capability by default),
ℓ the quadratic (default) or linear loss, and d_i player i's disagreement utility: U_i of the
scenario's no-deal outcome (``no_deal.outcome``; else the issue's status quo; else the end of
the scale farthest from its position) minus its cost of no deal where the scenario gives one
(converted from the scenario's linear utility at c · Σ_d s_id). The constrained actors are the
players and every veto player (``veto: true``); their boxes come from
:func:`accord.scenario.acceptance.bounds`. Red lines are never part of d_i any more: they are
hard constraints, not compensatory reference points.

If the boxes do not intersect on some issue the draw is infeasible and the actors whose box
misses another's are named (``trace.blocked_by``, ``trace.empty``). Otherwise the problem is
concave on a box. It is solved for every draw at once by damped Newton steps on a smooth
extension of the logarithm (linear-quadratic below a threshold ε that shrinks to 1e-10), with
each side of the box a pseudo-player of weight ε under the same extended log (so its pull
vanishes as ε does) and a final projection onto the box. A solution lands on a red line to
~1e-10 when the red line holds the settlement back; where the unconstrained optimum sits exactly
on a red line the barrier leaves it up to ~1e-5 (unit scale) inside. The point is then checked
with :func:`accord.scenario.acceptance.rejections`: if a party is left no better than its
disagreement point, or any constrained actor rejects it, the draw is reported infeasible.

An actor's red lines *bind* when leaving them (and its conditions) out moves the settlement by
more than 0.1 % of any issue's scale; ``trace.binding_issues`` marks the issues where the
settlement sits on that actor's bound.

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2):155-162.
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
*Int. J. Game Theory* 6(3):129-133.
Schneider, G., Finke, D. & Bailer, S. (2010). Bargaining power in the European Union: an
evaluation of competing game-theoretic models. *Political Studies* 58(1):85-103.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.scenario.acceptance import TOLERANCE, bounds, rejections
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike

_EPSILONS = tuple(10.0**-k for k in range(0, 11))
_STEPS = 0.5 ** np.arange(0, 30)
_BINDING_TOLERANCE = 1e-3
_FIELDS = ("ideal", "salience", "weight", "reference", "worst", "floor", "ceiling")


def _soft_log(g: FloatArray, eps: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Log g for g ≥ ε, extended below ε by its second-order Taylor expansion at ε.

    Returns the value and its first and second derivatives. The extension keeps the
    objective concave and finite everywhere (Owen 1990's pseudo-logarithm).
    """
    safe = np.maximum(g, eps)
    below = g < eps
    delta = g - eps
    value = np.where(below, np.log(eps) + delta / eps - delta**2 / (2 * eps**2), np.log(safe))
    first = np.where(below, 1 / eps - delta / eps**2, 1 / safe)
    second = np.where(below, -1 / eps**2, -1 / safe**2)
    return value, first, second


def _loss(diff: FloatArray, loss: str, smooth: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-issue loss ℓ(diff) and its first and second derivatives."""
    if loss == "quadratic":
        return diff**2, 2 * diff, np.full_like(diff, 2.0)
    root = np.sqrt(diff**2 + smooth**2)
    return root - smooth, diff / root, smooth**2 / root**3


@dataclass(frozen=True)
class _Players:
    ideal: FloatArray  # [B, P, I]
    salience: FloatArray  # [B, P, I]
    weight: FloatArray  # [B, P]
    reference: FloatArray  # [B, P, I] disagreement point
    worst: FloatArray  # [B, P, I] each player's worst outcome
    floor: FloatArray  # [B, I] the lowest value every constrained actor accepts
    ceiling: FloatArray  # [B, I] the highest value every constrained actor accepts


def _utility(players: _Players, point: FloatArray, loss: str, smooth: float) -> FloatArray:
    value, _, _ = _loss(point - players.ideal, loss, smooth)
    total: FloatArray = (players.salience * value).sum(axis=-1)
    return -total


def _objective(
    players: _Players, x: FloatArray, threshold: FloatArray, eps: float, loss: str, smooth: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Objective, gradient [B, I], Hessian [B, I, I] and surpluses g [B, P] at ``x`` [B, I]."""
    diff = x[:, None, :] - players.ideal
    value, first, second = _loss(diff, loss, smooth)
    surplus = -(players.salience * value).sum(axis=-1) - threshold
    log_value, log_first, log_second = _soft_log(surplus, eps)
    w = players.weight
    objective = (w * log_value).sum(axis=-1)
    grad_g = -players.salience * first  # [B, P, I]
    gradient = np.einsum("bp,bpi->bi", w * log_first, grad_g)
    hessian = np.einsum("bp,bpi,bpj->bij", w * log_second, grad_g, grad_g)
    curvature = np.einsum("bp,bpi->bi", w * log_first, -players.salience * second)
    # The box of red lines and conditions, as two pseudo-players per issue whose weight (ε)
    # shrinks with the continuation, so the barrier's pull vanishes at the solution.
    low_value, low_first, low_second = _soft_log(x - players.floor, eps)
    high_value, high_first, high_second = _soft_log(players.ceiling - x, eps)
    # Only real constraints get one: the scale's own ends need none (the optimum lies within
    # the players' positions), and a barrier there would bias a solution on the end.
    low_weight = np.where(players.floor > 0.0, eps, 0.0)
    high_weight = np.where(players.ceiling < 1.0, eps, 0.0)
    objective = objective + (low_weight * low_value + high_weight * high_value).sum(axis=-1)
    gradient = gradient + low_weight * low_first - high_weight * high_first
    curvature = curvature + low_weight * low_second + high_weight * high_second
    hessian = hessian + np.einsum("bi,ij->bij", curvature, np.eye(x.shape[-1]))
    return objective, gradient, hessian, surplus


def _maximise(
    players: _Players,
    threshold: FloatArray,
    start: FloatArray,
    loss: str,
    iterations: int,
    epsilons: tuple[float, ...] = _EPSILONS,
) -> tuple[FloatArray, FloatArray]:
    """Damped Newton ascent with continuation in ε (and in the linear-loss smoothing)."""
    x = start.copy()
    issues = x.shape[-1]
    ridge = 1e-12 * np.eye(issues)
    for eps in epsilons:
        smooth = max(eps, 1e-6)
        rows = np.arange(x.shape[0])
        for _ in range(iterations):
            if rows.size == 0:
                break
            part = _take(players, rows)
            bound = threshold[rows]
            point = x[rows]
            objective, gradient, hessian, _ = _objective(part, point, bound, eps, loss, smooth)
            newton = np.linalg.solve(hessian - ridge, -gradient[..., None])[..., 0]
            # Where the Hessian is not negative definite enough, fall back to the gradient.
            ascent = (newton * gradient).sum(axis=-1)
            step: FloatArray = np.where((ascent > 0)[:, None], newton, gradient)
            slope: FloatArray = (step * gradient).sum(axis=-1)
            scale = _line_search(part, point, step, bound, objective, slope, eps, loss, smooth)
            move = scale[:, None] * step
            x[rows] = point + move
            # A row is done when its step is negligible or no step improves it.
            rows = rows[np.abs(move).max(axis=-1) >= 1e-11]
    # The barrier leaves the solution within ~ε of the box; projecting makes it exact.
    x = np.clip(x, players.floor, players.ceiling)
    surplus = _objective(players, x, threshold, _EPSILONS[-1], loss, 1e-6)[3]
    return x, surplus


def _line_search(
    players: _Players,
    x: FloatArray,
    step: FloatArray,
    threshold: FloatArray,
    objective: FloatArray,
    slope: FloatArray,
    eps: float,
    loss: str,
    smooth: float,
) -> FloatArray:
    """Armijo backtracking per draw.

    The full step where it suffices, else the first of 1/2, 1/4, ... that does (0 if none).
    """
    full = _objective(players, x + step, threshold, eps, loss, smooth)[0]
    scale = np.where(full >= objective + 1e-4 * slope, 1.0, 0.0)
    retry = np.flatnonzero(scale == 0)
    if retry.size:
        count = len(_STEPS) - 1
        steps = _STEPS[1:]
        subset = _repeat(_take(players, retry), count)
        candidates = x[retry, None, :] + steps[None, :, None] * step[retry, None, :]
        values = _objective(
            subset,
            candidates.reshape(-1, x.shape[-1]),
            np.repeat(threshold[retry], count, axis=0),
            eps,
            loss,
            smooth,
        )[0].reshape(retry.size, count)
        armijo = values >= objective[retry, None] + 1e-4 * steps[None, :] * slope[retry, None]
        first = np.argmax(armijo, axis=1)
        scale[retry] = np.where(armijo[np.arange(retry.size), first], steps[first], 0.0)
    return scale


def _take(players: _Players, rows: np.ndarray[tuple[int], np.dtype[np.intp]]) -> _Players:
    return _Players(*(getattr(players, name)[rows] for name in _FIELDS))


def _repeat(players: _Players, times: int) -> _Players:
    return _Players(*(np.repeat(getattr(players, name), times, axis=0) for name in _FIELDS))


def _repeat_blocks(players: _Players, times: int) -> _Players:
    """``times`` copies of every draw, stacked block after block on the draw axis."""
    return _Players(*(np.concatenate([getattr(players, name)] * times) for name in _FIELDS))


@dataclass(frozen=True)
class _Box:
    """The red lines and conditions of the constrained actors, per draw."""

    low: FloatArray  # [B, A, I] each actor's acceptable box (unconstrained actors: [0, 1])
    high: FloatArray
    floor: FloatArray  # [B, I] the intersection of the boxes
    ceiling: FloatArray
    empty: BoolArray  # [B, I] the boxes do not intersect on this issue
    blockers: BoolArray  # [B, A] actors whose box misses another's on an empty issue

    @classmethod
    def of(cls, problem: Problem, constrained: BoolArray) -> _Box:
        low, high = bounds(problem)
        low = np.where(constrained[None, :, None], low, 0.0)
        high = np.where(constrained[None, :, None], high, 1.0)
        floor, ceiling = low.max(axis=1), high.min(axis=1)
        empty = floor > ceiling + TOLERANCE
        crossing = (low > ceiling[:, None, :] + TOLERANCE) | (high < floor[:, None, :] - TOLERANCE)
        blockers = (crossing & empty[:, None, :]).any(axis=-1)
        return cls(low, high, floor, ceiling, empty, blockers)

    def take(self, rows: np.ndarray[tuple[int], np.dtype[np.intp]]) -> _Box:
        """The box on some draws."""
        return _Box(*(getattr(self, field.name)[rows] for field in dataclasses.fields(self)))

    def solvable(self, without: int | None = None) -> tuple[FloatArray, FloatArray]:
        """``(floor, ceiling)`` ``[B, I]`` to solve in; [0, 1] on issues where it is empty.

        ``without``: the box with that actor's red lines and conditions left out.
        """
        floor, ceiling = self.floor, self.ceiling
        if without is not None:
            others = np.arange(self.low.shape[1]) != without
            floor = self.low[:, others].max(axis=1, initial=0.0)
            ceiling = self.high[:, others].min(axis=1, initial=1.0)
        empty = floor > ceiling + TOLERANCE
        middle = np.clip((floor + ceiling) / 2, 0.0, 1.0)
        # A box thinner than the tolerance is a point (a red line at the actor's own position).
        thin = ~empty & (floor > ceiling)
        floor = np.where(empty, 0.0, np.where(thin, middle, floor))
        ceiling = np.where(empty, 1.0, np.where(thin, middle, ceiling))
        return floor, ceiling


@register_model
@dataclass(frozen=True)
class NashModel:
    """Asymmetric multi-issue Nash bargaining solution within the players' red lines.

    Parameters
    ----------
    loss
        ``"quadratic"`` (default) or ``"linear"`` loss in each issue's distance.
    weights
        ``"capability"`` (w_i = c_i, Kalai 1977) or ``"equal"`` (the symmetric solution).
    iterations
        Newton steps per continuation level.
    """

    name: ClassVar[str] = "nash"
    summary: ClassVar[str] = (
        "asymmetric multi-issue Nash bargaining solution; red lines as constraints, "
        "no deal as disagreement"
    )
    citation: ClassVar[str] = (
        "Nash (1950); Kalai (1977); Schneider, Finke & Bailer (2010), Political Studies 58(1)"
    )
    traits: ClassVar[ModelTraits] = ModelTraits(multi_issue=True, kind="bargaining")

    loss: Literal["quadratic", "linear"] = "quadratic"
    weights: Literal["capability", "equal"] = "capability"
    iterations: int = 60

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Solve the Nash product for every draw; see the module docstring."""
        players_mask = self._players(problem)
        index = np.flatnonzero(players_mask)
        ideal = problem.position[:, index]
        salience = problem.salience[:, index]
        weight = (
            problem.capability[:, index]
            if self.weights == "capability"
            else np.ones((problem.draws, index.size))
        )
        # A player with no weight or no stake in any issue cannot gain or lose: it drops out.
        active = (weight > 0) & (salience.sum(axis=-1) > 0)
        weight = np.where(active, weight, 0.0)
        # Only ratios of weights matter; summing to one keeps Newton's steps well scaled for
        # tiny or huge capabilities (the ridge and tolerances are absolute).
        total = weight.sum(axis=-1, keepdims=True)
        weight = weight / np.where(total > 0, total, 1.0)
        worst = np.where(ideal < 0.5, 1.0, 0.0)
        reference = self._reference(problem, worst.shape)
        reference = np.where(np.isnan(reference), worst, reference)
        constrained = np.asarray(players_mask | problem.veto_players)
        box = _Box.of(problem, constrained)
        floor, ceiling = box.solvable()
        players = _Players(ideal, salience, weight, reference, worst, floor, ceiling)
        start = np.clip(weighted_mean(weight[:, :, None] * salience, ideal), floor, ceiling)

        threshold = _utility(players, reference, self.loss, 1e-6) - self._cost(problem, index)
        settlement, surplus = _maximise(players, threshold, start, self.loss, self.iterations)
        short = (surplus <= 0) & active
        outside, below = rejections(problem, settlement)
        rejected = (outside.any(axis=-1) | below) & constrained
        blocked = box.blockers | rejected
        blocked[:, index] |= short
        feasible: BoolArray = np.asarray(~blocked.any(axis=-1))
        shift = np.zeros((problem.draws, problem.n_actors, problem.n_issues))
        relax = [
            int(a)
            for a in np.flatnonzero(constrained)
            if np.any(box.low[:, a] > 0.0) or np.any(box.high[:, a] < 1.0)
        ]
        rows = np.flatnonzero(feasible)
        if relax and rows.size:
            relaxed = self._relaxed(
                _take(players, rows), box.take(rows), relax, threshold[rows], settlement[rows]
            )
            for block, a in enumerate(relax):
                shift[rows, a] = settlement[rows] - relaxed[block]
        binding: BoolArray = np.asarray(
            (np.abs(shift).max(axis=-1) > _BINDING_TOLERANCE) & feasible[:, None]
        )
        on_bound: BoolArray = (
            (np.abs(settlement[:, None, :] - box.low) < 1e-7) & (box.low > 0.0)
        ) | ((np.abs(settlement[:, None, :] - box.high) < 1e-7) & (box.high < 1.0))
        binding_issues = on_bound & binding[:, :, None]
        full_surplus = np.full((problem.draws, problem.n_actors), np.nan)
        full_surplus[:, index] = surplus
        trace = {
            "players": players_mask,
            "constrained": constrained,
            "surplus": full_surplus,
            "feasible": feasible,
            "blocked_by": blocked,
            "empty": box.empty,
            "outside": outside & constrained[None, :, None],
            "binding": binding,
            "binding_issues": binding_issues,
            "binding_shift": shift,
            "disagreement": self._disagreement(problem, index, reference),
            "scaled": ("disagreement",),
        }
        diagnostics = {
            "feasible_share": float(feasible.mean()),
            "players": [problem.actor_ids[i] for i in index],
            "binding": [
                f"{problem.actor_ids[a]}:{problem.issue_ids[d]}"
                for a, d in zip(*np.nonzero(binding_issues[0]), strict=True)
            ],
        }
        return Outcome(self.name, settlement, trace, diagnostics)

    def _relaxed(
        self,
        players: _Players,
        box: _Box,
        relax: list[int],
        threshold: FloatArray,
        settlement: FloatArray,
    ) -> list[FloatArray]:
        """Settlements with each listed actor's red lines and conditions left out.

        All variants are stacked on the draw axis and solved at once, warm-started from the
        settlement: a wider box keeps that point inside it.
        """
        count = len(relax)
        draws = settlement.shape[0]
        bounds_ = [box.solvable(without=a) for a in relax]
        stacked = dataclasses.replace(
            _repeat_blocks(players, count),
            floor=np.concatenate([floor for floor, _ in bounds_]),
            ceiling=np.concatenate([ceiling for _, ceiling in bounds_]),
        )
        start = np.clip(np.concatenate([settlement] * count), stacked.floor, stacked.ceiling)
        solved = _maximise(
            stacked,
            np.concatenate([threshold] * count),
            start,
            self.loss,
            self.iterations,
            _EPSILONS[4:],
        )[0]
        return [solved[block * draws : (block + 1) * draws] for block in range(count)]

    @staticmethod
    def _players(problem: Problem) -> BoolArray:
        if problem.party.any():
            return problem.party.copy()
        return np.asarray(problem.capability.max(axis=0) > 0)

    @staticmethod
    def _reference(problem: Problem, shape: tuple[int, ...]) -> FloatArray:
        """The no-deal outcome ``[B, P, I]`` (else the status quo; NaN where neither)."""
        outcome = problem.no_deal_outcome
        point = problem.status_quo if outcome is None else outcome
        point = np.where(np.isnan(point), problem.status_quo, point)
        return np.broadcast_to(point[:, None, :], shape)

    @staticmethod
    def _cost(problem: Problem, index: np.ndarray[tuple[int], np.dtype[np.intp]]) -> FloatArray:
        """``[B, P]`` each player's cost of no deal in the loss's units (0 where none)."""
        if problem.no_deal_cost is None:
            return np.zeros((problem.draws, index.size))
        cost = np.nan_to_num(problem.no_deal_cost[:, index], nan=0.0)
        # The scenario's utility is 1 − Σ s|x − p| / Σ s: a cost c there is c·Σ s in the loss.
        return np.asarray(cost * problem.salience[:, index].sum(axis=-1))

    @staticmethod
    def _disagreement(
        problem: Problem, index: np.ndarray[tuple[int], np.dtype[np.intp]], reference: FloatArray
    ) -> FloatArray:
        full = np.full((problem.draws, problem.n_actors, problem.n_issues), np.nan)
        full[:, index] = reference
        return full
