"""``accord war | deal | ratify | simulate``, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

# The command of the environment running the tests, even if another `accord` is on PATH.
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_war_shows_the_range_month_by_month_under_each_regime() -> None:
    result = run("war", "ukraine-2025", "--months", "3", "--draws", "200", "--seed", "1")
    assert result.returncode == 0, result.stderr
    for text in ("Current aid", "US cut-off", "European surge", "2025-12", "2026-03",
                 "Russia accepts", "Ukraine accepts", "shift vs current"):  # fmt: skip
        assert text in result.stdout, text


def test_war_json_the_cut_off_moves_kyivs_walk_away() -> None:
    result = run("war", "--months", "1", "--draws", "300", "--seed", "2", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    regimes = data["regimes"]
    # Kyiv's walk-away on Donbas is at its cap (50) under both; the cut-off shows in the south
    # and in what Russia accepts on Donbas.
    current = regimes["current"]["theatres"]["southern_line"]["defending"]["value"][0]
    cut = regimes["us_cutoff"]["theatres"]["southern_line"]["defending"]["value"][0]
    assert cut > current + 2
    current = regimes["current"]["theatres"]["donbas"]["advancing"]["value"][0]
    cut = regimes["us_cutoff"]["theatres"]["donbas"]["advancing"]["value"][0]
    assert cut > current + 2
    assert set(data["pace"]) == {"current", "us_cutoff", "european_surge"}
    assert data["pace"]["current"]["low"] < data["pace"]["current"]["high"]
    # The cut-off never lowers Nash's Donbas value (Russia's condition, Donbas >= 50, can hold
    # both at 50).
    assert (
        regimes["us_cutoff"]["nash"]["donbas"]["value"]
        >= regimes["current"]["nash"]["donbas"]["value"]
    )


def test_war_csv_and_single_regime() -> None:
    result = run("war", "--regime", "us_cutoff", "--months", "2", "--draws", "0", "-f", "csv")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.startswith("scenario,as_of,regime,month,issue,line")
    assert len(rows) == 3 * 2 and all(",us_cutoff," in row for row in rows)


def test_deal_values_every_actor() -> None:
    result = run("deal", "ukraine-2025", "28-point", "--draws", "300", "--seed", "1", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["actors"]) == 18  # with the Verkhovna Rada and Slovakia (issue 13)
    assert (
        data["actors"]["russia"]["surplus"]["value"]
        > 10  # Kyiv's surplus is small (issue 13's new issues); it accepts in no draw
        > data["actors"]["ukraine"]["surplus"]["value"]
    )
    assert data["actors"]["ukraine"]["accepts"] == 0.0
    assert 0 < data["breakdown"]["probability"]["value"] < 1
    table = run("deal", "20-point", "--draws", "100", "--seed", "1")
    assert table.returncode == 0, table.stderr
    # As of 2 Dec 2025 the guarantee's term is a range: 15 years was first public on 29 Dec.
    assert (
        "Walk-away" in table.stdout and "Breakdown within 179 [148 to 212] months" in table.stdout
    )


def test_deal_from_a_models_forecast() -> None:
    result = run("deal", "--model", "compromise", "--draws", "50", "-f", "json", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["deal"]["id"] == "compromise-forecast"


def test_ratify_28_point_less_likely_than_20_point() -> None:
    probabilities = {}
    for draft in ("28-point", "20-point"):
        result = run("ratify", draft, "--draws", "800", "--seed", "3", "-f", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        probabilities[draft] = data
        assert {"value", "low", "high"} <= set(data["probability"])
        assert data["fit"]["polls"] and data["blockers"]
    assert (
        probabilities["28-point"]["referendum"]["passes"]["value"]
        < probabilities["20-point"]["referendum"]["passes"]["value"]
    )
    assert (
        probabilities["28-point"]["probability"]["value"]
        < probabilities["20-point"]["probability"]["value"]
    )
    table = run("ratify", "ukraine-2025", "20-point", "--draws", "300", "--seed", "3")
    text = " ".join(table.stdout.split())
    assert "P(signed) =" in text and "P(ratified | signed) =" in text
    assert "Veto points" in text and "Ceasefire before the vote" in text
    for step in ("Verkhovna Rada", "Art. 73", "Art. 157", "Article II treaty"):
        assert step in text, step


def test_simulate_ten_thousand_runs_in_seconds() -> None:
    start = time.perf_counter()
    result = run("simulate", "ukraine-2025", "--runs", "10000", "--seed", "1", "-f", "json")
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert elapsed < 60
    data = json.loads(result.stdout)
    # Kyiv's and Moscow's red lines cross: no text keeps both, so no run agrees.
    assert data["runs"] == 10000 and data["agreement_probability"] == 0.0
    assert data["holdouts"]["ukraine"] == data["holdouts"]["russia"] == 1.0
    assert set(data["terms"]["donbas"]) >= {"value", "low", "high", "edges", "counts"}
    table = run("simulate", "--runs", "500", "--seed", "1", "--strategy", "russia=linear",
                "--protocol", "sao", "--opening", "28-point")  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "P(agreement before the deadline)" in table.stdout and "linear 100%" in table.stdout


def test_bad_input_exits_2_with_one_line() -> None:
    cases = [
        (("war", "--regime", "lend-lease"), "unknown aid regime 'lend-lease'"),
        (("deal", "ukraine-2025", "29-point"), "no such deal file or built-in deal"),
        (("ratify",), "no deal given"),
        (("simulate", "--runs", "5", "--strategy", "russia"), "is not ACTOR=TACTIC"),
        (("simulate", "--runs", "5", "--strategy", "kremlin=linear"), "unknown actor 'kremlin'"),
        (("war", "emission-1994"), "no war block"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
