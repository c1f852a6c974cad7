"""Work spread over processes (parallel.py): results in order, errors and warnings carried
back to the caller, and the same files from --workers 2 as from --workers 1 with the real
engine."""

import os
import time
import warnings
from pathlib import Path

import pytest

from audiocoach import parallel
from audiocoach.errors import OutputError, OutputWarning
from conftest import DATA

PROGRAM = DATA / "program" / "two-weeks.yaml"


# Tasks: top-level functions, so a spawned worker process can import them by name.

def slow_square(x: int) -> int:
    """x * x, after long enough for the pool's process to take some of the tasks."""
    time.sleep(0.05)
    return x * x


def where(i: int) -> tuple[int, int, float]:
    """The task's number, the process it ran in and when it began (the clock is the
    machine's), after long enough to share them out."""
    began = time.monotonic()
    time.sleep(0.05)
    return i, os.getpid(), began


def fails_away_from(caller: int, i: int) -> int:
    """Raises OutputError (with a hint) when run in a process other than `caller`."""
    time.sleep(0.05)
    if os.getpid() != caller:
        raise OutputError(f"task {i} cannot write its file", hint="free some disk space")
    return i


def warns_away_from(caller: int, i: int) -> int:
    """Gives an OutputWarning when run in a process other than `caller`."""
    time.sleep(0.05)
    if os.getpid() != caller:
        warnings.warn(OutputWarning(f"task {i} renamed a file"), stacklevel=1)
    return i


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path there, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- parallel.run and parallel.pool ----------------------------------------------------------

def test_one_worker_or_one_task_needs_no_pool():
    with parallel.pool(1, 8) as one_worker, parallel.pool(2, 1) as one_task:
        assert one_worker is None and one_task is None


@pytest.mark.parametrize("n", [1, 2], ids=["in-turn", "pool"])
def test_results_come_back_in_the_order_of_the_arguments(n):
    finished = []
    with parallel.pool(workers=n, tasks=6) as executor:
        assert (executor is None) == (n == 1)
        results = parallel.run(slow_square, [(i,) for i in range(6)], executor,
                               lambda i, result: finished.append((i, result)))
    assert results == [0, 1, 4, 9, 16, 25]
    assert sorted(finished) == [(i, i * i) for i in range(6)]  # once per task


def test_every_process_takes_the_next_task_in_the_order_given():
    """Whoever is free takes the next task (the longest first, as a program gives them), so
    none waits behind a busy process: each process runs its tasks in their order, and both
    run some."""
    with parallel.pool(workers=2, tasks=10) as executor:
        results = parallel.run(where, [(i,) for i in range(10)], executor)
    assert [i for i, _, _ in results] == list(range(10))
    by_process: dict[int, list[int]] = {}
    for i, pid, _ in sorted(results, key=lambda r: r[2]):
        by_process.setdefault(pid, []).append(i)
    assert len(by_process) == 2 and os.getpid() in by_process
    for taken in by_process.values():
        assert taken == sorted(taken)


def test_an_error_in_a_worker_is_raised_in_the_caller_with_its_message_and_hint():
    with parallel.pool(workers=2, tasks=4) as executor, \
            pytest.raises(OutputError, match=r"^task [01] cannot write its file") as raised:
        parallel.run(fails_away_from, [(os.getpid(), i) for i in range(4)], executor)
    assert raised.value.hint == "free some disk space"
    assert str(raised.value).endswith("\n  hint: free some disk space")


def test_a_warning_given_in_a_worker_is_given_again_in_the_caller():
    with parallel.pool(workers=2, tasks=4) as executor, \
            pytest.warns(OutputWarning) as caught:
        results = parallel.run(warns_away_from, [(os.getpid(), i) for i in range(4)],
                               executor)
    assert results == [0, 1, 2, 3]
    assert "task 0 renamed a file" in {str(w.message) for w in caught}


# -- the same files whatever the number of workers (real engine) -----------------------------

@pytest.mark.parametrize("order", [("1", "2"), ("2", "1")],
                         ids=["phrases-made-one-at-a-time", "phrases-made-on-two-workers"])
def test_a_program_on_two_workers_is_byte_for_byte_the_program_made_one_at_a_time(
        tmp_path, cli, order):
    """The phrases are made by the first run: one at a time, or by two processes at once
    (eSpeak NG may make one phrase differently in each; every render uses the clip the
    cache kept first). The second run, from that cache, must make the same sessions, tags,
    playlist and table."""
    cache = tmp_path / "cache"
    for workers in order:
        result = cli("program", PROGRAM, "-o", tmp_path / workers, "--cache", cache,
                     "--workers", workers)
        assert result.exit_code == 0, result.output
    one, two = files(tmp_path / "1"), files(tmp_path / "2")
    assert len([name for name in one if name.endswith(".mp3")]) == 3
    assert list(two) == list(one)
    for name in one:
        assert two[name] == one[name], name


def test_render_on_two_workers_is_byte_for_byte_render_one_at_a_time(tmp_path, cli):
    """Two routines (English and Spanish) and their playlist: first on two workers with an
    empty phrase cache, then one at a time from that cache."""
    routines = [DATA / "short.yaml", DATA / "lang" / "es.yaml"]
    cache = tmp_path / "cache"
    for workers in ("2", "1"):
        result = cli("render", *routines, "-o", tmp_path / workers, "--cache", cache,
                     "--playlist", "both", "--workers", workers)
        assert result.exit_code == 0, result.output
    one, two = files(tmp_path / "1"), files(tmp_path / "2")
    assert {"short-test-routine.mp3", "rutina-corta-de-prueba.mp3", "both.m3u8"} <= set(one)
    assert list(two) == list(one)
    for name in one:
        assert two[name] == one[name], name
    playlist = one["both.m3u8"].decode()
    assert playlist.index("short-test-routine.mp3") < playlist.index("rutina-corta-de-prueba")


def test_spread_keeps_the_order_but_puts_no_key_beside_itself():
    keys = ["a", "a", "a", "b", "b", "c"]
    assert parallel.spread(keys, 1) == [0, 1, 2, 3, 4, 5]  # one at a time: as given
    assert parallel.spread(keys, 2) == [0, 3, 1, 4, 2, 5]  # a b a b a c
    assert parallel.spread(keys, 3) == [0, 3, 5, 1, 4, 2]  # a b c a b a
    assert parallel.spread(["a", "a"], 2) == [0, 1]  # when nothing else is left
