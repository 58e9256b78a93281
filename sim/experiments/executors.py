"""Running many tasks: in this process, on local worker processes, or on a Dask cluster.

* in this process (``workers=1``);
* on local worker processes (``concurrent.futures.ProcessPoolExecutor``): a worker that dies
  breaks the pool, so the tasks it held are resubmitted to a fresh pool (up to
  :data:`MAX_ATTEMPTS` times each) instead of hanging or failing the experiment;
* on an existing Dask distributed cluster (``scheduler="tcp://host:port"``), which
  reschedules the tasks of a lost worker itself.

Results come back in any order; the caller writes each as it arrives.
"""


from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import warnings
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sim.errors import UserError

MAX_ATTEMPTS = 3
#: How long to try reaching a Dask scheduler.
CONNECT_TIMEOUT = "10s"
#: Files an experiment writes into its directory (besides chunks/).


class ExperimentError(UserError):
    """A problem with where or how an experiment runs; ``str()`` is one line."""


# --- running many tasks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A task to run somewhere: ``fn(*args)``, under a unique key."""

    key: str
    fn: Callable[..., Any]
    args: tuple
    runs: int = 1


def run_serial(calls: list[Call], on_done: Callable[[Call, Any], None]) -> None:
    """Run every call in this process, in order."""
    for call in calls:
        on_done(call, call.fn(*call.args))


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them and keeps what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of worker processes: forked where that is safe (one thread, Linux), as it starts at once."""
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=_ignore_interrupts)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and end its worker processes."""
    executor.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(executor, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def run_local(calls: list[Call], workers: int, on_done: Callable[[Call, Any], None],
              max_attempts: int = MAX_ATTEMPTS) -> dict[str, int]:
    """Run calls on ``workers`` local processes, resubmitting those whose worker died.

    At most ``workers`` calls are in flight, so a broken pool loses only those; they go back
    to the front of the queue and a fresh pool takes over. A call that has lost its worker
    ``max_attempts`` times ends the experiment with an :class:`ExperimentError`. Exceptions
    a call raises itself are not retried. Returns how many times each resubmitted call ran.
    """
    queue, attempts = deque(calls), Counter[str]()
    while queue:
        executor = _pool(min(workers, len(queue)))
        running: dict = {}
        lost: list[Call] = []

        def refill() -> None:
            with warnings.catch_warnings():
                # numpy's BLAS threads make Python warn at fork; they are fork-safe, and no
                # Python thread runs here (_pool forks only then)
                warnings.filterwarnings("ignore", message=r"This process .* is multi-threaded",
                                        category=DeprecationWarning)
                while queue and not lost and len(running) < workers:
                    call = queue.popleft()
                    running[executor.submit(call.fn, *call.args)] = call

        try:
            refill()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                finished = []
                for future in done:
                    call = running.pop(future)
                    if isinstance(future.exception(), BrokenProcessPool):
                        lost.append(call)
                    else:
                        finished.append((call, future))
                refill()  # keep the workers busy while this process stores what came back
                for call, future in finished:
                    on_done(call, future.result())
            executor.shutdown(wait=True)
        except BaseException:
            _stop(executor)
            raise
        for call in lost:
            attempts[call.key] += 1
            if attempts[call.key] >= max_attempts:
                raise ExperimentError(f"task {call.key} lost its worker process {attempts[call.key]} times; giving up")
        queue.extendleft(reversed(lost))
    return {key: count + 1 for key, count in attempts.items()}


def run_dask(calls: list[Call], address: str, on_done: Callable[[Call, Any], None]) -> None:
    """Run calls on an existing Dask distributed cluster; results come back as they finish."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ExperimentError("--scheduler needs dask.distributed: pip install 'tajsim[cluster]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExperimentError(f"--scheduler: cannot reach a Dask scheduler at {address} ({exc})") from None
    futures: dict = {}
    try:
        for call in calls:
            futures[client.submit(call.fn, *call.args, key=call.key, pure=False)] = call
        try:
            for future, value in as_completed(list(futures), with_results=True):
                on_done(futures[future], value)
                future.release()
        except ImportError as exc:
            raise ExperimentError(f"--scheduler: the Dask workers cannot run tajsim ({exc}); "
                                  "install it where the workers run") from None
    finally:
        if futures:
            client.cancel(list(futures))
        client.close()


