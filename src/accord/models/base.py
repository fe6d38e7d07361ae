"""The model contract and registry.

A model is a frozen dataclass whose fields are its parameters (keyword arguments with defaults,
no logic in ``__init__``, as in scikit-learn's estimator contract). It declares a ``name``, a
one-line ``summary``, a ``citation`` and :class:`ModelTraits`, and implements
``run(problem, *, rng=None) -> Outcome``, pure and batched over the problem's leading draw axis.

Built-in models register with :func:`register_model`; plug-ins register through the
``accord.models`` entry-point group. The registry feeds ``accord models``, the contract tests and
the dashboard menus.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Literal, Protocol, TypeVar, runtime_checkable

import numpy as np

from accord.errors import InputError
from accord.scenario.compile import FloatArray, Problem, RNGLike

ModelKind = Literal["collective-choice", "bargaining"]


@dataclass(frozen=True)
class ModelTraits:
    """What a model promises, so generic tests and tools know what to expect of it.

    Attributes
    ----------
    stochastic
        Output depends on ``rng``.
    multi_issue
        Issues interact (e.g. Nash over all issues at once); otherwise each issue is solved
        alone.
    stays_in_range
        The settlement lies within the range of actor positions on each issue.
    unanimity
        If every actor holds the same position, that position is the settlement.
    capability_scale_invariant
        Multiplying every capability by the same factor changes nothing.
    zero_capability_inert
        An actor with zero capability changes nothing.
    order_invariant
        Reordering actors changes nothing.
    affine_equivariant
        The settlement follows an affine rescaling of an issue's scale.
    kind
        ``"collective-choice"``: the talks read as a weighted vote or exchange among every
        actor, where nobody can simply refuse (compromise, median, eum, smp);
        ``"bargaining"``: the parties must each agree, and red lines bind (nash). Every
        forecast is checked against the zone of agreement either way.
    """

    stochastic: bool = False
    multi_issue: bool = False
    stays_in_range: bool = True
    unanimity: bool = True
    capability_scale_invariant: bool = True
    zero_capability_inert: bool = True
    order_invariant: bool = True
    affine_equivariant: bool = True
    kind: ModelKind = "collective-choice"


@dataclass(frozen=True, eq=False)
class Outcome:
    """What a model run returns.

    Attributes
    ----------
    settlement : FloatArray
        ``[B, I]`` the forecast on ``[0, 1]`` per draw and issue.
    trace : dict
        Per-round or diagnostic arrays with a leading draw axis where they vary by draw;
        keys documented by each model. Conventions shared by all models: ``positions``
        ``[B, T, A, I]`` for round-based models; ``series``, the names of per-round
        ``[B, T, I]`` summaries (e.g. ``("median", "mean")``); ``scaled``, the names of
        other arrays on [0, 1] whose last axis is the issue axis. These are mapped back to
        the issues' units on output.
    diagnostics : dict
        Scalars or small summaries (rounds run, convergence, binding constraints, ...).
    """

    model: str
    settlement: FloatArray
    trace: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class ForecastModel(Protocol):
    """The protocol every model satisfies."""

    name: ClassVar[str]
    summary: ClassVar[str]
    citation: ClassVar[str]
    traits: ClassVar[ModelTraits]

    def run(self, problem: Problem, *, rng: RNGLike = None) -> Outcome:
        """Forecast the settlement of every issue in every draw of ``problem``."""
        ...


ModelType = TypeVar("ModelType", bound=type)

_REGISTRY: dict[str, type[Any]] = {}
_PLUGINS_LOADED = False


def register_model(cls: ModelType) -> ModelType:
    """Class decorator: add a model to the registry under its ``name``."""
    name = cls.name  # type: ignore[attr-defined]
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"a model named {name!r} is already registered")
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"model {name!r} must be a dataclass")
    _REGISTRY[name] = cls
    return cls


def _load_plugins() -> None:
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED = True
    for entry in entry_points(group="accord.models"):
        entry.load()


def registry() -> dict[str, type[Any]]:
    """Every registered model class by name (built-ins first, then plug-ins)."""
    import accord.models  # noqa: F401  - registers the built-in models

    _load_plugins()
    return dict(_REGISTRY)


def get_model(name: str, **parameters: Any) -> ForecastModel:
    """An instance of the model called ``name`` with the given parameters."""
    models = registry()
    if name not in models:
        raise InputError.single(
            None,
            f"unknown model {name!r}",
            path=("model",),
            hint=f"use one of: {', '.join(models)} (see `accord models`)",
        )
    cls = models[name]
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise InputError.single(
            None,
            f"model {name!r} has no parameter {unknown[0]!r}",
            path=("model", name),
            hint=f"its parameters are: {', '.join(sorted(known)) or 'none'}",
        )
    model: ForecastModel = cls(**parameters)
    return model


def parameters(model: ForecastModel) -> dict[str, Any]:
    """The model's parameters as a plain dict (for records and sweeps)."""
    return dataclasses.asdict(model)  # type: ignore[call-overload]


def as_generator(rng: RNGLike) -> np.random.Generator:
    """One way to accept randomness everywhere: a seed, a generator, or None."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def per_issue(
    problem: Problem, solve: Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
) -> FloatArray:
    """Apply a one-issue kernel ``solve(capability [B,A], position [B,A], salience [B,A])``.

    Returns ``[B, I]``. Loops over issues only; each kernel call is batched over draws.
    """
    columns = [
        solve(problem.capability, problem.position[:, :, d], problem.salience[:, :, d])
        for d in range(problem.n_issues)
    ]
    return np.stack(columns, axis=-1)
