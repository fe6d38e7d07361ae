"""accord: model and forecast multi-party political negotiations.

The names below are loaded on first use, so that ``import accord`` (and the ``accord``
command's start-up) does not pay for NumPy, pydantic and the models until they are needed.

>>> import accord
>>> accord.forecast("emission-1994", ["compromise"]).to_frame().columns.tolist()[:6]
['model', 'issue', 'value', 'low', 'high', 'label']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from accord.api import forecast
    from accord.errors import InputError
    from accord.models.base import (
        ForecastModel,
        ModelTraits,
        Outcome,
        describe_parameters,
        get_model,
        registry,
    )
    from accord.scenario import Problem, Scenario, compile, load

_LAZY = {
    "ForecastModel": "accord.models.base",
    "InputError": "accord.errors",
    "ModelTraits": "accord.models.base",
    "Outcome": "accord.models.base",
    "Problem": "accord.scenario",
    "Scenario": "accord.scenario",
    "compile": "accord.scenario",
    "describe_parameters": "accord.models.base",
    "forecast": "accord.api",
    "get_model": "accord.models.base",
    "load": "accord.scenario",
    "registry": "accord.models.base",
}

__all__ = [
    "ForecastModel",
    "InputError",
    "ModelTraits",
    "Outcome",
    "Problem",
    "Scenario",
    "__version__",
    "compile",
    "describe_parameters",
    "forecast",
    "get_model",
    "load",
    "registry",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
