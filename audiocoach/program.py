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
from typing import cast

import yaml

from .compiler import Coaching, check_limits
from .errors import Problem, RoutineError
from .loader import Key, _Reader, load_routine
from .model import Exercise, Level, Routine, Section, fixed, slug
from .script import one_line

MAX_SESSIONS = 400  # sessions in a whole program (52 weeks of 7 days is 364); the README lists it

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


@dataclass(frozen=True)
class Session:
    week: int
    day: int
    routine: Routine
    level: Level
    coaching: Coaching

    @property
    def name(self) -> str:
        """A file name that sorts by week and day: w01d3-mini-band-..."""
        return f"w{self.week:02d}d{self.day}-{slug(self.routine.title)}"


@dataclass(frozen=True)
class Program:
    title: str
    sessions: tuple[Session, ...]
    path: str = ""


def load_program(path: str | Path, rate: int = 165) -> Program:
    """Read and check a program file, and every session as it will be rendered, against the
    limits (spoken at `rate` words a minute, the voice's). Raises RoutineError listing every
    problem found, before anything is rendered."""
    path = Path(path)
    reader = _Reader(str(path))
    if not path.is_file():
        raise RoutineError([Problem(str(path), None, None, "no such file")])
    root = reader.document(path.read_bytes())
    program = _program(reader, root, path, rate) if root is not None else None
    if reader.problems or program is None:
        raise RoutineError(sorted(reader.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return program


def _program(r: _Reader, root: yaml.Node, path: Path, rate: int) -> Program | None:
    keys = r.mapping(root, PROGRAM_KEYS, "a program (program, weeks, sessions, ...)")
    if keys is None:
        return None
    title = r.text(keys.get("program"))
    weeks = r.count(keys.get("weeks"), "weeks")
    rules = _progression(r, keys.get("progression"))
    plan = []
    sessions = keys.get("sessions")
    entries = sessions.value if isinstance(sessions, yaml.SequenceNode) else []
    if len(entries) > MAX_SESSIONS:  # before a single routine is read
        r.problem(sessions, f"the program lists {len(entries)} sessions; at most "
                            f"{MAX_SESSIONS} sessions are allowed")
        return None
    for node in entries:
        s = r.mapping(node, SESSION_KEYS, "a session (day, routine)")
        if not s or "routine" not in s or "day" not in s:
            continue
        routine_file = path.parent / (r.text(s["routine"]) or "")
        try:
            routine = load_routine(routine_file)
        except RoutineError as err:
            r.problem(s["routine"], f"the routine {routine_file} is not valid: "
                                    f"{err.problems[0].message}")
            continue
        day = r.count(s["day"], "day")
        if day is None:  # told as a problem, so the program is refused below
            continue
        plan.append((day, r.count(s.get("weeks"), "weeks"), routine, s["routine"]))
    if not isinstance(sessions, yaml.SequenceNode):
        r.problem(sessions, "expected a list of sessions ('- day: 1' ...)")
    if title is None or weeks is None or r.problems:
        return None
    dated = [(week, day, routine, node)
             for week in range(1, int(weeks.high) + 1)
             for day, only, routine, node in sorted(plan, key=lambda p: p[0].low)
             if not only or only.low <= week <= only.high]
    if len(dated) > MAX_SESSIONS:
        r.problem(sessions, f"the program has {len(dated)} sessions over its {int(weeks.high)} "
                            f"weeks; at most {MAX_SESSIONS} sessions are allowed")
        return None
    out = []
    for week, day, routine, node in dated:
        # both lists were checked against their choices in _progression
        level = cast(Level, _nth(rules["level"], week, "medium"))
        coaching = cast(Coaching, _nth(rules["coaching"], week, "standard"))
        session = Session(week, int(day.low), dosed_for_week(routine, week, rules, level),
                          level, coaching)
        _check_limits(r, session, node, rate)
        out.append(session)
    return None if r.problems else Program(title, tuple(out), str(path))


def _check_limits(r: _Reader, session: Session, node: yaml.Node, rate: int) -> None:
    """The session as it will be rendered (progressed, at its level and coaching) is within
    the limits render checks (4 hours, an hour of distinct speech, ...): a program that grows
    past them is refused when it is loaded, not after rendering its first weeks."""
    try:
        check_limits(session.routine, session.level, session.coaching,
                     rate)
    except RoutineError as err:
        for p in err.problems:
            r.problem(node, f"week {session.week} day {session.day}: {p}")


def _progression(r: _Reader, node: yaml.Node | None) -> dict:
    keys = r.mapping(node, PROGRESSION_KEYS, "progression") or {}
    levels = r.texts(keys.get("level"))
    coaching = r.texts(keys.get("coaching"))
    for value, allowed, node in ((levels, ("easy", "medium", "hard"), keys.get("level")),
                                 (coaching, ("standard", "full", "brief"), keys.get("coaching"))):
        if any(v not in allowed for v in value):
            r.problem(node, f"expected a list of: {', '.join(allowed)}")
    sets_keys = r.mapping(keys.get("sets"), {"from_week": Key("count", "", limit="weeks"),
                                             "sets": Key("count", "", limit="sets")},
                          "sets progression") or {}
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


def _by_exercise(r: _Reader, node: yaml.Node | None) -> dict[str, int]:
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
    return values[min(week, len(values)) - 1] if values else default


def dosed_for_week(routine: Routine, week: int, rules: dict, level: Level) -> Routine:
    """The routine as prescribed in `week`."""
    def grow(ex: Exercise) -> Exercise:
        changes: dict = {}
        step = rules["steps"].get(ex.name, rules["reps"])
        if step and ex.reps is not None and (ex.reps.high > 1 or ex.name in rules["caps"]):
            top = rules["caps"].get(ex.name, ex.reps.high)
            changes["reps"] = fixed(min(top, ex.reps.low + step * (week - 1)))
        if rules["hold"]:
            changes["tempo"] = tuple(
                replace(p, seconds=fixed(min(600, p.seconds.pick(level)
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


def prescription(session: Session) -> str:
    """One line of what a session asks for: 'Bridge 2×9 · Superman 1×10 hold 6s'."""
    parts = []
    for ex in session.routine.exercises():
        level = session.level
        dose = ("-".join(str(r.count(level)) for r in ex.set_reps) if ex.set_reps
                else f"{ex.sets.count(level)}×{ex.reps.count(level)}" if ex.reps
                else f"{ex.sets.count(level)}×{ex.time.pick(level):g}s" if ex.time else "")
        holds = [p for p in ex.tempo if p.name == "hold" and p.seconds.high > 0]
        if holds:
            dose += f" hold {holds[0].seconds.pick(level):g}s"
        parts.append(f"{ex.name} {dose}".strip())
    return " · ".join(parts)


def table(program: Program) -> str:
    """The program as a Markdown table: week, day, routine, level, coaching, prescription.
    Text from the files is one line, with `\\` and `|` escaped, so it stays in its cell."""
    def cell(text: object) -> str:
        return one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    rows = ["| week | day | session | level | coaching | prescription |",
            "|---|---|---|---|---|---|"]
    for s in program.sessions:
        rows.append(f"| {s.week} | {s.day} | {cell(s.routine.title)} | {s.level} | "
                    f"{s.coaching} | {cell(prescription(s))} |")
    return f"# {one_line(program.title)}\n\n" + "\n".join(rows) + "\n"


__all__ = ["Program", "Session", "dosed_for_week", "load_program", "table"]
