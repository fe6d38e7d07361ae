"""Stokman's exchange model: actors trade issues, round by round (equal-gain variant).

Two actors who stand on opposite sides of the expected outcome on two issues, and who care
about the two issues in different proportions, can both gain by trading: each gives ground on
the issue it cares less about and gains on the one it cares more about (vote trading, Coleman's
logic). Per round:

1. Expected outcome of each issue d: the capability × salience weighted mean
   O_d = Σ_i c_i s_id x_id / Σ_i c_i s_id (positions on [0, 100] as in the reference).
2. Every pair of actors on opposite sides of O_p and of O_q, with s_ip/s_iq > s_jp/s_jq, is a
   potential exchange: i (who cares relatively more about p) moves on q toward j, and j moves
   on p toward i.
3. Equal gain. If j moves all the way to x_ip, the outcome of p shifts by
   Δp = |x_ip − x_jp| c_jp s_jp / Σ c s; the shift of q that gives both the same gain,
   Δq = Δp (s_ip + s_jp)/(s_iq + s_jq), needs i to move Δq Σ c s / (c_iq s_iq). If that is
   more than the distance to x_jq, i moves all the way instead and j's move is scaled down. The
   gain is G = s_ip Δp − s_iq Δq = s_jq Δq − s_jp Δp (the same for both). A move that would
   push an outcome past the demanding partner's own position is cut to reach it exactly, and the
   partner's move rescaled.
4. The exchange with the highest gain is carried out; every other exchange that shares an actor
   and issue with it is recalculated from the new voting positions (or dropped when it no longer
   pays, when an actor would have to move back, or when a move is tiny); repeat until none is
   left.
5. After the round each actor that traded votes its new position y; its position for the next
   round moves part of the way: x' = x + (0.1 + 0.4 (1 − s)) (y − x) (the reference's
   ``new_start_position``; the two weights are parameters).

Rounds repeat until no exchange pays or ``max_rounds`` is reached. The forecast of each issue is
the capability × salience weighted mean of the final positions, as the reference reports it.

Every exchange is recorded (round, actors, issues, positions before and after, gain) with its
externalities: what it does to each third actor, Σ over the two issues of
s_kd (|O_d − x_kd| − |O'_d − x_kd|), positive when an outcome moves toward the actor.

Reference implementation. The open Decide exchange model (PyPI ``decide-exchange-model``
2022.1.28, GPL-3.0, used here only as an outside program for tests and benchmarks) defines the
details; this module follows it, including its bookkeeping within a round: an exchange sees
another's moves only where that exchange involved one of its own actors on the issue it demands;
an actor that already moved on its supply issue may not move back; a move that would end
outside the scale is invalid. Its random-rate variant (``RandomRateModel``) does not run in
that release (it reads attributes that no longer exist), so only the equal-gain variant is
offered; its randomized equal gain (``-p``) and its random choice among exact ties are not
reproduced.

Departures, all on knife edges. The reference breaks exact ties between exchanges at random;
here, gains within 1e-9 (on [0, 100]) go to the first candidate in a canonical order (issue
pairs in order, then actors sorted by their positions, saliences and capability), so results
do not depend on the order of actors. An actor within 1e-9 of an outcome counts as on its low
side (the reference: exactly at or below), and an outcome within 1e-9 of a partner's position
counts as at it, so the move is not cut (the exact rule; in the reference, its rounding
decides). Saliences are on [0, 1]; the reference reads its CSV saliences unscaled, so it must
be given [0, 1] saliences too (with 0-100 saliences its start-position rule leaves the scale).
The reference works in ``decimal.Decimal``, this module in float64: they agree to about 1e-12.

Traits. Moves go toward partners' positions and the next round's positions lie between the old
position and the voting position, so positions stay in their initial range; if every actor holds
the same position nobody is on opposite sides and nothing moves. Capabilities enter as ratios,
and an actor with zero capability cannot move an outcome, so it gains nothing from an exchange
and never trades (``zero_capability_inert``).

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented
model of policy networks. In Bueno de Mesquita & Stokman (eds.), *European Community Decision
Making*, Yale UP, 105-127.
Stokman, F. N. & Van den Bos, J. M. M. (1992). A two-stage model of policymaking with an
empirical test in the U.S. energy-policy domain. In Moore & Whitt (eds.), *The Political
Consequences of Social Networks*, JAI Press, 219-253.
Draaijer, J. & Stokman, F. N. Decide exchange model, https://github.com/foarsitter/decide-exchange-model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.models.exchange_kernels import SCALE, Candidates, IntArray, Realized, exchange_round
from accord.scenario.compile import FloatArray, Problem, RNGLike

CHUNK_ELEMENTS = 1 << 23
"""Draws are processed in chunks of about this many ``E × 2A`` elements (64 MiB at most, for
the candidates' record of others' moves, allocated only for the candidates that can trade)."""


@register_model
@dataclass(frozen=True)
class ExchangeModel:
    """Stokman's exchange model, equal-gain variant, as the Decide reference implements it.

    Parameters
    ----------
    max_rounds
        Rounds at most (10, the reference's default); rounds stop early when no exchange pays.
    salience_weight, fixed_weight
        After a round an actor's position moves toward its voting position by
        ``fixed_weight + salience_weight × (1 − salience)`` of the way (0.4 and 0.1 in the
        reference).

    Notes
    -----
    ``Outcome.trace``: ``positions`` ``[B, T, A, I]`` (round 0 the input, then the positions
    after each round), ``voting`` ``[B, T, A, I]`` (the voting positions after each round's
    exchanges), ``mean`` and ``voting_mean`` ``[B, T, I]`` (the weighted means of both),
    ``series = ("mean", "voting_mean")``, ``externality`` ``[B, A]`` (the sum over all
    exchanges of each actor's externalities, own gains excluded), ``gain`` ``[B, A]`` (each
    actor's own gains), and ``exchanges``: for draw 0, every exchange in order as a dict
    ``{"round", "i", "j", "i_issue", "j_issue", "i_from", "i_to", "j_from", "j_to", "gain",
    "externalities"}`` where ``i`` moves on ``i_issue`` (toward ``j``) and ``j`` on
    ``j_issue``, positions on [0, 1], and ``externalities`` maps every other actor to its
    externality. Gains and externalities are in salience × [0, 1]-position units.
    ``Outcome.diagnostics``: ``rounds`` (T − 1), ``rounds_run`` ``[B]`` (rounds with at least
    one exchange) and ``exchanges`` ``[B]`` (how many were carried out).
    """

    name: ClassVar[str] = "exchange"
    summary: ClassVar[str] = (
        "Stokman's exchange model: pairs of actors trade issues with equal gains, round by round"
    )
    citation: ClassVar[str] = (
        "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community "
        "Decision Making; Stokman & Van den Bos (1992); the Decide exchange model"
    )
    traits: ClassVar[ModelTraits] = ModelTraits(multi_issue=True, default=False)

    max_rounds: int = 10
    salience_weight: float = 0.4
    fixed_weight: float = 0.1

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Run the rounds for every draw (``rng`` is unused: the model is deterministic)."""
        self._check()
        draws, actors, issues = problem.position.shape
        candidates = Candidates.build(actors, issues)
        chunk = max(1, CHUNK_ELEMENTS // max(1, candidates.size * 2 * actors))
        runs = [
            self._simulate(problem.take(slice(start, start + chunk)), candidates)
            for start in range(0, draws, chunk)
        ]
        length = max(run["positions"].shape[1] for run in runs)
        positions = np.concatenate([_pad(run["positions"], length) for run in runs])
        voting = np.concatenate([_pad(run["voting"], length) for run in runs])
        weight = problem.capability[:, None, :, None] * problem.salience[:, None, :, :]
        weight = np.broadcast_to(weight, positions.shape).reshape(-1, actors, issues)
        mean = weighted_mean(weight, positions.reshape(-1, actors, issues))
        voting_mean = weighted_mean(weight, voting.reshape(-1, actors, issues))
        trace: dict[str, Any] = {
            "positions": positions,
            "voting": voting,
            "mean": mean.reshape(draws, length, issues),
            "voting_mean": voting_mean.reshape(draws, length, issues),
            "series": ("mean", "voting_mean"),
            "scaled": ("voting",),
            "externality": np.concatenate([run["externality"] for run in runs]),
            "gain": np.concatenate([run["gain"] for run in runs]),
            "exchanges": runs[0]["records"],
        }
        diagnostics = {
            "rounds": length - 1,
            "rounds_run": np.concatenate([run["rounds_run"] for run in runs]),
            "exchanges": np.concatenate([run["count"] for run in runs]),
        }
        settlement = trace["mean"][:, -1, :]
        return Outcome(self.name, settlement, trace, diagnostics)

    def _check(self) -> None:
        problems: list[tuple[str, object, str]] = []
        if self.max_rounds < 0:
            problems.append(("max_rounds", self.max_rounds, "use a non-negative number"))
        for name in ("salience_weight", "fixed_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                problems.append((name, value, "use a share in [0, 1]"))
        if self.salience_weight + self.fixed_weight > 1.0:
            problems.append(
                (
                    "salience_weight",
                    self.salience_weight,
                    "salience_weight + fixed_weight must not exceed 1",
                )
            )
        if problems:
            field, value, hint = problems[0]
            raise InputError.single(
                None,
                f"invalid exchange parameter {field}={value!r}",
                path=("model", "exchange", field),
                value=value,
                hint=hint,
            )

    def _simulate(self, problem: Problem, candidates: Candidates) -> dict[str, Any]:
        """Run the rounds for one chunk of draws, in a canonical order of actors."""
        draws, actors, _ = problem.position.shape
        issues = range(problem.n_issues - 1, -1, -1)
        keys = [
            problem.capability,
            *[problem.salience[:, :, d] for d in issues],
            *[problem.position[:, :, d] for d in issues],
        ]
        order = np.lexsort(keys, axis=-1)
        back = np.argsort(order, axis=1)
        capability = np.take_along_axis(problem.capability, order, axis=1)
        salience = np.take_along_axis(problem.salience, order[:, :, None], axis=1)
        x = np.take_along_axis(problem.position, order[:, :, None], axis=1) * SCALE
        states, votes = [x], [x]
        externality = np.zeros((draws, actors))
        gain = np.zeros((draws, actors))
        rounds_run = np.zeros(draws, dtype=np.intp)
        count = np.zeros(draws, dtype=np.intp)
        still = np.ones(draws, dtype=bool)
        records: list[dict[str, Any]] = []
        for step in range(1, self.max_rounds + 1):
            result = exchange_round(
                x,
                capability,
                salience,
                candidates,
                salience_weight=self.salience_weight,
                fixed_weight=self.fixed_weight,
            )
            traded = np.zeros(draws, dtype=bool)
            for done in result.exchanges:
                traded |= done.done
                count += done.done
                own = done.externality * _own_mask(done, actors)
                gain += own
                externality += done.externality - own
                if done.done[0]:
                    records.append(_record(done, step, order[0], problem))
            still &= traded
            rounds_run += still
            x = result.position
            states.append(x)
            votes.append(result.voting)
            if not traded.any():
                break

        def restore(stack: list[FloatArray]) -> FloatArray:
            array = np.stack(stack, axis=1) / SCALE  # [B, T, A, I]
            return np.take_along_axis(array, back[:, None, :, None], axis=2)

        return {
            "positions": restore(states),
            "voting": restore(votes),
            "externality": np.take_along_axis(externality, back, axis=1) / SCALE,
            "gain": np.take_along_axis(gain, back, axis=1) / SCALE,
            "rounds_run": rounds_run,
            "count": count,
            "records": records,
        }


def _own_mask(done: Realized, actors: int) -> FloatArray:
    index = np.arange(actors)[None, :]
    own = (index == done.i[:, None]) | (index == done.j[:, None])
    mask: FloatArray = own.astype(np.float64)
    return mask


def _record(done: Realized, step: int, order: IntArray, problem: Problem) -> dict[str, Any]:
    """One exchange of draw 0, in the problem's own actor order and on [0, 1]."""
    actor_ids = problem.actor_ids
    issue_ids = problem.issue_ids
    i, j = int(order[done.i[0]]), int(order[done.j[0]])
    others = {
        actor_ids[int(order[k])]: float(done.externality[0, k]) / SCALE
        for k in range(len(actor_ids))
        if int(order[k]) not in (i, j)
    }
    return {
        "round": step,
        "i": actor_ids[i],
        "j": actor_ids[j],
        "i_issue": issue_ids[int(done.q[0])],
        "j_issue": issue_ids[int(done.p[0])],
        "i_from": float(done.start_i[0]) / SCALE,
        "i_to": float(done.y_i[0]) / SCALE,
        "j_from": float(done.start_j[0]) / SCALE,
        "j_to": float(done.y_j[0]) / SCALE,
        "gain": float(done.gain[0]) / SCALE,
        "externalities": dict(sorted(others.items())),
    }


def _pad(trajectory: FloatArray, length: int) -> FloatArray:
    """Pad a ``[B, T, ...]`` trajectory to ``length`` rounds with its last state."""
    if trajectory.shape[1] >= length:
        return trajectory
    padding = np.repeat(trajectory[:, -1:], length - trajectory.shape[1], axis=1)
    return np.concatenate([trajectory, padding], axis=1)
