"""Contract checks any model must pass, usable by plug-in authors in their own tests.

``check_model(model)`` runs a model on small generated problems and asserts what the contract
promises: a frozen dataclass with name, summary, citation and traits; deterministic under a
seed; pure (inputs untouched); output of shape ``[B, I]`` on ``[0, 1]``; picklable; batching
consistent (a batch equals its draws run one at a time); and the invariances its traits declare.
"""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np

from accord.models.base import ForecastModel, ModelTraits
from accord.scenario.compile import Problem


def random_problem(
    seed: int, *, draws: int = 3, actors: int = 5, issues: int = 2, parties: bool = False
) -> Problem:
    """A random problem with distinct positions and positive weights."""
    rng = np.random.default_rng(seed)
    return Problem.from_arrays(
        rng.uniform(0.5, 2.0, (draws, actors)),
        rng.uniform(0.0, 1.0, (draws, actors, issues)),
        rng.uniform(0.2, 1.0, (draws, actors, issues)),
        party=np.arange(actors) < 3 if parties else None,
    )


def check_model(model: ForecastModel, *, tolerance: float = 1e-6) -> None:
    """Assert the model contract; raise ``AssertionError`` naming the first failure."""
    cls = type(model)
    name = cls.__name__
    assert dataclasses.is_dataclass(cls), f"{name} must be a dataclass"
    assert cls.__dataclass_params__.frozen, f"{name} must be a frozen dataclass"
    for attribute in ("name", "summary", "citation"):
        assert isinstance(getattr(cls, attribute, None), str) and getattr(cls, attribute), (
            f"{name}.{attribute} must be a non-empty string"
        )
    assert isinstance(cls.traits, ModelTraits), f"{name}.traits must be ModelTraits"
    for field in dataclasses.fields(cls):
        assert field.default is not dataclasses.MISSING or (
            field.default_factory is not dataclasses.MISSING
        ), f"{name}.{field.name} needs a default"

    problem = random_problem(1)
    before = {
        key: np.array(getattr(problem, key)) for key in ("capability", "position", "salience")
    }
    first = model.run(problem, rng=7)
    second = model.run(problem, rng=7)
    for key, value in before.items():
        assert np.array_equal(value, getattr(problem, key)), f"{name} modified problem.{key}"
    assert first.settlement.shape == (problem.draws, problem.n_issues), (
        f"{name} settlement shape {first.settlement.shape}, expected "
        f"{(problem.draws, problem.n_issues)}"
    )
    assert np.all(np.isfinite(first.settlement)), f"{name} returned non-finite settlements"
    assert np.all((first.settlement >= -tolerance) & (first.settlement <= 1 + tolerance)), (
        f"{name} settlement outside [0, 1]"
    )
    assert np.array_equal(first.settlement, second.settlement), f"{name} is not deterministic"
    clone = pickle.loads(pickle.dumps(model))
    assert clone == model, f"{name} does not survive pickling"
    assert np.allclose(clone.run(problem, rng=7).settlement, first.settlement, atol=tolerance)

    if not cls.traits.stochastic:
        singles = np.concatenate(
            [model.run(problem.take([b])).settlement for b in range(problem.draws)]
        )
        assert np.allclose(singles, first.settlement, atol=tolerance), (
            f"{name}: a batch differs from its draws run one at a time"
        )
    if cls.traits.stays_in_range:
        low = problem.position.min(axis=1) - tolerance
        high = problem.position.max(axis=1) + tolerance
        assert np.all((first.settlement >= low) & (first.settlement <= high)), (
            f"{name} declares stays_in_range but left the range of positions"
        )
