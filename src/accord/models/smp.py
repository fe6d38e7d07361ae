"""KTAB's Spatial Model of Politics (SMP), as KAPSARC's ``smpc`` runs it by default.

Actors hold positions on D issues at once. Each step, every actor estimates, from its own
perspective and with risk attitudes inferred from a probabilistic Condorcet election, what it
would gain by challenging each other actor (counting how third parties would side), targets the
best, and proposes a bargain that splits the difference weighted by salience² × probability².
Every actor then holds an election among its status quo and the bargains it is party to and
moves to the winner. Steps repeat until the total movement falls below 2 % of the first step's.

The port follows smpc's defaults: linear victory probabilities, conditional PCE, proportional
voting, deterministic transitions, BigR range Mid and adjustment OneThird, semi-committed third
parties, S2P2 bargains from the initiator only, ideals that track positions. It reproduces
smpc's per-step fractional changes, probabilities and positions to four decimals on KTAB's
reference cases (``tests/regression/test_smp_ktab.py``). Kernels live in
:mod:`accord.models.smp_kernels`.

References
----------
Wise, B., Lester, S. et al. (2015-2019). KTAB: Kinetic Theory of Agent Bargaining. KAPSARC,
github.com/KAPSARC/KTAB (the ``smpc`` application, ``examples/smp``).
Efird, B., Lester, S. & Wise, B. (2016). Analyzing coalitions in China's policy formulation.
*Journal of East Asian Studies* 16(3).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from accord.errors import InputError
from accord.models import smp_kernels as kernels
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.restricted import run_within_zone
from accord.models.smp_kernels import (
    BargainInterpolation,
    BigRAdjust,
    BigRRange,
    IntArray,
    PCEModel,
    ThirdPartyCommit,
    VictoryModel,
    VotingRule,
)
from accord.scenario.compile import FloatArray, Problem, RNGLike

_ELEMENT_BUDGET = 1 << 20  # elements of one [B, N, N, N] temporary per chunk of draws
_MOVE_FLOOR = 1e-4  # smpc's minSigDelta: guards the first step's movement against 0/0

_CHOICES: dict[str, tuple[str, ...]] = {
    "victory_model": kernels.VICTORY_MODELS,
    "pce_model": kernels.PCE_MODELS,
    "voting_rule": kernels.VOTING_RULES,
    "big_r_range": kernels.BIG_R_RANGES,
    "big_r_adjust": kernels.BIG_R_ADJUSTS,
    "third_party_commit": kernels.THIRD_PARTY_COMMITS,
    "bargain_interpolation": kernels.BARGAIN_INTERPOLATIONS,
}


@register_model
@dataclass(frozen=True)
class SMPModel:
    """KTAB's multi-dimensional Spatial Model of Politics with smpc's default settings.

    Parameters
    ----------
    victory_model
        How coalition strengths become victory odds: ``linear`` (smpc), ``square``,
        ``quartic``, ``octic`` or ``binary``.
    pce_model
        Probabilistic Condorcet election: ``conditional`` (smpc), ``markov_incentive`` or
        ``markov_uniform``.
    voting_rule
        How utility differences become votes: ``proportional`` (smpc), ``binary``,
        ``prop_bin``, ``prop_cubic``, ``cubic`` or ``asym_prospect``.
    big_r_range
        Range of inferred risk attitudes: ``mid`` (smpc, [−1/2, 1]), ``min`` or ``max``.
    big_r_adjust
        How an actor anchors its estimate of another's risk attitude on its own:
        ``one_third`` (smpc, (2 R_h + R_i)/3), ``two_thirds``, ``half``, ``full``, ``none``.
    third_party_commit
        ``semi`` (smpc); under ``full`` or ``none`` KTAB's third-party votes cancel.
    bargain_interpolation
        ``s2p2`` (smpc: weights salience² × probability²), ``s1p1`` or ``s2pmax``.
    max_steps
        Stop after this many steps (smpc: 100).
    min_steps
        Never stop on the tolerance before this many steps (smpc: 2).
    stop_tolerance
        Stop once a step's movement is below this fraction of the first step's (smpc: 0.02).
    position_tolerance
        Positions closer than this (Euclidean, on [0, 1]) count as one (smpc: 1e-3).
    chunk_size
        Draws processed together; ``None`` picks a size that bounds memory by N.

    Notes
    -----
    Trace (``Outcome.trace``), with T = steps + 1 states including the initial one; a draw
    that stops early repeats its final state:

    * ``positions`` ``[B, T, A, D]`` on [0, 1];
    * ``fractional_change`` ``[B, T]``: Σ_a ||x_a(t) − x_a(t−1)|| / (that of step 1 + 1e-4),
      the number smpc prints each step; NaN at t = 0 and after a draw has stopped;
    * ``probabilities`` ``[B, T, A]``: the probability that each actor's position wins.
      Coinciding actors (within ``position_tolerance``) share one unique position and each
      reports its probability, so a row can sum to more than 1, as in smpc's log;
    * ``most_likely`` ``[B, D]``: the most probable position of the final state.

    ``settlement`` is the probability-weighted mean of the final state's unique positions;
    ``diagnostics["steps"]`` ``[B]`` counts the steps each draw ran.

    Where smpc is undefined or decided by floating-point noise, the port is deterministic
    instead: risk attitudes are neutral when every position is equally likely (smpc divides by
    zero); zero capabilities are allowed (smpc refuses them); coalition strengths that differ
    by round-off only (< 1e-12 of all votes) are made equal, and targets or bargains within
    1e-10 (relative) of the best count as tied, so that symmetric actors tie exactly and
    smpc's queue order decides. None of this changes KTAB's reference cases.
    """

    name: ClassVar[str] = "smp"
    summary: ClassVar[str] = "KTAB spatial model of politics: challenges, bargains, PCE (smpc)"
    citation: ClassVar[str] = (
        "Wise, B., Lester, S. et al. (2015-2019), KTAB: Kinetic Theory of Agent Bargaining, "
        "KAPSARC, github.com/KAPSARC/KTAB"
    )
    # Honest traits. KTAB adds absolute floors to coalition strengths (1e-8 in elections,
    # 1e-10 in challenges) that do not scale with capability, so with small capabilities, or
    # near convergence where utility differences are tiny, scaling every capability changes
    # elections (KTAB's reference cases are unchanged to 1e-7 for factors 0.01-100, not for
    # 1e-4). Bargains are rounded to four decimals, so positions, and so the settlement, can
    # step up to 5e-5 outside the range of the initial positions. Ties and KTAB's greedy
    # grouping of positions within 1e-3 follow actor order, so reordering actors can shift
    # the result by up to ~1e-3. A zero-capability actor still moves, is a candidate in every
    # election and can be targeted, so it is not inert.
    traits: ClassVar[ModelTraits] = ModelTraits(
        multi_issue=True,
        stays_in_range=False,
        capability_scale_invariant=False,
        order_invariant=False,
        zero_capability_inert=False,
    )

    victory_model: VictoryModel = "linear"
    pce_model: PCEModel = "conditional"
    voting_rule: VotingRule = "proportional"
    big_r_range: BigRRange = "mid"
    big_r_adjust: BigRAdjust = "one_third"
    third_party_commit: ThirdPartyCommit = "semi"
    bargain_interpolation: BargainInterpolation = "s2p2"
    max_steps: int = 100
    min_steps: int = 2
    stop_tolerance: float = 0.02
    position_tolerance: float = 1e-3
    chunk_size: int | None = None
    within_zone: bool = False
    """Hold positions and the settlement inside the veto players' red lines (docs/zone.md)."""

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Run smpc's bargaining dynamics to convergence in every draw of ``problem``."""
        if self.within_zone:
            return run_within_zone(dataclasses.replace(self, within_zone=False), problem, rng)
        self._check()
        count = problem.n_actors
        size = self.chunk_size or max(1, _ELEMENT_BUDGET // max(1, count**3))
        pieces = [
            self._run_chunk(
                problem.position[start : start + size],
                problem.salience[start : start + size],
                problem.capability[start : start + size],
            )
            for start in range(0, problem.draws, size)
        ]
        length = max(piece["positions"].shape[1] for piece in pieces)
        trace: dict[str, Any] = {
            key: np.concatenate([_pad(piece[key], length, key) for piece in pieces])
            for key in ("positions", "fractional_change", "probabilities")
        }
        trace["most_likely"] = np.concatenate([piece["most_likely"] for piece in pieces])
        settlement = np.concatenate([piece["settlement"] for piece in pieces])
        steps = np.concatenate([piece["steps"] for piece in pieces])
        return Outcome(self.name, settlement, trace, {"steps": steps})

    def _check(self) -> None:
        for field_name, choices in _CHOICES.items():
            value = getattr(self, field_name)
            if value not in choices:
                raise InputError.single(
                    None,
                    f"unknown {field_name} {value!r} for model 'smp'",
                    path=("model", "smp", field_name),
                    value=value,
                    hint=f"use one of: {', '.join(choices)}",
                )
        if self.max_steps < 1 or self.min_steps < 1:
            raise InputError.single(
                None,
                "max_steps and min_steps must be at least 1",
                path=("model", "smp", "max_steps"),
                value=(self.max_steps, self.min_steps),
                hint="smpc uses max_steps=100, min_steps=2",
            )
        if self.chunk_size is not None and self.chunk_size < 1:
            raise InputError.single(
                None,
                "chunk_size must be at least 1",
                path=("model", "smp", "chunk_size"),
                value=self.chunk_size,
                hint="leave it unset (None) to size chunks automatically",
            )

    def _assess(
        self, position: FloatArray, salience: FloatArray, capability: FloatArray
    ) -> kernels.Assessment:
        return kernels.assess(
            position,
            salience,
            capability,
            self.voting_rule,
            self.victory_model,
            self.pce_model,
            self.big_r_range,
            self.big_r_adjust,
            self.position_tolerance,
        )

    def _step(
        self,
        position: FloatArray,
        salience: FloatArray,
        capability: FloatArray,
        state: kernels.Assessment,
    ) -> FloatArray:
        """One smpc step: targets, bargains, and every actor's resolution."""
        salience_total = salience.sum(axis=-1)
        gain, probability = kernels.challenges(
            state.distance,
            state.curvature,
            state.perceived,
            salience_total * capability,
            salience_total,
            self.voting_rule,
            self.third_party_commit,
        )
        target, has_target = kernels.choose_targets(gain)
        actors = np.arange(position.shape[1])
        target = np.where(has_target, target, actors)
        chance = np.take_along_axis(probability, target[..., None], axis=-1)[..., 0]
        initiator, receiver = kernels.bargains(
            position, salience, target, chance, self.bargain_interpolation
        )
        return kernels.resolve(
            position,
            salience,
            capability,
            state.risk,
            state.own_utility,
            target,
            has_target,
            initiator,
            receiver,
            self.voting_rule,
            self.victory_model,
            self.pce_model,
        )

    def _run_chunk(
        self, position: FloatArray, salience: FloatArray, capability: FloatArray
    ) -> dict[str, Any]:
        batch = position.shape[0]
        ids: IntArray = np.arange(batch)
        current = np.array(position, dtype=np.float64)
        salience = np.asarray(salience, dtype=np.float64)
        capability = np.asarray(capability, dtype=np.float64)
        state = self._assess(current, salience, capability)
        full_position = current.copy()
        full_probability = state.actor_probability.copy()
        positions = [full_position]
        probabilities = [full_probability]
        changes = [np.full(batch, np.nan)]
        final_option = np.zeros_like(full_probability)
        steps = np.zeros(batch, dtype=np.intp)
        first_move = np.zeros(batch)
        step = 0
        while ids.size:
            step += 1
            moved = self._step(current, salience[ids], capability[ids], state)
            movement = np.sqrt(((moved - current) ** 2).sum(axis=-1)).sum(axis=-1)
            if step == 1:
                first_move = movement
            ratio = movement / (first_move + _MOVE_FLOOR)
            state = self._assess(moved, salience[ids], capability[ids])
            full_position = full_position.copy()
            full_position[ids] = moved
            full_probability = full_probability.copy()
            full_probability[ids] = state.actor_probability
            change = np.full(batch, np.nan)
            change[ids] = ratio
            positions.append(full_position)
            probabilities.append(full_probability)
            changes.append(change)
            done = (step >= self.max_steps) | (
                (step >= self.min_steps) & (ratio < self.stop_tolerance)
            )
            final_option[ids[done]] = state.option_probability[done]
            steps[ids[done]] = step
            keep = ~done
            ids, current, first_move = ids[keep], moved[keep], first_move[keep]
            state = state.take(keep)
        final = positions[-1]
        settlement = np.einsum("ba,bad->bd", final_option, final)
        best = np.argmax(final_option, axis=1)
        return {
            "positions": np.stack(positions, axis=1),
            "fractional_change": np.stack(changes, axis=1),
            "probabilities": np.stack(probabilities, axis=1),
            "most_likely": np.take_along_axis(final, best[:, None, None], axis=1)[:, 0, :],
            "settlement": settlement,
            "steps": steps,
        }


def _pad(array: FloatArray, length: int, key: str) -> FloatArray:
    """Extend the step axis (axis 1) to ``length``: repeat the last state, NaN for changes."""
    missing = length - array.shape[1]
    if missing <= 0:
        return array
    if key == "fractional_change":
        filler = np.full((array.shape[0], missing), np.nan)
    else:
        filler = np.repeat(array[:, -1:], missing, axis=1)
    return np.concatenate([array, filler], axis=1)
