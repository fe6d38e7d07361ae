"""The track record in the report and the dashboard: replayed rows, outcomes, score table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import accord
from accord.analysis.ledger import Row, replay, track_record
from accord.report import context as report_context
from accord.report.html import sections_payload
from accord.report.track import score_table, track_figure

CASE = Path(__file__).parents[1] / "data" / "zone" / "talks.yaml"


@pytest.fixture(scope="module")
def case() -> accord.Scenario:
    return accord.load(CASE)


@pytest.fixture(scope="module")
def record(case: accord.Scenario) -> accord.analysis.ledger.TrackRecord:
    return track_record(case, runs=100, seed=3)


def test_rows_read_back_what_they_wrote() -> None:
    row = Row("e", dt.date(2026, 1, 1), dt.date(2026, 3, 1), 0.25, 0.2, 0.3)
    assert Row.from_json(row.to_json()) == row
    with pytest.raises(KeyError):
        Row.from_json({"event": "e"})


def test_the_record_is_the_replay_and_its_score(
    case: accord.Scenario, record: accord.analysis.ledger.TrackRecord
) -> None:
    assert list(record.rows) == replay(case, runs=100, seed=3)
    # both events open on 1 Jan; on 1 Feb (the update) both still open
    assert {(row.event, row.as_of) for row in record.rows} == {
        (event, day)
        for event in ("signed-by-march", "x-high")
        for day in (dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    }
    assert record.score.n == 4 and record.score.events == 2
    assert record.to_json()["score"]["brier"] == pytest.approx(record.score.brier, abs=1e-4)


def test_the_figure_draws_a_line_per_event_and_each_outcome_where_it_resolved(
    record: accord.analysis.ledger.TrackRecord,
) -> None:
    figure = track_figure(record, as_of=dt.date(2026, 1, 15)).to_dict()
    traces = figure["data"]
    lines = [t for t in traces if t["mode"] == "lines+markers"]
    outcomes = [t for t in traces if t["mode"] == "markers"]
    assert len(lines) == 2 and len(outcomes) == 2
    signed = next(t for t in lines if t["legendgroup"] == "signed-by-march")
    expected = [row.probability for row in record.rows if row.event == "signed-by-march"]
    assert list(signed["y"]) == pytest.approx(expected)
    assert list(signed["x"]) == ["2026-01-01", "2026-02-01"]
    happened = next(t for t in outcomes if t["legendgroup"] == "signed-by-march")
    assert list(happened["x"]) == ["2026-02-20"] and list(happened["y"]) == [1.0]
    assert happened["marker"]["symbol"] == "star"
    missed = next(t for t in outcomes if t["legendgroup"] == "x-high")
    assert list(missed["x"]) == ["2026-06-01"] and list(missed["y"]) == [0.0]  # resolved = by
    assert figure["layout"]["shapes"][0]["x0"] == "2026-01-15"
    assert figure["layout"]["meta"]["events"] == ["signed-by-march", "x-high"]


def test_the_score_table_puts_accord_beside_the_three_baselines(
    record: accord.analysis.ledger.TrackRecord,
) -> None:
    table = score_table(record)
    assert f"<td>accord</td><td class='num'>{record.score.brier:.4f}</td>" in table
    for name in ("always 0.5", "always no", "PA-X base rate"):
        assert f"<td>{name}</td>" in table
    assert "<td>always 0.5</td><td class='num'>0.2500</td><td class='num'>0.6931</td>" in table


def test_the_report_has_a_track_record_section(
    case: accord.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_context, "TRACK_DRAWS", 50)
    context = report_context.build(case, models=["median"], analyses=["track"], seed=3)
    payload = {item["id"]: item for item in sections_payload(context)}
    (figure,) = payload["track"]["figures"]
    assert figure["id"] == "fig-track"
    meta = figure["figure"]["layout"]["meta"]
    assert meta == {"events": ["signed-by-march", "x-high"], "runs": 50}
    assert "id='track-score'" in payload["track"]["html"]
    bare = accord.load(CASE).model_copy(update={"events": []})
    assert "track" not in report_context.build(bare, models=["median"], analyses=["track"]).extras
