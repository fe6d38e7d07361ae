"""`accord linkage`: trades among the veto players and the package verdict, table/json/csv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_cli_linkage_table_json_and_csv() -> None:
    table = run("linkage", "ukraine-2025", "--as-of", "2025-12-24")
    assert table.returncode == 0, table.stderr
    assert "Trades among the veto players" in table.stdout and "Russia" in table.stdout
    assert "package" in table.stdout
    answer = run("linkage", "ukraine-2025", "--as-of", "2025-12-24", "-f", "json")
    data = json.loads(answer.stdout)
    assert data["as_of"] == "2025-12-24" and data["trades"] and "verdict" in data
    rows = run("linkage", "ukraine-2025", "-f", "csv").stdout.splitlines()
    assert rows[0].startswith("giver,give_issue") and len(rows) > 2


def test_cli_linkage_bad_date_exits_2() -> None:
    result = run("linkage", "ukraine-2025", "--as-of", "not-a-date")
    assert result.returncode == 2
