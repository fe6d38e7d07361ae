"""The dashboard's what-if editor through the API: ranges, red lines and model options."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from accord.scenario.load import parse, parse_yaml
from accord.web import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(data_dir=tmp_path / "data")
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def finished(client: TestClient, **request: Any) -> dict[str, Any]:
    response = client.post("/api/runs", json=request)
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/runs/{run_id}").json()["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return dict(client.get(f"/api/runs/{run_id}/forecast.json").json())


def test_a_bad_model_option_is_refused_with_the_allowed_values(client: TestClient) -> None:
    bad = client.post("/api/runs", json={"models": ["eum"], "options": {"eum": {"variant": "x"}}})
    assert bad.status_code == 422
    (error,) = bad.json()["errors"]
    assert error["field"] == "options.eum.variant"
    # The command line's message for -m eum:variant=x, allowed values included.
    assert error["message"] == "model 'eum': variant must be one of: paper, scholz-code, got 'x'"
    typed = client.post("/api/runs", json={"models": ["eum"], "options": {"eum": {"rounds": "x"}}})
    assert typed.status_code == 422
    assert typed.json()["errors"][0]["field"] == "options.eum.rounds"


@pytest.mark.parametrize(
    ("edits", "field", "message"),
    [
        (
            {"russia.position.donbas": {"low": 50, "mode": 20, "high": 40}},
            "edits.russia.position.donbas",
            "range has low 50.0 > high 40.0",
        ),
        (
            {"russia.position.donbas": {"low": 10, "mode": 60, "high": 40}},
            "edits.russia.position.donbas",
            "mode 60.0 lies outside [10.0, 40.0]",
        ),
        ({"russia.red_line.donbas": 150}, "edits.russia.red_line.donbas", "red line 150"),
    ],
)
def test_bad_ranges_and_red_lines_are_refused_per_field(
    client: TestClient, edits: dict[str, Any], field: str, message: str
) -> None:
    bad = client.post("/api/runs", json={"models": ["compromise"], "edits": edits})
    assert bad.status_code == 422
    (error,) = bad.json()["errors"]
    assert error["field"] == field and error["message"].startswith(message)
    saved = client.post("/api/scenario.yaml", json={"edits": edits})
    assert saved.status_code == 422 and saved.json()["errors"][0]["field"] == field


def test_the_view_lists_ranges_and_red_lines(client: TestClient) -> None:
    view = client.post("/api/view", json={"scenario": "ukraine-2025"}).json()
    russia = next(actor for actor in view["actors"] if actor["id"] == "russia")
    assert russia["red_lines"]["donbas"] == 100.0
    ranged = [(a["id"], k, r) for a in view["actors"] for k, r in a["ranges"].items()]
    assert ranged
    for _, _, item in ranged:
        assert item["low"] < item["high"]


def test_the_run_keeps_ranges_red_lines_and_options(client: TestClient) -> None:
    edits = {
        "russia.red_line.donbas": 60,
        "ukraine.position.donbas": {"low": 10, "mode": 20, "high": 30},
    }
    done = finished(
        client,
        scenario="ukraine-2025",
        models=["compromise", "eum"],
        edits=edits,
        options={"eum": {"variant": "paper"}},
    )
    assert done["edits"] == {
        "russia.red_line.donbas": 60.0,
        "ukraine.position.donbas": {"low": 10.0, "mode": 20.0, "high": 30.0},
    }
    assert done["options"] == {"eum": {"variant": "paper"}}
    assert done["changes"]["ukraine.position.donbas"]["mode"] == 20.0
    assert list(done["models"]) == ["compromise", "eum[variant=paper]"]
    # The edited point is the range's mode: compromise moves as with a point edit of 20.
    point = finished(
        client,
        scenario="ukraine-2025",
        models=["compromise"],
        edits={"russia.red_line.donbas": 60, "ukraine.position.donbas": 20},
    )
    issue = "donbas"
    assert done["models"]["compromise"]["issues"][issue]["value"] == pytest.approx(
        point["models"]["compromise"]["issues"][issue]["value"]
    )


def test_a_range_edit_saves_as_yaml_with_its_range(client: TestClient) -> None:
    response = client.post(
        "/api/scenario.yaml",
        json={"edits": {"ukraine.position.donbas": {"low": 10, "high": 30}}},
    )
    assert response.status_code == 200
    data, marks = parse_yaml(response.text, "edited.yaml")
    number = parse(data, "edited.yaml", marks).actor("ukraine").positions["donbas"]
    assert (number.low, number.high, number.estimate) == (10, 30, True)
