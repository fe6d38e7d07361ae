"""The contract every registered model (plug-ins included) must pass."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from accord.models.base import get_model, parameters, registry
from accord.testing import check_model, random_problem

MODELS = sorted(registry())


@pytest.mark.parametrize("name", MODELS)
def test_contract(name: str) -> None:
    check_model(get_model(name))


@pytest.mark.parametrize("name", MODELS)
def test_parameters_are_sweepable(name: str) -> None:
    model = get_model(name)
    params = parameters(model)
    assert set(params) == {field.name for field in dataclasses.fields(model)}
    assert dataclasses.replace(model, **params) == model


@pytest.mark.parametrize("name", MODELS)
def test_problem_with_parties(name: str) -> None:
    problem = random_problem(3, parties=True)
    outcome = get_model(name).run(problem)
    assert outcome.settlement.shape == (problem.draws, problem.n_issues)
    assert np.all(np.isfinite(outcome.settlement))


def test_unknown_model_is_an_input_error() -> None:
    from accord.errors import InputError

    with pytest.raises(InputError, match=r"unknown model 'nope'.*compromise"):
        get_model("nope")
    with pytest.raises(InputError, match="no parameter 'bogus'"):
        get_model("nash", bogus=1)


def test_check_model_catches_a_broken_model() -> None:
    from dataclasses import dataclass
    from typing import ClassVar

    from accord.models.base import ModelTraits, Outcome

    @dataclass(frozen=True)
    class Outside:
        name: ClassVar[str] = "outside"
        summary: ClassVar[str] = "returns the maximum position plus a bit"
        citation: ClassVar[str] = "none"
        traits: ClassVar[ModelTraits] = ModelTraits()

        def run(self, problem, *, rng=None):  # type: ignore[no-untyped-def]
            return Outcome(self.name, problem.position.max(axis=1) * 0.5 + 0.6)

    with pytest.raises(AssertionError):
        check_model(Outside())
