"""``accord territory``, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_territory_of_2_december_2025(deepstate: Path) -> None:
    done = run(
        "territory",
        str(deepstate / "deepstatemap_data_20251202.geojson"),
        str(deepstate / "deepstatemap_data_20251101.geojson"),
        "-f",
        "json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    december = next(item for item in data["files"] if item["date"] == "2025-12-02")
    assert set(december) == {"file", "date", "total_km2", "oblasts"}
    assert december["total_km2"] == pytest.approx(115_800, abs=200)
    assert december["oblasts"]["UA-14"]["share"] == pytest.approx(0.76, abs=0.005)
    assert set(december["oblasts"]["UA-14"]) == {"km2", "share"}
    (gain,) = data["monthly"]
    assert gain["from"] == "2025-11-01" and gain["to"] == "2025-12-02"
    assert gain["gain_km2"] == pytest.approx(519, abs=5)
    table = run("territory", str(deepstate / "deepstatemap_data_20251202.geojson"))
    assert table.returncode == 0 and "115,773" in table.stdout and "76.2" in table.stdout


def test_territory_without_files_shows_the_shipped_series_as_of_a_date() -> None:
    done = run("territory", "--as-of", "2026-01-01", "-f", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["files"][-1]["date"] == "2026-01-01"
    assert data["monthly"][-1]["to"] == "2026-01-01"
    csv_out = run("territory", "--as-of", "2024-08-01", "-f", "csv")
    assert csv_out.returncode == 0
    assert csv_out.stdout.splitlines()[0] == "file,date,total_km2,oblast,km2,share"
    table = run("territory", "--as-of", "2024-09-01")
    assert "Donetsk" in table.stdout and "Crimea" in table.stdout and "+364" in table.stdout


def test_territory_bad_input(tmp_path: Path) -> None:
    done = run("territory", str(tmp_path / "missing.geojson"))
    assert done.returncode == 2 and "no such file" in done.stderr
    assert "Traceback" not in done.stderr
