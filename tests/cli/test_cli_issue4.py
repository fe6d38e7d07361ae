"""The installed command for Monte Carlo, sweeps, sensitivity, levers, what-if and run records."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The command of the environment running the tests, even if another `accord` is on PATH.
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160", **(env or {})}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=environment, timeout=300, check=False
    )


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


FAST = ("-m", "compromise", "-m", "median", "-m", "smp")


def test_monte_carlo_forecast_is_identical_twice_and_prints_intervals() -> None:
    first = ok("forecast", "ukraine-2025", "--draws", "2000", "--seed", "7", *FAST)
    second = ok("forecast", "ukraine-2025", "--draws", "2000", "--seed", "7", *FAST)
    assert first == second
    assert "median [80 % interval] of 2,000 draws, seed 7" in first
    assert "Outcome bands: share of draws" in first and "Spearman" in first


def test_monte_carlo_json_fills_low_and_high() -> None:
    data = json.loads(
        ok("forecast", "ukraine-2025", "--draws", "500", "--seed", "7", *FAST, "-f", "json")
    )
    assert data["seed"] == 7 and data["draws"] == 500
    for model in data["models"].values():
        for issue in model["issues"].values():
            assert issue["low"] is not None and issue["high"] is not None
            assert issue["low"] <= issue["value"] <= issue["high"]


@pytest.mark.slow
def test_monte_carlo_forecast_with_every_model() -> None:
    data = json.loads(
        ok("forecast", "ukraine-2025", "--draws", "2000", "--seed", "7", "-f", "json")
    )
    assert {"compromise", "median", "nash", "smp"} <= set(data["models"])
    donbas = data["models"]["nash"]["issues"]["donbas"]
    assert donbas["low"] < donbas["high"]


def test_point_forecast_is_unchanged_and_recorded(accord_home: Path) -> None:
    data = json.loads(ok("forecast", "emission-1994", "-m", "compromise", "-f", "json"))
    assert set(data) == {
        "scenario",
        "as_of",
        "seed",
        "zone",
        "verdict",
        "models",
        "ensemble",
        "sources_used",
    }
    assert data["models"]["compromise"]["issues"]["delay"]["low"] is None
    listed = json.loads(ok("runs", "list", "-f", "json"))
    assert len(listed) == 1 and listed[0]["kind"] == "forecast"


def test_no_record_writes_nothing(accord_home: Path) -> None:
    ok("forecast", "emission-1994", "-m", "compromise", "--no-record")
    assert not (accord_home / "runs.sqlite").exists()


def test_runs_list_show_diff_export_verify(tmp_path: Path) -> None:
    ok(
        "forecast",
        "emission-1994",
        "--draws",
        "300",
        "--seed",
        "1",
        "-m",
        "compromise",
        "-m",
        "median",
    )
    ok(
        "forecast",
        "emission-1994",
        "--draws",
        "300",
        "--seed",
        "2",
        "-m",
        "compromise",
        "-m",
        "median",
    )
    listing = ok("runs", "list")
    assert "emission-1994" in listing and "300 draws" in listing
    shown = json.loads(ok("runs", "show", "1", "-f", "json"))
    assert shown["seed"] == 1 and shown["options"]["draws"] == 300
    assert shown["results"]["models"]["median"]["issues"]["delay"]["value"] == 7.0
    assert "Run 1" in ok("runs", "show", "1")
    diff = ok("runs", "diff", "1", "2")
    assert "inputs differ" in diff and "seed" in diff
    verified = run("runs", "verify")
    assert (
        verified.returncode == 0
        and "run 2 (forecast emission-1994, seed 2): identical" in verified.stdout
    )
    out = tmp_path / "runs.json"
    ok("runs", "export", "--out", str(out))
    exported = json.loads(out.read_text())
    assert [item["id"] for item in exported] == [1, 2]
    csv_text = ok("runs", "export", "1", "-f", "csv")
    assert csv_text.splitlines()[0].startswith("id,created,kind,scenario")


def test_verify_fails_with_exit_1_when_results_differ(accord_home: Path) -> None:
    ok("forecast", "emission-1994", "-m", "median", "-f", "json")
    store = accord_home / "runs.sqlite"
    with sqlite3.connect(store) as connection:
        text = connection.execute("SELECT results FROM runs WHERE id = 1").fetchone()[0]
        connection.execute(
            "UPDATE runs SET results = ? WHERE id = 1",
            (text.replace('"value":7.0', '"value":6.0'),),
        )
    result = run("runs", "verify", "1")
    assert result.returncode == 1
    assert (
        "DIFFERENT" in result.stdout and "models.median.issues.delay.value: 6 → 7" in result.stdout
    )


def test_damaged_store_exits_2_and_is_left_alone(accord_home: Path) -> None:
    store = accord_home / "runs.sqlite"
    store.write_bytes(b"garbage" * 200)
    result = run("forecast", "emission-1994", "-m", "compromise")
    assert result.returncode == 2 and result.stdout == ""
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert store.read_bytes() == b"garbage" * 200
    assert run("runs", "list").returncode == 2
    ok("forecast", "emission-1994", "-m", "compromise", "--no-record")


def test_locked_store_exits_2(accord_home: Path) -> None:
    ok("forecast", "emission-1994", "-m", "compromise")
    holder = sqlite3.connect(accord_home / "runs.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run(
            "forecast", "emission-1994", "-m", "compromise", env={"ACCORD_STORE_TIMEOUT": "0.2"}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 2 and "locked by another process" in result.stderr
    assert len(json.loads(ok("runs", "list", "-f", "json"))) == 1


def test_whatif_on_forecast_reports_the_difference(tmp_path: Path) -> None:
    data = json.loads(
        ok(
            "forecast",
            "emission-1994",
            "-m",
            "compromise",
            "--set",
            "germany.position.delay=10",
            "-f",
            "json",
        )
    )
    change = data["whatif"]["difference"]["compromise"]["delay"]
    assert change["change"] == pytest.approx(0.128 * 6 / 0.677, abs=1e-9)
    table = ok(
        "forecast", "emission-1994", "-m", "compromise", "--set", "germany.position.delay=10"
    )
    assert "What-if: germany.position.delay=10" in table and "+1.13 years" in table
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("changes:\n  germany.position.delay: 10\n  uk.salience.delay: 500\n")
    result = run("forecast", "emission-1994", "--overlay", str(overlay))
    assert result.returncode == 2
    assert f"{overlay}:3" in result.stderr and "salience 500 is outside the scale" in result.stderr


def test_sweep_on_two_dask_workers_equals_in_process() -> None:
    pytest.importorskip("distributed")
    args = (
        "sweep",
        "ukraine-2025",
        "--draws",
        "1000",
        "--seed",
        "3",
        "-m",
        "compromise",
        "-m",
        "median",
        "-f",
        "json",
    )
    local = json.loads(ok(*args))
    spread = json.loads(ok(*args, "--workers", "2"))
    assert local == spread
    listed = json.loads(ok("runs", "list", "-f", "json"))
    assert {item["engine"] for item in listed} == {"in process", "dask LocalCluster (2 workers)"}


def test_sweep_table_and_csv() -> None:
    table = ok("sweep", "ukraine-2025", "--draws", "300", "--seed", "1", "-m", "compromise")
    assert "300 draws, seed 1" in table and "80 % interval" in table
    csv_text = ok(
        "sweep", "ukraine-2025", "--draws", "300", "--seed", "1", "-m", "compromise", "-f", "csv"
    )
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("scenario,as_of,seed,draws,model,issue,median")
    assert len(rows) >= 10


def test_without_dask_workers_run_locally_and_a_scheduler_says_how_to_install_it(
    tmp_path: Path,
) -> None:
    """Right after `pip install .` (no Dask): --workers still works, --scheduler explains."""
    fake = tmp_path / "distributed"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('simulated: dask is not installed')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    result = run("sweep", "emission-1994", "--draws", "10", "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert "running 2 worker processes on this machine" in result.stderr
    assert "pip install 'accord[distributed]'" in result.stderr and "Traceback" not in result.stderr
    joined = run(
        "sweep", "emission-1994", "--draws", "10", "--scheduler", "tcp://127.0.0.1:1", env=env
    )
    assert joined.returncode == 2
    assert "pip install 'accord[distributed]'" in joined.stderr and "Traceback" not in joined.stderr


def test_sensitivity_on_ukraine_runs_in_under_a_minute() -> None:
    started = time.perf_counter()
    data = json.loads(ok("sensitivity", "ukraine-2025", "--seed", "1", "-f", "json"))
    assert time.perf_counter() - started < 60
    assert data["method"] == "sobol" and data["model"] == "compromise" and data["samples"] == 512
    donbas = data["outputs"]["donbas"]
    totals = [index["ST"] for index in donbas["indices"]]
    assert totals == sorted(totals, reverse=True) and totals[0] > 0.05
    assert len(donbas["tornado"]) == len(data["inputs"]) > 100


def test_sensitivity_table_grouped_and_morris() -> None:
    table = ok(
        "sensitivity",
        "ukraine-2025",
        "--group",
        "actor",
        "--samples",
        "64",
        "--seed",
        "2",
        "--issue",
        "donbas",
    )
    assert "Rest of Donbas" in table and "Group" in table and "russia" in table
    morris = ok("sensitivity", "ukraine-2025", "--method", "morris", "--samples", "6", "-f", "csv")
    assert morris.splitlines()[0] == "issue,rank,input,mu_star,mu_star_conf,mu,sigma,at_low,at_high"
    bad = run("sensitivity", "ukraine-2025", "--issue", "nowhere")
    assert bad.returncode == 2 and "unknown issue 'nowhere'" in bad.stderr


def test_levers_for_ukraine_rank_compromise_rows_by_closed_form() -> None:
    data = json.loads(
        ok(
            "levers",
            "ukraine-2025",
            "--actor",
            "ukraine",
            "-m",
            "compromise",
            "-m",
            "median",
            "-f",
            "json",
        )
    )
    rows = data["models"]["compromise"]["levers"]
    assert {row["method"] for row in rows} == {"closed form"}
    nets = [row["net"] for row in rows]
    # Nets within the levers' tie width count as ties (ordered by path), so only a drop by
    # more than that width breaks the order.
    from itertools import pairwise

    from accord.analysis.levers import NEGLIGIBLE

    tie = 100 * NEGLIGIBLE
    assert all(later <= earlier + tie for earlier, later in pairwise(nets))
    assert {row["method"] for row in data["models"]["median"]["levers"]} == {"simulation"}
    table = ok("levers", "ukraine-2025", "--actor", "ukraine", "-m", "compromise", "--top", "3")
    assert "Levers for Ukraine — compromise" in table and "closed form" in table
    bad = run("levers", "ukraine-2025", "--actor", "atlantis")
    assert bad.returncode == 2 and "unknown actor 'atlantis'" in bad.stderr


def test_levers_and_sensitivity_take_whatif_changes() -> None:
    data = json.loads(
        ok(
            "levers",
            "emission-1994",
            "--actor",
            "uk",
            "-m",
            "compromise",
            "--set",
            "germany.position.delay=10",
            "-f",
            "json",
        )
    )
    assert data["whatif"]["difference"]["compromise"]["delay"]["change"] > 1
    sens = run(
        "sensitivity",
        "emission-1994",
        "--set",
        "germany.position.delay=[4, 10]",
        "--samples",
        "64",
        "-f",
        "json",
    )
    assert sens.returncode == 0, sens.stderr
    found = json.loads(sens.stdout)
    assert [item["name"] for item in found["inputs"]] == ["germany.position.delay"]
    assert found["whatif"]["difference"]["compromise"]["delay"]["change"] > 0
