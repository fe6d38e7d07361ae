"""PA-X base rates and precedents: the shipped subset against the raw file, and the maths."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from accord.analysis.precedents import (
    ISSUE_MAPS,
    PROFILES,
    PROVISIONS,
    Agreement,
    Profile,
    agreements,
    citation,
    parse_mapping,
    precedents,
    profile_for,
    wilson,
)
from accord.errors import InputError
from accord.scenario import Scenario, load, parse

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "src" / "accord" / "analysis" / "data" / "pax_v10_subset.csv"

# Counts in PA-X v10 (pax_all_agreements_v10.csv), checked against the raw file below.
COUNTS = {
    "rows": 2257,
    ("Agtp", "Inter"): 94,
    ("Agtp", "InterIntra"): 278,
    ("Stage", "Cea"): 483,
    ("CeProv", "1"): 770,
    ("ImRef", "1"): 18,
    ("DdrDemil", "1"): 345,
    ("ImPK", "1"): 620,
    ("Ele", "3"): 50,
}


def _counts(rows: list[dict[str, str]]) -> dict[object, int]:
    result: dict[object, int] = {"rows": len(rows)}
    for key in COUNTS:
        if isinstance(key, tuple):
            column, value = key
            result[key] = sum(1 for row in rows if row[column] == value)
    return result


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_pax_subset", ROOT / "scripts" / "derive_pax_subset.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_raw_file_counts(pax_raw: Path) -> None:
    raw = pax_raw
    with raw.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert _counts(rows) == COUNTS
    minsk = next(row for row in rows if row["AgtId"] == "1364")
    assert minsk["Dat"] == "2015-02-12" and "Minsk II" in minsk["Agt"]


def test_shipped_subset_has_the_same_counts() -> None:
    with SUBSET.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert _counts(rows) == COUNTS
    shipped = agreements()
    assert len(shipped) == 2257 and len({a.id for a in shipped}) == 2257
    minsk = next(a for a in shipped if a.id == 1364)
    assert minsk.date == "2015-02-12" and minsk.country == "Ukraine"
    assert minsk.has("CeProv") and not minsk.has("ImRef")
    assert sum(a.agreement_type == "Inter" for a in shipped) == 94
    assert all(len(a.parties) <= 300 and len(a.third_parties) <= 200 for a in shipped)


def test_subset_is_derived_reproducibly_from_the_raw_file(pax_raw: Path) -> None:
    raw = pax_raw.read_text(encoding="utf-8-sig")
    assert _script().derive(raw) == SUBSET.read_text(encoding="utf-8")


def test_third_party_flag_follows_its_definition(pax_raw: Path) -> None:
    with pax_raw.open(encoding="utf-8") as stream:
        raw = {row["AgtId"]: row for row in csv.DictReader(stream)}
    for agreement in agreements():
        row = raw[str(agreement.id)]
        expected = bool(row["ThrdPart"].strip()) or row["ImUN"] == "1" or row["ImOth"] == "1"
        assert agreement.third_party == expected


def test_citation_ships_with_the_subset() -> None:
    text = citation()
    assert "doi:10.1177/0022343318819123" in text and "www.peaceagreements.org" in text
    assert "Bell" in text and "Badanjak" in text


def test_wilson_interval_reference_values() -> None:
    # 5 of 10: the textbook 95 % Wilson interval is (0.2366, 0.7634).
    rate = wilson(5, 10)
    assert (rate.low, rate.high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    # 0 of 10: the upper bound is z²/(n + z²).
    zero = wilson(0, 10)
    assert zero.low == 0.0 and zero.high == pytest.approx(1.959964**2 / (10 + 1.959964**2))
    assert wilson(0, 0).share is None and wilson(0, 0).low is None


def test_every_mapped_variable_is_shipped_and_ukraine_is_mapped_in_full() -> None:
    for mapping in ISSUE_MAPS.values():
        for entry in mapping.values():
            assert set(entry.variables) <= set(PROVISIONS)
            assert entry.note
    for profile in PROFILES.values():
        assert set(profile.provisions) <= set(PROVISIONS)
    scenario = load("ukraine-2025")
    assert {issue.id for issue in scenario.issues} == set(ISSUE_MAPS["ukraine-2025"])
    for unmapped in ("nato", "sanctions"):
        entry = ISSUE_MAPS["ukraine-2025"][unmapped]
        assert entry.variables == () and entry.note.startswith("No PA-X counterpart")


def _agreement(id: int, date: str, codes: set[str], **meta: object) -> Agreement:
    fields = {
        "name": f"Agreement {id}", "country": "X", "process": "P", "region": "Europe and Eurasia",
        "agreement_type": "Inter", "stage": "Cea", "parties": "A; B", "third_parties": "",
        "third_party": True,
    }  # fmt: skip
    fields.update(meta)
    return Agreement(
        id=id, date=date, provisions={code: int(code in codes) for code in PROVISIONS},
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


POOL = [
    _agreement(1, "2001-01-01", {"CeProv", "ImPK"}),
    _agreement(2, "2002-01-01", {"CeProv"}, agreement_type="Intra"),
    _agreement(3, "2003-01-01", {"Ele"}, third_party=False),
    _agreement(4, "2004-01-01", {"CeProv", "ImPK", "Ele"}),
    _agreement(5, "2005-01-01", {"CeProv", "ImPK"}),
]


def three_issues() -> Scenario:
    issues = [{"id": name, "name": name, "min": 0, "max": 1} for name in ("line", "vote", "guard")]
    actor = {"id": "a", "name": "A", "capability": 1,
             "positions": {name: 0 for name in ("line", "vote", "guard")},
             "salience": {name: 1 for name in ("line", "vote", "guard")}}  # fmt: skip
    return parse({"id": "three", "title": "Three", "issues": issues, "actors": [actor]}, "t")


def test_base_rates_and_similarity_by_hand() -> None:
    scenario = three_issues()
    profile = Profile(agreement_types=("Inter",), third_party=True)
    mapping = parse_mapping(["line=CeProv", "vote=Ele", "guard=ImPK+Ele"], scenario)
    result = precedents(scenario, profile=profile, mapping=mapping, top=3, data=POOL)
    assert result.comparable_count == 3 and result.total_count == 5  # ids 1, 4, 5
    rates = {item.issue: item for item in result.issues}
    assert rates["line"].comparable["CeProv"].count == 3
    assert rates["vote"].comparable["Ele"].count == 1
    assert rates["vote"].overall["Ele"].count == 2
    assert rates["guard"].any_comparable is not None
    assert rates["guard"].any_comparable.count == 3  # ImPK or Ele
    # On the table: the mapped CeProv, Ele, ImPK (the profile adds none).
    assert set(result.table) == {"CeProv", "Ele", "ImPK"}
    assert len(PROVISIONS) == 36  # as documented in docs/precedents.md
    # Agreement 4 has exactly those provisions and matches both context fields: similarity 1.
    first = result.nearest[0]
    assert first.agreement.id == 4 and first.similarity == pytest.approx(1.0)
    # 5 and 1 tie (2 of 3 provisions, full context): the more recent first.
    assert [p.agreement.id for p in result.nearest[1:]] == [5, 1]
    assert result.nearest[1].similarity == pytest.approx(0.7 * 2 / 3 + 0.3)
    assert result.nearest[1].missing == ("Ele",)


def test_ukraine_precedents_from_the_shipped_subset() -> None:
    result = precedents(load("ukraine-2025"))
    assert result.comparable_count == 87 and result.total_count == 2257
    assert len(result.nearest) == 10
    assert "ImRef" in result.table and "TjAmPro" in result.table
    data = json.loads(json.dumps(result.to_json()))
    top = data["nearest"][0]
    assert {"id", "name", "date", "parties", "similarity"} <= set(top)
    assert data["filters"]["agreement_types"] == ["Inter", "InterIntra"]
    guarantees = next(item for item in data["issues"] if item["issue"] == "guarantees")
    assert guarantees["any"]["total"] == 87
    nato = next(item for item in data["issues"] if item["issue"] == "nato")
    assert nato["variables"] == [] and nato["any"] is None
    similarities = [item["similarity"] for item in data["nearest"]]
    assert similarities == sorted(similarities, reverse=True)


def test_unmapped_scenarios_say_so() -> None:
    """With no issue mapped, no agreement can be compared: a one-line error asks for --map."""
    with pytest.raises(InputError, match="has no PA-X mapping") as caught:
        precedents(load("emission-1994"), top=2)
    assert "--map delay=" in str(caught.value)
    scenario = load("emission-1994")
    mapped = precedents(scenario, mapping=parse_mapping(["delay=EpsRes"], scenario), top=2)
    assert mapped.table == ("EpsRes",) and len(mapped.nearest) == 2


def test_filters_accept_words_and_reject_unknown_values() -> None:
    scenario = load("emission-1994")
    profile = profile_for(scenario, agreement_types=["interstate", "Intra"], stages=["ceasefire"])
    assert profile.agreement_types == ("Inter", "Intra") and profile.stages == ("Cea",)
    counts = Counter(
        a.agreement_type for a in agreements() if a.agreement_type in ("Inter", "Intra")
    )
    result = precedents(
        scenario,
        profile=Profile(agreement_types=("Inter", "Intra")),
        mapping=parse_mapping(["delay=EpsRes"], scenario),
        top=0,
    )
    assert result.comparable_count == counts["Inter"] + counts["Intra"]
    with pytest.raises(InputError, match="unknown type 'galactic'"):
        profile_for(scenario, agreement_types=["galactic"])
    with pytest.raises(InputError, match="unknown region"):
        profile_for(scenario, regions=["Atlantis"])


def test_bad_mappings_are_bad_input() -> None:
    scenario = load("ukraine-2025")
    with pytest.raises(InputError, match="unknown PA-X variable 'Nope'"):
        parse_mapping(["nato=Nope"], scenario)
    with pytest.raises(InputError, match="bad --map"):
        parse_mapping(["unknown=Ele"], scenario)
    assert parse_mapping(["nato="], scenario)["nato"].variables == ()
