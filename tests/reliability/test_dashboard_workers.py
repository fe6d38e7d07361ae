"""The dashboard's runs in worker processes: lower priority, progress, cancel, crashes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import worker_tasks as tasks
from fastapi.testclient import TestClient

from accord.errors import InputError
from accord.report.context import Cancelled
from accord.web import create_app
from accord.web.runs import ACTIVE, Run
from accord.web.workers import Workers


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers(nice=5, cancel_grace_s=0.5)
    yield pool
    pool.close()


def run(deadline_s: float = 60.0) -> Run:
    return Run("test", deadline_s)


def test_the_dashboards_workers_run_below_the_servers_priority(tmp_path: Path) -> None:
    server = os.getpriority(os.PRIO_PROCESS, 0)
    app = create_app(data_dir=tmp_path, warm_workers=True)
    with TestClient(app, base_url="http://localhost") as client:
        for request in ({"scenario": "emission-1994"}, {"scenario": "emission-1994", "draws": 2}):
            started = client.post("/api/runs", json=request).json()
            deadline = time.monotonic() + 60
            while client.get(f"/api/runs/{started['id']}").json()["state"] in ACTIVE:
                assert time.monotonic() < deadline
                time.sleep(0.02)
            assert client.get(f"/api/runs/{started['id']}").json()["state"] == "done"
            result = client.get(f"/api/runs/{started['id']}/result")
            assert result.status_code == 200 and "forecast" in result.json()
        heavy, light = app.state.workers.pids(), app.state.light_workers.pids()
        assert len(heavy) == 2 and len(light) == 1 and os.getpid() not in heavy + light
        for pid in heavy:
            assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, server + 10)
        assert os.getpriority(os.PRIO_PROCESS, light[0]) == server
    assert app.state.workers.pids() == app.state.light_workers.pids() == []


def test_a_worker_reports_progress_and_is_kept(workers: Workers) -> None:
    item = run()
    pid, nice = workers.call(item, tasks.priority)
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)
    assert (item.progress, item.message) == (0.5, "looking")
    assert workers.call(run(), tasks.priority)[0] == pid == workers.pids()[0]


def test_a_cancelled_run_stops_at_its_next_step_and_keeps_its_worker(workers: Workers) -> None:
    pid = workers.call(run(), tasks.priority)[0]
    item = run()
    item.cancel_requested = True
    with pytest.raises(Cancelled):
        workers.call(item, tasks.until_cancelled)
    assert workers.call(run(), tasks.priority)[0] == pid


def test_a_run_past_its_deadline_is_stopped(workers: Workers) -> None:
    with pytest.raises(Cancelled):
        workers.call(run(deadline_s=0.2), tasks.until_cancelled)


def test_a_worker_that_ignores_the_cancel_is_killed(workers: Workers) -> None:
    pid = workers.call(run(), tasks.priority)[0]
    item = run()
    item.cancel_requested = True
    with pytest.raises(Cancelled):
        workers.call(item, tasks.deaf)
    assert workers.call(run(), tasks.priority)[0] != pid


def test_a_dead_worker_fails_its_run_and_is_replaced(workers: Workers) -> None:
    with pytest.raises(RuntimeError, match="exit code 9"):
        workers.call(run(), tasks.dies)
    assert len(workers.call(run(), tasks.priority)) == 2


def test_errors_come_back_as_errors(workers: Workers) -> None:
    with pytest.raises(InputError, match="broken") as caught:
        workers.call(run(), tasks.bad_input)
    assert caught.value.file == "x.yaml" and caught.value.problems[0].hint == "mend it"
    with pytest.raises(RuntimeError, match="ValueError: a bug"):
        workers.call(run(), tasks.bug)
    with pytest.raises(RuntimeError, match="pickle"):
        workers.call(run(), tasks.unpicklable)
    assert len(workers.call(run(), tasks.priority)) == 2


def test_a_closed_pool_takes_no_runs_until_reopened(workers: Workers) -> None:
    workers.call(run(), tasks.priority)
    workers.close()
    assert workers.pids() == []
    with pytest.raises(Cancelled):
        workers.call(run(), tasks.priority)
    workers.reopen()
    assert len(workers.call(run(), tasks.priority)) == 2


def test_the_result_page_is_what_the_server_used_to_encode() -> None:
    from fastapi.responses import JSONResponse

    from accord.report import context as report_context
    from accord.report.html import sections_payload
    from accord.scenario.load import builtin_files, load
    from accord.web.workers import build_run

    seen: list[tuple[float, str]] = []
    built = build_run(
        load(builtin_files()["emission-1994"]),
        models=["compromise"],
        progress=lambda fraction, message: seen.append((fraction, message)),
        cancelled=lambda: False,
    )
    expected = JSONResponse(
        {
            "forecast": report_context.forecast_json(built.context),
            "sections": sections_payload(built.context),
        }
    )
    assert built.result == expected.body
    assert seen[-1] == (1.0, "preparing the result")
