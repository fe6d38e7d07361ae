"""Derive the monthly series of areas under Russian control shipped with accord.

Usage::

    python scripts/derive_territory_series.py [FOLDER] [--out FILE]

FOLDER defaults to ``../shared/data/geo/deepstate/`` beside the checkout: DeepState's daily maps
of Russian-controlled territory (``deepstatemap_data_YYYYMMDD.geojson``, as archived by
cyterat/deepstate-map-data). The output goes to
``src/accord/territory/data/deepstate_series.csv``: one row per file, in date order, with the
snapshot's date, whether it is the first archived file of its month (``kind`` = ``month``) or a
talks date (``talks``), the source ("DeepState"), the total area of the polygons and, per oblast
it touches, the area under control in km² (:func:`accord.territory.geometry.control_area`:
Albers equal-area, Natural Earth oblasts). Only these derived facts are shipped; DeepState's
polygons are not (their licence does not allow it). The same files always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from accord.territory.geometry import control_area, date_of, oblast_shapes  # noqa: E402

DEFAULT_FOLDER = ROOT.parent / "shared" / "data" / "geo" / "deepstate"
DEFAULT_OUT = ROOT / "src" / "accord" / "territory" / "data" / "deepstate_series.csv"


def derive(folder: Path) -> str:
    """The CSV text for every ``*.geojson`` in ``folder``."""
    files = sorted(folder.glob("*.geojson"), key=lambda path: (date_of(path), path.name))
    areas = [control_area(path) for path in files if date_of(path) is not None]
    touched = {iso for area in areas for iso in area.oblasts}
    columns = [oblast.iso for oblast in oblast_shapes() if oblast.iso in touched]
    seen_months: set[tuple[int, int]] = set()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "kind", "source", "total_km2", *columns])
    for area in areas:
        assert area.date is not None
        month = (area.date.year, area.date.month)
        kind = "talks" if month in seen_months else "month"
        seen_months.add(month)
        writer.writerow(
            [
                area.date.isoformat(),
                kind,
                "DeepState",
                f"{area.total_km2:.1f}",
                *(f"{area.oblasts.get(iso, (0.0, 0.0))[0]:.1f}" for iso in columns),
            ]
        )
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the series; 2 when the folder is missing."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}: no such folder of DeepState GeoJSON files", file=sys.stderr)
        return 2
    text = derive(args.folder)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
