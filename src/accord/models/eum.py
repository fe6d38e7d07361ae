"""Bueno de Mesquita's expected-utility model (EUM), as reconstructed by Scholz et al. (2011).

Each issue is bargained alone. In every round each actor i weighs, against every other actor j,
what it expects from challenging j and what it believes j expects from challenging it; from the
signs and sizes of these expected utilities come offers (conflict, compromise, capitulation),
each actor accepts one offer, and all accepted moves apply at once. The forecast is read off the
trajectory of positions (by default the capability × salience weighted median after the last
round). Notation as in ``references/models.md`` §4: positions x, saliences s, capabilities c,
w = c·s, R the range of positions, d_ij = |x_i − x_j| / R.

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

References
----------
Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 71-104.
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de Mesquita's group
decision model. *J. Theoretical Politics* 23(4):510-531 (also ICAART 2011).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.models.median import weighted_median
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike

IntArray = npt.NDArray[np.intp]
ArrayType = TypeVar("ArrayType", FloatArray, IntArray)
Variant = Literal["paper", "scholz-code"]
Forecast = Literal["median", "mean", "average-median"]

TOLERANCE = 1e-12
"""Differences of expected utilities, keys and positions below this count as ties."""

CHUNK_ELEMENTS = 1 << 16
"""Draws are processed in chunks of about this many ``A² × B`` elements (512 KiB per array)."""

KINDS = ("conflict", "compromise", "capitulation")
"""Offer kinds, in order of preference; codes 1, 2, 3 in :class:`RoundResult`."""

_NO_OFFER = 1e9  # key of "no offer"; real keys lie in [0, 6)


class RoundResult(NamedTuple):
    """One round for a batch of draws of one issue.

    Attributes
    ----------
    position : FloatArray
        ``[B, A]`` positions after the round.
    kind : IntArray
        ``[B, A]`` 0 if the actor did not move, else 1 conflict, 2 compromise, 3 capitulation.
    challenger : IntArray
        ``[B, A]`` index of the actor whose offer was accepted (meaningful where ``kind > 0``).
    exponent : FloatArray
        ``[B, A]`` the risk exponents r_i used in the round.
    """

    position: FloatArray
    kind: IntArray
    challenger: IntArray
    exponent: FloatArray


# The kernels below put the draw axis last (``[A, B]`` and ``[A, A, B]``): reductions over
# actors then run over long contiguous rows, which is several times faster than draws-first.


class _Pairs(NamedTuple):
    """Geometry of one round, actors sorted by position (so pairs i < j have x_i ≤ x_j)."""

    gap: FloatArray  # [A, A, B] x_j − x_i
    distance: FloatArray  # [A, A, B] d_ij = |x_i − x_j| / R, at most 1
    distinct: BoolArray  # [A, A, B] |x_i − x_j| > tolerance
    low: IntArray  # [M, B] flat index of C[L_ij, i, b] for the M pairs i < j (see _support)
    high: IntArray  # [M, B] flat index of C[L_ij, j, b]
    split: IntArray  # [M, B] flat index of (L_ij, b) in an [A + 1, B] array
    apart: FloatArray  # [M, B] 1 where the pair's positions differ, else 0


def _sum_leading(values: FloatArray) -> FloatArray:
    """Sum over axis 0 by halving, so that the order of additions never depends on B."""
    while values.shape[0] > 1:
        half = values.shape[0] // 2
        paired = values[:half] + values[half : 2 * half]
        if values.shape[0] % 2:
            paired[-1] += values[-1]
        values = paired
    return values[0] if values.shape[0] else np.zeros(values.shape[1:])


def _upper(actors: int) -> tuple[IntArray, IntArray]:
    first, second = np.triu_indices(actors, 1)
    return first.astype(np.intp), second.astype(np.intp)


def _pairs(position: FloatArray, span: FloatArray) -> _Pairs:
    """Distances, and how many actors sit at or left of each pair's midpoint (L_ij)."""
    actors, draws = position.shape
    first, second = _upper(actors)
    gap = position[None, :, :] - position[:, None, :]
    distance = np.abs(gap)
    distinct = distance > TOLERANCE
    distance /= span
    np.minimum(distance, 1.0, out=distance)
    midpoint = (position[first] + position[second]) * 0.5
    small = np.int16 if actors < np.iinfo(np.int16).max else np.intp  # faster to add up
    count = (position[:, None, :] <= midpoint[None, :, :]).sum(axis=0, dtype=small)
    count = count.astype(np.intp)
    draw = np.arange(draws, dtype=np.intp)
    split = count * draws + draw
    low = (count * actors + first[:, None]) * draws + draw
    high = low + (second - first)[:, None] * draws
    apart = (position[second] - position[first] > TOLERANCE).astype(np.float64)
    return _Pairs(gap, distance, distinct, low, high, split, apart)


def _support(
    pairs: _Pairs, position: FloatArray, span: FloatArray, weight: FloatArray,
    exponent: FloatArray | None,
) -> FloatArray:  # fmt: skip
    """N_ij = Σ_k w_k max(0, f_k(d_kj) − f_k(d_ki)), ``[A, A, B]``, f_k(d) = d^{r_k} or d.

    Since f_k increases, k supports i against j exactly when it is on i's side of their
    midpoint: with actors sorted, the first L_ij actors for i < j. So N_ij is a difference of
    prefix sums over k (suffix sums for j against i): O(A²) work per draw after counting,
    not O(A³). With f_k(d) = d the prefix sums reduce to those of w_k and w_k x_k.
    """
    actors, draws = weight.shape
    first, second = _upper(actors)
    if exponent is None:
        cumulative = np.zeros((2, actors + 1, draws))
        np.cumsum(weight, axis=0, out=cumulative[0, 1:])
        np.cumsum(weight * position, axis=0, out=cumulative[1, 1:])
        mass, moment = cumulative
        below, at = mass.reshape(-1)[pairs.split], moment.reshape(-1)[pairs.split]
        low, high = position[first], position[second]
        mass_low, moment_low = mass[first + 1], moment[first + 1]  # actors up to i
        mass_high, moment_high = mass[second], moment[second]  # actors before j
        ahead = mass_low * (high - low) + (below - mass_low) * (low + high)
        ahead -= 2.0 * (at - moment_low)
        behind = (mass[-1] - mass_high) * (high - low) + 2.0 * (moment_high - at)
        behind -= (mass_high - below) * (low + high)
        scale = pairs.apart / span
        ahead *= scale
        behind *= scale
    else:
        prefix = np.zeros((actors + 1, actors, draws))
        np.power(pairs.distance, exponent[:, None, :], out=prefix[1:])
        prefix[1:] *= weight[:, None, :]
        spare = np.empty_like(prefix)
        step = 1
        while step < actors:  # prefix sums by doubling (NumPy's cumsum along axis 0 is slow)
            spare[: step + 1] = prefix[: step + 1]
            np.add(prefix[step + 1 :], prefix[1:-step], out=spare[step + 1 :])
            prefix, spare = spare, prefix
            step *= 2
        flat = prefix.reshape(-1)
        ahead = (flat[pairs.high] - flat[pairs.low]) * pairs.apart
        total = prefix[-1]
        behind = (total[first] - total[second] + ahead) * pairs.apart
    support = np.zeros((actors, actors, draws))
    support[first, second] = ahead
    support[second, first] = behind
    return support


def _probability(support: FloatArray, variant: Variant) -> FloatArray:
    """P_ij from N_ij: globally normalised (``scholz-code``) or pairwise (``paper``)."""
    if variant == "scholz-code":
        total = 2.0 * _sum_leading(support.reshape(-1, support.shape[-1]))
        return support * np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    pair = support + support.transpose(1, 0, 2)
    empty = pair <= 0
    return support / (pair + empty) + 0.5 * empty


class _Drift(NamedTuple):
    """What the status quo does without a challenge, for q < 1 (BDM's U_b, U_w and T)."""

    reach: FloatArray  # [A, A, B] (|x_i − μ| + |x_i − x_j|) / R
    toward: BoolArray  # [A, A, B] T_ij: moving j toward μ brings it closer to i


def _drift(pairs: _Pairs, position: FloatArray, span: FloatArray, weight: FloatArray) -> _Drift:
    median = weighted_median(weight.T[:, :, None], position.T[:, :, None]).T  # [1, B]
    to_median = np.abs(position - median) / span
    toward = (median[:, None, :] - position[None, :, :]) * pairs.gap < 0
    return _Drift(to_median[:, None, :] + pairs.distance, toward)


def _status_quo(drift: _Drift | None, power: FloatArray | None, q: float) -> FloatArray | float:
    """The status-quo part of E: q U_sq + (1 − q)(T U_b + (1 − T) U_w), exponent ``power``."""
    settled = 0.0 if power is None else 2.0 - 4.0 * 0.5**power
    if drift is None:
        return settled
    sign = 1.0 - 2.0 * drift.toward  # −1 where T = 1 (U_b), +1 where T = 0 (U_w)
    if power is None:  # r = 1: U_b = reach, U_w = −reach
        return (q - 1.0) * sign * drift.reach
    return q * settled + (1.0 - q) * (2.0 - 4.0 * (0.5 + 0.25 * sign * drift.reach) ** power)


def _risk_exponent(
    pairs: _Pairs, drift: _Drift | None, probability: FloatArray, salience: FloatArray, q: float
) -> FloatArray:
    """r_i from Sec_i = Σ_{j≠i} E_j(U_ji), computed with every exponent equal to 1.

    Below, ``utility[c, t]`` is challenger c's expected utility against target t; at r = 1,
    U_s = 2d, U_f = −2d and U_sq = 0.
    """
    utility = pairs.distance * (2.0 - 4.0 * salience[None, :, :] * (1.0 - probability))
    if drift is not None:
        utility -= _status_quo(drift, None, q)
        actors = utility.shape[0]
        utility[np.arange(actors), np.arange(actors)] = 0.0
    exposure = _sum_leading(utility)
    high, low = exposure.max(axis=0), exposure.min(axis=0)
    spread = high - low
    scale = np.divide(1.0, spread, out=np.zeros_like(spread), where=spread > TOLERANCE)
    scaled = (2.0 * exposure - high - low) * scale
    return (1.0 - scaled / 3.0) / (1.0 + scaled / 3.0)


def _challenge_utilities(
    pairs: _Pairs,
    drift: _Drift | None,
    probability: FloatArray,
    salience: FloatArray,
    exponent: FloatArray | None,
    variant: Variant,
    q: float,
) -> tuple[FloatArray, FloatArray]:
    """(a, b): a_ij = i's EU of challenging j; b_ij = j's EU of challenging i as i judges it.

    ``paper``: b = aᵀ, in j's own terms. ``scholz-code``: b in i's terms (r_i, s_i).
    E = s_t (P U_s + (1 − P) U_f) + (1 − s_t) U_s − (status quo) = U_s − s_t (1 − P)(U_s − U_f)
    − (status quo), computed in place.
    """
    distance = pairs.distance
    power = None if exponent is None else exponent[:, None, :]
    if power is None:  # U_s = 2d and U_s − U_f = 4d at r = 1
        success, stake = 2.0 * distance, 4.0 * distance
    else:
        half = np.multiply(distance, 0.5)
        stake = np.add(half, 0.5)
        np.power(stake, power, out=stake)
        success = np.subtract(0.5, half, out=half)
        np.power(success, power, out=success)
        stake -= success
        stake *= 4.0
        success *= -4.0
        success += 2.0
    held = _status_quo(drift, power, q)
    a = np.subtract(1.0, probability)
    a *= salience[None, :, :]
    a *= stake
    np.subtract(success, a, out=a)
    a -= held
    if variant == "paper":
        return a, a.transpose(1, 0, 2)
    if drift is not None:
        mirrored = _Drift(drift.reach.transpose(1, 0, 2), drift.toward.transpose(1, 0, 2))
        held = _status_quo(mirrored, power, q)
    b = np.subtract(1.0, probability.transpose(1, 0, 2))
    b *= salience[:, None, :]
    b *= stake
    np.subtract(success, b, out=b)
    b -= held
    return a, b


def _choose(
    pairs: _Pairs,
    position: FloatArray,
    span: FloatArray,
    a: FloatArray,
    b: FloatArray,
    variant: Variant,
) -> tuple[FloatArray, IntArray, IntArray]:
    """Each actor's accepted offer: new positions, offer kinds (0 = none) and challengers.

    Offers are ranked by one key, 2 × (kind − 1) plus a tie-breaker on [0, 1] (the distance
    moved, or for ``scholz-code`` compromises the code's (|a| x_i + |b| x_j)/(|a| + |b|));
    exact ties go to the lower landing position, then to the lower challenger index. Masks
    enter as 0/1 factors rather than through ``np.where`` (slow on irregular masks), and work
    happens in place, which matters as much as the arithmetic at these sizes.
    """
    actors = a.shape[0]
    own = position[:, None, :]
    scratch = np.subtract(b, a)
    conflict = (a > TOLERANCE) & (scratch > TOLERANCE) & pairs.distinct
    yielding = (a < -TOLERANCE) & (b > TOLERANCE) & pairs.distinct
    compromise = (a + b > TOLERANCE) & yielding
    target = np.maximum(b, TOLERANCE)  # x_j − (x_j − x_i)(1 − |a/b|), exactly x_j if a full move
    np.divide(a, target, out=target)
    target += 1.0
    target *= compromise
    target *= pairs.gap
    np.subtract(position[None, :, :], target, out=target)
    if variant == "scholz-code":
        key = np.maximum(scratch, TOLERANCE)  # (|a| x_i + |b| x_j)/(|a| + |b|)
        np.divide(b, key, out=key)
        key *= pairs.gap
        key += (position - position[:1])[:, None, :]
        key /= span
        key += 2.0
        key *= compromise
        key += np.multiply(conflict, pairs.distance, out=scratch)
        offered = conflict | compromise
    else:
        key = np.subtract(target, own)
        np.abs(key, out=key)
        key /= span
        key += np.multiply(compromise, 2.0, out=scratch)
        key += np.multiply(yielding & ~compromise, 4.0, out=scratch)
        offered = conflict | yielding
    key += np.multiply(~offered, _NO_OFFER, out=scratch)
    best = key.min(axis=1)
    landing = np.multiply(key > best[:, None, :] + TOLERANCE, _NO_OFFER, out=key)
    landing += target
    new = landing.min(axis=1)
    index = np.multiply(landing > new[:, None, :] + TOLERANCE, actors, dtype=np.intp)
    index += np.arange(actors, dtype=np.intp)[None, :, None]
    moved = best < _NO_OFFER / 2
    kind = moved * (1 + np.floor(best * 0.5)).astype(np.intp)
    return np.where(moved, new, position), kind, index.min(axis=1)


def _round(
    position: FloatArray,
    weight: FloatArray,
    salience: FloatArray,
    span: FloatArray,
    variant: Variant,
    q: float,
    risk: bool,
) -> RoundResult:
    """One round on ``[A, B]`` arrays (draws last); returns ``[A, B]`` arrays."""
    actors, draws = position.shape
    order = np.argsort(position, axis=0, kind="stable")
    flat = (order * draws + np.arange(draws)).reshape(-1)  # sorted → original, flat indices
    x, w, s = (
        np.take(values, flat).reshape(actors, draws) for values in (position, weight, salience)
    )
    current = x[-1] - x[0]
    if variant == "scholz-code":
        current = np.maximum(current, span)
    scale = np.where(current > TOLERANCE, current, 1.0)
    pairs = _pairs(x, scale)
    drift = _drift(pairs, x, scale, w) if q < 1 else None
    probability = _probability(_support(pairs, x, scale, w, None), variant)
    exponent: FloatArray | None = None
    if risk:
        exponent = _risk_exponent(pairs, drift, probability, s, q)
        if variant == "scholz-code":
            probability = _probability(_support(pairs, x, scale, w, exponent), variant)
    a, b = _challenge_utilities(pairs, drift, probability, s, exponent, variant, q)
    new, kind, challenger = _choose(pairs, x, scale, a, b, variant)
    used = np.ones_like(x) if exponent is None else exponent
    original = np.take(order, (challenger * draws + np.arange(draws)).reshape(-1))
    return RoundResult(
        _unsort(new, flat),
        _unsort(kind, flat),
        _unsort(original.reshape(actors, draws), flat),
        _unsort(used, flat),
    )


def _unsort(values: ArrayType, flat: IntArray) -> ArrayType:
    """Put ``[A, B]`` values computed in sorted order back in the actors' own order."""
    unsorted = np.empty_like(values)
    unsorted.reshape(-1)[flat] = values.reshape(-1)
    return unsorted


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
    result = _round(
        np.ascontiguousarray(x.T),
        np.ascontiguousarray((capability_array * salience_array).T),
        np.ascontiguousarray(salience_array.T),
        np.broadcast_to(fixed, x.shape[:1]),
        variant,
        q,
        risk,
    )
    return RoundResult(
        np.ascontiguousarray(result.position.T),
        np.ascontiguousarray(result.kind.T),
        np.ascontiguousarray(result.challenger.T),
        np.ascontiguousarray(result.exponent.T),
    )


class _ChunkRun(NamedTuple):
    trajectory: FloatArray  # [n, T_run + 1, A] for n (draw, issue) rows
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
        How the trajectory becomes the forecast: ``"median"`` the c·s-weighted median after
        the last round (BDM's forecast rule), ``"mean"`` the c·s-weighted mean after the last
        round, ``"average-median"`` the average of the medians over the rounds in which
        positions moved (the initial median if none did), which smooths the oscillations the
        model often ends in.

    Notes
    -----
    ``Outcome.trace``: ``positions`` ``[B, T, A, I]`` (T = rounds + 1, round 0 the input; draws
    that stop early repeat their last state), ``median`` and ``mean`` ``[B, T, I]``,
    ``series = ("median", "mean")``, and ``events``: for draw 0, per issue a list of T lists
    (round 0 empty) of moves ``{"round", "challenger", "target", "kind", "old", "new"}``, where
    ``target`` is the actor that moves and ``challenger`` the actor whose offer it accepted.
    ``Outcome.diagnostics``: ``rounds`` (T − 1), ``rounds_run`` ``[B, I]``, ``converged``
    ``[B, I]`` and ``variant``. All positions are on ``[0, 1]``.
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
    forecast: Forecast = "median"

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Simulate every issue of every draw and read off the forecast (``rng`` is unused).

        Issues are independent, so each (draw, issue) pair is one row of a single batch,
        processed in chunks of rows.
        """
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
        weight = problem.capability[:, None, :, None] * problem.salience[:, None, :, :]
        weight = np.broadcast_to(weight, positions.shape).reshape(-1, actors, issues)
        flat = positions.reshape(-1, actors, issues)
        median = weighted_median(weight, flat).reshape(draws, length, issues)
        mean = weighted_mean(weight, flat).reshape(draws, length, issues)
        events = [
            _events(runs[d // chunk], d % chunk, problem.actor_ids, length) for d in range(issues)
        ]
        trace: dict[str, Any] = {
            "positions": positions,
            "median": median,
            "mean": mean,
            "series": ("median", "mean"),
            "events": events,
        }
        diagnostics = {
            "rounds": length - 1,
            "rounds_run": rounds_run,
            "converged": converged,
            "variant": self.variant,
        }
        return Outcome(self.name, self._settle(median, mean, rounds_run), trace, diagnostics)

    def _check(self) -> None:
        problems: list[tuple[str, object, str]] = []
        if self.variant not in ("paper", "scholz-code"):
            problems.append(("variant", self.variant, "use 'scholz-code' or 'paper'"))
        if self.forecast not in ("median", "mean", "average-median"):
            problems.append(("forecast", self.forecast, "use 'median', 'mean' or 'average-median'"))
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
        weight = np.ascontiguousarray((capability * salience).T, dtype=np.float64)
        sal = np.ascontiguousarray(salience.T, dtype=np.float64)
        span = x.max(axis=0) - x.min(axis=0)
        limit = self.rounds if self.rounds is not None else self.max_rounds
        states = [x]
        active = np.ones(x.shape[1], dtype=bool)
        rounds_run = np.zeros(x.shape[1], dtype=np.intp)
        kinds: list[IntArray] = []
        challengers: list[IntArray] = []
        for _ in range(limit):
            result = _round(x, weight, sal, span, self.variant, self.q, self.risk)
            active &= np.any(result.position != x, axis=0)
            rounds_run += active
            x = result.position
            states.append(x)
            kinds.append(result.kind[:, :record])
            challengers.append(result.challenger[:, :record])
            if self.rounds is None and not active.any():
                break
        trajectory = np.stack(states).transpose(2, 0, 1)  # [B, T, A]
        return _ChunkRun(trajectory, rounds_run, ~active, kinds, challengers)

    def _settle(self, median: FloatArray, mean: FloatArray, rounds_run: IntArray) -> FloatArray:
        if self.forecast == "median":
            return median[:, -1, :]
        if self.forecast == "mean":
            return mean[:, -1, :]
        step = np.arange(median.shape[1])[None, :, None]
        moved = (step >= 1) & (step <= rounds_run[:, None, :])
        window = np.where(rounds_run[:, None, :] == 0, step == 0, moved)
        result: FloatArray = (median * window).sum(axis=1) / window.sum(axis=1)
        return result


def _fit(trajectory: FloatArray, length: int) -> FloatArray:
    """Cut a ``[B, T, A]`` trajectory to ``length`` rounds, or pad it with its last state."""
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
