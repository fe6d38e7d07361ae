"""Issue 14, part B: output that never loses data, one flag vocabulary, one error style."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from test_cli import ACCORD, run


def run_at(columns: int, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command piped (not a terminal) with ``COLUMNS`` set."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": str(columns)}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False
    )


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# ----------------------------------------------------------------------------- fitting tables


def test_forecast_at_80_columns_shows_every_column_and_no_line_is_longer() -> None:
    result = run_at(80, "forecast", "--no-record")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert widest(text) <= 80
    for header in ("Issue", "Model", "Forecast", "Nearest", "anchor", "Actors'", "range"):
        assert header in text
    assert "Concedes" in text and "…" not in text
    words = set(text.split())
    # model names and actor names whole, never cut or folded mid-word
    assert {"compromise", "median", "nash", "smp", "eum", "Russia"} <= words
    assert " to " in text  # ranges are written "0 to 100"


def test_a_narrow_terminal_stacks_the_rows() -> None:
    result = run_at(44, "forecast", "emission-1994", "-m", "compromise", "--no-record")
    assert result.returncode == 0, result.stderr
    assert widest(result.stdout) <= 44
    lines = result.stdout.splitlines()
    assert any(line.startswith("Concedes most") for line in lines)
    assert any(line.startswith("Nearest anchor") for line in lines)


def test_draws_and_sweep_tables_fit_80_columns() -> None:
    drawn = run_at(80, "forecast", "emission-1994", "-n", "200", "--no-record")
    assert drawn.returncode == 0, drawn.stderr
    assert widest(drawn.stdout) <= 80
    assert "seed 0" in drawn.stdout and " to " in drawn.stdout
    swept = run_at(80, "sweep", "emission-1994", "-n", "200", "--no-record")
    assert swept.returncode == 0, swept.stderr
    assert widest(swept.stdout) <= 80
    assert {"compromise", "median"} <= set(swept.stdout.split())


# ------------------------------------------------------------------------- formats and --out


def test_out_picks_the_format_from_the_extension(tmp_path: Path) -> None:
    json_out, csv_out, txt_out, html_out = (
        tmp_path / f"f.{s}" for s in ("json", "csv", "txt", "html")
    )
    for target in (json_out, csv_out, txt_out, html_out):
        result = run("forecast", "emission-1994", "-m", "nash", "--out", str(target))
        assert result.returncode == 0, result.stderr
    assert json.loads(json_out.read_text())["models"]["nash"]
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text())))
    assert rows[0]["model"] == "nash" and rows[0]["no_deal"] in ("0", "1")
    assert "nash" in txt_out.read_text().split()
    assert html_out.read_text().lstrip().startswith("<!DOCTYPE html>")


def test_a_format_that_contradicts_the_extension_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    result = run("forecast", "emission-1994", "-f", "csv", "--out", str(target))
    assert result.returncode == 2
    assert result.stderr.startswith("error: --format csv does not match")
    assert "Fix:" in result.stderr and not target.exists()


def test_csv_carries_the_no_deal_flag_and_takes_a_separator() -> None:
    result = run("forecast", "-m", "nash", "-f", "csv", "--sep", ";", "--no-record")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=";"))
    assert len(rows) == 13  # ukraine-2025 has 13 issues (issue 13)
    assert {row["no_deal"] for row in rows} == {"1"}  # nash finds no deal on the default case


def test_xlsx_is_written_as_a_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "f.xlsx"
    result = run("forecast", "emission-1994", "-m", "compromise", "-f", "xlsx", "-o", str(target))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["scenario", "as_of", "model", "issue"]
    assert isinstance(sheet.cell(row=2, column=5).value, float)
    refused = run("forecast", "emission-1994", "-f", "xlsx")
    assert refused.returncode == 2 and "add --out" in refused.stderr


def test_runs_export_as_a_table_is_not_json() -> None:
    assert run("forecast", "emission-1994", "-m", "median").returncode == 0
    result = run("runs", "export", "-f", "table")
    assert result.returncode == 0, result.stderr
    assert "Exported runs" in result.stdout and not result.stdout.lstrip().startswith("[")


# ------------------------------------------------------------------ semicolon and scale notes


def test_a_semicolon_csv_is_read_and_an_inferred_scale_is_announced(tmp_path: Path) -> None:
    table = tmp_path / "case.csv"
    table.write_text("actor;capability;position;salience\nA;10;20,5;80\nB;20;60;50\nC;5;40;90\n")
    inferred = run("forecast", str(table), "-m", "median", "-f", "json", "--no-record")
    assert inferred.returncode == 0, inferred.stderr
    assert inferred.stderr.startswith("note: ")
    assert "min 20.5, max 60" in inferred.stderr and "--min and --max" in inferred.stderr
    assert len(inferred.stderr.strip().splitlines()) == 1
    given = run("forecast", str(table), "-m", "median", "--min", "0", "--max", "100", "-f", "json")
    assert given.returncode == 0 and "note:" not in given.stderr
    assert json.loads(given.stdout)["models"]["median"]["issues"]["issue"]["value"] == 40


# --------------------------------------------------------------------------- flag vocabulary


def test_usage_errors_use_the_one_error_style() -> None:
    result = run("forecast", "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("error: No such option: --bogus")
    assert "Fix: see `accord forecast --help`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    choice = run("simulate", "--protocol", "shouting")
    assert choice.returncode == 2 and choice.stderr.startswith("error: ")
    assert "mediator" in choice.stderr


def test_help_uses_human_metavars_and_lists_choices() -> None:
    for command in ("forecast", "war", "deal", "ratify", "simulate", "timeline", "report"):
        result = run(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "<list[" not in result.stdout and "<str>" not in result.stdout.split("Options:")[1]
        assert "-n, --draws N" in result.stdout, command
        assert "--seed SEED" in result.stdout or command == "ratify" or "--seed" in result.stdout
    assert "current, us_cutoff, european_surge" in " ".join(run("war", "--help").stdout.split())
    assert "<mediator|sao>" in run("simulate", "--help").stdout


def test_runs_is_an_alias_of_draws_with_a_note() -> None:
    draws = run("simulate", "-n", "20", "-f", "json")
    runs = run("simulate", "--runs", "20", "-f", "json")
    assert draws.returncode == runs.returncode == 0, runs.stderr
    assert json.loads(draws.stdout) == json.loads(runs.stdout)
    assert "deprecated" in runs.stderr and "-n/--draws" in runs.stderr
    assert json.loads(draws.stdout)["runs"] == 20


def test_the_default_seed_is_zero_so_reruns_are_identical() -> None:
    first = run("forecast", "emission-1994", "-n", "100", "-f", "json", "--no-record")
    second = run("forecast", "emission-1994", "-n", "100", "-f", "json", "--no-record")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["seed"] == 0


def test_war_takes_what_if_changes() -> None:
    plain = run("war", "-n", "0", "-f", "json")
    changed = run("war", "-n", "0", "-f", "json", "--set", "russia.capability=10")
    assert plain.returncode == changed.returncode == 0, changed.stderr
    assert json.loads(plain.stdout) != json.loads(changed.stdout)
    bad = run("war", "-n", "0", "--set", "nobody.capability=10")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")


def test_serve_on_a_busy_port_says_so_in_one_line() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "Fix: pass --port" in lines[0]


# -------------------------------------------------------------------------------- the report


def test_report_is_identical_on_rerun_and_can_load_plotly_from_its_cdn(tmp_path: Path) -> None:
    first, second, small = (tmp_path / f"{name}.html" for name in ("a", "b", "cdn"))
    for target, extra in ((first, []), (second, []), (small, ["--plotly", "cdn"])):
        result = run(
            "report", "emission-1994", "--no-analyses", "-n", "50", "-o", str(target), *extra
        )
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert "seed 0" in text and "id='key-numbers'" in text
    cdn = small.read_text()
    assert "https://cdn.plot.ly/plotly-" in cdn
    assert len(cdn) < len(text) / 10
