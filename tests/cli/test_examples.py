"""The examples in examples/ and the README's minimal scenario run as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord.analysis.forecast import forecast
from accord.scenario import load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_readme_minimal_scenario_is_the_shipped_example() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Writing a scenario.*?```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1) == (ROOT / "examples" / "water-treaty.yaml").read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_forecasts(path: Path) -> None:
    result = forecast(load(path))
    for model in result.models.values():
        for issue in load(path).issues:
            value = model.issues[issue.id].value
            assert issue.min <= value <= issue.max


def test_water_treaty_update_moves_the_forecast() -> None:
    import datetime as dt

    scenario = load(ROOT / "examples" / "water-treaty.yaml")
    before = forecast(scenario, ["compromise"]).models["compromise"].issues["share"].value
    after = forecast(scenario, ["compromise"], date=dt.date(2026, 3, 25))
    # Upstream moves from 60 to 50: the weighted mean falls.
    assert after.models["compromise"].issues["share"].value < before
