"""Load test of the dashboard: heavy runs from many clients, health latency, a small run's wait.

Run from the repository root (not part of CI)::

    python benchmarks/load_dashboard.py                  # 16 clients for 60 s
    python benchmarks/load_dashboard.py --clients 4 --seconds 10
    python benchmarks/load_dashboard.py --separate-prober   # health probed from its own process

It starts ``accord serve`` on a free loopback port in its own process, measures health
latency for 10 s with no clients (the machine's own baseline), then the load. Each client thread
loops for the whole period: it asks for a heavy run (``ukraine-2025``, 5,000 draws, the
sensitivity screen and the levers), lists the built-in scenarios, and retries after half a
second when the server answers 429 (its quota). Meanwhile one prober calls ``/api/health``
every 50 ms, and every 10 s a small run (``emission-1994``, point forecast, one model) is
started and polled until it is done. The figures: health latency p50/p99, the small runs'
time to done, and how many heavy runs were accepted and refused, with the code's folder (set
``PYTHONPATH`` to compare two trees) and the load averages before and after.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

HEAVY = {
    "scenario": "ukraine-2025",
    "draws": 5000,
    "analyses": ["sensitivity", "levers"],
}
SMALL = {"scenario": "emission-1994", "models": ["compromise"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load() -> str:
    """The machine's 1-, 5- and 15-minute load averages, as ``uptime`` shows them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--separate-prober",
        action="store_true",
        help="call /api/health from a process of its own, not a thread beside the clients",
    )
    options = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(Path(sys.executable).with_name("accord")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env={**os.environ, "NO_COLOR": "1"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the dashboard did not start")
            time.sleep(0.2)
        import accord

        print(f"code: {Path(accord.__file__).parent}; load average {load()}")
        print("baseline, no clients:")
        run(url, 0, 10.0, options.separate_prober)
        print("under load:")
        run(url, options.clients, options.seconds, options.separate_prober)
        print(f"load average after: {load()}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def probe(url: str, seconds: float) -> tuple[list[float], list[str]]:
    """Call ``/api/health`` every 50 ms for ``seconds``: the latencies and any failures."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[str] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        while time.monotonic() < stop:
            started = time.perf_counter()
            response = http.get("/api/health")
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                failures.append(f"health {response.status_code}")
            time.sleep(0.05)
    return latencies, failures


def probe_into(url: str, seconds: float, results: Any) -> None:
    """:func:`probe` in a process of its own, the result put on ``results``."""
    results.put(probe(url, seconds))


def run(url: str, clients: int, seconds: float, separate: bool = False) -> None:
    stop = time.monotonic() + seconds
    accepted = refused = 0
    lock = threading.Lock()
    health: list[float] = []
    small: list[float] = []
    failures: list[str] = []

    def client() -> None:
        nonlocal accepted, refused
        with httpx.Client(base_url=url, timeout=30) as http:
            while time.monotonic() < stop:
                response = http.post("/api/runs", json=HEAVY)
                http.get("/api/scenarios")
                with lock:
                    if response.status_code == 202:
                        accepted += 1
                    else:
                        refused += 1
                if response.status_code != 202:
                    time.sleep(0.5)

    def prober() -> None:
        found, failed = probe(url, stop - time.monotonic())
        health.extend(found)
        failures.extend(failed)

    def small_runs() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            time.sleep(5)
            while time.monotonic() < stop - 5:
                started = time.perf_counter()
                response = http.post("/api/runs", json=SMALL)
                if response.status_code != 202:
                    failures.append(f"small run refused: {response.status_code} {response.text}")
                    time.sleep(10)
                    continue
                run_id = response.json()["id"]
                while True:
                    state = http.get(f"/api/runs/{run_id}").json()["state"]
                    if state not in ("queued", "running"):
                        break
                    time.sleep(0.02)
                small.append(time.perf_counter() - started)
                if state != "done":
                    failures.append(f"small run {state}")
                time.sleep(10)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    threads += [threading.Thread(target=small_runs)]
    if separate:
        results: Any = multiprocessing.get_context("spawn").Queue()
        process = multiprocessing.get_context("spawn").Process(
            target=probe_into, args=(url, seconds, results)
        )
        process.start()
    else:
        threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if separate:
        found, failed = results.get()
        process.join()
        health.extend(found)
        failures.extend(failed)

    milliseconds = [1000 * value for value in health]
    print(
        f"{clients} clients, {seconds:g} s; heavy runs accepted {accepted}, refused {refused} (429)"
    )
    print(
        f"/api/health: {len(milliseconds)} calls, p50 {statistics.median(milliseconds):.1f} ms, "
        f"p99 {percentile(milliseconds, 0.99):.1f} ms, max {max(milliseconds):.1f} ms"
    )
    if small:
        print(
            f"small run (emission-1994, compromise): {len(small)} runs, "
            f"median {statistics.median(small):.2f} s, max {max(small):.2f} s to done "
            f"({', '.join(f'{value:.2f}' for value in small)})"
        )
    for failure in failures:
        print("FAILURE:", failure)


if __name__ == "__main__":
    main()
