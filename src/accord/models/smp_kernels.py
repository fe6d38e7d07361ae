"""Batched kernels of KTAB's Spatial Model of Politics (see :mod:`accord.models.smp`).

Every function takes arrays with a leading draw axis ``B`` and vectorises over draws and over
actor pairs and triples; nothing here loops over draws or actors. Names follow KTAB's
``smp``/``kmodel`` libraries (Wise, Lester et al., KAPSARC), whose numerical conventions
(``1e-8``/``1e-10`` coalition floors, the ``1e-6`` bargaining weight, rounding bargains to four
decimals, first-index tie-breaks) are kept so that results match ``smpc`` to four decimals.

References
----------
Wise, B., Lester, S. et al. (2015-2019). KTAB: Kinetic Theory of Agent Bargaining. KAPSARC,
github.com/KAPSARC/KTAB (files ``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp``,
``KTAB/kmodel/libsrc/kmodel.cpp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from accord.scenario.compile import BoolArray, FloatArray

IntArray = npt.NDArray[np.intp]

VotingRule = Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect"]
VictoryModel = Literal["linear", "square", "quartic", "octic", "binary"]
PCEModel = Literal["conditional", "markov_incentive", "markov_uniform"]
BigRRange = Literal["min", "mid", "max"]
BigRAdjust = Literal["full", "two_thirds", "half", "one_third", "none"]
ThirdPartyCommit = Literal["full", "semi", "none"]
BargainInterpolation = Literal["s1p1", "s2p2", "s2pmax"]

VOTING_RULES: tuple[VotingRule, ...] = (
    "binary",
    "prop_bin",
    "proportional",
    "prop_cubic",
    "cubic",
    "asym_prospect",
)
VICTORY_MODELS: tuple[VictoryModel, ...] = ("linear", "square", "quartic", "octic", "binary")
PCE_MODELS: tuple[PCEModel, ...] = ("conditional", "markov_incentive", "markov_uniform")
BIG_R_RANGES: tuple[BigRRange, ...] = ("min", "mid", "max")
BIG_R_ADJUSTS: tuple[BigRAdjust, ...] = ("full", "two_thirds", "half", "one_third", "none")
THIRD_PARTY_COMMITS: tuple[ThirdPartyCommit, ...] = ("full", "semi", "none")
BARGAIN_INTERPOLATIONS: tuple[BargainInterpolation, ...] = ("s1p1", "s2p2", "s2pmax")

COALITION_FLOOR = 1e-8  # KTAB Model::coalitions: minimum strength of any coalition
CHALLENGE_FLOOR = 1e-10  # KTAB SMPState::probEduChlg: minimum strength of the principals
MIN_GAIN = 1e-5  # KTAB SMPState::bestChallenge: smallest expected gain worth a challenge
BARGAIN_WEIGHT_FLOOR = 1e-6  # KTAB SMPActor::interpBrgnSnPm: avoids 0/0, favours the initiator
TIE = 1e-10  # relative gap below which two targets or two bargains count as tied (see below)
ROUND_OFF = 1e-12  # vote differences below this share of all votes are round-off (see below)


def utility(distance: FloatArray, risk: FloatArray) -> FloatArray:
    """KTAB's ``bsUtil``: u(d, R) = (1 − d)(1 + d R), with d capped at 1 inside the bracket.

    ``risk`` R lies in [−1/2, 1] (Mid range): R > 0 is risk averse (concave), R < 0 risk
    accepting. Beyond d = 1 (round-off only) KTAB uses (1 − d)(1 + R), which the cap gives.
    """
    return (1.0 - distance) * (1.0 + np.minimum(distance, 1.0) * risk)


def distances(origin: FloatArray, salience: FloatArray, points: FloatArray) -> FloatArray:
    """Salience-weighted distance ``[B, A, M]`` from each actor's point to each of ``points``.

    d_am = sqrt(Σ_d (s_ad (x_ad − y_md))² / Σ_d s_ad²) (KTAB ``bvDiff``). ``origin`` and
    ``salience`` are ``[B, A, D]``, ``points`` ``[B, M, D]``. An actor with no salience at all
    sees every point at distance 0.
    """
    weighted = (origin[:, :, None, :] - points[:, None, :, :]) * salience[:, :, None, :]
    squares = (weighted * weighted).sum(axis=-1)
    norm = (salience * salience).sum(axis=-1)[:, :, None]
    ratio = np.divide(squares, norm, out=np.zeros_like(squares), where=norm > 0)
    result: FloatArray = np.sqrt(ratio)
    return result


def vote(rule: VotingRule, weight: FloatArray, gain: FloatArray) -> FloatArray:
    """KTAB ``Model::vote``: the vote of an actor of strength ``weight`` for a utility ``gain``."""
    if rule == "proportional":
        return weight * gain
    if rule == "cubic":
        return weight * gain**3
    if rule == "prop_cubic":
        return weight * (0.5 * gain + 0.5 * gain**3)
    if rule == "asym_prospect":
        return np.where(gain > 0.0, (2.0 * weight * gain) / 3.0, weight * gain)
    binary = np.clip(gain / 1e-8, -1.0, 1.0)
    if rule == "binary":
        return weight * binary
    if rule == "prop_bin":
        return weight * (0.8 * gain + 0.2 * binary)
    raise ValueError(f"unknown voting rule {rule!r}")


def coalitions(
    rule: VotingRule, weight: FloatArray, util: FloatArray, block_elements: int = 1 << 20
) -> FloatArray:
    """Coalition strengths ``C[b, m, m']`` for option m against m' (KTAB ``Model::coalitions``).

    ``weight`` is ``[B, A]`` and ``util`` ``[B, A, M]`` (utility to actor a of option m).
    C_mm' = 1e-8 + Σ_a max(v_a(m:m'), 0) with v_a(m:m') = vote(w_a, u_am − u_am'). Where
    C_mm' and C_m'm differ by less than ``ROUND_OFF`` × Σ_a w_a, the difference is round-off
    (options equal in exact arithmetic, as symmetric actors produce) and both get their mean,
    so that such options tie exactly instead of being ranked by noise against the 1e-8 floor.
    """
    batch, voters, options = util.shape
    rows = max(1, min(options, block_elements // max(1, batch * options * voters)))
    if rule == "proportional":
        scaled = np.swapaxes(weight[:, :, None] * util, 1, 2)  # [B, M, A]
    else:
        transposed = np.swapaxes(util, 1, 2)
    support = np.empty((batch, options, options))
    for start in range(0, options, rows):  # blocks of options bound the [B, m, M, A] temporary
        stop = min(options, start + rows)
        if rule == "proportional":
            votes = scaled[:, start:stop, None, :] - scaled[:, None, :, :]
        else:
            gain = transposed[:, start:stop, None, :] - transposed[:, None, :, :]
            votes = vote(rule, weight[:, None, None, :], gain)
        np.maximum(votes, 0.0, out=votes)
        support[:, start:stop] = votes.sum(axis=-1)
    other = np.swapaxes(support, 1, 2)
    noise = ROUND_OFF * np.abs(weight).sum(axis=-1)[:, None, None]
    even = np.abs(support - other) <= noise
    return np.where(even, (support + other) / 2, support) + COALITION_FLOOR


def victory(model: VictoryModel, strength: FloatArray) -> FloatArray:
    """Pairwise victory probabilities ``P[..., m, m']`` from coalition strengths (``vProb``).

    P_mm' = x_mm' / (x_mm' + x_m'm) where x is C (linear), C², C⁴ or C⁸; the "binary" model
    makes a 10 % advantage decisive and interpolates linearly below it. P_mm = 1/2.
    """
    other = np.swapaxes(strength, -1, -2)
    if model == "binary":
        threshold, floor = 1.10, 1e-6
        share = strength / (strength + other)
        middle = (share * (threshold + 1.0) - 1.0) / (threshold - 1.0)
        first = np.where(
            strength >= threshold * other,
            1.0,
            np.where(other >= threshold * strength, floor, middle),
        )
        second = np.where(
            strength >= threshold * other,
            floor,
            np.where(other >= threshold * strength, 1.0, 1.0 - middle),
        )
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        first, second = strength**power, other**power
    probability: FloatArray = first / (first + second)
    diagonal = np.arange(strength.shape[-1])
    probability[..., diagonal, diagonal] = 0.5
    return probability


def _combine(weights: FloatArray, matrix: FloatArray) -> FloatArray:
    """Σ_q w[b, k, q] X[b, q, m], by einsum rather than BLAS.

    Single-threaded and bitwise reproducible, and free of BLAS thread wake-ups, which cost more
    than the product itself on these small matrices.
    """
    result: FloatArray = np.einsum("bkq,bqm->bkm", weights, matrix)
    return result


def _masked_normalise(weights: FloatArray, mask: BoolArray) -> FloatArray:
    kept: FloatArray = np.where(mask, weights, 0.0)
    normalised: FloatArray = kept / kept.sum(axis=-1, keepdims=True)
    return normalised


def pce(
    model: PCEModel, probability: FloatArray, strength: FloatArray, mask: BoolArray
) -> FloatArray:
    """Probabilistic Condorcet election over the options in ``mask`` (KTAB ``probCE2``).

    ``probability`` and ``strength`` are ``[B, M, M]`` (victory probabilities and coalition
    strengths over all M candidate options); ``mask`` is ``[B, K, M]``: K elections, each
    among its own subset of the options. Returns ``[B, K, M]``, zero outside each subset.

    * ``conditional``: p_m ∝ Π_{m' in subset} P(m > m') (KTAB ``condPCE``), computed in logs
      so that large elections do not underflow.
    * ``markov_uniform`` / ``markov_incentive``: the stationary distribution of KTAB's
      challenge Markov chains (``markovUniformPCE``, ``markovIncentivePCE``), iterated with
      KTAB's damping and tolerances until every election has converged.
    """
    flags = mask.astype(np.float64)
    if model == "conditional":
        log_probability = np.log(np.maximum(probability, 1e-300))
        score = _combine(flags, np.swapaxes(log_probability, -1, -2))
        score = np.where(mask, score, -np.inf)
        score -= score.max(axis=-1, keepdims=True)
        return _masked_normalise(np.exp(score), mask)
    count = flags.sum(axis=-1, keepdims=True)
    current: FloatArray = flags / count
    transposed = np.swapaxes(probability, -1, -2)
    if model == "markov_uniform":
        tolerance = 1e-6
        row_mass = _combine(flags, transposed)  # Σ_{j in subset} P_ij
    elif model == "markov_incentive":
        tolerance = 1e-8
        incentive = strength * probability
        diagonal = np.arange(strength.shape[-1])
        incentive[..., diagonal, diagonal] += 1e-10
        column_total = _combine(flags, incentive)  # Σ_{k in subset} n_kj
        own = np.swapaxes(probability * np.swapaxes(incentive, -1, -2), -1, -2)
        cross = np.swapaxes(probability * incentive, -1, -2)
    else:
        raise ValueError(f"unknown PCE model {model!r}")
    active = np.ones((*mask.shape[:-1], 1), dtype=bool)
    for _ in range(1000):
        if model == "markov_uniform":
            update = (current * row_mass + _combine(current, transposed)) / count
        else:
            scaled = np.divide(current, column_total, out=np.zeros_like(current), where=mask)
            update = scaled * _combine(flags, own) + _combine(scaled * flags, cross)
        update = np.where(mask, update, 0.0)
        change = np.abs(update - current).max(axis=-1, keepdims=True)
        current = np.where(active, (current + update) / 2.0, current)
        active &= change > tolerance
        if not active.any():
            break
    return current


def big_r(probability: FloatArray, rule: BigRRange) -> FloatArray:
    """Risk attitudes from the risk-neutral election (KTAB ``bigRfromProb``), ``[B, A]``.

    Mid (smpc's default) maps the least likely actor to −1/2 and the most likely to +1:
    R_i = (3 p_i − (p_max + 2 p_min)) / (2 (p_max − p_min)). Where every p is equal (e.g. all
    positions identical) KTAB divides by zero, and where they differ by round-off only it
    blows that noise up to the full range; below a spread of ``ROUND_OFF`` we return risk
    neutrality (0).
    """
    high = probability.max(axis=-1, keepdims=True)
    low = probability.min(axis=-1, keepdims=True)
    spread = high - low
    if rule == "min":
        numerator, denominator = probability - low, spread
    elif rule == "mid":
        numerator, denominator = 3 * probability - (high + 2 * low), 2 * spread
    elif rule == "max":
        numerator, denominator = 2 * probability - (high + low), spread
    else:
        raise ValueError(f"unknown big-R range {rule!r}")
    risk: FloatArray = np.divide(
        numerator, denominator, out=np.zeros_like(probability), where=spread > ROUND_OFF
    )
    return risk


def perceived_risk(risk: FloatArray, rule: BigRAdjust) -> FloatArray:
    """``[B, H, A]``: h's estimate of a's risk attitude, anchored on h's own (``estNRA``)."""
    own, other = risk[:, :, None], risk[:, None, :]
    if rule == "one_third":
        return ((2.0 * own) + other) / 3.0
    if rule == "two_thirds":
        return (own + (2.0 * other)) / 3.0
    if rule == "half":
        return (own + other) / 2
    shape = (risk.shape[0], risk.shape[1], risk.shape[1])
    if rule == "full":
        return np.broadcast_to(other, shape).copy()
    if rule == "none":
        return np.broadcast_to(own, shape).copy()
    raise ValueError(f"unknown big-R adjustment {rule!r}")


def challenges(
    distance: FloatArray,
    curvature: FloatArray,
    perceived: FloatArray,
    weight: FloatArray,
    salience_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    block_elements: int = 1 << 18,
) -> tuple[FloatArray, FloatArray]:
    """Each actor's own estimate of challenging every other actor (KTAB ``probEduChlg(i,i,i,j)``).

    Parameters
    ----------
    distance, curvature
        ``[B, N, N]``: d_am and f_am = (1 − d_am) min(d_am, 1), so that the utility to a of
        m's position, with risk R, is U = 1 − d + f R.
    perceived
        ``[B, H, N]``: R^h_a, h's estimate of a's risk attitude.
    weight, salience_total
        ``[B, N]``: S_a c_a (overall salience times capability) and S_a.
    rule, commit
        Voting rule and third-party commitment (smpc: proportional, semi).
    block_elements
        Challengers are processed in blocks so that a ``[B, I, N, N]`` temporary stays near
        this many elements (cache-sized); it does not change the result.

    Returns
    -------
    gain, probability
        ``[B, I, J]``: the expected gain Δ to i of challenging j, seen by i, and i's
        estimate of P(i defeats j) (−inf and 1/2 on the diagonal). Principals i and j contribute
        S c (u_ii − u_ij) and S c (u_ji − u_jj); each third party n joins the side it
        prefers in the little (i:j) contest, votes S_n c_n (A − B) with KTAB's semi-committed
        utilities A, B, and P = C_i / (C_i + C_j) over all contributions.
    """
    batch, count = weight.shape
    rows = max(1, min(count, block_elements // max(1, batch * count * count)))
    gains, probabilities = [], []
    for start in range(0, count, rows):
        stop = min(count, start + rows)
        gain, probability = _challenge_block(
            distance, curvature, perceived, weight, salience_total, rule, commit, start, stop
        )
        gains.append(gain)
        probabilities.append(probability)
    return np.concatenate(gains, axis=1), np.concatenate(probabilities, axis=1)


def _challenge_block(
    distance: FloatArray,
    curvature: FloatArray,
    perceived: FloatArray,
    weight: FloatArray,
    salience_total: FloatArray,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    start: int,
    stop: int,
) -> tuple[FloatArray, FloatArray]:
    local = np.arange(stop - start)
    challenger = np.arange(start, stop)
    risk = perceived[:, start:stop, :]  # R^i_n for h = i, [B, I, N]
    # 1 − U^i_ij (i's loss if i adopted j's position) and 1 − U^i_ni (n's loss at i's position).
    own_loss = (
        distance[:, start:stop, :]
        - curvature[:, start:stop, :] * risk[:, local, challenger][:, :, None]
    )
    loss_at_i = (
        np.swapaxes(distance, 1, 2)[:, start:stop, :]
        - np.swapaxes(curvature, 1, 2)[:, start:stop, :] * risk
    )
    weight_i = weight[:, start:stop, None]
    weight_j = weight[:, None, :]
    contrib_i = vote(rule, weight_i, own_loss)
    contrib_j = vote(rule, weight_j, -loss_at_i)
    strength_i = (CHALLENGE_FLOOR + np.maximum(contrib_i, 0.0)) + np.maximum(contrib_j, 0.0)
    strength_j = (CHALLENGE_FLOOR + np.maximum(-contrib_i, 0.0)) + np.maximum(-contrib_j, 0.0)
    if commit == "semi":
        support, opposition = _third_parties(
            distance,
            curvature,
            risk,
            weight,
            loss_at_i,
            strength_i,
            strength_j,
            rule,
            start,
            stop,
        )
        for_i = strength_i + support
        for_j = strength_j + opposition
    else:  # under full or no commitment KTAB's third-party votes cancel exactly
        for_i, for_j = strength_i, strength_j
    total = for_i + for_j
    probability = for_i / total
    probability_j = for_j / total
    utility_ij = 1.0 - own_loss
    gain = (
        (1.0 - salience_total[:, None, :]) * 2.0
        + salience_total[:, None, :] * (probability * 2.0 + probability_j * (2.0 * utility_ij))
        - (1.0 + utility_ij)
    )
    gain[:, local, challenger] = -np.inf
    probability[:, local, challenger] = 0.5
    return gain, probability


def _third_parties(
    distance: FloatArray,
    curvature: FloatArray,
    risk: FloatArray,
    weight: FloatArray,
    loss_at_i: FloatArray,
    strength_i: FloatArray,
    strength_j: FloatArray,
    rule: VotingRule,
    start: int,
    stop: int,
) -> tuple[FloatArray, FloatArray]:
    """Σ_n of third parties' positive and negative votes in (i:j), ``[B, I, J]`` each.

    Layout ``[B, I, J, N]`` (n last, contiguous). With Q = 1 − U^i_nj and q = 1 − U^i_ni:
    n's vote in the little contest is a = vote(w_n, Q − q); it makes
    π = (C_i + a⁺) / (C_i + a⁺ + C_j + a⁻); n's vote in the big one is
    vote(w_n, π q − (1 − π) Q), KTAB's SemiCommit A − B with u_nn = 1.
    """
    count = weight.shape[1]
    local = np.arange(stop - start)
    weight_n = weight[:, None, None, :]
    distance_t = np.swapaxes(distance, 1, 2)[:, None, :, :]  # d_nj at [j, n]
    curvature_t = np.swapaxes(curvature, 1, 2)[:, None, :, :]
    risk_n = risk[:, :, None, :]
    loss_n = loss_at_i[:, :, None, :]
    if rule == "proportional":
        # Work with w_n Q and w_n q so that every vote is a difference of scaled terms.
        scaled = (weight[:, None, :] * np.swapaxes(curvature, 1, 2))[:, None, :, :] * risk_n
        np.subtract(
            (weight[:, None, :] * np.swapaxes(distance, 1, 2))[:, None, :, :], scaled, out=scaled
        )  # w_n Q
        scaled_loss = weight[:, None, None, :] * loss_n  # w_n q, [B, I, 1, N]
        little = scaled - scaled_loss
        size = np.abs(little)
        np.maximum(little, 0.0, out=little)
        little += strength_i[..., None]
        size += (strength_i + strength_j)[..., None]
        np.divide(little, size, out=little)  # π
        np.add(scaled, scaled_loss, out=size)
        size *= little
        size -= scaled  # π w q − (1 − π) w Q
        votes = size
    else:
        loss_j = distance_t - curvature_t * risk_n  # Q
        little = vote(rule, weight_n, loss_j - loss_n)
        cni = strength_i[..., None] + np.maximum(little, 0.0)
        cnj = strength_j[..., None] + np.maximum(-little, 0.0)
        share = cni / (cni + cnj)
        votes = vote(rule, weight_n, share * loss_n - (1.0 - share) * loss_j)
    challenger = np.arange(start, stop)
    votes[:, local, :, challenger] = 0.0  # n = i
    target = np.arange(count)
    votes[:, :, target, target] = 0.0  # n = j
    total = votes.sum(axis=-1)
    np.maximum(votes, 0.0, out=votes)
    support = votes.sum(axis=-1)
    return support, support - total


def choose_targets(gain: FloatArray) -> tuple[IntArray, BoolArray]:
    """Each actor's most advantageous target and whether it is worth it (KTAB ``bestChallenge``).

    Ties go to the first target, as in KTAB's scan; gains within ``TIE`` (relative) of the best
    count as ties, so that round-off cannot decide between symmetric targets.
    """
    best = gain.max(axis=-1, keepdims=True)
    target = np.argmax(gain >= best - TIE * np.abs(best), axis=-1)
    return target, best[..., 0] > MIN_GAIN


def round4(value: FloatArray) -> FloatArray:
    """KTAB's ``round4``: ``(int)(0.5 + x * 1e4) / 1e4`` on non-negative x."""
    return np.floor(0.5 + value * 10000.0) / 10000.0


def bargains(
    position: FloatArray,
    salience: FloatArray,
    target: IntArray,
    probability: FloatArray,
    interpolation: BargainInterpolation,
) -> tuple[FloatArray, FloatArray]:
    """Each initiator's proposed bargain with its target (KTAB ``interpolateBrgn``).

    Returns the initiator's and the target's new positions, ``[B, I, D]`` each. smpc's S2P2
    weights i's position by s_id² P² and j's by s_jd² (1 − P)², where P is i's estimate that
    it defeats j, then rounds to four decimals; the 1e-6 floor goes on the side whose new
    position is being computed.
    """
    index = target[..., None]
    position_j = np.take_along_axis(position, index, axis=1)
    salience_j = np.take_along_axis(salience, index, axis=1)
    prob_i = probability[..., None]
    prob_j = 1.0 - prob_i
    if interpolation == "s2pmax":
        move_i = np.maximum(prob_j - prob_i, 0.0)
        move_j = np.maximum(prob_i - prob_j, 0.0)
        square_i, square_j = salience * salience, salience_j * salience_j
        share_i = (move_i * square_j) / ((move_i * square_j) + 1e-6 + ((1 - move_i) * square_i))
        share_j = (move_j * square_i) / ((move_j * square_i) + 1e-6 + ((1 - move_j) * square_j))
        return (
            position + share_i * (position_j - position),
            position_j + share_j * (position - position_j),
        )
    if interpolation == "s2p2":
        weight_i = (salience * salience) * (prob_i * prob_i)
        weight_j = (salience_j * salience_j) * (prob_j * prob_j)
    elif interpolation == "s1p1":
        weight_i, weight_j = salience * prob_i, salience_j * prob_j
    else:
        raise ValueError(f"unknown bargain interpolation {interpolation!r}")
    floor = BARGAIN_WEIGHT_FLOOR
    denominator = weight_i + floor + weight_j
    new_i = round4(((weight_i + floor) * position + weight_j * position_j) / denominator)
    new_j = round4((weight_i * position + (floor + weight_j) * position_j) / denominator)
    return new_i, new_j


def resolve(
    position: FloatArray,
    salience: FloatArray,
    capability: FloatArray,
    risk: FloatArray,
    own_utility: FloatArray,
    target: IntArray,
    has_target: BoolArray,
    initiator_position: FloatArray,
    receiver_position: FloatArray,
    rule: VotingRule,
    victory_model: VictoryModel,
    pce_model: PCEModel,
) -> FloatArray:
    """Each actor's new position: the winner of an election among its options (KTAB ``doBCN``).

    Actor k's options are its status quo and every bargain it is party to. Actor a values the
    state after bargain (i → j) at (1/N)[u_a(b_i) + u_a(b_j) + Σ_{n ∉ {i,j}} U^a_an] and the
    status quo at (1/N) Σ_n U^a_an; everyone votes with capability c_a; the most probable
    option wins (first in KTAB's queue order on ties, which symmetric actors produce; options
    within ``TIE`` of the best count as tied, so round-off cannot decide) and k takes its side
    of it. All actors resolve against the same old state.
    """
    batch, count, _ = position.shape
    own_risk = risk[:, :, None]
    value_i = utility(distances(position, salience, initiator_position), own_risk)
    value_j = utility(distances(position, salience, receiver_position), own_risk)
    total = own_utility.sum(axis=-1, keepdims=True)  # [B, A, 1]
    at_target = np.take_along_axis(
        own_utility, np.broadcast_to(target[:, None, :], own_utility.shape), axis=2
    )
    bargain_value = (value_i + value_j + (total - own_utility - at_target)) / count
    values = np.concatenate([total / count, bargain_value], axis=-1)  # [B, A, 1 + N]
    strength = coalitions(rule, capability, values)
    probability = victory(victory_model, strength)
    actors = np.arange(count)
    party = (target[:, None, :] == actors[None, :, None]) | (actors[:, None] == actors[None, :])
    options = np.concatenate(
        [np.ones((batch, count, 1), dtype=bool), party & has_target[:, None, :]], axis=-1
    )
    chance = pce(pce_model, probability, strength, options)
    best = chance.max(axis=-1, keepdims=True)
    # KTAB queues k's bargains by initiator, with k's status quo just before k's own offer.
    order = np.concatenate(
        [actors[:, None] - 0.5, np.broadcast_to(actors.astype(np.float64), (count, count))], axis=-1
    )
    tied = options & (chance >= best * (1.0 - TIE))
    winner = np.argmin(np.where(tied, order, np.inf), axis=-1)
    bargain = np.maximum(winner - 1, 0)
    index = bargain[..., None]
    own_side = np.where(
        (bargain == actors)[..., None],
        np.take_along_axis(initiator_position, index, axis=1),
        np.take_along_axis(receiver_position, index, axis=1),
    )
    return np.where((winner == 0)[..., None], position, own_side)


def representatives(position: FloatArray, tolerance: float) -> tuple[BoolArray, IntArray]:
    """KTAB's unique positions: greedy first occurrences, and each actor's reported index.

    Actor a starts a new unique position unless an earlier representative lies within
    ``tolerance`` (Euclidean, on [0, 1]). Each actor reports the probability of the *last*
    representative within ``tolerance`` of it (KTAB ``State::posProb``). The greedy choice is
    the unique fixed point of rep_a = not any(rep_m and close_am for m < a), reached by
    iterating from "all representatives" (at most N rounds, usually one or two).
    """
    gap = position[:, :, None, :] - position[:, None, :, :]
    close = np.sqrt((gap * gap).sum(axis=-1)) < tolerance
    count = position.shape[1]
    earlier = close & np.tri(count, k=-1, dtype=bool)[None]
    rep = np.ones(position.shape[:2], dtype=bool)
    for _ in range(count):
        updated = ~(earlier & rep[:, None, :]).any(axis=-1)
        if np.array_equal(updated, rep):
            break
        rep = updated
    indices = np.arange(count)
    last = np.where(close & rep[:, None, :], indices, -1).max(axis=-1)
    return rep, last


@dataclass(frozen=True, eq=False)
class Assessment:
    """What smpc computes for a state before anyone moves (KTAB ``setAllAUtil``, ``pDist``).

    Attributes
    ----------
    distance, curvature : FloatArray
        ``[B, N, N]`` d_am and (1 − d_am) min(d_am, 1).
    risk : FloatArray
        ``[B, N]`` risk attitudes R_a inferred from the risk-neutral election.
    perceived : FloatArray
        ``[B, H, N]`` R^h_a, h's estimate of a's risk attitude.
    own_utility : FloatArray
        ``[B, N, N]`` U^a_am, actor a's utility of m's position with its own risk attitude.
    representative : BoolArray
        ``[B, N]`` whether an actor's position is a (first-occurrence) unique position.
    option_probability : FloatArray
        ``[B, N]`` probability of each unique position (zero for non-representatives).
    actor_probability : FloatArray
        ``[B, N]`` the probability each actor's position wins (shared by coinciding actors).
    """

    distance: FloatArray
    curvature: FloatArray
    risk: FloatArray
    perceived: FloatArray
    own_utility: FloatArray
    representative: BoolArray
    option_probability: FloatArray
    actor_probability: FloatArray

    def take(self, index: Any) -> Assessment:
        """The same assessment for a subset of draws."""
        return Assessment(*(getattr(self, name)[index] for name in self.__dataclass_fields__))


def assess(
    position: FloatArray,
    salience: FloatArray,
    capability: FloatArray,
    rule: VotingRule,
    victory_model: VictoryModel,
    pce_model: PCEModel,
    big_r_range: BigRRange,
    big_r_adjust: BigRAdjust,
    tolerance: float,
) -> Assessment:
    """Distances, risk attitudes, perceived utilities and outcome probabilities of a state.

    Risk: an election among all N positions with risk-neutral utilities 1 − d and votes
    weighted by capability alone gives p; R follows from p (``big_r``). The reported
    probabilities come from an election among the unique positions with U^a_am, capability
    weights and proportional votes (smpc hard-codes proportional voting there).
    """
    distance = distances(position, salience, position)
    curvature = (1.0 - distance) * np.minimum(distance, 1.0)
    everyone = np.ones((position.shape[0], 1, position.shape[1]), dtype=bool)
    neutral = coalitions(rule, capability, 1.0 - distance)
    neutral_probability = pce(pce_model, victory(victory_model, neutral), neutral, everyone)
    risk = big_r(neutral_probability[:, 0, :], big_r_range)
    perceived = perceived_risk(risk, big_r_adjust)
    diagonal = np.arange(position.shape[1])
    own_utility = utility(distance, perceived[:, diagonal, diagonal][:, :, None])
    representative, last = representatives(position, tolerance)
    strength = coalitions("proportional", capability, own_utility)
    option_probability = pce(
        pce_model, victory(victory_model, strength), strength, representative[:, None, :]
    )[:, 0, :]
    actor_probability = np.take_along_axis(option_probability, last, axis=1)
    return Assessment(
        distance,
        curvature,
        risk,
        perceived,
        own_utility,
        representative,
        option_probability,
        actor_probability,
    )
