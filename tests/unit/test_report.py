"""The HTML report: what goes in it, determinism, escaping, and the ``accord report`` command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import plotly.offline
import pytest

import accord
from accord.analysis import whatif
from accord.analysis.forecast import forecast
from accord.report import context as report_context
from accord.report import sections
from accord.report.html import report_html, script_json, sections_payload
from accord.scenario.load import parse
from accord.scenario.schema import Number, Scenario

# The command of the environment running the tests, even if another `accord` is on PATH.
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False
    )


def ranged_emission() -> Scenario:
    """BDM's emission case with ranges on two positions and a capability, to sample from."""
    data = accord.load("emission-1994").model_dump(mode="json")
    by_id = {actor["id"]: actor for actor in data["actors"]}
    by_id["germany"]["positions"]["delay"] = {"low": 4, "high": 6}
    by_id["france"]["positions"]["delay"] = {"low": 8, "mode": 10, "high": 10}
    by_id["italy"]["capability"] = {"low": 0.1, "high": 0.2}
    return parse(data, "ranged")


@pytest.fixture(scope="module")
def emission_context() -> report_context.Context:
    return report_context.build(
        ranged_emission(), models=["compromise", "median"], draws=120, seed=7
    )


def _ids(context: report_context.Context) -> list[str]:
    return [section["id"] for section in sections_payload(context)]


def test_build_samples_and_intervals(emission_context: report_context.Context) -> None:
    samples = emission_context.samples["compromise"]
    assert samples.shape == (120, 1)
    assert emission_context.seed == 7
    low, high = emission_context.interval("compromise", "delay")
    assert (low, high) == pytest.approx(tuple(np.quantile(samples[:, 0], [0.1, 0.9])))
    assert low < emission_context.forecast.models["compromise"].issues["delay"].value < high
    point = forecast(ranged_emission(), ["compromise"]).models["compromise"]
    assert emission_context.forecast.models["compromise"].issues["delay"].value == pytest.approx(
        point.issues["delay"].value
    )


def test_build_is_deterministic_for_a_seed() -> None:
    scenario = ranged_emission()
    first = report_context.build(scenario, models=["compromise"], draws=60, seed=3)
    second = report_context.build(scenario, models=["compromise"], draws=60, seed=3)
    other = report_context.build(scenario, models=["compromise"], draws=60, seed=4)
    assert np.array_equal(first.samples["compromise"], second.samples["compromise"])
    assert not np.array_equal(first.samples["compromise"], other.samples["compromise"])
    assert report_html(first) == report_html(second)


def test_progress_reaches_one_and_cancel_stops() -> None:
    seen: list[float] = []
    scenario = accord.load("emission-1994")
    report_context.build(
        scenario, models=["compromise", "median"], progress=lambda f, _: seen.append(f)
    )
    assert seen[0] == 0 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(report_context.Cancelled):
        report_context.build(scenario, models=["compromise"], cancelled=lambda: True)


def test_bad_draws_and_analysis_are_input_errors() -> None:
    scenario = accord.load("emission-1994")
    with pytest.raises(accord.InputError, match="draws must be between"):
        report_context.build(scenario, draws=0)
    with pytest.raises(accord.InputError, match="unknown analysis"):
        report_context.build(scenario, models=["median"], analyses=["astrology"])


def test_sections_follow_capabilities(emission_context: report_context.Context) -> None:
    ids = _ids(emission_context)
    assert ids == ["summary", "forecast", "positions", "uncertainty", "assumptions", "sources"]
    point = report_context.build(accord.load("emission-1994"), models=["median"])
    assert "uncertainty" not in _ids(point) and "map" not in _ids(point)
    orders = [section.order for section in sections.sections()]
    assert orders == sorted(orders)


def test_forecast_table_holds_the_forecast(emission_context: report_context.Context) -> None:
    document = report_html(emission_context)
    rows = re.findall(r"data-issue='delay' data-model='(\w+)' data-value='([0-9.e+-]+)'", document)
    values = dict(rows)
    compromise = emission_context.forecast.models["compromise"].issues["delay"].value
    assert float(values["compromise"]) == pytest.approx(compromise)
    assert float(values["median"]) == 7.0
    low, high = emission_context.interval("compromise", "delay")
    assert f"[{low:,.2f} to {high:,.2f}]" in document


def test_report_is_self_contained(emission_context: report_context.Context) -> None:
    document = report_html(emission_context)
    assert document.startswith("<!DOCTYPE html>")
    assert plotly.offline.get_plotlyjs()[:2000] in document
    assert not re.search(r"<script[^>]+src=", document)
    assert not re.search(r"<link[^>]+href=['\"]?https?:", document)
    assert "fig-positions" in document and "fig-distributions" in document
    assert "Scholz" in document  # the sources list


def test_summary_speaks_plainly(emission_context: report_context.Context) -> None:
    (summary,) = [s for s in sections_payload(emission_context) if s["id"] == "summary"]
    text = summary["html"]
    values = {m: f.issues["delay"].value for m, f in emission_context.forecast.models.items()}
    assert values["median"] < values["compromise"]
    assert (
        f"lands between {values['median']:.2f} years (median) and "
        f"{values['compromise']:.2f} years (compromise)" in text
    )
    assert "120 draws" in text


def test_ukraine_report_has_the_map_and_trajectories() -> None:
    context = report_context.build(
        accord.load("ukraine-2025"), models=["compromise", "median", "smp"], seed=1
    )
    payload = {s["id"]: s for s in sections_payload(context)}
    assert "map" in payload and "trajectories" in payload
    (figure,) = payload["map"]["figures"]
    views = figure["figure"]["layout"]["meta"]["views"]
    assert views[0].startswith("Now") and any(v.startswith("compromise forecast") for v in views)
    assert "territory-table" in payload["map"]["html"]
    assert "Territory: Russia controls 115,812 km²" in payload["summary"]["html"]
    (trajectory,) = payload["trajectories"]["figures"]
    assert trajectory["id"] == "fig-trajectory-smp"
    sources = payload["sources"]["html"]
    assert sources.count("<li") == len(context.scenario.sources)
    assert "href='https://" in sources


def test_analyses_add_their_sections() -> None:
    context = report_context.build(
        accord.load("ukraine-2025"),
        models=["compromise", "median"],
        analyses=report_context.ANALYSES,
        seed=2,
    )
    assert context.extras.get("failed", {}) == {}
    payload = {s["id"]: s for s in sections_payload(context)}
    assert set(report_context.ANALYSES) <= set(payload)
    timeline = payload["timeline"]["figures"][0]["figure"]["data"]
    assert len(timeline[0]["x"]) == len({u.date for u in context.scenario.updates}) + 1
    tornado = payload["sensitivity"]["figures"][0]["figure"]
    assert tornado["layout"]["annotations"][0]["text"] == "Rest of Donbas"
    levers = [f["id"] for f in payload["levers"]["figures"]]
    parties = [a.id for a in context.current.actors if a.party][:3]
    assert levers == [f"fig-levers-{actor}" for actor in parties]
    war = [f["id"] for f in payload["war"]["figures"]]
    assert war == [f"fig-war-{theatre.issue}" for theatre in context.current.war.theatres]
    ratification = context.extras["ratification"]
    assert "forecast" in ratification and len(ratification) >= 2
    (bars,) = payload["ratification"]["figures"][0]["figure"]["data"]
    probabilities = [float(r.probability.mean()) for r in ratification.values()]
    assert bars["x"] == pytest.approx(probabilities, abs=1e-4)  # to_json rounds to 4 places
    valuations = context.extras["deals"]
    assert set(valuations) == set(ratification)  # the same deals: shipped ones and the forecast
    deals = {f["id"]: f["figure"] for f in payload["deals"]["figures"]}
    assert list(deals) == [f"fig-deal-{deal_id}" for deal_id in valuations]
    twenty = valuations["20-point"].to_json()
    walk_away, deal, _ = deals["fig-deal-20-point"]["data"]
    parties = [item for item in twenty["actors"].values() if item["party"]]
    assert deal["x"] == pytest.approx([item["value"]["value"] for item in parties])
    assert walk_away["x"] == pytest.approx([item["walk_away"]["value"] for item in parties])
    better = [i["name"] for i in parties if i["beats_walk_away"] >= 0.5]
    assert f"<td>{', '.join(better)}</td>" in payload["deals"]["html"]
    simulation = context.extras["talks"].to_json()
    (talks,) = payload["talks"]["figures"]
    assert talks["figure"]["layout"]["meta"]["agreement"] == simulation["agreement_probability"]
    assert f"agree in {100 * simulation['agreement_probability']:.0f} %" in payload["talks"]["html"]


def test_failed_analysis_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(report_context.timeline, "timeline", broken)
    context = report_context.build(
        accord.load("ukraine-2025"), models=["median"], analyses=["timeline"]
    )
    assert context.extras["failed"] == {"timeline": "RuntimeError: boom"}
    assert "The timeline analysis failed" in report_html(context)


def test_what_if_changes_show_in_the_assumptions() -> None:
    change = whatif.Change("germany.position.delay", Number(value=10), "test")
    context = report_context.build(
        accord.load("emission-1994"), models=["compromise"], changes=[change]
    )
    plain = report_context.build(accord.load("emission-1994"), models=["compromise"])
    moved = context.forecast.models["compromise"].issues["delay"].value
    assert moved > plain.forecast.models["compromise"].issues["delay"].value
    assert "<code>germany.position.delay</code> = 10" in report_html(context)
    assert report_context.forecast_json(context)["changes"] == {
        "germany.position.delay": {"value": 10.0}
    }


def test_scenario_text_is_escaped() -> None:
    data = accord.load("emission-1994").model_dump(mode="json")
    data["title"] = "<script>alert(1)</script>"
    data["actors"][0]["name"] = "<img src=x onerror=alert(2)>"
    context = report_context.build(parse(data, "evil"), models=["median"])
    document = report_html(context)
    assert "<script>alert(1)" not in document and "&lt;script&gt;alert(1)" in document
    assert "<img src=x" not in document


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"a": "</script><script>alert(1)</script>", "b": "<!--"})
    assert "</" not in text and "<!--" not in text


def test_cli_writes_refuses_and_replaces(tmp_path: Path) -> None:
    out = tmp_path / "emission.html"
    args = ["report", "emission-1994", "--draws", "30", "--seed", "5", "--no-analyses"]
    first = run(*args, "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert f"wrote {out}" in first.stderr
    content = out.read_bytes()
    assert content.startswith(b"<!DOCTYPE html>") and b"30 draws" in content
    assert out.stat().st_mode & 0o044  # readable by others, like any new file
    again = run(*args, "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    forced = run(*args, "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_bytes() == content  # same seed, same bytes


def test_cli_default_name_and_bad_input(tmp_path: Path) -> None:
    result = run("report", "emission-1994", "--draws", "1", "-m", "median", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "emission-1994.html").exists()
    bad_date = run("report", "emission-1994", "--as-of", "yesterday", "-o", str(tmp_path / "x"))
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr
    bad_model = run("report", "emission-1994", "-m", "oracle", "-o", str(tmp_path / "y.html"))
    assert bad_model.returncode == 2 and "unknown model 'oracle'" in bad_model.stderr
    assert "Traceback" not in bad_model.stderr
