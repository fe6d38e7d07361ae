"""Run the Decide reference's ``decide-cli`` (``decide-exchange-model`` 2022.1.28).

This file runs **in the reference's own virtual environment** (never in accord's), as an outside
program: ``/path/to/decide-venv/bin/python benchmarks/decide_cli.py --input_file …``. It only
works around two faults of the published command line so that it runs headless: it never calls
``before_model`` (so its SQLite observer fails), and it forces matplotlib's Qt backend. Nothing
of the reference is copied; its own ``decide.cli.main`` does the work.

With ``DECIDE_TIMING=1`` it also times the model's own computation (the methods a round calls on
the model: outcomes, groups, exchanges, the choice of the best and the recalculation of the
rest; not the observers that write its output) and prints ``model seconds: X`` to stderr.
"""

import atexit
import os
import sys
import time

import decide.cli as cli
import matplotlib.pyplot
from decide.model.base import AbstractModel
from decide.model.equalgain import EqualGainModel

matplotlib.pyplot.switch_backend("Agg")
_init_event_handlers = cli.init_event_handlers


def init_event_handlers(model, output_directory, database_file, write_csv=True):
    handler = _init_event_handlers(model, output_directory, database_file, write_csv)
    handler.before_model()
    return handler


cli.init_event_handlers = init_event_handlers

if os.environ.get("DECIDE_TIMING"):
    spent = [0.0]

    def timed(method):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    for name in (
        "calc_nbs",
        "determine_positions",
        "calc_combinations",
        "determine_groups_and_calculate_exchanges",
        "remove_invalid_exchanges",
    ):
        setattr(AbstractModel, name, timed(getattr(AbstractModel, name)))
    EqualGainModel.highest_gain = timed(EqualGainModel.highest_gain)
    atexit.register(lambda: print(f"model seconds: {spent[0]:.6f}", file=sys.stderr))

if __name__ == "__main__":
    sys.exit(cli.main())
