"""accord: model and forecast multi-party political negotiations."""

from accord.errors import InputError
from accord.models.base import ForecastModel, ModelTraits, Outcome, get_model, registry
from accord.scenario import Problem, Scenario, compile, load

__version__ = "0.1.0"

__all__ = [
    "ForecastModel",
    "InputError",
    "ModelTraits",
    "Outcome",
    "Problem",
    "Scenario",
    "__version__",
    "compile",
    "get_model",
    "load",
    "registry",
]
