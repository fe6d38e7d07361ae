"""Run records: storing, hashing, verifying, and never losing records to a bad or locked store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from accord.analysis import whatif
from accord.analysis.runs import execute, model_specs, with_seed
from accord.errors import InputError
from accord.records import RunStore, canonical, differences, flatten, home, inputs_hash, verify
from accord.scenario import load


def run(store: RunStore, kind: str, options: dict[str, Any], scenario: str = "emission-1994"):  # type: ignore[no-untyped-def]
    current = whatif.current(load(scenario))
    options = with_seed({"changes": {}, **options}, kind)
    output = execute(kind, current, options)
    return store.add(
        kind=kind,
        scenario=current.model_dump(mode="json"),
        options=options,
        results=output.results,
        reference=scenario,
        engine="in process",
    )


FORECAST = {"models": model_specs(["compromise", "median"]), "seed": None, "draws": None}


def test_home_follows_accord_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACCORD_HOME", str(tmp_path))
    assert home() == tmp_path and RunStore().path == tmp_path / "runs.sqlite"
    monkeypatch.delenv("ACCORD_HOME")
    assert home().name == "accord"


def test_records_round_trip_newest_first(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    first = run(store, "forecast", FORECAST)
    second = run(store, "forecast", {**FORECAST, "draws": 300, "seed": 4})
    assert [record.id for record in store.list()] == [second.id, first.id]
    assert store.get("latest").id == second.id
    again = store.get(first.id)
    assert again.models == {"compromise": {"within_zone": False}, "median": {"within_zone": False}}
    assert again.kind == "forecast" and again.scenario == "emission-1994" and again.seed is None
    assert second.seed == 4 and second.results["draws"] == 300
    assert again.results["models"]["compromise"]["issues"]["delay"]["value"] == pytest.approx(
        7.39, abs=0.005
    )
    assert again.created.endswith("Z") and again.version


def test_inputs_hash_is_over_scenario_and_options(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    first = run(store, "forecast", FORECAST)
    second = run(store, "forecast", FORECAST)
    other = run(store, "forecast", {**FORECAST, "models": model_specs(["median"])})
    assert first.inputs_hash == second.inputs_hash != other.inputs_hash
    assert first.inputs_hash == inputs_hash("forecast", first.inputs, first.options)
    assert first.results == second.results


def test_stored_scenario_keeps_its_order(tmp_path: Path) -> None:
    record = run(RunStore(tmp_path), "forecast", FORECAST, "ukraine-2025")
    positions = record.inputs["actors"][0]["positions"]
    assert list(positions)[:2] == ["donbas", "southern_line"]


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("forecast", FORECAST),
        ("sweep", {"models": model_specs(["compromise", "nash"]), "draws": 300, "seed": 2}),
        (
            "sensitivity",
            {
                "model": model_specs(["compromise"])[0],
                "method": "morris",
                "samples": 4,
                "grouping": "actor",
                "seed": None,
            },
        ),
        ("levers", {"models": model_specs(["compromise", "median"]), "actor": "ukraine"}),
        ("forecast", {**FORECAST, "changes": {"russia.position.donbas": {"value": 60}}}),
    ],
)
def test_verify_passes_for_a_fresh_record(
    tmp_path: Path, kind: str, options: dict[str, Any]
) -> None:
    record = run(RunStore(tmp_path), kind, options, "ukraine-2025")
    result = verify(record)
    assert result.identical and not result.differences
    assert result.scenario_changed is False


def test_verify_reports_tampered_results(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    record = run(store, "forecast", FORECAST)
    results = record.results
    results["models"]["median"]["issues"]["delay"]["value"] = 8.0
    with sqlite3.connect(store.path) as connection:
        connection.execute(
            "UPDATE runs SET results = ? WHERE id = ?", (json.dumps(results), record.id)
        )
    outcome = verify(store.get(record.id))
    assert not outcome.identical
    assert [item.path for item in outcome.differences] == ["models.median.issues.delay.value"]
    assert outcome.differences[0].first == 8.0 and outcome.differences[0].second == 7.0


def test_whatif_records_hold_the_difference(tmp_path: Path) -> None:
    changes = {"germany.position.delay": {"value": 10}}
    record = run(RunStore(tmp_path), "forecast", {**FORECAST, "changes": changes})
    difference = record.results["whatif"]["difference"]["compromise"]["delay"]
    # Compromise closed form: moving Germany (c s = 0.16 * 0.8) from 4 to 10 years shifts the
    # weighted mean by 0.128 * 6 / W.
    scenario = load("emission-1994")
    total = sum(
        actor.capability.point * actor.salience["delay"].point / 100 for actor in scenario.actors
    )
    assert difference["change"] == pytest.approx(0.128 * 6 / total, abs=1e-9)
    assert record.results["whatif"]["changes"] == changes


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"this is not an sqlite file" * 100,
        lambda data: data[: len(data) // 2],
        lambda data: data[:100] + b"\x00" * (len(data) - 100),
    ],
    ids=["garbage", "truncated", "zeroed"],
)
def test_a_damaged_store_is_reported_and_left_untouched(tmp_path: Path, damage: Any) -> None:
    store = RunStore(tmp_path)
    for _ in range(3):
        run(store, "forecast", FORECAST)
    damaged = damage(store.path.read_bytes())
    store.path.write_bytes(damaged)
    for action in (store.list, store.check, lambda: run(store, "forecast", FORECAST)):
        with pytest.raises(InputError) as caught:
            action()
        assert "damaged" in str(caught.value) and str(store.path) in str(caught.value)
        assert "--no-record" in str(caught.value)
    assert store.path.read_bytes() == damaged


def test_a_locked_store_is_reported_and_earlier_records_survive(tmp_path: Path) -> None:
    store = RunStore(tmp_path, timeout=0.2)
    kept = [run(store, "forecast", FORECAST).id for _ in range(2)]
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(InputError, match="locked by another process"):
            run(store, "forecast", FORECAST)
        with pytest.raises(InputError, match="locked"):
            store.check()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [record.id for record in store.list()] == kept[::-1]
    assert run(store, "forecast", FORECAST).id == kept[-1] + 1


def test_a_failed_write_leaves_earlier_records(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    kept = run(store, "forecast", FORECAST)
    with pytest.raises(ValueError, match="JSON compliant"):
        store.add(
            kind="forecast", scenario=kept.inputs, options=kept.options, results={"x": float("nan")}
        )
    assert [record.id for record in store.list()] == [kept.id]


def test_other_sqlite_files_and_newer_schemas_are_refused(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    with sqlite3.connect(store.path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(InputError, match="no runs table"):
        store.check()
    newer = RunStore(tmp_path / "newer")
    run(newer, "forecast", FORECAST)
    with sqlite3.connect(newer.path) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(InputError, match="newer accord"):
        newer.list()


def test_missing_store_and_unknown_ids(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    with pytest.raises(InputError, match="no runs recorded yet"):
        store.list()
    run(store, "forecast", FORECAST)
    with pytest.raises(InputError, match="no run 42"):
        store.get(42)
    with pytest.raises(InputError, match="not a run id"):
        store.get("abc")


def test_an_unwritable_home_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="ACCORD_HOME"):
        RunStore(blocker / "sub").check()


def test_flatten_and_differences() -> None:
    assert flatten({"a": {"b": [1, {"c": 2}]}}) == {"a.b[0]": 1, "a.b[1].c": 2}
    found = differences({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3], "c": 4})
    assert [(item.path, item.first, item.second) for item in found] == [
        ("b[1]", 2, 3),
        ("c", None, 4),
    ]
    assert canonical({"b": 1, "a": [1.5]}) == '{"a":[1.5],"b":1}'
