"""Golden snapshots (STYLE tier 4): commands' JSON output for fixed seeds, kept in
``snapshots/`` and regenerated only by ``regenerate.py``. A change to any number beyond
rtol 1e-6 (atol 1e-6 near zero), or to any label, key or count, fails here and must be reviewed."""

from __future__ import annotations

import copy

import pytest

import golden

CASES = golden.cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_its_snapshot(name: str) -> None:
    assert golden.path_of(name).exists(), f"no snapshot: run tests/golden/regenerate.py {name}"
    changes = list(golden.differences(golden.load(name), golden.run(CASES[name])))
    assert not changes, f"{len(changes)} change(s), first: " + "; ".join(changes[:5])


def test_every_snapshot_has_a_case() -> None:
    stored = {path.name.removesuffix(".json.gz") for path in golden.SNAPSHOTS.glob("*.json.gz")}
    assert stored == set(CASES)


def test_the_comparison_catches_what_it_should_and_only_that() -> None:
    snapshot = golden.load("forecast-emission")
    assert list(golden.differences(snapshot, copy.deepcopy(snapshot))) == []
    value = snapshot["models"]["compromise"]["issues"]["delay"]["value"]
    for moved, caught in [(value * (1 + 1e-7), False), (value * (1 + 1e-5), True)]:
        changed = copy.deepcopy(snapshot)
        changed["models"]["compromise"]["issues"]["delay"]["value"] = moved
        assert bool(list(golden.differences(snapshot, changed))) is caught
    relabelled = copy.deepcopy(snapshot)
    relabelled["models"]["compromise"]["issues"]["delay"]["label"] = "another anchor"
    assert list(golden.differences(snapshot, relabelled)) == [
        f"$.models.compromise.issues.delay.label: "
        f"{snapshot['models']['compromise']['issues']['delay']['label']!r} → 'another anchor'"
    ]
    shorter = copy.deepcopy(snapshot)
    shorter["models"].pop("median")
    assert list(golden.differences(snapshot, shorter)) == ["$.models.median: missing"]
    assert list(golden.differences({"flag": True}, {"flag": 1})) == ["$.flag: True → 1"]
