"""Start-up time of the ``accord`` command: ``--version``, ``--help`` and a default forecast.

Each command runs in a fresh interpreter ``--repeat`` times; the table gives the median wall
time and the median CPU time (user + system of the child). ``--compare REF`` also times the
package as it was at git commit REF, checked out into a temporary folder and put first on
``PYTHONPATH`` (same interpreter, same installed dependencies), side by side in the same run.
``--importtime`` prints the ten slowest imports of ``accord --version`` and of ``accord
forecast`` (``python -X importtime``).

    python benchmarks/bench_startup.py --compare e1d39a0 --repeat 7
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "accord --version": ["--version"],
    "accord --help": ["--help"],
    "accord forecast": ["forecast", "--no-record"],
}
LAUNCH = "import sys; from accord.cli import main; sys.argv[0] = 'accord'; main()"


def run_once(args: list[str], source: Path, home: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``accord ARGS`` run with the package from ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source), "ACCORD_HOME": home}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def checkout(ref: str, into: Path) -> Path:
    """The ``src`` folder of commit ``ref``, extracted into ``into``."""
    archive = into / "src.tar"
    with archive.open("wb") as stream:
        subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=stream, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def import_profile(args: list[str], source: Path) -> list[tuple[int, str]]:
    """The ten slowest imports (cumulative microseconds, module) of ``accord ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    found = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LAUNCH, *args],
        env=env,
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in found.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", metavar="REF", help="also time the package at this commit")
    parser.add_argument("--importtime", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sources = {"this tree": ROOT / "src"}
        if options.compare:
            sources[f"at {options.compare}"] = checkout(options.compare, Path(folder))
        results: dict[tuple[str, str], tuple[float, float]] = {}
        for label, args in COMMANDS.items():
            for name, source in sources.items():
                run_once(args, source, folder)  # warm the file cache
                runs = [run_once(args, source, folder) for _ in range(options.repeat)]
                results[label, name] = (
                    statistics.median(w for w, _ in runs),
                    statistics.median(c for _, c in runs),
                )
        names = list(sources)
        header = " | ".join(f"{n}: wall (s) | {n}: CPU (s)" for n in names)
        print(f"| command | {header} |")
        print("|---|" + "---:|" * (2 * len(names)))
        for label in COMMANDS:
            cells = " | ".join(
                f"{results[label, n][0]:.3f} | {results[label, n][1]:.3f}" for n in names
            )
            print(f"| `{label}` | {cells} |")
        if options.importtime:
            for name, source in sources.items():
                for label in ("accord --version", "accord forecast"):
                    print(f"\nslowest imports of `{label}` ({name}), cumulative ms:")
                    for micros, module in import_profile(COMMANDS[label], source):
                        print(f"  {micros / 1000:8.1f}  {module}")


if __name__ == "__main__":
    main()
