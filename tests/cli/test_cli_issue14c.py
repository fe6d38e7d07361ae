"""Issue 14 (part C): `--record` on every command that computes, and human help metavars."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import accord.cli as cli
from accord.cli.common import app
from accord.cli.lazy import load_all
from accord.records import RunStore

RUNNER = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "160"}

# Commands that compute a result but are not recorded yet (each needs a kind in
# accord.analysis.runs that `accord runs verify` can recompute). A new command must either
# take --record or be named here or in NOT_COMPUTING, with the reason.
NOT_RECORDED_YET = {
    "odds": "kind not yet in accord.analysis.runs",
    "backtest": "kind not yet in accord.analysis.runs",
    "precedents": "kind not yet in accord.analysis.runs",
    "report": "a document of many analyses, not one run",
    "territory": "measures map files, not a scenario",
    "ledger replay": "always recorded: `ledger score` reads its records",
    "ledger score": "scores the rows `ledger replay` recorded",
}
NOT_COMPUTING = {
    "scenarios", "models", "validate", "schema", "convert", "serve",
    "runs list", "runs show", "runs diff", "runs export", "runs verify",
}  # fmt: skip


def commands() -> Iterator[tuple[str, Any]]:
    """Every leaf command of the app as (``"runs show"``, click command)."""
    load_all()
    root = get_command(app)

    def walk(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
        if hasattr(command, "list_commands"):
            ctx = command.make_context("accord", [], resilient_parsing=True)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(root, [])


def test_every_command_that_computes_takes_record() -> None:
    seen = dict(commands())
    unknown = set(NOT_RECORDED_YET) | NOT_COMPUTING
    assert unknown <= set(seen), unknown - set(seen)
    for name, command in seen.items():
        flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
        if name in NOT_COMPUTING or name in NOT_RECORDED_YET:
            continue
        assert "--record" in flags, f"`accord {name}` computes but has no --record"
    recorded = {name for name in seen if name not in NOT_COMPUTING | set(NOT_RECORDED_YET)}
    expected = {"forecast", "sweep", "sensitivity", "levers", "zone", "robustness", "linkage"}
    assert expected | {"timeline", "war", "deal", "ratify", "simulate"} <= recorded


RECORDED = {
    "zone": ["zone", "-n", "5", "--set", "russia.red_line.donbas=60"],
    "robustness": ["robustness", "-m", "compromise", "--set", "us.salience.guarantees=90"],
    "linkage": ["linkage", "--set", "russia.red_line.donbas=60"],
    "timeline": ["timeline", "-m", "compromise", "--set", "us.salience.guarantees=90"],
    "war": ["war", "-n", "4", "--months", "3", "--regime", "current"],
    "deal": ["deal", "28-point", "-n", "4"],
    "ratify": ["ratify", "28-point", "-n", "20", "--set", "russia.capability=30"],
    "simulate": ["simulate", "-n", "4", "--opening", "28-point", "--strategy", "russia=boulware"],
}


@pytest.mark.parametrize("kind", list(RECORDED))
def test_runs_are_recorded_and_verify(kind: str) -> None:
    ran = RUNNER.invoke(app, [*RECORDED[kind], "-f", "json"], env=ENV)
    assert ran.exit_code == 0, ran.output
    printed = json.loads(ran.stdout)
    shown = RUNNER.invoke(app, ["runs", "show", "latest", "-f", "json"], env=ENV)
    record = json.loads(shown.stdout)
    seeded = kind != "linkage"  # linkage draws nothing
    assert record["kind"] == kind and record["seed"] == (0 if seeded else None)
    # The record holds what the run computed, its sources included; the numbers shared with
    # `accord odds` (deal, ratify, simulate) are computed beside it and only printed.
    printed.pop("odds", None)
    assert "sources_used" in record["results"]
    assert record["results"] == printed
    if kind in ("deal", "ratify"):
        # The deal's own terms are kept: verify needs no deal file.
        assert record["options"]["deal"]["id"] == "28-point"
        assert record["options"]["deal"]["terms"]
    if kind == "ratify":
        assert record["options"]["changes"] == {"russia.capability": {"value": 30.0}}
    verified = RUNNER.invoke(app, ["runs", "verify", "latest"], env=ENV)
    assert verified.exit_code == 0, verified.output
    seed = ", seed 0" if seeded else ""
    assert f"({kind} ukraine-2025 as of 2025-12-02{seed}): identical" in verified.output


def test_a_tampered_dynamics_record_fails_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    assert RUNNER.invoke(app, ["war", "-n", "3", "--months", "2", "--no-record"]).exit_code == 0
    assert not RunStore().path.exists()
    assert RUNNER.invoke(app, ["war", "-n", "3", "--months", "2", "-f", "json"]).exit_code == 0
    record = RunStore().get("latest")
    changed = {**record.options, "seed": 1}
    from accord.records import verify

    altered = type(record)(**{**record.__dict__, "options": changed})
    result = verify(altered)
    assert not result.identical and result.differences


def test_an_unsaved_dynamics_record_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(self: RunStore, **_: Any) -> Any:
        raise self._error(__import__("sqlite3").OperationalError("database is locked"))

    monkeypatch.setattr(RunStore, "add", fail)
    monkeypatch.setattr(sys, "argv", ["accord", "war", "-n", "3", "--months", "2", "-f", "json"])
    with pytest.raises(SystemExit) as done:
        cli.main()
    out, err = capsys.readouterr()
    assert done.value.code == 3
    assert json.loads(out)["regimes"]
    assert "the result above was not recorded" in err


RAW_TYPE = re.compile(r"<(str|int|float|bool|path|list\[|tuple|dict|Path|text|integer)", re.I)


def test_no_help_shows_a_raw_type() -> None:
    for name, _ in commands():
        shown = RUNNER.invoke(app, [*name.split(), "--help"], env=ENV)
        assert shown.exit_code == 0, (name, shown.output)
        found = RAW_TYPE.search(shown.output)
        assert found is None, f"`accord {name} --help` shows {found.group(0) if found else ''}"


def test_arguments_are_named_for_what_they_take() -> None:
    def arguments(*command: str) -> str:
        text = RUNNER.invoke(app, [*command, "--help"], env=ENV).output
        return text.split("Arguments:")[1].split("Options:")[0]

    assert arguments("forecast").split()[0] == "SCENARIO"
    assert "DEAL" in arguments("deal")
    assert arguments("convert").split()[0] == "SOURCE" and "FILE" in arguments("convert")
    assert "RUN..." in arguments("runs", "export")
    assert "FILE..." in arguments("territory")


WATER = str(Path(__file__).resolve().parents[2] / "examples" / "water-treaty.yaml")


def _timeline(*extra: str) -> dict[str, Any]:
    ran = RUNNER.invoke(app, ["timeline", WATER, "-m", "compromise", "-f", "json", *extra], env=ENV)
    assert ran.exit_code == 0, ran.output
    return dict(json.loads(ran.stdout))


def test_timeline_set_holds_at_every_date_like_forecast_as_of() -> None:
    plain = _timeline()
    changed = _timeline("--set", "up.position.share=40", "--set", "down.salience.share=90")
    assert changed["whatif"]["changes"]["up.position.share"] == {"value": 40.0}
    # The update that moved upstream to 50 moves nothing now: the what-if holds throughout.
    assert [p["positions"]["share"]["up"] for p in plain["points"]] == [60.0, 50.0]
    assert [p["positions"]["share"]["up"] for p in changed["points"]] == [40.0, 40.0]
    assert [p["salience"]["share"]["down"] for p in changed["points"]] == [90.0, 90.0]
    values = [p["forecasts"]["compromise"]["share"]["value"] for p in changed["points"]]
    assert values[0] != plain["points"][0]["forecasts"]["compromise"]["share"]["value"]
    assert values[0] == pytest.approx(values[1])
    # Each point is what `accord forecast --as-of DATE` gives with the same changes.
    for point in changed["points"]:
        date = point["date"] or "2026-01-01"
        ran = RUNNER.invoke(
            app,
            ["forecast", WATER, "-m", "compromise", "--as-of", date, "-f", "json", "--no-record",
             "--set", "up.position.share=40", "--set", "down.salience.share=90"],
            env=ENV,
        )  # fmt: skip
        assert ran.exit_code == 0, ran.output
        expected = json.loads(ran.stdout)["models"]["compromise"]["issues"]["share"]["value"]
        assert point["forecasts"]["compromise"]["share"]["value"] == pytest.approx(expected)


def test_timeline_overlay_and_bad_set() -> None:
    shown = RUNNER.invoke(app, ["timeline", WATER, "-m", "compromise", "--set", "up.x.share=1"])
    assert shown.exit_code == 2
    assert "error:" in shown.output and "--set" in shown.output
