"""Executors on this machine, and the one entry point that chooses a backend.

Analyses split their work into chunks and call ``engine.executor.map(function, chunks)``.
The in-process executor (the default) runs each chunk when the caller asks for its result, so
progress can be reported chunk by chunk; ``jobs=K`` uses a pool of K processes; ``workers``
and ``scheduler`` use Dask (:mod:`accord.engines.dask_engine`). Callers make results
independent of the backend by seeding each fixed-size block of work on its own
(``SeedSequence.spawn``), never per chunk or per worker.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from accord.errors import InputError

T = TypeVar("T")


class InProcessExecutor(Executor):
    """An executor that runs every call in the calling thread.

    ``map`` is lazy: each call runs when its result is requested, in order, which keeps memory
    flat and lets a progress bar advance per chunk.
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` now and return a finished future."""
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future

    def map(
        self,
        fn: Callable[..., T],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        chunksize: int = 1,
        **kwargs: Any,
    ) -> Iterator[T]:
        """Lazily apply ``fn`` to the items of ``iterables``, in order."""
        return map(fn, *iterables)


@dataclass(frozen=True)
class Engine:
    """An executor with what callers need to know about it.

    Attributes
    ----------
    executor
        Where chunks run.
    description
        For logs, benchmarks and run records, e.g. ``"process pool (2 processes)"``.
    parallelism
        How many chunks can run at once; callers cut about four chunks per slot.
    """

    executor: Executor
    description: str
    parallelism: int


def _positive(value: int | None, option: str) -> None:
    if value is not None and value < 1:
        raise InputError.single(
            None,
            f"{option} must be at least 1, got {value}",
            path=(option,),
            hint=f"use {option} 1 or more",
        )


@contextmanager
def open_engine(
    jobs: int | None = None, workers: int | None = None, scheduler: str | None = None
) -> Iterator[Engine]:
    """The engine for the given options, shut down on exit.

    Parameters
    ----------
    jobs
        Run chunks in a pool of this many processes on this machine.
    workers
        Start a Dask ``LocalCluster`` with this many worker processes.
    scheduler
        Join a running Dask cluster at this address (e.g. ``tcp://10.0.0.5:8786``).

    With none of them, chunks run in this process. At most one may be given.
    """
    _positive(jobs, "--jobs")
    _positive(workers, "--workers")
    given = [
        name
        for name, value in (("--jobs", jobs), ("--workers", workers), ("--scheduler", scheduler))
        if value is not None
    ]
    if len(given) > 1:
        raise InputError.single(
            None,
            f"{' and '.join(given)} cannot be combined",
            path=(given[1],),
            hint="choose one backend: --jobs (processes here), --workers (a local Dask cluster) "
            "or --scheduler (a running Dask cluster)",
        )
    if workers is not None and scheduler is None and not dask_installed():
        # `pip install .` has no Dask: --workers K still runs, on K processes here (the same
        # numbers, since chunks get their seeds from SeedSequence.spawn whatever the backend).
        sys.stderr.write(
            f"Dask is not installed: running {workers} worker processes on this machine "
            "instead (pip install 'accord[distributed]' for a Dask cluster)\n"
        )
        jobs, workers = workers, None
    if workers is not None or scheduler is not None:
        from accord.engines.dask_engine import open_dask

        with open_dask(workers=workers, scheduler=scheduler) as engine:
            yield engine
        return
    if jobs is not None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            plural = "es" if jobs > 1 else ""
            yield Engine(pool, f"process pool ({jobs} process{plural})", jobs)
        return
    yield Engine(InProcessExecutor(), "in process", 1)


def dask_installed() -> bool:
    """Whether Dask's distributed scheduler can be imported (the ``distributed`` extra)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive runs of ``size`` items (the last may be shorter)."""
    step = max(1, int(size))
    return [list(items[start : start + step]) for start in range(0, len(items), step)]


def chunk_size(count: int, parallelism: int, per_slot: int = 4) -> int:
    """Items per chunk so that each parallel slot gets about ``per_slot`` chunks."""
    if parallelism <= 1:
        return 1
    return max(1, -(-count // (parallelism * per_slot)))
