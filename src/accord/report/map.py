"""Ukraine's oblasts: how much Russia controls now, and what a deal would change.

The map turns two issues of the ``ukraine-2025`` scenario into territory:

* ``donbas`` (the part of Donetsk and Luhansk oblasts Ukraine still holds). Its scale is
  ordinal (who holds the ground and in what legal status), so the mapping follows its anchors
  rather than reading the value as a percentage: at 0 (line frozen) and 25 (a demilitarised
  zone with an equal Russian pullback) nothing changes hands; from 25 to 50 (Ukraine withdraws
  into a demilitarised zone) the share of the Ukrainian-held rest that Ukraine leaves rises
  linearly from 0 to 1; from 50 to 75 (the zone is recognised as Russian) the share of that
  area counted as Russian-controlled rises from 0 to 1 (the rest is a demilitarised zone held
  by neither side); at 75-100 all of it counts as Russian.
* ``southern_line`` (Zaporizhzhia and Kherson oblasts), whose unit is "% handed over": a value
  v hands over v % of the area Ukraine holds in the two oblasts, all of it to Russia.

The rules are checked against the scenario: the issue must exist, with the same scale and an
anchor at every knot, or :class:`~accord.errors.InputError` says what is missing. A deal may
also return the areas Russia holds in Kharkiv, Sumy, Dnipropetrovsk and Mykolaiv oblasts, as the
28-point and 20-point drafts provide (brief §2, sources S29, S31).

Areas come from the official oblast areas in ``data/oblast_lookup.csv`` (total 603,540 km²);
the Natural Earth polygons are for display only. Control shares are DeepState's, per oblast,
for 2 Dec 2025 (computed on the Natural Earth polygons) and 1 Jan 2026 (DeepState's published
shares). Check (brief §4): on the 1 Jan 2026 basis, Ukraine's withdrawal from the rest of
Donbas moves about 5,900 km², to about 122,700 km² or 20.3 % of Ukraine (the brief, starting
from DeepState's total of 116,165 km², gets 122,000 km² or 20.2 %), and 20.0 % (brief: 19.9 %)
with the return of the 2,000 km² Russia holds elsewhere.

References
----------
Natural Earth, 1:10m Admin 1 – States, Provinces (public domain), naturalearthdata.com.
DeepState, map of the war in Ukraine and per-oblast occupied shares, deepstatemap.live.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from accord.errors import InputError
from accord.scenario.schema import Scenario
from accord.territory import series
from accord.territory.geometry import ControlArea, front_line
from accord.territory.scales import RULES as RULES
from accord.territory.scales import ScaleRule
from accord.territory.scales import check_rules as check_rules

DATA = Path(__file__).parent / "data"
GEOMETRY_FILE = DATA / "ukraine_adm1_naturalearth.geojson"
LOOKUP_FILE = DATA / "oblast_lookup.csv"
ATTRIBUTION = (
    "Boundaries: Made with Natural Earth (public domain). "
    "Areas under Russian control: DeepState. Areas: official oblast areas."
)
COLORSCALE = "Reds"
_LATITUDE = 48.5  # the equirectangular projection is true to scale at Ukraine's mid-latitude
_TOLERANCE = 0.004  # degrees (~0.4 km): Douglas-Peucker tolerance for display
RETURNED_ELSEWHERE = ("UA-63", "UA-59", "UA-12", "UA-48")  # Kharkiv, Sumy, Dnipropetrovsk, Mykolaiv


@dataclass(frozen=True)
class ControlBasis:
    """A dated per-oblast estimate of the share under Russian control."""

    id: str
    date: dt.date
    label: str
    columns: tuple[str, ...]  # the lookup columns to read, first non-empty wins
    shares: Mapping[str, float] | None = None  # iso -> share, instead of lookup columns


BASES = (
    ControlBasis(
        "2025-12-02",
        dt.date(2025, 12, 2),
        "DeepState's map of 2 Dec 2025, shares computed on Natural Earth polygons",
        ("occ_share_pct_computed_20251202",),
    ),
    ControlBasis(
        "2026-01-01",
        dt.date(2026, 1, 1),
        "DeepState's published per-oblast shares for 1 Jan 2026, computed where it gives none",
        ("occ_share_pct_deepstate_published_20260101", "occ_share_pct_computed_20260101"),
    ),
)


@dataclass(frozen=True)
class Oblast:
    """One first-level unit (oblast, city or autonomous republic) with its official area."""

    iso: str
    name: str
    natural_earth: str
    area_km2: float
    control: Mapping[str, float]  # basis id -> share under Russian control, 0-1


@functools.cache
def oblasts() -> tuple[Oblast, ...]:
    """The 27 units of ``oblast_lookup.csv`` in file order."""
    with LOOKUP_FILE.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    result = []
    for row in rows:
        control = {}
        for basis in BASES:
            text = next((row[c] for c in basis.columns if row[c].strip()), "0")
            control[basis.id] = float(text) / 100.0
        result.append(
            Oblast(
                row["iso_3166_2"],
                row["name_en"],
                row["ne_adm1_code"],
                float(row["ref_area_km2"]),
                control,
            )
        )
    return tuple(result)


def ukraine_area_km2() -> float:
    """Ukraine's area as the sum of the official oblast areas (603,540 km²)."""
    return float(sum(oblast.area_km2 for oblast in oblasts()))


def basis(identifier: str | None = None, *, date: dt.date | None = None) -> ControlBasis:
    """A control basis by id; for a date, the DeepState series' last snapshot on or before it.

    Without either, the first of :data:`BASES`. The series (:mod:`accord.territory.series`)
    gives each oblast's share of its Natural Earth polygon, dated; before the series starts the
    first of :data:`BASES` is used.
    """
    if identifier is not None:
        for candidate in BASES:
            if candidate.id == identifier:
                return candidate
        raise InputError.single(
            None,
            f"unknown control basis {identifier!r}",
            path=("control_basis",),
            hint=f"use one of: {', '.join(b.id for b in BASES)}",
        )
    if date is None:
        return BASES[0]
    known = series.snapshots(date)
    return series_basis(known[-1]) if known else BASES[0]


def series_basis(snapshot: series.Snapshot) -> ControlBasis:
    """The per-oblast shares of one snapshot of the DeepState series."""
    areas = {shape.iso: shape.area_km2 for shape in oblasts_polygon_areas()}
    shares = {iso: km2 / areas[iso] for iso, km2 in snapshot.oblasts.items() if km2 > 0}
    return ControlBasis(
        f"deepstate-{snapshot.date.isoformat()}",
        snapshot.date,
        f"DeepState's map of {snapshot.date:%-d %b %Y} (the series shipped with accord), shares "
        "computed on Natural Earth polygons",
        (),
        shares,
    )


@dataclass(frozen=True)
class _PolygonArea:
    iso: str
    area_km2: float


@functools.cache
def oblasts_polygon_areas() -> tuple[_PolygonArea, ...]:
    """Each unit's Natural Earth polygon area (km², from the lookup table)."""
    with LOOKUP_FILE.open(encoding="utf-8") as stream:
        return tuple(
            _PolygonArea(row["iso_3166_2"], float(row["ne_polygon_area_km2"]))
            for row in csv.DictReader(stream)
        )


TerritoryRule = ScaleRule  # the one mapping of each territorial scale, in accord.territory


@dataclass(frozen=True)
class Deal:
    """Values of the territorial issues (issue id -> value on its scale).

    Issues left out change nothing. ``returns`` hands back what Russia holds in Kharkiv, Sumy,
    Dnipropetrovsk and Mykolaiv oblasts.
    """

    name: str
    values: Mapping[str, float] = field(default_factory=dict)
    returns: bool = False


@dataclass(frozen=True)
class OblastTerritory:
    """One unit's area and its shares under Russian control now and after a deal."""

    iso: str
    name: str
    area_km2: float
    russian_now: float
    russian_after: float
    demilitarised_after: float

    @property
    def russian_now_km2(self) -> float:
        """Area under Russian control now."""
        return self.area_km2 * self.russian_now

    @property
    def russian_after_km2(self) -> float:
        """Area under Russian control after the deal."""
        return self.area_km2 * self.russian_after

    @property
    def demilitarised_km2(self) -> float:
        """Area Ukraine leaves that becomes a demilitarised zone held by neither side."""
        return self.area_km2 * self.demilitarised_after


@dataclass(frozen=True)
class Territory:
    """What a deal does to the map, per oblast and in total."""

    deal: Deal
    basis: ControlBasis
    oblasts: tuple[OblastTerritory, ...]

    @property
    def russian_now_km2(self) -> float:
        """Area under Russian control on the basis date."""
        return float(sum(o.russian_now_km2 for o in self.oblasts))

    @property
    def russian_after_km2(self) -> float:
        """Area under Russian control after the deal."""
        return float(sum(o.russian_after_km2 for o in self.oblasts))

    @property
    def demilitarised_km2(self) -> float:
        """Area Ukraine leaves to a demilitarised zone."""
        return float(sum(o.demilitarised_km2 for o in self.oblasts))

    @property
    def change_km2(self) -> float:
        """Net area that passes to Russian control (negative when Russia gives back more)."""
        return self.russian_after_km2 - self.russian_now_km2

    def share_of_ukraine(self, km2: float) -> float:
        """An area as a share of Ukraine (0-1)."""
        return km2 / ukraine_area_km2()

    def summary(self) -> str:
        """One line in plain words."""
        total = ukraine_area_km2()
        text = (
            f"{self.deal.name}: {self.russian_after_km2:,.0f} km² under Russian control "
            f"({100 * self.russian_after_km2 / total:.1f} % of Ukraine)"
        )
        if abs(self.change_km2) >= 0.5:
            text += f", {self.change_km2:+,.0f} km² against {self.basis.date:%-d %b %Y}"
        if self.demilitarised_km2 >= 0.5:
            text += f"; {self.demilitarised_km2:,.0f} km² left as a demilitarised zone"
        return text


def territory(
    scenario: Scenario | None, deal: Deal, control: ControlBasis | None = None
) -> Territory:
    """Apply ``deal`` to the control map of ``control`` (default: the first basis).

    ``scenario`` is checked against the territory rules when the deal sets any issue; pass
    ``None`` only for a deal that sets none (control as it stands, perhaps with returns).
    """
    control = control or BASES[0]
    if deal.values:
        if scenario is None:
            raise ValueError("a deal with issue values needs the scenario to check them against")
        check_rules(scenario)
    by_oblast: dict[str, tuple[float, float]] = {}  # iso -> (leaves, russian share of that)
    for rule in RULES:
        if rule.issue in deal.values:
            for iso in rule.oblasts:
                by_oblast[iso] = rule.shares(deal.values[rule.issue])
    result = []
    for oblast in oblasts():
        now = (
            oblast.control[control.id]
            if control.shares is None
            else control.shares.get(oblast.iso, 0.0)
        )
        after, demilitarised = now, 0.0
        if oblast.iso in by_oblast:
            leaves, russian = by_oblast[oblast.iso]
            given_up = (1.0 - now) * leaves
            after = now + given_up * russian
            demilitarised = given_up * (1.0 - russian)
        if deal.returns and oblast.iso in RETURNED_ELSEWHERE:
            after = 0.0
        result.append(
            OblastTerritory(oblast.iso, oblast.name, oblast.area_km2, now, after, demilitarised)
        )
    return Territory(deal, control, tuple(result))


def presets() -> tuple[Deal, ...]:
    """Reference deals from the drafts and the parties' demands (values on the issues' scales).

    The values sit on anchors of ``ukraine-2025``: donbas 75 is the 28-point draft's zone
    recognised as Russian, 100 full withdrawal and annexation; southern_line 100 hands over
    both oblasts whole.
    """
    return (
        Deal("Ukraine withdraws from the rest of Donbas", {"donbas": 100.0, "southern_line": 0.0}),
        Deal(
            "28-point draft (Donbas zone recognised as Russian; Russia returns other areas)",
            {"donbas": 75.0, "southern_line": 0.0},
            returns=True,
        ),
        Deal("Russia's demand: all of four oblasts", {"donbas": 100.0, "southern_line": 100.0}),
    )


# --- geometry ---------------------------------------------------------------------------------


def _simplify(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker simplification of one closed ring (Douglas & Peucker 1973)."""
    if len(ring) <= 4:
        return ring
    keep = np.zeros(len(ring), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        start, end = stack.pop()
        if end <= start + 1:
            continue
        segment = ring[end] - ring[start]
        points = ring[start + 1 : end] - ring[start]
        length = math.hypot(*segment)
        if length == 0.0:
            distance = np.hypot(points[:, 0], points[:, 1])
        else:
            distance = np.abs(segment[0] * points[:, 1] - segment[1] * points[:, 0]) / length
        index = int(np.argmax(distance))
        if distance[index] > tolerance:
            middle = start + 1 + index
            keep[middle] = True
            stack += [(start, middle), (middle, end)]
    return ring[keep]


@functools.cache
def outlines() -> dict[str, tuple[tuple[float | None, ...], tuple[float | None, ...]]]:
    """ISO code -> projected ``(x, y)`` outline for display, rings separated by ``None``.

    Equirectangular projection scaled by cos(48.5°), simplified to about 0.4 km.
    """
    features = json.loads(GEOMETRY_FILE.read_text(encoding="utf-8"))["features"]
    iso_by_code = {oblast.natural_earth: oblast.iso for oblast in oblasts()}
    scale = math.cos(math.radians(_LATITUDE))
    result: dict[str, tuple[tuple[float | None, ...], tuple[float | None, ...]]] = {}
    for feature in features:
        code = feature["properties"]["adm1_code"]
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        xs: list[float | None] = []
        ys: list[float | None] = []
        for polygon in polygons:
            for ring in polygon:
                points = _simplify(np.asarray(ring, dtype=np.float64), _TOLERANCE)
                if xs:
                    xs.append(None)
                    ys.append(None)
                xs += [round(float(x) * scale, 4) for x in points[:, 0]]
                ys += [round(float(y), 4) for y in points[:, 1]]
        result[iso_by_code[code]] = (tuple(xs), tuple(ys))
    return result


# --- figure -----------------------------------------------------------------------------------


def _colour(share: float) -> str:
    return str(sample_colorscale(COLORSCALE, [min(max(share, 0.0), 1.0)])[0])


def _hover(item: OblastTerritory, changed: bool) -> str:
    text = (
        f"<b>{item.name}</b><br>{item.area_km2:,.0f} km²<br>"
        f"Russian-held now: {100 * item.russian_now:.1f} % ({item.russian_now_km2:,.0f} km²)"
    )
    if changed:
        text += (
            f"<br>After the deal: {100 * item.russian_after:.1f} % "
            f"({item.russian_after_km2:,.0f} km²)"
        )
        if item.demilitarised_after > 0:
            text += f"<br>Demilitarised zone: {item.demilitarised_km2:,.0f} km²"
    return text


def _view(view: Territory) -> dict[str, list[Any]]:
    changed = bool(view.deal.values) or view.deal.returns
    return {
        "fillcolor": [_colour(item.russian_after) for item in view.oblasts],
        "text": [_hover(item, changed) for item in view.oblasts],
        "fillpattern.shape": ["/" if item.demilitarised_after > 0 else "" for item in view.oblasts],
    }


def _rings(geometry: Any) -> tuple[list[float | None], list[float | None]]:
    """X (scaled like the outlines) and y of every ring or line, ``None`` between them."""
    scale = math.cos(math.radians(_LATITUDE))
    xs: list[float | None] = []
    ys: list[float | None] = []
    parts = list(getattr(geometry, "geoms", [geometry]))
    for part in parts:
        if part.is_empty:
            continue
        if part.geom_type == "Polygon":
            lines = [part.exterior, *part.interiors]
        elif part.geom_type in ("LineString", "LinearRing"):
            lines = [part]
        else:
            sub_x, sub_y = _rings(part)
            lines = []
            if sub_x:
                if xs:
                    xs.append(None)
                    ys.append(None)
                xs += sub_x
                ys += sub_y
        for line in lines:
            if xs:
                xs.append(None)
                ys.append(None)
            coordinates = np.asarray(line.coords, dtype=np.float64)
            xs += [round(float(x) * scale, 4) for x in coordinates[:, 0]]
            ys += [round(float(y), 4) for y in coordinates[:, 1]]
    return xs, ys


def control_traces(control: ControlArea) -> list[go.Scatter]:
    """The occupied area (filled) and the front line of a user's control file, as traces.

    Drawn over the oblasts; the area is simplified to about 0.4 km for display, the front line
    is the area's boundary away from the coast and the state border.
    """
    when = f" ({control.date:%-d %b %Y})" if control.date else ""
    area = control.geometry.simplify(_TOLERANCE, preserve_topology=True)
    xs, ys = _rings(area)
    line_x, line_y = _rings(front_line(control.geometry))
    return [
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor="rgba(120, 0, 0, 0.35)",
            line={"color": "rgba(120, 0, 0, 0.6)", "width": 0.5},
            name=f"Occupied area{when}",
            text=f"Occupied area{when}: {control.total_km2:,.0f} km²",
            hoverinfo="text",
            hoveron="fills",
            showlegend=True,
            meta={"layer": "occupied", "file": Path(control.file).name},
        ),
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            line={"color": "#1a1a1a", "width": 1.6},
            name=f"Front line{when}",
            hoverinfo="name",
            showlegend=True,
            meta={"layer": "front"},
        ),
    ]


def map_figure(
    views: Sequence[Territory],
    *,
    title: str = "Areas under Russian control",
    control: ControlArea | None = None,
) -> go.Figure:
    """Ukraine's oblasts coloured by the share under Russian control, one view per territory.

    The first view shows; with more than one, buttons switch between them (each button restyles
    the fill colours and hover texts and rewrites the area line under the title). Oblasts with
    a demilitarised zone are hatched. With ``control`` (a user's map of occupied territory,
    :func:`accord.territory.geometry.control_area`), the occupied area and the front line are
    drawn over the oblasts.
    """
    if not views:
        raise ValueError("map_figure needs at least one view")
    shapes = outlines()
    first = _view(views[0])
    figure = go.Figure()
    for index, item in enumerate(views[0].oblasts):
        xs, ys = shapes[item.iso]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=first["fillcolor"][index],
                fillpattern={"shape": first["fillpattern.shape"][index], "fgcolor": "#555"},
                line={"color": "#6b6b6b", "width": 0.7},
                name=item.name,
                text=first["text"][index],
                hoveron="fills",
                hoverinfo="text",
                showlegend=False,
                meta={"iso": item.iso},
            )
        )
    all_x = [x for xs, _ in shapes.values() for x in xs if x is not None]
    all_y = [y for _, ys in shapes.values() for y in ys if y is not None]
    figure.add_trace(
        go.Scatter(
            x=[min(all_x)],
            y=[min(all_y)],
            mode="markers",
            marker={
                "color": [0.0],
                "cmin": 0.0,
                "cmax": 100.0,
                "colorscale": COLORSCALE,
                "showscale": True,
                "opacity": 0.0,
                "colorbar": {"title": {"text": "% under<br>Russian<br>control"}, "thickness": 12},
            },
            hoverinfo="skip",
            showlegend=False,
            name="scale",
        )
    )
    if control is not None:
        for trace in control_traces(control):
            figure.add_trace(trace)
        figure.update_layout(legend={"x": 1.0, "xanchor": "right", "y": 0.0, "yanchor": "bottom"})
    lines = [_area_line(view) for view in views]
    figure.update_layout(
        title={"text": f"{title}<br><sup>{lines[0]}</sup>"},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.0},
        height=560,
        margin={"l": 10, "r": 10, "t": 90, "b": 40},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="closest",
        annotations=[
            {
                "text": ATTRIBUTION,
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": -0.06,
                "showarrow": False,
                "font": {"size": 10, "color": "#666"},
                "xanchor": "left",
            }
        ],
        meta={"views": [view.deal.name for view in views], "area_lines": lines},
    )
    if len(views) > 1:
        indices = list(range(len(views[0].oblasts)))  # the control layers are not restyled
        buttons = []
        for view, line in zip(views, lines, strict=True):
            style = _view(view)
            buttons.append(
                {
                    "label": view.deal.name
                    if len(view.deal.name) <= 48
                    else view.deal.name[:46] + "…",
                    "method": "update",
                    "args": [style, {"title.text": f"{title}<br><sup>{line}</sup>"}, indices],
                }
            )
        figure.update_layout(
            updatemenus=[
                {
                    "type": "dropdown",
                    "buttons": buttons,
                    "x": 0.0,
                    "xanchor": "left",
                    "y": 1.0,
                    "yanchor": "top",
                    "showactive": True,
                }
            ]
        )
    return figure


def _area_line(view: Territory) -> str:
    total = ukraine_area_km2()
    if not view.deal.values and not view.deal.returns:
        return (
            f"{view.deal.name}: {view.russian_now_km2:,.0f} km², "
            f"{100 * view.russian_now_km2 / total:.1f} % of Ukraine ({view.basis.label})"
        )
    return view.summary()
