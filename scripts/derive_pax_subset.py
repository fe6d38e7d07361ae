"""Derive the PA-X subset shipped with accord from the raw PA-X v10 file.

Usage::

    python scripts/derive_pax_subset.py [RAW_CSV] [--out FOLDER]

RAW_CSV defaults to ``../shared/data/pax/pax_all_agreements_v10.csv`` beside the checkout; the
output goes to ``src/accord/analysis/data/`` (``pax_v10_subset.csv`` and ``PAX-CITATION.txt``).

What the subset keeps, for every one of the 2,257 agreements: the metadata columns in
``accord.analysis.precedents.META_COLUMNS`` and the provision variables in
``accord.analysis.precedents.PROVISIONS``, under their PA-X names and with their PA-X values.
It changes three things: runs of white space in text fields become one space; the parties
(``Part``) are cut to 300 characters and the third parties (``ThrdPart``) to 200, ending with
"…" where cut; and a derived column ``ThirdParty`` is 1 when the agreement names a third party
or has a UN or other international signatory (``ThrdPart`` not empty, ``ImUN`` or ``ImOth``).
Rows keep the raw file's order. The same raw file always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import textwrap
from pathlib import Path

from accord.analysis.precedents import CITATION_FILE, META_COLUMNS, PROVISIONS, SUBSET_FILE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW = ROOT.parent / "shared" / "data" / "pax" / "pax_all_agreements_v10.csv"
DEFAULT_OUT = ROOT / "src" / "accord" / "analysis" / "data"
LIMITS = {"Part": 300, "ThrdPart": 200}


def _clean(text: str, limit: int | None) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def derive(raw: str) -> str:
    """The subset CSV for the raw PA-X CSV text."""
    reader = csv.DictReader(io.StringIO(raw))
    missing = [
        c
        for c in (*META_COLUMNS, *PROVISIONS, "ImUN", "ImOth")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise SystemExit(f"raw file lacks column(s): {', '.join(missing)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*META_COLUMNS, "ThirdParty", *PROVISIONS])
    for row in reader:
        third = bool(row["ThrdPart"].strip()) or row["ImUN"] == "1" or row["ImOth"] == "1"
        writer.writerow(
            [_clean(row[column], LIMITS.get(column)) for column in META_COLUMNS]
            + ["1" if third else "0"]
            + [row[code] for code in PROVISIONS]
        )
    return out.getvalue()


def _fill(text: str) -> str:
    return textwrap.fill(text, width=92, break_on_hyphens=False)


def citation_text(raw_bytes: bytes, rows: int) -> str:
    """The citation and provenance note written next to the subset."""
    digest = hashlib.sha256(raw_bytes).hexdigest()
    contents = (
        f"{SUBSET_FILE}: {rows} agreements; the metadata columns {', '.join(META_COLUMNS)}, a "
        "derived column ThirdParty (1 if ThrdPart is not empty or ImUN or ImOth is 1) and the "
        f"provision variables {', '.join(PROVISIONS)}, all with their PA-X names and values. "
        "White space in text is collapsed; Part is cut to 300 and ThrdPart to 200 characters "
        '(ending in "…" where cut).'
    )
    return f"""PA-X Peace Agreements Database, version 10: derived subset shipped with accord
================================================================================

Please cite:
  Bell, C. & Badanjak, S. (2019) "Introducing PA-X: A new peace agreement database and
  dataset", Journal of Peace Research 56(3):452-466, doi:10.1177/0022343318819123; and
  PA-X Peace Agreements Database and Dataset, Version 10, www.peaceagreements.org
  (University of Edinburgh, PeaceRep).

Source: pax_all_agreements_v10.csv from PeaceRep's public GitHub repository (2,257
agreements, 1990-02-15 to 2025-12-27, 279 columns),
sha256 {digest}.

{_fill(contents)}
Made by scripts/derive_pax_subset.py; rerun it on the same raw file to get the same bytes.

PA-X records what agreements contain, not actors' positions or how agreements fared.
Variable meanings: the PA-X codebook v10,
https://www.peaceagreements.org/cms/documents/3956/PA_X_codebook_v10.pdf
"""


def main(argv: list[str] | None = None) -> int:
    """Run the derivation from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", type=Path, default=DEFAULT_RAW)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    raw_bytes = args.raw.read_bytes()
    subset = derive(raw_bytes.decode("utf-8-sig"))
    rows = subset.count("\n") - 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / SUBSET_FILE).write_text(subset, encoding="utf-8")
    (args.out / CITATION_FILE).write_text(citation_text(raw_bytes, rows), encoding="utf-8")
    sys.stdout.write(f"wrote {args.out / SUBSET_FILE} ({rows} agreements)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
