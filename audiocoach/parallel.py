"""Work spread over this machine's cores, or over a Dask cluster: the same tasks, the same
results, in the order they were given.

A task is a top-level function and picklable arguments. `pool()` gives the executor to run
them on: None (one task at a time, here: `--workers 1`), a `Pool` of this machine's
processes, or the executor of a Dask distributed client (`--scheduler ADDRESS`, the
optional `cluster` extra). Both are `concurrent.futures` executors: the processes, their
queues and the cluster's scheduling are theirs; `run` only hands a local pool's processes
the next task when they are free.

This process is one of the workers of a local pool: it has no second to lose starting.
Inside a task everything runs on one core (`Options.workers = 1`): the task is already one
of many. The warnings a task gives are carried back with its result and given again here,
so they are shown as the command shows them.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from typing import Any

from .errors import AudiocoachError

CLUSTER_HINT = "pip install 'audiocoach[cluster]' (on this machine and on the workers)"


def cores(workers: int | None) -> int:
    """The number of tasks to run at once: `workers`, or this machine's core count."""
    return max(1, workers or os.cpu_count() or 1)


class Pool(ProcessPoolExecutor):
    """A pool of `processes` spawned processes of this machine ("spawn": a forked copy of a
    running speech engine can deadlock)."""

    def __init__(self, processes: int) -> None:
        super().__init__(processes, mp_context=multiprocessing.get_context("spawn"))
        self.processes = processes


@contextmanager
def pool(workers: int | None, tasks: int, scheduler: str | None = None,
         warm: Callable[[], object] | None = None) -> Iterator[Executor | None]:
    """The executor for `tasks` tasks: the Dask cluster at `scheduler` when given; else, to
    use min(`workers`, tasks) cores, a pool of one process fewer (this process is the other
    one: `run` gives it tasks too, and it needs no time to start); else None (run them
    here, in turn). With `warm` (a top-level function), the processes start at once and
    call it while this one goes on (reading the routines, say): a process takes about a
    second to start and make what it makes once (the imports, the tones)."""
    if scheduler:
        with cluster(scheduler) as executor:
            yield executor
        return
    n = min(cores(workers), tasks) - 1
    if n < 1:
        yield None
        return
    executor = Pool(n)
    if warm:
        for _ in range(n):
            executor.submit(warm)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def cluster(address: str) -> Iterator[Executor]:
    """The executor of the Dask distributed scheduler at `address` (tcp://host:8786)."""
    try:
        from distributed import Client
    except ImportError as err:
        raise AudiocoachError("--scheduler needs Dask distributed, which is not installed",
                              hint=CLUSTER_HINT) from err
    try:
        client = Client(address, timeout=30, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise AudiocoachError(f"cannot reach the Dask scheduler at {address}: {err}",
                              hint="start one with `dask scheduler` and workers with "
                                   "`dask worker ADDRESS --nthreads 1`") from err
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


def run(task: Callable[..., Any], arguments: Iterable[tuple], executor: Executor | None,
        done: Callable[[int, Any], None] = lambda i, result: None) -> list[Any]:
    """task(*a) for each tuple `a` of `arguments`, on `executor` (None: here, in turn).
    done(i, result) is called here as each finishes (in the order they finish); the results
    come back in the order of `arguments`. An error in a task is raised here once the tasks
    already running have finished (none is left half-done); those not started are not."""
    arguments = list(arguments)
    results: list[Any] = [None] * len(arguments)

    def report(i: int, result: Any) -> None:
        results[i] = result
        done(i, result)

    if executor is None:
        for i, args in enumerate(arguments):
            report(i, task(*args))
    elif isinstance(executor, Pool):
        _share(task, arguments, executor, report)
    else:  # a Dask cluster's (or any other executor): its scheduler places them
        futures = {executor.submit(_caught, task, args): i for i, args in enumerate(arguments)}
        try:
            for future in as_completed(futures):
                report(futures[future], given(future.result()))
        except BaseException:
            for future in futures:
                future.cancel()
            wait(futures)  # let the running ones finish their files
            raise
    return results


def _share(task: Callable[..., Any], arguments: list[tuple], executor: Pool,
           report: Callable[[int, Any], None]) -> None:
    """The tasks shared, in their order, between this process and the pool's: whoever is
    free takes the next one. Each of the pool's processes has one task at a time (a thread
    here hands it over and waits), so none is queued behind a busy process while another
    is idle: given the longest first, they all end within about the last one's length."""
    todo = deque(range(len(arguments)))  # popleft is atomic: the threads share it
    finished: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()

    def hand_over() -> None:
        while True:
            try:
                i = todo.popleft()
            except IndexError:
                return
            try:
                finished.put((i, True, executor.submit(_caught, task, arguments[i]).result()))
            except BaseException as err:  # raised in the caller's thread
                finished.put((i, False, err))
                return

    threads = [threading.Thread(target=hand_over, daemon=True)
               for _ in range(executor.processes)]
    for thread in threads:
        thread.start()
    left = len(arguments)

    def collect() -> None:
        """Report the next task the pool has finished (waiting for it), or raise its error."""
        nonlocal left
        i, ok, value = finished.get()
        if not ok:
            raise value
        left -= 1
        report(i, given(value))

    try:
        while True:
            while not finished.empty():
                collect()
            try:
                i = todo.popleft()
            except IndexError:
                break
            result = task(*arguments[i])
            left -= 1
            report(i, result)
        while left:
            collect()
    except BaseException:
        todo.clear()
        for thread in threads:  # let the running ones finish their files
            thread.join()
        raise


def spread(keys: list[str], at_once: int) -> list[int]:
    """The order to run tasks in, `at_once` at a time: as given, but never a task of the same
    key (a routine's file, say) as one of the `at_once - 1` before it, when another is left.
    Those run at the same time, and two renders of one routine would each make the phrases
    they share and the cache does not have yet: twice the synthesis."""
    left = list(range(len(keys)))
    order: list[int] = []
    while left:
        recent = {keys[i] for i in order[max(0, len(order) - at_once + 1):]} \
            if at_once > 1 else set()
        pick = next((i for i in left if keys[i] not in recent), left[0])
        order.append(pick)
        left.remove(pick)
    return order


def counting(report: Callable[[int], None]) -> Callable[[int, Any], None]:
    """A `done` for run() that calls report(n) with how many tasks have finished so far
    (they finish out of order, so the index of the last one would not do)."""
    finished = [0]

    def done(_i: int, _result: Any) -> None:
        finished[0] += 1
        report(finished[0])
    return done


def _caught(task: Callable[..., Any], args: tuple) -> tuple[Any, list[Warning]]:
    """task(*args) in a worker, with the project's warnings it gave (a cache it could not
    use, a voice of another language, ...)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = task(*args)
    return result, [w.message for w in caught if isinstance(w.message, Warning)
                    and type(w.message).__module__.startswith("audiocoach")]


def given(outcome: tuple[Any, list[Warning]]) -> Any:
    """A task's result, its warnings given again in this process (where the same one from
    several tasks is shown once)."""
    result, caught = outcome
    for message in caught:
        warnings.warn(message, stacklevel=2)
    return result


__all__ = ["CLUSTER_HINT", "cluster", "cores", "counting", "pool", "run", "spread"]
