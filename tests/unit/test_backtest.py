"""Backtests on known outcomes: the DEU importer, EU capabilities and the metrics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from statistics import median

import numpy as np
import pytest

from accord.analysis.backtest import (
    Case,
    _settlements,
    backtest,
    builtin_cases,
    deu_cases,
    score_errors,
)
from accord.errors import InputError
from accord.models.base import get_model
from accord.scenario.compile import compile
from accord.scenario.deu import PERIODS, capabilities, import_deu, load_deu, period_for

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "deu_synthetic.csv"

# Hand-computed from the synthetic fixture (capability × salience weighted mean / median):
# line 2 (EU-15 weights, decided 20-06-03): com 10·80 at 100, de 10·50 at 0, fr 10·100 at 50,
#   lu 2·50 (salience imputed) at 100 -> mean 140000/2400 = 58.333; median 50; outcome 60.
# line 3 (Nice-25, 15-03-05): pl 27·60 at 20, de 29·40 at 80, ep 29·50 at 40
#   -> mean 183200/4230 = 43.310; median 40; outcome 30.
# line 4 (Lisbon shares, intro 01-12-15): de 15.93·100 at 0, fr 13.04·100 at 100
#   -> mean 1304/28.97 = 45.012; median 0; outcome 50.
COMPROMISE = [140000 / 2400, 183200 / 4230, 1304 / 28.97]
MEDIAN = [50.0, 40.0, 0.0]
OUTCOMES = [60.0, 30.0, 50.0]


def fixture_cases() -> list[Case]:
    return deu_cases(load_deu(FIXTURE))


def test_fixture_imports_one_scenario_per_issue() -> None:
    data = load_deu(FIXTURE)
    assert [case.line for case in data.cases] == [2, 3, 4, 5]
    assert data.skipped == ((6, "no actor has a position"),)
    first = data.cases[0]
    assert first.period == "eu15" and first.decided == dt.date(2003, 6, 20)
    assert first.imputed_salience == ("lu",)
    scenario = first.scenario
    assert [actor.id for actor in scenario.actors] == ["com", "fr", "de", "lu"]
    assert scenario.actor("de").capability.point == 10
    assert scenario.actor("com").capability.point == 10  # the largest member state's weight
    assert scenario.actor("lu").salience["issue"].point == 50
    issue = scenario.issues[0]
    assert issue.status_quo is not None and issue.status_quo.point == 0
    assert issue.outcome is not None and issue.outcome.point == 60
    assert data.cases[2].period == "lisbon" and data.cases[2].scenario.issues[0].status_quo is None
    # The fourth issue has no outcome (999) and is not a backtest case.
    assert len(deu_cases(data)) == 3


def test_dropping_actors_without_salience() -> None:
    data = load_deu(FIXTURE, missing_salience=None)
    assert "lu" not in [actor.id for actor in data.cases[0].scenario.actors]


def test_metrics_on_the_fixture_match_hand_computed_values() -> None:
    result = backtest(fixture_cases(), ["compromise", "median"], boot=500, seed=1)
    forecasts = [r.forecast["compromise"] for r in result.results]
    assert forecasts == pytest.approx(COMPROMISE)
    assert [r.forecast["median"] for r in result.results] == pytest.approx(MEDIAN)
    errors = [abs(f - o) for f, o in zip(COMPROMISE, OUTCOMES, strict=True)]
    metrics = result.metrics[str(FIXTURE)]
    compromise, weighted_median = metrics["compromise"], metrics["median"]
    assert compromise.n == 3
    assert compromise.mae.value == pytest.approx(sum(errors) / 3)  # 6.6548
    assert compromise.median.value == pytest.approx(median(errors))  # 4.9879
    assert compromise.within.value == pytest.approx(2 / 3)  # 1.67 and 4.99 are within 10
    assert weighted_median.mae.value == pytest.approx((10 + 10 + 50) / 3)
    assert weighted_median.median.value == pytest.approx(10.0)
    assert weighted_median.within.value == pytest.approx(2 / 3)  # exactly 10 counts as within
    assert compromise.mae_vs_baseline is None
    assert weighted_median.mae_vs_baseline is not None
    assert weighted_median.mae_vs_baseline.value == pytest.approx(70 / 3 - sum(errors) / 3)
    assert weighted_median.within_vs_baseline is not None
    assert weighted_median.within_vs_baseline.value == 0.0
    assert sorted(metrics) == ["compromise", "median"]
    assert list(result.metrics) == [str(FIXTURE)]


def test_bootstrap_intervals_follow_the_documented_resampling() -> None:
    errors = {"compromise": np.array([1.0, 4.0, 9.0, 16.0, 30.0]),
              "other": np.array([2.0, 2.0, 12.0, 10.0, 40.0])}  # fmt: skip
    metrics = score_errors(errors, boot=400, seed=5, level=0.9)
    index = np.random.default_rng(5).integers(0, 5, size=(400, 5))
    means = errors["compromise"][index].mean(axis=1)
    low, high = np.quantile(means, [0.05, 0.95])
    assert metrics["compromise"].mae.low == pytest.approx(low)
    assert metrics["compromise"].mae.high == pytest.approx(high)
    paired = (errors["other"] - errors["compromise"])[index].mean(axis=1)
    diff = metrics["other"].mae_vs_baseline
    assert diff is not None and diff.value == pytest.approx(1.2)
    assert (diff.low, diff.high) == pytest.approx(tuple(np.quantile(paired, [0.05, 0.95])))
    again = score_errors(errors, boot=400, seed=5, level=0.9)
    assert again == metrics


def test_a_single_case_has_no_interval() -> None:
    metrics = score_errors({"compromise": np.array([3.0])})
    assert metrics["compromise"].mae.value == 3.0
    assert metrics["compromise"].mae.low is None and metrics["compromise"].mae.high is None


def test_emission_1994_error_against_the_known_outcome() -> None:
    cases = builtin_cases()
    emission = [case for case in cases if case.scenario.id == "emission-1994"]
    assert [(case.issue, case.outcome) for case in emission] == [("delay", 8.833)]
    result = backtest(emission, ["compromise", "median"])
    row = result.results[0]
    assert row.forecast["compromise"] == pytest.approx(7.38996, abs=1e-4)
    assert row.error["compromise"] == pytest.approx(8.833 - 7.38996, abs=1e-4)
    assert row.scaled["compromise"] == pytest.approx(100 * (8.833 - 7.38996) / 6, abs=1e-3)
    assert row.error["median"] == pytest.approx(8.833 - 7.0)
    data = json.loads(json.dumps(result.to_json()))
    assert data["cases"][0]["outcome"] == 8.833 and data["cases"][0]["unit"] == "years"
    assert data["metrics"]["built-in"]["median"]["mae"]["low"] is None


def test_pooled_sets_get_an_all_entry() -> None:
    result = backtest([*builtin_cases(), *fixture_cases()], ["compromise"], boot=50)
    assert set(result.metrics) == {"built-in", str(FIXTURE), "all"}
    assert result.metrics["all"]["compromise"].n == len(result.results)


@pytest.mark.parametrize(
    ("date", "period", "total"),
    [
        (dt.date(2004, 4, 30), "eu15", 87),
        (dt.date(2004, 5, 1), "eu25-transitional", 124),
        (dt.date(2004, 10, 31), "eu25-transitional", 124),
        (dt.date(2004, 11, 1), "nice25", 321),
        (dt.date(2007, 1, 1), "nice27", 345),
        (dt.date(2013, 7, 1), "nice28", 352),
        (dt.date(2014, 10, 31), "nice28", 352),
    ],
)
def test_council_weights_by_period(date: dt.date, period: str, total: int) -> None:
    assert period_for(date).id == period
    weights = capabilities(date)
    states = {k: v for k, v in weights.items() if k not in ("com", "ep")}
    assert sum(states.values()) == total
    assert weights["com"] == weights["ep"] == max(states.values())


def test_lisbon_population_shares_and_brexit() -> None:
    weights = capabilities(dt.date(2016, 6, 1), commission_weight=0.5, ep_weight=2.0)
    assert weights["de"] == 15.93 and weights["mt"] == 0.08
    assert weights["com"] == pytest.approx(0.5 * 15.93) and weights["ep"] == pytest.approx(31.86)
    assert sum(v for k, v in weights.items() if k not in ("com", "ep")) == pytest.approx(
        100, abs=0.1
    )
    assert capabilities(dt.date(2020, 2, 1))["uk"] == 0.0
    assert capabilities(dt.date(2003, 1, 1))["pl"] == 0.0  # not yet a member
    assert PERIODS[0].start is None and PERIODS[-1].end is None


HEADER = "prnrnmc;isnrnmc;intro;finact;pcom;scom;pde;sde;rp;out"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", None, "empty"),
        ("prnrnmc;pcom;scom;out\n1;50;50;40\n", 1, "missing column 'rp'"),
        ("prnrnmc;intro;rp;out\n1;01-01-05;5;40\n", 1, "no actor position columns"),
        ("prnrnmc;pcom;scom;rp;out\n1;50;50;5;40\n", 1, "missing column 'finact' or 'intro'"),
        (f"{HEADER}\n1;1;01-01-05;;50;x;20;50;5;40\n", 2, "scom is not a number"),
        (f"{HEADER}\n1;1;01-01-05;;50;60;20;50;5;40\n1;2;31-02-05;;50;60;20;50;5;40\n", 3,
         "intro is not a date"),
        (f"{HEADER}\n1;1;;;50;60;20;50;5;40\n", 2, "no decision date"),
        (f"{HEADER}\n1;1;01-01-05;;50;60\n", 2, "row has 6 cells"),
    ],
)  # fmt: skip
def test_bad_deu_input_names_the_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        import_deu(text, "bad.csv")
    assert caught.value.problems[0].line == line
    assert caught.value.file == "bad.csv"


def test_missing_deu_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_deu(tmp_path / "nope.csv")


def test_decimal_commas_and_four_digit_years() -> None:
    data = import_deu(f"{HEADER}\n7;1;01-01-2005;;50,5;60;20;50;5;40\n", "ok.csv")
    scenario = data.cases[0].scenario
    assert scenario.actor("com").positions["issue"].point == 50.5
    assert data.cases[0].decided == dt.date(2005, 1, 1)


def test_no_cases_is_bad_input() -> None:
    with pytest.raises(InputError, match="no cases"):
        backtest([])


def test_line_numbers_survive_quoted_cells_spanning_lines() -> None:
    text = (
        "prnrnmc;issues;intro;pcom;scom;rp;out\n"
        '1;"first line\nsecond line";01-01-05;50;60;5;40\n'
        "2;plain;01-01-05;x;60;5;40\n"
    )
    with pytest.raises(InputError) as caught:
        import_deu(text, "multi.csv")
    assert caught.value.problems[0].line == 4


@pytest.mark.parametrize("name", ["compromise", "median", "nash"])
def test_padded_batches_give_the_same_forecasts_as_one_by_one(name: str) -> None:
    problems = [compile(case.scenario) for case in fixture_cases()]
    assert len({p.actor_ids for p in problems}) == 3  # different actors in every issue
    model = get_model(name)
    batched = _settlements(model, problems, seed=0)
    single = [model.run(problem, rng=0).settlement[0] for problem in problems]
    assert np.allclose(batched, single, atol=1e-9)
