"""``accord robustness`` and the bloc warnings of ``accord validate``, run as a user would."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from accord.scenario.load import builtin_files

BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_robustness_ukraine_json_covers_every_variant_within_30_seconds() -> None:
    started = time.monotonic()
    result = run("robustness", "ukraine-2025", "-f", "json")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 30, elapsed
    data = json.loads(result.stdout)
    kinds = [variant["kind"] for variant in data["variants"]]
    assert kinds == ["leave-out"] * 18 + ["parties-only"] + ["bloc"] * 4
    assert set(data["variants"][0]["models"]) == {"compromise", "eum", "median", "nash", "smp"}
    assert set(data["variants"][0]["models"]["eum"]) == set(data["baseline"]["eum"])
    donbas = data["summary"]["median"]["donbas"]
    assert donbas["low"] <= donbas["baseline"] <= donbas["high"] and donbas["most"]


def test_robustness_table_csv_and_out(tmp_path: Path) -> None:
    table = run("robustness", "-m", "median", "--as-of", "2025-11-23")
    assert table.returncode == 0, table.stderr
    assert "Structural robustness: 23 variants" in table.stdout and "Moved most by" in table.stdout
    assert "as of 2025-11-23" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("robustness", "-m", "eum", "-f", "csv").stdout)))
    assert rows[0]["variant"] == "baseline" and {row["model"] for row in rows} == {"eum"}
    assert len(rows) == 24 * 13  # baseline + 23 variants, 13 issues
    target = tmp_path / "spread.txt"
    written = run("robustness", "-m", "compromise", "-o", str(target))
    assert written.returncode == 0 and "Rest of Donbas" in target.read_text()
    again = run("robustness", "-m", "compromise", "-o", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_robustness_bad_date_is_bad_input() -> None:
    result = run("robustness", "--as-of", "yesterday")
    assert result.returncode == 2 and "--as-of" in result.stderr


def test_validate_warns_about_undeclared_blocs(tmp_path: Path) -> None:
    text = builtin_files()["ukraine-2025"].read_text()
    stripped = tmp_path / "ukraine.yaml"
    stripped.write_text(text.split("\nblocs:\n", 1)[0] + "\n")
    result = run("validate", str(stripped))
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warned) == 5 and "actors.us_congress" in result.stderr
    clean = run("validate", "ukraine-2025")
    assert clean.returncode == 0 and "warning" not in clean.stderr
