"""Bueno de Mesquita's expected-utility model (EUM), as reconstructed by Scholz et al. (2011).

Each issue is bargained alone. In every round each actor i weighs, against every other actor j,
what it expects from challenging j and what it believes j expects from challenging it; from the
signs and sizes of these expected utilities come offers (conflict, compromise, capitulation),
each actor accepts one offer, and all accepted moves apply at once. The forecast is read off the
trajectory of positions (by default the capability × salience weighted median after the last
round, averaged over the terminal cycle when the trajectory has not settled). Notation as in
``references/models.md`` §4: positions x, saliences s, capabilities c, w = c·s, R the range of
positions, d_ij = |x_i − x_j| / R.

One round, shared by both variants:

1. Support. Actor k's support for i against j is w_k [f_k(|x_k − x_j|) − f_k(|x_k − x_i|)],
   with f_k(δ) = (δ/R)^{r_k} (``scholz-code``) or δ/R (``paper``); N_ij sums the positive parts
   over k, and P_ij, the probability that i beats j, normalises N_ij.
2. Risk (``risk=True``). With every exponent set to 1, actor i's exposure is
   Sec_i = Σ_{j≠i} E_j(U_ji); R_i = (2 Sec_i − max Sec − min Sec)/(max Sec − min Sec) and
   r_i = (1 − R_i/3)/(1 + R_i/3) ∈ [0.5, 2] (1 for everyone when all Sec_i are equal).
3. Utilities (exponent r_i): U_s = 2 − 4[0.5 − 0.5 d_ij]^r, U_f = 2 − 4[0.5 + 0.5 d_ij]^r,
   U_sq = 2 − 4·0.5^r, U_b/U_w = 2 − 4[0.5 ∓ 0.25(|x_i − μ|/R + d_ij)]^r with μ the weighted
   median; T_ij = 1 when moving j toward μ brings it closer to i.
4. Expected utility of i challenging j:
   E_i(U_ij) = s_j(P_ij U_s + (1 − P_ij) U_f) + (1 − s_j) U_s − q U_sq
   − (1 − q)(T_ij U_b + (1 − T_ij) U_w).
5. Offers, seen by the actor i that would move (a = i's expected utility of challenging j,
   b = j's of challenging i): b > a > 0 → conflict, i moves to x_j; b > 0 > a and b > |a| →
   compromise, i moves to x_i + (x_j − x_i)|a/b|; b > 0 > a and b ≤ |a| → capitulation, i moves
   to x_j (``paper`` only); otherwise nothing.

The variants differ where the paper's equations and its authors' code differ:

* ``"paper"`` (Scholz, Calbert & Smith 2011, appendix): P_ij = N_ij/(N_ij + N_ji) with linear
  f; R is the current range of positions each round; b = E_j(U_ji) in j's own terms (r_j);
  each actor takes a conflict if it has one, else a compromise, else a capitulation, and within
  the kind the offer that moves it least.
* ``"scholz-code"`` (default): the behaviour of the authors' code that produced their Table 2:
  R fixed from the initial positions; f uses each voter's own risk exponent r_k;
  P_ij = N_ij / Σ_{a,b,k} |support of k for a over b| = N_ij / (2 Σ_ab N_ab), so the
  probabilities of all ordered pairs sum to at most ½; b is i's estimate of j's expected
  utility, in i's terms (exponent r_i and salience s_i); there is no capitulation; among
  conflicts an actor takes the nearest, among compromises the smallest
  (|a| x_i + |b| x_j)/(|a| + |b|) (the code's rule, which favours moves toward the low end).

The default is ``"scholz-code"`` because it is the one that reproduces published numbers: on
the EC car-emission case (Bueno de Mesquita 1994) it matches ``emission_rounds_reference.csv``
for every actor and round 0-10 and Table 2 of Scholz et al. in 7 of 8 median rounds and all 8
mean rounds (within 0.1). The ``"paper"`` equations do not reproduce Table 2:

=====  ============  ===========  ===========  ============  ===========  ===========
round  Table 2 med.  paper med.   code med.    Table 2 mean  paper mean   code mean
=====  ============  ===========  ===========  ============  ===========  ===========
1      8.4           7.000        8.416        7.4           7.518        7.461
2      9.9           7.000        9.611        7.5           7.833        7.553
3      9.9           7.000        9.962        7.6           7.384        7.590
4      9.9           7.000        9.962        7.3           7.026        7.358
5      9.9           7.000        9.962        7.3           7.163        7.349
6      7.4           7.000        7.472        7.4           7.026        7.415
7      8.8           7.000        8.825        7.5           7.163        7.511
8      9.6           7.000        9.671        7.6           7.026        7.572
=====  ============  ===========  ===========  ============  ===========  ===========

Why the paper variant differs: with the pairwise normalisation P_ij is of order ½, so both sides
of most pairs expect to gain from a challenge and almost every offer is a conflict; in round 1
eight of ten actors jump to another actor's position and the weighted median stays at 7 for
good. Switching variant elements one at a time on this case shows that the code's global
normalisation of P is necessary for any round to match (without it the median is 7.0 in all 8
rounds); adding the receiver's-view offers and the code's compromise rule brings 6 rounds, and
the per-voter exponents in P the seventh; the fixed R and the absence of capitulation make no
difference here. Round 2 (9.61 against 9.9) is not matched by either variant.

Traits. Moves go toward other actors' positions (fully, or by a fraction |a/b| < 1), so
positions never leave their initial range and the forecast stays in range; if all actors agree
nothing moves. Capabilities enter only through w in ratios, so scaling them all changes nothing.
A zero-capability actor casts no support, but it is still a party to offers: others may move to
its position and it may move, so it can change the outcome (``zero_capability_inert=False``).
Decisions compare expected utilities with a tolerance of 1e-12 and break exact ties by the lower
landing position, then the lower challenger index, so results do not depend on actor order or
on an increasing affine change of scale (checked on 1,500 random problems per variant).
Reversing a scale is not a symmetry: the code's compromise rule favours the low end, and ties
(including the lower weighted median) go to the lower position.

Degenerate input: all actors at one position (R = 0) → nothing moves; P is 0 (``scholz-code``)
or ½ (``paper``) when no actor carries any weight; the weighted median and mean fall back to
equal weights when every c·s is zero.

Computation (:mod:`accord.models.eum_kernels`). All draws (and issues) of a chunk go through
a round together, draws last; with actors sorted, k supports i against j exactly when it is on
i's side of their midpoint, so each N_ij is a difference of prefix sums over voters (O(A²) per
draw, not O(A³)). In ``scholz-code`` with q = 1, a_ij and b_ij differ only in s_j (1 − P_ij)
against s_i (1 − P_ji), so only the orientation of each pair with the larger one can carry an
offer (exactly, since rounding is monotone) and the other is skipped; offers are then listed
and each actor's best taken sparsely. Powers are taken as exp(r log x), with bases below 1e-150
raised as 1e-150 (so 0^r is at most 1e-75, not 0), which keeps NumPy's vectorised exp and log
on their fast path. A draw's result depends only on that draw: batching and chunking change
nothing, bit for bit; against a plain one-draw-at-a-time implementation results agree to
rounding (7e-13 on the emission case). Actors with the same position, capability and salience
get bit-identical sums, so they stay together and exact ties go by the rules above. 10,000
draws of the emission case, 10 rounds: about 0.18 s (``benchmarks/bench_eum.py``).

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 71-104.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de Mesquita's group
decision model. *J. Theoretical Politics* 23(4):510-531 (also ICAART 2011).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.models.eum_kernels import Variant, bargaining_kernel, median, normalised
from accord.models.restricted import run_within_zone
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike

IntArray = npt.NDArray[np.intp]
Forecast = Literal["cycle-mean", "median", "mean", "average-median"]

CYCLE_TOLERANCE = 1e-9
"""Two states repeat when no actor's position (on [0, 1]) differs by more than this."""

CHUNK_ELEMENTS = 1 << 17
"""Draws are processed in chunks of about this many ``A² × B`` elements (1 MiB per array)."""

KINDS = ("conflict", "compromise", "capitulation")
"""Offer kinds, in order of preference; codes 1, 2, 3 in :class:`RoundResult`."""


class RoundResult(NamedTuple):
    """One round for a batch of draws of one issue.

    Attributes
    ----------
    position : FloatArray
        ``[B, A]`` positions after the round.
    kind : IntArray
        ``[B, A]`` 0 if the actor did not move, else 1 conflict, 2 compromise, 3 capitulation.
    challenger : IntArray
        ``[B, A]`` index of the actor whose offer was accepted (the actor itself if none was).
    exponent : FloatArray
        ``[B, A]`` the risk exponents r_i used in the round.
    """

    position: FloatArray
    kind: IntArray
    challenger: IntArray
    exponent: FloatArray


def bargaining_round(
    position: npt.ArrayLike,
    capability: npt.ArrayLike,
    salience: npt.ArrayLike,
    *,
    span: npt.ArrayLike | None = None,
    variant: Variant = "scholz-code",
    q: float = 1.0,
    risk: bool = True,
) -> RoundResult:
    """One EUM round on one issue for a batch of draws (``[B, A]`` arrays).

    Parameters
    ----------
    position, capability, salience
        ``[B, A]`` (or ``[A]``) positions, capabilities and saliences.
    span
        ``[B]`` the range R kept fixed by ``scholz-code`` (default, and at least: the range of
        ``position``); ``paper`` always uses the current range.
    variant, q, risk
        As in :class:`ExpectedUtilityModel`.

    Returns
    -------
    RoundResult
        Positions after the round, the kind of offer each actor accepted and from whom, and
        the risk exponents, each ``[B, A]``.
    """
    x = np.atleast_2d(np.asarray(position, dtype=np.float64))
    capability_array = np.broadcast_to(np.asarray(capability, dtype=np.float64), x.shape)
    salience_array = np.broadcast_to(np.asarray(salience, dtype=np.float64), x.shape)
    fixed = np.zeros(x.shape[0]) if span is None else np.asarray(span, dtype=np.float64)
    weight = normalised(np.ascontiguousarray((capability_array * salience_array).T))
    moved, kind, challenger, exponent, _ = bargaining_kernel(
        np.ascontiguousarray(x.T),
        weight,
        np.ascontiguousarray(salience_array.T),
        np.broadcast_to(fixed, x.shape[:1]),
        variant,
        q,
        risk,
        x.shape[0],
    )
    return RoundResult(
        np.ascontiguousarray(moved.T),
        np.ascontiguousarray(kind.T),
        np.ascontiguousarray(challenger.T),
        np.ascontiguousarray(exponent.T),
    )


class _ChunkRun(NamedTuple):
    trajectory: FloatArray  # [n, T_run + 1, A] for n (draw, issue) rows
    median: FloatArray  # [n, T_run + 1] weighted medians (read off each round's sort)
    rounds_run: IntArray  # [n] rounds in which something moved, before the first still round
    converged: BoolArray  # [n]
    kinds: list[IntArray]  # per round, [A, k] for the chunk's first k rows that belong to draw 0
    challengers: list[IntArray]


@register_model
@dataclass(frozen=True)
class ExpectedUtilityModel:
    """Bueno de Mesquita's expected-utility model, issue by issue (Scholz et al. 2011).

    Parameters
    ----------
    variant
        ``"scholz-code"`` (default; reproduces Scholz et al.'s Table 2 as their code does) or
        ``"paper"`` (the equations of their appendix); see the module docstring.
    q
        Probability Q that the status quo holds if i does not challenge j (1 in the replication).
    rounds
        Run exactly this many rounds; ``None`` runs until no position changes, or
        ``max_rounds``.
    max_rounds
        Cap on rounds when ``rounds`` is ``None`` (10: the reference trajectory's rounds 0-10).
    risk
        Apply the risk step (exponents r_i); ``False`` keeps every r_i = 1.
    forecast
        How the trajectory becomes the forecast: ``"cycle-mean"`` (default) the c·s-weighted
        median after the last round where the trajectory settled, else the mean of the medians
        over its terminal cycle (see :func:`terminal_cycle`); ``"median"`` the c·s-weighted
        median after the last round (BDM's forecast rule), ``"mean"`` the c·s-weighted mean
        after the last round, ``"average-median"`` the average of the medians over the rounds
        in which positions moved (the initial median if none did).

    Notes
    -----
    ``Outcome.trace``: ``positions`` ``[B, T, A, I]`` (T = rounds + 1, round 0 the input; draws
    that stop early repeat their last state), ``median`` and ``mean`` ``[B, T, I]``,
    ``series = ("median", "mean")``, and ``events``: for draw 0, per issue a list of T lists
    (round 0 empty) of moves ``{"round", "challenger", "target", "kind", "old", "new"}``, where
    ``target`` is the actor that moves and ``challenger`` the actor whose offer it accepted.
    ``cycle_low``, ``cycle_high`` ``[B, I]`` (on [0, 1], listed in ``scaled``): the lowest and
    highest median over the terminal cycle (both the last median where the trajectory
    settled); ``cycle_length`` ``[B, I]``: 1 settled, p ≥ 2 an exact cycle of p rounds, 0 no
    repeat found (the window of the last ⌈T/2⌉ rounds was read instead).
    ``Outcome.diagnostics``: ``rounds`` (T − 1), ``rounds_run`` ``[B, I]``, ``converged``
    ``[B, I]``, ``cycle_length``, ``variant`` and ``warnings`` (plain strings; one naming the
    issues that did not settle, if any). All positions are on ``[0, 1]``.
    """

    name: ClassVar[str] = "eum"
    summary: ClassVar[str] = (
        "Bueno de Mesquita's expected-utility model: rounds of challenges, offers and moves"
    )
    citation: ClassVar[str] = (
        "Bueno de Mesquita (1994), in Bueno de Mesquita & Stokman (eds.), European Community "
        "Decision Making; Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4):510-531"
    )
    traits: ClassVar[ModelTraits] = ModelTraits(zero_capability_inert=False)

    variant: Variant = "scholz-code"
    q: float = 1.0
    rounds: int | None = None
    max_rounds: int = 10
    risk: bool = True
    forecast: Forecast = "cycle-mean"
    within_zone: bool = False
    """Hold positions and the settlement inside the veto players' red lines (docs/zone.md)."""

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Simulate every issue of every draw and read off the forecast (``rng`` is unused).

        Issues are independent, so each (draw, issue) pair is one row of a single batch,
        processed in chunks of rows.
        """
        if self.within_zone:
            return run_within_zone(dataclasses.replace(self, within_zone=False), problem, rng)
        self._check()
        draws, actors, issues = problem.position.shape
        rows = draws * issues
        position = problem.position.transpose(0, 2, 1).reshape(rows, actors)
        salience = problem.salience.transpose(0, 2, 1).reshape(rows, actors)
        capability = np.repeat(problem.capability, issues, axis=0)
        chunk = max(1, CHUNK_ELEMENTS // max(1, actors**2))
        runs = [
            self._simulate(
                position[start : start + chunk],
                capability[start : start + chunk],
                salience[start : start + chunk],
                record=max(0, min(issues - start, chunk)),
            )
            for start in range(0, rows, chunk)
        ]
        rounds_run = np.concatenate([run.rounds_run for run in runs]).reshape(draws, issues)
        converged = np.concatenate([run.converged for run in runs]).reshape(draws, issues)
        length = (self.rounds if self.rounds is not None else int(rounds_run.max(initial=0))) + 1
        trajectory = np.concatenate([_fit(run.trajectory, length) for run in runs])
        positions = trajectory.reshape(draws, issues, length, actors).transpose(0, 2, 3, 1)
        medians = np.concatenate([_fit(run.median, length) for run in runs])
        median = medians.reshape(draws, issues, length).transpose(0, 2, 1)
        weight = problem.capability[:, None, :, None] * problem.salience[:, None, :, :]
        weight = np.broadcast_to(weight, positions.shape).reshape(-1, actors, issues)
        mean = weighted_mean(weight, positions.reshape(-1, actors, issues))
        mean = mean.reshape(draws, length, issues)
        events = [
            _events(runs[d // chunk], d % chunk, problem.actor_ids, length) for d in range(issues)
        ]
        cycle = terminal_cycle(positions, median, converged)
        trace: dict[str, Any] = {
            "positions": positions,
            "median": median,
            "mean": mean,
            "series": ("median", "mean"),
            "events": events,
            "cycle_low": cycle.low,
            "cycle_high": cycle.high,
            "cycle_length": cycle.length,
            "scaled": ("cycle_low", "cycle_high"),
        }
        diagnostics = {
            "rounds": length - 1,
            "rounds_run": rounds_run,
            "converged": converged,
            "cycle_length": cycle.length,
            "variant": self.variant,
            "warnings": convergence_warnings(converged, cycle.length, problem.issue_ids),
        }
        settlement = self._settle(median, mean, rounds_run, cycle.mean)
        return Outcome(self.name, settlement, trace, diagnostics)

    def _check(self) -> None:
        problems: list[tuple[str, object, str]] = []
        if self.variant not in ("paper", "scholz-code"):
            problems.append(("variant", self.variant, "use 'scholz-code' or 'paper'"))
        if self.forecast not in ("cycle-mean", "median", "mean", "average-median"):
            problems.append(
                (
                    "forecast",
                    self.forecast,
                    "use 'cycle-mean', 'median', 'mean' or 'average-median'",
                )
            )
        if not 0.0 <= self.q <= 1.0:
            problems.append(("q", self.q, "q is a probability: use a value in [0, 1]"))
        if self.rounds is not None and self.rounds < 0:
            problems.append(("rounds", self.rounds, "use a non-negative number of rounds"))
        if self.max_rounds < 0:
            problems.append(("max_rounds", self.max_rounds, "use a non-negative number"))
        if problems:
            field, value, hint = problems[0]
            raise InputError.single(
                None,
                f"invalid eum parameter {field}={value!r}",
                path=("model", "eum", field),
                value=value,
                hint=hint,
            )

    def _simulate(
        self, position: FloatArray, capability: FloatArray, salience: FloatArray, record: int
    ) -> _ChunkRun:
        x = np.ascontiguousarray(position.T, dtype=np.float64)  # [A, B]: draws last
        weight = normalised(np.ascontiguousarray((capability * salience).T, dtype=np.float64))
        sal = np.ascontiguousarray(salience.T, dtype=np.float64)
        span = x.max(axis=0) - x.min(axis=0)
        weighed = bool((weight.sum(axis=0) > 0).all())
        limit = self.rounds if self.rounds is not None else self.max_rounds
        states, medians = [x], []
        active = np.ones(x.shape[1], dtype=bool)
        rounds_run = np.zeros(x.shape[1], dtype=np.intp)
        kinds: list[IntArray] = []
        challengers: list[IntArray] = []
        for _ in range(limit):
            new, kind, challenger, _, centre = bargaining_kernel(
                x, weight, sal, span, self.variant, self.q, self.risk, record, weighed
            )
            active &= np.any(new != x, axis=0)
            rounds_run += active
            x = new
            states.append(x)
            medians.append(centre)
            kinds.append(kind)
            challengers.append(challenger)
            if self.rounds is None and not active.any():
                break
        medians.append(median(x, weight))
        trajectory = np.stack(states).transpose(2, 0, 1)  # [B, T, A]
        return _ChunkRun(trajectory, np.stack(medians).T, rounds_run, ~active, kinds, challengers)

    def _settle(
        self, median: FloatArray, mean: FloatArray, rounds_run: IntArray, cycle_mean: FloatArray
    ) -> FloatArray:
        if self.forecast == "cycle-mean":
            return cycle_mean
        if self.forecast == "median":
            return median[:, -1, :]
        if self.forecast == "mean":
            return mean[:, -1, :]
        step = np.arange(median.shape[1])[None, :, None]
        moved = (step >= 1) & (step <= rounds_run[:, None, :])
        window = np.where(rounds_run[:, None, :] == 0, step == 0, moved)
        result: FloatArray = (median * window).sum(axis=1) / window.sum(axis=1)
        return result


class Cycle(NamedTuple):
    """How a trajectory ends, per draw and issue (``[B, I]`` arrays, medians on [0, 1]).

    Attributes
    ----------
    mean, low, high : FloatArray
        Mean, lowest and highest weighted median over the terminal cycle.
    length : IntArray
        1 settled; p ≥ 2 an exact cycle of p rounds; 0 no repeat (a window was read).
    """

    mean: FloatArray
    low: FloatArray
    high: FloatArray
    length: IntArray


def terminal_cycle(
    positions: FloatArray,
    median: FloatArray,
    converged: BoolArray,
    *,
    tolerance: float = CYCLE_TOLERANCE,
) -> Cycle:
    """Find where each trajectory ends up: a fixed point, a cycle, or neither.

    The rule, per draw and issue, with T the last round of the trajectory:

    1. Settled (``converged``, or the last state repeats the one before it): the cycle is the
       last round alone; length 1, and mean = low = high = the last median.
    2. Otherwise the smallest p ≥ 2 for which the full position vector of round T repeats that
       of round T − p (every actor within ``tolerance``) is the cycle's length. EUM's rounds
       depend only on the positions (R, capabilities and saliences are fixed), so a repeat
       means the rounds T − p + 1 … T recur for ever; the cycle is those p rounds.
    3. If no earlier round repeats round T, the window is the last ⌈T/2⌉ rounds (the first
       half of the run is taken as the transient); length 0.

    The mean, low and high are those of the weighted medians over the cycle's (or window's)
    rounds. Every median lies within the range of the positions, which moves never leave,
    so the mean stays within the initial range of positions.

    Parameters
    ----------
    positions
        ``[B, T + 1, A, I]`` positions per round (round 0 the input).
    median
        ``[B, T + 1, I]`` weighted median per round.
    converged
        ``[B, I]`` whether the simulation stopped because nothing moved.
    tolerance
        Largest difference in any actor's position (on [0, 1]) that still counts as a repeat.

    Returns
    -------
    Cycle
        Mean, low, high and length per draw and issue.
    """
    last = positions.shape[1] - 1
    gap = np.abs(positions - positions[:, -1:]).max(axis=2, initial=0.0)  # [B, T + 1, I]
    repeats = gap <= tolerance
    length = np.zeros(converged.shape, dtype=np.intp)
    for period in range(last, 0, -1):
        length = np.where(repeats[:, last - period], period, length)
    length = np.where(converged | (length == 1), 1, length)
    window = np.where(length > 0, length, max(1, -(-last // 2)))
    step = np.arange(last + 1)[None, :, None]
    inside = step > last - window[:, None, :]
    count = inside.sum(axis=1)
    mean: FloatArray = np.where(inside, median, 0.0).sum(axis=1) / count
    low: FloatArray = np.where(inside, median, np.inf).min(axis=1)
    high: FloatArray = np.where(inside, median, -np.inf).max(axis=1)
    return Cycle(mean, low, high, length)


def convergence_warnings(
    converged: BoolArray, length: IntArray, issue_ids: tuple[str, ...]
) -> list[str]:
    """One plain sentence naming the issues whose trajectory did not settle, if any."""
    unsettled = ~(converged | (length == 1))
    share = unsettled.mean(axis=0) if unsettled.size else np.zeros(len(issue_ids))
    names = [
        issue if share[i] == 1 else f"{issue} ({share[i]:.0%} of draws)"
        for i, issue in enumerate(issue_ids)
        if share[i] > 0
    ]
    if not names:
        return []
    return [
        f"eum did not settle on {len(names)} of {len(issue_ids)} issues: "
        f"{', '.join(names)}; the forecast is the mean median over the terminal cycle "
        "(or the last half of the rounds where none repeats); low/high give its range"
    ]


def _fit(trajectory: FloatArray, length: int) -> FloatArray:
    """Cut a ``[B, T, ...]`` trajectory to ``length`` rounds, or pad it with its last state."""
    if trajectory.shape[1] >= length:
        return trajectory[:, :length]
    padding = np.repeat(trajectory[:, -1:], length - trajectory.shape[1], axis=1)
    return np.concatenate([trajectory, padding], axis=1)


def _events(
    run: _ChunkRun, row: int, actor_ids: tuple[str, ...], length: int
) -> list[list[dict[str, Any]]]:
    """The moves of one row of a chunk, per round (round 0 and rounds not run are empty)."""
    events: list[list[dict[str, Any]]] = [[] for _ in range(length)]
    for step in range(1, min(length, run.trajectory.shape[1])):
        old, new = run.trajectory[row, step - 1], run.trajectory[row, step]
        kind, challenger = run.kinds[step - 1][:, row], run.challengers[step - 1][:, row]
        for target in np.flatnonzero(kind):
            events[step].append(
                {
                    "round": step,
                    "challenger": actor_ids[int(challenger[target])],
                    "target": actor_ids[int(target)],
                    "kind": KINDS[int(kind[target]) - 1],
                    "old": float(old[target]),
                    "new": float(new[target]),
                }
            )
    return events
