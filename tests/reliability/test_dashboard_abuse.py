"""The dashboard under abuse: Host checks, quotas, capped requests, bounded upload parsing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from reliability_helpers import DATA

from accord.report.context import Context
from accord.scenario.load import builtin_files as files
from accord.web import create_app
from accord.web.app import host_name
from accord.web.parsing import UploadParser, parse_upload
from accord.web.runs import Busy, Run, Runner

HEAVY = {"scenario": "ukraine-2025", "draws": 3000, "analyses": ["sensitivity", "levers"]}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(data_dir=tmp_path, runs_per_client=2, max_active_runs=3)
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8000", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1", "[::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("Example.ORG", "example.org"),
        ("::1", "::1"),
    ],
)
def test_host_names(header: str, name: str) -> None:
    assert host_name(header) == name


def test_unknown_hosts_are_refused(client: TestClient) -> None:
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    refused = client.get("/api/health", headers={"Host": "evil.example:8000"})
    assert refused.status_code == 400
    assert "--allow-host" in refused.json()["errors"][0]["hint"]


def test_allow_host_adds_a_name(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path, allowed_hosts=("localhost", "box.lan"))
    with TestClient(app, base_url="http://box.lan:8000") as test_client:
        assert test_client.get("/api/health").status_code == 200


def test_quotas_listing_and_cancelling(client: TestClient) -> None:
    first = client.post("/api/runs", json=HEAVY)
    second = client.post("/api/runs", json=HEAVY)
    assert first.status_code == second.status_code == 202
    third = client.post("/api/runs", json=HEAVY)
    assert third.status_code == 429 and "cancel" in third.json()["errors"][0]["hint"]
    listed = {item["id"]: item for item in client.get("/api/runs").json()}
    assert {first.json()["id"], second.json()["id"]} <= set(listed)
    for response in (first, second):
        cancelled = client.delete(f"/api/runs/{response.json()['id']}")
        assert cancelled.status_code == 200
    deadline = time.monotonic() + 60
    while any(
        client.get(f"/api/runs/{r.json()['id']}").json()["state"] in ("queued", "running")
        for r in (first, second)
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert client.post("/api/runs", json={"scenario": "emission-1994"}).status_code == 202


def test_requests_are_capped_and_deduplicated(client: TestClient) -> None:
    too_many = client.post("/api/runs", json={"models": ["median"] * 100})
    assert too_many.status_code == 422
    response = client.post(
        "/api/runs",
        json={"scenario": "emission-1994", "models": ["median"] * 20, "analyses": ["war"] * 3},
    )
    assert response.status_code == 202
    run_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/runs/{run_id}").json()["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    result = client.get(f"/api/runs/{run_id}/result").json()
    assert list(result["forecast"]["models"]) == ["median"]


def test_builtin_scenarios_are_read_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/api/scenarios").status_code == 200
    import accord.web.app as web

    def no_reading(*_: Any, **__: Any) -> Any:
        raise AssertionError("read a built-in scenario again")

    monkeypatch.setattr(web, "load", no_reading)
    assert len(client.get("/api/scenarios").json()) >= 2
    assert client.get("/api/scenarios/emission-1994").status_code == 200


def test_a_builtin_that_fails_to_load_is_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    import accord.web.app as web
    from accord.errors import InputError

    builtins = web.Builtins()
    calls: list[Path] = []

    def broken(path: Path) -> Any:
        calls.append(path)
        raise InputError.single(str(path), "broken")

    monkeypatch.setattr(web, "load", broken)
    for _ in range(2):
        with pytest.raises(InputError, match="broken"):
            builtins.get("emission-1994")
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["alias-bomb-347B.yaml", "deep-list.json", "cr-only.csv"])
def test_reproducers_uploaded(client: TestClient, name: str) -> None:
    content = (DATA / name).read_bytes()
    started = time.perf_counter()
    response = client.post("/api/upload", files={"file": (name, content)})
    assert time.perf_counter() - started < 30  # includes starting the parser process
    if name == "cr-only.csv":
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 422
        assert response.json()["errors"][0]["file"] == name


def test_a_slow_parse_is_stopped(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path, parse_timeout_s=0.001)
    with TestClient(app, base_url="http://localhost") as test_client:
        content = (DATA / "zero-capability.yaml").read_bytes()
        response = test_client.post("/api/upload", files={"file": ("slow.yaml", content)})
    assert response.status_code == 422
    assert "took over" in response.json()["message"]


def test_a_parse_over_the_memory_bound_is_stopped(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path, parse_memory_bytes=1024**2)
    with TestClient(app, base_url="http://localhost") as test_client:
        content = files()["ukraine-2025"].read_bytes()
        response = test_client.post("/api/upload", files={"file": ("big.yaml", content)})
    assert response.status_code == 422
    assert "memory" in response.json()["message"]


def test_parse_upload_reports_memory_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import accord.web.parsing as parsing

    def exhausted(*_: Any, **__: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(parsing, "load_text", exhausted)
    scenario, _, problems = parse_upload(b"x: 1", "x.yaml", ".yaml", None, None)
    assert scenario is None and "more memory" in problems[0].message


def test_parser_close_without_a_worker() -> None:
    UploadParser().close()


def blocking_job(event: threading.Event) -> Any:
    def job(run: Run) -> Context:
        event.wait(10)
        raise RuntimeError("stopped")

    return job


def test_runner_quotas_and_shutdown() -> None:
    runner = Runner(workers=1, per_client=1, max_active=2)
    gate = threading.Event()
    try:
        first = runner.start(blocking_job(gate), client="a")
        with pytest.raises(Busy, match="you have 1 runs"):
            runner.start(blocking_job(gate), client="a")
        queued = runner.start(blocking_job(gate), client="b")
        with pytest.raises(Busy, match="server has 2 runs"):
            runner.start(blocking_job(gate), client="c")
        assert [run.id for run in runner.list()] == [first.id, queued.id]
        runner.cancel(queued.id)
        assert queued.state == "cancelled"
    finally:
        gate.set()
        runner.shutdown()
    with pytest.raises(Busy, match="shutting down"):
        runner.start(blocking_job(gate), client="a")
    runner.reopen()
    runner.reopen()
    gate.clear()
    done = runner.start(lambda run: (_ for _ in ()).throw(RuntimeError("x")), client="z")
    deadline = time.monotonic() + 10
    while done.state in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert done.state == "failed"
    runner.shutdown()


def test_ended_runs_are_trimmed_but_active_ones_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import accord.web.runs as runs

    monkeypatch.setattr(runs, "KEEP", 2)
    runner = Runner(workers=1, per_client=100, max_active=100)
    gate = threading.Event()
    try:
        active = runner.start(blocking_job(gate), client="a")
        finished = []
        for _ in range(4):
            run = runner.start(lambda run: (_ for _ in ()).throw(RuntimeError("x")), light=True)
            deadline = time.monotonic() + 10
            while run.state in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.01)
            finished.append(run.id)
        runner.start(lambda run: (_ for _ in ()).throw(RuntimeError("x")), light=True)
        kept = [run.id for run in runner.list()]
        assert active.id in kept and finished[0] not in kept
    finally:
        gate.set()
        runner.shutdown()


@pytest.mark.parametrize(
    "body",
    [
        '{"edits": {"us.capability": Infinity}}',
        '{"edits": {"us.capability": NaN}}',
        '{"edits": {"us.capability": 1e300}}',
        '{"scenario": {"a": NaN}}',
    ],
)
def test_non_finite_and_huge_edits_are_refused(client: TestClient, body: str) -> None:
    response = client.post("/api/runs", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text


def test_a_client_over_its_quota_is_refused_before_its_request_is_checked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import accord.web.app as web

    runner = client.app.state.runner  # type: ignore[attr-defined]
    gate = threading.Event()
    try:
        for _ in range(2):
            runner.start(blocking_job(gate), client="testclient")

        def no_checking(*_: Any, **__: Any) -> Any:
            raise AssertionError("checked a request that the quota refuses")

        monkeypatch.setattr(web, "scenario_from", no_checking)
        refused = client.post("/api/runs", json=HEAVY)
        assert refused.status_code == 429 and "you have 2 runs" in refused.json()["message"]
        monkeypatch.undo()
        monkeypatch.setattr(runner, "admit", lambda **_: None)
        raced = client.post("/api/runs", json=HEAVY)
        assert raced.status_code == 429
    finally:
        gate.set()
