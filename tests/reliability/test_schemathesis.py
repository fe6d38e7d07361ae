"""Schemathesis against the dashboard's OpenAPI schema: no request makes it answer 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from accord.web import create_app

schemathesis = pytest.importorskip("schemathesis")

APP = create_app(
    data_dir=Path("/nonexistent-accord-web"),
    max_draws=3,
    run_deadline_s=5,
    runs_per_client=2,
    allowed_hosts=("localhost", "testserver"),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
