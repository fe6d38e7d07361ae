from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.errors import InputError
from accord.scenario import compile, dump, load
from accord.scenario.checks import unsourced


def test_ktab_csv_as_shipped(shared_data: Path) -> None:
    scenario = load(shared_data / "ktab" / "SOE-Pol-Comp.csv")
    assert [issue.id for issue in scenario.issues] == ["policy", "competitive"]
    assert len(scenario.actors) == 13
    xj = scenario.actor("XJ")
    assert xj.name == "Xi Jinping"
    generic = load(shared_data / "ktab" / "dummyData_3Dim.csv").actors[0]
    assert (generic.name, generic.note) == ("SActor-00", "Random Spatial Actor")
    assert xj.capability.point == 100.0
    assert xj.positions["competitive"].point == 20
    assert xj.salience["competitive"].point == 48.0
    assert unsourced(scenario) == []
    assert scenario.licence and "KAPSARC" in scenario.licence


@pytest.mark.parametrize(
    "name", ["dummyData_6Dim", "dummyData-a160", "SOE-Competitive", "dummyData_3Dim", "SOE-Policy"]
)
def test_every_ktab_file_imports(shared_data: Path, name: str) -> None:
    problem = compile(load(shared_data / "ktab" / f"{name}.csv"))
    assert problem.position.min() >= 0 and problem.position.max() <= 1
    assert problem.salience.min() >= 0 and problem.salience.max() <= 1


def test_actor_csv_emission(shared_data: Path) -> None:
    scenario = load(shared_data / "eum" / "bdm1994_emission_standards.csv")
    issue = scenario.issues[0]
    assert (issue.min, issue.max, issue.unit) == (4.0, 10.0, "years")
    assert scenario.actor("UK").salience["issue"].point == 90
    wide = load(shared_data / "eum" / "bdm1994_emission_standards.csv", scale_min=0, scale_max=20)
    assert (wide.issues[0].min, wide.issues[0].max) == (0.0, 20.0)


def test_actor_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    path.write_text("actor,capability,position,salience\nA,1,4,50\nB,x,6,50\n")
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.problems[0].line == 3
    assert "capability is not a number" in str(caught.value)
    path.write_text("actor,capability,salience\nA,1,50\n")
    with pytest.raises(InputError, match="missing column 'position'"):
        load(path)
    path.write_text("actor,capability,position,salience\nA,1,4,50\nB,1,4,50\n")
    with pytest.raises(InputError, match="--min and --max"):
        load(path)
    path.write_text("actor,capability,position,salience\nA,-1,4,50\nB,1,6,50\n")
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.problems[0].line == 2 and "negative" in str(caught.value)


def test_ktab_count_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(
        "Name,Desc,3,1,\nActor,Description,Power,P Position,P Salience\na,A,1,10,20\nb,B,1,30,40\n"
    )
    with pytest.raises(InputError, match="says 3 actors but the file has 2"):
        load(path)


def test_unrecognised_csv(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("foo,bar\n1,2\n")
    with pytest.raises(InputError, match="unrecognised CSV layout"):
        load(path)


def test_convert_round_trip(tmp_path: Path, shared_data: Path) -> None:
    original = load(shared_data / "ktab" / "dummyData_3Dim.csv")
    target = dump(original, tmp_path / "out.yaml")
    again = load(target)
    assert again == original
    assert np.array_equal(compile(again).position, compile(original).position)
    with pytest.raises(InputError, match="already exists"):
        dump(original, target)
    json_target = dump(original, tmp_path / "out.json")
    assert load(json_target) == original


def test_every_builtin_round_trips_through_yaml(tmp_path: Path) -> None:
    from accord.scenario import builtin_ids

    for scenario_id in builtin_ids():
        original = load(scenario_id)
        assert load(dump(original, tmp_path / f"{scenario_id}.yaml")) == original
