"""Load each command's module only when that command runs, so the CLI starts fast.

The command modules import NumPy, SciPy, pydantic, plotly and the analyses; importing all of
them took about a second before any command could start, ``--help`` and ``--version``
included. :class:`LazyGroup` lists the commands from :data:`COMMANDS` (name, module and
one-line help, in the order a newcomer meets them) and imports a module the first time one of
its commands is looked up. ``tests/cli/test_startup.py`` checks that this table matches the
commands the modules register.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from typer.core import TyperGroup

COMMANDS: dict[str, tuple[str, str]] = {
    "forecast": (
        "forecast",
        "Forecast where each issue settles, with every model (or those chosen).",
    ),
    "zone": (
        "zone",
        "The zone of agreement: outcomes inside every veto player's red lines, or who blocks.",
    ),
    "odds": (
        "odds",
        "P(a signed framework by --by), as of --as-of: zone × reached by T × ratified | signed.",
    ),
    "ledger": (
        "odds",
        "The track record: replay dated probabilities of the scenario's events, and score the "
        "resolved ones.",
    ),
    "scenarios": ("scenarios", "List the built-in scenarios."),
    "models": (
        "scenarios",
        "List the registered models with their citations, or one model's parameters.",
    ),
    "validate": ("scenarios", "Check a scenario file and report every problem, one a line."),
    "schema": ("scenarios", "Print the JSON Schema of the scenario format."),
    "convert": ("scenarios", "Write a native scenario file from any supported input."),
    "sweep": (
        "sweep",
        "Sample every ranged input N times and summarise each model's settlements.",
    ),
    "sensitivity": (
        "sensitivity",
        "Rank the uncertain inputs by how much of each issue's forecast they drive.",
    ),
    "robustness": (
        "robustness",
        "Rerun the models leaving each actor out, with the parties only, and with each bloc "
        "merged.",
    ),
    "linkage": (
        "linkage",
        "Two-issue trades among the veto players, and the smallest package better than no deal.",
    ),
    "levers": (
        "levers",
        "Rank single changes by how far they move the forecast toward ACTOR's positions.",
    ),
    "runs": ("runs", "Recorded runs: list, show, diff, export, verify."),
    "territory": (
        "territory",
        "Area under control per oblast and in total, and the gains between files (km²).",
    ),
    "war": (
        "dynamics",
        "The bargaining range month by month under each aid regime, and what it does to Nash.",
    ),
    "deal": (
        "dynamics",
        "What a deal is worth to every actor against fighting on, with and without breakdown.",
    ),
    "ratify": ("dynamics", "The probability a deal is ratified, and who would block it."),
    "simulate": (
        "dynamics",
        "Simulated talks under a deadline: P(agreement), terms, rounds, P(ratified).",
    ),
    "timeline": (
        "analysis",
        "The forecast at every dated update (and chosen dates), and which update moved it.",
    ),
    "backtest": (
        "analysis",
        "Score every model against known outcomes: built-in cases and a DEU III file.",
    ),
    "precedents": (
        "analysis",
        "Base rates and nearest precedents in the PA-X peace agreements database.",
    ),
    "report": (
        "report",
        "Write a self-contained HTML report: summary, forecast, figures, map, assumptions, "
        "sources.",
    ),
    "serve": (
        "serve",
        "Start the web dashboard: pick or upload a scenario, edit values, run, download results.",
    ),
}


def load_all() -> None:
    """Import every command module (for tests and tools that need the whole app)."""
    for module in dict.fromkeys(module for module, _ in COMMANDS.values()):
        import_module(f"accord.cli.{module}")


class LazyGroup(TyperGroup):
    """The root command: lists :data:`COMMANDS`, imports a command's module on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in :data:`COMMANDS` order (then any registered elsewhere)."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command ``cmd_name``, importing the module that registers it if need be."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        import_module(f"accord.cli.{entry[0]}")
        from typer.main import get_group

        from accord.cli.common import app

        command = get_group(app).commands.get(cmd_name)
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from :data:`COMMANDS`, without importing any module."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _shorten(text, limit)) for name, (_, text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 3, 1)].rstrip() + "..."
