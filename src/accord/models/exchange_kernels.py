"""Batched kernels of the exchange model: one round of exchanges for a chunk of draws.

Everything here works on positions scaled to [0, 100] (the scale the reference implementation
uses, so its thresholds carry over unchanged) with arrays whose leading axis is the draw. A
candidate exchange is an (issue pair, actor pair) combination; with ``E`` candidates the state
of a round is a set of ``[B, E]`` arrays, and the one loop, over the exchanges carried out in a
round, runs until no draw has a valid exchange left. See :mod:`accord.models.exchange` for the
model and its references.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from accord.scenario.compile import BoolArray, FloatArray

IntArray = npt.NDArray[np.intp]

SCALE = 100.0
"""Positions are handled on [0, SCALE], as in the reference implementation."""

TINY_MOVE = 1e-10
"""A move of at most this much (on [0, 100]) is no move: the exchange is invalid (reference)."""

TINY_GAIN = 1e-10
"""An exchange that gains less than this is invalid (reference)."""

SLACK = 1e-9
"""Tolerance for float rounding: the side of the outcome an actor is on, the bounds of the
scale, and near-equal gains (the first candidate in canonical order wins)."""


@dataclass(frozen=True)
class Candidates:
    """Every (issue pair, actor pair) combination, issue pairs outer, in canonical order."""

    p: IntArray  # [E] first issue of the pair
    q: IntArray  # [E] second issue
    a: IntArray  # [E] lower actor index
    b: IntArray  # [E] higher actor index

    @classmethod
    def build(cls, actors: int, issues: int) -> Candidates:
        """All candidates for ``actors`` actors and ``issues`` issues."""
        issue_pairs = np.array(list(combinations(range(issues), 2)), dtype=np.intp).reshape(-1, 2)
        actor_pairs = np.array(list(combinations(range(actors), 2)), dtype=np.intp).reshape(-1, 2)
        p = np.repeat(issue_pairs[:, 0], len(actor_pairs))
        q = np.repeat(issue_pairs[:, 1], len(actor_pairs))
        a = np.tile(actor_pairs[:, 0], len(issue_pairs))
        b = np.tile(actor_pairs[:, 1], len(issue_pairs))
        return cls(p, q, a, b)

    @property
    def size(self) -> int:
        """Number of candidates E."""
        return len(self.p)


@dataclass
class Realized:
    """The k-th exchange carried out in a round, for every draw of a chunk (``[B]`` arrays).

    Actor ``i`` supplies (moves on) issue ``q`` and demands ``p``; actor ``j`` the reverse.
    ``done`` is False for draws that had no k-th exchange.
    """

    done: BoolArray
    i: IntArray
    j: IntArray
    p: IntArray
    q: IntArray
    start_i: FloatArray  # i's position on q when the exchange was carried out
    start_j: FloatArray
    y_i: FloatArray  # i's new (voting) position on q
    y_j: FloatArray
    origin_i: FloatArray  # i's position on q at the start of the round
    origin_j: FloatArray
    gain: FloatArray
    nbs0_i: FloatArray  # outcome of q before and after i's move, as the exchange saw it
    nbs1_i: FloatArray
    nbs0_j: FloatArray
    nbs1_j: FloatArray
    externality: FloatArray = field(default_factory=lambda: np.zeros(0))  # [B, A]


@dataclass
class _State:
    """The candidate exchanges of one round, ``[B, E]`` arrays (slot i supplies q, j supplies p)."""

    alive: BoolArray
    valid: BoolArray
    ai: IntArray
    aj: IntArray
    xs_i: FloatArray
    xs_j: FloatArray
    xd_i: FloatArray
    xd_j: FloatArray
    origin_i: FloatArray
    origin_j: FloatArray
    w_i: FloatArray
    w_j: FloatArray
    s_ip: FloatArray
    s_iq: FloatArray
    s_jp: FloatArray
    s_jq: FloatArray
    d_p: FloatArray
    d_q: FloatArray
    n_q: FloatArray  # Σ c s x on q with the exchange's own record of others' moves
    n_p: FloatArray
    own_i: FloatArray  # i's position on q within n_q
    own_j: FloatArray
    noted_i: BoolArray  # i's position on q is one recorded from another exchange
    noted_j: BoolArray
    noted: FloatArray  # [B, E, 2, A] positions recorded from other exchanges (NaN: none)
    frozen_sum_i: FloatArray
    frozen_min_i: FloatArray
    frozen_max_i: FloatArray
    frozen_sum_j: FloatArray
    frozen_min_j: FloatArray
    frozen_max_j: FloatArray
    move_i: FloatArray
    move_j: FloatArray
    y_i: FloatArray
    y_j: FloatArray
    gain: FloatArray
    nbs0_i: FloatArray
    nbs1_i: FloatArray
    nbs0_j: FloatArray
    nbs1_j: FloatArray


def _movable(
    move: FloatArray, start: FloatArray, total: FloatArray, low: FloatArray, high: FloatArray
) -> BoolArray:
    """The reference's test of a move: not tiny, inside the scale, the same way as before."""
    size = np.abs(move)
    after = start + move
    result: BoolArray = (
        (size <= SCALE + SLACK)
        & (size > TINY_MOVE)
        & (after >= -SLACK)
        & (after <= SCALE + SLACK)
        & (total + move <= SCALE + SLACK)
        & ((np.maximum(high, move) < 0) | (np.minimum(low, move) > 0))
    )
    return result


def _valid_moves(state: _State) -> BoolArray:
    left = _movable(
        state.move_i, state.xs_i, state.frozen_sum_i, state.frozen_min_i, state.frozen_max_i
    )
    right = _movable(
        state.move_j, state.xs_j, state.frozen_sum_j, state.frozen_min_j, state.frozen_max_j
    )
    result: BoolArray = left & right
    return result


def _check_outcome(state: _State, side: str, mask: BoolArray) -> None:
    """Keep the supplier's move from pushing the outcome past its partner's position.

    ``side`` is the supplier checked (``"i"`` or ``"j"``). Where the move would carry the
    weighted mean of the supply issue beyond the partner's position, the move is cut to reach
    it exactly and the partner's move rescaled to keep the gains equal (the reference's
    ``check_nbs``).
    """
    other = "j" if side == "i" else "i"
    sup, dem = ("q", "p") if side == "i" else ("p", "q")
    xs = getattr(state, f"xs_{side}")
    w = getattr(state, f"w_{side}")
    d = getattr(state, f"d_{sup}")
    n = getattr(state, f"n_{sup}")
    own = getattr(state, f"own_{side}")
    base = n - w * own
    nbs0 = (base + w * xs) / d
    nbs1 = (base + w * getattr(state, f"y_{side}")) / d
    target = getattr(state, f"xd_{other}")
    before = np.where(np.abs(target - nbs0) <= SLACK, 0.0, target - nbs0)
    after = np.where(np.abs(target - nbs1) <= SLACK, 0.0, target - nbs1)
    same_side = ((before >= 0) & (after >= 0)) | ((before <= 0) & (after <= 0))
    cut = mask & ~same_side
    at = np.where(getattr(state, f"noted_{side}"), own, xs)
    delta = np.abs((target * d - (base + w * at)) / w)
    shift = delta * w / d
    s_sup_self = getattr(state, f"s_{side}{sup}")
    s_dem_self = getattr(state, f"s_{side}{dem}")
    s_sup_other = getattr(state, f"s_{other}{dem}")
    s_dem_other = getattr(state, f"s_{other}{sup}")
    shift_other = (s_sup_self + s_dem_other) / (s_dem_self + s_sup_other) * shift
    w_other = getattr(state, f"w_{other}")
    d_other = getattr(state, f"d_{dem}")
    move_other = np.abs(shift_other * d_other / w_other)
    xs_other = getattr(state, f"xs_{other}")
    xd_self = getattr(state, f"xd_{side}")
    move_other = np.where(xs_other > xd_self, -move_other, move_other)
    move_self = np.where(xs > target, -delta, delta)
    y_self = xs + move_self
    gain = np.abs(shift_other * s_sup_other - shift * s_dem_other)
    setattr(state, f"move_{side}", np.where(cut, move_self, getattr(state, f"move_{side}")))
    setattr(state, f"move_{other}", np.where(cut, move_other, getattr(state, f"move_{other}")))
    setattr(state, f"y_{side}", np.where(cut, y_self, getattr(state, f"y_{side}")))
    setattr(state, f"y_{other}", np.where(cut, xs_other + move_other, getattr(state, f"y_{other}")))
    state.gain = np.where(cut, gain, state.gain)
    nbs1 = np.where(cut, (base + w * y_self) / d, nbs1)
    setattr(state, f"nbs0_{side}", np.where(mask, nbs0, getattr(state, f"nbs0_{side}")))
    setattr(state, f"nbs1_{side}", np.where(mask, nbs1, getattr(state, f"nbs1_{side}")))


def _calculate(state: _State, index: IntArray) -> None:
    """Recompute some candidates (flat indices into ``[B, E]``): gather, compute, scatter."""
    if index.size == 0:
        return
    blank = np.zeros(index.size)
    values: dict[str, Any] = {
        name: getattr(state, name).reshape(-1)[index]
        if name in _INPUTS
        else (blank if name in _OUTPUTS else _EMPTY)
        for name in _FIELDS
    }
    part = _State(**values)
    _calculate_all(part)
    for name in _OUTPUTS:
        np.put(getattr(state, name), index, getattr(part, name))


_OUTPUTS = (
    "move_i", "move_j", "y_i", "y_j", "gain", "valid", "nbs0_i", "nbs1_i", "nbs0_j", "nbs1_j",
)  # fmt: skip


_FIELDS = tuple(item.name for item in fields(_State))
_INPUTS = frozenset(_FIELDS) - {"noted", "alive", "ai", "aj", "origin_i", "origin_j", *_OUTPUTS}
_EMPTY = np.zeros(0)


def _calculate_all(state: _State) -> None:
    """Equal-gain exchange rates and moves for every candidate (reference ``calculate``).

    j first moves all the way to i's position on p; if i's equal-gain move on q would then
    overshoot j's position, i moves all the way instead and j's move is scaled down.
    """
    full_j = np.abs(state.xd_i - state.xs_j)
    dp = full_j * state.w_j / state.d_p
    dq = (state.s_jp + state.s_ip) / (state.s_jq + state.s_iq) * dp
    move_i = dq * state.d_q / state.w_i
    move_j = full_j
    full_i = np.abs(state.xd_j - state.xs_i)
    over = move_i > full_i
    dq = np.where(over, full_i * state.w_i / state.d_q, dq)
    dp = np.where(over, (state.s_iq + state.s_jq) / (state.s_ip + state.s_jp) * dq, dp)
    move_i = np.where(over, full_i, move_i)
    move_j = np.where(over, dp * state.d_p / state.w_j, move_j)
    move_i = np.where(state.xs_i > state.xd_j, -move_i, move_i)
    move_j = np.where(state.xs_j > state.xd_i, -move_j, move_j)
    state.move_i = move_i
    state.move_j = move_j
    state.y_i = state.xs_i + move_i
    state.y_j = state.xs_j + move_j
    state.gain = np.abs(dq * state.s_iq - dp * state.s_ip)
    weighty = (state.w_i > 0) & (state.w_j > 0)
    valid = weighty & _valid_moves(state) & (state.gain >= TINY_GAIN)
    _check_outcome(state, "i", valid)
    _check_outcome(state, "j", valid)
    state.valid = valid & _valid_moves(state)


def _initial_state(
    x: FloatArray, weight: FloatArray, salience: FloatArray, candidates: Candidates
) -> _State:
    draws = x.shape[0]
    total = weight.sum(axis=1)
    numerator = (weight * x).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        outcome = np.where(total > 0, numerator / np.where(total > 0, total, 1.0), 0.0)
    left = x <= outcome[:, None, :] + SLACK
    p, q, a, b = candidates.p, candidates.q, candidates.a, candidates.b
    opposite = (left[:, a, p] != left[:, b, p]) & (left[:, a, q] != left[:, b, q])
    first = np.where(~left[:, a, q], a, b)
    second = np.where(~left[:, a, q], b, a)
    row = np.arange(draws)[:, None]
    swap = salience[row, first, p] * salience[row, second, q] < (
        salience[row, second, p] * salience[row, first, q]
    )
    ai = np.where(swap, second, first)
    aj = np.where(swap, first, second)
    size = candidates.size
    shape = (draws, size)
    xs_i = x[row, ai, q]
    xs_j = x[row, aj, p]
    zeros = np.zeros(shape)
    return _State(
        alive=opposite,
        valid=np.zeros(shape, dtype=bool),
        ai=ai,
        aj=aj,
        xs_i=xs_i,
        xs_j=xs_j,
        xd_i=x[row, ai, p],
        xd_j=x[row, aj, q],
        origin_i=xs_i.copy(),
        origin_j=xs_j.copy(),
        w_i=weight[row, ai, q],
        w_j=weight[row, aj, p],
        s_ip=salience[row, ai, p],
        s_iq=salience[row, ai, q],
        s_jp=salience[row, aj, p],
        s_jq=salience[row, aj, q],
        d_p=total[:, p],
        d_q=total[:, q],
        n_q=numerator[:, q].copy(),
        n_p=numerator[:, p].copy(),
        own_i=xs_i.copy(),
        own_j=xs_j.copy(),
        noted_i=np.zeros(shape, dtype=bool),
        noted_j=np.zeros(shape, dtype=bool),
        noted=np.zeros((draws, size, 2, 0)),  # allocated by _compact
        frozen_sum_i=zeros.copy(),
        frozen_min_i=np.full(shape, np.inf),
        frozen_max_i=np.full(shape, -np.inf),
        frozen_sum_j=zeros.copy(),
        frozen_min_j=np.full(shape, np.inf),
        frozen_max_j=np.full(shape, -np.inf),
        move_i=zeros.copy(),
        move_j=zeros.copy(),
        y_i=zeros.copy(),
        y_j=zeros.copy(),
        gain=zeros.copy(),
        nbs0_i=zeros.copy(),
        nbs1_i=zeros.copy(),
        nbs0_j=zeros.copy(),
        nbs1_j=zeros.copy(),
    )


def _freeze(state: _State, side: str, index: IntArray) -> None:
    """Keep the current move of ``side`` in its history (the reference's list of moves)."""
    move = getattr(state, f"move_{side}").reshape(-1)[index]
    for name, update in (("sum", np.add), ("min", np.minimum), ("max", np.maximum)):
        array = getattr(state, f"frozen_{name}_{side}")
        np.put(array, index, update(array.reshape(-1)[index], move))


def _note(
    state: _State,
    index: IntArray,
    issue: IntArray,
    actor: IntArray,
    value: FloatArray,
    origin: FloatArray,
    x: FloatArray,
    weight: FloatArray,
    candidates: Candidates,
) -> None:
    """Record in some exchanges (flat indices) that ``actor`` now votes ``value`` on ``issue``.

    ``issue``, ``actor``, ``value`` and ``origin`` are ``[B]``, one per draw. An earlier record
    for the same actor and issue is kept if it lies between the actor's start and ``value``
    (the reference's ``update_updates``).
    """
    if index.size == 0:
        return
    draw, column = np.divmod(index, state.alive.shape[1])
    on = issue[draw]
    slot = np.where(on == candidates.q[column], 0, 1)
    who = actor[draw]
    old = state.noted[draw, column, slot, who]
    start, new = origin[draw], value[draw]
    kept = np.where(start <= old, np.minimum(old, new), np.maximum(old, new))
    chosen = np.where(np.isnan(old), new, kept)
    previous = np.where(np.isnan(old), x[draw, who, on], old)
    step = weight[draw, who, on] * (chosen - previous)
    state.noted[draw, column, slot, who] = chosen
    first = slot == 0
    np.put(state.n_q, index[first], state.n_q.reshape(-1)[index[first]] + step[first])
    np.put(state.n_p, index[~first], state.n_p.reshape(-1)[index[~first]] + step[~first])
    mine_i = first & (who == state.ai.reshape(-1)[index])
    mine_j = ~first & (who == state.aj.reshape(-1)[index])
    np.put(state.own_i, index[mine_i], chosen[mine_i])
    np.put(state.own_j, index[mine_j], chosen[mine_j])
    np.put(state.noted_i, index[mine_i], True)
    np.put(state.noted_j, index[mine_j], True)


def _recalculate(
    state: _State,
    done: Realized,
    x: FloatArray,
    weight: FloatArray,
    candidates: Candidates,
    by_actor: IntArray,
) -> None:
    """Update every remaining exchange after ``done`` was carried out (reference ``recalculate``).

    Only exchanges that involve one of its two actors can change; ``by_actor`` ``[A, K]`` lists
    them per actor (padded with -1).
    """
    size = state.alive.shape[1]
    near_i = by_actor[done.i]  # [B, K] the candidates that involve i or j
    near_j = by_actor[done.j]
    twice = candidates.a[near_j] + candidates.b[near_j] - done.j[:, None] == done.i[:, None]
    near_j = np.where(twice, -1, near_j)
    near = np.concatenate([near_i, near_j], axis=1)
    flat = (np.arange(len(done.done)) * size)[:, None] + near
    keep = (near >= 0) & done.done[:, None]
    keep[keep] = state.alive.reshape(-1)[flat[keep]]
    index = flat[keep]
    draw, column = np.divmod(index, size)
    p, q = candidates.p[column], candidates.q[column]
    ai, aj = state.ai.reshape(-1)[index], state.aj.reshape(-1)[index]
    ri, rj, rp, rq = done.i[draw], done.j[draw], done.p[draw], done.q[draw]
    y_i, y_j = done.y_i[draw], done.y_j[draw]
    i_as_i = (ai == ri) & (q == rq)
    i_as_j = (ai == rj) & (q == rp)
    j_as_i = (aj == ri) & (p == rq)
    j_as_j = (aj == rj) & (p == rp)
    np.put(state.xs_i, index[i_as_i], y_i[i_as_i])
    np.put(state.xs_i, index[i_as_j], y_j[i_as_j])
    np.put(state.xs_j, index[j_as_i], y_i[j_as_i])
    np.put(state.xs_j, index[j_as_j], y_j[j_as_j])
    moved_i = i_as_i | i_as_j
    moved_j = j_as_i | j_as_j
    _freeze(state, "i", index[moved_i])
    _freeze(state, "j", index[moved_j])
    first = ((rj == aj) & (rq == q)) | ((rj == ai) & (rq == p))
    _note(state, index[first], done.q, done.i, done.y_i, done.origin_i, x, weight, candidates)
    second = ((ri == aj) & (rp == q)) | ((ri == ai) & (rp == p))
    _note(state, index[second], done.p, done.j, done.y_j, done.origin_j, x, weight, candidates)
    changed = index[moved_i | moved_j | first | second]
    _calculate(state, changed)
    np.put(state.alive, changed, state.valid.reshape(-1)[changed])


def _take(array: FloatArray, index: IntArray) -> FloatArray:
    taken: FloatArray = np.take_along_axis(array, index[:, None], axis=1)[:, 0]
    return taken


def _take_int(array: IntArray, index: IntArray) -> IntArray:
    taken: IntArray = np.take_along_axis(array, index[:, None], axis=1)[:, 0]
    return taken


def _pick(state: _State, x: FloatArray, salience: FloatArray, candidates: Candidates) -> Realized:
    """Carry out, in every draw, the valid exchange with the highest gain."""
    gain = np.where(state.alive, state.gain, -np.inf)
    best = gain.max(axis=1)
    done: BoolArray = np.asarray(state.alive.any(axis=1))
    chosen = state.alive & (gain >= best[:, None] - SLACK)
    index = np.argmax(chosen, axis=1)
    draws = np.arange(len(index))
    state.alive[draws, index] = False
    i, j = _take_int(state.ai, index), _take_int(state.aj, index)
    p, q = candidates.p[index], candidates.q[index]
    realized = Realized(
        done=done,
        i=i,
        j=j,
        p=p,
        q=q,
        start_i=_take(state.xs_i, index),
        start_j=_take(state.xs_j, index),
        y_i=_take(state.y_i, index),
        y_j=_take(state.y_j, index),
        origin_i=_take(state.origin_i, index),
        origin_j=_take(state.origin_j, index),
        gain=np.where(done, _take(state.gain, index), 0.0),
        nbs0_i=_take(state.nbs0_i, index),
        nbs1_i=_take(state.nbs1_i, index),
        nbs0_j=_take(state.nbs0_j, index),
        nbs1_j=_take(state.nbs1_j, index),
    )
    realized.externality = _externalities(realized, x, salience)
    return realized


def _externalities(done: Realized, x: FloatArray, salience: FloatArray) -> FloatArray:
    """``[B, A]`` what the exchange does to every actor: own gain, or the shift of the outcomes.

    A third actor gains where an outcome moves toward its position and loses where it moves
    away, weighted by its salience (Stokman & Van den Bos 1992; the reference's
    ``actor_externalities``).
    """
    row = np.arange(len(done.done))
    on_p = x[row, :, done.p]
    on_q = x[row, :, done.q]
    value = (np.abs(done.nbs0_j[:, None] - on_p) - np.abs(done.nbs1_j[:, None] - on_p)) * salience[
        row, :, done.p
    ] + (np.abs(done.nbs0_i[:, None] - on_q) - np.abs(done.nbs1_i[:, None] - on_q)) * salience[
        row, :, done.q
    ]
    actors = np.arange(x.shape[1])[None, :]
    own = (actors == done.i[:, None]) | (actors == done.j[:, None])
    value = np.where(own, done.gain[:, None], value)
    result: FloatArray = np.where(done.done[:, None], value, 0.0)
    return result


def _compact(state: _State, candidates: Candidates, actors: int) -> tuple[_State, Candidates]:
    """Drop the candidates that no draw of the chunk can carry out this round."""
    keep = state.alive.any(axis=0)
    values = {
        name: np.ascontiguousarray(getattr(state, name)[:, keep])
        for name in _FIELDS
        if name != "noted"
    }
    values["noted"] = np.full((state.alive.shape[0], int(keep.sum()), 2, actors), np.nan)
    chosen = Candidates(
        candidates.p[keep], candidates.q[keep], candidates.a[keep], candidates.b[keep]
    )
    return _State(**values), chosen


def _by_actor(candidates: Candidates, actors: int) -> IntArray:
    """``[A, K]`` the candidates each actor takes part in, padded with -1."""
    lists = [np.flatnonzero((candidates.a == k) | (candidates.b == k)) for k in range(actors)]
    width = max([len(item) for item in lists] + [1])
    table = np.full((actors, width), -1, dtype=np.intp)
    for k, item in enumerate(lists):
        table[k, : len(item)] = item
    return table


@dataclass(frozen=True)
class RoundResult:
    """One round for a chunk of draws: voting positions, next round's positions, exchanges."""

    voting: FloatArray  # [B, A, I]
    position: FloatArray  # [B, A, I]
    exchanges: list[Realized]


def exchange_round(
    x: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    candidates: Candidates,
    *,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
) -> RoundResult:
    """One round of the equal-gain exchange model on positions ``x`` on [0, 100].

    Parameters
    ----------
    x, salience
        ``[B, A, I]`` positions (on [0, 100]) and saliences (on [0, 1]).
    capability
        ``[B, A]`` capabilities.
    candidates
        :meth:`Candidates.build` for A actors and I issues.
    salience_weight, fixed_weight
        How far an actor's position moves toward its voting position after the round:
        x' = x + (fixed_weight + salience_weight (1 − s)) (y − x).

    Returns
    -------
    RoundResult
        Voting positions after the exchanges, positions for the next round, and the exchanges
        carried out, in order.
    """
    weight = capability[:, :, None] * salience
    state = _initial_state(x, weight, salience, candidates)
    with np.errstate(invalid="ignore", divide="ignore"):
        _calculate(state, np.flatnonzero(state.alive))
        state.alive &= state.valid
        state, candidates = _compact(state, candidates, x.shape[1])
        by_actor = _by_actor(candidates, x.shape[1])
        exchanges: list[Realized] = []
        while state.alive.any():
            done = _pick(state, x, salience, candidates)
            exchanges.append(done)
            _recalculate(state, done, x, weight, candidates, by_actor)
    row = np.arange(x.shape[0])
    voting = x.copy()
    for done in exchanges:
        keep = done.done
        voting[row[keep], done.i[keep], done.q[keep]] = done.y_i[keep]
        voting[row[keep], done.j[keep], done.p[keep]] = done.y_j[keep]
    position = voting.copy()
    for done in exchanges:
        keep = done.done
        for actor, issue, origin, vote in (
            (done.i, done.q, done.origin_i, done.y_i),
            (done.j, done.p, done.origin_j, done.y_j),
        ):
            share = fixed_weight + salience_weight * (1.0 - salience[row, actor, issue])
            moved = origin + share * (vote - origin)
            position[row[keep], actor[keep], issue[keep]] = moved[keep]
    return RoundResult(voting, position, exchanges)


@dataclass(frozen=True)
class Potential:
    """The exchanges on offer at the start of a round (``[B, E]``; ``valid`` marks the real ones).

    Actor ``i`` moves on issue ``q`` from ``xs_i`` to ``y_i`` (toward ``j``); ``j`` on ``p``
    from ``xs_j`` to ``y_j``; both gain ``gain``. Positions on [0, 100].
    """

    valid: BoolArray
    i: IntArray
    j: IntArray
    p: IntArray
    q: IntArray
    xs_i: FloatArray
    y_i: FloatArray
    xs_j: FloatArray
    y_j: FloatArray
    gain: FloatArray


def potential_exchanges(x: FloatArray, capability: FloatArray, salience: FloatArray) -> Potential:
    """Every equal-gain exchange that pays at positions ``x`` (``[B, A, I]`` on [0, 100])."""
    draws, actors, issues = x.shape
    candidates = Candidates.build(actors, issues)
    state = _initial_state(x, capability[:, :, None] * salience, salience, candidates)
    with np.errstate(invalid="ignore", divide="ignore"):
        _calculate(state, np.flatnonzero(state.alive))
    shape = (draws, candidates.size)
    return Potential(
        valid=state.alive & state.valid,
        i=state.ai,
        j=state.aj,
        p=np.broadcast_to(candidates.p, shape),
        q=np.broadcast_to(candidates.q, shape),
        xs_i=state.xs_i,
        y_i=state.y_i,
        xs_j=state.xs_j,
        y_j=state.y_j,
        gain=state.gain,
    )
