"""Base rates and nearest precedents from the PA-X peace agreements database.

For the provisions on the table in a scenario, this module says how often comparable peace
agreements contained them (the *base rate*) and which agreements come closest to the deal
being negotiated (the *nearest precedents*), each with its PA-X id, name, date and parties.

Data. accord ships a derived subset of PA-X v10 (all 2,257 agreements, their metadata and the
provision variables listed in :data:`PROVISIONS`), made from the raw file by
``scripts/derive_pax_subset.py``; see ``data/PAX-CITATION.txt``. PA-X records what agreements
contain, not how they fared, so no durability figures are given; the UCDP ids kept in the
subset allow a join with UCDP's termination data.

Mapping. Each issue of a scenario is mapped to PA-X provision variables in
:data:`ISSUE_MAPS` (documented in docs/precedents.md); an issue with no counterpart carries a
message saying why. A scenario may also put provisions on the table that are not issues of its
own (:attr:`Profile.provisions`, e.g. the amnesty in the 28-point plan).

Comparable agreements are those matching the profile's filters: agreement/conflict type
(``Agtp``: interstate, interstate-about-intrastate, intrastate, local), stage, region and
third-party involvement (a named third party, UN or other international signatory).

Base rates are shares of comparable agreements with a provision coded above 0, with Wilson
(1927) score intervals. Nearest precedents rank all agreements by

    similarity = w · J(T, A) + (1 − w) · m,

where J is the Jaccard index between the provisions on the table T and the agreement's
provisions A (both restricted to the shipped provision variables), m the share of the
profile's context fields (type, stage, region, third party) the agreement matches, and
w = :data:`PROVISION_WEIGHT`. Ties go to the more recent agreement.

References
----------
Bell, C. & Badanjak, S. (2019). Introducing PA-X: A new peace agreement database and dataset.
*Journal of Peace Research* 56(3):452-466, doi:10.1177/0022343318819123.
PA-X Peace Agreements Database and Dataset, Version 10. www.peaceagreements.org (codebook:
peaceagreements.org/cms/documents/3956/PA_X_codebook_v10.pdf).
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158):209-212.
Jaccard, P. (1912). The distribution of the flora in the alpine zone. *New Phytologist*
11(2):37-50.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from accord.errors import InputError
from accord.frames import Tabular
from accord.scenario.schema import Scenario

DATA_PACKAGE = "accord.analysis.data"
SUBSET_FILE = "pax_v10_subset.csv"
CITATION_FILE = "PAX-CITATION.txt"
CITATION = (
    "Bell, C. & Badanjak, S. (2019) Introducing PA-X: A new peace agreement database and "
    "dataset, Journal of Peace Research 56(3):452-466, doi:10.1177/0022343318819123; "
    "PA-X Peace Agreements Database and Dataset, Version 10, www.peaceagreements.org."
)
PROVISION_WEIGHT = 0.7
"""Weight of provision overlap (vs context match) in the similarity of precedents."""


@dataclass(frozen=True)
class Provision:
    """A PA-X provision variable: its code (CSV column), label and codebook meaning."""

    code: str
    label: str
    theme: str
    meaning: str


# fmt: off
_CATALOG = (
    # code, label, theme, meaning (PA-X codebook v10)
    ("Ce", "Ceasefire", "ceasefire", "any ceasefire provision (0-3 by detail)"),
    ("CeProv", "Ceasefire provision", "ceasefire",
     "substantive ceasefire terms: prohibited acts, start dates, mechanisms"),
    ("CeGen", "Ceasefire: general commitments", "ceasefire",
     "general references to ending hostilities; ceasefires as a future matter"),
    ("ImPK", "International mission/force", "third party",
     "international teams deployed to monitor or keep the peace"),
    ("ImE", "Enforcement mechanism", "third party",
     "review or dispute bodies meant to save a failing agreement"),
    ("ImUN", "UN signatory", "third party", "the UN signed the agreement"),
    ("ImOth", "Other international signatory", "third party",
     "another international actor signed the agreement"),
    ("SsrGua", "Security guarantees", "security",
     "security provisions not captured by the other security-sector codes"),
    ("SsrArm", "Armed forces", "security",
     "structure, size, conduct or reform of the armed forces"),
    ("SsrFf", "Withdrawal of foreign forces", "security",
     "removal of foreign forces, or steps preparing it"),
    ("SsrPol", "Police", "security", "policing and police reform"),
    ("DdrDemil", "Demilitarisation", "security",
     "demilitarisation short of a DDR programme (e.g. demilitarised zones, weapons removal)"),
    ("DdrProg", "DDR programme", "security",
     "disarmament, demobilisation and reintegration programmes"),
    ("StBor", "Border delimitation", "territory", "external border delimitation between states"),
    ("StRef", "Referendum on the state", "territory",
     "a referendum on the nature, territory or jurisdiction of the state"),
    ("StInd", "Independence/secession", "territory",
     "independence or secession changing the state's identity"),
    ("StUni", "Accession/unification", "territory",
     "accession to or unification with another state"),
    ("StGen", "Nature of the state", "territory",
     "territorial sovereignty and inviolability, the state's founding principles"),
    ("StXbor", "Cross-border provision", "territory",
     "a neighbouring state's involvement in governance; kin-group links"),
    ("Terps", "Territorial power sharing", "territory",
     "federal, local or autonomous arrangements (0-3 by detail)"),
    ("TpsAut", "Autonomy", "territory", "autonomous regions"),
    ("ImRef", "Referendum on the agreement", "implementation",
     "the agreement itself is put to a referendum"),
    ("Ele", "Elections", "governance", "holding general elections (0-3 by detail)"),
    ("ElecComm", "Electoral commission", "governance",
     "an electoral commission's functioning, funding or powers"),
    ("TjAm", "Amnesty/pardon", "transitional justice", "any amnesty provision (0-3 by detail)"),
    ("TjAmPro", "Amnesty/pardon proper", "transitional justice",
     "amnesties or pardons suspending prosecution for conflict-related acts"),
    ("TjSan", "Relief of other sanctions", "transitional justice",
     "lifting non-criminal sanctions on persons (e.g. blacklisting)"),
    ("TjPrire", "Prisoner release", "transitional justice",
     "release or exchange of conflict-related prisoners (0-3 by detail)"),
    ("TjMis", "Missing persons", "transitional justice",
     "identifying the missing and disappeared"),
    ("TjRMa", "Material reparations", "transitional justice",
     "compensation and material reparations"),
    ("IntFu", "International funds", "economy",
     "international funding for the settlement or reconstruction"),
    ("DevInfra", "Infrastructure and reconstruction", "economy", "rebuilding infrastructure"),
    ("EpsRes", "Sharing of resources", "economy",
     "economic power sharing: sharing resources between the sides"),
    ("NatRes", "Natural resources", "economy", "natural resources"),
    ("GRef", "Refugees/displaced persons", "groups",
     "refugees or displaced persons (0-3 by detail)"),
    ("HrGen", "Human rights/rule of law", "rights",
     "general references to human rights or the rule of law"),
)
# fmt: on
PROVISIONS: dict[str, Provision] = {row[0]: Provision(*row) for row in _CATALOG}
"""The PA-X provision variables shipped in the subset (codebook v10 labels)."""

META_COLUMNS = (
    "AgtId",
    "Agt",
    "Dat",
    "Con",
    "Contp",
    "PP",
    "PPName",
    "Reg",
    "Agtp",
    "Stage",
    "StageSub",
    "Status",
    "Part",
    "ThrdPart",
    "UcdpCon",
    "UcdpAgr",
)
"""PA-X metadata columns shipped in the subset (``Part``/``ThrdPart`` shortened)."""

AGREEMENT_TYPES = {
    "Inter": "interstate",
    "InterIntra": "interstate, about intrastate conflict",
    "Intra": "intrastate",
    "IntraLocal": "intrastate, local",
}
STAGES = {
    "Pre": "pre-negotiation",
    "Cea": "ceasefire",
    "SubPar": "framework/substantive, partial",
    "SubComp": "framework/substantive, comprehensive",
    "Imp": "implementation",
    "Ren": "renewal",
    "Oth": "other",
}
REGIONS = (
    "Africa (excl MENA)",
    "Americas",
    "Asia and Pacific",
    "Cross-regional",
    "Europe and Eurasia",
    "Middle East and North Africa",
)


@dataclass(frozen=True)
class IssueMap:
    """The PA-X variables an issue maps to, or (no variables) why it has none."""

    variables: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Profile:
    """Which agreements count as comparable, and provisions on the table beyond the issues.

    ``None`` (or empty) means no filter on that field.
    """

    agreement_types: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    third_party: bool | None = None
    provisions: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def describe(self) -> str:
        """The filters in words."""
        parts = []
        if self.agreement_types:
            parts.append("type " + " or ".join(AGREEMENT_TYPES[t] for t in self.agreement_types))
        if self.stages:
            parts.append("stage " + " or ".join(STAGES[s] for s in self.stages))
        if self.regions:
            parts.append("region " + " or ".join(self.regions))
        if self.third_party is not None:
            parts.append("with a third party" if self.third_party else "without a third party")
        return "; ".join(parts) or "all agreements"


ISSUE_MAPS: dict[str, dict[str, IssueMap]] = {
    "ukraine-2025": {
        "donbas": IssueMap(
            ("DdrDemil", "StBor", "StRef"),
            "Withdrawal into a demilitarised zone (DdrDemil) and the zone's territorial status "
            "(StBor); Kyiv ties any territorial change to a referendum (StRef).",
        ),
        "southern_line": IssueMap(
            ("CeProv", "StBor"),
            "Freezing the front line is a ceasefire-line term (CeProv); handing over the "
            "oblasts would redraw the border (StBor).",
        ),
        "recognition": IssueMap(
            ("StBor", "StUni"),
            "Recognising annexed regions is recognising a new border (StBor) and the regions' "
            "accession to Russia (StUni).",
        ),
        "nato": IssueMap(
            (),
            "No PA-X counterpart: PA-X has no variable for alliance membership or neutrality "
            "(SsrGua is a residual security code, too broad to stand for it).",
        ),
        "army_cap": IssueMap(
            ("SsrArm",),
            "A cap on the army is a provision on the size and structure of armed forces (SsrArm).",
        ),
        "guarantees": IssueMap(
            ("SsrGua", "ImOth"),
            "Security guarantees (SsrGua) and guarantor states signing the deal (ImOth).",
        ),
        "foreign_forces": IssueMap(
            ("ImPK",),
            "A foreign force or ceasefire monitors on the ground is an international mission "
            "or force (ImPK).",
        ),
        "eu_accession": IssueMap(
            (),
            "No PA-X counterpart: PA-X has no variable for joining a regional organisation.",
        ),
        "sequencing": IssueMap(
            ("CeProv",),
            "Whether the ceasefire comes before the settlement is a ceasefire provision (CeProv).",
        ),
        "sanctions": IssueMap(
            (),
            "No PA-X counterpart: PA-X codes the relief of sanctions on persons (TjSan, under "
            "amnesty), not economic sanctions between states.",
        ),
        "assets": IssueMap(
            ("TjRMa", "IntFu"),
            "Using the assets for Ukraine is compensation (TjRMa) and an internationally "
            "funded reconstruction fund (IntFu); PA-X has no code for frozen state assets.",
        ),
        "znpp": IssueMap(
            ("EpsRes",),
            "Sharing the plant's output and control between the sides is resource sharing "
            "(EpsRes); IAEA supervision would count as an international mission (ImPK).",
        ),
        "elections": IssueMap(("Ele",), "A commitment to hold elections (Ele)."),
    },
}
"""Scenario id -> issue id -> PA-X variables (the documented mapping table)."""

PROFILES: dict[str, Profile] = {
    "ukraine-2025": Profile(
        agreement_types=("Inter", "InterIntra"),
        stages=("Cea", "SubPar", "SubComp"),
        third_party=True,
        provisions={
            "CeProv": "a ceasefire along the contact line is the first step of every draft",
            "TjAmPro": "the 28-point draft grants all sides a full amnesty (sources S3, S14)",
            "ImRef": "Zelensky ties the plan to a referendum (update of 2025-12-26)",
        },
        note="A US-brokered framework with ceasefire terms between two states.",
    ),
}
"""Default comparables and extra provisions for built-in scenarios."""


@dataclass(frozen=True)
class Agreement:
    """One PA-X agreement as shipped in the subset."""

    id: int
    name: str
    date: str
    country: str
    process: str
    region: str
    agreement_type: str
    stage: str
    parties: str
    third_parties: str
    third_party: bool
    provisions: dict[str, int]

    def has(self, code: str) -> bool:
        """Whether the agreement contains the provision (coded above 0)."""
        return self.provisions.get(code, 0) > 0


@functools.cache
def agreements() -> tuple[Agreement, ...]:
    """The shipped PA-X subset (read once)."""
    text = resources.files(DATA_PACKAGE).joinpath(SUBSET_FILE).read_text(encoding="utf-8")
    return tuple(_agreement(row) for row in csv.DictReader(io.StringIO(text)))


def _agreement(row: Mapping[str, str]) -> Agreement:
    return Agreement(
        id=int(row["AgtId"]),
        name=row["Agt"],
        date=row["Dat"],
        country=row["Con"],
        process=row["PPName"],
        region=row["Reg"],
        agreement_type=row["Agtp"],
        stage=row["Stage"],
        parties=row["Part"],
        third_parties=row["ThrdPart"],
        third_party=row["ThirdParty"] == "1",
        provisions={code: int(row[code]) for code in PROVISIONS},
    )


def citation() -> str:
    """The citation file shipped with the subset."""
    return resources.files(DATA_PACKAGE).joinpath(CITATION_FILE).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Rate:
    """A base rate: ``count`` of ``total`` agreements, with a 95 % Wilson interval."""

    count: int
    total: int
    low: float | None
    high: float | None

    @property
    def share(self) -> float | None:
        """``count / total`` (None when there are no agreements)."""
        return self.count / self.total if self.total else None


def wilson(count: int, total: int, z: float = 1.959963984540054) -> Rate:
    """Share ``count/total`` with its Wilson score interval (Wilson 1927).

    The interval is (p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
    """
    if total == 0:
        return Rate(count, total, None, None)
    share = count / total
    denominator = 1 + z**2 / total
    centre = (share + z**2 / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z**2 / (4 * total**2)) / denominator
    return Rate(count, total, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class IssueBaseRate:
    """Base rates of one issue's PA-X variables among comparable and all agreements."""

    issue: str
    name: str
    variables: tuple[str, ...]
    note: str
    comparable: dict[str, Rate]
    overall: dict[str, Rate]
    any_comparable: Rate | None
    any_overall: Rate | None


@dataclass(frozen=True)
class Precedent:
    """One of the nearest agreements."""

    agreement: Agreement
    similarity: float
    overlap: float
    context: float
    shared: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, repr=False)
class Precedents(Tabular):
    """The result of :func:`precedents`."""

    scenario: Scenario
    profile: Profile
    table: tuple[str, ...]
    issues: tuple[IssueBaseRate, ...]
    extra: dict[str, tuple[str, Rate, Rate]]
    comparable_count: int
    total_count: int
    nearest: tuple[Precedent, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready panel data: filters, mapping, base rates, precedents and citation.

        Layout::

            {"scenario", "citation", "filters": {"description", "agreement_types", "stages",
             "regions", "third_party"}, "comparable": int, "total": int,
             "on_the_table": [CODE, ...], "provisions": {CODE: {"label", "meaning"}},
             "issues": [{"issue", "name", "variables", "note", "any": RATE|null,
                         "any_overall": RATE|null, "rates": {CODE: RATE},
                         "overall": {CODE: RATE}}],
             "extra": [{"variable", "reason", "rate": RATE, "overall": RATE}],
             "nearest": [{"id", "name", "date", "country", "process", "type", "stage",
                          "parties", "third_parties", "similarity", "overlap", "context",
                          "shared", "missing"}]}

        where RATE is ``{"count", "total", "share", "low", "high"}``.
        """
        return {
            "scenario": self.scenario.id,
            "citation": CITATION,
            "filters": {
                "description": self.profile.describe(),
                "agreement_types": list(self.profile.agreement_types),
                "stages": list(self.profile.stages),
                "regions": list(self.profile.regions),
                "third_party": self.profile.third_party,
            },
            "comparable": self.comparable_count,
            "total": self.total_count,
            "on_the_table": list(self.table),
            "provisions": {
                code: {"label": PROVISIONS[code].label, "meaning": PROVISIONS[code].meaning}
                for code in self.table
            },
            "issues": [
                {
                    "issue": item.issue,
                    "name": item.name,
                    "variables": list(item.variables),
                    "note": item.note,
                    "any": _rate_json(item.any_comparable),
                    "any_overall": _rate_json(item.any_overall),
                    "rates": {code: _rate_json(rate) for code, rate in item.comparable.items()},
                    "overall": {code: _rate_json(rate) for code, rate in item.overall.items()},
                }
                for item in self.issues
            ],
            "extra": [
                {
                    "variable": code,
                    "reason": reason,
                    "rate": _rate_json(rate),
                    "overall": _rate_json(overall),
                }
                for code, (reason, rate, overall) in self.extra.items()
            ],
            "nearest": [
                {
                    "id": item.agreement.id,
                    "name": item.agreement.name,
                    "date": item.agreement.date,
                    "country": item.agreement.country,
                    "process": item.agreement.process,
                    "type": item.agreement.agreement_type,
                    "stage": item.agreement.stage,
                    "parties": item.agreement.parties,
                    "third_parties": item.agreement.third_parties,
                    "similarity": round(item.similarity, 6),
                    "overlap": round(item.overlap, 6),
                    "context": round(item.context, 6),
                    "shared": list(item.shared),
                    "missing": list(item.missing),
                }
                for item in self.nearest
            ],
        }


def _rate_json(rate: Rate | None) -> dict[str, Any] | None:
    if rate is None:
        return None
    return {
        "count": rate.count,
        "total": rate.total,
        "share": rate.share,
        "low": rate.low,
        "high": rate.high,
    }


def parse_mapping(entries: Iterable[str], scenario: Scenario) -> dict[str, IssueMap]:
    """Parse ``ISSUE=VAR[+VAR...]`` entries (an empty right side: no counterpart)."""
    issue_ids = [issue.id for issue in scenario.issues]
    mapping: dict[str, IssueMap] = {}
    for entry in entries:
        issue_id, sep, right = entry.partition("=")
        issue_id = issue_id.strip()
        if not sep or issue_id not in issue_ids:
            raise InputError.single(
                None,
                f"bad --map {entry!r}",
                path=("--map",),
                hint=f"write ISSUE=VAR or ISSUE=VAR+VAR with ISSUE one of: {', '.join(issue_ids)}",
            )
        codes = tuple(code.strip() for code in right.split("+") if code.strip())
        _check_codes(codes, "--map")
        note = "mapped on the command line" if codes else "no PA-X counterpart (command line)"
        mapping[issue_id] = IssueMap(codes, note)
    return mapping


def _check_codes(codes: Iterable[str], option: str) -> None:
    for code in codes:
        if code not in PROVISIONS:
            raise InputError.single(
                None,
                f"unknown PA-X variable {code!r}",
                path=(option,),
                hint=f"use one of: {', '.join(PROVISIONS)}",
            )


def profile_for(
    scenario: Scenario,
    *,
    agreement_types: Sequence[str] | None = None,
    stages: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    third_party: bool | None = None,
) -> Profile:
    """The scenario's default profile with any filters given replaced (validated)."""
    base = PROFILES.get(scenario.id, Profile())
    types = _choose(agreement_types, AGREEMENT_TYPES, "--type") if agreement_types else None
    chosen_stages = _choose(stages, STAGES, "--stage") if stages else None
    chosen_regions = _choose(regions, {r: r for r in REGIONS}, "--region") if regions else None
    return Profile(
        agreement_types=types if types is not None else base.agreement_types,
        stages=chosen_stages if chosen_stages is not None else base.stages,
        regions=chosen_regions if chosen_regions is not None else base.regions,
        third_party=third_party if third_party is not None else base.third_party,
        provisions=dict(base.provisions),
        note=base.note,
    )


def _choose(values: Sequence[str], known: Mapping[str, str], option: str) -> tuple[str, ...]:
    """Match values to known codes by code or by words (case-insensitive)."""
    lookup = {code.lower(): code for code in known}
    lookup.update({label.lower(): code for code, label in known.items()})
    chosen = []
    for value in values:
        code = lookup.get(value.strip().lower())
        if code is None:
            raise InputError.single(
                None,
                f"unknown {option.lstrip('-')} {value!r}",
                path=(option,),
                value=value,
                hint="use one of: " + ", ".join(known),
            )
        chosen.append(code)
    return tuple(dict.fromkeys(chosen))


def is_comparable(agreement: Agreement, profile: Profile) -> bool:
    """Whether an agreement passes the profile's filters."""
    if profile.agreement_types and agreement.agreement_type not in profile.agreement_types:
        return False
    if profile.stages and agreement.stage not in profile.stages:
        return False
    if profile.regions and agreement.region not in profile.regions:
        return False
    return profile.third_party is None or agreement.third_party == profile.third_party


def _context(agreement: Agreement, profile: Profile) -> float:
    checks = []
    if profile.agreement_types:
        checks.append(agreement.agreement_type in profile.agreement_types)
    if profile.stages:
        checks.append(agreement.stage in profile.stages)
    if profile.regions:
        checks.append(agreement.region in profile.regions)
    if profile.third_party is not None:
        checks.append(agreement.third_party == profile.third_party)
    return sum(checks) / len(checks) if checks else 1.0


def precedents(
    scenario: Scenario,
    *,
    profile: Profile | None = None,
    mapping: Mapping[str, IssueMap] | None = None,
    top: int = 10,
    data: Sequence[Agreement] | None = None,
) -> Precedents:
    """Base rates and nearest PA-X precedents for the provisions on the table in ``scenario``.

    Parameters
    ----------
    scenario
        A loaded scenario.
    profile
        Comparables and extra provisions (default: :func:`profile_for` the scenario).
    mapping
        Issue id -> :class:`IssueMap`, overriding :data:`ISSUE_MAPS` for those issues.
    top
        How many nearest agreements to return.
    data
        Agreements to use (default: the shipped PA-X subset).
    """
    if top < 0:
        raise InputError.single(None, "--top must be 0 or more", path=("--top",), value=top)
    profile = profile or profile_for(scenario)
    pool = tuple(data) if data is not None else agreements()
    maps = {**ISSUE_MAPS.get(scenario.id, {}), **(mapping or {})}
    comparable = [agreement for agreement in pool if is_comparable(agreement, profile)]
    issues = []
    table: list[str] = []
    for issue in scenario.issues:
        entry = maps.get(issue.id)
        if entry is None:
            entry = IssueMap(
                (),
                f"No PA-X counterpart known for issue {issue.id!r}: no mapping for this "
                "scenario (give one with --map ISSUE=VAR)",
            )
        table += [code for code in entry.variables if code not in table]
        issues.append(
            IssueBaseRate(
                issue=issue.id,
                name=issue.name,
                variables=entry.variables,
                note=entry.note,
                comparable={code: _rate(comparable, [code]) for code in entry.variables},
                overall={code: _rate(pool, [code]) for code in entry.variables},
                any_comparable=_rate(comparable, entry.variables) if entry.variables else None,
                any_overall=_rate(pool, entry.variables) if entry.variables else None,
            )
        )
    extra = {
        code: (reason, _rate(comparable, [code]), _rate(pool, [code]))
        for code, reason in profile.provisions.items()
    }
    table += [code for code in profile.provisions if code not in table]
    if not table:
        first = scenario.issues[0].id if scenario.issues else "ISSUE"
        raise InputError.single(
            None,
            f"scenario {scenario.id!r} has no PA-X mapping: none of its issues maps to a PA-X "
            "provision, so no agreement can be compared with it",
            path=("--map",),
            hint=f"map its issues with --map ISSUE=VAR[+VAR...], e.g. --map {first}=EpsRes "
            "(the PA-X variables are listed in docs/precedents.md)",
        )
    nearest = _nearest(pool, set(table), profile, top)
    return Precedents(
        scenario, profile, tuple(table), tuple(issues), extra, len(comparable), len(pool), nearest
    )


def _rate(pool: Sequence[Agreement], codes: Sequence[str]) -> Rate:
    count = sum(1 for agreement in pool if any(agreement.has(code) for code in codes))
    return wilson(count, len(pool))


def _nearest(
    pool: Sequence[Agreement], table: set[str], profile: Profile, top: int
) -> tuple[Precedent, ...]:
    scored = []
    for agreement in pool:
        present = {code for code in PROVISIONS if agreement.has(code)}
        union = table | present
        overlap = len(table & present) / len(union) if union else 0.0
        context = _context(agreement, profile)
        similarity = PROVISION_WEIGHT * overlap + (1 - PROVISION_WEIGHT) * context
        scored.append(
            Precedent(
                agreement,
                similarity,
                overlap,
                context,
                tuple(code for code in PROVISIONS if code in table and code in present),
                tuple(code for code in PROVISIONS if code in table and code not in present),
            )
        )
    scored.sort(
        key=lambda item: (-item.similarity, _negated(item.agreement.date), item.agreement.id)
    )
    return tuple(scored[:top])


def _negated(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))
