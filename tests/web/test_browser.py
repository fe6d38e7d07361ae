"""End to end in headless Chromium: the dashboard, and the report opened with no network."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import accord

UKRAINE_ISSUES = len(accord.load("ukraine-2025").issues)

ACCORD = str(Path(sys.executable).with_name("accord"))
TIMEOUT_MS = 60_000


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(live_server + "/")
    tab.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT_MS)
    yield tab
    context.close()
    assert errors == [], errors


def only_models(page: Any, *names: str) -> None:
    for box in page.query_selector_all("#models input"):
        box.set_checked(box.get_attribute("value") in names)


def run_and_wait(page: Any) -> None:
    previous = page.evaluate("document.body.dataset.resultId || ''")
    page.click("#run")
    page.wait_for_function(
        "(previous) => { const d = document.body.dataset;"
        " return d.resultId && d.resultId !== previous && d.figuresDrawn === d.figuresTotal; }",
        arg=previous,
        timeout=TIMEOUT_MS,
    )


def forecast_value(page: Any, issue: str, model: str) -> float:
    row = page.locator(f"#forecast-table tr[data-issue='{issue}'][data-model='{model}']")
    return float(row.get_attribute("data-value"))


def test_default_forecast_shows_table_chart_and_map(page: Any) -> None:
    assert page.input_value("#scenario") == "ukraine-2025"
    assert page.input_value("#as-of") == "2025-12-02"
    run_and_wait(page)
    models = page.eval_on_selector_all("#models input:checked", "boxes => boxes.length")
    rows = page.locator("#forecast-table tbody tr")
    assert rows.count() == UKRAINE_ISSUES * models
    assert page.locator("#fig-positions .main-svg").count() >= 1
    assert page.locator("#fig-positions .scatterlayer .trace").count() > 10
    # the map: 27 filled oblasts, Luhansk drawn in the darkest red
    fills = page.eval_on_selector_all(
        "#fig-map .scatterlayer .trace path.js-fill", "paths => paths.map(p => p.style.fill)"
    )
    assert len(fills) == 27
    assert len(set(fills)) > 3
    territory = page.locator("#territory-table tbody tr")
    assert territory.count() == 1 + models + 3  # now, each model's forecast, three reference deals
    assert territory.first.inner_text().startswith("Now")


def test_editing_a_value_changes_the_forecast(page: Any) -> None:
    only_models(page, "compromise")
    run_and_wait(page)
    before = forecast_value(page, "donbas", "compromise")
    page.select_option("#issue", "donbas")
    cell = page.locator("#values input[data-path='russia.position.donbas']")
    assert cell.input_value() == "100"
    cell.fill("0")
    cell.dispatch_event("change")
    assert "1 edited value" in page.inner_text("#edit-count")
    run_and_wait(page)
    after = forecast_value(page, "donbas", "compromise")
    assert after < before - 5
    assert "russia.position.donbas" in page.inner_text("#section-assumptions")


def test_bad_edit_is_shown_next_to_the_cell(page: Any) -> None:
    only_models(page, "median")
    page.select_option("#issue", "donbas")
    cell = page.locator("#values input[data-path='ukraine.position.donbas']")
    cell.fill("250")
    cell.dispatch_event("change")
    page.click("#run")
    error = page.locator("span.cell-error[data-error-for='ukraine.position.donbas']")
    error.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        '() => document.querySelector("span.cell-error[data-error-for='
        "'ukraine.position.donbas']\").textContent.length > 0",
        timeout=TIMEOUT_MS,
    )
    assert "outside the scale" in error.inner_text()
    assert "invalid" in (cell.get_attribute("class") or "")


def test_bad_upload_shows_the_error_next_to_the_field(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\ntitle: Broken\nissues: []\nactors: []\n", encoding="utf-8")
    page.set_input_files("#upload", str(bad))
    page.wait_for_function(
        "() => document.getElementById('upload-error').textContent.length > 0",
        timeout=TIMEOUT_MS,
    )
    text = page.inner_text("#upload-error")
    assert "issues" in text and "must not be empty" in text and "line 3" in text
    wrong = tmp_path / "picture.png"
    wrong.write_bytes(b"\x89PNG\r\n")
    page.set_input_files("#upload", str(wrong))
    page.wait_for_function(
        "() => document.getElementById('upload-error').textContent.includes('unsupported')",
        timeout=TIMEOUT_MS,
    )


def test_good_upload_runs(page: Any, tmp_path: Path) -> None:
    from accord.scenario.load import builtin_files

    source = builtin_files()["emission-1994"]
    page.set_input_files("#upload", str(source))
    page.wait_for_function(
        "() => document.getElementById('scenario').value === '__upload__'", timeout=TIMEOUT_MS
    )
    assert page.inner_text("#upload-error") == ""
    only_models(page, "compromise")
    run_and_wait(page)
    assert abs(forecast_value(page, "delay", "compromise") - 7.39) < 0.005


def test_download_the_report_and_it_renders_offline(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    only_models(page, "compromise", "median")
    run_and_wait(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.click("#download-report")
    path = tmp_path / "downloaded.html"
    download.value.save_as(path)
    assert download.value.suggested_filename == "ukraine-2025-report.html"
    figures = check_offline(browser, path, tmp_path / "downloaded.png")
    assert figures >= 2


def check_offline(browser: Any, path: Path, screenshot: Path) -> int:
    """Open a report file with every network request refused; return the figures drawn."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    requests: list[str] = []

    def refuse(route: Any) -> None:
        if not route.request.url.startswith("file://"):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", refuse)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(path.as_uri())
    tab.wait_for_function(
        "() => document.body.dataset.figuresTotal > 0 && "
        "document.body.dataset.figuresDrawn === document.body.dataset.figuresTotal",
        timeout=TIMEOUT_MS,
    )
    drawn = int(tab.evaluate("document.body.dataset.figuresDrawn"))
    if tab.locator("#fig-map").count():
        tab.locator("#fig-map").screenshot(path=str(screenshot))
        assert screenshot.stat().st_size > 20_000
    context.close()
    assert requests == [] and errors == []
    return drawn


def test_cli_report_renders_offline_with_map(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "ukraine.html"
    result = subprocess.run(
        [ACCORD, "report", "--draws", "100", "--seed", "1", "--no-analyses", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("file://") else route.abort()
        ),
    )
    tab = context.new_page()
    tab.goto(out.as_uri())
    tab.wait_for_function(
        "() => document.body.dataset.figuresTotal > 0 && "
        "document.body.dataset.figuresDrawn === document.body.dataset.figuresTotal",
        timeout=TIMEOUT_MS,
    )
    ids = tab.eval_on_selector_all(".plot", "divs => divs.map(d => d.id)")
    assert {"fig-positions", "fig-map", "fig-intervals", "fig-distributions"} <= set(ids)
    for figure in ids:
        assert tab.locator(f"#{figure} .main-svg").count() >= 1, figure
    fills = tab.eval_on_selector_all(
        "#fig-map .scatterlayer .trace path.js-fill", "paths => paths.map(p => p.style.fill)"
    )
    assert len(fills) == 27 and len(set(fills)) > 3
    # switch the map to a deal: the title's area line changes
    before = tab.eval_on_selector_all(
        "#fig-map .scatterlayer .trace path.js-fill", "paths => paths.map(p => p.style.fill)"
    )
    tab.locator("#fig-map .updatemenu-header").click()
    tab.locator("#fig-map .updatemenu-dropdown-button", has_text="Ukraine withdraws").click()
    tab.wait_for_function(
        "() => document.querySelector('#fig-map .gtitle').textContent.includes('withdraws')",
        timeout=TIMEOUT_MS,
    )
    title = tab.locator("#fig-map .gtitle").text_content() or ""
    assert re.search(r"\+6,6\d\d km²", title) and "20.3 % of Ukraine" in title
    after = tab.eval_on_selector_all(
        "#fig-map .scatterlayer .trace path.js-fill", "paths => paths.map(p => p.style.fill)"
    )
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert len(changed) == 2  # Donetsk and Luhansk
    shot = tmp_path / "report-map.png"
    tab.locator("#fig-map").screenshot(path=str(shot))
    tab.screenshot(path=str(tmp_path / "report-top.png"))
    assert shot.stat().st_size > 20_000
    context.close()


# --------------------------------------------------------------------- issue 14: compare, phones

PHONE = {"width": 390, "height": 844}


def test_the_baseline_runs_on_load_and_a_what_if_shows_the_change(page: Any) -> None:
    # the page opens with the baseline's results, no change column
    assert page.locator("#forecast-table tbody tr").count() > 0
    assert page.locator("#forecast-table th.change").count() == 0
    only_models(page, "compromise")
    page.select_option("#issue", "donbas")
    cell = page.locator("#values input[data-path='russia.position.donbas']")
    cell.fill("0")
    cell.dispatch_event("change")
    run_and_wait(page)
    assert page.locator("#forecast-table th.change").count() == 1
    changes = page.locator("#forecast-table td.change")
    assert changes.count() == UKRAINE_ISSUES
    donbas = page.locator("#forecast-table tr[data-issue='donbas'] td.change")
    assert float(donbas.get_attribute("data-change")) < 0
    assert donbas.inner_text().startswith("-")
    edits = page.locator("#edit-list li")
    assert edits.count() == 1
    assert edits.first.inner_text() == "russia.position.donbas: 100 → 0"
    # another scenario: the old results go, the new baseline comes without a change column
    page.select_option("#scenario", "emission-1994")
    page.wait_for_function(
        "() => document.querySelectorAll('#forecast-table tr[data-issue=\"donbas\"]').length === 0"
        " && document.querySelectorAll('#forecast-table tbody tr').length > 0",
        timeout=TIMEOUT_MS,
    )
    assert page.locator("#forecast-table th.change").count() == 0
    assert page.locator("#edit-list").count() == 0


def test_run_is_disabled_until_the_page_is_ready(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(live_server + "/", wait_until="domcontentloaded")
    assert tab.locator("#run").is_disabled() or tab.evaluate("document.body.dataset.ready") == "1"
    tab.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT_MS)
    assert tab.locator("#run").is_enabled()
    context.close()


def test_the_dashboard_fits_a_phone(browser: Any, live_server: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.goto(live_server + "/")
    tab.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT_MS)
    tab.wait_for_function(
        "() => document.body.dataset.figuresDrawn === document.body.dataset.figuresTotal",
        timeout=TIMEOUT_MS,
    )
    width = tab.evaluate("document.documentElement.scrollWidth")
    tab.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    context.close()
    assert width <= PHONE["width"]


def test_the_report_fits_a_phone(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "phone.html"
    result = subprocess.run(
        [ACCORD, "report", "--draws", "50", "--no-analyses", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    context = browser.new_context(viewport=PHONE, offline=True)
    tab = context.new_page()
    tab.goto(out.as_uri())
    tab.wait_for_function(
        "() => document.body.dataset.figuresTotal > 0 && "
        "document.body.dataset.figuresDrawn === document.body.dataset.figuresTotal",
        timeout=TIMEOUT_MS,
    )
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert tab.locator("#key-numbers div").count() == UKRAINE_ISSUES
    tab.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    context.close()
    assert width <= PHONE["width"]


def test_cli_report_draws_the_occupied_area_and_front_line(
    browser: Any, tmp_path: Path, deepstate: Path
) -> None:
    out = tmp_path / "control.html"
    control = deepstate / "deepstatemap_data_20260301.geojson"
    result = subprocess.run(
        [ACCORD, "report", "--draws", "1", "--no-analyses", "--as-of", "2026-03-01",
         "--control", str(control), "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    tab = context.new_page()
    tab.goto(out.as_uri())
    tab.wait_for_function(
        "() => document.body.dataset.figuresTotal > 0 && "
        "document.body.dataset.figuresDrawn === document.body.dataset.figuresTotal",
        timeout=TIMEOUT_MS,
    )
    layers = tab.evaluate(
        "() => document.getElementById('fig-map').data"
        ".filter(t => t.meta && t.meta.layer).map(t => [t.meta.layer, t.name, t.x.length])"
    )
    named = {layer: (name, points) for layer, name, points in layers}
    assert set(named) == {"occupied", "front"}
    assert named["occupied"][0] == "Occupied area (1 Mar 2026)" and named["occupied"][1] > 500
    assert named["front"][1] > 100
    # drawn: 27 oblasts plus the occupied area are filled; the legend names both layers
    fills = tab.eval_on_selector_all("#fig-map .scatterlayer .trace path.js-fill", "p => p.length")
    assert fills == 28
    legend = tab.locator("#fig-map .legend").text_content() or ""
    assert "Occupied area" in legend and "Front line" in legend
    assert "deepstatemap_data_20260301.geojson" in tab.locator("#map").inner_text()
    tab.locator("#fig-map").screenshot(path=str(tmp_path / "control-map.png"))
    context.close()


def test_track_record_tab_draws_the_replayed_probabilities(page: Any) -> None:
    page.click("#tab-track")
    assert page.locator("#track").is_visible() and not page.locator("#setup").is_visible()
    page.wait_for_selector("body[data-track-drawn]", state="attached", timeout=TIMEOUT_MS)
    events = len(accord.load("ukraine-2025").events)
    assert page.locator("#fig-track-tab .main-svg").count() >= 1
    assert page.locator("#fig-track-tab .scatterlayer .trace").count() >= events
    assert page.locator("#track-score tbody tr").count() == 4  # accord and three baselines
    page.click("#tab-forecast")
    assert page.locator("#setup").is_visible() and not page.locator("#track").is_visible()
