"""Run records: every forecast, sweep, sensitivity and levers run, kept in a local SQLite store.

A record holds what is needed to say what was run and to run it again: the kind of run, the
scenario as evaluated (its dated updates applied, in canonical JSON), the options (models and
their parameters, seed, draws, what-if changes, ...), the package version, a UTC timestamp, the
results, and a hash of the inputs (SHA-256 of the canonical JSON of scenario and options), so
that identical inputs are easy to find. ``accord runs verify`` re-runs a record and compares
the results byte for byte.

The store is ``runs.sqlite`` under ``$ACCORD_HOME`` (default: the user's data directory, e.g.
``~/.local/share/accord``). Each write is one transaction; the database runs in WAL mode and
waits for a busy lock (``$ACCORD_STORE_TIMEOUT`` seconds, default 10). A store that is locked
or damaged is reported as bad input naming the file and what to do; accord never deletes,
rebuilds or overwrites it, so earlier records are never lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from accord.errors import InputError

STORE_NAME = "runs.sqlite"
SCHEMA_VERSION = 1
DEFAULT_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    reference TEXT,
    as_of TEXT,
    inputs_hash TEXT NOT NULL,
    seed TEXT,
    version TEXT NOT NULL,
    models TEXT NOT NULL,
    options TEXT NOT NULL,
    inputs TEXT NOT NULL,
    results TEXT NOT NULL,
    engine TEXT,
    seconds REAL
);
CREATE INDEX IF NOT EXISTS runs_inputs_hash ON runs (inputs_hash);
"""
_COLUMNS = (
    "id, created, kind, scenario, reference, as_of, inputs_hash, seed, version, models, "
    "options, inputs, results, engine, seconds"
)


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8, no NaN (what hashes and comparisons use)."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _dumps(data: Any) -> str:
    """Compact JSON that keeps key order (scenarios depend on it: actors' issue order)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def inputs_hash(kind: str, scenario: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the run's kind, scenario and options."""
    text = canonical({"kind": kind, "scenario": scenario, "options": options})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def home() -> Path:
    """Where accord keeps its data: ``$ACCORD_HOME`` or the user's data directory."""
    configured = os.environ.get("ACCORD_HOME")
    return Path(configured) if configured else Path(platformdirs.user_data_dir("accord"))


@dataclass(frozen=True)
class Record:
    """One stored run."""

    id: int
    created: str
    kind: str
    scenario: str
    reference: str | None
    as_of: str | None
    inputs_hash: str
    seed: int | None
    version: str
    models: dict[str, Any]
    options: dict[str, Any]
    inputs: dict[str, Any]
    results: dict[str, Any]
    engine: str | None
    seconds: float | None

    def to_json(self) -> dict[str, Any]:
        """The whole record as JSON."""
        return {
            "id": self.id,
            "created": self.created,
            "kind": self.kind,
            "scenario": self.scenario,
            "reference": self.reference,
            "as_of": self.as_of,
            "inputs_hash": self.inputs_hash,
            "seed": self.seed,
            "version": self.version,
            "models": self.models,
            "options": self.options,
            "inputs": self.inputs,
            "results": self.results,
            "engine": self.engine,
            "seconds": self.seconds,
        }


class DamagedRow(Exception):
    """A stored row that cannot be read back (broken JSON, a wrong type)."""

    def __init__(self, identifier: int, reason: str) -> None:
        super().__init__(f"run {identifier} is damaged ({reason})")
        self.identifier = identifier
        self.reason = reason


def _record(row: Sequence[Any]) -> Record:
    try:
        return _decode(row)
    except (ValueError, TypeError) as error:
        raise DamagedRow(int(row[0]), f"{type(error).__name__}: {error}") from None


def _decode(row: Sequence[Any]) -> Record:
    return Record(
        id=int(row[0]),
        created=row[1],
        kind=row[2],
        scenario=row[3],
        reference=row[4],
        as_of=row[5],
        inputs_hash=row[6],
        seed=None if row[7] is None else int(row[7]),
        version=row[8],
        models=json.loads(row[9]),
        options=json.loads(row[10]),
        inputs=json.loads(row[11]),
        results=json.loads(row[12]),
        engine=row[13],
        seconds=row[14],
    )


class RunStore:
    """The SQLite store of run records.

    Parameters
    ----------
    folder
        The folder holding ``runs.sqlite`` (default: :func:`home`).
    timeout
        Seconds to wait for another process's lock (default ``$ACCORD_STORE_TIMEOUT`` or 10).
    """

    def __init__(self, folder: Path | None = None, timeout: float | None = None) -> None:
        self.folder = folder or home()
        self.path = self.folder / STORE_NAME
        if timeout is None:
            timeout = float(os.environ.get("ACCORD_STORE_TIMEOUT", DEFAULT_TIMEOUT))
        self.timeout = timeout
        self.damaged: list[DamagedRow] = []

    def _error(self, error: Exception) -> InputError:
        text = str(error)
        if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return InputError.single(
                str(self.path),
                f"the run store is locked by another process (waited {self.timeout:g} s)",
                hint="wait for the other accord run to finish and retry, or pass --no-record",
            )
        if isinstance(error, sqlite3.OperationalError) and "full" in text:
            return InputError.single(
                str(self.path),
                "the disk holding the run store is full",
                hint="free some space and retry, or pass --no-record",
            )
        if isinstance(error, sqlite3.OperationalError) and "readonly" in text:
            return InputError.single(
                str(self.path),
                "the run store is read-only",
                hint="make it writable, set ACCORD_HOME to a writable folder, or pass --no-record",
            )
        if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
            return InputError.single(
                str(self.path),
                "cannot open the run store",
                hint="set ACCORD_HOME to a writable folder, or pass --no-record",
            )
        if isinstance(error, sqlite3.DatabaseError):
            return InputError.single(
                str(self.path),
                f"the run store is damaged or not an accord store ({text})",
                hint=f"accord leaves it untouched: move it aside (e.g. to {STORE_NAME}.damaged) "
                "to start a new store, and try `sqlite3 FILE .recover` to rescue its records; "
                "or pass --no-record",
            )
        return InputError.single(
            str(self.path),
            f"cannot use the run store ({text})",
            hint="set ACCORD_HOME to a writable folder, or pass --no-record",
        )

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        if not write and not self.path.exists():
            raise InputError.single(
                str(self.path), "no runs recorded yet", hint="run e.g. `accord forecast` first"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._error(error) from None
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.OperationalError:
                if write:
                    raise
                # A read-only folder cannot hold WAL's shared-memory file: read it as is.
                connection.close()
                uri = f"{self.path.resolve().as_uri()}?immutable=1"
                connection = sqlite3.connect(uri, uri=True, isolation_level=None)
                version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if tables and "runs" not in tables:
                raise sqlite3.DatabaseError("it holds no runs table")
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"written by a newer accord (schema {version})")
            if not tables and write:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            yield connection
        except sqlite3.Error as error:
            if connection is not None and connection.in_transaction:
                connection.rollback()
            raise self._error(error) from None
        finally:
            if connection is not None:
                connection.close()

    def check(self) -> None:
        """Open the store for writing now (creating it if needed).

        A locked or damaged store is then reported before a long run rather than after it.
        """
        with self._connect(write=True) as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("SELECT count(*) FROM runs").fetchone()
            connection.execute("ROLLBACK")

    def add(
        self,
        *,
        kind: str,
        scenario: Mapping[str, Any],
        options: Mapping[str, Any],
        results: Mapping[str, Any],
        reference: str | None = None,
        engine: str | None = None,
        seconds: float | None = None,
        version: str | None = None,
    ) -> Record:
        """Store one run in a single transaction and return its record."""
        from accord import __version__

        models: dict[str, Any] = {}
        for spec in options.get("models") or ([options["model"]] if "model" in options else []):
            models[str(spec["name"])] = spec.get("parameters", {})
        seed = options.get("seed")
        row = (
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            kind,
            str(scenario.get("id", "")),
            reference,
            scenario.get("as_of"),
            inputs_hash(kind, scenario, options),
            None if seed is None else str(int(seed)),
            version or __version__,
            _dumps(models),
            _dumps(options),
            _dumps(scenario),
            _dumps(results),
            engine,
            seconds,
        )
        with self._connect(write=True) as connection:
            connection.execute("BEGIN IMMEDIATE")
            columns = _COLUMNS.split(", ", 1)[1]
            marks = ", ".join("?" * len(row))
            cursor = connection.execute(f"INSERT INTO runs ({columns}) VALUES ({marks})", row)
            identifier = int(cursor.lastrowid or 0)
            connection.execute("COMMIT")
        return self.get(identifier)

    def list(self, limit: int | None = None) -> list[Record]:
        """Records, newest first; damaged rows are left out and kept in :attr:`damaged`."""
        with self._connect(write=False) as connection:
            query = f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC"
            rows = connection.execute(
                query + (" LIMIT ?" if limit else ""), (limit,) if limit else ()
            ).fetchall()
        records: list[Record] = []
        self.damaged = []
        for row in rows:
            try:
                records.append(_record(row))
            except DamagedRow as damaged:
                self.damaged.append(damaged)
        return records

    def get(self, identifier: int | str) -> Record:
        """One record by id; ``"latest"`` (or ``"last"``) is the newest."""
        text = str(identifier).strip().lower()
        with self._connect(write=False) as connection:
            if text in ("latest", "last"):
                row = connection.execute(
                    f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT 1"
                ).fetchone()
            else:
                try:
                    number = int(text)
                except ValueError:
                    raise InputError.single(
                        str(self.path),
                        f"{identifier!r} is not a run id",
                        path=("RUN",),
                        hint="give the number `accord runs list` shows, or 'latest'",
                    ) from None
                row = connection.execute(
                    f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (number,)
                ).fetchone()
        if row is None:
            raise InputError.single(
                str(self.path),
                f"no run {identifier}",
                path=("RUN",),
                hint="see `accord runs list` for the recorded runs",
            )
        try:
            return _record(row)
        except DamagedRow as damaged:
            raise InputError.single(
                str(self.path),
                str(damaged),
                path=("RUN",),
                hint="the other runs are intact; export them with `accord runs export`",
            ) from None


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a.b[0].c": leaf}`` for nested JSON (for diffs)."""
    items: dict[str, Any] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            items.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            items.update(flatten(value, f"{prefix}[{index}]"))
    else:
        items[prefix] = data
    return items


@dataclass(frozen=True)
class Difference:
    """One leaf that differs between two JSON documents (``None`` where it is absent)."""

    path: str
    first: Any
    second: Any


def differences(first: Any, second: Any) -> list[Difference]:
    """Leaves that differ, in the first document's order, then those only in the second."""
    left, right = flatten(first), flatten(second)
    found = [
        Difference(path, value, right.get(path))
        for path, value in left.items()
        if right.get(path, object()) != value
    ]
    found += [Difference(path, None, value) for path, value in right.items() if path not in left]
    return found


def results_hash(results: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a run's results."""
    return hashlib.sha256(canonical(results).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Mismatch:
    """One check of :func:`verify` that failed: what, the recorded and the recomputed value."""

    what: str
    recorded: str
    recomputed: str


@dataclass(frozen=True)
class Verification:
    """The outcome of re-running a record.

    ``identical`` holds when the re-run's results equal the stored ones *and* the stored
    inputs hash matches the stored inputs and options: a record whose inputs were edited and
    whose results were replaced by a re-run on the edited inputs fails the second check.
    """

    record: Record
    identical: bool
    differences: list[Difference]
    version: str
    scenario_changed: bool | None
    mismatches: tuple[Mismatch, ...] = ()


def verify(record: Record) -> Verification:
    """Re-run ``record`` from its stored scenario and options and compare the results.

    Also reports whether the scenario it was read from (a built-in id or a file) has changed
    since (``None`` when it can no longer be read).
    """
    from accord import __version__
    from accord.analysis import whatif
    from accord.analysis.runs import WHOLE, execute
    from accord.scenario.load import load
    from accord.scenario.schema import Scenario

    mismatches: list[Mismatch] = []
    recorded_inputs = inputs_hash(record.kind, record.inputs, record.options)
    if recorded_inputs != record.inputs_hash:
        mismatches.append(Mismatch("inputs hash", record.inputs_hash, recorded_inputs))
    try:
        scenario = Scenario.model_validate(record.inputs)
    except ValueError as error:
        raise InputError.single(
            None,
            f"run {record.id}: its stored scenario is not valid ({str(error).splitlines()[0]})",
            path=("RUN",),
            hint="the record was altered after it was written; re-run the scenario instead",
        ) from None
    output = execute(record.kind, scenario, record.options)
    fresh = json.loads(canonical(output.results))
    found = differences(record.results, fresh)
    stored_results, fresh_results = results_hash(record.results), results_hash(fresh)
    if stored_results != fresh_results:
        mismatches.append(Mismatch("results hash", stored_results, fresh_results))
    if record.version != __version__:
        mismatches.append(Mismatch("code version", record.version, __version__))
    changed: bool | None = None
    if record.reference:
        try:
            date = dt.date.fromisoformat(record.as_of) if record.as_of else None
            loaded = load(record.reference)
            # A ledger or a timeline looks at the whole history: its record keeps the updates.
            current = loaded if record.kind in WHOLE else whatif.current(loaded, date)
            changed = canonical(current.model_dump(mode="json")) != canonical(record.inputs)
        except InputError:
            changed = None
    identical = not found and recorded_inputs == record.inputs_hash
    return Verification(record, identical, found, __version__, changed, tuple(mismatches))
