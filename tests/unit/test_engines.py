"""Engines: in process, a process pool and Dask give identical results for the same seed."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from accord.analysis.montecarlo import simulate
from accord.analysis.sensitivity import sensitivity
from accord.engines import InProcessExecutor, chunks, open_engine
from accord.engines.local import chunk_size
from accord.errors import InputError
from accord.models.base import get_model
from accord.scenario import parse
from accord.scenario.schema import Scenario


def ranged() -> Scenario:
    """Three actors, two issues, ranges on capability, position, salience and status quo."""
    return parse(
        {
            "id": "ranged",
            "title": "Ranged",
            "issues": [
                {"id": "x", "name": "X", "min": 0, "max": 100, "status_quo": [10, 30]},
                {"id": "y", "name": "Y", "min": -1, "max": 1},
            ],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": [1, 2],
                    "positions": {"x": [0, 20], "y": -1},
                    "salience": {"x": {"low": 40, "mode": 60, "high": 90}, "y": 30},
                },
                {
                    "id": "b",
                    "name": "B",
                    "capability": 2,
                    "positions": {"x": 90, "y": [0, 1]},
                    "salience": {"x": 50, "y": [20, 80]},
                },
                {
                    "id": "c",
                    "name": "C",
                    "capability": {"low": 0.5, "mode": 1, "high": 3},
                    "positions": {"x": 50, "y": 0.5},
                    "salience": {"x": 70, "y": 70},
                },
            ],
        },
        "ranged",
    )


MODELS = [get_model("compromise"), get_model("median"), get_model("nash")]


def test_in_process_map_is_lazy_and_in_order() -> None:
    calls: list[int] = []

    def record(value: int) -> int:
        calls.append(value)
        return value * 2

    results = InProcessExecutor().map(record, [1, 2, 3])
    assert calls == []
    assert next(results) == 2 and calls == [1]
    assert list(results) == [4, 6]


def test_in_process_submit_carries_exceptions() -> None:
    future = InProcessExecutor().submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        future.result()


def test_chunks_and_chunk_size() -> None:
    assert chunks([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunk_size(40, 1) == 1
    assert chunk_size(40, 2) == 5
    assert chunk_size(3, 4) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"jobs": 0}, "--jobs must be at least 1"),
        ({"workers": 0}, "--workers must be at least 1"),
        ({"jobs": 2, "workers": 2}, "cannot be combined"),
        ({"workers": 1, "scheduler": "tcp://127.0.0.1:1"}, "cannot be combined"),
    ],
)
def test_bad_engine_options_are_input_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message), open_engine(**options):  # type: ignore[arg-type]
        pass


def test_process_pool_equals_in_process() -> None:
    expected = simulate(ranged(), MODELS, draws=1000, seed=21)
    with open_engine(jobs=2) as engine:
        assert engine.parallelism == 2
        found = simulate(ranged(), MODELS, draws=1000, seed=21, engine=engine)
    for name in expected.settlement:
        difference = np.abs(expected.settlement[name] - found.settlement[name]).max()
        assert np.array_equal(expected.settlement[name], found.settlement[name]), (name, difference)


def test_dask_local_cluster_with_two_workers_equals_in_process() -> None:
    pytest.importorskip("distributed")
    expected = simulate(ranged(), MODELS, draws=1000, seed=8)
    expected_sensitivity = sensitivity(ranged(), MODELS[0], samples=64, seed=3)
    with open_engine(workers=2) as engine:
        assert engine.parallelism == 2 and "dask" in engine.description
        found = simulate(ranged(), MODELS, draws=1000, seed=8, engine=engine)
        found_sensitivity = sensitivity(ranged(), MODELS[0], samples=64, seed=3, engine=engine)
    for name in expected.settlement:
        assert np.array_equal(expected.settlement[name], found.settlement[name])
    assert found.to_json() == expected.to_json()
    assert found_sensitivity.to_json() == expected_sensitivity.to_json()


def test_without_dask_a_scheduler_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(InputError) as caught, open_engine(scheduler="tcp://127.0.0.1:8786"):
        pass
    assert "pip install 'accord[distributed]'" in str(caught.value)


def test_without_dask_workers_run_in_local_processes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pip install .` alone (no Dask): `--workers 2` still works, on a process pool."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with open_engine(workers=2) as engine:
        assert engine.description == "process pool (2 processes)"
    assert "pip install 'accord[distributed]'" in capsys.readouterr().err


def test_unreachable_scheduler_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("accord.engines.dask_engine.CONNECT_TIMEOUT", "1s")
    with (
        pytest.raises(InputError, match="cannot reach the Dask scheduler"),
        open_engine(scheduler="tcp://127.0.0.1:9"),
    ):
        pass
