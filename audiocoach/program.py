"""Programs: routines by week and day, with progression rules, turned into one routine per
session (a model -> model step; the compiler and renderer take it from there).

A program file (YAML):

    program: Six-week low back program
    weeks: 6
    sessions:                       # every week, unless `weeks: 1-3` narrows it
      - {day: 1, routine: ../routines/lower-back-hip-strength.yaml}
      - {day: 4, routine: ../routines/side-lying-hip-series.yaml}
    progression:
      level: [easy, easy, medium]   # week by week; the last one repeats
      coaching: [standard, brief]
      reps: 2                       # reps added each week, from the low end of the range...
      hold: 1                       # ...and seconds added to holds each week
      sets: {from_week: 3, sets: 3} # sets become 3 from week 3
      caps: {Bridge: 30}            # reps never pass the top of the range, or this cap
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, TypedDict, cast

import yaml

from .compiler import check_limits
from .errors import RoutineError
from .format import LIMITS, MAX_SESSIONS, Key
from .loader import load_routine
from .model import (
    COACHING,
    LEVELS,
    Coaching,
    Exercise,
    Level,
    Range,
    Routine,
    Section,
    fixed,
    slug,
)
from .phrases import DEFAULT, Catalog, catalog
from .script import one_line
from .yamldoc import Reader, load_file

PROGRAM_KEYS = {
    "program": Key("text", "The program's name (the album name on the phone).", required=True),
    "description": Key("text", "What the program is for."),
    "weeks": Key("count", "How many weeks it lasts.", required=True, limit="weeks"),
    "sessions": Key("items", "The sessions of each week.", required=True),
    "progression": Key("defaults", "How the sessions grow week by week."),
}
SESSION_KEYS = {
    "day": Key("count", "Day of the week, 1-7.", required=True, limit="day"),
    "routine": Key("text", "The routine file, relative to the program file.", required=True),
    "weeks": Key("count", "Only in these weeks, e.g. 1-3 (default: every week).",
                 limit="weeks"),
}
PROGRESSION_KEYS = {
    "level": Key("texts", "The level of each week; the last one repeats."),
    "coaching": Key("texts", "The coaching of each week; the last one repeats."),
    "reps": Key("count", "Reps added each week, up to the top of each range.", limit="reps"),
    "hold": Key("seconds", "Seconds added to holds each week.", limit="hold", zero=True),
    "sets": Key("defaults", "{from_week: N, sets: M}: the sets from week N on."),
    "caps": Key("defaults", "Exercise name -> the most reps it grows to."),
    "steps": Key("defaults", "Exercise name -> reps it adds each week, instead of `reps`."),
}
SETS_KEYS = {
    "from_week": Key("count", "", limit="weeks"),
    "sets": Key("count", "", limit="sets"),
}


@dataclass(frozen=True)
class Session:
    week: int
    day: int
    routine: Routine
    level: Level
    coaching: Coaching
    longest_ms: int = 0
    """How long it lasts at most (the limits' check, with the slowest speech): a program's
    longest sessions are rendered first, so no core is left alone with one at the end."""

    @property
    def name(self) -> str:
        """A file name that sorts by week and day: w01d3-mini-band-..."""
        return f"w{self.week:02d}d{self.day}-{slug(self.routine.title)}"


@dataclass(frozen=True)
class Program:
    title: str
    sessions: tuple[Session, ...]
    path: str = ""


class Progression(TypedDict):
    """How a program's sessions grow, week by week (`progression:`)."""
    level: tuple[str, ...]
    coaching: tuple[str, ...]
    reps: int
    """Reps added each week."""
    hold: float
    """Seconds added to holds each week."""
    sets: tuple[int, int] | None
    """(from week, sets)."""
    caps: dict[str, int]
    steps: dict[str, int]


class _Planned(NamedTuple):
    """A session as the program lists it: its day, its weeks (None: every week), its routine
    and the node that names the routine, for messages."""
    day: Range
    weeks: Range | None
    routine: Routine
    node: yaml.Node


def load_program(path: str | Path, rate: int = 165) -> Program:
    """Read and check a program file, and every session as it will be rendered, against the
    limits (spoken at `rate` words a minute, the voice's). Raises RoutineError listing every
    problem found, before anything is rendered."""
    path = Path(path)
    return load_file(path, "program", lambda r, root: _program(r, root, path, rate))


def _program(r: Reader, root: yaml.Node, path: Path, rate: int) -> Program | None:
    """The program in a document, each session dosed for its week and checked; None when it
    has problems (noted on the reader)."""
    keys = r.mapping(root, PROGRAM_KEYS, "a program (program, weeks, sessions, ...)")
    if keys is None:
        return None
    title = r.text(keys.get("program"))
    weeks = r.count(keys.get("weeks"), "weeks")
    rules = _progression(r, keys.get("progression"))
    sessions = keys.get("sessions")
    plan = _plan(r, sessions, path)
    if plan is None or title is None or weeks is None or r.problems:
        return None
    dated = [(week, planned) for week in range(1, int(weeks.high) + 1)
             for planned in sorted(plan, key=lambda p: p.day.low)
             if not planned.weeks or planned.weeks.low <= week <= planned.weeks.high]
    if len(dated) > MAX_SESSIONS:
        r.problem(sessions, f"the program has {len(dated)} sessions over its {int(weeks.high)} "
                            f"weeks; at most {MAX_SESSIONS} sessions are allowed")
        return None
    out = [_session(r, week, planned, rules, rate) for week, planned in dated]
    return None if r.problems else Program(title, tuple(out), str(path))


def _plan(r: Reader, sessions: yaml.Node | None, path: Path) -> list[_Planned] | None:
    """The sessions the program lists, each with its routine read; None when there are so
    many that none is read."""
    entries = sessions.value if isinstance(sessions, yaml.SequenceNode) else []
    if len(entries) > MAX_SESSIONS:  # before a single routine is read
        r.problem(sessions, f"the program lists {len(entries)} sessions; at most "
                            f"{MAX_SESSIONS} sessions are allowed")
        return None
    plan = [p for p in (_planned(r, node, path) for node in entries) if p is not None]
    if not isinstance(sessions, yaml.SequenceNode):
        r.problem(sessions, "expected a list of sessions ('- day: 1' ...)")
    return plan


def _planned(r: Reader, node: yaml.Node, path: Path) -> _Planned | None:
    """One listed session, with its routine (named relative to the program file) read."""
    s = r.mapping(node, SESSION_KEYS, "a session (day, routine)")
    if not s or "routine" not in s or "day" not in s:
        return None
    routine_file = path.parent / (r.text(s["routine"]) or "")
    try:
        routine = load_routine(routine_file)
    except RoutineError as err:
        r.problem(s["routine"], f"the routine {routine_file} is not valid: "
                                f"{err.problems[0].message}")
        return None
    day = r.count(s["day"], "day")
    if day is None:  # told as a problem, so the program is refused
        return None
    return _Planned(day, r.count(s.get("weeks"), "weeks"), routine, s["routine"])


def _session(r: Reader, week: int, planned: _Planned, rules: Progression, rate: int
             ) -> Session:
    """The planned session in `week`: at that week's level and coaching, dosed for it, and
    checked against the limits."""
    # both lists were checked against their choices in _progression
    level = cast(Level, _nth(rules["level"], week, "medium"))
    coaching = cast(Coaching, _nth(rules["coaching"], week, "standard"))
    session = Session(week, int(planned.day.low),
                      dosed_for_week(planned.routine, week, rules, level), level, coaching)
    return replace(session, longest_ms=_check_limits(r, session, planned.node, rate))


def _check_limits(r: Reader, session: Session, node: yaml.Node, rate: int) -> int:
    """The session as it will be rendered (progressed, at its level and coaching) is within
    the limits render checks (4 hours, an hour of distinct speech, ...): a program that grows
    past them is refused when it is loaded, not after rendering its first weeks. Returns
    how long it lasts at most."""
    try:
        return check_limits(session.routine, session.level, session.coaching, rate).duration_ms
    except RoutineError as err:
        for p in err.problems:
            r.problem(node, f"week {session.week} day {session.day}: {p}")
        return 0


def _progression(r: Reader, node: yaml.Node | None) -> Progression:
    """The progression rules; the ones not given add nothing."""
    keys = r.mapping(node, PROGRESSION_KEYS, "progression") or {}
    levels = r.texts(keys.get("level"))
    coaching = r.texts(keys.get("coaching"))
    allowed: tuple[str, ...]
    for value, allowed, node in ((levels, LEVELS, keys.get("level")),
                                 (coaching, COACHING, keys.get("coaching"))):
        if any(v not in allowed for v in value):
            r.problem(node, f"expected a list of: {', '.join(allowed)}")
    sets_keys = r.mapping(keys.get("sets"), SETS_KEYS, "sets progression") or {}
    caps, steps = (_by_exercise(r, keys.get(k)) for k in ("caps", "steps"))
    from_week = r.count(sets_keys.get("from_week"), "weeks")
    sets = r.count(sets_keys.get("sets"), "sets")
    reps = r.count(keys.get("reps"), "reps") if "reps" in keys else None
    return {
        "level": levels, "coaching": coaching,
        "reps": int(reps.low) if reps else 0,
        "hold": (r.seconds(keys.get("hold"), PROGRESSION_KEYS["hold"]) or fixed(0)).low,
        "sets": (int(from_week.low), int(sets.low)) if from_week and sets else None,
        "caps": caps, "steps": steps,
    }


def _by_exercise(r: Reader, node: yaml.Node | None) -> dict[str, int]:
    """`Exercise name: number` lines, such as the caps of each exercise's reps."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            n = r.count(v, "reps")
            if n:
                out[str(k.value)] = int(n.low)
    elif node is not None:
        r.problem(node, "expected 'Exercise name: number' lines")
    return out


def _nth(values: tuple[str, ...], week: int, default: str) -> str:
    """The week's value of a week-by-week list: the last one repeats."""
    return values[min(week, len(values)) - 1] if values else default


def dosed_for_week(routine: Routine, week: int, rules: Progression, level: Level) -> Routine:
    """The routine as prescribed in `week`: reps, holds and sets grown by the rules."""
    def grow(ex: Exercise) -> Exercise:
        changes: dict = {}
        step = rules["steps"].get(ex.name, rules["reps"])
        if step and ex.reps is not None and (ex.reps.high > 1 or ex.name in rules["caps"]):
            top = rules["caps"].get(ex.name, ex.reps.high)
            changes["reps"] = fixed(min(top, ex.reps.low + step * (week - 1)))
        if rules["hold"]:
            changes["tempo"] = tuple(
                replace(p, seconds=fixed(min(LIMITS["hold"], p.seconds.pick(level)
                                             + rules["hold"] * (week - 1))))
                if p.name == "hold" and p.seconds.high > 0 and not p.breaths else p
                for p in ex.tempo)
        if rules["sets"] and week >= rules["sets"][0] and ex.sets.high > 1:  # 2 -> 3, not 1 -> 3
            changes["sets"] = fixed(rules["sets"][1])
        return replace(ex, **changes)

    def walk(items):
        return tuple(replace(i, items=walk(i.items)) if isinstance(i, Section) else grow(i)
                     for i in items)

    return replace(routine, items=walk(routine.items))


def prescription(session: Session, cat: Catalog | None = None) -> str:
    """One line of what a session asks for: 'Bridge 2×9 · Superman 1×10 hold 6s', in the
    words of `cat` (the session's language when not given)."""
    cat = cat or catalog(session.routine.language)
    parts = []
    for ex in session.routine.exercises():
        level = session.level
        dose = ("-".join(str(r.count(level)) for r in ex.set_reps) if ex.set_reps
                else f"{ex.sets.count(level)}×{ex.reps.count(level)}" if ex.reps
                else f"{ex.sets.count(level)}×{ex.time.pick(level):g}s" if ex.time else "")
        holds = [p for p in ex.tempo if p.name == "hold" and p.seconds.high > 0]
        if holds:
            dose += " " + cat.phrase("program hold", seconds=f"{holds[0].seconds.pick(level):g}")
        parts.append(f"{ex.name} {dose}".strip())
    return " · ".join(parts)


def language_of(program: Program) -> str:
    """The language its sessions are in: theirs when they all share one, else the default."""
    languages = {s.routine.language for s in program.sessions}
    return languages.pop() if len(languages) == 1 else DEFAULT


def table(program: Program) -> str:
    """The program as a Markdown table: week, day, routine, level, coaching, prescription,
    in the sessions' language (`language_of`). Text from the files is one line, with `\\`
    and `|` escaped, so it stays in its cell."""
    def cell(text: object) -> str:
        return one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    cat = catalog(language_of(program))
    heads = ("week", "day", "session", "level", "coaching", "prescription")
    rows = ["| " + " | ".join(cat.phrase(f"program {h}") for h in heads) + " |",
            "|---|---|---|---|---|---|"]
    for s in program.sessions:
        rows.append(f"| {s.week} | {s.day} | {cell(s.routine.title)} | "
                    f"{cat.phrase(f'level {s.level}')} | "
                    f"{cat.phrase(f'coaching {s.coaching}')} | {cell(prescription(s, cat))} |")
    return f"# {one_line(program.title)}\n\n" + "\n".join(rows) + "\n"


__all__ = ["Program", "Session", "dosed_for_week", "language_of", "load_program", "table"]
