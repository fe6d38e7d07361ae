"""The installed ``accord`` command, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The command of the environment running the tests, even if another `accord` is on PATH.
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False
    )


def test_bare_forecast_runs_every_model_on_ukraine() -> None:
    result = run("forecast")
    assert result.returncode == 0, result.stderr
    assert "forecast as of 2025-12-02" in result.stdout
    for model in ("compromise", "median", "nash"):
        assert model in result.stdout
    assert "Donbas" in result.stdout


def test_forecast_json_emission_compromise() -> None:
    result = run("forecast", "emission-1994", "--model", "compromise", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
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
    issue = data["models"]["compromise"]["issues"]["delay"]
    assert set(issue) == {"value", "label", "low", "high", "in_zone", "rejected_by"}
    assert abs(issue["value"] - 7.39) <= 0.005
    assert issue["low"] is None and issue["high"] is None


def test_forecast_ktab_file_as_shipped(shared_data: Path) -> None:
    result = run(
        "forecast",
        str(shared_data / "ktab" / "SOE-Policy.csv"),
        "--model",
        "median",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("scenario,as_of,model,issue,value")
    assert len(rows) == 1 and rows[0].startswith("SOE-Policy,,median,policy,")


def test_as_of_dates_differ() -> None:
    early = json.loads(run("forecast", "--as-of", "2025-11-20", "-f", "json").stdout)
    late = json.loads(run("forecast", "--as-of", "2025-12-24", "-f", "json").stdout)
    assert early["as_of"] == "2025-11-20" and late["as_of"] == "2025-12-24"
    values = [
        (
            issue,
            early["models"]["compromise"]["issues"][issue]["value"],
            late["models"]["compromise"]["issues"][issue]["value"],
        )
        for issue in early["models"]["compromise"]["issues"]
    ]
    assert any(abs(a - b) > 1 for _, a, b in values)


def test_out_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    out.write_text("mine")
    result = run("forecast", "emission-1994", "-f", "json", "--out", str(out))
    assert result.returncode == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "mine"
    assert (
        run("forecast", "emission-1994", "-f", "json", "--out", str(out), "--force").returncode == 0
    )
    assert json.loads(out.read_text())["scenario"] == "emission-1994"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("forecast", "no-such-scenario"), "no such file or built-in scenario"),
        (("forecast", "--as-of", "2025-02-30"), "is not a date"),
        (("forecast", "--model", "nope"), "unknown model 'nope'"),
        (("forecast", "--as-of", "2020-01-01"), "before the scenario's base date"),
    ],
)
def test_bad_options_exit_2_without_traceback(args: tuple[str, ...], words: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_bad_scenario_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntitle: x\nissues:\n  - {id: i, name: i, min: 0, max: 1}\n"
        "actors:\n  - {id: a, name: a, capability: 1, positions: {i: 3}, "
        "salience: {i: 5}}\n"
    )
    for command in ("forecast", "validate"):
        result = run(command, str(bad))
        assert result.returncode == 2
        assert f"{bad}:6:" in result.stderr
        assert "actors[0].positions.i" in result.stderr
        assert "Traceback" not in result.stderr


def test_validate_ok_and_strict(tmp_path: Path) -> None:
    result = run("validate", "emission-1994", "--strict")
    assert result.returncode == 0 and "ok" in result.stdout
    loose = tmp_path / "loose.yaml"
    loose.write_text(
        "id: x\ntitle: x\nissues:\n  - {id: i, name: i, min: 0, max: 1}\n"
        "actors:\n  - {id: a, name: a, capability: 1, positions: {i: 0.3}, "
        "salience: {i: 5}}\n"
    )
    assert run("validate", str(loose)).returncode == 0
    strict = run("validate", str(loose), "--strict")
    assert strict.returncode == 2 and "no source" in strict.stderr


def test_models_scenarios_schema() -> None:
    models = run("models")
    assert models.returncode == 0
    assert "compromise" in models.stdout and "Achen" in models.stdout
    scenarios = run("scenarios")
    assert scenarios.returncode == 0 and "ukraine-2025" in scenarios.stdout
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "accord scenario"
    assert "actors" in schema["properties"]


def test_convert_csv_to_yaml(tmp_path: Path, shared_data: Path) -> None:
    target = tmp_path / "soe.yaml"
    result = run("convert", str(shared_data / "ktab" / "SOE-Policy.csv"), str(target))
    assert result.returncode == 0, result.stderr
    again = run("forecast", str(target), "-m", "median", "-f", "csv")
    direct = run(
        "forecast", str(shared_data / "ktab" / "SOE-Policy.csv"), "-m", "median", "-f", "csv"
    )
    assert again.stdout.split("\n")[1].split(",")[2:] == direct.stdout.split("\n")[1].split(",")[2:]
    assert run("convert", "emission-1994", str(target)).returncode == 2


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("accord ")


def test_forecast_says_plainly_when_no_deal_exists(tmp_path: Path) -> None:
    scenario = tmp_path / "standoff.yaml"
    scenario.write_text(
        "id: standoff\ntitle: Standoff\nissues:\n  - {id: land, name: Land, min: 0, max: 100}\n"
        "actors:\n"
        "  - {id: a, name: Alpha, party: true, capability: 1, positions: {land: 0},"
        " salience: {land: 100}, walk_away: {land: 30}}\n"
        "  - {id: b, name: Beta, party: true, capability: 1, positions: {land: 100},"
        " salience: {land: 100}, walk_away: {land: 80}}\n"
    )
    result = run("forecast", str(scenario), "-m", "nash", "--no-record")
    assert result.returncode == 0, result.stderr
    assert "nash: no deal" in result.stdout
    assert "Alpha and Beta" in result.stdout
    assert "✗" in result.stdout
    sampled = run(
        "forecast", str(scenario), "-m", "nash", "--draws", "10", "--seed", "1", "--no-record"
    )
    assert "in 0 % of draws" in sampled.stdout
