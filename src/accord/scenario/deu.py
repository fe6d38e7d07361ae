"""Import a DEU III file (Decision-making in the European Union) as one scenario per issue.

DEU III (Thomson et al., doi:10.34810/data53, CC BY 4.0) codes the controversial issues of EU
legislative proposals: for every issue, each actor's position and salience on a 0-100 scale,
the reference point (the outcome without a new law) and the outcome. The file is
semicolon-delimited, one row per issue, with the columns::

    prnrnmc;isnrnmc;prnr;prname;isnr;type;council;proc;counvte;proccde;issues;intro;finact;
    p<actor>;s<actor>;...;rp;out

for the actors ``com`` (Commission), ``ep`` (European Parliament) and the member states (codes
in :data:`MEMBER_STATES`). Values outside [0, 100] (e.g. 999) and empty cells are missing;
dates are DD-MM-YY (years 00-49 are 20xx, 50-99 are 19xx). Columns are found by name, so their
order does not matter and extra columns are ignored. Decimal commas are accepted.

Each issue becomes a one-issue :class:`Scenario` with the actors that have a position on it.
An actor with a position but no salience gets ``missing_salience`` (default 50, the middle of
DEU's salience scale; our choice). The reference point becomes the issue's status quo and the
outcome its ``outcome``. The file has no capabilities; they come from the Council's voting
rules in force on the decision date (``finact``, else ``intro``), see :func:`capabilities`:

* to 30 Apr 2004, the EU-15 weights of Art. 205(2) TEC (87 votes; DE/FR/IT/UK 10, ES 8,
  BE/EL/NL/PT 5, AT/SE 4, DK/FI/IE 3, LU 2);
* 1 May - 31 Oct 2004, the transitional EU-25 weights of the 2003 Act of Accession (124 votes);
* 1 Nov 2004 - 31 Dec 2006, the Treaty of Nice weights for 25 states (321 votes);
* 1 Jan 2007 - 30 Jun 2013, Nice for 27 states (345 votes: BG 10, RO 14);
* 1 Jul 2013 - 31 Oct 2014, Nice for 28 states (352 votes: HR 7; Art. 20 of the Act of
  Accession of Croatia, OJ L 112, 24.4.2012);
* from 1 Nov 2014 (Lisbon double majority, Art. 16(4) TEU), each state's share of the EU
  population in percent, from Council Decision (EU, Euratom) 2015/2393 (figures for 2016,
  Eurostat data), as reported by Agence Europe, 9 Dec 2015; the UK drops out after 31 Jan 2020.

The weights per period are from the CVCE table "Evolution of qualified majority voting in the
Council" (cvce.eu, 2016), the EU's legislation summary "Weighting of votes in the Council"
(europa.eu) and the European Convention's glossary "Qualified majority". The Commission and the
Parliament have no Council votes; by default each gets the weight of the largest member state
in the period (``commission_weight`` and ``ep_weight`` scale that), a documented choice, not a
published rule.

References
----------
Thomson, R., Arregui, J., Leuffen, D., Costello, R., Cross, J., Hertz, R. & Jensen, T. (2012).
A new dataset on decision-making in the European Union before and after the 2004 and 2007
enlargements (DEU II). *Journal of European Public Policy* 19(4):604-622.
Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The European Union
Decides*. Cambridge University Press.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from accord.errors import InputError
from accord.scenario.load import parse, read_text
from accord.scenario.schema import Scenario

MEMBER_STATES: dict[str, str] = {
    "at": "Austria", "be": "Belgium", "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus",
    "cz": "Czech Republic", "dk": "Denmark", "ee": "Estonia", "fi": "Finland", "fr": "France",
    "de": "Germany", "el": "Greece", "hu": "Hungary", "ie": "Ireland", "it": "Italy",
    "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands",
    "pl": "Poland", "pt": "Portugal", "ro": "Romania", "si": "Slovenia", "sk": "Slovakia",
    "es": "Spain", "se": "Sweden", "uk": "United Kingdom",
}  # fmt: skip
INSTITUTIONS = {"com": "European Commission", "ep": "European Parliament"}
ACTOR_CODES = ("com", "ep", *MEMBER_STATES)

_EU15 = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
    "at": 4, "se": 4, "dk": 3, "fi": 3, "ie": 3, "lu": 2,
}  # fmt: skip
_EU25_TRANSITIONAL = {
    **_EU15, "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "si": 3, "sk": 3,
    "cy": 2, "mt": 2,
}  # fmt: skip
_NICE25 = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "nl": 13, "be": 12, "cz": 12,
    "el": 12, "hu": 12, "pt": 12, "at": 10, "se": 10, "dk": 7, "ie": 7, "lt": 7, "sk": 7,
    "fi": 7, "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip
_NICE27 = {**_NICE25, "ro": 14, "bu": 10}
_NICE28 = {**_NICE27, "cr": 7}
_POPULATION_2016 = {
    "de": 15.93, "fr": 13.04, "uk": 12.73, "it": 12.07, "es": 9.12, "pl": 7.47, "ro": 3.90,
    "nl": 3.37, "be": 2.21, "el": 2.13, "cz": 2.05, "pt": 2.04, "hu": 1.94, "se": 1.92,
    "at": 1.69, "bu": 1.42, "dk": 1.11, "fi": 1.08, "sk": 1.06, "ie": 0.91, "cr": 0.83,
    "lt": 0.57, "si": 0.41, "lv": 0.39, "ee": 0.26, "cy": 0.17, "lu": 0.11, "mt": 0.08,
}  # fmt: skip


@dataclass(frozen=True)
class Period:
    """A Council voting regime: when it applied and each member state's weight."""

    id: str
    title: str
    start: dt.date | None
    end: dt.date | None
    weights: Mapping[str, float]
    source: str


PERIODS: tuple[Period, ...] = (
    Period(
        "eu15",
        "EU-15 weighted votes (Art. 205(2) TEC, 87 votes)",
        None,
        dt.date(2004, 4, 30),
        _EU15,
        "CVCE, Evolution of qualified majority voting in the Council (column 01.01.1995); "
        "European Convention glossary, 'Qualified majority'",
    ),
    Period(
        "eu25-transitional",
        "EU-25 transitional weighted votes (2003 Act of Accession, 124 votes)",
        dt.date(2004, 5, 1),
        dt.date(2004, 10, 31),
        _EU25_TRANSITIONAL,
        "CVCE, Evolution of qualified majority voting in the Council (column 01.05.2004)",
    ),
    Period(
        "nice25",
        "Treaty of Nice weighted votes, 25 states (321 votes)",
        dt.date(2004, 11, 1),
        dt.date(2006, 12, 31),
        _NICE25,
        "CVCE (column 01.11.2004); Luxembourg Presidency 2005 glossary, 'Qualified majority'",
    ),
    Period(
        "nice27",
        "Treaty of Nice weighted votes, 27 states (345 votes)",
        dt.date(2007, 1, 1),
        dt.date(2013, 6, 30),
        _NICE27,
        "CVCE (column 01.01.2007); europa.eu summary 'Weighting of votes in the Council'",
    ),
    Period(
        "nice28",
        "Treaty of Nice weighted votes, 28 states (352 votes)",
        dt.date(2013, 7, 1),
        dt.date(2014, 10, 31),
        _NICE28,
        "Act of Accession of Croatia, Art. 20 (OJ L 112, 24.4.2012)",
    ),
    Period(
        "lisbon",
        "Lisbon double majority: population share in % (2016 figures)",
        dt.date(2014, 11, 1),
        None,
        _POPULATION_2016,
        "Council Decision (EU, Euratom) 2015/2393, Annex III (Eurostat figures for 2016), as "
        "reported by Agence Europe, 9 Dec 2015; Art. 16(4) TEU",
    ),
)
_BREXIT = dt.date(2020, 1, 31)


def period_for(date: dt.date) -> Period:
    """The Council voting regime in force on ``date``."""
    for period in PERIODS:
        if (period.start is None or date >= period.start) and (
            period.end is None or date <= period.end
        ):
            return period
    raise AssertionError(f"no period covers {date}")  # pragma: no cover - periods are contiguous


def capabilities(
    date: dt.date, *, commission_weight: float = 1.0, ep_weight: float = 1.0
) -> dict[str, float]:
    """Capability of every DEU actor on ``date`` (0 for states that were not members).

    The Commission and the Parliament get ``commission_weight`` and ``ep_weight`` times the
    largest member state's weight in the period.
    """
    period = period_for(date)
    weights = dict(period.weights)
    if date > _BREXIT:
        weights.pop("uk", None)
    largest = max(weights.values())
    result = {code: float(weights.get(code, 0.0)) for code in MEMBER_STATES}
    result["com"] = commission_weight * largest
    result["ep"] = ep_weight * largest
    return result


@dataclass(frozen=True)
class DeuCase:
    """One DEU issue as a scenario, with where it came from."""

    line: int
    scenario: Scenario
    period: str
    decided: dt.date
    imputed_salience: tuple[str, ...]


@dataclass(frozen=True)
class DeuImport:
    """Every issue of a DEU file: the cases and the rows left out (line, reason)."""

    file: str
    cases: tuple[DeuCase, ...]
    skipped: tuple[tuple[int, str], ...]


def _number(text: str, file: str, line: int, column: str) -> float | None:
    """A DEU value, or None when missing (empty or outside [0, 100])."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise InputError.single(
            file,
            f"{column} is not a number",
            path=(column,),
            value=text,
            line=line,
            hint="DEU values are numbers on 0-100; use 999 or an empty cell for missing",
        ) from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        return None
    return value


def _date(text: str, file: str, line: int, column: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})", text)
    problem = None
    if match:
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year < 50 else 1900
        try:
            return dt.date(year, month, day)
        except ValueError as error:
            problem = str(error)
    raise InputError.single(
        file,
        f"{column} is not a date" + (f" ({problem})" if problem else ""),
        path=(column,),
        value=text,
        line=line,
        hint="DEU dates are DD-MM-YY, e.g. 23-06-05",
    )


def load_deu(
    path: str | os.PathLike[str],
    *,
    missing_salience: float | None = 50.0,
    commission_weight: float = 1.0,
    ep_weight: float = 1.0,
) -> DeuImport:
    """Read a DEU III file from ``path`` (see :func:`import_deu`)."""
    target = Path(path)
    if not target.is_file():
        raise InputError.single(
            str(target),
            "no such file" if not target.exists() else "is not a file",
            hint="give the path of a DEU III file (semicolon-delimited CSV)",
        )
    return import_deu(
        read_text(target, str(target)),
        str(target),
        missing_salience=missing_salience,
        commission_weight=commission_weight,
        ep_weight=ep_weight,
    )


def import_deu(
    text: str,
    name: str,
    *,
    missing_salience: float | None = 50.0,
    commission_weight: float = 1.0,
    ep_weight: float = 1.0,
) -> DeuImport:
    """Read a DEU III file into one scenario per issue.

    Parameters
    ----------
    text
        The file's content.
    name
        The file name, for error messages and sources.
    missing_salience
        Salience for an actor with a position but no salience; ``None`` leaves such actors out.
    commission_weight, ep_weight
        The Commission's and the Parliament's capability as multiples of the largest member
        state's weight.

    Raises
    ------
    InputError
        With the line number, when a required column is missing or a cell is malformed.
    """
    reader = csv.reader(io.StringIO(text), delimiter=";")
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    for row in reader:  # record the line each row starts on (quoted cells may span lines)
        if any(cell.strip() for cell in row):
            numbered.append((start, row))
        start = reader.line_num + 1
    if not numbered:
        raise InputError.single(name, "DEU file is empty", hint="see docs/backtest.md")
    header_line, header = numbered[0]
    columns = {cell.strip().lower(): index for index, cell in enumerate(header)}
    layout = "semicolon-delimited with columns p<actor>, s<actor>, rp, out (docs/backtest.md)"
    for required in ("rp", "out"):
        if required not in columns:
            raise InputError.single(
                name, f"missing column {required!r}", line=header_line, hint=f"DEU III is {layout}"
            )
    actors = [code for code in ACTOR_CODES if f"p{code}" in columns]
    if not actors:
        raise InputError.single(
            name,
            "no actor position columns (p<actor>, e.g. pcom, pde)",
            line=header_line,
            hint=f"DEU III is {layout}",
        )
    if "intro" not in columns and "finact" not in columns:
        raise InputError.single(
            name,
            "missing column 'finact' or 'intro'",
            line=header_line,
            hint="the decision date picks the Council's voting weights",
        )
    cases: list[DeuCase] = []
    skipped: list[tuple[int, str]] = []
    width = len(header)
    for line, row in numbered[1:]:
        if len(row) < width:
            raise InputError.single(
                name,
                f"row has {len(row)} cells, the header {width}",
                line=line,
                hint="every row needs a cell for every column (leave missing values empty)",
            )

        def cell(column: str, row: list[str] = row) -> str:
            index = columns.get(column)
            return row[index] if index is not None else ""

        decided = _date(cell("finact"), name, line, "finact") or _date(
            cell("intro"), name, line, "intro"
        )
        if decided is None:
            raise InputError.single(
                name,
                "no decision date: finact and intro are both empty",
                path=("finact",),
                line=line,
                hint="give the adoption (finact) or introduction (intro) date as DD-MM-YY",
            )
        values: dict[str, tuple[float, float]] = {}
        imputed = []
        for code in actors:
            position = _number(cell(f"p{code}"), name, line, f"p{code}")
            salience = _number(cell(f"s{code}"), name, line, f"s{code}")
            if position is None:
                continue
            if salience is None:
                if missing_salience is None:
                    continue
                salience = missing_salience
                imputed.append(code)
            values[code] = (position, salience)
        if not values:
            skipped.append((line, "no actor has a position"))
            continue
        reference = _number(cell("rp"), name, line, "rp")
        outcome = _number(cell("out"), name, line, "out")
        period = period_for(decided)
        weights = capabilities(decided, commission_weight=commission_weight, ep_weight=ep_weight)
        data = _scenario_data(
            name, line, row, columns, values, reference, outcome, decided, period, weights
        )
        scenario = parse(data, name, {("actors", i): (line, 1) for i in range(len(values))})
        cases.append(DeuCase(line, scenario, period.id, decided, tuple(imputed)))
    return DeuImport(name, tuple(cases), tuple(skipped))


def _scenario_data(
    name: str,
    line: int,
    row: list[str],
    columns: Mapping[str, int],
    values: Mapping[str, tuple[float, float]],
    reference: float | None,
    outcome: float | None,
    decided: dt.date,
    period: Period,
    weights: Mapping[str, float],
) -> dict[str, Any]:
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None else ""

    proposal = cell("prnrnmc") or cell("prnr") or f"line{line}"
    issue_number = cell("isnrnmc") or cell("isnr") or "1"
    scenario_id = re.sub(r"[^A-Za-z0-9_\-]+", "_", f"deu-{proposal}-{issue_number}").strip("_-")
    cite = {"source": ["deu_file"]}
    title = cell("prname") or f"Proposal {proposal}"
    actors = []
    for code, (position, salience) in values.items():
        actors.append(
            {
                "id": code,
                "name": INSTITUTIONS.get(code) or MEMBER_STATES[code],
                "kind": "institution" if code in INSTITUTIONS else "state",
                "capability": {
                    "value": weights[code],
                    "source": ["council_rules"],
                    "note": period.title
                    + (
                        " (our choice for the Commission and Parliament)"
                        if code in INSTITUTIONS
                        else ""
                    ),
                },
                "positions": {"issue": {"value": position, **cite}},
                "salience": {"issue": {"value": salience, **cite}},
            }
        )
    issue: dict[str, Any] = {
        "id": "issue",
        "name": (cell("issues") or f"Issue {issue_number}")[:200],
        "unit": "DEU scale 0-100",
        "min": 0,
        "max": 100,
    }
    if reference is not None:
        issue["status_quo"] = {"value": reference, **cite, "note": "DEU reference point (rp)"}
    if outcome is not None:
        issue["outcome"] = {"value": outcome, **cite, "note": "DEU outcome (out)"}
    return {
        "schema_version": 1,
        "id": scenario_id[:64],
        "title": title[:200],
        "description": f"DEU issue from {PurePath(name).name}, line {line}; decided {decided}.",
        "as_of": decided.isoformat(),
        "salience_scale": {"min": 0, "max": 100},
        "sources": [
            {"id": "deu_file", "title": f"{PurePath(name).name}, line {line}"},
            {"id": "council_rules", "title": period.title, "note": period.source},
        ],
        "issues": [issue],
        "actors": actors,
        "licence": "Imported from a DEU-format file; DEU III itself: Thomson et al., "
        "doi:10.34810/data53, CC BY 4.0.",
    }
