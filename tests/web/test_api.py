"""The dashboard's JSON API through FastAPI's TestClient, bad input included."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.offline
import pytest
from fastapi.testclient import TestClient

import accord
from accord.analysis.forecast import forecast
from accord.analysis.whatif import Change, apply, current
from accord.cli.serve import is_loopback
from accord.report.context import ANALYSES
from accord.scenario.load import dump, parse, parse_yaml
from accord.scenario.schema import Number
from accord.web import create_app
from accord.web.app import RunRequest

ACCORD = str(Path(sys.executable).with_name("accord"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    app = create_app(data_dir=data_dir, max_upload_bytes=64 * 1024, max_request_bytes=256 * 1024)
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def wait(client: TestClient, run_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(f"/api/runs/{run_id}").json()
        if status["state"] not in ("queued", "running") or time.monotonic() > deadline:
            return status  # type: ignore[no-any-return]
        time.sleep(0.05)


def start(client: TestClient, **request: Any) -> dict[str, Any]:
    response = client.post("/api/runs", json=request)
    assert response.status_code == 202, response.text
    return wait(client, response.json()["id"])


def test_health_models_and_scenarios(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    names = [model["name"] for model in client.get("/api/models").json()]
    assert {"compromise", "median", "nash"} <= set(names)
    scenarios = {item["id"]: item["title"] for item in client.get("/api/scenarios").json()}
    assert scenarios["emission-1994"].startswith("EC car-emission")
    assert "ukraine-2025" in scenarios


def test_builtin_scenarios_only_by_id(client: TestClient) -> None:
    full = client.get("/api/scenarios/emission-1994")
    assert full.status_code == 200 and full.json()["id"] == "emission-1994"
    for trick in (
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "emission-1994.yaml",
        "..",
        "pyproject.toml",
    ):
        response = client.get(f"/api/scenarios/{trick}")
        assert response.status_code == 404, trick
    body = client.get("/api/scenarios/pyproject.toml").json()
    assert body["errors"][0]["field"] == "scenario"


def test_view_lists_values_as_of_a_date(client: TestClient) -> None:
    scenario = accord.load("ukraine-2025")
    late = scenario.updates[-1].date
    early = client.post("/api/view", json={"scenario": "ukraine-2025", "as_of": "2025-11-18"})
    later = client.post("/api/view", json={"scenario": "ukraine-2025", "as_of": late.isoformat()})
    assert early.status_code == later.status_code == 200
    expected = current(scenario, late)
    actor = later.json()["actors"][1]
    truth = expected.actor(actor["id"])
    assert actor["positions"] == {k: v.point for k, v in truth.positions.items()}
    assert actor["capability"] == truth.capability.point
    assert early.json() != later.json()
    assert later.json()["as_of"] == late.isoformat()


def test_run_forecast_and_downloads(client: TestClient) -> None:
    status = start(client, scenario="emission-1994", models=["compromise", "median"])
    assert status["state"] == "done" and status["progress"] == 1.0
    run_id = status["id"]
    result = client.get(f"/api/runs/{run_id}/result").json()
    value = result["forecast"]["models"]["compromise"]["issues"]["delay"]["value"]
    assert value == pytest.approx(7.39, abs=0.005)
    ids = [section["id"] for section in result["sections"]]
    assert ids[:3] == ["summary", "forecast", "positions"]
    figure = result["sections"][2]["figures"][0]
    assert figure["id"] == "fig-positions" and figure["figure"]["data"][0]["x"]

    downloaded = client.get(f"/api/runs/{run_id}/forecast.json")
    assert "emission-1994-forecast.json" in downloaded.headers["content-disposition"]
    assert json.loads(downloaded.text)["models"]["median"]["issues"]["delay"]["value"] == 7.0
    csv = client.get(f"/api/runs/{run_id}/forecast.csv")
    header, *rows = csv.text.strip().splitlines()
    assert header.startswith("scenario,as_of,model,issue,value") and len(rows) == 3
    assert rows[2].split(",")[2] == "ensemble"  # the spread across the two models
    report = client.get(f"/api/runs/{run_id}/report.html")
    assert report.headers["content-type"].startswith("text/html")
    assert "emission-1994-report.html" in report.headers["content-disposition"]
    assert report.text.startswith("<!DOCTYPE html>") and "fig-positions" in report.text


def test_edits_change_the_forecast_like_a_what_if(client: TestClient) -> None:
    status = start(
        client,
        scenario="emission-1994",
        models=["compromise"],
        edits={"germany.position.delay": 10, "germany.salience.delay": 100},
    )
    assert status["state"] == "done", status
    result = client.get(f"/api/runs/{status['id']}/result").json()
    value = result["forecast"]["models"]["compromise"]["issues"]["delay"]["value"]
    changes = [
        Change("germany.position.delay", Number(value=10)),
        Change("germany.salience.delay", Number(value=100)),
    ]
    scenario = apply(current(accord.load("emission-1994")), changes)
    expected = forecast(scenario, ["compromise"]).models["compromise"].issues["delay"].value
    assert value == pytest.approx(expected) and value > 7.5
    assert result["forecast"]["changes"]["germany.position.delay"]["value"] == 10


@pytest.mark.parametrize(
    ("edits", "field", "message"),
    [
        ({"germany.position.delay": 20}, "edits.germany.position.delay", "outside the scale"),
        ({"atlantis.capability": 1}, "edits.atlantis.capability", "unknown actor"),
        ({"germany.capability": -1}, "edits.germany.capability", "must not be negative"),
    ],
)
def test_bad_edits_name_the_cell(
    client: TestClient, edits: dict[str, float], field: str, message: str
) -> None:
    response = client.post("/api/runs", json={"scenario": "emission-1994", "edits": edits})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field and message in error["message"]


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"scenario": "emission-1994", "draws": 0}, "draws"),
        ({"scenario": "emission-1994", "draws": 10**6}, "draws"),
        ({"scenario": "emission-1994", "models": ["oracle"]}, "models"),
        ({"scenario": "emission-1994", "as_of": "yesterday"}, "as_of"),
        ({"scenario": "emission-1994", "colour": "red"}, "colour"),
        ({"scenario": "nowhere"}, "scenario"),
        ({"scenario": "emission-1994", "analyses": ["astrology"]}, "analyses.0"),
    ],
)
def test_bad_run_requests(client: TestClient, request_body: dict[str, Any], field: str) -> None:
    response = client.post("/api/runs", json=request_body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_upload_valid_yaml_and_run_it(client: TestClient, tmp_path: Path) -> None:
    path = dump(accord.load("emission-1994"), tmp_path / "my case.yaml")
    response = client.post("/api/upload", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["file"] == "my case.yaml" and body["scenario"]["id"] == "emission-1994"
    assert body["view"]["issues"][0]["id"] == "delay"
    status = start(client, scenario=body["scenario"], models=["median"])
    assert status["state"] == "done"


def test_upload_actor_csv_with_scale(client: TestClient) -> None:
    text = b"actor,capability,position,salience\nA,1,0,50\nB,2,10,80\n"
    response = client.post(
        "/api/upload",
        files={"file": ("one.csv", text)},
        data={"scale_min": "0", "scale_max": "20"},
    )
    assert response.status_code == 200, response.text
    issue = response.json()["view"]["issues"][0]
    assert (issue["min"], issue["max"]) == (0, 20)


def test_upload_invalid_scenario_reports_line_and_field(client: TestClient) -> None:
    text = (
        b"id: broken\ntitle: Broken\nissues:\n  - id: x\n    name: X\n    min: 5\n    max: 1\n"
        b"actors: []\n"
    )
    response = client.post("/api/upload", files={"file": ("broken.yaml", text)})
    assert response.status_code == 422
    body = response.json()
    fields = {error["field"]: error for error in body["errors"]}
    assert "issues[0]" in fields and fields["issues[0]"]["line"] == 4
    assert "max (1.0) must be greater than min" in fields["issues[0]"]["message"]
    assert all(error["file"] == "broken.yaml" for error in body["errors"])
    assert "uploads" not in body["message"] and "broken.yaml" in body["message"]


def test_upload_yaml_syntax_error(client: TestClient) -> None:
    response = client.post("/api/upload", files={"file": ("bad.yaml", b"id: [unclosed\n")})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert "YAML syntax error" in error["message"] and error["line"] == 2


def test_upload_binary_file(client: TestClient) -> None:
    response = client.post("/api/upload", files={"file": ("image.json", b"\x89PNG\x00\x00\x01")})
    assert response.status_code == 422
    assert "binary" in response.json()["errors"][0]["message"]


def test_upload_wrong_type(client: TestClient) -> None:
    for name in ("scenario.exe", "scenario", "notes.txt.sh"):
        response = client.post("/api/upload", files={"file": (name, b"id: x")})
        assert response.status_code == 415, name
        assert response.json()["errors"][0]["field"] == "file"


def test_upload_too_large(client: TestClient) -> None:
    over_file_limit = b"#" * (64 * 1024 + 1)
    response = client.post("/api/upload", files={"file": ("big.yaml", over_file_limit)})
    assert response.status_code == 413
    assert "limit" in response.json()["errors"][0]["message"]
    over_request_limit = b"#" * (300 * 1024)
    response = client.post("/api/upload", files={"file": ("huge.yaml", over_request_limit)})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "name",
    [
        "../escape.yaml",
        "../../etc/passwd.yaml",
        "/etc/scenario.yaml",
        "sub/dir.yaml",
        "..\\windows.yaml",
        ".hidden.yaml",
        "nul\x00.yaml",
        "a" * 200 + ".yaml",
    ],
)
def test_upload_path_tricks_are_refused(client: TestClient, data_dir: Path, name: str) -> None:
    response = client.post("/api/upload", files={"file": (name, b"id: x\n")})
    assert response.status_code == 400, (name, response.text)
    assert response.json()["errors"][0]["field"] == "file"
    outside = [p for p in data_dir.parent.rglob("*") if p.is_file() and data_dir not in p.parents]
    assert outside == []


def test_uploads_leave_nothing_behind(client: TestClient, data_dir: Path) -> None:
    client.post("/api/upload", files={"file": ("ok.yaml", b"id: x\n")})
    client.post("/api/upload", files={"file": ("ok.json", b"{}")})
    assert [p for p in data_dir.rglob("*") if p.is_file()] == []


def test_request_body_limit(client: TestClient) -> None:
    edits = {f"actor{i}.capability": 1.0 for i in range(20_000)}
    response = client.post("/api/runs", json={"scenario": "emission-1994", "edits": edits})
    assert response.status_code == 413


def test_runs_can_be_cancelled_and_time_out(data_dir: Path) -> None:
    request = {"scenario": "ukraine-2025", "models": ["nash"], "draws": 2000, "seed": 1}
    with TestClient(create_app(data_dir=data_dir), base_url="http://localhost") as client:
        started = client.post("/api/runs", json=request).json()
        cancelled = client.delete(f"/api/runs/{started['id']}")
        assert cancelled.status_code == 200
        status = wait(client, started["id"])
        assert status["state"] == "cancelled"
        assert client.get(f"/api/runs/{started['id']}/result").status_code == 409
    with TestClient(
        create_app(data_dir=data_dir, run_deadline_s=0.2), base_url="http://localhost"
    ) as client:
        started = client.post("/api/runs", json=request).json()
        status = wait(client, started["id"])
        assert status["state"] == "timeout" and "limit" in status["message"]
    assert client.get("/api/runs/0123456789abcdef").status_code == 404


def test_progress_is_reported_while_running(client: TestClient) -> None:
    response = client.post(
        "/api/runs",
        json={"scenario": "ukraine-2025", "models": ["compromise"], "draws": 1000, "seed": 3},
    )
    seen = set()
    run_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(f"/api/runs/{run_id}").json()
        seen.add(status["progress"])
        if status["state"] == "done":
            break
        time.sleep(0.01)
    assert status["state"] == "done" and 1.0 in seen
    result = client.get(f"/api/runs/{run_id}/result").json()
    donbas = result["forecast"]["models"]["compromise"]["issues"]["donbas"]
    assert donbas["low"] < donbas["value"] < donbas["high"]
    assert result["forecast"]["draws"] == 1000 and result["forecast"]["seed"] == 3


def test_pages_and_docs_work_offline(client: TestClient) -> None:
    page = client.get("/")
    assert (
        page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    )
    for text in (page.text, client.get("/static/app.js").text, client.get("/docs").text):
        assert "http://" not in text and "https://" not in text and "cdn" not in text.lower()
    assert client.get("/static/plotly.min.js").text == plotly.offline.get_plotlyjs()
    docs = client.get("/docs").text
    assert "/api/runs" in docs and "/openapi.json" in docs
    schema = client.get("/openapi.json").json()
    assert "/api/upload" in schema["paths"] and "/api/runs/{run_id}" in schema["paths"]
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_loopback_detection() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.4", "example.org", "::"))


def test_serve_refuses_a_public_host_without_the_flag() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [ACCORD, "serve", "--host", "0.0.0.0", "--port", "9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr and "--allow-remote" in result.stderr


def test_the_api_and_the_page_offer_every_report_analysis() -> None:
    (item,) = typing.get_args(RunRequest.model_fields["analyses"].annotation)
    assert typing.get_args(item) == ANALYSES
    page = (Path(accord.web.__file__).parent / "static" / "index.html").read_text()
    assert tuple(re.findall(r'name="analysis" value="([a-z]+)"', page)) == ANALYSES


def test_models_list_their_parameters_with_defaults_and_choices(client: TestClient) -> None:
    models = {model["name"]: model for model in client.get("/api/models").json()}
    eum = {item["name"]: item for item in models["eum"]["parameters"]}
    assert eum["variant"]["type"] == "choice"
    assert set(eum["variant"]["choices"]) == {"paper", "scholz-code"}
    assert eum["variant"]["default"] in eum["variant"]["choices"]
    assert eum["max_rounds"]["type"] == "int" and eum["max_rounds"]["default"] == 10
    assert all("parameters" in model for model in models.values())


def test_the_edited_scenario_saves_as_yaml_that_loads_back(client: TestClient) -> None:
    response = client.post(
        "/api/scenario.yaml",
        json={"scenario": "ukraine-2025", "edits": {"russia.position.donbas": 50}},
    )
    assert response.status_code == 200
    assert 'filename="ukraine-2025-edited.yaml"' in response.headers["content-disposition"]
    data, marks = parse_yaml(response.text, "edited.yaml")
    loaded = parse(data, "edited.yaml", marks)
    russia = loaded.actor("russia")
    assert russia.positions["donbas"].point == 50
    assert loaded.updates == []
    bad = client.post("/api/scenario.yaml", json={"edits": {"nobody.capability": 1}})
    assert bad.status_code == 422 and bad.json()["errors"]


def test_runs_take_model_options_checked_against_their_choices(client: TestClient) -> None:
    done = start(
        client,
        scenario="emission-1994",
        models=["eum"],
        options={"eum": {"variant": "paper", "max_rounds": 5}},
    )
    assert done["state"] == "done", done
    paper = client.get(f"/api/runs/{done['id']}/result").json()["forecast"]
    default = start(client, scenario="emission-1994", models=["eum"])
    plain = client.get(f"/api/runs/{default['id']}/result").json()["forecast"]
    # The run with options is labelled by them (eum[variant=paper,...]); one model each.
    (paper_eum,) = paper["models"].values()
    assert list(plain["models"]) == ["eum"]
    assert paper_eum != plain["models"]["eum"]
    bad = client.post(
        "/api/runs", json={"models": ["eum"], "options": {"eum": {"variant": "papr"}}}
    )
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert "papr" in error["message"] and "paper" in error["hint"]
    unknown = client.post("/api/runs", json={"models": ["eum"], "options": {"eum": {"nope": 1}}})
    assert unknown.status_code == 422 and "no parameter" in unknown.json()["errors"][0]["message"]


def test_the_dashboard_draws_a_control_file_on_the_map(data_dir: Path, tmp_path: Path) -> None:
    from accord.territory.geometry import control_area

    ring = [[37.75, 47.95], [37.85, 47.95], [37.85, 48.05], [37.75, 48.05], [37.75, 47.95]]
    path = tmp_path / "front_20260301.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [ring]}), encoding="utf-8")
    app = create_app(data_dir=data_dir, control=control_area(path))
    with TestClient(app, base_url="http://localhost") as test_client:
        status = start(test_client, scenario="ukraine-2025", models=["compromise"], draws=1)
        assert status["state"] == "done", status
        result = test_client.get(f"/api/runs/{status['id']}/result").json()
    (section,) = [item for item in result["sections"] if item["id"] == "map"]
    traces = section["figures"][0]["figure"]["data"]
    layers = {trace["meta"]["layer"] for trace in traces if "layer" in (trace.get("meta") or {})}
    assert layers == {"occupied", "front"}
    assert "front_20260301.geojson" in section["html"]


def test_serve_reports_a_bad_control_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [ACCORD, "serve", "--control", str(tmp_path / "missing.geojson")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "no such file" in result.stderr


def test_track_record_is_replayed_once_per_scenario_and_settings(client: TestClient) -> None:
    path = Path(__file__).parents[1] / "data" / "zone" / "talks.yaml"
    case = accord.load(path).model_dump(mode="json")
    first = client.post("/api/track", json={"scenario": case, "draws": 40, "seed": 1})
    assert first.status_code == 200, first.text
    data = first.json()
    assert data["events"] == 2 and "id='track-score'" in data["html"]
    assert data["figure"]["layout"]["meta"]["events"] == ["signed-by-march", "x-high"]
    assert len(data["record"]["rows"]) == 4
    again = client.post("/api/track", json={"scenario": case, "draws": 40, "seed": 1})
    assert again.json() == data
    tracks = client.app.state.tracks  # type: ignore[attr-defined]
    assert tracks.computed == 1
    client.post("/api/track", json={"scenario": case, "draws": 41, "seed": 1})
    assert tracks.computed == 2
    missing = client.post("/api/track", json={"scenario": "atlantis"})
    assert missing.status_code == 422 and "no built-in scenario" in missing.json()["message"]
    assert client.post("/api/track", json={"draws": 0}).status_code == 422
