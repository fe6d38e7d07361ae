"""Output forms not covered elsewhere: ``--trace`` tables and the CSV of levers, backtest and
precedents, each checked against the model's reference values or the command's own JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess

import pytest
from test_cli import ACCORD, run


def _rows(text: str, title: str) -> dict[int, list[str]]:
    """Round → cells of the rich table headed ``title`` in ``text`` (plain output)."""
    start = text.index(title)
    rows: dict[int, list[str]] = {}
    for line in text[start:].splitlines()[1:]:
        cells = [cell.strip() for cell in line.strip("│ ").split("│")]
        if cells and cells[0].isdigit():
            rows[int(cells[0])] = cells[1:]
        elif rows and not line.startswith(("│", "├", "┃", "┡", "┏")):
            break
    return rows


def test_eum_trace_prints_each_round_and_every_accepted_offer() -> None:
    result = run("forecast", "emission-1994", "--model", "eum", "--trace")
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout, "eum: Emission-standard delay (years) by round")
    assert sorted(rows) == list(range(11))
    medians = [float(rows[step][0]) for step in range(11)]
    # Scholz, Calbert & Smith (2011) code trajectory (emission_rounds_reference.csv), years.
    reference = [7.0, 8.4159, 9.6109, 9.962, 9.962, 9.962, 7.472, 8.8246, 9.6711, 9.6711, 7.0]
    assert medians == pytest.approx(reference, abs=1e-4)
    assert "round 1: Belgium accepts compromise with France, 7.0000 → 8.4159" in result.stdout
    moves = re.findall(r"eum · Emission-standard delay · round (\d+):", result.stdout)
    assert len(moves) >= 10 and {int(step) for step in moves} <= set(range(1, 11))


def test_smp_trace_prints_the_fractional_change_of_each_step() -> None:
    # 14 actors' columns need a wide terminal to keep the boxed layout this test reads
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400"}
    args = [ACCORD, "forecast", "SOE-Pol-Comp", "--model", "smp", "--trace"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout, "smp: Policy (scale) by round")
    assert rows[0][0] == ""  # no change before the first step
    # KTAB smpc's log of this case: fractional change 0.9998 after step 1, 1.5581 after step 2.
    assert [rows[1][0], rows[2][0]] == ["0.9998", "1.5581"]
    assert "smp: Competitive (scale) by round" in result.stdout


def _csv_rows(*args: str) -> list[dict[str, str]]:
    result = run(*args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _json(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _same(text: str, value: float | None) -> bool:
    return text == "" if value is None else float(text) == pytest.approx(value, rel=1e-5)


def test_levers_csv_holds_what_the_json_holds() -> None:
    args = ("levers", "ukraine-2025", "--actor", "ukraine", "-m", "compromise", "--no-record")
    rows, data = _csv_rows(*args), _json(*args)
    levers = data["models"]["compromise"]["levers"]
    assert len(rows) == len(levers) > 0
    for row, lever in zip(rows, levers, strict=True):
        assert row["model"] == "compromise" and row["path"] == lever["path"]
        assert int(row["rank"]) == lever["rank"] and row["method"] == lever["method"]
        for field in ("change", "new_value", "gain", "cost", "net"):
            assert _same(row[field], lever[field]), field


def test_backtest_csv_holds_what_the_json_holds() -> None:
    rows, data = _csv_rows("backtest", "--seed", "7"), _json("backtest", "--seed", "7")
    assert len(rows) == sum(len(models) for models in data["metrics"].values()) > 0
    for row in rows:
        metric = data["metrics"][row["set"]][row["model"]]
        assert int(row["n"]) == metric["n"]
        for name in ("mae", "median", "within", "mae_vs_baseline", "within_vs_baseline"):
            estimate = metric[name] or {"value": None, "low": None, "high": None}
            for suffix, key in (("", "value"), ("_low", "low"), ("_high", "high")):
                assert _same(row[name + suffix], estimate[key]), name + suffix


def test_precedents_csv_holds_what_the_json_holds() -> None:
    rows, data = _csv_rows("precedents", "ukraine-2025"), _json("precedents", "ukraine-2025")
    precedents = [row for row in rows if row["section"] == "precedent"]
    assert [int(row["pax_id"]) for row in precedents] == [item["id"] for item in data["nearest"]]
    for row, item in zip(precedents, data["nearest"], strict=True):
        assert row["date"] == item["date"] and _same(row["similarity"], item["similarity"])
    rates = {(row["issue"], row["variable"]): row for row in rows if row["section"] == "base_rate"}
    for issue in data["issues"]:
        for code in issue["variables"]:
            row = rates[(issue["issue"], code)]
            assert int(row["total"]) == data["comparable"]
            share = int(row["count"]) / data["comparable"]
            assert float(row["share"]) == pytest.approx(share, rel=1e-5)
