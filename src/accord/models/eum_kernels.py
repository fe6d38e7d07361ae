"""Batched kernels of the expected-utility model (see :mod:`accord.models.eum`).

One function, :func:`bargaining_kernel`, runs one round of Bueno de Mesquita's model for a batch
of draws; the rest are its steps. Notation as in the model's docstring and
``references/models.md`` §4 (Scholz, Calbert & Smith 2011): positions x, saliences s,
weights w = c·s, d_ij = |x_i − x_j| / R, support N_ij, probability P_ij, risk exponents r_i.

Layout. Draws go last (``[..., B]``), so every operation runs over long contiguous rows and
nothing loops over draws. Actors are sorted by position each round; the M = A(A − 1)/2 pairs
i < j are ordered by j − i, then i. Ordered pairs (i, j) are stacked ``[2, M, B]``: block 0
holds (first, second), block 1 (second, first), so a transpose is a flip of the leading axis
and values symmetric in the pair broadcast from ``[M, B]``. A sum over the challengers of each
target lays the pairs out ``[A − 1, A, B]``, the challengers c ≠ t of each target t in
increasing order, and adds rows in a fixed order; so actors at one position, which are
neighbours in the sorted order, get the very same sums.

Speed (``benchmarks/bench_eum.py``). With actors sorted, voter k supports i against j exactly
when it is on i's side of their midpoint, so every N_ij is a difference of prefix sums over
voters: O(A²) per draw, not O(A³). Powers are taken as exp(r log d), with log d computed once
per pair. In ``scholz-code`` with q = 1, a_ij and b_ij differ only in s_j (1 − P_ij) against
s_i (1 − P_ji), so only the orientation of each pair with the larger one can carry an offer;
the other is never computed. Offers are listed and each actor's best taken sparsely.

Determinism. Every quantity of a draw is computed from that draw alone, and every sum adds its
terms in an order fixed by the number of actors, so a draw's result does not depend on the
batch it is run in or on chunking (bit for bit). Against a plain one-draw-at-a-time
implementation, results agree to rounding (about 1e-13 on the emission case).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from accord.scenario.compile import BoolArray, FloatArray

IntArray = npt.NDArray[np.intp]
Variant = Literal["paper", "scholz-code"]

TOLERANCE = 1e-12
"""Differences of expected utilities, keys and positions below this count as ties."""

_NO_OFFER = 1e9  # key of "no offer"; real keys lie in [0, 6)

FLOOR = 1e-150
"""Bases of powers below this are raised as this: x^r for x = 0 is at most 1e-75, not 0.

exp(r log x) with log 0 = −inf (or a result that underflows) is far slower in NumPy's SIMD
loops; r ∈ [0.5, 2], so r log FLOOR ≥ −691 keeps every result a normal number.
"""


class _Layout(NamedTuple):
    """Index arrays that depend only on the number of actors."""

    first: IntArray  # [M] i of the pair i < j
    second: IntArray  # [M] j
    start: IntArray  # [A] first pair with j − i ≥ g for g = 1, …, A − 1, then M
    mover: IntArray  # [2M] i of each stacked ordered pair (i, j)
    other: IntArray  # [2M] j
    square: IntArray  # [(A − 1)·A] stacked row of (c, t), the m-th challenger c ≠ t of t
    symmetric: IntArray  # [A·A] pair {i, j}; M (the extra row of a [M + 1] table) where i = j


@lru_cache(maxsize=64)
def _layout(actors: int) -> _Layout:
    steps = [(np.arange(actors - g), np.full(actors - g, g)) for g in range(1, actors)]
    first = np.concatenate([np.zeros(0), *(low for low, _ in steps)]).astype(np.intp)
    second = first + np.concatenate([np.zeros(0), *(g for _, g in steps)]).astype(np.intp)
    start = np.cumsum([0, *(low.size for low, _ in steps)]).astype(np.intp)
    pairs = first.size
    mover, other = np.concatenate([first, second]), np.concatenate([second, first])
    full = np.full((actors, actors), 2 * pairs, dtype=np.intp)
    full[mover, other] = np.arange(2 * pairs)
    symmetric = np.where(full < pairs, full, full - pairs).reshape(-1)
    rank = np.arange(actors - 1)[:, None]
    target = np.arange(actors)[None, :]
    square = full[rank + (rank >= target), target]  # [A − 1, A]: skip c = t
    arrays = (first, second, start, mover, other, square.reshape(-1), symmetric)
    for array in arrays:
        array.flags.writeable = False
    return _Layout(*arrays)


class _Bases(NamedTuple):
    """Flat indices for a batch of B draws, with L_ij = i + 1 (no actor between i and j)."""

    low: IntArray  # [M, B] (L_ij, i, b) in an [A + 1, A, B] table
    high: IntArray  # [M, B] (L_ij, j, b)
    mover: IntArray  # [2M·B] (i, b) in [A, B] for each entry of [2, M, B]
    other: IntArray  # [2M·B] (j, b)
    step: IntArray  # [M, 1] (j − i)·B: from (i, b) to (j, b)


@lru_cache(maxsize=16)
def _bases(actors: int, draws: int) -> _Bases:
    layout, draw = _layout(actors), np.arange(draws, dtype=np.intp)
    first, second = layout.first[:, None], layout.second[:, None]
    bases = _Bases(
        ((first + 1) * actors + first) * draws + draw,
        ((first + 1) * actors + second) * draws + draw,
        (layout.mover[:, None] * draws + draw).reshape(-1),
        (layout.other[:, None] * draws + draw).reshape(-1),
        (second - first) * draws,
    )
    for array in bases:
        array.flags.writeable = False
    return bases


def _square(stacked: FloatArray, layout: _Layout) -> FloatArray:
    """``[A − 1, A, B]`` copy of ``[2, M, B]`` ordered-pair values, by target.

    Row m of column t holds the pair (c, t) of t's m-th challenger c ≠ t, by index.
    """
    actors, draws = layout.start.size, stacked.shape[-1]
    flat = stacked.reshape(-1, draws)
    return flat.take(layout.square, axis=0).reshape(actors - 1, actors, draws)


def _sum_leading(values: FloatArray) -> FloatArray:
    """Sum over axis 0 by halving, so that the order of additions never depends on B.

    Row r is added to row r − ⌊n/2⌋ (and an odd last row to the row before it), level by
    level, in place after the first level. With a single row the result is a view of it.
    """
    rows = values.shape[0]
    if rows <= 1:
        return values[0] if rows else np.zeros(values.shape[1:])
    half = rows // 2
    paired = values[:half] + values[half : 2 * half]
    if rows % 2:
        paired[-1] += values[-1]
    rows = half
    while rows > 1:
        half = rows // 2
        paired[:half] += paired[half : 2 * half]
        if rows % 2:
            paired[half - 1] += paired[rows - 1]
        rows = half
    return paired[0]


def _target_sums(stacked: FloatArray, layout: _Layout) -> FloatArray:
    """``[A, B]``: for each actor t, the sum of ``stacked`` over the ordered pairs (c, t)."""
    return _sum_leading(_square(stacked, layout))


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


def normalised(weight: FloatArray) -> FloatArray:
    """``[A, B]`` weights c·s divided by their sum in each draw (left alone where it is 0).

    The model uses weights only in ratios; dividing by the sum keeps every support and
    normaliser of order one, so that tiny (even subnormal) or huge capabilities neither
    underflow nor overflow.
    """
    total = _sum_leading(weight)
    return weight / np.where(total > 0.0, total, 1.0)


def sorted_median(x: FloatArray, weight: FloatArray, weighed: bool = False) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions sorted (stably) along axis 0.

    The selection of :func:`accord.models.median.weighted_median`, including equal weights in
    draws whose weights are all zero (``weighed``: no draw is such).
    """
    if not weighed:
        weight = np.where(weight.sum(axis=0) > 0, weight, 1.0)
    cumulative = _cumulative(weight)[1:]
    first = np.argmax(cumulative >= cumulative[-1] / 2.0 * (1 - 1e-12), axis=0)
    return x.take(first * x.shape[1] + np.arange(x.shape[1]))


def median(position: FloatArray, weight: FloatArray) -> FloatArray:
    """Lower weighted median of ``[A, B]`` positions in the actors' own order."""
    order = np.argsort(position, axis=0, kind="stable")
    sort = np.take_along_axis
    return sorted_median(sort(position, order, axis=0), sort(weight, order, axis=0))


class _Pairs(NamedTuple):
    """Geometry of one round (see the layout note above)."""

    gap: FloatArray  # [2, M, B] x_j − x_i for the ordered pair (i, j)
    distance: FloatArray  # [M, B] d_ij = |x_i − x_j| / R, at most 1
    extended: FloatArray  # [M + 1, B] distance, then a row of zeros (d_ii)
    distinct: BoolArray  # [M, B] |x_i − x_j| > tolerance
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
    extended[-1] = 0.0
    if (gap[0, -1] > span).any():  # the widest pair: d ≤ 1 already whenever R ≥ the range
        np.minimum(distance, 1.0, out=distance)
    midpoint = np.add(low, high, out=low)
    midpoint *= 0.5
    count = np.zeros((first.size, draws), dtype=np.uint8 if actors < 256 else np.intp)
    for offset in range(1, actors - 1):  # k = i + offset, for the pairs with j − i > offset
        rows = slice(start[offset], None)
        counted = position.take(first[rows] + offset, axis=0) <= midpoint[rows]
        count[rows] += counted.view(np.uint8) if count.dtype == np.uint8 else counted
    if max(-position[0].min(), position[-1].max()) > 4096:
        count = (position[:, None, :] <= midpoint[None, :, :]).sum(axis=0) - first[:, None] - 1
    bases = _bases(actors, draws)
    low_index = np.multiply(count, actors * draws, dtype=np.intp)
    high_index = np.add(low_index, bases.high)
    low_index += bases.low
    return _Pairs(gap, distance, extended, distinct, low_index, high_index)


class _Support(NamedTuple):
    """Support for ordered pairs and its global normaliser."""

    values: FloatArray  # [2, M, B] N for the stacked ordered pairs
    inverse: FloatArray  # [B] 1 / Σ_{a,b,k} |support of k for a over b| = 1 / (2 Σ_ab N_ab)


def _support(
    pairs: _Pairs, values: FloatArray, weight: FloatArray, exponent: FloatArray | None,
    layout: _Layout,
) -> _Support:  # fmt: skip
    """N_ij = Σ_k w_k max(0, f_k(d_kj) − f_k(d_ki)) for ordered pairs, and 1 / (2 Σ_ab N_ab).

    f_k(d) = d^{r_k} (``values`` holds log max(d, FLOOR) per pair, ``[M + 1, B]`` like
    ``pairs.extended``) or, with no ``exponent``, f_k(d) = d (``values`` holds d). k
    supports i against j exactly when it is on i's side of their midpoint: for i < j the first
    L_ij actors, the others for j. So with
    C[l, t] = Σ_{k<l} w_k f_k(d_kt), N_ij = C[L, j] − C[L, i] and N_ji = C[A, i] − C[A, j] + N_ij.
    Actors at one position get N = 0 exactly (their d to every voter are the same numbers).
    Summed over ordered pairs, Σ N = Σ_{i<j} (C[A, i] − C[A, j]) + 2 Σ_{i<j} N_ij, and the
    first sum is Σ_t (A − 1 − 2t) C[A, t]. Where there is no support at all (N = 0) the
    normaliser is 1, so that P = N / normaliser is 0 there; a subnormal total is raised to the
    smallest normal number, so that its reciprocal cannot overflow (weights summing to one make
    that a degenerate case).
    """
    actors, draws = weight.shape
    prefix = np.empty((actors + 1, actors, draws))
    prefix[0] = 0.0
    voted = prefix[1:]  # [k, t]: f_k(d_kt), then times w_k (no copy of the table is made)
    np.take(values, layout.symmetric, axis=0, out=voted.reshape(-1, draws), mode="wrap")
    if exponent is not None:
        voted *= exponent[:, None, :]
        np.exp(voted, out=voted)  # d_kt^{r_k}
    voted *= weight[:, None, :]
    for row in range(2, actors + 1):
        prefix[row] += prefix[row - 1]
    support = np.empty((2, layout.first.size, draws))
    ahead, behind = support
    np.subtract(prefix.take(pairs.high), prefix.take(pairs.low), out=ahead)
    whole = prefix[-1]  # C[A, t]
    np.subtract(whole.take(layout.first, axis=0), whole.take(layout.second, axis=0), out=behind)
    behind += ahead
    total = _sum_leading(np.multiply(whole, _spread_weights(actors)))
    total += 2.0 * _sum_leading(ahead)  # (a view of ahead when M = 1)
    total *= 2.0
    total[total <= 0.0] = 1.0
    np.maximum(total, np.finfo(np.float64).tiny, out=total)
    return _Support(support, np.divide(1.0, total, out=total))


@lru_cache(maxsize=64)
def _spread_weights(actors: int) -> FloatArray:
    """``[A, 1]`` A − 1 − 2t: how often C[A, t] enters Σ_{i<j} (C[A, i] − C[A, j])."""
    weights = np.arange(actors - 1.0, -actors, -2.0)[:, None]
    weights.flags.writeable = False
    return weights


def _probability(support: _Support, variant: Variant, layout: _Layout) -> FloatArray:
    """P_ij from N_ij, ``[2, M, B]``: globally normalised (``scholz-code``) or pairwise."""
    stacked = support.values
    if variant == "scholz-code":
        return stacked * support.inverse
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
    centre = sorted_median(position, weight)
    shape = pairs.gap.shape
    reach = (np.abs(position - centre) / span).take(layout.mover, axis=0).reshape(shape)
    reach += pairs.distance
    toward = (centre - position.take(layout.other, axis=0).reshape(shape)) * pairs.gap < 0
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
    pairs: _Pairs, position: FloatArray, span: FloatArray, drift: _Drift | None,
    support: _Support, variant: Variant, salience: FloatArray, q: float, layout: _Layout,
) -> FloatArray:  # fmt: skip
    """r_i from Sec_i = Σ_{j≠i} E_j(U_ji), computed with every exponent equal to 1.

    At r = 1, E_c(U_ct) = d_ct (2 − 4 s_t (1 − P_ct)) − (status quo), so
    Sec_t = (2 − 4 s_t) Σ_c d_ct + 4 s_t Σ_c d_ct P_ct − Σ_c (status quo)_ct; the first sum
    comes from prefix sums of the sorted positions (copied across actors at one position, so
    that identical actors stay identical to the last bit), the others are sums over pairs.
    """
    actors = salience.shape[0]
    body = np.empty_like(support.values)
    if variant == "scholz-code":  # P = N / total: divide the sums instead
        np.multiply(support.values, pairs.distance, out=body)
        challenged = _target_sums(body, layout)
        challenged *= support.inverse
    else:
        np.multiply(_probability(support, variant, layout), pairs.distance, out=body)
        challenged = _target_sums(body, layout)
    shifted = position - position[0]
    running = _cumulative(shifted)
    distances = (2.0 * np.arange(actors) + (1.0 - actors))[:, None] * shifted
    distances += running[-1]
    distances -= running[:-1]
    distances -= running[1:]
    distances /= span  # Σ_c d_ct
    shared = position[1:] == position[:-1]  # actors at one position get the very same sum
    for row in range(1, actors):
        np.copyto(distances[row], distances[row - 1], where=shared[row - 1])
    exposure = np.multiply(salience, -4.0)
    exposure += 2.0
    exposure *= distances
    challenged *= salience
    challenged *= 4.0
    exposure += challenged
    if drift is not None:
        body[...] = _status_quo(drift, None, q)
        exposure -= _target_sums(body, layout)
    high, low = exposure.max(axis=0), exposure.min(axis=0)
    spread = high - low
    scale = np.divide(2.0 / 3.0, spread, out=np.zeros_like(spread), where=spread > TOLERANCE)
    exposure *= scale  # z = R_i / 3 = (2 Sec_i − max − min) / (3 (max − min))
    exposure -= (high + low) * (0.5 * scale)
    exponent = np.subtract(1.0, exposure)
    exposure += 1.0
    exponent /= exposure
    return exponent


def _stakes(distance: FloatArray, power: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """(0.5 − 0.5d)^r and (0.5 + 0.5d)^r − (0.5 − 0.5d)^r, as exp(r log(0.5 ∓ 0.5d)).

    U_s = 2 − 4(0.5 − 0.5d)^r and U_s − U_f = 4[(0.5 + 0.5d)^r − (0.5 − 0.5d)^r]; where
    ``power`` is None (r = 1) these are 0.5 − 0.5d and d.
    """
    half = np.multiply(distance, 0.5)
    if power is None:
        return np.subtract(0.5, half, out=half), distance
    upper = np.log(np.add(half, 0.5))
    lower = np.maximum(np.subtract(0.5, half, out=half), FLOOR, out=half)  # 0 where d = 1
    np.log(lower, out=lower)
    upper = np.multiply(upper, power)
    lower = np.multiply(lower, power)
    np.exp(upper, out=upper)
    np.exp(lower, out=lower)
    upper -= lower
    return lower, upper


def _quartered(
    success: FloatArray, stake: FloatArray, chance: FloatArray, held: FloatArray | float
) -> FloatArray:
    """E/4 = U_s/4 − s_t (1 − P)(U_s − U_f)/4 − (status quo)/4; ``chance`` holds s_t (1 − P)."""
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
    lower, stake = _stakes(pairs.distance, power)
    success = np.subtract(0.5, lower, out=lower)  # U_s/4; U_s − U_f is 4 stake
    held: FloatArray | float
    if drift is None and exponent is not None:  # U_sq depends on i only
        settled = 0.5 - np.exp2(-exponent)
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
    pairs: _Pairs, support: _Support, salience: FloatArray, exponent: FloatArray | None,
    layout: _Layout,
) -> tuple[FloatArray, FloatArray, BoolArray]:  # fmt: skip
    """(a, b)/4 for ``scholz-code`` with q = 1, in the one orientation of each pair that can offer.

    Returns ``[M, B]`` arrays and ``flip``, true where the orientation is (second, first).
    Here a_ij and b_ij share U_s, U_s − U_f and U_sq (all in i's terms) and differ only in
    u_ij = s_j (1 − P_ij) against u_ji = s_i (1 − P_ji): a = base − u_ij·stake and
    b = base − u_ji·stake. Rounding is monotone, so u_ij ≥ u_ji gives b_ij ≤ a_ij to the last
    bit, while every offer needs b_ij > a_ij: the other orientation is never computed.
    """
    probability = _probability(support, "scholz-code", layout)
    chance = np.subtract(1.0, probability, out=probability)
    chance[0] *= salience.take(layout.second, axis=0)
    chance[1] *= salience.take(layout.first, axis=0)
    flip = chance[0] <= chance[1]
    mine, theirs = np.maximum(chance[0], chance[1]), np.minimum(chance[0], chance[1])
    power = None
    if exponent is not None:  # r of the actor that would move: i, or j where flipped
        bases = _bases(*salience.shape)
        mover = np.multiply(flip, bases.step, dtype=np.intp)
        mover += bases.mover[: flip.size].reshape(flip.shape)
        power = exponent.take(mover)
    lower, stake = _stakes(pairs.distance, power)
    if power is None:  # U_s/4 − U_sq/4 = 0.5 − lower = 0.5d
        base = np.subtract(0.5, lower, out=lower)
    else:  # (0.5 − lower) − (0.5 − 0.5^r)
        base = np.exp2(np.negative(power, out=power), out=power)
        base -= lower
    mine *= stake
    theirs *= stake
    return np.subtract(base, mine, out=mine), np.subtract(base, theirs, out=theirs), flip


def _choose(
    pairs: _Pairs, position: FloatArray, span: FloatArray, a: FloatArray, b: FloatArray,
    variant: Variant, record: int, flip: BoolArray | None = None,
) -> tuple[FloatArray, IntArray, IntArray]:  # fmt: skip
    """Each actor's accepted offer: new positions, and kinds and challengers (first draws).

    ``a`` and ``b`` are utilities divided by 4 (so compared with tolerance/4), ``[2, M, B]``
    for all ordered pairs or ``[M, B]`` for one orientation per pair, (second, first) where
    ``flip``. Offers are ranked by one key, 2 × (kind − 1) plus a tie-breaker on [0, 1] (the
    distance moved, or for ``scholz-code`` compromises the code's (|a| x_i + |b| x_j)/(|a| +
    |b|)); exact ties go to the lower landing position, then to the lower challenger index.
    Few pairs make an offer, so offers are listed and each actor's minima taken with
    ``np.minimum.at``. Kinds and challengers, ``[A, record]``, are only worked out for the
    first draws.
    """
    actors, draws = position.shape
    bases = _bases(actors, draws)
    tolerance = TOLERANCE / 4
    scratch = np.subtract(b, a)
    conflict = scratch > tolerance
    conflict &= a > tolerance
    yielding = a < -tolerance
    compromise = np.greater(np.add(a, b, out=scratch), tolerance)  # so b > tolerance too
    compromise &= yielding
    if variant == "paper":  # capitulations: any other offer with a < 0 < b
        yielding &= b > tolerance
        offered = conflict | yielding
    else:
        offered = conflict | compromise
    offered &= pairs.distinct
    offers = np.flatnonzero(offered)
    settles, conflicting = compromise.take(offers), conflict.take(offers)
    below, above = a.take(offers), b.take(offers)  # b > 0 wherever there is an offer
    if flip is None:
        near = pairs.distance.take(offers % pairs.distance.size)
    else:  # entries of [M, B] → entries of [2, M, B]
        near = pairs.distance.take(offers)
        offers += np.multiply(flip.take(offers), pairs.distance.size, dtype=np.intp)
    moves, rows = pairs.gap.take(offers), bases.mover.take(offers)
    scale = np.tile(span, actors)
    target = below / above  # x_j − (x_j − x_i)(1 − |a/b|); x_j but for compromises
    target += 1.0
    target *= settles
    target *= moves
    landing = np.subtract(position.take(bases.other.take(offers)), target, out=target)
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
    np.putmask(landing, key > best.take(rows) + TOLERANCE, np.inf)  # only ties on the key compete
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
        np.minimum.at(lowest, rows[shown], bases.other[offers[shown]])  # flat (j, b)
        lowest = lowest.reshape(actors, draws)[:, :record] // draws
        np.copyto(challenger, lowest, where=moved[:, :record])
    return np.where(moved, new, position), kind, challenger


def bargaining_kernel(
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
    centre = sorted_median(x, w, weighed)
    if actors < 2:
        still = np.zeros((actors, record), dtype=np.intp)
        return position.copy(), still, still, np.ones((actors, record)), centre
    current = x[-1] - x[0]
    if variant == "scholz-code":
        current = np.maximum(current, span)
    scale = np.where(current > TOLERANCE, current, 1.0)
    layout = _layout(actors)
    pairs = _pairs(x, scale, layout)
    drift = _drift(pairs, x, scale, w, layout) if q < 1 else None
    support = _support(pairs, pairs.extended, w, None, layout)
    exponent: FloatArray | None = None
    if risk:
        exponent = _risk_exponent(pairs, x, scale, drift, support, variant, s, q, layout)
        if variant == "scholz-code":
            logged = np.log(np.maximum(pairs.extended, FLOOR))
            support = _support(pairs, logged, w, exponent, layout)
    flip = None
    if variant == "scholz-code" and drift is None:
        a, b, flip = _oriented_utilities(pairs, support, s, exponent, layout)
    else:
        probability = _probability(support, variant, layout)
        a, b = _challenge_utilities(pairs, drift, probability, s, exponent, variant, q, layout)
    new, kind, challenger = _choose(pairs, x, scale, a, b, variant, record, flip)
    moved = np.empty_like(new)
    moved.reshape(-1)[flat] = new.reshape(-1)
    shown, draw = order[:, :record], np.arange(record)  # back in the actors' own order
    kinds, challengers = np.empty_like(kind), np.empty_like(challenger)
    kinds[shown, draw], challengers[shown, draw] = kind, shown[challenger, draw]
    used = np.ones((actors, record))
    if exponent is not None:
        used[shown, draw] = exponent[:, :record]
    return moved, kinds, challengers, used, centre
