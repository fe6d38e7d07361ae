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
from functools import lru_cache
from typing import Any, ClassVar, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
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
        ``[B, A]`` index of the actor whose offer was accepted (the actor itself where
        ``kind == 0``).
    exponent : FloatArray
        ``[B, A]`` the risk exponents r_i used in the round.
    """

    position: FloatArray
    kind: IntArray
    challenger: IntArray
    exponent: FloatArray


# The kernels put the draw axis last: reductions over actors then run over long contiguous
# rows. Actors are sorted by position, and the M = A(A − 1)/2 unordered pairs i < j are taken in
# ``triu`` order. Ordered pairs ("mover" i, "other" j) are stacked as ``[2, M, B]``: block 0
# holds (i, j) = (first, second), block 1 the reverse. So a transpose (i, j) → (j, i) is a flip
# of the leading axis, values symmetric in the pair broadcast from ``[M, B]``, and no work is
# spent on the diagonal. Every step performs, element by element, the same floating-point
# operations in the same order as the square ``[A, A, B]`` formulation it replaced, so results
# are bit-identical to it; sums over actors keep their order through ``_square`` and
# ``_sum_leading``.


class _Layout(NamedTuple):
    """Index arrays that depend only on the number of actors A."""

    first: IntArray  # [M] i of the pair i < j; pairs ordered by j − i, then i
    second: IntArray  # [M] j of the pair i < j
    start: IntArray  # [A] first pair with j − i ≥ g, for g = 1, …, A − 1 (then M)
    mover: IntArray  # [2M] actor i of each stacked ordered pair
    other: IntArray  # [2M] actor j of each stacked ordered pair
    square: IntArray  # [A·A] stacked row of (i, j), or 2M (a row of zeros) where i = j


@lru_cache(maxsize=64)
def _layout(actors: int) -> _Layout:
    steps = range(1, actors)
    first = np.concatenate([np.arange(actors - step) for step in steps] or [np.zeros(0)])
    first = first.astype(np.intp)
    second = first + np.concatenate([np.full(actors - step, step) for step in steps] or [first])
    start = np.cumsum([0, *(actors - step for step in steps)]).astype(np.intp)
    pairs = first.size
    mover = np.concatenate([first, second])
    other = np.concatenate([second, first])
    square = np.full((actors, actors), 2 * pairs, dtype=np.intp)
    square[mover, other] = np.arange(2 * pairs)
    arrays = (first, second, start, mover, other, square.reshape(-1))
    for array in arrays:
        array.flags.writeable = False
    return _Layout(*arrays)


@lru_cache(maxsize=16)
def _flat_bases(actors: int, draws: int) -> tuple[IntArray, ...]:
    """Flat-index offsets for a batch of B draws (read-only, cached).

    For L_ij = i + 1 + c: offsets of (L_ij, b), (L_ij, i, b) and (L_ij, j, b) at c = 0 in
    ``[A + 1, B]`` and ``[A + 1, A, B]`` tables; and for each entry of a ``[2, M, B]`` array
    the flat index of (i, b) and of (j, b) in ``[A, B]``.
    """
    layout = _layout(actors)
    draw = np.arange(draws, dtype=np.intp)
    above = (layout.first[:, None] + 1) * actors
    bases = (
        (layout.first[:, None] + 1) * draws + draw,
        (above + layout.first[:, None]) * draws + draw,
        (above + layout.second[:, None]) * draws + draw,
        (layout.mover[:, None] * draws + draw).reshape(-1),
        (layout.other[:, None] * draws + draw).reshape(-1),
    )
    for array in bases:
        array.flags.writeable = False
    return bases


def _stacked(pairs: int, draws: int) -> FloatArray:
    """A ``[2M + 1, B]`` buffer for ordered-pair values whose last row stays zero."""
    buffer = np.empty((2 * pairs + 1, draws))
    buffer[-1] = 0.0
    return buffer


def _square(stacked: FloatArray, layout: _Layout) -> FloatArray:
    """``[A, A, B]`` view of ``[2M + 1, B]`` ordered-pair values, zero on the diagonal."""
    actors = layout.start.size
    return stacked.take(layout.square, axis=0).reshape(actors, actors, -1)


def _sum_leading(values: FloatArray) -> FloatArray:
    """Sum over axis 0 by halving, so that the order of additions never depends on B."""
    while values.shape[0] > 1:
        half = values.shape[0] // 2
        paired = values[:half] + values[half : 2 * half]
        if values.shape[0] % 2:
            paired[-1] += values[-1]
        values = paired
    return values[0] if values.shape[0] else np.zeros(values.shape[1:])


def _cumulative(values: FloatArray, out: FloatArray) -> FloatArray:
    """``out[1:] = np.cumsum(values, axis=0)`` and ``out[0] = 0`` for ``[A, B]`` values.

    The same additions in the same order, row by row: NumPy accumulates along a leading axis
    several times more slowly.
    """
    out[0] = 0.0
    if len(values):
        out[1] = values[0]
    for row in range(1, len(values)):
        np.add(out[row], values[row], out=out[row + 1])
    return out


def _sorted_median(x: FloatArray, weight: FloatArray) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions already sorted (stably) along axis 0.

    The same selection as :func:`accord.models.median.weighted_median` (equal weights when all
    are zero), read off the sort each round already does.
    """
    weights = np.where(weight.sum(axis=0) > 0, weight, 1.0)
    cumulative = _cumulative(weights, np.empty((len(x) + 1, x.shape[1])))[1:]
    reached = cumulative >= cumulative[-1] / 2.0 * (1 - 1e-12)
    return x[np.argmax(reached, axis=0), np.arange(x.shape[1])]


def _median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions in the actors' own order."""
    order = np.argsort(position, axis=0, kind="stable")
    return _sorted_median(
        np.take_along_axis(position, order, axis=0), np.take_along_axis(weight, order, axis=0)
    )


class _Pairs(NamedTuple):
    """Geometry of one round (sorted actors; see the layout note above)."""

    gap: FloatArray  # [2, M, B] x_j − x_i for the ordered pair (i, j)
    distance: FloatArray  # [M, B] d_ij = |x_i − x_j| / R, at most 1
    distinct: BoolArray  # [M, B] |x_i − x_j| > tolerance
    apart: FloatArray  # [M, B] 1.0 where distinct, else 0.0
    both: FloatArray  # [M, B] x_i + x_j
    low: IntArray  # [M, B] flat index of C[L_ij, i, b] in an [A + 1, A, B] table (_support)
    high: IntArray  # [M, B] flat index of C[L_ij, j, b]
    split: IntArray  # [M, B] flat index of (L_ij, b) in an [A + 1, B] array


def _pairs(position: FloatArray, span: FloatArray, layout: _Layout) -> _Pairs:
    """Distances, and how many actors sit at or left of each pair's midpoint (L_ij).

    Every k ≤ i counts, so L_ij = i + 1 + #{i < k < j: x_k ≤ midpoint}; the count is made for
    pairs apart (elsewhere the support is zero whatever L is): the midpoint of such a pair lies
    below x_j unless ulp(2 x_j) exceeds the tolerance, so for huge positions all actors are
    counted instead.
    """
    actors, draws = position.shape
    first, second, start = layout.first, layout.second, layout.start
    low, high = position.take(first, axis=0), position.take(second, axis=0)
    gap = np.empty((2, first.size, draws))
    np.subtract(high, low, out=gap[0])  # ≥ 0: actors are sorted
    np.negative(gap[0], out=gap[1])
    distinct = gap[0] > TOLERANCE
    distance = np.divide(gap[0], span)
    if (gap[0, -1] > span).any():  # the widest pair; d ≤ 1 already whenever R ≥ the range
        np.minimum(distance, 1.0, out=distance)
    both = np.add(low, high)
    midpoint = both * 0.5
    count = np.zeros((first.size, draws), dtype=np.uint8 if actors < 256 else np.intp)
    for offset in range(1, actors - 1):  # k = i + offset, for the pairs with j − i > offset
        rows = slice(start[offset], None)
        counted = position.take(first[rows] + offset, axis=0) <= midpoint[rows]
        count[rows] += counted.view(np.uint8) if count.dtype == np.uint8 else counted
    if max(-position[0].min(), position[-1].max()) > 4096:  # ulp(2 x) may exceed the tolerance
        count = (position[:, None, :] <= midpoint[None, :, :]).sum(axis=0) - first[:, None] - 1
    split_base, low_base, high_base = _flat_bases(actors, draws)[:3]
    split = np.multiply(count, draws, dtype=np.intp)
    split += split_base
    low_index = np.multiply(count, actors * draws, dtype=np.intp)
    high_index = low_index + high_base
    low_index += low_base
    return _Pairs(gap, distance, distinct, distinct.astype(np.float64), both, low_index,
                  high_index, split)  # fmt: skip


def _linear_support(
    pairs: _Pairs, position: FloatArray, span: FloatArray, weight: FloatArray, layout: _Layout
) -> FloatArray:
    """N_ij = Σ_k w_k max(0, d_kj − d_ki) for ordered pairs, ``[2M + 1, B]`` (zero last row).

    Since d increases with distance, k supports i against j exactly when it is on i's side of
    their midpoint: with actors sorted, the first L_ij actors for i < j. With f_k(d) = d the
    sums over those actors reduce to prefix sums of w_k and w_k x_k, so N costs O(A²) per draw.
    """
    actors, draws = weight.shape
    first, second = layout.first, layout.second
    mass = _cumulative(weight, np.empty((actors + 1, draws)))
    moment = _cumulative(weight * position, np.empty((actors + 1, draws)))
    below, at = mass.take(pairs.split), moment.take(pairs.split)
    mass_low, moment_low = mass.take(first + 1, axis=0), moment.take(first + 1, axis=0)
    mass_high, moment_high = mass.take(second, axis=0), moment.take(second, axis=0)
    gap, both = pairs.gap[0], pairs.both
    support = _stacked(first.size, draws)
    stacked = support[:-1].reshape(2, first.size, draws)
    ahead, behind = stacked
    scratch = np.multiply(mass_low, gap, out=ahead)
    scratch = np.subtract(below, mass_low, out=mass_low)
    scratch *= both
    ahead += scratch
    np.subtract(at, moment_low, out=scratch)
    scratch *= 2.0
    ahead -= scratch
    np.subtract(mass[-1], mass_high, out=behind)
    behind *= gap
    np.subtract(moment_high, at, out=scratch)
    scratch *= 2.0
    behind += scratch
    np.subtract(mass_high, below, out=scratch)
    scratch *= both
    behind -= scratch
    stacked *= np.divide(pairs.apart, span, out=scratch)
    return support


def _power_support(
    pairs: _Pairs, weight: FloatArray, exponent: FloatArray, layout: _Layout
) -> FloatArray:
    """N_ij = Σ_k w_k max(0, d_kj^{r_k} − d_ki^{r_k}) for ordered pairs, ``[2M + 1, B]``.

    The same split at the midpoint as :func:`_linear_support`, so N is a difference of prefix
    sums C[l, t] = Σ_{k<l} w_k d_kt^{r_k} taken at l = L_ij (suffix sums for j against i).
    Zero distances are raised as ones and corrected after: ``np.power`` is several times
    slower on zero bases.
    """
    actors, draws = weight.shape
    pairs_count = layout.first.size
    zero = np.equal(pairs.distance, 0.0).astype(np.float64)
    base = np.add(pairs.distance, zero)
    table = _stacked(pairs_count, draws)
    powered = table[:-1].reshape(2, pairs_count, draws)
    np.power(base, exponent.take(layout.mover, axis=0).reshape(powered.shape), out=powered)
    powered -= zero
    powered *= weight.take(layout.mover, axis=0).reshape(powered.shape)
    prefix = np.empty((actors + 1, actors, draws))
    prefix[0] = 0.0
    table.take(layout.square, axis=0, out=prefix[1:].reshape(actors * actors, draws))
    step = 1
    while step < actors:  # prefix sums by doubling, in place from the top down
        top = actors + 1
        while top > step + 1:
            bottom = max(step + 1, top - step)
            np.add(prefix[bottom:top], prefix[bottom - step : top - step], out=prefix[bottom:top])
            top = bottom
        step *= 2
    support = _stacked(pairs_count, draws)
    ahead, behind = support[:-1].reshape(2, pairs_count, draws)
    prefix.take(pairs.high, out=ahead)
    ahead -= prefix.take(pairs.low)
    ahead *= pairs.apart
    total = prefix[-1]
    np.subtract(total[layout.first], total[layout.second], out=behind)
    behind += ahead
    behind *= pairs.apart
    return support


def _probability(support: FloatArray, variant: Variant, layout: _Layout) -> FloatArray:
    """P_ij from N_ij, ``[2, M, B]``: globally normalised (``scholz-code``) or pairwise."""
    pairs_count = layout.first.size
    stacked = support[:-1].reshape(2, pairs_count, -1)
    if variant == "scholz-code":
        total = 2.0 * _sum_leading(_square(support, layout).reshape(-1, support.shape[-1]))
        inverse = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
        return stacked * inverse
    pair = stacked[0] + stacked[1]
    empty = pair <= 0
    return stacked / (pair + empty) + 0.5 * empty


class _Drift(NamedTuple):
    """What the status quo does without a challenge, for q < 1 (BDM's U_b, U_w and T)."""

    reach: FloatArray  # [2, M, B] (|x_i − μ| + |x_i − x_j|) / R
    toward: BoolArray  # [2, M, B] T_ij: moving j toward μ brings it closer to i


def _drift(
    pairs: _Pairs, position: FloatArray, span: FloatArray, weight: FloatArray, layout: _Layout
) -> _Drift:
    median = _sorted_median(position, weight)
    to_median = np.abs(position - median) / span
    shape = pairs.gap.shape
    reach = to_median.take(layout.mover, axis=0).reshape(shape) + pairs.distance
    toward = (median - position.take(layout.other, axis=0).reshape(shape)) * pairs.gap < 0
    return _Drift(reach, toward)


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
    pairs: _Pairs,
    drift: _Drift | None,
    probability: FloatArray,
    salience: FloatArray,
    q: float,
    layout: _Layout,
) -> FloatArray:
    """r_i from Sec_i = Σ_{j≠i} E_j(U_ji), computed with every exponent equal to 1.

    Below, ``utility[c, t]`` is challenger c's expected utility against target t; at r = 1,
    U_s = 2d, U_f = −2d and U_sq = 0.
    """
    shape = probability.shape
    stacked = _stacked(shape[1], shape[2])
    utility = stacked[:-1].reshape(shape)
    np.subtract(1.0, probability, out=utility)
    utility *= (4.0 * salience).take(layout.other, axis=0).reshape(shape)
    np.subtract(2.0, utility, out=utility)
    utility *= pairs.distance
    if drift is not None:
        utility -= _status_quo(drift, None, q)
    exposure = _sum_leading(_square(stacked, layout))
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
    layout: _Layout,
) -> tuple[FloatArray, FloatArray]:
    """(a, b): a_ij = i's EU of challenging j; b_ij = j's EU of challenging i as i judges it.

    ``paper``: b = aᵀ, in j's own terms. ``scholz-code``: b in i's terms (r_i, s_i).
    E = s_t (P U_s + (1 − P) U_f) + (1 − s_t) U_s − (status quo) = U_s − s_t (1 − P)(U_s − U_f)
    − (status quo), computed in place; U_s and U_s − U_f depend on i only through r_i.
    """
    shape = probability.shape
    distance = pairs.distance
    power = None
    if exponent is None:  # U_s = 2d and U_s − U_f = 4d at r = 1
        success, stake = 2.0 * distance, 4.0 * distance
    else:
        power = exponent.take(layout.mover, axis=0).reshape(shape)
        half = np.multiply(distance, 0.5)
        stake = np.power(np.add(half, 0.5), power)
        success = np.power(np.subtract(0.5, half, out=half), power)
        stake -= success
        stake *= 4.0
        success *= -4.0
        success += 2.0
    held: FloatArray | float
    if drift is None and exponent is not None:  # U_sq depends on i only: work it out per actor
        settled = 2.0 - 4.0 * np.power(np.full_like(exponent, 0.5), exponent)
        held = settled.take(layout.mover, axis=0).reshape(shape)
    else:
        held = _status_quo(drift, power, q)
    chance = np.subtract(1.0, probability)
    target_salience = salience.take(layout.other, axis=0).reshape(shape)
    a = np.multiply(chance, target_salience)
    a *= stake
    np.subtract(success, a, out=a)
    a -= held
    if variant == "paper":
        return a, a[::-1]
    if drift is not None:
        held = _status_quo(_Drift(drift.reach[::-1], drift.toward[::-1]), power, q)
    b = np.multiply(chance[::-1], target_salience[::-1])
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
    record: int,
) -> tuple[FloatArray, IntArray, IntArray]:
    """Each actor's accepted offer: new positions, and kinds and challengers (first draws).

    Offers are ranked by one key, 2 × (kind − 1) plus a tie-breaker on [0, 1] (the distance
    moved, or for ``scholz-code`` compromises the code's (|a| x_i + |b| x_j)/(|a| + |b|));
    exact ties go to the lower landing position, then to the lower challenger index. Only a
    minority of ordered pairs make an offer, so offers are listed (``np.flatnonzero``) and the
    minima per actor taken with ``np.minimum.at``. Kinds and challengers, ``[A, record]``, are
    only worked out for the first ``record`` draws.
    """
    actors, draws = position.shape
    mover_at, other_at = _flat_bases(actors, draws)[3:]
    flat_a, flat_b, gap = a.reshape(-1), b.reshape(-1), pairs.gap.reshape(-1)
    x, scale = position.reshape(-1), np.tile(span, actors)
    scratch = np.subtract(b, a)
    mask = scratch > TOLERANCE
    mask &= a > TOLERANCE
    mask &= pairs.distinct
    conflict = np.flatnonzero(mask)
    yielding = a < -TOLERANCE
    yielding &= b > TOLERANCE
    yielding &= pairs.distinct
    settles = np.greater(np.add(a, b, out=scratch), TOLERANCE, out=mask)
    settles &= yielding
    compromise = np.flatnonzero(settles)
    below, above, moves = flat_a[compromise], flat_b[compromise], gap[compromise]
    target = below / above  # x_j − (x_j − x_i)(1 − |a/b|)
    target += 1.0
    target *= moves
    np.subtract(x[other_at[compromise]], target, out=target)
    rows = mover_at[compromise]
    if variant == "scholz-code":  # (|a| x_i + |b| x_j)/(|a| + |b|), then conflicts by distance
        key = above / (above - below)
        key *= moves
        key += (position - position[:1]).reshape(-1)[rows]
        key /= scale[rows]
        key += 2.0
        near = pairs.distance.reshape(-1)[conflict % pairs.distance.size]
        kinds = [(conflict, near, x[other_at[conflict]]), (compromise, key, target)]
    else:  # by distance moved, capitulations (b ≥ |a|) last
        key = np.abs(target - x[rows])
        key /= scale[rows]
        key += 2.0
        capitulation = np.flatnonzero(yielding > settles)
        kinds = [
            (conflict, np.abs(gap[conflict]) / scale[mover_at[conflict]], x[other_at[conflict]]),
            (compromise, key, target),
            (capitulation, np.abs(gap[capitulation]) / scale[mover_at[capitulation]] + 4.0,
             x[other_at[capitulation]]),
        ]  # fmt: skip
    offers = np.concatenate([kind[0] for kind in kinds])
    keys = np.concatenate([kind[1] for kind in kinds])
    landings = np.concatenate([kind[2] for kind in kinds]) + 0.0  # as −0.0 + 0.0 = 0.0
    rows = mover_at[offers]
    best = np.full(actors * draws, _NO_OFFER)
    np.minimum.at(best, rows, keys)
    tied = keys <= best[rows] + TOLERANCE
    rows, landings, offers = rows[tied], landings[tied], offers[tied]
    new = np.full(actors * draws, np.inf)
    np.minimum.at(new, rows, landings)
    best, new = best.reshape(actors, draws), new.reshape(actors, draws)
    moved = best < _NO_OFFER / 2
    shown = (landings <= new.reshape(-1)[rows] + TOLERANCE) & (rows % draws < record)
    challenger = np.full(actors * draws, actors)
    np.minimum.at(challenger, rows[shown], other_at[offers[shown]] // draws)
    challenger = challenger.reshape(actors, draws)[:, :record]
    own = np.broadcast_to(np.arange(actors)[:, None], challenger.shape)
    kind = moved[:, :record] * (1 + np.floor(best[:, :record] * 0.5)).astype(np.intp)
    return np.where(moved, new, position), kind, np.where(moved[:, :record], challenger, own)


class _Step(NamedTuple):
    """One round on ``[A, B]`` arrays, in the actors' own order."""

    position: FloatArray  # [A, B] after the round
    kind: IntArray  # [A, R] for the first R draws
    challenger: IntArray  # [A, R]
    exponent: FloatArray  # [A, R]
    median: FloatArray  # [B] weighted median before the round


def _round(
    position: FloatArray,
    weight: FloatArray,
    salience: FloatArray,
    span: FloatArray,
    variant: Variant,
    q: float,
    risk: bool,
    record: int,
) -> _Step:
    """One round on ``[A, B]`` arrays (draws last); details for the first ``record`` draws."""
    actors, draws = position.shape
    order = np.argsort(position, axis=0, kind="stable")
    flat = (order * draws + np.arange(draws)).reshape(-1)  # sorted → original, flat indices
    x, w, s = (
        np.take(values, flat).reshape(actors, draws) for values in (position, weight, salience)
    )
    median = _sorted_median(x, w)
    if actors < 2:
        still = np.zeros((actors, record), dtype=np.intp)
        return _Step(position.copy(), still, still, np.ones((actors, record)), median)
    current = x[-1] - x[0]
    if variant == "scholz-code":
        current = np.maximum(current, span)
    scale = np.where(current > TOLERANCE, current, 1.0)
    layout = _layout(actors)
    pairs = _pairs(x, scale, layout)
    drift = _drift(pairs, x, scale, w, layout) if q < 1 else None
    probability = _probability(_linear_support(pairs, x, scale, w, layout), variant, layout)
    exponent: FloatArray | None = None
    if risk:
        exponent = _risk_exponent(pairs, drift, probability, s, q, layout)
        if variant == "scholz-code":
            support = _power_support(pairs, w, exponent, layout)
            probability = _probability(support, variant, layout)
    a, b = _challenge_utilities(pairs, drift, probability, s, exponent, variant, q, layout)
    new, kind, challenger = _choose(pairs, x, scale, a, b, variant, record)
    moved = np.empty_like(new)
    moved.reshape(-1)[flat] = new.reshape(-1)
    shown = order[:, :record]
    draw = np.arange(record)
    challenger = shown[challenger, draw]  # sorted → original indices
    used = np.ones((actors, record)) if exponent is None else exponent[:, :record]
    kind, challenger, used = (_unsort(values, shown) for values in (kind, challenger, used))
    return _Step(moved, kind, challenger, used, median)


def _unsort(values: ArrayType, order: IntArray) -> ArrayType:
    """Put ``[A, R]`` values computed in sorted order back in the actors' own order."""
    unsorted = np.empty_like(values)
    unsorted[order, np.arange(order.shape[1])] = values
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
        x.shape[0],
    )
    return RoundResult(
        np.ascontiguousarray(result.position.T),
        np.ascontiguousarray(result.kind.T),
        np.ascontiguousarray(result.challenger.T),
        np.ascontiguousarray(result.exponent.T),
    )


class _ChunkRun(NamedTuple):
    trajectory: FloatArray  # [n, T_run + 1, A] for n (draw, issue) rows
    median: FloatArray  # [n, T_run + 1] weighted medians
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
        medians = np.concatenate([_fit(run.median, length) for run in runs])
        median = medians.reshape(draws, issues, length).transpose(0, 2, 1)
        weight = problem.capability[:, None, :, None] * problem.salience[:, None, :, :]
        weight = np.broadcast_to(weight, positions.shape).reshape(-1, actors, issues)
        mean = weighted_mean(weight, positions.reshape(-1, actors, issues))
        mean = mean.reshape(draws, length, issues)
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
        states, medians = [x], []
        active = np.ones(x.shape[1], dtype=bool)
        rounds_run = np.zeros(x.shape[1], dtype=np.intp)
        kinds: list[IntArray] = []
        challengers: list[IntArray] = []
        for _ in range(limit):
            step = _round(x, weight, sal, span, self.variant, self.q, self.risk, record)
            active &= np.any(step.position != x, axis=0)
            rounds_run += active
            x = step.position
            states.append(x)
            medians.append(step.median)
            kinds.append(step.kind)
            challengers.append(step.challenger)
            if self.rounds is None and not active.any():
                break
        medians.append(_median(x, weight))
        trajectory = np.stack(states).transpose(2, 0, 1)  # [B, T, A]
        median = np.stack(medians).T  # [B, T]
        return _ChunkRun(trajectory, median, rounds_run, ~active, kinds, challengers)

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
