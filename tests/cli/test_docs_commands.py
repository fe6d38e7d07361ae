"""Every ``accord`` command line of README.md and docs/*.md runs as written.

The lines come from the fenced ``bash`` blocks; each runs through ``bash -c`` exactly as printed
(comments and ``&&`` included), from a folder that holds the repository's ``examples/``,
``src/`` and ``tests/`` (so relative paths resolve as they do from the repository root), with
this environment's ``accord`` first on ``PATH``. Lines of one document share a folder and a run
store, in order, as a reader running them one after another would. The installation lines of
the quickstart are run by CI (``.ci/run``), not here. ``accord serve`` lines are started, must
answer on their port, and are stopped.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def command_lines() -> list[tuple[str, str]]:
    """``(document, line)`` for every line of a bash block that runs ``accord``."""
    found = []
    for document in DOCUMENTS:
        for block in BLOCK.findall(document.read_text(encoding="utf-8")):
            for line in block.splitlines():
                if line.strip().startswith("accord "):
                    found.append((str(document.relative_to(ROOT)), line.strip()))
    return found


LINES = command_lines()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One working folder (with the repository's files linked in) per document."""
    made: dict[str, Path] = {}
    for document, _ in LINES:
        if document not in made:
            folder = tmp_path_factory.mktemp(Path(document).stem)
            for name in ("examples", "src", "tests"):
                (folder / name).symlink_to(ROOT / name)
            (folder / ".home").mkdir()
            made[document] = folder
    return made


def _environment(folder: Path) -> dict[str, str]:
    # Without coverage's subprocess measurement: these runs check the docs, other tests cover
    # the code, and measuring them would double their time.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    return {
        **inherited,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "ACCORD_HOME": str(folder / ".home"),
        "NO_COLOR": "1",
    }


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _serve(line: str, folder: Path) -> None:
    match = re.search(r"--port (\d+)", line)
    port = int(match.group(1)) if match else 8000
    if not _port_free(port):
        pytest.skip(f"port {port} is in use on this machine, so `{line}` cannot start here")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {line}"],
        cwd=folder,
        env=_environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[1]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    assert answer.status == 200
                    return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"`{line}` did not answer on port {port} within 60 s")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.mark.slow
@pytest.mark.parametrize(("document", "line"), LINES, ids=[f"{d}: {c}" for d, c in LINES])
def test_command_line_runs_as_written(document: str, line: str, folders: dict[str, Path]) -> None:
    folder = folders[document]
    if line.startswith("accord serve"):
        _serve(line, folder)
        return
    ran = subprocess.run(
        ["bash", "-c", line],
        cwd=folder,
        env=_environment(folder),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, f"{line}\n{ran.stderr[-2000:]}"
    assert "Traceback" not in ran.stderr, ran.stderr[-2000:]
    assert "Warning" not in ran.stderr, ran.stderr[-2000:]


def test_every_document_with_commands_is_covered() -> None:
    documents = {document for document, _ in LINES}
    assert "README.md" in documents and "docs/records.md" in documents
    assert len(LINES) >= 50


def test_docs_point_only_to_files_in_the_repository() -> None:
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for name in ("DESIGN.md", "STYLE.md", "models.md"):
            assert not re.search(rf"(?<![\w/]){re.escape(name)}", text), (document, name)
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (document.parent / target).exists(), (document, target)
