"""The steps of the batched EUM round (accord.models.eum_kernels) against direct formulas.

Each kernel is checked on random sorted positions with shared positions, one draw per column,
against the O(A³) sums of Scholz, Calbert & Smith (2011) written out plainly.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.models import eum_kernels as kernels


def _sorted_draws(seed: int, actors: int = 7, draws: int = 5) -> tuple[np.ndarray, ...]:
    """``[A, B]`` sorted positions (some shared), weights, saliences, and R per draw."""
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, 5, (actors, draws)) / 4
    position = np.sort(
        np.where(rng.uniform(size=grid.shape) < 0.5, grid, rng.uniform(size=grid.shape)), axis=0
    )
    position[3] = position[2]  # a shared position in every draw (sorting is kept)
    weight = rng.uniform(0.0, 2.0, (actors, draws))
    weight[0, 0] = 0.0  # a voter with no weight
    salience = rng.uniform(0.05, 1.0, (actors, draws))
    span = np.maximum(position[-1] - position[0], 1.0)
    return position, weight, salience, span


def _direct_support(x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float) -> np.ndarray:
    """N[i, j] = Σ_k w_k max(0, d_kj^{r_k} − d_ki^{r_k}) for one draw."""
    d = np.abs(x[:, None] - x[None, :]) / span
    powered = d ** r[:, None]  # [k, t]
    votes = w[:, None, None] * (powered[:, None, :] - powered[:, :, None])  # [k, i, j]
    return np.maximum(votes, 0.0).sum(axis=0)


@pytest.mark.parametrize("power", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_support_and_its_normaliser_match_the_direct_sums(power: bool, seed: int) -> None:
    position, weight, _, span = _sorted_draws(seed)
    actors, draws = position.shape
    layout = kernels._layout(actors)
    pairs = kernels._pairs(position, span, layout)
    exponent = np.random.default_rng(seed).uniform(0.5, 2.0, (actors, draws))
    if power:
        table = np.log(np.maximum(pairs.extended, kernels.FLOOR))
        support = kernels._support(pairs, table, weight, exponent, layout)
    else:
        support = kernels._support(pairs, pairs.extended, weight, None, layout)
    assert support.values.shape == (2, layout.first.size, draws)
    for draw in range(draws):
        r = exponent[:, draw] if power else np.ones(actors)
        direct = _direct_support(position[:, draw], weight[:, draw], r, span[draw])
        stacked = support.values.reshape(-1, draws)[:, draw]  # layout.mover/other order
        assert stacked == pytest.approx(direct[layout.mover, layout.other], abs=1e-12)
        assert support.inverse[draw] == pytest.approx(1.0 / (2.0 * direct.sum()), rel=1e-12)
        tied = position[layout.mover, draw] == position[layout.other, draw]
        assert tied.any() and np.all(stacked[tied] == 0.0)  # exactly, not nearly


def test_no_support_gives_zero_probabilities() -> None:
    position = np.array([[0.0], [0.5], [1.0]])
    layout = kernels._layout(3)
    pairs = kernels._pairs(position, np.ones(1), layout)
    support = kernels._support(pairs, pairs.extended, np.zeros((3, 1)), None, layout)
    assert np.all(support.values == 0.0) and support.inverse[0] == 1.0
    assert np.all(kernels._probability(support, "scholz-code", layout) == 0.0)


def test_weights_are_divided_by_their_sum_in_each_draw() -> None:
    weight = np.array([[1e-310, 0.0, 3.0], [3e-310, 0.0, 1.0]])
    assert np.array_equal(kernels.normalised(weight), [[0.25, 0.0, 0.75], [0.75, 0.0, 0.25]])


@pytest.mark.parametrize("seed", range(4))
def test_risk_exponents_match_the_security_levels(seed: int) -> None:
    position, weight, salience, span = _sorted_draws(seed)
    actors, draws = position.shape
    layout = kernels._layout(actors)
    pairs = kernels._pairs(position, span, layout)
    support = kernels._support(pairs, pairs.extended, weight, None, layout)
    exponent = kernels._risk_exponent(
        pairs, position, span, None, support, "scholz-code", salience, 1.0, layout
    )
    for draw in range(draws):
        x, s = position[:, draw], salience[:, draw]
        n = _direct_support(x, weight[:, draw], np.ones(actors), span[draw])
        p = n / (2.0 * n.sum())
        d = np.abs(x[:, None] - x[None, :]) / span[draw]
        # Sec_t = Σ_c E_c(U_ct) at r = 1: d_ct (2 − 4 s_t (1 − P_ct)), summed over challengers c.
        security = (d * (2.0 - 4.0 * s[None, :] * (1.0 - p))).sum(axis=0)
        scaled = (2 * security - security.max() - security.min()) / np.ptp(security)
        expected = (1 - scaled / 3) / (1 + scaled / 3)
        assert exponent[:, draw] == pytest.approx(expected, abs=1e-12)
        assert [exponent[:, draw].min(), exponent[:, draw].max()] == pytest.approx([0.5, 2.0])


def test_sums_over_actors_do_not_depend_on_the_batch() -> None:
    rng = np.random.default_rng(3)
    for rows in range(1, 40):
        values = rng.standard_normal((rows, 6)) * 10.0 ** rng.uniform(-6, 6, (rows, 1))
        together = kernels._sum_leading(values)
        alone = [kernels._sum_leading(values[:, [b]])[0] for b in range(6)]
        assert np.array_equal(together, alone)
        assert together == pytest.approx(values.sum(axis=0), rel=1e-9, abs=1e-9)
