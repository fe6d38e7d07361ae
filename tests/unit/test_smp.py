"""Unit tests of the SMP port: batching, stopping, options, and each kernel against KTAB's rules."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from accord.errors import InputError
from accord.models import smp_kernels as kernels
from accord.models.base import get_model
from accord.models.smp import SMPModel
from accord.scenario.compile import Problem


def _problem(seed: int, draws: int = 1, actors: int = 6, issues: int = 2) -> Problem:
    rng = np.random.default_rng(seed)
    salience = rng.uniform(0.1, 1.0, (draws, actors, issues))
    salience /= salience.sum(axis=-1, keepdims=True) * rng.uniform(1.0, 1.3, (draws, actors, 1))
    return Problem.from_arrays(
        rng.uniform(10, 200, (draws, actors)),
        np.round(rng.uniform(0, 1, (draws, actors, issues)), 2),
        salience,
    )


def _stack(*problems: Problem) -> Problem:
    return Problem.from_arrays(
        np.concatenate([p.capability for p in problems]),
        np.concatenate([p.position for p in problems]),
        np.concatenate([p.salience for p in problems]),
    )


def test_registered_with_smpc_defaults() -> None:
    model = get_model("smp")
    assert isinstance(model, SMPModel)
    assert dataclasses.asdict(model) == {
        "victory_model": "linear",
        "pce_model": "conditional",
        "voting_rule": "proportional",
        "big_r_range": "mid",
        "big_r_adjust": "one_third",
        "third_party_commit": "semi",
        "bargain_interpolation": "s2p2",
        "max_steps": 100,
        "min_steps": 2,
        "stop_tolerance": 0.02,
        "position_tolerance": 1e-3,
        "chunk_size": None,
        "within_zone": False,
    }


def test_batch_of_identical_draws_equals_single() -> None:
    single = _problem(3)
    batch = _stack(*[single] * 4)
    one, many = SMPModel().run(single), SMPModel().run(batch)
    np.testing.assert_array_equal(many.settlement, np.repeat(one.settlement, 4, axis=0))
    for key in ("positions", "probabilities", "fractional_change", "most_likely"):
        np.testing.assert_array_equal(many.trace[key], np.repeat(one.trace[key], 4, axis=0))
    assert list(many.diagnostics["steps"]) == [one.diagnostics["steps"][0]] * 4


def test_stacked_problems_equal_separate_runs() -> None:
    first, second = _problem(11), _problem(12)
    a, b = SMPModel().run(first), SMPModel().run(second)
    steps = (int(a.diagnostics["steps"][0]), int(b.diagnostics["steps"][0]))
    assert steps[0] != steps[1]  # so the batch exercises per-draw stopping
    both = SMPModel().run(_stack(first, second))
    np.testing.assert_array_equal(both.diagnostics["steps"], steps)
    np.testing.assert_array_equal(both.settlement, np.concatenate([a.settlement, b.settlement]))
    for draw, alone in enumerate((a, b)):
        length = steps[draw] + 1
        for key in ("positions", "probabilities", "fractional_change"):
            np.testing.assert_array_equal(both.trace[key][draw, :length], alone.trace[key][0])
        # after stopping, a draw repeats its final state and reports no further change
        np.testing.assert_array_equal(
            both.trace["positions"][draw, length:],
            np.broadcast_to(
                alone.trace["positions"][0, -1], both.trace["positions"][draw, length:].shape
            ),
        )
        assert np.all(np.isnan(both.trace["fractional_change"][draw, length:]))


def test_chunk_size_does_not_change_results() -> None:
    problem = _stack(*(_problem(seed) for seed in range(20, 25)))
    whole, pieces = SMPModel().run(problem), SMPModel(chunk_size=2).run(problem)
    np.testing.assert_array_equal(whole.settlement, pieces.settlement)
    np.testing.assert_array_equal(whole.diagnostics["steps"], pieces.diagnostics["steps"])
    np.testing.assert_array_equal(whole.trace["positions"], pieces.trace["positions"])


def test_unanimity_nothing_moves() -> None:
    base = _problem(5, draws=2, actors=5, issues=3)
    point = np.array([0.3, 0.71, 0.05])
    problem = Problem.from_arrays(
        base.capability, np.broadcast_to(point, base.position.shape), base.salience
    )
    outcome = SMPModel().run(problem)
    positions = outcome.trace["positions"]
    assert np.all(positions == point)
    np.testing.assert_array_equal(outcome.settlement, np.broadcast_to(point, (2, 3)))
    np.testing.assert_array_equal(outcome.trace["most_likely"], np.broadcast_to(point, (2, 3)))
    assert list(outcome.diagnostics["steps"]) == [2, 2]  # smpc stops at its minimum of 2
    np.testing.assert_array_equal(outcome.trace["probabilities"], 1.0)


def test_trace_layout() -> None:
    problem = _problem(8, draws=2, actors=5, issues=3)
    outcome = SMPModel().run(problem)
    length = int(outcome.diagnostics["steps"].max()) + 1
    assert outcome.trace["positions"].shape == (2, length, 5, 3)
    assert outcome.trace["probabilities"].shape == (2, length, 5)
    assert outcome.trace["fractional_change"].shape == (2, length)
    assert outcome.trace["most_likely"].shape == (2, 3)
    assert np.all(np.isnan(outcome.trace["fractional_change"][:, 0]))
    first = outcome.trace["fractional_change"][:, 1]
    assert np.all((first > 0.99) & (first < 1.0))  # D(1) / (D(1) + 1e-4)
    assert np.all((outcome.trace["probabilities"] > 0) & (outcome.trace["probabilities"] <= 1))


def test_coinciding_actors_share_a_probability() -> None:
    position = np.array([[0.2], [0.2], [0.8], [0.5]])
    outcome = SMPModel(max_steps=1).run(
        Problem.from_arrays([50.0, 60.0, 70.0, 40.0], position, np.full((4, 1), 0.6))
    )
    start = outcome.trace["probabilities"][0, 0]
    assert start[0] == start[1]
    assert math.isclose(start[1:].sum(), 1.0)  # unique positions: 0.2, 0.8, 0.5


def test_max_steps_caps_the_run() -> None:
    outcome = SMPModel(max_steps=3, stop_tolerance=0.0).run(_problem(2))
    assert int(outcome.diagnostics["steps"][0]) == 3
    assert outcome.trace["positions"].shape[1] == 4


OPTIONS = [
    (field, value)
    for field, values in (
        ("victory_model", kernels.VICTORY_MODELS),
        ("pce_model", kernels.PCE_MODELS),
        ("voting_rule", kernels.VOTING_RULES),
        ("big_r_range", kernels.BIG_R_RANGES),
        ("big_r_adjust", kernels.BIG_R_ADJUSTS),
        ("third_party_commit", kernels.THIRD_PARTY_COMMITS),
        ("bargain_interpolation", kernels.BARGAIN_INTERPOLATIONS),
    )
    for value in values
]


@pytest.mark.parametrize(("field", "value"), OPTIONS)
def test_every_option_runs(field: str, value: str) -> None:
    model = dataclasses.replace(SMPModel(max_steps=20), **{field: value})
    outcome = model.run(_problem(4, draws=2))
    assert np.all(np.isfinite(outcome.settlement))
    assert np.all((outcome.settlement >= 0) & (outcome.settlement <= 1))
    assert np.all((outcome.diagnostics["steps"] >= 1) & (outcome.diagnostics["steps"] <= 20))
    final = outcome.trace["probabilities"][:, -1]
    assert np.all(np.isfinite(final))


@pytest.mark.parametrize(
    "change",
    [{"voting_rule": "majority"}, {"pce_model": "x"}, {"max_steps": 0}, {"chunk_size": 0}],
)
def test_bad_options_are_input_errors(change: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        dataclasses.replace(SMPModel(), **change).run(_problem(1))


# ---- kernels against KTAB's scalar definitions ----


def test_utility_is_ktab_bsutil() -> None:
    distance = np.array([0.0, 0.25, 1.0, 1.2])
    risk = np.array([0.5, -0.5, 1.0, 0.5])
    expected = [1.0, 0.75 * (1 - 0.125), 0.0, (1 - 1.2) * 1.5]
    np.testing.assert_allclose(kernels.utility(distance, risk), expected, rtol=1e-15)


def test_round4_is_ktabs() -> None:
    values = np.array([0.12344999, 0.12345001, 0.0, 1.0, 0.99996])
    np.testing.assert_array_equal(kernels.round4(values), [0.1234, 0.1235, 0.0, 1.0, 1.0])


def test_big_r_mid_spans_minus_half_to_one() -> None:
    risk = kernels.big_r(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]), "mid")
    np.testing.assert_allclose(risk, [[-0.5, -0.25, 1.0], [1.0, 1.0, -0.5]])
    assert np.all(kernels.big_r(np.full((1, 3), 1 / 3), "mid") == 0.0)  # degenerate: neutral


def test_victory_probabilities_are_complementary() -> None:
    strength = np.random.default_rng(0).uniform(0.1, 5, (2, 4, 4))
    for model in kernels.VICTORY_MODELS:
        probability = kernels.victory(model, strength)
        np.testing.assert_allclose(probability + np.swapaxes(probability, 1, 2), 1.0)
        assert np.all(np.diagonal(probability, axis1=1, axis2=2) == 0.5)


def test_conditional_pce_is_the_normalised_product_over_each_subset() -> None:
    rng = np.random.default_rng(1)
    strength = rng.uniform(0.1, 5, (1, 5, 5))
    probability = kernels.victory("linear", strength)
    mask = np.array([[[True] * 5, [True, False, True, False, True]]])
    result = kernels.pce("conditional", probability, strength, mask)
    for row in range(2):
        chosen = np.flatnonzero(mask[0, row])
        product = np.array([np.prod(probability[0, m, chosen]) for m in chosen])
        np.testing.assert_allclose(result[0, row, chosen], product / product.sum(), rtol=1e-12)
        assert np.all(result[0, row, ~mask[0, row]] == 0)


@pytest.mark.parametrize("model", ["markov_uniform", "markov_incentive"])
def test_markov_pce_is_a_stationary_distribution(model: kernels.PCEModel) -> None:
    strength = np.random.default_rng(2).uniform(0.1, 5, (2, 4, 4))
    probability = kernels.victory("linear", strength)
    mask = np.ones((2, 1, 4), dtype=bool)
    result = kernels.pce(model, probability, strength, mask)[:, 0]
    np.testing.assert_allclose(result.sum(axis=-1), 1.0)
    if model == "markov_uniform":  # q_i = Σ_j P_ij (p_i + p_j) / n, at the fixed point
        update = (result * probability.sum(-1) + np.einsum("bij,bj->bi", probability, result)) / 4
        np.testing.assert_allclose(update, result, atol=1e-5)


def test_representatives_follow_ktabs_greedy_chain() -> None:
    # 0 ~ 1 and 1 ~ 2 but not 0 ~ 2: KTAB keeps 0 and 2 as unique positions; actor 1 reports
    # the last representative it is close to (2), as State::posProb does.
    position = np.array([[[0.1], [0.1008], [0.1016], [0.5]]])
    rep, last = kernels.representatives(position, 1e-3)
    np.testing.assert_array_equal(rep, [[True, False, True, True]])
    np.testing.assert_array_equal(last, [[0, 2, 2, 3]])


def _ktab_vote(rule: str, weight: float, gain: float) -> float:
    return float(kernels.vote(rule, np.array(weight), np.array(gain)))  # type: ignore[arg-type]


def _naive_challenges(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    perceived: np.ndarray,
    rule: str,
    commit: str,
) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's SMPState::probEduChlg(i, i, i, j), transcribed loop by loop for one draw."""
    count = len(capability)

    def distance(a: int, m: int) -> float:
        weighted = salience[a] * (position[a] - position[m])
        return math.sqrt(float((weighted**2).sum() / (salience[a] ** 2).sum()))

    def util(h: int, a: int, m: int) -> float:
        d, r = distance(a, m), perceived[h, a]
        return (1 - d) * (1 + d * r) if d <= 1 else (1 - d) * (1 + r)

    total = salience.sum(axis=1)
    gain = np.full((count, count), -np.inf)
    chance = np.full((count, count), 0.5)  # i against itself: an even contest
    for i in range(count):
        for j in range(count):
            if i == j:
                continue
            uii, uij, uji, ujj = util(i, i, i), util(i, i, j), util(i, j, i), util(i, j, j)
            ci = _ktab_vote(rule, total[i] * capability[i], uii - uij)
            cj = _ktab_vote(rule, total[j] * capability[j], uji - ujj)
            chij = 1e-10 + max(ci, 0) + max(cj, 0)
            chji = 1e-10 + max(-ci, 0) + max(-cj, 0)
            base_i, base_j = chij, chji
            for n in range(count):
                if n in (i, j):
                    continue
                uni, unj, unn = util(i, n, i), util(i, n, j), util(i, n, n)
                weight = total[n] * capability[n]
                little = _ktab_vote(rule, weight, uni - unj)
                cni = base_i + little if little > 0 else base_i
                cnj = base_j - little if little < 0 else base_j
                pin = cni / (cni + cnj)
                if commit == "semi":
                    ahead = pin * (uni + uni + unn) + (1 - pin) * (unj + unj + unj)
                    behind = pin * (uni + uni + uni) + (1 - pin) * (unj + unj + unn)
                else:
                    ahead = behind = 0.0
                vote = _ktab_vote(rule, weight, ahead - behind)
                chij += max(vote, 0)
                chji += max(-vote, 0)
            pij, pji = chij / (chij + chji), chji / (chij + chji)
            contest = pij * (uii + uii) + pji * (uij + uij)
            gain[i, j] = (1 - total[j]) * (uii + uii) + total[j] * contest - (uii + uij)
            chance[i, j] = pij
    return gain, chance


@pytest.mark.parametrize(
    ("rule", "commit"),
    [("proportional", "semi"), ("cubic", "semi"), ("prop_bin", "semi"), ("proportional", "full")],
)
def test_challenge_kernel_matches_ktab_loops(rule: kernels.VotingRule, commit: str) -> None:
    problem = _problem(6, draws=2, actors=6, issues=3)
    position, salience, capability = problem.position, problem.salience, problem.capability
    risk = np.random.default_rng(9).uniform(-0.5, 1.0, (2, 6))
    perceived = kernels.perceived_risk(risk, "one_third")
    distance = kernels.distances(position, salience, position)
    curvature = (1 - distance) * np.minimum(distance, 1)
    total = salience.sum(axis=-1)
    gain, chance = kernels.challenges(
        distance,
        curvature,
        perceived,
        total * capability,
        total,
        rule,
        commit,  # type: ignore[arg-type]
        block_elements=1,  # one challenger per block: exercises the blocking
    )
    for draw in range(2):
        expected_gain, expected_chance = _naive_challenges(
            position[draw], salience[draw], capability[draw], perceived[draw], rule, commit
        )
        np.testing.assert_allclose(gain[draw], expected_gain, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(chance[draw], expected_chance, rtol=1e-9, atol=1e-12)


def test_bargain_is_ktabs_s2p2_interpolation() -> None:
    position = np.array([[[0.2, 0.9], [0.6, 0.1]]])
    salience = np.array([[[0.5, 0.3], [0.2, 0.7]]])
    initiator, receiver = kernels.bargains(
        position, salience, np.array([[1, 0]]), np.array([[0.7, 0.4]]), "s2p2"
    )
    wi, wj = (0.5**2) * (0.7**2), (0.2**2) * (0.3**2)
    expected = round(((wi + 1e-6) * 0.2 + wj * 0.6) / (wi + 1e-6 + wj), 4)
    assert initiator[0, 0, 0] == pytest.approx(expected, abs=1e-12)
    expected_j = round((wi * 0.2 + (1e-6 + wj) * 0.6) / (wi + 1e-6 + wj), 4)
    assert receiver[0, 0, 0] == pytest.approx(expected_j, abs=1e-12)
    np.testing.assert_allclose(initiator * 1e4, np.round(initiator * 1e4), atol=1e-9)


def test_symmetric_ties_do_not_depend_on_round_off() -> None:
    # Two mirror-image actors tie in every election; smpc's queue order must decide, not the
    # last bit of a coordinate (rescaling an issue's scale changes such bits).
    outcomes = [
        SMPModel().run(Problem.from_arrays([1.0, 1.0], [[first], [1.0]], [[0.5], [0.5]]))
        for first in (0.1, 0.1 + 2**-56, 0.1 - 2**-56)
    ]
    for outcome in outcomes[1:]:
        np.testing.assert_allclose(outcome.settlement, outcomes[0].settlement, atol=1e-12)
        assert outcome.diagnostics["steps"][0] == outcomes[0].diagnostics["steps"][0]
