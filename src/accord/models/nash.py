"""The asymmetric, multi-issue Nash bargaining solution.

The settlement maximises the weighted Nash product over all issues at once,

    x* = argmax_x Σ_{i ∈ P} w_i log(U_i(x) − U_i(r_i)),   U_i(x) = −Σ_d s_id ℓ(x_d − x_id),

where P are the parties whose agreement the deal needs (actors with ``party: true``; every actor
with capability when none is marked), w_i their bargaining weights (capability by default),
ℓ the quadratic (default) or linear loss, and r_i actor i's disagreement point: its walk-away
point on an issue where one is given, else the issue's status quo, else the end of the scale
farthest from its position (so that, lacking either, the actor's constraint never binds).

The problem is concave. It is solved for every draw at once by damped Newton steps on a smooth
extension of the logarithm (linear-quadratic below a threshold ε that shrinks to 1e-10), so
it needs no feasible starting point; if no outcome gives every party more than its
disagreement point, the draw is reported infeasible, with the parties left short.

A party's disagreement point *binds* when relaxing it (setting it to that actor's worst outcome)
moves the settlement by more than 0.1 % of any issue's scale; the trace reports these shifts.

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2):155-162.
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
*Int. J. Game Theory* 6(3):129-133.
Schneider, G., Finke, D. & Bailer, S. (2010). Bargaining power in the European Union: an
evaluation of competing game-theoretic models. *Political Studies* 58(1):85-103.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike

_EPSILONS = tuple(10.0**-k for k in range(0, 11))
_STEPS = 0.5 ** np.arange(0, 30)
_BINDING_TOLERANCE = 1e-3


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


def _utility(players: _Players, point: FloatArray, loss: str, smooth: float) -> FloatArray:
    value, _, _ = _loss(point - players.ideal, loss, smooth)
    return -(players.salience * value).sum(axis=-1)


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
    return _Players(
        *(
            getattr(players, name)[rows]
            for name in ("ideal", "salience", "weight", "reference", "worst")
        )
    )


def _repeat(players: _Players, times: int) -> _Players:
    return _Players(
        *(
            np.repeat(getattr(players, name), times, axis=0)
            for name in ("ideal", "salience", "weight", "reference", "worst")
        )
    )


@register_model
@dataclass(frozen=True)
class NashModel:
    """Asymmetric multi-issue Nash bargaining solution with walk-away points.

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
        "asymmetric multi-issue Nash bargaining solution; walk-away points as disagreement"
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
        walk = problem.walk_away[:, index]
        status = np.broadcast_to(problem.status_quo[:, None, :], walk.shape)
        reference = np.where(np.isnan(walk), np.where(np.isnan(status), worst, status), walk)
        players = _Players(ideal, salience, weight, reference, worst)
        start = weighted_mean(weight[:, :, None] * salience, ideal)

        threshold = _utility(players, reference, self.loss, 1e-6)
        settlement, surplus = _maximise(players, threshold, start, self.loss, self.iterations)
        short = (surplus <= 0) & active
        feasible = ~short.any(axis=-1)
        shift = np.zeros((problem.draws, problem.n_actors, problem.n_issues))
        relax = [k for k in range(index.size) if not np.allclose(reference[:, k], worst[:, k])]
        if relax:
            relaxed = self._relaxed(players, relax, settlement)
            relaxed_settlement = relaxed.reshape(len(relax), problem.draws, -1)
            for block, k in enumerate(relax):
                shift[:, index[k]] = settlement - relaxed_settlement[block]
        binding = np.abs(shift).max(axis=-1) > _BINDING_TOLERANCE
        full_surplus = np.full((problem.draws, problem.n_actors), np.nan)
        full_surplus[:, index] = surplus
        blocked = np.zeros((problem.draws, problem.n_actors), dtype=bool)
        blocked[:, index] = short
        trace = {
            "players": players_mask,
            "surplus": full_surplus,
            "feasible": feasible,
            "blocked_by": blocked,
            "binding": binding & feasible[:, None],
            "binding_shift": shift,
            "disagreement": self._disagreement(problem, index, reference),
            "scaled": ("disagreement",),
        }
        diagnostics = {
            "feasible_share": float(feasible.mean()),
            "players": [problem.actor_ids[i] for i in index],
        }
        return Outcome(self.name, np.clip(settlement, 0.0, 1.0), trace, diagnostics)

    def _relaxed(self, players: _Players, relax: list[int], settlement: FloatArray) -> FloatArray:
        """Settlements with each listed player's disagreement point relaxed to its worst case.

        All variants are stacked on the draw axis and solved at once, warm-started from the
        settlement: relaxing a player only raises its surplus, so that point stays feasible.
        """
        count = len(relax)
        stacked = _Players(
            *(
                np.concatenate([getattr(players, name)] * count)
                for name in ("ideal", "salience", "weight", "reference", "worst")
            )
        )
        reference = stacked.reference.copy()
        draws = settlement.shape[0]
        for block, k in enumerate(relax):
            rows = slice(block * draws, (block + 1) * draws)
            reference[rows, k] = stacked.worst[rows, k]
        threshold = _utility(stacked, reference, self.loss, 1e-6)
        start = np.concatenate([settlement] * count)
        return _maximise(stacked, threshold, start, self.loss, self.iterations, _EPSILONS[4:])[0]

    @staticmethod
    def _players(problem: Problem) -> BoolArray:
        if problem.party.any():
            return problem.party.copy()
        return np.asarray(problem.capability.max(axis=0) > 0)

    @staticmethod
    def _disagreement(
        problem: Problem, index: np.ndarray[tuple[int], np.dtype[np.intp]], reference: FloatArray
    ) -> FloatArray:
        full = np.full((problem.draws, problem.n_actors, problem.n_issues), np.nan)
        full[:, index] = reference
        return full
