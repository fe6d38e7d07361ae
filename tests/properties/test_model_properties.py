"""Properties of the models, gated by the traits each declares (STYLE.md, tests §2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accord.models.base import get_model, registry
from accord.scenario.compile import Problem

MODELS = sorted(registry())
TOL = 1e-5


@st.composite
def problems(draw: st.DrawFn, max_actors: int = 6, max_issues: int = 3) -> Problem:
    actors = draw(st.integers(2, max_actors))
    issues = draw(st.integers(1, max_issues))
    unit = st.floats(0.0, 1.0, allow_nan=False, width=64)
    grid = st.sampled_from(np.linspace(0, 1, 11).tolist())
    position = draw(arrays(np.float64, (actors, issues), elements=st.one_of(unit, grid)))
    salience = draw(arrays(np.float64, (actors, issues), elements=st.floats(0.05, 1.0)))
    capability = draw(arrays(np.float64, (actors,), elements=st.floats(0.1, 10.0)))
    return Problem.from_arrays(capability, position, salience)


def _run(name: str, problem: Problem) -> np.ndarray:
    return get_model(name).run(problem, rng=0).settlement


def _traits(name: str):  # type: ignore[no-untyped-def]
    return registry()[name].traits


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems(), point=st.floats(0.0, 1.0))
def test_unanimity(name: str, problem: Problem, point: float) -> None:
    if not _traits(name).unanimity:
        pytest.skip("model does not promise unanimity")
    same = Problem.from_arrays(
        problem.capability, np.full_like(problem.position, point), problem.salience
    )
    assert np.allclose(_run(name, same), point, atol=TOL)


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems())
def test_stays_within_range_of_positions(name: str, problem: Problem) -> None:
    if not _traits(name).stays_in_range:
        pytest.skip("model does not promise to stay in range")
    settlement = _run(name, problem)
    assert np.all(settlement >= problem.position.min(axis=1) - TOL)
    assert np.all(settlement <= problem.position.max(axis=1) + TOL)


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems(), seed=st.integers(0, 2**32 - 1))
def test_actor_order_does_not_matter(name: str, problem: Problem, seed: int) -> None:
    if not _traits(name).order_invariant:
        pytest.skip("model depends on actor order")
    order = np.random.default_rng(seed).permutation(problem.n_actors)
    shuffled = Problem.from_arrays(
        problem.capability[:, order], problem.position[:, order], problem.salience[:, order]
    )
    assert np.allclose(_run(name, shuffled), _run(name, problem), atol=TOL)


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems(), factor=st.floats(0.01, 100.0))
def test_scaling_every_capability_changes_nothing(
    name: str, problem: Problem, factor: float
) -> None:
    if not _traits(name).capability_scale_invariant:
        pytest.skip("model is not capability-scale invariant")
    scaled = Problem.from_arrays(problem.capability * factor, problem.position, problem.salience)
    assert np.allclose(_run(name, scaled), _run(name, problem), atol=TOL)


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems(max_actors=5), position=st.floats(0.0, 1.0))
def test_zero_capability_actor_changes_nothing(
    name: str, problem: Problem, position: float
) -> None:
    if not _traits(name).zero_capability_inert:
        pytest.skip("a zero-capability actor can matter in this model")
    issues = problem.n_issues
    bigger = Problem.from_arrays(
        np.concatenate([problem.capability, np.zeros((1, 1))], axis=1),
        np.concatenate([problem.position, np.full((1, 1, issues), position)], axis=1),
        np.concatenate([problem.salience, np.full((1, 1, issues), 0.5)], axis=1),
    )
    assert np.allclose(_run(name, bigger), _run(name, problem), atol=TOL)


@pytest.mark.parametrize("name", MODELS)
@given(problem=problems(), scale=st.floats(0.1, 5.0), shift=st.floats(-3.0, 3.0))
def test_affine_rescaling_of_scale(name: str, problem: Problem, scale: float, shift: float) -> None:
    """Rescaling an issue's scale maps the forecast the same way: models see [0, 1] only,
    so compile a scenario on two scales and compare forecasts in units."""
    if not _traits(name).affine_equivariant:
        pytest.skip("model is not affine equivariant")
    from accord.scenario import compile, parse

    def scenario(low: float, high: float) -> Problem:
        span = high - low
        data = {
            "id": "affine",
            "title": "affine",
            "issues": [
                {"id": f"i{d}", "name": f"i{d}", "min": low, "max": high}
                for d in range(problem.n_issues)
            ],
            "actors": [
                {
                    "id": f"a{a}",
                    "name": f"a{a}",
                    "capability": float(problem.capability[0, a]),
                    "positions": {
                        f"i{d}": low + span * float(problem.position[0, a, d])
                        for d in range(problem.n_issues)
                    },
                    "salience": {
                        f"i{d}": 100 * float(problem.salience[0, a, d])
                        for d in range(problem.n_issues)
                    },
                }
                for a in range(problem.n_actors)
            ],
        }
        return compile(parse(data, "generated"))

    base, moved = scenario(0.0, 1.0), scenario(shift, shift + scale)
    expected = shift + scale * base.to_units(_run(name, base))
    assert np.allclose(moved.to_units(_run(name, moved)), expected, atol=TOL * scale * 10)
