"""The notebook entry point: :func:`forecast`, the same run as ``accord forecast``.

It takes what the command line takes, in Python's terms: a scenario id, a path or a
:class:`~accord.scenario.schema.Scenario`; model specs (``"eum"``, ``"eum:variant=paper"``,
``("eum", {"variant": "paper"})`` or model instances); ``as_of`` as a date or an ISO string;
``draws`` for the Monte Carlo path; and ``set``, the what-if changes of ``--set``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from accord.errors import InputError

if TYPE_CHECKING:
    from accord.analysis.forecast import Forecast
    from accord.analysis.montecarlo import MonteCarlo
    from accord.models.base import ModelSpec
    from accord.scenario.schema import Scenario


def forecast(
    scenario: str | os.PathLike[str] | Scenario = "ukraine-2025",
    models: Sequence[ModelSpec] | None = None,
    *,
    as_of: dt.date | str | None = None,
    draws: int | None = None,
    seed: int | None = None,
    set: Mapping[str, Any] | Sequence[str] | None = None,
) -> Forecast | MonteCarlo:
    """Forecast every issue of a scenario with each model, as ``accord forecast`` does.

    Parameters
    ----------
    scenario
        A built-in id (``"emission-1994"``), a YAML/JSON/CSV path, or a loaded scenario.
    models
        Model specs: ``"eum"``, ``"eum:variant=paper,rounds=5"``, ``("eum", {"q": 0.5})`` or
        instances; default every registered model. Two specs of one model are reported side
        by side (``eum``, ``eum[variant=paper]``).
    as_of
        Evaluate the scenario as of this date (a date or ``"YYYY-MM-DD"``); default its own.
    draws
        Sample the ranged inputs this many times (Monte Carlo): the result is then a
        :class:`~accord.analysis.montecarlo.MonteCarlo` (median and 80 % interval).
    seed
        Seed for everything random (a fresh one, recorded in the result, when ``draws`` is
        given without one).
    set
        What-if changes, as ``{"us.salience.donbas": 95}`` or ``["us.salience.donbas=95"]``
        (values as in ``--set``: a number, ``[low, high]`` or ``{low, mode, high}``).

    Returns
    -------
    Forecast or MonteCarlo
        Both have ``to_frame()`` (columns model, issue, value, low, high, label, ...),
        ``to_json()`` and ``plot()``.

    Examples
    --------
    >>> import accord
    >>> accord.forecast("emission-1994", ["median"]).to_frame()[["model", "value"]]
        model  value
    0  median    7.0
    """
    from accord.analysis import whatif
    from accord.analysis.forecast import forecast as point_forecast
    from accord.analysis.montecarlo import simulate
    from accord.models.base import resolve_models
    from accord.scenario.load import load
    from accord.scenario.schema import Scenario

    loaded = scenario if isinstance(scenario, Scenario) else load(os.fspath(scenario))
    current = whatif.current(loaded, as_date(as_of))
    changes = whatif.gather(_set_texts(set))
    target = whatif.apply(current, changes)
    chosen = resolve_models(models)
    if draws is None:
        return point_forecast(target, chosen, seed=seed)
    return simulate(target, chosen, draws=int(draws), seed=seed)


def as_date(value: dt.date | str | None, option: str = "as_of") -> dt.date | None:
    """A date from a date, a datetime or an ISO string; a clear InputError otherwise."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError.single(
        None,
        f"{option} {value!r} is not a date",
        path=(option,),
        hint="give a datetime.date or an ISO string, e.g. as_of='2025-11-20'",
    )


def _set_texts(changes: Mapping[str, Any] | Sequence[str] | None) -> list[str]:
    if changes is None:
        return []
    if isinstance(changes, str):
        return [changes]
    if isinstance(changes, Mapping):
        return [f"{path}={json.dumps(value)}" for path, value in changes.items()]
    return list(changes)
