"""Store faults and output files: nothing computed is lost, no record can be forged unnoticed.

Locked and full stores are simulated with the SQLite errors they raise (a real lock is
tested in tests/unit/test_records.py); a read-only store by the error SQLite gives when it
cannot create WAL's shared-memory file (the tests run as root, for whom chmod is no barrier).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reliability_helpers import accord

import accord.cli as cli
from accord.analysis import whatif
from accord.analysis.forecast import forecast, require_finite
from accord.analysis.runs import execute, model_specs, with_seed
from accord.cli.common import json_text
from accord.errors import InputError
from accord.records import RunStore, verify
from accord.scenario import load as load_scenario
from accord.scenario.compile import compile as compile_problem
from accord.scenario.load import check_target, write_atomic

FORECAST = {"models": model_specs(["compromise", "median"]), "seed": None, "draws": None}


def record(store: RunStore, scenario: str = "emission-1994") -> Any:
    current = whatif.current(load_scenario(scenario))
    options = with_seed({"changes": {}, **FORECAST}, "forecast")
    output = execute("forecast", current, options)
    return store.add(
        kind="forecast",
        scenario=current.model_dump(mode="json"),
        options=options,
        results=output.results,
        reference=scenario,
    )


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["accord", *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    return int(done.value.code or 0)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (sqlite3.OperationalError("database is locked"), "locked by another process"),
        (
            sqlite3.OperationalError("database or disk is full"),
            "disk holding the run store is full",
        ),
    ],
)
def test_a_store_failing_at_record_time_keeps_the_result(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    reason: str,
) -> None:
    def fail(self: RunStore, **_: Any) -> Any:
        raise self._error(error)

    monkeypatch.setattr(RunStore, "add", fail)
    status = run_main(monkeypatch, "forecast", "emission-1994", "-m", "compromise", "-f", "json")
    out, err = capsys.readouterr()
    assert status == 3
    assert json.loads(out)["models"]["compromise"]["issues"]["delay"]["value"] > 0
    assert "the result above was not recorded" in err and reason in err
    assert "damaged" not in err
    assert cli.UNSAVED == []


def test_store_errors_are_named_for_what_they_are(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    full = store._error(sqlite3.OperationalError("database or disk is full"))
    assert "full" in str(full) and "damaged" not in str(full)
    readonly = store._error(sqlite3.OperationalError("attempt to write a readonly database"))
    assert "read-only" in str(readonly)


def test_a_read_only_store_can_still_be_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RunStore(tmp_path)
    kept = [record(store).id for _ in range(2)]
    real = sqlite3.connect

    class NoSharedMemory:
        in_transaction = False

        def execute(self, *_: Any) -> Any:
            raise sqlite3.OperationalError("unable to open database file")

        def close(self) -> None:
            pass

    def connect(target: Any, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("uri"):
            return NoSharedMemory()
        return real(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    assert [item.id for item in store.list()] == kept[::-1]
    with pytest.raises(InputError, match="cannot open the run store"):
        store.check()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_holding_the_store(tmp_path: Path) -> None:  # pragma: no cover
    store = RunStore(tmp_path)
    record(store)
    tmp_path.chmod(0o555)
    store.path.chmod(0o444)
    try:
        assert len(store.list()) == 1
    finally:
        tmp_path.chmod(0o755)


def damage_row(store: RunStore, identifier: int) -> None:
    with sqlite3.connect(store.path) as connection:
        connection.execute("UPDATE runs SET results = '{broken' WHERE id = ?", (identifier,))


def test_a_damaged_row_is_reported_and_the_rest_listed(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    ids = [record(store).id for _ in range(3)]
    damage_row(store, ids[1])
    assert [item.id for item in store.list()] == [ids[2], ids[0]]
    assert [item.identifier for item in store.damaged] == [ids[1]]
    with pytest.raises(InputError, match=f"run {ids[1]} is damaged"):
        store.get(ids[1])
    assert store.get(ids[0]).id == ids[0]


def test_a_damaged_row_on_the_command_line(accord_home: Path) -> None:
    store = RunStore(accord_home)
    ids = [record(store).id for _ in range(3)]
    damage_row(store, ids[1])
    listed = accord("runs", "list", "-f", "json")
    assert listed.returncode == 0, listed.stderr
    assert [item["id"] for item in json.loads(listed.stdout)] == [ids[2], ids[0]]
    assert f"run {ids[1]} is damaged" in listed.stderr
    shown = accord("runs", "show", str(ids[1]))
    assert shown.returncode == 2 and "damaged" in shown.stderr
    exported = accord("runs", "export")
    assert exported.returncode == 0 and len(json.loads(exported.stdout)) == 2
    assert accord("runs", "diff", str(ids[0]), str(ids[2])).returncode == 0
    verified = accord("runs", "verify", str(ids[0]))
    assert verified.returncode == 0 and "identical" in verified.stdout


def test_a_forged_record_is_reported(accord_home: Path) -> None:
    store = RunStore(accord_home)
    original = record(store)
    # Edit the inputs, then replace the results with an honest re-run on the edited inputs.
    inputs = json.loads(json.dumps(original.inputs))
    inputs["actors"][0]["capability"]["value"] = 1.0
    from accord.scenario.schema import Scenario

    forged = execute("forecast", Scenario.model_validate(inputs), original.options).results
    with sqlite3.connect(store.path) as connection:
        connection.execute(
            "UPDATE runs SET inputs = ?, results = ? WHERE id = ?",
            (json.dumps(inputs), json.dumps(forged), original.id),
        )
    outcome = verify(store.get(original.id))
    assert not outcome.identical and not outcome.differences
    assert [m.what for m in outcome.mismatches] == ["inputs hash"]
    result = accord("runs", "verify", str(original.id))
    assert result.returncode == 1
    assert "MISMATCH inputs hash" in result.stdout and "altered" in result.stdout


def test_verify_reports_results_and_version_mismatches(accord_home: Path) -> None:
    store = RunStore(accord_home)
    original = record(store)
    results = json.loads(json.dumps(original.results))
    results["models"]["median"]["issues"]["delay"]["value"] = 8.0
    with sqlite3.connect(store.path) as connection:
        connection.execute(
            "UPDATE runs SET results = ?, version = '0.0.1' WHERE id = ?",
            (json.dumps(results), original.id),
        )
    outcome = verify(store.get(original.id))
    assert [m.what for m in outcome.mismatches] == ["results hash", "code version"]
    result = accord("runs", "verify", str(original.id))
    assert result.returncode == 1
    assert (
        "MISMATCH results hash" in result.stdout and "recorded with accord 0.0.1" in result.stdout
    )


def test_verify_refuses_a_stored_scenario_that_is_not_valid(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    original = record(store)
    with sqlite3.connect(store.path) as connection:
        connection.execute("UPDATE runs SET inputs = '{}' WHERE id = ?", (original.id,))
    with pytest.raises(InputError, match="stored scenario is not valid"):
        verify(store.get(original.id))


WRITER = """
import sys
from accord.analysis import whatif
from accord.analysis.runs import execute, model_specs, with_seed
from accord.records import RunStore
from accord.scenario import load
current = whatif.current(load("emission-1994"))
options = with_seed({"changes": {}, "models": model_specs(["compromise"]), "seed": None,
                     "draws": None}, "forecast")
results = execute("forecast", current, options).results
store = RunStore()
print("ready", flush=True)
while True:
    store.add(kind="forecast", scenario=current.model_dump(mode="json"), options=options,
              results=results)
"""


def test_kill_9_during_writes_loses_no_committed_record(accord_home: Path) -> None:
    store = RunStore(accord_home)
    for attempt in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True, env=os.environ
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.3 + 0.1 * attempt)
        before = len(store.list())
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        after = store.list()
        assert len(after) >= before and not store.damaged
    assert record(store).id == after[0].id + 1


def test_out_is_checked_before_any_work(tmp_path: Path, accord_home: Path) -> None:
    existing = tmp_path / "existing.json"
    existing.write_text("keep me")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        ([str(existing)], "already exists"),
        ([str(dangling)], "is a link to a missing file"),
        ([str(tmp_path), "--force"], "is a folder"),
        ([str(tmp_path / "missing" / "out.json"), "--force"], "does not exist"),
        ([str(a_file / "out.json"), "--force"], "is a file, not a folder"),
    ]
    for args, message in cases:
        result = accord("forecast", "emission-1994", "-f", "json", "--out", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert existing.read_text() == "keep me"
    assert not (accord_home / "runs.sqlite").exists()  # nothing was computed or recorded


def test_force_keeps_the_mode_of_the_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    result = accord("forecast", "emission-1994", "-f", "json", "--force", "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.json"
    assert accord("forecast", "emission-1994", "-f", "json", "-o", str(fresh)).returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def full(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(InputError, match="No space left on device; nothing was written"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["out.txt"]


def test_a_folder_that_takes_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*_: Any, **__: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(InputError, match="Permission denied"):
        write_atomic(tmp_path / "out.txt", "new")


def test_an_interrupted_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.txt", "new")
    assert list(tmp_path.iterdir()) == []


def test_check_target_allows_replacing_with_force(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text("1")
    check_target(target, True)
    check_target(tmp_path / "new.json", False)


def test_json_output_is_strict() -> None:
    assert json_text({"a": 1.5}) == '{\n  "a": 1.5\n}'
    with pytest.raises(InputError, match="not finite"):
        json_text({"a": float("nan")})


def test_a_non_finite_forecast_names_the_model_and_the_cause() -> None:
    scenario = load_scenario("emission-1994")
    problem = compile_problem(scenario)
    settlement = np.full((1, len(problem.issue_ids)), np.nan)
    with pytest.raises(InputError, match="model 'x' gave a non-finite forecast on issue 'delay'"):
        require_finite("x", problem, settlement)
    weightless = problem.take([0])
    object.__setattr__(weightless, "capability", np.zeros_like(problem.capability))
    with pytest.raises(InputError, match="no actor has both positive capability"):
        require_finite("x", weightless, settlement)
    require_finite("x", problem, np.zeros_like(settlement))
    assert forecast(scenario, ["compromise"]).models["compromise"].issues["delay"].value > 0
