"""Territory: areas from GeoJSON, the shipped DeepState series, the pace fit, the scale rules."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.errors import InputError
from accord.scenario import load
from accord.territory import geometry, scales, series

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "derive_territory_series.py"


def square(lon: float, lat: float, size: float) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ------------------------------------------------------------------ the shared DeepState files


def test_2_dec_2025_against_deepstates_published_figures(deepstate: Path) -> None:
    area = geometry.control_area(deepstate / "deepstatemap_data_20251202.geojson")
    assert area.date == dt.date(2025, 12, 2)
    assert area.total_km2 == pytest.approx(115_800, abs=200)
    share = area.oblasts["UA-14"][1]
    assert share == pytest.approx(0.76, abs=0.005)
    # DeepState's own figures (brief addendum, S48): 116,165 km² on 1 Jan 2026; Donetsk
    # 78.1 %, Luhansk 99.6 % (Natural Earth's outline gives 98.8 %: a boundary artefact).
    january = geometry.control_area(deepstate / "deepstatemap_data_20260101.geojson")
    assert january.total_km2 == pytest.approx(116_165, rel=0.002)
    assert january.oblasts["UA-14"][1] == pytest.approx(0.781, abs=0.01)
    assert january.oblasts["UA-09"][1] == pytest.approx(0.996, abs=0.01)
    assert january.oblasts["UA-23"][1] == pytest.approx(0.748, abs=0.005)
    assert january.oblasts["UA-65"][1] == pytest.approx(0.720, abs=0.005)


def test_the_shipped_series_is_what_the_script_derives(deepstate: Path, tmp_path: Path) -> None:
    out = tmp_path / "series.csv"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(deepstate), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == series.SERIES_FILE.read_text(encoding="utf-8")


def test_the_script_says_when_the_folder_is_missing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "no such folder" in done.stderr


def test_monthly_gains_against_deepstates_published_tallies() -> None:
    # DeepState's monthly tallies (brief addendum S115): Nov 505, Dec 445, Jan 245, Feb 126.
    gains = {gain.end: gain.gain_km2 for gain in series.monthly_gains()}
    published = {
        dt.date(2025, 12, 1): 505,
        dt.date(2026, 1, 1): 445,
        dt.date(2026, 2, 1): 245,
        dt.date(2026, 3, 1): 126,
    }
    for end, figure in published.items():
        assert gains[end] == pytest.approx(figure, abs=60)
    # Two-month sums agree more closely (the addendum's advice, C8).
    assert gains[dt.date(2026, 1, 1)] + gains[dt.date(2025, 12, 1)] == pytest.approx(950, abs=30)


# ------------------------------------------------------------------------ the shipped series


def test_the_series_respects_as_of() -> None:
    as_of = dt.date(2025, 12, 2)
    rows = series.snapshots(as_of)
    assert rows[-1].date == as_of and all(row.date <= as_of for row in rows)
    assert series.latest(dt.date(2025, 12, 10)).date == as_of
    assert all(gain.end <= as_of for gain in series.monthly_gains(as_of))
    data = series.to_json(as_of)
    assert data["files"][-1]["date"] == "2025-12-02"
    assert data["files"][-1]["source"] == "DeepState"
    assert data["files"][-1]["oblasts"]["UA-14"]["share"] == pytest.approx(0.762, abs=0.001)
    assert data["monthly"][-1] == {"from": "2025-11-01", "to": "2025-12-01", "gain_km2": 482.9}
    with pytest.raises(InputError, match="no DeepState snapshot"):
        series.latest(dt.date(2024, 1, 1))


def test_the_series_has_its_provenance() -> None:
    with series.SERIES_FILE.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {row["source"] for row in rows} == {"DeepState"}
    assert rows[0]["date"] == "2024-07-08" and rows[-1]["date"] == "2026-03-21"
    provenance = (series.SERIES_FILE.parent / "PROVENANCE.txt").read_text(encoding="utf-8")
    assert "not shipped" in provenance and "derive_territory_series.py" in provenance


def test_pace_fit_as_of_1_march_2026() -> None:
    fit = series.fit_pace(dt.date(2026, 3, 1))
    assert len(fit.months) == 12 and fit.months[-1].end == dt.date(2026, 3, 1)
    assert (round(fit.low), round(fit.mode), round(fit.high)) == (159, 304, 582)
    assert fit.scaled(2.0) == (2 * fit.low, 2 * fit.mode, 2 * fit.high)
    # Only months before the date: as of 20 Nov 2025 the fit ends with October.
    assert series.fit_pace(dt.date(2025, 11, 20)).months[-1].end == dt.date(2025, 11, 1)
    with pytest.raises(InputError, match="too few DeepState months"):
        series.fit_pace(dt.date(2024, 9, 15))


# ------------------------------------------------------------------------ reading GeoJSON


def test_a_square_in_donetsk(tmp_path: Path) -> None:
    # A 0.1° square near Donetsk city (48.0 N, 37.8 E): about 7.4 × 11.1 km.
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": square(37.75, 47.95, 0.1)},
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
        ],
    }
    path = write(tmp_path, "control_2026-02-01.geojson", collection)
    area = geometry.control_area(path)
    expected = 0.1 * 111.32 * np.cos(np.radians(48.0)) * 0.1 * 111.2
    assert area.total_km2 == pytest.approx(expected, rel=0.01)
    assert list(area.oblasts) == ["UA-14"]
    assert area.date == dt.date(2026, 2, 1)
    later = write(
        tmp_path,
        "control_20260301.geojson",
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
            square(37.75, 47.95, 0.1)["coordinates"], square(37.9, 47.95, 0.1)["coordinates"]
        ]}},
    )  # fmt: skip
    data = geometry.measure([later, path])
    assert data["monthly"][0]["from"] == "2026-02-01"
    assert data["monthly"][0]["gain_km2"] == pytest.approx(area.total_km2, rel=0.02)
    assert data["files"][0]["oblasts"]["UA-14"]["share"] > 0
    undated = write(tmp_path, "mine.geojson", square(37.75, 47.95, 0.1))
    assert geometry.control_area(undated).date is None
    assert geometry.date_of(Path("x_20261340.geojson")) is None
    line = geometry.front_line(geometry.read_geometry(path))
    assert line.length > 0


def test_geometry_collections_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.geojson",
        {"type": "GeometryCollection", "geometries": [square(35.0, 47.5, 0.1)]},
    )
    assert geometry.control_area(path).oblasts.keys() == {"UA-23"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not a readable GeoJSON"),
        (json.dumps({"type": "Point", "coordinates": [30, 50]}), "no Polygon"),
        (json.dumps([1, 2]), "no Polygon"),
    ],
)
def test_bad_files_are_reported(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "bad.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        geometry.control_area(path)


# ------------------------------------------------------------------------ the scale rules


def test_one_mapping_of_the_donbas_scale_to_km2() -> None:
    donbas = scales.rule("donbas")
    assert donbas is not None
    np.testing.assert_allclose(donbas.share_for([0, 25, 37.5, 50, 75, 100]), [0, 0, 0.5, 1, 1, 1])
    shares = [-1, 0, 0.5, 1, 2]
    np.testing.assert_allclose(donbas.value_for(shares), [0, 0, 37.5, 50, 100])
    np.testing.assert_allclose(donbas.value_for(shares, "high"), [0, 25, 37.5, 100, 100])
    assert donbas.km2(37.5, 6000) == (3000, 0)
    assert donbas.km2(75, 6000) == (6000, 6000)
    south = scales.rule("southern_line")
    assert south is not None and south.value_for(0.3) == pytest.approx(30)
    assert scales.rule("nope") is None
    ukraine = load("ukraine-2025")
    assert scales.applicable(ukraine, "donbas") is donbas
    assert scales.applicable(ukraine, "nope") is None
    assert scales.applicable(ukraine, "recognition") is None
