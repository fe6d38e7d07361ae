"""The reliability probe's reproducers: each a one-line error and exit 2, or a finite result.

The files are in ``tests/data/reliability`` (README.txt there says what each one did before).
Loading each must take well under a second and 200 MB; through the command line each gives
exit status 2 and one line on stderr naming the file and the fix.
"""

from __future__ import annotations

import json
import math
import time
import tracemalloc
from pathlib import Path

import pytest
from reliability_helpers import DATA, accord

from accord.analysis.forecast import forecast
from accord.errors import InputError
from accord.scenario.load import load

REFUSED = {
    "alias-bomb-347B.yaml": "aliases expand to more than",
    "deep-list.yaml": "nested more than 64 levels deep",
    "deep-list.json": "nested more than 64 levels deep",
    "yaml-float-tag-empty.yaml": "cannot read '' as float",
    "huge-int.yaml": "a number of 5,000 characters",
    "duplicate-keys.yaml": "duplicate key 'actors' (first on line 6)",
    "zero-capability.yaml": "no actor has both positive capability and salience",
    "huge-scale.yaml": "reaches beyond ±1e+12",
}


def test_every_reproducer_is_covered() -> None:
    files = {path.name for path in DATA.iterdir() if path.suffix != ".txt"}
    assert files == {*REFUSED, "cr-only.csv"}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_quickly_and_in_little_memory(name: str) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InputError) as caught:
            load(DATA / name)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < 1.0
    assert peak < 200 * 1024**2
    assert REFUSED[name] in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_command_line_gives_one_line_and_exit_2(name: str) -> None:
    started = time.perf_counter()
    result = accord("forecast", str(DATA / name), "--no-record")
    seconds = time.perf_counter() - started
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {DATA / name}")
    assert "Fix:" in lines[0] and REFUSED[name] in lines[0]
    assert result.stdout == ""
    # The command's own start-up (imports) dominates; the input is refused in milliseconds.
    assert seconds < 30


def test_cr_only_csv_is_read_as_rows() -> None:
    scenario = load(DATA / "cr-only.csv")
    assert [actor.id for actor in scenario.actors] == ["A", "B"]
    result = forecast(scenario, ["compromise", "median"])
    assert all(
        math.isfinite(item.value)
        for model in result.models.values()
        for item in model.issues.values()
    )


def test_cr_only_csv_forecast_on_the_command_line(tmp_path: Path) -> None:
    result = accord("forecast", str(DATA / "cr-only.csv"), "-m", "compromise", "-f", "json")
    assert result.returncode == 0, result.stderr
    value = json.loads(result.stdout)["models"]["compromise"]["issues"]["issue"]["value"]
    assert math.isfinite(value)
