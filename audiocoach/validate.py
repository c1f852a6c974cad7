"""Validation of routine files, as `check`, `list` and `render` need it: every problem of
every file (not just the first), the compiler's warnings of every level, and what a listing
shows of each routine. Nothing here prints; the CLI shows what these functions return."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .compiler import Coaching, check_limits, compile_routine
from .errors import AudiocoachError, Problem, RoutineError
from .loader import load_routine
from .model import LEVELS, Level, Routine
from .music import load_bed
from .phrases import normalise
from .speech import Voice
from .tags import read_cover

__all__ = ["Checked", "Found", "Listed", "MissingFolder", "check_files", "check_render",
           "find_routines", "list_folder", "routine_files", "routine_warnings", "validate"]

_TIMES = re.compile(r" \((\d+) times\)$")


class MissingFolder(AudiocoachError):
    """The folder to list is not there: a mistake in the command, so exit code 2, as for an
    invalid routine, and not 1, as for a failed render."""

    exit_code = 2


@dataclass(frozen=True)
class Checked:
    """One routine file as validation found it."""

    path: Path
    routine: Routine | None
    """The routine, when the file loaded (even if it is over the limits)."""
    problems: tuple[Problem, ...] = ()
    """Everything wrong with it; empty when it is valid and within the limits."""
    warnings: tuple[str, ...] = ()
    """'line:col: warning: ...' lines (see routine_warnings), when every level was checked."""

    @property
    def ok(self) -> bool:
        """Valid and within the limits at every level checked."""
        return not self.problems


@dataclass(frozen=True)
class Listed:
    """One routine file as `audiocoach list` shows it."""

    path: Path
    routine: Routine | None
    """None: the file is not a valid routine."""
    duration_ms: int | None
    """Its length at medium, estimated; None: it is over the limits (4 hours, too many
    repeats)."""


@dataclass(frozen=True)
class Found:
    """A routine file, and the language folder it was found in ('' when it was given, or
    was in the folder given)."""

    path: Path
    folder: str = ""


def find_routines(paths: Iterable[str | Path]) -> list[Found]:
    """Files as given; a folder expands to the routine files inside it, sorted, and then to
    those of each of its language folders (named by a supported tag: `es`, `pt-BR`), in
    order of their names."""
    out: list[Found] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(Found(p))
            continue
        out += [Found(f) for f in _yaml_files(p)]
        for sub in sorted(d for d in p.iterdir() if d.is_dir() and normalise(d.name)):
            out += [Found(f, sub.name) for f in _yaml_files(sub)]
    return out


def _yaml_files(folder: Path) -> list[Path]:
    """The routine files (*.yaml, *.yml) right inside `folder`, sorted."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def routine_files(paths: Iterable[str | Path]) -> list[Path]:
    """The routine files of `paths` (see find_routines)."""
    return [found.path for found in find_routines(paths)]


def routine_warnings(routine: Routine) -> list[str]:
    """Each warning of every level once: 'line:col: warning: ... (at medium, hard; 12 times)'.
    The levels are named when not all of them warn; the count is the most of any level."""
    seen: dict[str, tuple[list[str], int]] = {}
    for level in LEVELS:
        for warning in compile_routine(routine, level).warnings:
            times = _TIMES.search(warning)
            text = warning[:times.start()] if times else warning
            levels, most = seen.setdefault(text, ([], 1))
            levels.append(level)
            seen[text] = (levels, max(most, int(times[1]) if times else 1))
    return [_warning_line(text, levels, most) for text, (levels, most) in seen.items()]


def _warning_line(text: str, levels: list[str], most: int) -> str:
    """'where: message' as 'where: warning: message (at easy; 3 times)'."""
    where, _, message = text.partition(": ")
    at = "" if len(levels) == len(LEVELS) else "at " + ", ".join(levels)
    count = f"{most} times" if most > 1 else ""
    extra = "; ".join(p for p in (at, count) if p)
    return f"{where}: warning: {message}" + (f" ({extra})" if extra else "")


def check_files(paths: Iterable[str | Path], level: Level | None = None,
                coaching: Coaching = "full", wpm: float = Voice.rate,
                own_music: bool = False) -> Iterator[Checked]:
    """Each routine file of `paths` (folders expand), loaded and checked against the limits
    as `coaching` and a voice of `wpm` words a minute would say it: at `level`, or at every
    level when it is None (full coaching at every level bounds whatever a render can say),
    and then with the warnings of every level. `own_music`: also read the music file each
    routine names; one that cannot be read raises its AudiocoachError. Files are checked one
    at a time, as the caller takes them, so a long check shows its progress."""
    levels = LEVELS if level is None else (level,)
    for path in routine_files(paths):
        yield _checked(path, levels, coaching, wpm, own_music, warn=level is None)


def _checked(path: Path, levels: tuple[Level, ...], coaching: Coaching, wpm: float,
             own_music: bool, warn: bool) -> Checked:
    """One file through check_files."""
    try:
        routine = load_routine(path)
    except RoutineError as err:
        return Checked(path, None, tuple(err.problems))
    try:
        for level in levels:
            check_limits(routine, level, coaching, wpm)
        if own_music and routine.music:
            load_bed(routine.music)
        found = tuple(routine_warnings(routine)) if warn else ()
    except RoutineError as err:
        return Checked(path, routine, tuple(err.problems))
    return Checked(path, routine, warnings=found)


def validate(paths: Iterable[str | Path], level: Level | None = None,
             coaching: Coaching = "full", wpm: float = Voice.rate,
             own_music: bool = False) -> list[Problem]:
    """Every problem of every routine file of `paths`, in order; empty when all are valid
    and within the limits. The arguments are check_files'."""
    return [problem for checked in check_files(paths, level, coaching, wpm, own_music)
            for problem in checked.problems]


def check_render(paths: Iterable[str | Path], level: Level, coaching: Coaching, wpm: float,
                 music: Path | None = None, cover: Path | None = None) -> None:
    """Everything a render of `paths` reads, checked before anything is written: each routine
    within the limits at `level`, `coaching` and `wpm`, the music each names (unless `music`
    replaces it), and `music` and `cover` themselves. Raises RoutineError with every problem
    of every routine, else the AudiocoachError of the first music or cover file that cannot
    be read."""
    problems = validate(paths, level, coaching, wpm, own_music=music is None)
    if problems:
        raise RoutineError(problems)
    if music:
        load_bed(music)
    if cover:
        read_cover(cover)


def list_folder(folder: Path) -> Iterator[Listed]:
    """Each routine file in `folder` (or `folder` itself, when it is a file) with its length,
    one at a time; an invalid routine, or one over the limits, is marked and the others still
    listed. Raises MissingFolder when there is no such folder."""
    if not folder.exists():
        raise MissingFolder(f"no folder '{folder}' here",
                            hint="give the folder of your routines, audiocoach list DIR; or "
                                 "start one, audiocoach new NAME -o routines (audiocoach new "
                                 "--list: the shipped ones)")
    for checked in check_files([folder], "hard"):  # the longest level bounds the others
        yield _listed(checked)


def _listed(checked: Checked) -> Listed:
    """A checked file as list shows it: its length at medium, when it is within the limits."""
    if checked.routine is None or not checked.ok:
        return Listed(checked.path, checked.routine, None)
    try:
        length = compile_routine(checked.routine).duration_ms
    except RoutineError:
        return Listed(checked.path, checked.routine, None)
    return Listed(checked.path, checked.routine, length)
