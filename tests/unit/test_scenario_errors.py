"""One test per kind of bad input: each names the file, the field, the line and a fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.scenario import load

VALID = textwrap.dedent(
    """\
    schema_version: 1
    id: mini
    title: Minimal
    as_of: 2025-12-02
    sources:
      - {id: s1, title: A source, date: 2025-11-20}
    issues:
      - id: land
        name: Land
        unit: "%"
        min: 0
        max: 100
        anchors:
          - {value: 0, label: nothing}
          - {value: 100, label: everything}
    actors:
      - id: a
        name: A
        capability: {value: 10, source: [s1]}
        positions: {land: {value: 20, source: [s1]}}
        salience: {land: [40, 60]}
      - id: b
        name: B
        capability: 5
        positions: {land: 80}
        salience: {land: 50}
    updates:
      - date: 2025-12-01
        event: B softens
        sources: [s1]
        changes: {b.position.land: 70}
    """
)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str, name: str = "scenario.yaml") -> InputError:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as caught:
        load(path)
    return caught.value


def test_valid_file_loads(tmp_path: Path) -> None:
    scenario = load(write(tmp_path, VALID))
    assert [actor.id for actor in scenario.actors] == ["a", "b"]


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "words"),
    [
        (
            "positions: {land: 80}",
            "positions: {land: 80, sea: 3}",
            "actors[1].positions.sea",
            25,
            "unknown issue id 'sea'",
        ),
        ("  - id: b\n", "  - id: a\n", "actors[1].id", 22, "duplicate id 'a'"),
        (
            "positions: {land: 80}",
            "positions: {land: 120}",
            "actors[1].positions.land",
            25,
            "outside the scale [0, 100]",
        ),
        (
            "salience: {land: 50}",
            "salience: {land: 150}",
            "actors[1].salience.land",
            26,
            "salience 150 is outside the scale [0, 100]",
        ),
        ("capability: 5", "capability: -5", "actors[1].capability", 24, "must not be negative"),
        ("capability: 5", "capability: .nan", "actors[1].capability", 24, "finite"),
        (
            "positions: {land: 80}",
            "positions: {}",
            "actors[1].positions",
            25,
            "has no position on issue land",
        ),
        (
            "salience: {land: [40, 60]}",
            "salience: {land: [60, 40]}",
            "actors[0].salience.land",
            21,
            "low 60.0 > high 40.0",
        ),
        ("as_of: 2025-12-02", "as_of: 2025-13-02", "as_of", 4, "YYYY-MM-DD"),
        (
            "{b.position.land: 70}",
            "{b.posture.land: 70}",
            "updates[0].changes.b.posture.land",
            31,
            "unknown field 'posture'",
        ),
        (
            "{b.position.land: 70}",
            "{z.position.land: 70}",
            "updates[0].changes.z.position.land",
            31,
            "unknown actor id 'z'",
        ),
        ("sources: [s1]\n", "sources: [s9]\n", "updates[0].sources", 30, "unknown source id 's9'"),
        (
            "capability: {value: 10, source: [s1]}",
            "capability: {value: 10, source: [s7]}",
            "actors[0].capability.source",
            19,
            "unknown source id 's7'",
        ),
        ("title: Minimal", "title: Minimal\ncolour: blue", "colour", 4, "unknown field"),
    ],
)
def test_bad_values(tmp_path: Path, old: str, new: str, field: str, line: int, words: str) -> None:
    assert old in VALID
    error = error_for(tmp_path, VALID.replace(old, new, 1))
    message, *rest = str(error).splitlines()
    assert len(rest) <= 1
    assert "scenario.yaml" in message
    assert field in message
    assert words in message
    assert "Fix:" in message
    assert error.problems[0].line == line


def test_empty_actor_list(tmp_path: Path) -> None:
    text = VALID[: VALID.index("actors:")] + "actors: []\n"
    message = str(error_for(tmp_path, text))
    assert "actors must not be empty" in message and "Fix:" in message


def test_empty_issue_list(tmp_path: Path) -> None:
    start, end = VALID.index("issues:"), VALID.index("actors:")
    message = str(error_for(tmp_path, VALID[:start] + "issues: []\n" + VALID[end:]))
    assert "issues must not be empty" in message


def test_missing_required_field(tmp_path: Path) -> None:
    message = str(error_for(tmp_path, VALID.replace("title: Minimal\n", "")))
    assert "missing required field 'title'" in message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace("name: Land", "name: [Land"))
    assert "YAML syntax error" in str(error)
    assert error.problems[0].line is not None


def test_json_syntax_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, '{"id": "x",\n "title": }', "scenario.json")
    assert "JSON syntax error" in str(error) and ":2:" in str(error)


def test_json_scenario_with_line_numbers(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(VALID)
    data["actors"][1]["positions"]["land"] = 500
    error = error_for(tmp_path, json.dumps(data, default=str, indent=1), "scenario.json")
    assert "actors[1].positions.land" in str(error)
    assert error.problems[0].line is not None


def test_not_yaml_json_or_csv(tmp_path: Path) -> None:
    message = str(error_for(tmp_path, "hello", "scenario.txt"))
    assert "unsupported file type '.txt'" in message and "YAML" in message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        load(path)


def test_file_over_ten_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(10 * 1024 * 1024 + 1)
    with pytest.raises(InputError, match="over the 10 MB limit"):
        load(path)


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    assert "not a mapping" in str(error_for(tmp_path, "- 1\n- 2\n"))


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in str(error_for(tmp_path, ""))


def test_missing_file_lists_builtins() -> None:
    with pytest.raises(InputError, match="emission-1994"):
        load("no-such-scenario")


def test_all_problems_are_collected(tmp_path: Path) -> None:
    text = VALID.replace("positions: {land: 80}", "positions: {land: 120}").replace(
        "capability: 5", "capability: -5"
    )
    error = error_for(tmp_path, text)
    assert len(error.problems) == 2
    assert "1 more problem" in str(error)


def test_update_before_base_date(tmp_path: Path) -> None:
    text = VALID.replace("as_of: 2025-12-02", "as_of: 2025-12-02\nbase_date: 2025-12-01").replace(
        "  - date: 2025-12-01", "  - date: 2025-11-30"
    )
    assert "before the scenario's base_date" in str(error_for(tmp_path, text))


def test_update_value_outside_scale(tmp_path: Path) -> None:
    message = str(error_for(tmp_path, VALID.replace("b.position.land: 70", "b.position.land: 170")))
    assert "updates[0].changes.b.position.land" in message and "outside the scale" in message


@pytest.mark.parametrize(
    ("block", "field", "line"),
    [
        (
            "events:\n  - id: e1\n    question: signed\n    kind: deal_signed\n"
            "    by: 2026-06-30\n    sources: [s2]\n",
            "events[0].sources",
            37,
        ),
        ("no_deal:\n  source: [s2]\n", "no_deal.source", 33),
    ],
)
def test_unknown_sources_outside_numbers(tmp_path: Path, block: str, field: str, line: int) -> None:
    error = error_for(tmp_path, VALID + block)
    message, *_ = str(error).splitlines()
    assert "scenario.yaml" in message and field in message
    assert "unknown source id 's2'" in message
    assert "Fix: use one of: s1, or add it to the scenario's sources" in message
    assert error.problems[0].line == line


def test_unknown_source_in_a_condition(tmp_path: Path) -> None:
    text = VALID.replace(
        "salience: {land: [40, 60]}\n",
        "salience: {land: [40, 60]}\n    requires: [{issue: land, at_least: 10, source: [S1]}]\n",
        1,
    )
    error = error_for(tmp_path, text)
    message = str(error).splitlines()[0]
    assert "actors[0].requires[0].source" in message and "unknown source id 'S1'" in message
    assert "did you mean s1?" in message
    assert error.problems[0].line == 22


def test_a_long_source_list_is_summarised(tmp_path: Path) -> None:
    many = "".join(f"  - {{id: s{n}, title: Source {n}}}\n" for n in range(2, 30))
    text = VALID.replace("sources:\n", "sources:\n" + many, 1).replace(
        "sources: [s1]\n", "sources: [x7]\n"
    )
    message = str(error_for(tmp_path, text)).splitlines()[0]
    assert "unknown source id 'x7'" in message
    assert "use one of its 29 ids (s1 ... s9)" in message


def test_close_ids_are_guessed_for_a_few_short_unknown_ids_only(tmp_path: Path) -> None:
    cited = ["S1", "s1" * 40, *(f"x{n}" for n in range(25)), "S1"]
    text = VALID.replace("sources: [s1]\n", f"sources: [{', '.join(cited)}]\n")
    hints = [problem.hint or "" for problem in error_for(tmp_path, text).problems]
    assert len(hints) == len(cited)
    assert hints[0].startswith("did you mean s1? use one of: s1")
    assert not any("did you mean" in hint for hint in hints[1:])
    no_sources = VALID.replace("sources:\n  - {id: s1, title: A source, date: 2025-11-20}\n", "")
    assert "sources: []" not in no_sources and "- {id: s1" not in no_sources
    hint = error_for(tmp_path, no_sources).problems[0].hint
    assert hint == "add it to the scenario's sources"
