"""The derived series of areas under Russian control (DeepState), and the pace fitted on it.

``data/deepstate_series.csv`` holds, for each of DeepState's maps archived on the first day of
a month from July 2024 to March 2026 and on the dates of the talks, the snapshot's date, the
total area of the occupied polygons and the area in each oblast they touch (km², Albers
equal-area on Natural Earth oblasts), with "DeepState" as the source. It is derived by
``scripts/derive_territory_series.py`` from the polygons, which are not shipped (see
``data/PROVENANCE.txt``).

Every reader takes an ``as_of`` date and sees only rows dated on or before it (issue 12's rule:
no look-ahead).

The pace fit (:func:`fit_pace`): the monthly gains between consecutive first-of-month snapshots,
scaled to a month of 30.44 days, over the ``window`` months that end on or before ``as_of``,
are taken as lognormal, with exponentially decaying weights (half-life ``half_life`` months, so
that recent months count more without ignoring the seasons). The weighted mean μ and standard
deviation σ of log gains give the band of the pace for the months ahead: low = exp(μ − 1.2816σ),
mode = exp(μ) (the median), high = exp(μ + 1.2816σ), an 80 % band that spreads as widely as the
months did. Months with a net loss (none so far) count as 1 km².
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import InputError

SERIES_FILE = Path(__file__).resolve().parent / "data" / "deepstate_series.csv"
SOURCE = "DeepState"
DAYS_PER_MONTH = 365.25 / 12
Z80 = 1.2815515655446004  # the 90th percentile of the standard normal


@dataclass(frozen=True)
class Snapshot:
    """One dated map: total km² under Russian control and km² per oblast (ISO 3166-2 code)."""

    date: dt.date
    kind: str  # "month" (first archived file of its month) or "talks"
    source: str
    total_km2: float
    oblasts: dict[str, float]


@functools.cache
def _all() -> tuple[Snapshot, ...]:
    with SERIES_FILE.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    fixed = {"date", "kind", "source", "total_km2"}
    return tuple(
        Snapshot(
            dt.date.fromisoformat(row["date"]),
            row["kind"],
            row["source"],
            float(row["total_km2"]),
            {key: float(value) for key, value in row.items() if key not in fixed},
        )
        for row in rows
    )


def snapshots(as_of: dt.date | None = None, *, kind: str | None = None) -> tuple[Snapshot, ...]:
    """The snapshots dated on or before ``as_of`` (all without it), in date order."""
    return tuple(
        snap
        for snap in _all()
        if (as_of is None or snap.date <= as_of) and (kind is None or snap.kind == kind)
    )


def latest(as_of: dt.date | None = None) -> Snapshot:
    """The last snapshot dated on or before ``as_of``; an error before the series starts."""
    known = snapshots(as_of)
    if not known:
        first = _all()[0].date
        raise InputError.single(
            None,
            f"no DeepState snapshot on or before {as_of}; the series starts on {first}",
            path=("as_of",),
            hint=f"choose a date on or after {first}",
        )
    return known[-1]


@dataclass(frozen=True)
class MonthlyGain:
    """Net km² gained between two first-of-month snapshots, and per month of 30.44 days."""

    start: dt.date
    end: dt.date
    gain_km2: float

    @property
    def per_month(self) -> float:
        """The gain scaled to a month of 30.44 days."""
        return self.gain_km2 * DAYS_PER_MONTH / (self.end - self.start).days


def monthly_gains(as_of: dt.date | None = None) -> tuple[MonthlyGain, ...]:
    """Gains between consecutive first-of-month snapshots dated on or before ``as_of``."""
    months = snapshots(as_of, kind="month")
    return tuple(
        MonthlyGain(a.date, b.date, b.total_km2 - a.total_km2)
        for a, b in itertools.pairwise(months)
    )


@dataclass(frozen=True)
class PaceFit:
    """The fitted pace of the front, km² a month: an 80 % band and the months behind it."""

    low: float
    mode: float
    high: float
    mu: float
    sigma: float
    months: tuple[MonthlyGain, ...]
    window: int
    half_life: float

    def scaled(self, factor: float) -> tuple[float, float, float]:
        """``(low, mode, high)`` times ``factor``."""
        return self.low * factor, self.mode * factor, self.high * factor


def share(snapshot: Snapshot, iso: str) -> float:
    """The share (0-1) of oblast ``iso``'s Natural Earth polygon under control in ``snapshot``."""
    area = _polygon_areas().get(iso)
    return min(1.0, snapshot.oblasts.get(iso, 0.0) / area) if area else 0.0


@functools.cache
def _polygon_areas() -> dict[str, float]:
    lookup = Path(__file__).resolve().parent.parent / "report" / "data" / "oblast_lookup.csv"
    with lookup.open(encoding="utf-8") as stream:
        return {
            row["iso_3166_2"]: float(row["ne_polygon_area_km2"]) for row in csv.DictReader(stream)
        }


def to_json(as_of: dt.date | None = None) -> dict[str, Any]:
    """The shipped series in ``accord territory``'s layout, up to ``as_of``.

    ``{"files": [{"file", "date", "kind", "source", "total_km2", "oblasts": {ISO: {"km2",
    "share"}}}], "monthly": [{"from", "to", "gain_km2"}]}``; ``file`` names the shipped CSV,
    ``share`` is of the oblast's Natural Earth polygon, and the monthly gains run between
    first-of-month snapshots.
    """
    areas = _polygon_areas()
    return {
        "files": [
            {
                "file": SERIES_FILE.name,
                "date": snap.date.isoformat(),
                "kind": snap.kind,
                "source": snap.source,
                "total_km2": snap.total_km2,
                "oblasts": {
                    iso: {"km2": km2, "share": round(km2 / areas[iso], 4)}
                    for iso, km2 in snap.oblasts.items()
                    if km2 > 0
                },
            }
            for snap in snapshots(as_of)
        ],
        "monthly": [
            {
                "from": gain.start.isoformat(),
                "to": gain.end.isoformat(),
                "gain_km2": round(gain.gain_km2, 1),
            }
            for gain in monthly_gains(as_of)
        ],
    }


def fit_pace(as_of: dt.date, *, window: int = 12, half_life: float = 6.0) -> PaceFit:
    """Fit the pace band on the last ``window`` monthly gains dated on or before ``as_of``."""
    gains = monthly_gains(as_of)[-window:]
    if len(gains) < 3:
        raise InputError.single(
            None,
            f"too few DeepState months before {as_of} to fit the pace ({len(gains)}; need 3)",
            path=("war", "pace"),
            hint="evaluate on a later date or give the regimes an explicit advance",
        )
    return _fit(gains, window, half_life)


def _fit(gains: Sequence[MonthlyGain], window: int, half_life: float) -> PaceFit:
    logs = [math.log(max(gain.per_month, 1.0)) for gain in gains]
    age = range(len(gains) - 1, -1, -1)
    weights = [0.5 ** (a / half_life) for a in age]
    total = sum(weights)
    mean = sum(w * x for w, x in zip(weights, logs, strict=True)) / total
    variance = sum(w * (x - mean) ** 2 for w, x in zip(weights, logs, strict=True)) / total
    spread = math.sqrt(variance * len(gains) / (len(gains) - 1))
    return PaceFit(
        low=math.exp(mean - Z80 * spread),
        mode=math.exp(mean),
        high=math.exp(mean + Z80 * spread),
        mu=mean,
        sigma=spread,
        months=tuple(gains),
        window=window,
        half_life=half_life,
    )
