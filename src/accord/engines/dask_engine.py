"""Dask distributed as an engine: a local cluster (``--workers K``) or a running one.

Dask is an optional extra (``pip install 'accord[distributed]'``); it is imported only when
asked for, and its absence is reported as bad input with the install command. Work goes
through ``Client.get_executor()``, the ``concurrent.futures`` face of a Dask client, so the
analyses do not know which backend they run on.

References
----------
Rocklin, M. (2015). Dask: parallel computation with blocked algorithms and task scheduling.
*Proceedings of the 14th Python in Science Conference*, 130-136.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from accord.engines.local import Engine
from accord.errors import InputError

INSTALL_HINT = "pip install 'accord[distributed]'"
CONNECT_TIMEOUT = "10s"


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError.single(
            None,
            "Dask is not installed, so --workers and --scheduler are unavailable",
            path=("--workers",),
            hint=f"install it with: {INSTALL_HINT}",
        ) from None
    return distributed


@contextmanager
def open_dask(workers: int | None = None, scheduler: str | None = None) -> Iterator[Engine]:
    """A Dask engine: start a ``LocalCluster`` of ``workers`` processes, or join ``scheduler``.

    Workers run one thread each, so a chunk never competes with another inside one process
    (NumPy already uses the cores it is given). A running cluster (``scheduler``) keeps its own
    settings; start its workers with ``MALLOC_TRIM_THRESHOLD_`` unset for NumPy-heavy work.
    """
    distributed = _import_distributed()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError.single(
                None,
                f"cannot reach the Dask scheduler at {scheduler!r} ({error})",
                path=("--scheduler",),
                hint="give the address the scheduler prints, e.g. tcp://127.0.0.1:8786",
            ) from None
        try:
            count = max(1, len(client.scheduler_info().get("workers", {})))
            yield Engine(
                client.get_executor(pure=False),
                f"dask scheduler {scheduler} ({count} workers)",
                count,
            )
        finally:
            client.close()
        return
    assert workers is not None
    import dask

    # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc return
    # memory after every large NumPy temporary; on the SMP model that made a one-worker
    # cluster 3-4 times slower than the same draws in process. Model kernels allocate and
    # free large arrays all the time, so start the workers with glibc's default instead.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    try:
        client = distributed.Client(cluster)
        try:
            plural = "s" if workers > 1 else ""
            yield Engine(
                client.get_executor(pure=False),
                f"dask LocalCluster ({workers} worker{plural})",
                workers,
            )
        finally:
            client.close()
    finally:
        cluster.close()
