"""``accord timeline``, ``accord backtest`` and ``accord precedents``, run as a user would."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord.analysis.precedents import agreements

# The command of the environment running the tests, even if another `accord` is on PATH.
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "deu_synthetic.csv"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_timeline_ukraine_shows_dated_points_and_names_the_biggest_update() -> None:
    result = run("timeline", "ukraine-2025")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    dates = set(re.findall(r"│ (20\d\d-\d\d-\d\d) │", out))
    assert len(dates) >= 5
    assert "The update that moved each issue most, and why" in out
    section = out.split("The update that moved each issue most", 1)[1]
    for issue in ("donbas", "southern_line", "recognition", "army_cap", "elections"):
        line = next(line for line in section.splitlines() if f"│ {issue} " in line)
        assert re.search(r"20\d\d-\d\d-\d\d", line), line


def test_timeline_json_and_csv() -> None:
    result = run("timeline", "ukraine-2025", "-m", "compromise", "-d", "2025-12-01", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = [point["kind"] for point in data["points"]]
    assert kinds[0] == "base" and "chosen" in kinds and kinds.count("update") >= 5
    assert data["largest"]["compromise"]["donbas"]["driver"]
    rows = list(csv.DictReader(io.StringIO(run("timeline", "-m", "median", "-f", "csv").stdout)))
    assert {row["model"] for row in rows} == {"median"}
    assert {"date", "issue", "value", "label", "event"} <= set(rows[0])


def test_backtest_reports_each_model_against_the_emission_outcome() -> None:
    result = run("backtest")
    assert result.returncode == 0, result.stderr
    assert "emission-1994/delay" in result.stdout and "8.833 years" in result.stdout
    data = json.loads(run("backtest", "-f", "json").stdout)
    case = next(c for c in data["cases"] if c["scenario"] == "emission-1994")
    assert set(case["error"]) == set(data["models"]) and "compromise" in data["models"]
    for model in data["models"]:
        assert abs(case["forecast"][model] - 8.833) == pytest.approx(case["error"][model])
        assert model in result.stdout


def test_backtest_on_the_synthetic_deu_fixture() -> None:
    args = ("backtest", "--deu", str(FIXTURE), "--no-builtin", "-m", "compromise", "-m", "median")
    data = json.loads(run(*args, "-f", "json").stdout)
    metrics = data["metrics"][str(FIXTURE)]
    errors = [abs(140000 / 2400 - 60), abs(183200 / 4230 - 30), abs(1304 / 28.97 - 50)]
    assert metrics["compromise"]["mae"]["value"] == pytest.approx(sum(errors) / 3)
    assert metrics["median"]["mae"]["value"] == pytest.approx(70 / 3)
    assert metrics["median"]["within"]["value"] == pytest.approx(2 / 3)
    assert data["skipped"] == [f"{FIXTURE}:6: no actor has a position",
                               f"{FIXTURE}: 1 issue(s) without an outcome"]  # fmt: skip
    table = run(*args)
    assert table.returncode == 0 and "Accuracy on" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv", "--cases").stdout)))
    assert len(rows) == 3 * 2 and rows[0]["error_0_100"]


def test_precedents_ukraine_lists_base_rates_and_pax_ids() -> None:
    result = run("precedents", "ukraine-2025")
    assert result.returncode == 0, result.stderr
    assert "Nearest precedents" in result.stdout and "no PA-X counterpart" in result.stdout
    assert "doi:10.1177/0022343318819123" in result.stdout
    data = json.loads(run("precedents", "-f", "json", "--top", "3").stdout)
    assert len(data["nearest"]) == 3
    assert all(str(item["id"]) in result.stdout for item in data["nearest"])
    narrowed = json.loads(
        run("precedents", "--type", "Inter", "--no-third-party", "-f", "json").stdout
    )
    assert narrowed["filters"]["third_party"] is False
    expected = sum(
        1
        for a in agreements()
        if a.agreement_type == "Inter"
        and not a.third_party
        and a.stage in ("Cea", "SubPar", "SubComp")
    )
    assert narrowed["comparable"] == expected > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--date", "2025-13-01"), "--date '2025-13-01' is not a date"),
        (("timeline", "--date", "2020-01-01"), "before the scenario's base date"),
        (("timeline", "--draws", "1"), "--draws must be 2 or more"),
        (("backtest", "--deu", "missing.csv"), "no such file"),
        (("backtest", "--no-builtin"), "no cases with a known outcome"),
        (("precedents", "--type", "galactic"), "unknown type 'galactic'"),
        (("precedents", "--map", "nato=Nope"), "unknown PA-X variable 'Nope'"),
        (("timeline", "-m", "oracle"), "unknown model 'oracle'"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_deu_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("prnrnmc;intro;pcom;scom;rp;out\n1;01-01-05;50;60;5;40\n2;01-01-05;x;60;5;40\n")
    result = run("backtest", "--deu", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr and "pcom is not a number" in result.stderr


def test_out_file_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    out.write_text("mine")
    result = run("precedents", "-f", "json", "--out", str(out))
    assert result.returncode == 2 and out.read_text() == "mine"
    assert run("precedents", "-f", "json", "--out", str(out), "--force").returncode == 0
    assert json.loads(out.read_text())["scenario"] == "ukraine-2025"
