"""One set of numbers: forecast, deal, simulate and ratify print accord odds' components.

Each command calls the same function (:func:`accord.analysis.odds.components`) on the same
draws and seed, so with the same ``-n`` and ``--seed`` every command reports the same
P(zone open), P(agreement by the end of the talks | zone) and P(ratified | signed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from accord.cli import app

DATE = "2025-12-02"
TALKS = str(Path(__file__).parents[1] / "data" / "zone" / "talks.yaml")
KEYS = ("zone", "reached_by", "ratified_given_signed", "probability", "runs", "seed", "as_of")


def run(tmp_path: Path, *args: str) -> Any:
    result = CliRunner().invoke(
        app, [*args, "-f", "json"], env={"ACCORD_HOME": str(tmp_path)}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def odds_numbers(data: dict[str, Any]) -> dict[str, Any]:
    return {"probability": data["probability"], **data["components"], **data}


@pytest.mark.parametrize(
    ("scenario", "commands"),
    [
        (
            "ukraine-2025",
            [
                ("forecast", "ukraine-2025", "-m", "median", "--no-record"),
                ("deal", "20-point"),
                ("simulate", "ukraine-2025"),
                ("ratify", "20-point"),
            ],
        ),
        (TALKS, [("forecast", TALKS, "-m", "median", "--no-record"), ("simulate", TALKS)]),
    ],
)
def test_every_command_reports_the_odds_components(
    tmp_path: Path, scenario: str, commands: list[tuple[str, ...]]
) -> None:
    dated = ("--as-of", DATE) if scenario == "ukraine-2025" else ()
    settings = ("-n", "60", "--seed", "5", *dated)
    reference = odds_numbers(run(tmp_path, "odds", scenario, *settings))
    expected = {key: reference[key] for key in KEYS}
    for command in commands:
        shared = run(tmp_path, *command, *settings)["odds"]
        assert {key: shared[key] for key in KEYS} == expected, command
        assert shared["by"] is None and shared["source"] == "accord odds"
    assert expected["probability"] == pytest.approx(
        expected["zone"] * expected["reached_by"] * expected["ratified_given_signed"], abs=2e-4
    )
    if scenario == TALKS:  # a case where the numbers are not all zero
        assert 0 < expected["zone"] < 1 and 0 < expected["reached_by"] < 1


def test_the_terminal_says_the_numbers_are_shared(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["simulate", TALKS, "-n", "60", "--seed", "5"], env={"ACCORD_HOME": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Shared with accord odds (same function, 60 draws, seed 5" in text
    assert "accord odds --as-of 2026-01-01 -n 60 --seed 5` gives the same numbers" in text
