"""A program is held to the limits when it is loaded: every session as it will be rendered
(progressed for its week, at its level and coaching) and the number of sessions."""

import os

import pytest
from click.testing import CliRunner

from audiocoach import program as programmod
from audiocoach.cli import main
from audiocoach.errors import RoutineError
from audiocoach.program import load_program

MAX_SESSIONS = 400  # the cap (audiocoach.format.MAX_SESSIONS): more than 52 weeks x 7 days

GROWS = """\
title: Growing bridge
exercises:
  - exercise: Bridge
    sets: 2
    reps: 1-200
    hold: 3s
"""
# week 1: 2 sets of 1 rep; from week 2, 20 sets of 101 and then 200 reps: over 4 hours
PROGRAM = """\
program: Grows too long
weeks: 3
sessions:
  - day: 1
    routine: short.yaml
  - day: 2
    routine: grows.yaml
progression:
  reps: 100
  sets: {from_week: 2, sets: 20}
"""
SHORT = "title: Short\nexercises:\n  - exercise: Bridge\n    reps: 2\n"


def write(tmp_path, program, **routines):
    for name, text in {"short.yaml": SHORT, "grows.yaml": GROWS, **routines}.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "p.yaml"
    path.write_text(program)
    return path


def test_sessions_over_the_limits_are_refused_when_the_program_is_loaded(tmp_path):
    path = write(tmp_path, PROGRAM)
    with pytest.raises(RoutineError) as err:
        load_program(path)
    problems = [str(p) for p in err.value.problems]
    assert len(problems) == 2, problems  # weeks 2 and 3 of day 2; week 1 and day 1 are fine
    for week, problem in zip((2, 3), problems, strict=True):
        assert problem.startswith(f"{path}:7:14: week {week} day 2: ")
        assert str(tmp_path / "grows.yaml") in problem and "more than 4 hours" in problem


def test_the_program_command_writes_nothing_for_a_program_over_the_limits(tmp_path):
    path, out = write(tmp_path, PROGRAM), tmp_path / "out"
    result = CliRunner().invoke(main, ["program", str(path), "-o", str(out), "--engine", "fake",
                                       "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2, result.output
    assert not out.exists() or sorted(out.iterdir()) == []  # no MP3, no program.md
    assert "week 2 day 2" in result.output and "week 3 day 2" in result.output


def every_day(weeks, extra=0):
    days = "".join(f"  - day: {d}\n    routine: short.yaml\n" for d in range(1, 8))
    days += "  - day: 1\n    routine: short.yaml\n" * extra
    return f"program: Every day\nweeks: {weeks}\nsessions:\n{days}"


def test_a_whole_year_of_daily_sessions_is_within_the_cap(tmp_path):
    assert len(load_program(write(tmp_path, every_day(52))).sessions) == 364 <= MAX_SESSIONS


def test_the_number_of_sessions_is_capped(tmp_path):
    path = write(tmp_path, every_day(52, extra=1))  # 8 a week: 416
    with pytest.raises(RoutineError) as err:
        load_program(path)
    assert "416 sessions" in str(err.value) and f"at most {MAX_SESSIONS}" in str(err.value)


def test_a_program_listing_too_many_sessions_reads_no_routine(tmp_path, monkeypatch):
    path = write(tmp_path, every_day(1, extra=MAX_SESSIONS))
    read = []
    monkeypatch.setattr(programmod, "load_routine", lambda p: read.append(p))
    with pytest.raises(RoutineError) as err:
        load_program(path)
    assert f"{MAX_SESSIONS + 7} sessions" in str(err.value) and not read


def test_a_program_path_that_is_no_file_is_refused_unopened(tmp_path):
    """Read as a routine file is: missing, a folder, or a FIFO (never opened, nobody writes it)."""
    cases = [(tmp_path / "nope.yaml", "no such file"),
             (tmp_path, "is a folder, expected a program file")]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
        cases.append((tmp_path / "pipe.yaml",
                      "is not a regular file (a device, FIFO or socket), expected a program file"))
    for path, message in cases:
        with pytest.raises(RoutineError) as err:
            load_program(path)
        assert [str(p) for p in err.value.problems] == [f"{path}: {message}"]
