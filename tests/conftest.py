from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
# Data the tests read, copied into the repository where its licence allows (each folder keeps
# its PROVENANCE and licence notice), so that a fresh clone needs nothing beside it.
TEST_DATA = ROOT / "tests" / "data"
# The project's shared data folder, for the few files whose licence forbids copying them here.
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
    """The vendored test data (``tests/data``): KTAB, its smpc outputs, the EUM case, ..."""
    return TEST_DATA


@pytest.fixture
def pax_raw() -> Path:
    """PA-X v10's raw file, which has no licence that allows copying it into the repository."""
    path = SHARED_DATA / "pax" / "pax_all_agreements_v10.csv"
    if not path.exists():
        pytest.skip(
            "needs ../shared/data/pax/pax_all_agreements_v10.csv: PA-X v10 is published without a "
            "licence that allows copying it, so the raw file is not in tests/data (the package "
            "ships a derived subset; scripts/derive_pax_subset.py rebuilds it)"
        )
    return path


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
