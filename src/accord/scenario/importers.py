"""Importers for CSV scenarios: KTAB's format and a one-issue actor table.

KTAB (KAPSARC's Kinetic Theory of Agent Bargaining) CSV::

    name,desc,nActors,nDims,
    Actor,Description,Power,<dim> Position,<dim> Salience,...
    XJ,Xi Jinping,100,30,30,

Positions and saliences are on 0-100. One-issue actor CSV (as in Bueno de Mesquita 1994)::

    actor,capability,position[_unit],salience

whose issue scale is the range of the positions unless ``scale_min``/``scale_max`` are given
(a :class:`~accord.errors.Notice` says so). Either layout may use ``;`` as its separator, with
decimal commas.
Both importers add a source entry for the file itself, so every imported number cites it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from pathlib import PurePath
from typing import Any

from accord.errors import InputError, Notice
from accord.scenario.load import parse
from accord.scenario.schema import Scenario

KTAB_NOTICE = (
    "KTAB example data, Copyright (c) 2015 KAPSARC, MIT licence (see LICENSE-KTAB-MIT.txt)."
)


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_\-]+", "_", text.strip()).strip("_-")
    return slug[:64] if slug else fallback


def _unique(ids: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in ids:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name}_{count + 1}")
    return result


def separator(text: str) -> str:
    """The CSV separator: ``;`` when the header line has more semicolons than commas.

    Excel in much of Europe writes semicolons (and decimal commas, read by :func:`_number`).
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def _rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=separator(text), skipinitialspace=True)
    return [[cell.strip() for cell in row] for row in reader]


def _number(file: str, text: str, line: int, column: str, hint: str) -> float:
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise InputError.single(
            file, f"{column} is not a number", path=(column,), value=text, line=line, hint=hint
        ) from None
    if not math.isfinite(value):
        raise InputError.single(
            file, f"{column} must be finite", path=(column,), value=text, line=line, hint=hint
        )
    return value


def import_csv(
    text: str, name: str, *, scale_min: float | None = None, scale_max: float | None = None
) -> Scenario:
    """Import either CSV layout, recognised by its header."""
    rows = [row for row in _rows(text) if any(row)]
    if not rows:
        raise InputError.single(
            name, "CSV file is empty", hint="see `accord convert --help` for the CSV layouts"
        )
    header = [cell.lower() for cell in rows[0]]
    if header and header[0] == "actor" and "capability" in header:
        return import_actor_csv(text, name, scale_min=scale_min, scale_max=scale_max)
    if len(rows) > 1 and rows[1] and rows[1][0].lower() == "actor":
        return import_ktab_csv(text, name)
    raise InputError.single(
        name,
        "unrecognised CSV layout",
        line=1,
        hint="use KTAB's layout (line 1 'name,desc,nActors,nDims', line 2 'Actor,Description,"
        "Power,...') or a header 'actor,capability,position,salience'",
    )


def import_ktab_csv(text: str, name: str) -> Scenario:
    """Read KTAB's CSV scenario format into a :class:`Scenario`."""
    lines = _rows(text)
    indexed = [(number, row) for number, row in enumerate(lines, start=1) if any(row)]
    (_, meta), (_, header), *body = indexed
    hint = "KTAB line 1 is 'name,desc,nActors,nDims,'"
    if len(meta) < 4:
        raise InputError.single(
            name,
            "first line needs name, description, actor and dimension counts",
            line=1,
            hint=hint,
        )
    n_actors = int(_number(name, meta[2], 1, "nActors", hint))
    n_dims = int(_number(name, meta[3], 1, "nDims", hint))
    if n_dims < 1 or n_actors < 1:
        raise InputError.single(name, "nActors and nDims must be at least 1", line=1, hint=hint)
    columns = [cell for cell in header if cell]
    if len(columns) < 3 + 2 * n_dims:
        raise InputError.single(
            name,
            f"header has {len(columns)} columns; {n_dims} dimension(s) need {3 + 2 * n_dims}",
            line=indexed[1][0],
            hint="line 2 is Actor,Description,Power, then a Position and a Salience per dimension",
        )
    if len(body) != n_actors:
        raise InputError.single(
            name,
            f"line 1 says {n_actors} actors but the file has {len(body)} actor rows",
            line=1,
            hint="fix nActors on line 1 or the actor rows",
        )
    issue_names = [
        re.sub(r"\s*(position|pstn)\s*\d*\s*$", "", columns[3 + 2 * d], flags=re.IGNORECASE)
        or f"Dimension {d + 1}"
        for d in range(n_dims)
    ]
    issue_ids = _unique([_slug(text.lower(), f"dim{d + 1}") for d, text in enumerate(issue_names)])
    actor_ids = _unique([_slug(row[0], f"actor{index + 1}") for index, (_, row) in enumerate(body)])
    source = {
        "id": "ktab_file",
        "title": f"{PurePath(name).name}: {meta[0]}" + (f" ({meta[1]})" if meta[1] else ""),
        "publisher": "KAPSARC KTAB example data (MIT licence)",
    }
    # KTAB's second column is a person's name in some files and a generic label in others:
    # use it as the display name only when it tells actors apart.
    descriptions = [row[1] if len(row) > 1 else "" for _, row in body]
    descriptive = all(descriptions) and len(set(descriptions)) == len(descriptions)
    actors: list[dict[str, Any]] = []
    for actor_id, (line, row) in zip(actor_ids, body, strict=True):
        cells = row[: 3 + 2 * n_dims]
        if len(cells) < 3 + 2 * n_dims:
            raise InputError.single(
                name,
                f"row has {len(row)} cells, expected {3 + 2 * n_dims}",
                line=line,
                hint="every actor needs power, then a position and salience per dimension",
            )
        row_hint = "positions and saliences are numbers on 0-100"
        power = _number(name, cells[2], line, "Power", "power is a non-negative number")
        values = [
            _number(name, cell, line, columns[3 + k], row_hint) for k, cell in enumerate(cells[3:])
        ]
        actors.append(
            {
                "id": actor_id,
                "name": cells[1] if descriptive else cells[0],
                "kind": "person",
                **({"note": cells[1]} if cells[1] and not descriptive else {}),
                "capability": {"value": power, "source": ["ktab_file"]},
                "positions": {
                    issue_id: {"value": values[2 * d], "source": ["ktab_file"]}
                    for d, issue_id in enumerate(issue_ids)
                },
                "salience": {
                    issue_id: {"value": values[2 * d + 1], "source": ["ktab_file"]}
                    for d, issue_id in enumerate(issue_ids)
                },
            }
        )
    data = {
        "schema_version": 1,
        "id": _slug(PurePath(name).stem, "ktab"),
        "title": meta[0],
        "description": meta[1] if len(meta) > 1 else "",
        "salience_scale": {"min": 0, "max": 100},
        "sources": [source],
        "issues": [
            {
                "id": issue_id,
                "name": issue_name,
                "unit": "",
                "min": 0,
                "max": 100,
                "note": "KTAB scale 0-100",
            }
            for issue_id, issue_name in zip(issue_ids, issue_names, strict=True)
        ],
        "actors": actors,
        "licence": KTAB_NOTICE,
    }
    return parse(data, name, {("actors", i): (line, 1) for i, (line, _) in enumerate(body)})


def import_actor_csv(
    text: str, name: str, *, scale_min: float | None = None, scale_max: float | None = None
) -> Scenario:
    """Read a one-issue ``actor,capability,position,salience`` table."""
    reader = csv.DictReader(io.StringIO(text), delimiter=separator(text), skipinitialspace=True)
    fields = [field.strip().lower() for field in reader.fieldnames or []]
    position_field = next((field for field in fields if field.startswith("position")), None)
    missing = [f for f in ("actor", "capability", "salience") if f not in fields]
    if position_field is None:
        missing.insert(2, "position")
    if missing:
        raise InputError.single(
            name,
            f"missing column {missing[0]!r}",
            line=1,
            hint="the header is actor,capability,position,salience",
        )
    assert position_field is not None
    unit = position_field.removeprefix("position").strip("_ ") or ""
    records = []
    lines = []
    for line, row in enumerate(reader, start=2):
        clean = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        if not any(clean.values()):
            continue
        lines.append(line)
        records.append(
            (
                clean["actor"],
                _number(name, clean["capability"], line, "capability", "write a number"),
                _number(name, clean[position_field], line, position_field, "write a number"),
                _number(name, clean["salience"], line, "salience", "write a number"),
            )
        )
    if not records:
        raise InputError.single(name, "no actor rows", line=2, hint="add one row per actor")
    positions = [record[2] for record in records]
    low = min(positions) if scale_min is None else scale_min
    high = max(positions) if scale_max is None else scale_max
    if high <= low:
        raise InputError.single(
            name,
            f"cannot infer a scale: positions span [{low:g}, {high:g}]",
            hint="pass --min and --max to set the issue's scale",
        )
    if scale_min is None or scale_max is None:
        warnings.warn(
            Notice(
                f"{name}: the issue's scale is inferred from the positions: min {low:g}, max "
                f"{high:g} (results depend on it; pass --min and --max to set the real scale)"
            ),
            stacklevel=2,
        )
    saliences = [record[3] for record in records]
    salience_max = 1.0 if max(saliences) <= 1 else 100.0
    cite = {"source": ["csv_file"]}
    actors = [
        {
            "id": actor_id,
            "name": actor,
            "capability": {"value": capability, **cite},
            "positions": {"issue": {"value": position, **cite}},
            "salience": {"issue": {"value": salience, **cite}},
        }
        for actor_id, (actor, capability, position, salience) in zip(
            _unique([_slug(r[0], f"actor{i + 1}") for i, r in enumerate(records)]),
            records,
            strict=True,
        )
    ]
    stem = PurePath(name).stem
    data = {
        "schema_version": 1,
        "id": _slug(stem, "imported"),
        "title": stem,
        "salience_scale": {"min": 0, "max": salience_max},
        "sources": [{"id": "csv_file", "title": PurePath(name).name}],
        "issues": [{"id": "issue", "name": stem, "unit": unit, "min": low, "max": high}],
        "actors": actors,
    }
    return parse(data, name, {("actors", i): (line, 1) for i, line in enumerate(lines)})
