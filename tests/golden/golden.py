"""Run the golden cases and compare their JSON output with the stored snapshots.

Shared by ``test_golden.py`` and ``regenerate.py``. Each case runs the ``accord`` command in
process (Typer's test runner) with its runs recorded in a throw-away folder.
"""

from __future__ import annotations

import gzip
import json
import math
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from accord.cli import app

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots"
RTOL = 1e-6
ATOL = 1e-6  # outputs are on 0-100 or natural scales; iterative solvers agree to ~1e-7


def cases() -> dict[str, list[str]]:
    """Case name → command-line arguments, from ``cases.toml``."""
    with (HERE / "cases.toml").open("rb") as handle:
        return {case["name"]: case["args"] for case in tomllib.load(handle)["case"]}


def run(args: list[str]) -> Any:
    """The parsed JSON that ``accord ARGS`` prints (failing loudly if the command fails)."""
    with tempfile.TemporaryDirectory(prefix="accord-golden-") as home:
        result = CliRunner().invoke(app, args, env={"ACCORD_HOME": home}, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"accord {' '.join(args)} exited {result.exit_code}: {result.stderr}")
    return json.loads(result.stdout)


def path_of(name: str) -> Path:
    return SNAPSHOTS / f"{name}.json.gz"


def load(name: str) -> Any:
    with gzip.open(path_of(name), "rt", encoding="utf-8") as handle:
        return json.load(handle)


def store(name: str, value: Any) -> None:
    """Write a snapshot byte for byte the same for the same value (no time in the gzip header)."""
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    SNAPSHOTS.mkdir(exist_ok=True)
    with path_of(name).open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))


def differences(expected: Any, actual: Any, where: str = "$") -> Iterator[str]:
    """Every place where ``actual`` departs from ``expected``, one line each.

    Numbers match within RTOL (relative) or ATOL; booleans, strings, null, key sets and list
    lengths must match exactly.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                yield f"{where}.{key}: missing"
            elif key not in expected:
                yield f"{where}.{key}: new"
            else:
                yield from differences(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{where}: {len(expected)} items, now {len(actual)}"
        for index, (old, new) in enumerate(zip(expected, actual, strict=False)):
            yield from differences(old, new, f"{where}[{index}]")
    elif _number(expected) and _number(actual):
        if not math.isclose(expected, actual, rel_tol=RTOL, abs_tol=ATOL):
            yield f"{where}: {expected!r} → {actual!r}"
    elif type(expected) is not type(actual) or expected != actual:
        yield f"{where}: {expected!r} → {actual!r}"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
