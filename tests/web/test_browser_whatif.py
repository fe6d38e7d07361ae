"""In headless Chromium: the what-if editor's ranges, red lines and model options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

TIMEOUT_MS = 60_000
PATH = "ukraine.position.donbas"


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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


def forecast_json(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            "() => fetch('/api/runs/' + document.body.dataset.resultId + '/forecast.json')"
            ".then(r => r.json())"
        )
    )


def test_editing_a_red_line_and_a_range(page: Any) -> None:
    only_models(page, "compromise")
    page.select_option("#issue", "donbas")
    red_line = page.locator("#values input[data-path='russia.red_line.donbas']")
    assert red_line.input_value() == "100"
    red_line.fill("60")
    red_line.dispatch_event("change")
    assert "edited" in (red_line.get_attribute("class") or "")
    low, mode, high = (
        page.locator(f"#values input[data-range-path='{PATH}'][data-part='{part}']")
        for part in ("low", "mode", "high")
    )
    assert [low.input_value(), mode.input_value(), high.input_value()] == ["0", "0", "10"]
    for part, value in ((low, "10"), (mode, ""), (high, "30")):
        part.fill(value)
        part.dispatch_event("change")
    point = page.locator("#values input[data-path='ukraine.position.donbas']")
    assert point.input_value() == "20"  # a uniform range's point is its midpoint
    assert "2 edited values" in page.inner_text("#edit-count")
    run_and_wait(page)
    items = page.locator("#edit-list li")
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    assert "russia.red_line.donbas: 100 → 60" in texts
    assert "ukraine.position.donbas: [0 0 10] → [10 30]" in texts
    assert page.locator("#forecast-table th.change").count() == 1
    saved = forecast_json(page)
    assert saved["edits"]["russia.red_line.donbas"] == 60
    assert saved["changes"]["ukraine.position.donbas"]["low"] == 10
    # A bad red line is shown next to its cell, with the command line's message.
    red_line.fill("150")
    red_line.dispatch_event("change")
    page.click("#run")
    error = page.locator("span.cell-error[data-error-for='russia.red_line.donbas']")
    page.wait_for_function(
        '() => (document.querySelector("span.cell-error[data-error-for='
        "'russia.red_line.donbas']\") || {}).textContent",
        timeout=TIMEOUT_MS,
    )
    assert "red line 150 is outside the scale" in error.inner_text()


def test_a_model_option_is_a_what_if_against_the_default(page: Any) -> None:
    only_models(page, "eum")
    run_and_wait(page)
    page.click("#model-options summary")
    page.select_option(
        "#model-options-body select[data-model='eum'][data-parameter='variant']", "paper"
    )
    run_and_wait(page)
    items = page.locator("#edit-list li[data-option='eum.variant']")
    assert items.inner_text() == "model eum: variant scholz-code → paper"
    rows = page.locator("#forecast-table tbody tr[data-model='eum[variant=paper]']")
    assert rows.count() > 0
    changes = page.locator("#forecast-table td.change[data-change]")
    assert changes.count() == rows.count()  # compared with the default eum, issue by issue
    assert forecast_json(page)["options"] == {"eum": {"variant": "paper"}}
