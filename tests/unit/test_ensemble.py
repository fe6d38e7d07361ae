"""The model-ensemble band: the spread across models beside each model's own interval."""

from __future__ import annotations

import csv
import io

import pytest

import accord
from accord.analysis.forecast import ensemble, forecast
from accord.analysis.montecarlo import simulate
from accord.models.base import get_model
from accord.report.terminal import ensemble_table, forecast_csv

MODELS = ["compromise", "median", "eum"]


@pytest.fixture(scope="module")
def case() -> accord.Scenario:
    return accord.load("emission-1994")


def test_the_band_spans_the_models_values(case: accord.Scenario) -> None:
    result = forecast(case, MODELS, seed=1)
    bands = ensemble(result)
    for issue_id, band in bands.items():
        values = [model.issues[issue_id].value for model in result.models.values()]
        assert (band.low, band.high, band.models) == (min(values), max(values), 3)
        assert band.envelope_low is None  # no draws, no intervals to envelope
    data = result.to_json()["ensemble"]
    assert set(data) == {issue.id for issue in case.issues}
    (issue_id,) = data
    assert data[issue_id]["low"] == pytest.approx(bands[issue_id].low)
    assert "envelope" not in data[issue_id]


def test_with_draws_the_envelope_covers_every_models_interval(case: accord.Scenario) -> None:
    run = simulate(case, [get_model(name) for name in MODELS[:2]], draws=200, seed=4)
    data = run.to_json()
    for issue_id, band in data["ensemble"].items():
        models = data["models"].values()
        assert band["low"] == pytest.approx(min(m["issues"][issue_id]["value"] for m in models))
        assert band["high"] == pytest.approx(max(m["issues"][issue_id]["value"] for m in models))
        envelope = band["envelope"]
        assert envelope["low"] == pytest.approx(min(m["issues"][issue_id]["low"] for m in models))
        assert envelope["high"] == pytest.approx(max(m["issues"][issue_id]["high"] for m in models))
        assert envelope["low"] <= band["low"] <= band["high"] <= envelope["high"]


def test_csv_and_terminal_show_the_band_only_with_several_models(case: accord.Scenario) -> None:
    run = simulate(case, [get_model(name) for name in MODELS[:2]], draws=200, seed=4)
    point = run.to_forecast()
    rows = list(csv.DictReader(io.StringIO(forecast_csv(point, intervals=True))))
    by_model = {row["model"]: row for row in rows}
    band = run.to_json()["ensemble"]["delay"]
    assert float(by_model["ensemble"]["low"]) == pytest.approx(band["low"], rel=1e-5)
    assert float(by_model["ensemble-envelope"]["high"]) == pytest.approx(
        band["envelope"]["high"], rel=1e-5
    )
    assert by_model["ensemble"]["value"] == ""
    table = ensemble_table(point, intervals=True)
    assert table is not None and table.row_count == len(case.issues) and len(table.columns) == 3
    single = forecast(case, ["median"])
    assert ensemble_table(single) is None
    assert "ensemble" not in forecast_csv(single)


def test_the_report_puts_the_band_under_the_forecast_table(case: accord.Scenario) -> None:
    from accord.report import context as report_context
    from accord.report.html import sections_payload

    context = report_context.build(case, models=MODELS[:2], draws=100, seed=4)
    html = {s["id"]: s["html"] for s in sections_payload(context)}["forecast"]
    assert "id='ensemble-table'" in html and "Envelope of the models' 80 % intervals" in html
    band = report_context.forecast_json(context)["ensemble"]["delay"]
    assert f"data-low='{band['low']:.10g}'" in html
    single = report_context.build(case, models=["median"])
    assert (
        "ensemble-table" not in {s["id"]: s["html"] for s in sections_payload(single)}["forecast"]
    )
