"""Areas under control from a GeoJSON of occupied territory, per oblast and in total.

A control file is a GeoJSON FeatureCollection (or a single Feature or geometry) of Polygons and
MultiPolygons in WGS84 longitude/latitude, such as the daily maps DeepState publishes
(deepstatemap.live; archived as ``deepstatemap_data_YYYYMMDD.geojson``). Areas are measured in
an Albers equal-area projection for Ukraine (standard parallels 44° and 52° N, central meridian
32° E), so a km² is a km² anywhere in the country. Per-oblast areas intersect the file with the
Natural Earth oblast polygons shipped in ``accord/report/data`` (joined on ``adm1_code`` through
``oblast_lookup.csv``, since the file's ISO codes are blank); an oblast's share is its occupied
area over its Natural Earth polygon area. The total is the area of the file's own geometry
(DeepState's polygons follow the coastline and borders more closely than Natural Earth's).

The polygons are not shipped with accord (DeepState's licence does not allow it): the package
reads a file the user gives, and ships only the derived series (:mod:`accord.territory.series`).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from accord.errors import InputError

MAP_DATA = Path(__file__).resolve().parent.parent / "report" / "data"
OBLAST_GEOMETRY = MAP_DATA / "ukraine_adm1_naturalearth.geojson"
OBLAST_LOOKUP = MAP_DATA / "oblast_lookup.csv"
EQUAL_AREA = "+proj=aea +lat_1=44 +lat_2=52 +lat_0=48 +lon_0=32 +datum=WGS84 +units=m +no_defs"
_DATE = re.compile(r"(20\d\d)[-_]?(\d\d)[-_]?(\d\d)")


@functools.cache
def _to_equal_area() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def project(geometry: BaseGeometry) -> BaseGeometry:
    """``geometry`` (lon/lat) in the equal-area projection (metres)."""

    def forward(coordinates: np.ndarray) -> np.ndarray:
        x, y = _to_equal_area().transform(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, forward)


@dataclass(frozen=True)
class OblastShape:
    """One oblast's polygon in the equal-area projection, with its ISO code and name."""

    iso: str
    name: str
    geometry: BaseGeometry
    area_km2: float


@functools.cache
def oblast_shapes() -> tuple[OblastShape, ...]:
    """The 27 Natural Earth units, projected, in ``oblast_lookup.csv`` order."""
    with OBLAST_LOOKUP.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    features = json.loads(OBLAST_GEOMETRY.read_text(encoding="utf-8"))["features"]
    by_code = {feature["properties"]["adm1_code"]: feature for feature in features}
    result = []
    for row in rows:
        geometry = shapely.make_valid(project(shape(by_code[row["ne_adm1_code"]]["geometry"])))
        shapely.prepare(geometry)
        result.append(OblastShape(row["iso_3166_2"], row["name_en"], geometry, geometry.area / 1e6))
    return tuple(result)


def date_of(path: Path) -> dt.date | None:
    """The date in a file name such as ``deepstatemap_data_20251202.geojson``, if any."""
    match = _DATE.search(path.name)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def read_geometry(path: Path) -> BaseGeometry:
    """The union of a GeoJSON file's polygons (lon/lat), made valid.

    Raises :class:`InputError` for a missing or unreadable file, or one without polygons.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single(
            str(path), "no such file", hint="give a GeoJSON file of occupied territory"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError.single(
            str(path), f"not a readable GeoJSON file ({error})", hint="give a GeoJSON file"
        ) from None
    polygons = [
        shapely.make_valid(shape(geometry))
        for geometry in _geometries(data)
        if geometry.get("type") in ("Polygon", "MultiPolygon")
    ]
    if not polygons:
        raise InputError.single(
            str(path),
            "the file holds no Polygon or MultiPolygon",
            hint="give a GeoJSON FeatureCollection of the occupied area, e.g. DeepState's map",
        )
    return unary_union(polygons)


def _geometries(data: Any) -> Iterable[dict[str, Any]]:
    if not isinstance(data, dict):
        return
    kind = data.get("type")
    if kind == "FeatureCollection":
        for feature in data.get("features") or []:
            yield from _geometries(feature)
    elif kind == "Feature":
        yield from _geometries(data.get("geometry"))
    elif kind == "GeometryCollection":
        for geometry in data.get("geometries") or []:
            yield from _geometries(geometry)
    elif isinstance(kind, str):
        yield data


@dataclass(frozen=True)
class ControlArea:
    """Area under the file's control, per oblast and in total.

    Attributes
    ----------
    file : str
        The file as given.
    date : datetime.date or None
        The date in its name.
    total_km2 : float
        Area of the file's geometry (equal-area projection).
    oblasts : dict
        ISO 3166-2 code -> ``(km², share of the oblast's polygon)``, for oblasts it touches.
    geometry : BaseGeometry
        The geometry, lon/lat (for drawing).
    """

    file: str
    date: dt.date | None
    total_km2: float
    oblasts: dict[str, tuple[float, float]]
    geometry: BaseGeometry

    def to_json(self) -> dict[str, Any]:
        """``{"file", "date", "total_km2", "oblasts": {ISO: {"km2", "share"}}}``."""
        return {
            "file": self.file,
            "date": None if self.date is None else self.date.isoformat(),
            "total_km2": round(self.total_km2, 1),
            "oblasts": {
                iso: {"km2": round(km2, 1), "share": round(share, 4)}
                for iso, (km2, share) in self.oblasts.items()
            },
        }


def control_area(path: Path | str, *, minimum_km2: float = 0.5) -> ControlArea:
    """Measure one control file (oblasts with less than ``minimum_km2`` are left out)."""
    path = Path(path)
    geometry = read_geometry(path)
    projected = project(geometry)
    per_oblast: dict[str, tuple[float, float]] = {}
    for oblast in oblast_shapes():
        if not oblast.geometry.intersects(projected):
            continue
        km2 = oblast.geometry.intersection(projected).area / 1e6
        if km2 >= minimum_km2:
            per_oblast[oblast.iso] = (km2, km2 / oblast.area_km2)
    return ControlArea(str(path), date_of(path), projected.area / 1e6, per_oblast, geometry)


@dataclass(frozen=True)
class Gain:
    """Net area that changed hands between two files (positive: the occupied area grew)."""

    start: dt.date | None
    end: dt.date | None
    gain_km2: float

    def to_json(self) -> dict[str, Any]:
        """``{"from", "to", "gain_km2"}``."""
        return {
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
            "gain_km2": round(self.gain_km2, 1),
        }


def gains(areas: Sequence[ControlArea]) -> list[Gain]:
    """Gains between consecutive files, in date order (undated files keep their order)."""
    ordered = sorted(areas, key=lambda a: (a.date is None, a.date or dt.date.min))
    return [
        Gain(before.date, after.date, after.total_km2 - before.total_km2)
        for before, after in itertools.pairwise(ordered)
    ]


def measure(paths: Sequence[Path | str]) -> dict[str, Any]:
    """The ``accord territory`` JSON.

    ``{"files": [{"file", "date", "total_km2", "oblasts"}], "monthly": [{"from", "to",
    "gain_km2"}]}``.
    """
    areas = [control_area(path) for path in paths]
    return {
        "files": [area.to_json() for area in areas],
        "monthly": [gain.to_json() for gain in gains(areas)],
    }


def front_line(geometry: BaseGeometry, *, tolerance: float = 0.004) -> BaseGeometry:
    """The occupied area's boundary inside Ukraine (lon/lat): the front line and the borders.

    The parts of the boundary that run along the coast or Ukraine's state border are dropped
    (they lie outside a slightly shrunk outline of Ukraine), leaving the line of contact.
    """
    outline = _ukraine_outline()
    boundary = geometry.boundary.simplify(tolerance)
    return boundary.intersection(outline)


@functools.cache
def _ukraine_outline() -> BaseGeometry:
    features = json.loads(OBLAST_GEOMETRY.read_text(encoding="utf-8"))["features"]
    union = unary_union([shapely.make_valid(shape(f["geometry"])) for f in features])
    return union.buffer(-0.03)  # ~3 km inside the coast and the state border
