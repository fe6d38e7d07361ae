"""Issue 14 (part A): model options on every `-m`, a fast start, `python -m accord`, and
commands on scenarios that lack a block (no NaN, no warnings)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_group

from accord import __version__
from accord.cli.common import app
from accord.cli.lazy import COMMANDS, load_all

ROOT = Path(__file__).resolve().parents[2]
BESIDE = Path(sys.executable).with_name("accord")
ACCORD = str(BESIDE) if BESIDE.exists() else shutil.which("accord") or str(BESIDE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run(
        [ACCORD, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


WATER = str(ROOT / "examples" / "water-treaty.yaml")


def test_the_lazy_command_table_matches_the_registered_commands() -> None:
    load_all()
    group = get_group(app)
    assert set(group.commands) == set(COMMANDS)
    for name, command in group.commands.items():
        # A group (runs, ledger) is registered by the module of its subcommands.
        callback = command.callback or next(iter(command.commands.values())).callback
        module = callback.__module__
        assert module == f"accord.cli.{COMMANDS[name][0]}", name
        assert " ".join((command.help or "").split()).startswith(COMMANDS[name][1]), name


def _imported_after(args: list[str]) -> set[str]:
    code = (
        "import sys\nfrom accord.cli import main\nsys.argv = ['accord', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return set(ran.stderr.split())


@pytest.mark.parametrize("args", [["--version"], ["--help"], []])
def test_help_and_version_import_no_numerics(args: list[str]) -> None:
    modules = _imported_after(args)
    heavy = {"numpy", "scipy", "pydantic", "plotly", "pandas", "accord.analysis", "accord.models"}
    assert not heavy & modules


def test_version_help_and_python_dash_m() -> None:
    assert run("--version").stdout.strip() == f"accord {__version__}"
    ran = subprocess.run(
        [sys.executable, "-m", "accord", "--help"], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0
    for name in COMMANDS:
        assert f"  {name} " in ran.stdout
    assert "--install-completion" in ran.stdout
    assert run("runs", "--help").returncode == 0
    unknown = run("nosuch")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


def test_models_name_lists_parameters_defaults_and_choices() -> None:
    shown = run("models", "eum")
    assert shown.returncode == 0, shown.stderr
    for text in ("variant", "scholz-code", "one of: paper, scholz-code", "int or none"):
        assert text in shown.stdout
    assert "-m eum:variant=paper" in shown.stdout
    assert "within_zone" in run("models", "compromise").stdout
    assert "-m smp:victory_model=square" in run("models", "smp").stdout
    missing = run("models", "nosuch")
    assert missing.returncode == 2 and "unknown model 'nosuch'" in missing.stderr
    assert "compromise" in run("models").stdout


def test_two_specs_of_one_model_and_the_record_keeps_the_parameters(tmp_path: Path) -> None:
    ran = run("forecast", "emission-1994", "-m", "eum", "-m", "eum:variant=paper", "-f", "json")
    assert ran.returncode == 0, ran.stderr
    assert list(json.loads(ran.stdout)["models"]) == ["eum", "eum[variant=paper]"]
    shown = json.loads(run("runs", "show", "latest", "-f", "json").stdout)
    text = json.dumps(shown)
    assert '"variant": "paper"' in text and '"max_rounds": 10' in text
    assert run("runs", "verify").returncode == 0


def test_a_bad_option_value_lists_the_choices() -> None:
    ran = run("forecast", "emission-1994", "-m", "eum:variant=papr")
    assert ran.returncode == 2
    assert "one of: paper, scholz-code" in ran.stderr and "Traceback" not in ran.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", WATER, "-m", "nash:loss=linear", "--draws", "40", "--seed", "1", "-f", "json"],
        ["sensitivity", WATER, "-m", "nash:loss=linear", "--method", "morris", "--samples", "4"],
        ["levers", WATER, "--actor", "down", "-m", "eum:rounds=2", "-f", "json"],
        ["timeline", WATER, "-m", "eum:variant=paper", "-f", "json"],
        ["backtest", "-m", "eum:variant=paper", "-m", "eum", "-f", "json"],
        ["deal", "emission-1994", "--model", "eum:variant=paper", "-f", "json"],
    ],
    ids=lambda args: args[0],
)
def test_every_model_option_takes_a_spec(args: list[str]) -> None:
    ran = run(*args)
    assert ran.returncode == 0, ran.stderr
    if "json" in args:
        assert "paper" in ran.stdout or "linear" in ran.stdout or "rounds" in ran.stdout


def test_report_takes_a_spec(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    args = ["-m", "eum:variant=paper", "--no-analyses", "--draws", "1", "-o", str(target)]
    ran = run("report", "emission-1994", *args)
    assert ran.returncode == 0, ran.stderr
    assert "eum[variant=paper]" in target.read_text(encoding="utf-8")


def test_simulate_without_ratification_says_so_without_nan() -> None:
    ran = run("simulate", WATER, "--runs", "60", "--seed", "1")
    assert ran.returncode == 0, ran.stderr
    assert "nan" not in ran.stdout and "Warning" not in ran.stderr
    assert "Ratification not modelled" in ran.stdout
    data = json.loads(run("simulate", WATER, "--runs", "60", "--seed", "1", "-f", "json").stdout)
    assert data["ratified_given_agreement"] is None and data["agreed_and_ratified"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["war", WATER], "no war block"),
        (["ratify", "emission-1994", "--model", "nash"], "no ratification block"),
        (["precedents", WATER], "has no PA-X mapping"),
    ],
)
def test_a_missing_block_is_one_line(args: list[str], message: str) -> None:
    ran = run(*args)
    assert ran.returncode == 2
    assert message in ran.stderr and len(ran.stderr.strip().splitlines()) == 1
    assert "Warning" not in ran.stderr and "nan" not in ran.stdout


def test_precedents_with_a_mapping() -> None:
    ran = run("precedents", WATER, "--map", "share=EpsRes", "-f", "json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["on_the_table"] == ["EpsRes"]


def test_backtest_promises_an_interval_only_where_it_prints_one() -> None:
    text = " ".join(run("backtest").stdout.split())
    assert "no bootstrap interval" in text and "95 % bootstrap" not in text
    deu = " ".join(
        run("backtest", "--deu", str(ROOT / "examples" / "deu-synthetic.csv")).stdout.split()
    )
    assert "95 % bootstrap interval" in deu and "[1.7 to 13.3]" in deu


def test_shell_completion_is_offered() -> None:
    env = {**os.environ, "_ACCORD_COMPLETE": "complete_bash", "COMP_WORDS": "accord fore",
           "COMP_CWORD": "1"}  # fmt: skip
    ran = subprocess.run([ACCORD], capture_output=True, text=True, env=env, check=False)
    assert ran.stdout.split() == ["forecast"]
