"""Parse uploaded scenarios off the event loop, in a separate process with a time and memory bound.

The loader refuses alias bombs, deep nesting and the like in milliseconds; this is the second
line of defence. An upload is parsed in a worker process whose address space is capped
(``RLIMIT_AS``), and a parse that is still running after its time limit is stopped by killing
the worker (a thread could not be stopped). Meanwhile the server's event loop stays free, so
health checks, polls and other requests are answered as usual.
"""

from __future__ import annotations

import asyncio
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from accord.errors import ErrorDetail, InputError
from accord.scenario.load import decode, load_text
from accord.scenario.schema import Scenario
from accord.web.workers import start_context

PARSE_TIMEOUT_S = 10.0
PARSE_MEMORY_BYTES = 2 * 1024**3

Parsed = tuple[Scenario | None, str | None, list[ErrorDetail]]


def _cap_memory(limit: int) -> None:  # pragma: no cover - runs in the worker process
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def parse_upload(
    content: bytes,
    name: str,
    suffix: str,
    scale_min: float | None,
    scale_max: float | None,
) -> Parsed:
    """Decode and load one upload; errors come back as data (they pickle, exceptions may not)."""
    try:
        scenario = load_text(
            decode(content, name), name, suffix, scale_min=scale_min, scale_max=scale_max
        )
    except InputError as error:
        return None, error.file, list(error.problems)
    except MemoryError:
        return None, name, [_limit_detail("needs more memory than an upload may use")]
    return scenario, None, []


def _limit_detail(what: str) -> ErrorDetail:
    return ErrorDetail(
        f"the file {what}",
        ("file",),
        hint="scenario files are small and plain; check that this is the right file",
    )


class UploadParser:
    """One worker process (started on first use) that parses uploads one at a time."""

    def __init__(
        self, timeout_s: float = PARSE_TIMEOUT_S, memory_bytes: int = PARSE_MEMORY_BYTES
    ) -> None:
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=start_context(),
                    initializer=_cap_memory,
                    initargs=(self.memory_bytes,),
                )
            return self._pool

    def _stop(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list(pool._processes.values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def parse(
        self,
        content: bytes,
        name: str,
        suffix: str,
        scale_min: float | None = None,
        scale_max: float | None = None,
    ) -> Scenario:
        """The checked scenario, or :class:`InputError` (also for a parse over its bounds)."""
        pool = self._executor()
        future = asyncio.get_running_loop().run_in_executor(
            pool, parse_upload, content, name, suffix, scale_min, scale_max
        )
        try:
            scenario, file, problems = await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            self._stop(pool)
            raise InputError(
                name, [_limit_detail(f"took over {self.timeout_s:g} s to read")]
            ) from None
        except BrokenProcessPool:
            self._stop(pool)
            raise InputError(name, [_limit_detail("stopped the reader (out of memory)")]) from None
        if scenario is None:
            raise InputError(file, problems)
        return scenario

    def close(self) -> None:
        """Stop the worker process."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
