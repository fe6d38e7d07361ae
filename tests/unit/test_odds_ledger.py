"""Dated odds and the ledger: decomposition, consistency with zone and simulate, scoring."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import accord
from accord.analysis.ledger import forecast_dates, open_at, pax_base_rate, replay, score
from accord.analysis.odds import odds
from accord.analysis.zone import open_draws, zone
from accord.dynamics.talks import simulate
from accord.scenario.load import parse

CASE = Path(__file__).parents[1] / "data" / "zone" / "talks.yaml"
MARCH = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def case() -> accord.Scenario:
    return accord.load(CASE)


def test_components_multiply_out_and_the_zone_is_the_zone_command(case: accord.Scenario) -> None:
    result = odds(case, by=MARCH, runs=400, seed=1)
    parts = result.components
    assert result.probability.probability == pytest.approx(
        parts["zone"] * parts["reached_by"] * parts["ratified_given_signed"], abs=1e-12
    )
    assert parts["zone"] == zone(case, draws=400, seed=1).probability
    # red line of a: U(35, 75); b needs >= 50 -> open in 25/40 of draws.
    assert parts["zone"] == pytest.approx(0.625, abs=0.06)
    # No ratification block: a signed deal stands.
    assert parts["ratified_given_signed"] in (0.0, 1.0)
    assert result.probability.low <= result.probability.probability <= result.probability.high


def test_signed_by_a_late_date_is_simulates_agreement_inside_the_zone(
    case: accord.Scenario,
) -> None:
    late = odds(case, by=dt.date(2027, 1, 1), runs=300, seed=2)
    simulation = simulate(case, runs=300, rng=2)
    inside = open_draws(case, simulation.problem, case.as_of, 2)
    assert late.signed.probability == pytest.approx(
        float((simulation.talks.agreed & inside).mean())
    )
    early = odds(case, by=dt.date(2026, 1, 15), runs=300, seed=2)
    assert early.signed.probability <= late.signed.probability
    assert early.rounds_available < late.rounds_available


def test_issue_thresholds_and_ceasefire_are_bounded_by_signature(case: accord.Scenario) -> None:
    result = odds(case, by=dt.date(2027, 1, 1), runs=300, seed=3, thresholds={"x": (">=", 60.0)})
    assert 0.0 <= result.issues["x"]["probability"] <= result.signed.probability
    assert result.ceasefire.probability == pytest.approx(result.signed.probability)
    assert all(abs(driver.correlation) <= 1 for driver in result.drivers)


def test_odds_refuse_a_question_date_before_the_evaluation_date(case: accord.Scenario) -> None:
    with pytest.raises(accord.InputError, match="before the evaluation date"):
        odds(case, by=dt.date(2025, 12, 1), runs=10)


def test_few_draws_are_flagged(case: accord.Scenario) -> None:
    assert any("fewer than 200" in text for text in odds(case, by=MARCH, runs=50).warnings)


def test_ledger_replays_open_events_at_each_date_and_scores_them(case: accord.Scenario) -> None:
    assert forecast_dates(case) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    event = case.events[0]
    assert open_at(event, dt.date(2026, 2, 1)) and not open_at(event, dt.date(2026, 2, 20))
    rows = replay(case, runs=200, seed=0)
    assert sorted((row.event, row.as_of) for row in rows) == [
        ("signed-by-march", dt.date(2026, 1, 1)),
        ("signed-by-march", dt.date(2026, 2, 1)),
        ("x-high", dt.date(2026, 1, 1)),
        ("x-high", dt.date(2026, 2, 1)),
    ]
    result = score(case, rows, case.events)
    assert result.n == 4 and result.events == 2
    assert result.baselines["always 0.5"]["brier"] == pytest.approx(0.25)
    assert result.baselines["always no"]["brier"] == pytest.approx(0.5)
    expected = np.mean(
        [
            np.mean(
                [
                    (r.probability - (r.event == "signed-by-march")) ** 2
                    for r in rows
                    if r.event == e
                ]
            )
            for e in ("signed-by-march", "x-high")
        ]
    )
    assert result.brier == pytest.approx(expected, abs=1e-4)
    assert result.brier_interval is not None


def test_replay_uses_only_what_was_known_on_each_date(case: accord.Scenario) -> None:
    rows = replay(case, runs=200, seed=0)
    data = case.model_dump(mode="json", by_alias=True)
    data["updates"] = []  # delete everything dated after the first forecast date
    early = replay(parse(data, "truncated"), runs=200, seed=0)
    first = [row for row in rows if row.as_of == dt.date(2026, 1, 1)]
    assert [row.probability for row in early] == [row.probability for row in first]


def test_pax_base_rate_grows_with_the_horizon(case: accord.Scenario) -> None:
    ukraine = accord.load("ukraine-2025")
    short = pax_base_rate(ukraine, ("SubComp",), 1.0)
    long = pax_base_rate(ukraine, ("SubComp",), 24.0)
    assert 0.0 < short <= long < 1.0


def test_cli_odds_and_ledger(tmp_path: Path) -> None:
    accord_bin = str(Path(sys.executable).with_name("accord"))
    env = {**os.environ, "ACCORD_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [
            accord_bin,
            "odds",
            str(CASE),
            "--by",
            "2026-03-01",
            "-n",
            "200",
            "-f",
            "json",
            "--issue",
            "x>=60",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    data = json.loads(out.stdout)
    assert set(data["components"]) == {"zone", "reached_by", "ratified_given_signed"}
    assert {"probability", "low", "high"} <= set(data["ceasefire"])
    assert all(
        item["date"] is None or item["date"] <= "2026-01-01" for item in data["sources_used"]
    )
    text = subprocess.run(
        [accord_bin, "odds", str(CASE), "--by", "2026-03-01", "-n", "200"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert "P(zone of agreement open)" in text
    subprocess.run(
        [accord_bin, "ledger", "replay", str(CASE), "-n", "100"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    scored = json.loads(
        subprocess.run(
            [accord_bin, "ledger", "score", str(CASE), "-n", "100", "-f", "json"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
    )
    assert scored["n"] == 4 and set(scored["baselines"]) == {
        "always 0.5",
        "always no",
        "PA-X base rate",
    }
    bad = subprocess.run(
        [accord_bin, "odds", str(CASE), "--by", "2025-01-01"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 2 and "before the evaluation date" in bad.stderr


def test_simulate_shows_terms_only_when_enough_runs_agree(case: accord.Scenario) -> None:
    from accord.dynamics.talks import MIN_AGREED_SHARE

    agreeing = simulate(case, runs=300, rng=1)
    assert agreeing.talks.agreed.mean() >= MIN_AGREED_SHARE
    assert all(item["value"] is not None for item in agreeing.to_json()["terms"].values())
    short = simulate(case, runs=300, rng=1, deadline=1)
    assert short.talks.agreed.mean() < MIN_AGREED_SHARE
    assert all(item["value"] is None for item in short.to_json()["terms"].values())


def test_ratify_reports_signature_and_ratification_apart() -> None:
    from accord.dynamics.deal import load_deal
    from accord.dynamics.ratify import ratify

    ukraine = accord.load("ukraine-2025")
    result = ratify(ukraine, load_deal("20-point", ukraine), draws=200, rng=0).to_json()
    assert 0.0 <= result["p_signed"] <= 1.0
    assert result["probability_given_signed"] == result["probability"]["value"]
    assert {item["id"] for item in result["veto_points"]} >= {"referendum"}
    assert all(0.0 <= item["p_block"] <= 1.0 for item in result["veto_points"])
