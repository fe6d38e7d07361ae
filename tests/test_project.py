"""Project-level checks: the README quickstart, CI, lint and types, docs for every model."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord.models.base import registry

ROOT = Path(__file__).resolve().parents[1]


def _quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_quickstart_is_two_commands_and_ci_runs_the_second() -> None:
    commands = _quickstart()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert "accord forecast" in commands[0]
    assert "pytest" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_model_has_a_docs_page(name: str) -> None:
    page = ROOT / "docs" / "models" / f"{name}.md"
    assert page.exists(), f"write docs/models/{name}.md"
    text = page.read_text()
    cls = registry()[name]
    assert "## Equations" in text and "## References" in text
    assert "tests/" in text, "link the regression test that checks the model"
    assert cls.__module__.rsplit(".", 1)[-1] in text or name in text


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(path).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return path


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
