"""Forecasting models. Importing this package registers the built-in models."""

from accord.models import compromise, eum, exchange, median, nash, smp  # noqa: F401  - registration
from accord.models.base import (
    ForecastModel,
    ModelTraits,
    Outcome,
    get_model,
    register_model,
    registry,
)

__all__ = ["ForecastModel", "ModelTraits", "Outcome", "get_model", "register_model", "registry"]
