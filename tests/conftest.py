from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture
def deepstate() -> Path:
    """DeepState's maps beside the checkout (their licence forbids copying them into the repo)."""
    folder = SHARED_DATA / "geo" / "deepstate"
    if not folder.exists():
        pytest.skip(
            "../shared/data/geo/deepstate is absent: DeepState's polygons may not be copied into "
            "the repository (see src/accord/territory/data/PROVENANCE.txt)"
        )
    return folder
