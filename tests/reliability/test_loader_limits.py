"""The loader's bounds, one test per way in: aliases, nesting, numbers, tags, keys, CSV."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from accord.errors import InputError
from accord.scenario.importers import import_actor_csv, import_csv
from accord.scenario.load import load, load_text, parse_json, parse_yaml

loading = importlib.import_module("accord.scenario.load")

MINIMAL = """\
schema_version: 1
id: tiny
title: Tiny
issues:
  - {id: share, name: Share, min: 0, max: 100}
actors:
  - {id: a, name: A, capability: 10, positions: {share: 20}, salience: {share: 50}}
  - {id: b, name: B, capability: 30, positions: {share: 80}, salience: {share: 70}}
"""


def error_of(text: str, suffix: str = ".yaml") -> str:
    with pytest.raises(InputError) as caught:
        load_text(text, f"case{suffix}", suffix)
    rendered = str(caught.value)
    assert len(rendered.splitlines()) <= 2  # the problem, and a count of any others
    return rendered.splitlines()[0]


def test_a_plain_scenario_still_loads() -> None:
    assert load_text(MINIMAL, "tiny.yaml", ".yaml").id == "tiny"
    data = json.dumps(parse_yaml(MINIMAL, "tiny.yaml")[0])
    assert load_text(data, "tiny.json", ".json").id == "tiny"


def test_anchors_and_aliases_within_bounds_still_work() -> None:
    text = MINIMAL.replace("salience: {share: 50}", "salience: &s {share: 50}").replace(
        "salience: {share: 70}", "salience: *s"
    )
    scenario = load_text(text, "tiny.yaml", ".yaml")
    assert scenario.actors[1].salience["share"].point == 50


def test_too_many_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "MAX_ALIASES", 3)
    text = "a: &x 1\nb: [*x, *x, *x, *x]\n"
    assert "more than 3 aliases" in error_of(text)


def test_an_alias_inside_itself() -> None:
    assert "refers to a value that contains it" in error_of("a: &x [1, *x]\n")


def test_nesting_through_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "MAX_DEPTH", 4)
    text = "a: &x [[1]]\nb: [[*x]]\n"
    assert "levels deep once aliases are expanded" in error_of(text)


def test_block_nesting_is_bounded_while_composing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "MAX_DEPTH", 3)
    text = "a:\n  b:\n    c:\n      d:\n        e: 1\n"
    assert "nested more than 3 levels deep" in error_of(text)


def test_deep_json_and_yaml_are_refused_before_parsing() -> None:
    assert "nested more than 64" in error_of("[" * 100_000, ".json")
    assert "nested more than 64" in error_of("a: " + "[" * 100_000, ".yaml")


def test_closing_brackets_first_do_not_hide_depth() -> None:
    assert "nested more than 64" in error_of("# " + "]" * 1000 + "\na: " + "[" * 70)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!float\n", "cannot read '' as float"),
        ("a: !!int abc\n", "cannot read 'abc' as int"),
        ("a: " + "9" * 200 + "\n", "a number of 200 characters"),
        ("a: 1." + "5" * 200 + "\n", "a number of 202 characters"),
    ],
)
def test_scalars_that_cannot_be_built(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_unhashable_key_is_a_clean_error() -> None:
    assert "YAML error" in error_of("? [a, b]\n: 1\n")


def test_duplicate_keys_name_both_lines() -> None:
    message = error_of("id: x\ntitle: y\nid: z\n")
    assert "case.yaml:3:1" in message and "duplicate key 'id' (first on line 1)" in message


def test_duplicate_keys_in_json_name_both_lines() -> None:
    message = error_of('{"id": "x",\n "id": "y"}', ".json")
    assert "duplicate key 'id' (first on line 1)" in message


def test_duplicate_keys_in_json_that_yaml_cannot_read() -> None:
    # Tabs before a key are fine in JSON but not in YAML: no line numbers, still refused.
    message = error_of('{"id": "x",\n\t"id": "y"}', ".json")
    assert "duplicate key" in message


def test_json_huge_integer() -> None:
    assert "a number of 5,000 characters" in error_of('{"a": ' + "7" * 5000 + "}", ".json")


def test_json_top_level_null_is_not_a_duplicate() -> None:
    assert "top level is a NoneType" in error_of("null", ".json")


def test_json_that_yaml_cannot_read_still_loads() -> None:
    data, marks = parse_json('{"a":\t1}', "x.json")
    assert data == {"a": 1}
    assert marks == {} or isinstance(marks, dict)


def test_merge_keys_are_not_duplicates() -> None:
    data, _ = parse_yaml("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n", "m.yaml")
    assert data["item"] == {"x": 1, "y": 2}


def test_cr_only_and_bad_csv() -> None:
    text = "actor,capability,position,salience\rA,10,4,80\rB,20,7,40\r"
    assert len(import_csv(text, "cr.csv").actors) == 2
    assert len(import_actor_csv(text, "cr.csv").actors) == 2
    message = error_of('actor,capability,position,salience\n"A,10,4,80\n' + "x" * 200_000, ".csv")
    assert "CSV error" in message


def test_oversized_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL)
    monkeypatch.setattr(loading, "MAX_BYTES", 10)
    with pytest.raises(InputError, match="over the 10 MB limit"):
        load(path)
    with pytest.raises(InputError, match="over the 10 MB limit"):
        loading.decode(b"x" * 11, "big.yaml")


def test_unsupported_suffix() -> None:
    assert "unsupported file type '.txt'" in error_of(MINIMAL, ".txt")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("min: 0, max: 100", "min: -1e300, max: 1e300", "reaches beyond"),
        ("min: 0, max: 100", "min: 1e11, max: 100000000000.00001", "too narrow"),
        ("capability: 10,", "capability: 0,", None),
        ("salience: {share: 70}", "salience: {share: 0}", None),
    ],
)
def test_degenerate_numbers(old: str, new: str, expected: str | None) -> None:
    text = MINIMAL.replace(old, new)
    if expected is None:
        assert load_text(text, "x.yaml", ".yaml")
    else:
        assert expected in error_of(text)


def test_no_weight_on_an_issue() -> None:
    text = MINIMAL.replace("capability: 30", "capability: 0").replace(
        "salience: {share: 50}", "salience: {share: 0}"
    )
    assert "no actor has both positive capability and salience" in error_of(text)


def test_salience_scale_bounds() -> None:
    text = MINIMAL.replace("title: Tiny\n", "title: Tiny\nsalience_scale: {min: 0, max: 1e20}\n")
    assert "salience_scale" in error_of(text)


def test_characters_yaml_refuses_anywhere() -> None:
    assert "YAML syntax error" in error_of("\x00id: x\n")


def test_messages_stay_on_one_line() -> None:
    message = error_of("!!binary schema_version: 1\n")
    assert "cannot read 'schema_version' as binary" in message
    assert InputError.single("f", "two\nlines").render() == "f: two lines"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!timestamp abc\n", "cannot read 'abc' as timestamp"),
        ("a: !!bool maybe\n", "cannot read 'maybe' as bool"),
        ("a: !!omap 5\n", "YAML error: expected a sequence"),
        ("<<: 5\n", "YAML error: expected a mapping or list of mappings"),
    ],
)
def test_tags_and_merges_that_cannot_be_built(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_huge_capabilities_are_refused() -> None:
    text = MINIMAL.replace("capability: 10,", "capability: 1.0e+300,")
    assert "capability is over 1e+12" in error_of(text)
    text = (
        MINIMAL + "updates:\n  - {date: 2026-01-01, event: x, changes: {a.capability: 1.0e+300}}\n"
    )
    assert "capability is over 1e+12" in error_of(text)
