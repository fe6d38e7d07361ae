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
import types
import typing
from collections.abc import Callable, Mapping, Sequence
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
    default
        Runs when no model is named (``accord forecast`` with no ``-m``); a model whose cost
        grows with the case (exchange: every trade is a round) is run by name only.
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
    default: bool = True


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
ModelSpec = str | tuple[str, Mapping[str, Any]] | ForecastModel
"""A model as a caller names it: ``"eum:variant=paper"``, ``("eum", {...})`` or an instance."""

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


def default_models() -> list[str]:
    """The models that run when none is named: every registered model whose traits allow it."""
    return [name for name, cls in registry().items() if cls.traits.default]


def get_model(name: str, **parameters: Any) -> ForecastModel:
    """An instance of the model called ``name`` with the given parameters, checked now.

    ``name`` may also be a spec, ``"eum:variant=paper,rounds=5"`` (or the label form
    ``"eum[variant=paper]"``); keyword ``parameters`` override the spec's. Every value is
    checked against its field's type when the model is made, so ``variant="papr"`` fails here,
    listing the allowed values, not when the model runs.
    """
    name, given = parse_spec(name)
    given.update(parameters)
    models = registry()
    if name not in models:
        raise InputError.single(
            None,
            f"unknown model {name!r}",
            path=("model",),
            hint=f"use one of: {', '.join(models)} (see `accord models`)",
        )
    cls = models[name]
    described = {item.name: item for item in describe_parameters(name)}
    unknown = sorted(set(given) - set(described))
    if unknown:
        raise InputError.single(
            None,
            f"model {name!r} has no parameter {unknown[0]!r}",
            path=("model", name),
            hint=f"its parameters are: {', '.join(described) or 'none'} "
            f"(see `accord models {name}`)",
        )
    checked = {key: described[key].check(name, value) for key, value in given.items()}
    model: ForecastModel = cls(**checked)
    return model


def resolve_model(spec: ModelSpec) -> ForecastModel:
    """A model from a spec string, a ``(name, {parameter: value})`` pair or an instance."""
    if isinstance(spec, str):
        return get_model(spec)
    if isinstance(spec, tuple):
        name, given = spec
        return get_model(name, **dict(given))
    return spec


def resolve_models(specs: Sequence[ModelSpec] | None) -> list[ForecastModel]:
    """Models from specs (default: the default set, :func:`default_models`, with defaults).

    Two specs with the same label (see :func:`model_label`) would overwrite each other's
    results, so the second is refused.
    """
    chosen = (
        [resolve_model(spec) for spec in specs]
        if specs
        else [get_model(name) for name in default_models()]
    )
    seen: set[str] = set()
    for model in chosen:
        label = model_label(model)
        if label in seen:
            raise InputError.single(
                None,
                f"model {label!r} is given twice",
                path=("model",),
                hint="give each model spec once; vary a parameter to compare, e.g. "
                "-m eum -m eum:variant=paper",
            )
        seen.add(label)
    return chosen


@dataclass(frozen=True)
class Parameter:
    """One parameter of a model: what ``accord models NAME`` and the dashboard show.

    Attributes
    ----------
    name
        The dataclass field.
    kind
        ``"choice"``, ``"int"``, ``"float"``, ``"bool"`` or ``"str"``.
    default
        The field's default.
    choices
        The allowed values of a ``Literal`` field (empty otherwise).
    optional
        ``None`` is allowed (written ``none`` in a spec).
    """

    name: str
    kind: str
    default: Any
    choices: tuple[Any, ...] = ()
    optional: bool = False

    def describe(self) -> str:
        """The type in words, e.g. ``"one of: paper, scholz-code"`` or ``"int or none"``."""
        text = f"one of: {', '.join(map(str, self.choices))}" if self.choices else self.kind
        return f"{text} or none" if self.optional else text

    def check(self, model: str, value: Any) -> Any:
        """``value`` (a Python value or spec text) checked and typed, or an InputError."""
        if isinstance(value, str) and self.kind != "str":
            value = self._convert(model, value)
        if value is None and self.optional:
            return None
        ok = (
            value in self.choices
            if self.choices
            else isinstance(value, bool)
            if self.kind == "bool"
            else isinstance(value, int) and not isinstance(value, bool)
            if self.kind == "int"
            else isinstance(value, int | float) and not isinstance(value, bool)
            if self.kind == "float"
            else isinstance(value, str)
            if self.kind == "str"
            else True
        )
        if not ok:
            raise self._error(model, value)
        return float(value) if self.kind == "float" else value

    def _convert(self, model: str, text: str) -> Any:
        if self.optional and text.strip().lower() in ("none", "null"):
            return None
        if self.choices:
            return text
        try:
            if self.kind == "bool":
                return {
                    "true": True,
                    "yes": True,
                    "1": True,
                    "on": True,
                    "false": False,
                    "no": False,
                    "0": False,
                    "off": False,
                }[text.strip().lower()]
            if self.kind == "int":
                return int(text)
            if self.kind == "float":
                return float(text)
        except (KeyError, ValueError):
            raise self._error(model, text) from None
        return text

    def _error(self, model: str, value: Any) -> InputError:
        return InputError.single(
            None,
            f"model {model!r}: {self.name} must be {self.describe()}, got {value!r}",
            path=("model", model, self.name),
            hint=f"e.g. -m {model}:{self.name}={self.choices[0] if self.choices else self.default}"
            f" (see `accord models {model}`)",
        )


def describe_parameters(model: str | type[Any]) -> list[Parameter]:
    """The parameters of a model (by name or class), in field order, with types and choices.

    Choices come from ``Literal`` type hints, so they cannot drift from the code. This is what
    ``accord models NAME``, spec checking and the dashboard use.
    """
    if isinstance(model, str):
        models = registry()
        if model not in models:
            raise InputError.single(
                None,
                f"unknown model {model!r}",
                path=("model",),
                hint=f"use one of: {', '.join(models)} (see `accord models`)",
            )
        cls = models[model]
    else:
        cls = model
    hints = typing.get_type_hints(cls)
    result = []
    for item in dataclasses.fields(cls):
        kind, choices, optional = _kind(hints.get(item.name, Any))
        default = item.default if item.default is not dataclasses.MISSING else None
        result.append(Parameter(item.name, kind, default, choices, optional))
    return result


def _kind(hint: Any) -> tuple[str, tuple[Any, ...], bool]:
    optional = False
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        optional = len(members) < len(typing.get_args(hint))
        hint = members[0] if len(members) == 1 else Any
        origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return "choice", typing.get_args(hint), optional
    names = {bool: "bool", int: "int", float: "float", str: "str"}
    return names.get(hint, "any"), (), optional


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"eum:variant=paper,rounds=5"`` or ``"eum[variant=paper]"`` → name and raw values."""
    text = spec.strip()
    name, _, rest = text.partition(":")
    if not rest and text.endswith("]") and "[" in text:
        name, _, rest = text[:-1].partition("[")
    values: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in rest.split(","))):
        key, equals, value = part.partition("=")
        if not equals or not key.strip():
            raise InputError.single(
                None,
                f"model spec {spec!r}: {part!r} is not PARAMETER=VALUE",
                path=("model",),
                hint="write NAME:PARAMETER=VALUE,..., e.g. -m eum:variant=paper,rounds=5",
            )
        values[key.strip()] = value.strip()
    return name.strip(), values


def model_label(model: ForecastModel) -> str:
    """The model's name, with the parameters that differ from their defaults: ``eum[q=0.5]``.

    This names the model in results, so two specs of one model sit side by side.
    """
    changed = [
        f"{item.name}={parameter_text(getattr(model, item.name))}"
        for item in dataclasses.fields(model)  # type: ignore[arg-type]
        if item.default is not dataclasses.MISSING and getattr(model, item.name) != item.default
    ]
    return f"{model.name}[{','.join(changed)}]" if changed else model.name


def parameter_text(value: Any) -> str:
    """A parameter value as a spec writes it (``none``, ``true``, ``0.5``)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


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
