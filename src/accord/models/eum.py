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

Computation. All draws (and issues) of a chunk go through a round together, draws last; with
actors sorted, k supports i against j exactly when it is on i's side of their midpoint, so
each N_ij is a difference of prefix sums over voters (O(A²) per draw, not O(A³)). In
``scholz-code`` with q = 1, a_ij and b_ij differ only in s_j (1 − P_ij) against s_i (1 − P_ji),
so only the orientation of each pair with the larger one can carry an offer (exactly, since
rounding is monotone) and the other is skipped; offers are then listed and each actor's best
taken sparsely. Every operation repeats, element by element, the arithmetic of the plain
``[A, A, B]`` formulation, so results are bit-identical to it. 10,000 draws of the emission
case, 10 rounds: about 0.24 s (``benchmarks/bench_eum.py``).

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
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from accord.errors import InputError
from accord.models.base import ModelTraits, Outcome, register_model
from accord.models.compromise import weighted_mean
from accord.scenario.compile import BoolArray, FloatArray, Problem, RNGLike

IntArray = npt.NDArray[np.intp]
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
        ``[B, A]`` index of the actor whose offer was accepted (the actor itself if none was).
    exponent : FloatArray
        ``[B, A]`` the risk exponents r_i used in the round.
    """

    position: FloatArray
    kind: IntArray
    challenger: IntArray
    exponent: FloatArray


# Layout of the kernels. Draws go last (``[..., B]``), so every operation runs over long
# contiguous rows. Actors are sorted by position each round; the M = A(A − 1)/2 pairs i < j
# are ordered by j − i, then i. Ordered pairs (i, j) are stacked ``[2, M, B]``: block 0 holds
# (first, second), block 1 (second, first), so a transpose is a flip of the leading axis and
# values symmetric in the pair broadcast from ``[M, B]``. Where a sum runs over actors, the
# pairs are laid out ``[A, A, B]`` (``_square``) and summed in the same order as before.
# Every result is bit-identical to the straightforward ``[A, A, B]`` formulation.


class _Layout(NamedTuple):
    """Index arrays that depend only on the number of actors."""

    first: IntArray  # [M] i of the pair i < j
    second: IntArray  # [M] j
    start: IntArray  # [A] first pair with j − i ≥ g for g = 1, …, A − 1, then M
    mover: IntArray  # [2M] i of each stacked ordered pair (i, j)
    other: IntArray  # [2M] j
    square: IntArray  # [A·A] stacked row of (i, j); 2M (a zero row) where i = j
    symmetric: IntArray  # [A·A] pair {i, j}; M (a row of ones) where i = j


@lru_cache(maxsize=64)
def _layout(actors: int) -> _Layout:
    steps = [(np.arange(actors - g), np.full(actors - g, g)) for g in range(1, actors)]
    first = np.concatenate([np.zeros(0), *(low for low, _ in steps)]).astype(np.intp)
    second = first + np.concatenate([np.zeros(0), *(g for _, g in steps)]).astype(np.intp)
    start = np.cumsum([0, *(low.size for low, _ in steps)]).astype(np.intp)
    pairs = first.size
    mover, other = np.concatenate([first, second]), np.concatenate([second, first])
    square = np.full((actors, actors), 2 * pairs, dtype=np.intp)
    square[mover, other] = np.arange(2 * pairs)
    symmetric = np.where(square < pairs, square, square - pairs).reshape(-1)
    arrays = (first, second, start, mover, other, square.reshape(-1), symmetric)
    for array in arrays:
        array.flags.writeable = False
    return _Layout(*arrays)


@lru_cache(maxsize=16)
def _bases(actors: int, draws: int) -> tuple[IntArray, ...]:
    """Flat indices for a batch of B draws (read-only).

    With L_ij = i + 1 + c: those of (L_ij, b), (L_ij, i, b) and (L_ij, j, b) at c = 0 in
    ``[A + 1, B]`` and ``[A + 1, A, B]`` tables; for each entry of ``[2, M, B]``, those of
    (i, b) and (j, b) in ``[A, B]``; and ``[M, B]`` entry indices.
    """
    layout, draw = _layout(actors), np.arange(draws, dtype=np.intp)
    first, second = layout.first[:, None], layout.second[:, None]
    bases = (
        (first + 1) * draws + draw,
        ((first + 1) * actors + first) * draws + draw,
        ((first + 1) * actors + second) * draws + draw,
        (layout.mover[:, None] * draws + draw).reshape(-1),
        (layout.other[:, None] * draws + draw).reshape(-1),
        np.arange(first.size * draws, dtype=np.intp).reshape(-1, draws),
    )
    for array in bases:
        array.flags.writeable = False
    return bases


def _stacked(pairs: int, draws: int) -> FloatArray:
    """A ``[2M + 1, B]`` buffer for ordered-pair values; the last row is zero."""
    buffer = np.empty((2 * pairs + 1, draws))
    buffer[-1] = 0.0
    return buffer


def _square(stacked: FloatArray, layout: _Layout) -> FloatArray:
    """``[A, A, B]`` copy of ``[2M + 1, B]`` ordered-pair values, zero on the diagonal."""
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


def _cumulative(values: FloatArray) -> FloatArray:
    """``[A + 1, B]``: a row of zeros, then ``np.cumsum(values, axis=0)``.

    The same additions in the same order, row by row: several times faster than NumPy's
    accumulation along a leading axis.
    """
    out = np.empty((len(values) + 1, values.shape[1]))
    out[0] = 0.0
    if len(values):
        out[1] = values[0]
    for row in range(1, len(values)):
        np.add(out[row], values[row], out=out[row + 1])
    return out


def _sorted_median(x: FloatArray, weight: FloatArray, weighed: bool = False) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions sorted (stably) along axis 0.

    The selection of :func:`accord.models.median.weighted_median`, including equal weights in
    draws whose weights are all zero (``weighed``: no draw is such), off the round's own sort.
    """
    if not weighed:
        weight = np.where(weight.sum(axis=0) > 0, weight, 1.0)
    cumulative = _cumulative(weight)[1:]
    first = np.argmax(cumulative >= cumulative[-1] / 2.0 * (1 - 1e-12), axis=0)
    return x.take(first * x.shape[1] + np.arange(x.shape[1]))


def _median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions in the actors' own order."""
    order = np.argsort(position, axis=0, kind="stable")
    sort = np.take_along_axis
    return _sorted_median(sort(position, order, axis=0), sort(weight, order, axis=0))


class _Pairs(NamedTuple):
    """Geometry of one round (see the layout note above)."""

    gap: FloatArray  # [2, M, B] x_j − x_i for the ordered pair (i, j)
    distance: FloatArray  # [M, B] d_ij = |x_i − x_j| / R, at most 1
    extended: FloatArray  # [M + 1, B] distance, then a row of ones
    distinct: BoolArray  # [M, B] |x_i − x_j| > tolerance
    apart: FloatArray  # [M, B] 1.0 where distinct, else 0.0
    both: FloatArray  # [M, B] x_i + x_j
    split: IntArray  # [M, B] flat index of (L_ij, b) in an [A + 1, B] table
    low: IntArray  # [M, B] flat index of (L_ij, i, b) in an [A + 1, A, B] table
    high: IntArray  # [M, B] flat index of (L_ij, j, b)


def _pairs(position: FloatArray, span: FloatArray, layout: _Layout) -> _Pairs:
    """Distances, and L_ij: how many actors sit at or left of the midpoint of i and j.

    Every k ≤ i counts, so L_ij = i + 1 + #{i < k < j: x_k ≤ midpoint}, counted for pairs
    apart (for the others the support is zero whatever L is). The midpoint of a pair apart
    lies below x_j unless ulp(2 x_j) exceeds the tolerance: for such huge positions every
    actor is compared.
    """
    actors, draws = position.shape
    first, start = layout.first, layout.start
    low, high = position.take(first, axis=0), position.take(layout.second, axis=0)
    gap = np.empty((2, first.size, draws))
    np.subtract(high, low, out=gap[0])  # ≥ 0: actors are sorted
    np.negative(gap[0], out=gap[1])
    distinct = gap[0] > TOLERANCE
    extended = np.empty((first.size + 1, draws))
    distance = np.divide(gap[0], span, out=extended[:-1])
    extended[-1] = 1.0
    if (gap[0, -1] > span).any():  # the widest pair: d ≤ 1 already whenever R ≥ the range
        np.minimum(distance, 1.0, out=distance)
    both = np.add(low, high)
    midpoint = both * 0.5
    count = np.zeros((first.size, draws), dtype=np.uint8 if actors < 256 else np.intp)
    for offset in range(1, actors - 1):  # k = i + offset, for the pairs with j − i > offset
        rows = slice(start[offset], None)
        counted = position.take(first[rows] + offset, axis=0) <= midpoint[rows]
        count[rows] += counted.view(np.uint8) if count.dtype == np.uint8 else counted
    if max(-position[0].min(), position[-1].max()) > 4096:
        count = (position[:, None, :] <= midpoint[None, :, :]).sum(axis=0) - first[:, None] - 1
    units, bases = (draws, actors * draws, actors * draws), _bases(actors, draws)[:3]
    split, low_index, high_index = (
        np.multiply(count, unit, dtype=np.intp) + base
        for unit, base in zip(units, bases, strict=True)
    )
    apart = distinct.astype(np.float64)
    return _Pairs(gap, distance, extended, distinct, apart, both, split, low_index, high_index)


def _linear_support(
    pairs: _Pairs, position: FloatArray, span: FloatArray, weight: FloatArray, layout: _Layout
) -> FloatArray:
    """N_ij = Σ_k w_k max(0, d_kj − d_ki) for ordered pairs, ``[2M + 1, B]`` (zero last row).

    k supports i against j exactly when it is on i's side of their midpoint: with actors
    sorted, the first L_ij actors for i < j, the others for j against i. With f_k(d) = d the
    sums over those actors come from prefix sums of w_k and w_k x_k: O(A²) work per draw.
    """
    draws = weight.shape[1]
    mass, moment = _cumulative(weight), _cumulative(weight * position)
    below, at = mass.take(pairs.split), moment.take(pairs.split)
    low_mass = mass.take(layout.first + 1, axis=0)  # actors up to i
    low_moment = moment.take(layout.first + 1, axis=0)
    high_mass, high_moment = mass.take(layout.second, axis=0), moment.take(layout.second, axis=0)
    gap, both = pairs.gap[0], pairs.both
    support = _stacked(layout.first.size, draws)
    stacked = support[:-1].reshape(2, -1, draws)
    ahead, behind = stacked
    np.multiply(low_mass, gap, out=ahead)
    scratch = np.subtract(below, low_mass, out=low_mass)
    scratch *= both
    ahead += scratch
    np.subtract(at, low_moment, out=scratch)
    scratch *= 2.0
    ahead -= scratch
    np.subtract(mass[-1], high_mass, out=behind)
    behind *= gap
    np.subtract(high_moment, at, out=scratch)
    scratch *= 2.0
    behind += scratch
    np.subtract(high_mass, below, out=scratch)
    scratch *= both
    behind -= scratch
    stacked *= np.divide(pairs.apart, span, out=scratch)
    return support


def _power_support(
    pairs: _Pairs, squared: FloatArray, weight: FloatArray, exponent: FloatArray, layout: _Layout
) -> FloatArray:
    """N_ij = Σ_k w_k max(0, d_kj^{r_k} − d_ki^{r_k}) for ordered pairs, ``[2M + 1, B]``.

    The same split at the midpoints, so N is a difference of prefix sums over voters,
    C[l, t] = Σ_{k<l} w_k d_kt^{r_k}, taken at l = L_ij; ``squared`` holds d as ``[A, A, B]``.
    """
    actors, draws = weight.shape
    prefix = np.empty((actors + 1, actors, draws))
    prefix[0] = 0.0
    np.power(squared, exponent[:, None, :], out=prefix[1:])  # d_kt^{r_k}
    prefix[1:] *= weight[:, None, :]
    diagonal = np.arange(actors)
    prefix[1 + diagonal, diagonal] = 0.0  # as 0^r w_k: d_kk is raised as 1 (np.power is slow on 0)
    step = 1
    while step < actors:  # prefix sums by doubling, in place from the top down
        top = actors + 1
        while top > step + 1:
            bottom = max(step + 1, top - step)
            np.add(prefix[bottom:top], prefix[bottom - step : top - step], out=prefix[bottom:top])
            top = bottom
        step *= 2
    support = _stacked(layout.first.size, draws)
    ahead, behind = support[:-1].reshape(2, -1, draws)
    np.subtract(prefix.take(pairs.high), prefix.take(pairs.low), out=ahead)
    ahead *= pairs.apart
    total = prefix[-1]
    np.subtract(total.take(layout.first, axis=0), total.take(layout.second, axis=0), out=behind)
    behind += ahead
    behind *= pairs.apart
    return support


def _probability(support: FloatArray, variant: Variant, layout: _Layout) -> FloatArray:
    """P_ij from N_ij, ``[2, M, B]``: globally normalised (``scholz-code``) or pairwise."""
    stacked = support[:-1].reshape(2, layout.first.size, -1)
    if variant == "scholz-code":
        total = 2.0 * _sum_leading(_square(support, layout).reshape(-1, support.shape[-1]))
        return stacked * np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
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
    shape = pairs.gap.shape
    reach = (np.abs(position - median) / span).take(layout.mover, axis=0).reshape(shape)
    reach += pairs.distance
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
    squared: FloatArray, drift: _Drift | None, support: FloatArray, variant: Variant,
    salience: FloatArray, q: float, layout: _Layout,
) -> FloatArray:  # fmt: skip
    """r_i from Sec_i = Σ_{j≠i} E_j(U_ji), computed with every exponent equal to 1.

    ``utility[c, t]`` is challenger c's expected utility against target t, at r = 1
    d_ct (2 − 4 s_t (1 − P_ct)) (U_s = 2d, U_f = −2d, U_sq = 0), on the ``[A, A, B]`` layout.
    """
    actors, draws = salience.shape
    if variant == "scholz-code":  # the square of N serves the normalisation too
        utility = _square(support, layout)
        total = 2.0 * _sum_leading(utility.reshape(-1, draws))
        utility *= np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    else:
        stacked = _stacked(layout.first.size, draws)
        stacked[:-1] = _probability(support, variant, layout).reshape(-1, draws)
        utility = _square(stacked, layout)
    np.subtract(1.0, utility, out=utility)
    utility *= 4.0 * salience
    np.subtract(2.0, utility, out=utility)
    utility *= squared
    if drift is not None:
        stacked = _stacked(layout.first.size, draws)
        stacked[:-1] = np.reshape(_status_quo(drift, None, q), (-1, draws))
        utility -= _square(stacked, layout)
    diagonal = np.arange(actors)
    utility[diagonal, diagonal] = 0.0
    exposure = _sum_leading(utility)
    high, low = exposure.max(axis=0), exposure.min(axis=0)
    spread = high - low
    scale = np.divide(1.0, spread, out=np.zeros_like(spread), where=spread > TOLERANCE)
    scaled = (2.0 * exposure - high - low) * scale
    return (1.0 - scaled / 3.0) / (1.0 + scaled / 3.0)


def _stakes(distance: FloatArray, power: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """U_s/4 and (U_s − U_f)/4 for exponents ``power`` (r = 1 where None).

    U_s = 2 − 4(0.5 − 0.5d)^r and U_s − U_f = 4[(0.5 + 0.5d)^r − (0.5 − 0.5d)^r]; at r = 1
    U_s = 2d and U_s − U_f = 4d.
    """
    half = np.multiply(distance, 0.5)
    if power is None:
        return half, distance
    stake = np.power(np.add(half, 0.5), power)
    lower = np.power(np.subtract(0.5, half, out=half), power)
    stake -= lower
    return np.subtract(0.5, lower, out=lower), stake


def _quartered(
    success: FloatArray, stake: FloatArray, chance: FloatArray, held: FloatArray | float
) -> FloatArray:
    """E/4 = U_s/4 − s_t (1 − P)(U_s − U_f)/4 − (status quo)/4.

    E = U_s − s_t (1 − P)(U_s − U_f) − (status quo), with its factors 4 (all exact) left out:
    E/4 this way is, to the last bit, E divided by 4. ``chance`` holds s_t (1 − P).
    """
    utility = np.multiply(chance, stake)
    np.subtract(success, utility, out=utility)
    if not isinstance(held, float) or held != 0.0:
        utility -= held
    return utility


def _challenge_utilities(
    pairs: _Pairs, drift: _Drift | None, probability: FloatArray, salience: FloatArray,
    exponent: FloatArray | None, variant: Variant, q: float, layout: _Layout,
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """(a, b)/4 for all ordered pairs: a_ij = i's EU of challenging j, b_ij = j's of challenging i.

    ``paper``: b = aᵀ, in j's own terms; ``scholz-code``: b as i judges it (r_i, s_i).
    E = s_t (P U_s + (1 − P) U_f) + (1 − s_t) U_s − (status quo) = U_s − s_t (1 − P)(U_s − U_f)
    − (status quo); U_s and U_s − U_f depend on i only through r_i.
    """
    shape = probability.shape
    power = None if exponent is None else exponent.take(layout.mover, axis=0).reshape(shape)
    success, stake = _stakes(pairs.distance, power)
    held: FloatArray | float
    if drift is None and exponent is not None:  # U_sq depends on i only
        settled = 0.5 - np.power(np.full_like(exponent, 0.5), exponent)
        held = settled.take(layout.mover, axis=0).reshape(shape)
    else:
        held = np.multiply(_status_quo(drift, power, q), 0.25)
    chance = np.subtract(1.0, probability)
    chance *= salience.take(layout.other, axis=0).reshape(shape)
    a = _quartered(success, stake, chance, held)
    if variant == "paper":
        return a, a[::-1]
    if drift is not None:
        mirrored = _Drift(drift.reach[::-1], drift.toward[::-1])
        held = np.multiply(_status_quo(mirrored, power, q), 0.25)
    return a, _quartered(success, stake, chance[::-1], held)


def _oriented_utilities(
    pairs: _Pairs, probability: FloatArray, salience: FloatArray, exponent: FloatArray | None,
    layout: _Layout,
) -> tuple[FloatArray, FloatArray, IntArray]:  # fmt: skip
    """(a, b)/4 for ``scholz-code`` with q = 1, in the one orientation of each pair that can offer.

    Returns ``[M, B]`` arrays and the flat index of each orientation in ``[2, M, B]``. Here a_ij
    and b_ij share U_s, U_s − U_f and U_sq (all in i's terms) and differ only in
    u_ij = s_j (1 − P_ij) against u_ji = s_i (1 − P_ji). Rounding is monotone, so u_ij ≤ u_ji
    gives b_ij ≤ a_ij to the last bit, while every offer needs b_ij > a_ij: the other
    orientation is never computed, which halves the work of the full formulation.
    """
    actors, draws = salience.shape
    chance = np.subtract(1.0, probability)
    chance *= salience.take(layout.other, axis=0).reshape(probability.shape)
    oriented = np.multiply(chance[0] <= chance[1], chance[0].size, dtype=np.intp)
    oriented += _bases(actors, draws)[5]
    mine, theirs = np.maximum(chance[0], chance[1]), np.minimum(chance[0], chance[1])
    held: FloatArray | float = 0.0
    power = None
    if exponent is not None:
        mover = _bases(actors, draws)[3].take(oriented)
        power = exponent.take(mover)
        held = (0.5 - np.power(np.full_like(exponent, 0.5), exponent)).take(mover)
    success, stake = _stakes(pairs.distance, power)
    a, b = (_quartered(success, stake, chance, held) for chance in (mine, theirs))
    return a, b, oriented


def _choose(
    pairs: _Pairs, position: FloatArray, span: FloatArray, a: FloatArray, b: FloatArray,
    variant: Variant, record: int, oriented: IntArray | None = None,
) -> tuple[FloatArray, IntArray, IntArray]:  # fmt: skip
    """Each actor's accepted offer: new positions, and kinds and challengers (first draws).

    ``a`` and ``b`` are utilities divided by 4 (so compared with tolerance/4), ``[2, M, B]``
    for all ordered pairs or ``[M, B]`` for the orientations at flat indices ``oriented``.
    Offers are ranked by one key, 2 × (kind − 1) plus a tie-breaker on [0, 1] (the distance
    moved, or for ``scholz-code`` compromises the code's (|a| x_i + |b| x_j)/(|a| + |b|)); exact
    ties go to the lower landing position, then to the lower challenger index. Few pairs make
    an offer, so offers are listed and each actor's minima taken with ``np.minimum.at``.
    Kinds and challengers, ``[A, record]``, are only worked out for the first draws.
    """
    actors, draws = position.shape
    mover_at, other_at = _bases(actors, draws)[3:5]
    tolerance = TOLERANCE / 4
    scratch = np.subtract(b, a)
    conflict = scratch > tolerance
    conflict &= a > tolerance
    conflict &= pairs.distinct
    yielding = a < -tolerance
    yielding &= b > tolerance
    yielding &= pairs.distinct
    compromise = np.greater(np.add(a, b, out=scratch), tolerance)
    compromise &= yielding
    offers = np.flatnonzero(conflict | (yielding if variant == "paper" else compromise))
    settles, conflicting = compromise.take(offers), conflict.take(offers)
    below, above = a.take(offers), b.take(offers)  # b > 0 wherever there is an offer
    if oriented is None:
        near = pairs.distance.take(offers % pairs.distance.size)
    else:  # entries of [M, B] → entries of [2, M, B]
        near = pairs.distance.take(offers)
        offers = oriented.take(offers)
    moves, rows, scale = pairs.gap.take(offers), mover_at.take(offers), np.tile(span, actors)
    target = below / above  # x_j − (x_j − x_i)(1 − |a/b|); x_j but for compromises
    target += 1.0
    target *= settles
    target *= moves
    landing = np.subtract(position.take(other_at.take(offers)), target, out=target)
    if variant == "scholz-code":  # compromises by (|a| x_i + |b| x_j)/(|a| + |b|)
        key = np.subtract(above, below)
        np.divide(above, key, out=key)
        key *= moves
        key += (position - position[:1]).take(rows)
        key /= scale.take(rows)
        key += 2.0
        key *= settles
        key += conflicting * near
    else:  # by the distance moved; capitulations (b ≥ |a|) last
        key = np.abs(landing - position.take(rows))
        key /= scale.take(rows)
        key += settles * 2.0
        key += ~(settles | conflicting) * 4.0
    landing += 0.0  # as −0.0 + 0.0 = 0.0
    best = np.full(actors * draws, _NO_OFFER)
    np.minimum.at(best, rows, key)
    landing[key > best.take(rows) + TOLERANCE] = np.inf  # only ties on the key compete
    new = np.full(actors * draws, np.inf)
    np.minimum.at(new, rows, landing)
    best, new = best.reshape(actors, draws), new.reshape(actors, draws)
    moved = best < _NO_OFFER / 2
    kind = np.where(moved[:, :record], 1 + np.floor(best[:, :record] * 0.5), 0).astype(np.intp)
    challenger = np.broadcast_to(np.arange(actors)[:, None], (actors, record)).copy()
    if record:  # the lowest j among the offers tied on key and landing
        shown = landing <= new.take(rows) + TOLERANCE
        shown &= offers % draws < record
        lowest = np.full(actors * draws, actors * draws)
        np.minimum.at(lowest, rows[shown], other_at[offers[shown]])  # flat (j, b)
        lowest = lowest.reshape(actors, draws)[:, :record] // draws
        np.copyto(challenger, lowest, where=moved[:, :record])
    return np.where(moved, new, position), kind, challenger


def _round(
    position: FloatArray, weight: FloatArray, salience: FloatArray, span: FloatArray,
    variant: Variant, q: float, risk: bool, record: int, weighed: bool = False,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray, FloatArray]:  # fmt: skip
    """One round on ``[A, B]`` arrays (draws last), in the actors' own order.

    Returns positions after the round ``[A, B]``; kinds, challengers and risk exponents
    ``[A, record]`` for the first ``record`` draws; and the weighted median before the round
    ``[B]`` (``weighed``: every draw has weight).
    """
    actors, draws = position.shape
    order = np.argsort(position, axis=0, kind="stable")
    flat = (order * draws + np.arange(draws)).reshape(-1)  # sorted → original, flat indices
    x, w, s = (np.take(v, flat).reshape(actors, draws) for v in (position, weight, salience))
    median = _sorted_median(x, w, weighed)
    if actors < 2:
        still = np.zeros((actors, record), dtype=np.intp)
        return position.copy(), still, still, np.ones((actors, record)), median
    current = x[-1] - x[0]
    if variant == "scholz-code":
        current = np.maximum(current, span)
    scale = np.where(current > TOLERANCE, current, 1.0)
    layout = _layout(actors)
    pairs = _pairs(x, scale, layout)
    drift = _drift(pairs, x, scale, w, layout) if q < 1 else None
    support = _linear_support(pairs, x, scale, w, layout)
    exponent: FloatArray | None = None
    if risk:
        squared = pairs.extended.take(layout.symmetric, axis=0).reshape(actors, actors, draws)
        exponent = _risk_exponent(squared, drift, support, variant, s, q, layout)
        if variant == "scholz-code":
            support = _power_support(pairs, squared, w, exponent, layout)
    probability = _probability(support, variant, layout)
    oriented = None
    if variant == "scholz-code" and drift is None:
        a, b, oriented = _oriented_utilities(pairs, probability, s, exponent, layout)
    else:
        a, b = _challenge_utilities(pairs, drift, probability, s, exponent, variant, q, layout)
    new, kind, challenger = _choose(pairs, x, scale, a, b, variant, record, oriented)
    moved = np.empty_like(new)
    moved.reshape(-1)[flat] = new.reshape(-1)
    shown, draw = order[:, :record], np.arange(record)  # back in the actors' own order
    kinds, challengers = np.empty_like(kind), np.empty_like(challenger)
    kinds[shown, draw], challengers[shown, draw] = kind, shown[challenger, draw]
    used = np.ones((actors, record))
    if exponent is not None:
        used[shown, draw] = exponent[:, :record]
    return moved, kinds, challengers, used, median


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
    weight = np.ascontiguousarray((capability_array * salience_array).T)
    result = _round(np.ascontiguousarray(x.T), weight, np.ascontiguousarray(salience_array.T),
                    np.broadcast_to(fixed, x.shape[:1]), variant, q, risk, x.shape[0])  # fmt: skip
    moved, kind, challenger, exponent, _ = result
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
        weighed = bool((weight.sum(axis=0) > 0).all())
        limit = self.rounds if self.rounds is not None else self.max_rounds
        states, medians = [x], []
        active = np.ones(x.shape[1], dtype=bool)
        rounds_run = np.zeros(x.shape[1], dtype=np.intp)
        kinds: list[IntArray] = []
        challengers: list[IntArray] = []
        for _ in range(limit):
            new, kind, challenger, _, median = _round(
                x, weight, sal, span, self.variant, self.q, self.risk, record, weighed
            )
            active &= np.any(new != x, axis=0)
            rounds_run += active
            x = new
            states.append(x)
            medians.append(median)
            kinds.append(kind)
            challengers.append(challenger)
            if self.rounds is None and not active.any():
                break
        medians.append(_median(x, weight))
        trajectory = np.stack(states).transpose(2, 0, 1)  # [B, T, A]
        return _ChunkRun(trajectory, np.stack(medians).T, rounds_run, ~active, kinds, challengers)

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
