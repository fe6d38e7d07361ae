"""Fixtures for the reliability tests: a private run store."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def accord_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test records its runs in a fresh folder, never in the user's data dir."""
    folder = tmp_path_factory.mktemp("accord-home")
    monkeypatch.setenv("ACCORD_HOME", str(folder))
    return folder
