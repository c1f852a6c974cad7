"""Routine file (YAML) -> model. Collects every problem with its line and column, raises once.

PyYAML's node tree is walked directly, rather than loading plain dicts, because the nodes keep
the position of every key and value. The tables of keys below are the one description of the
format: the loader checks against them and `schema.py` turns them into a JSON Schema.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Protocol, TypedDict

import yaml

from .errors import AudiocoachError, Problem, RoutineError
from .model import (
    LEVELS,
    SIDE_MEANINGS,
    Breath,
    Exercise,
    Phase,
    Range,
    Rests,
    Routine,
    Section,
    fixed,
)
from .phrases import phrase

MAX_FILE_BYTES = 512 * 1024
MAX_TEXT = 400  # characters in one cue
MAX_DEPTH = 40  # nesting of YAML collections
LIMITS = {  # the largest value each key takes; the README lists them
    "sets": 20, "reps": 200, "rounds": 20, "breaths": 30,
    "time": 3600, "hold": 600, "phase": 600, "rest": 1800, "weeks": 52, "day": 7,
}


@dataclass(frozen=True)
class Key:
    kind: str
    """text, texts, count, seconds, choice, items, tempo, rest or defaults."""
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    limit: str | None = None
    """Which entry of LIMITS caps the value."""
    zero: bool = False
    """Whether 0 is allowed (rests)."""
    per_set: bool = False
    """Whether a list gives one value per set (`reps: [5, 3, 1]`)."""


ROUTINE_KEYS = {
    "title": Key("text", "The routine's name, said at the start.", required=True),
    "description": Key("text", "What the routine is for (not spoken)."),
    "source": Key("text", "Where the routine comes from, e.g. an article's file or URL."),
    "equipment": Key("texts", "What the user needs, said at the start."),
    "safety": Key("text", "A safety note, said at the start."),
    "reminder": Key("text", "A short safety reminder said before each new exercise (default "
                            "'Stop if it hurts.' when there is a safety note; null: none).",
                    zero=True),
    "music": Key("text", "A song to loop under the voice (path relative to this file, in its "
                         "folder or a subfolder)."),
    "cover": Key("text", "Cover art for the MP3, JPEG or PNG of at most 10 MB (path relative "
                         "to this file, in its folder or a subfolder)."),
    "defaults": Key("defaults", "Values every exercise inherits unless it says otherwise."),
    "exercises": Key("items", "The exercises and sections, in order.", required=True),
}
EXERCISE_KEYS = {
    "exercise": Key("text", "The exercise's name.", required=True),
    "setup": Key("texts", "How to get into position; said once, before the first set."),
    "cues": Key("texts", "Form cues, said during the first set."),
    "sets": Key("count", "Number of sets, e.g. 3 or 2-3 (default 1).", limit="sets"),
    "reps": Key("count", "Reps per set (per side), e.g. 15, 8-12, [5, 3, 1] per set, or "
                         "{easy: 8, medium: 15} per level.", limit="reps", per_set=True),
    "time": Key("seconds", "Timed work per set instead of reps, e.g. 30s.", limit="time",
                per_set=True),
    "hold": Key("seconds", "Hold at the top of each rep; alone, a static hold.", limit="hold",
                per_set=True),
    "breaths": Key("count", "Deep breaths taken during the hold.", limit="breaths"),
    "breath": Key("breath", "One deep breath of `breaths`: {in: 4, hold: 0, out: 6} seconds."),
    "count": Key("choice", "aloud: rep numbers and hold seconds; silent: the hold is not "
                           "counted; none: no numbers at all (breathing drills).",
                 choices=("aloud", "silent", "none")),
    "tempo": Key("tempo", "The phases of one rep, e.g. [lift: 2, lower: 2]."),
    "sides": Key("choice", "both: all sets on one side, then on the other; alternate: every "
                           "rep.", choices=("both", "alternate", "left", "right")),
    "side": Key("choice", "What the side is: the leg or arm that works, the side you lie on "
                          "(lying), or opposite arm and leg (bird dog).", choices=SIDE_MEANINGS),
    "switch": Key("choice", "With sides: both, switch sides after every set instead of after "
                            "all sets.", choices=("every set", "after all sets")),
    "transition": Key("seconds", "Time to get into position before the first set, e.g. 20s "
                                 "to set up a band; the setup is said at its start.",
                      limit="rest", zero=True),
    "rest": Key("rest", "Rests: seconds between sets, or a mapping of rep/set/side/exercise."),
}
SECTION_KEYS = {
    "section": Key("text", "The section's title, e.g. Warm-up; said when it starts.",
                   required=True),
    "exercises": Key("items", "The exercises and sections inside.", required=True),
    "rounds": Key("count", "How many times the section repeats (default 1).", limit="rounds"),
    "sides": Key("choice", "both: the whole section on one side, then on the other.",
                 choices=("both",)),
    "side": EXERCISE_KEYS["side"],
    "rest": Key("seconds", "Rest between rounds and between sides (default 60s).",
                limit="rest", zero=True),
}
REST_KEYS = {
    "rep": Key("seconds", "Rest between reps (default 0).", limit="rest", zero=True),
    "set": Key("seconds", "Rest between sets (default 30s).", limit="rest", zero=True),
    "side": Key("seconds", "Rest when switching sides (default 10s).", limit="rest", zero=True),
    "exercise": Key("seconds", "Rest after the exercise (default 30s).", limit="rest", zero=True),
    "breath": Key("seconds", "Length of one deep breath (default 6s).", limit="phase"),
}
BREATH_KEYS = {
    "in": Key("seconds", "Seconds breathing in.", limit="phase"),
    "hold": Key("seconds", "Seconds holding the breath (default 0).", limit="phase", zero=True),
    "out": Key("seconds", "Seconds breathing out (default: as long as in).", limit="phase"),
}
DEFAULTS_KEYS = {
    "sets": EXERCISE_KEYS["sets"],
    "reps": EXERCISE_KEYS["reps"],
    "tempo": EXERCISE_KEYS["tempo"],
    "count": EXERCISE_KEYS["count"],
    "rest": EXERCISE_KEYS["rest"],
}
PHASE_KEYS = {
    "seconds": Key("seconds", "How long the phase lasts.", limit="phase"),
    "say": Key("text", "The cue said as the phase starts (default: the phase's name); "
                       "empty or null for a silent phase.", zero=True),
    "count": Key("choice", "Count the seconds aloud.", choices=("aloud", "silent")),
    "breaths": Key("count", "Deep breaths during the phase.", limit="breaths"),
}
DEFAULT_TEMPO = (Phase("up", fixed(2)), Phase("down", fixed(2)))

_UNITS = {"": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
          "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60}
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*([a-z]*)\s*)+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)$")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_UNREADABLE = object()
_SURROGATE = re.compile("[\ud800-\udfff]")
SECONDS_HELP = "expected seconds such as 30, 30s, 45 sec, 2 min, 1m30s or 1:30"


def load_routine(path: str | Path) -> Routine:
    """Read and check a routine file. Raises RoutineError listing every problem found."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise RoutineError([Problem(name, None, None, "no such file")])
    if path.is_dir():
        raise RoutineError([Problem(name, None, None, "is a folder, expected a routine file")])
    data = path.read_bytes()
    return parse_routine(data, name)


def parse_routine(data: bytes | str, name: str = "<routine>") -> Routine:
    reader = _Reader(name)
    root = reader.document(data)
    routine = reader.routine(root) if root is not None else None
    if reader.problems or routine is None:
        raise RoutineError(sorted(reader.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return replace(routine, path=name)


def parse_seconds(text: str) -> float | None:
    """'30', '30s', '45 sec', '2 min', '1m30s', '1:30' -> seconds; None if it doesn't parse."""
    text = text.strip().lower()
    if not text.isascii() or len(text) > 40:
        return None
    clock = _CLOCK.match(text)
    if clock:
        return int(clock[1]) * 60 + int(clock[2])
    if not _DURATION.match(text):
        return None
    total = 0.0
    for number, unit in _PART.findall(text):
        if unit not in _UNITS:
            return None
        total += float(number) * _UNITS[unit]
    return total


class _Mark(Protocol):
    """Where in the file: PyYAML's Mark, from its Python or its C parser."""
    line: int
    column: int


class _Defaults(TypedDict, total=False):
    """What a routine's `defaults:` gives every exercise (see `_Reader.defaults`)."""
    sets: Range | None
    reps: Range | None
    tempo: tuple[Phase, ...] | None
    count: str | None
    rest: Rests
    rest_keys: set[str]


class _Reader:
    """Walks the YAML nodes, noting problems as it goes rather than stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | _Mark | None, message: str) -> None:
        mark = node.start_mark if isinstance(node, yaml.Node) else node
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        self.problems.append(Problem(self.name, line, col, message))

    # -- the document ------------------------------------------------------------------------

    def document(self, data: bytes | str) -> yaml.Node | None:
        size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "replace"))
        if size > MAX_FILE_BYTES:
            self.problem(None, f"file is {size} bytes; a routine file is at most "
                               f"{MAX_FILE_BYTES} bytes")
            return None
        if isinstance(data, bytes):
            raw = data
            try:
                data = raw.decode("utf-8-sig")
            except UnicodeDecodeError as err:
                line = raw[: err.start].count(b"\n") + 1
                self.problems.append(Problem(self.name, line, None,
                                             "is not UTF-8 text; expected a YAML routine file"))
                return None
        try:
            depth = 0
            for event in yaml.parse(data, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    self.problem(event.start_mark, "YAML anchors and aliases (&, *) are not "
                                 "supported; write the value out in full")
                    return None
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:  # stop early: PyYAML slows down badly with depth
                        self.problem(event.start_mark, f"nested more than {MAX_DEPTH} levels "
                                                       "deep; a routine never needs that")
                        return None
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
            root = yaml.compose(data, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as err:
            self.problem(err.problem_mark, _yaml_message(err))
            return None
        except yaml.reader.ReaderError as err:
            line = data[: err.position].count("\n") + 1
            code = err.character if isinstance(err.character, int) else ord(err.character)
            self.problems.append(Problem(self.name, line, None, "contains a control character "
                                         f"({code:#04x}) that YAML does not allow"))
            return None
        except yaml.YAMLError as err:
            self.problem(None, f"not valid YAML: {err}")
            return None
        if root is None:
            self.problem(None, "file is empty; expected a routine with a title and exercises")
        return root

    def routine(self, node: yaml.Node) -> Routine | None:
        keys = self.mapping(node, ROUTINE_KEYS, "a routine (title, exercises, ...)")
        if keys is None:
            return None
        defaults = self.defaults(keys.get("defaults"))
        items = self.items(keys.get("exercises"), defaults)
        title = self.text(keys.get("title"))
        if title is None or items is None:
            return None
        return Routine(
            title=title,
            items=items,
            description=self.text(keys.get("description"), spoken=False),
            source=self.text(keys.get("source"), spoken=False),
            equipment=self.texts(keys.get("equipment")),
            safety=self.text(keys.get("safety")),
            reminder=self.reminder(keys, self.text(keys.get("safety"))),
            music=self.beside(keys.get("music"), "music file", _check_music),
            cover=self.beside(keys.get("cover"), "cover image", _check_cover),
        )

    def reminder(self, keys: dict[str, yaml.Node], safety: str | None) -> str | None:
        if "reminder" in keys:
            return self.text(keys["reminder"], allow_empty=True) or None
        return "Stop if it hurts." if safety else None

    def beside(self, node: yaml.Node | None, what: str, check: Callable[[Path], None]
               ) -> Path | None:
        """A file named relative to the routine file, inside the routine's folder (or a
        subfolder of it): no absolute path, `~` or `..`, and no symlink that leads out. It
        must be a regular file (never a device or FIFO, which are not opened at all), and be
        what it is for: a cover a JPEG or PNG image, music a song the mixer can play."""
        text = self.text(node, spoken=False)
        if text is None:
            return None
        rule = "a routine names its files relative to its own folder, such as 'cover.jpg' " \
               "or 'media/song.mp3'"
        outside = _leaves_folder(text)
        if outside:
            self.problem(node, f"{what} '{text}' {outside}; {rule}")
            return None
        folder = Path(self.name).parent
        path = folder / text
        try:
            info = os.stat(path)
            real, home = path.resolve(strict=True), folder.resolve(strict=True)
        except (OSError, ValueError, RuntimeError):  # missing, too long, a NUL byte, a loop
            self.problem(node, f"{what} '{text}' not found (looked for {path})")
            return None
        if not real.is_relative_to(home):
            self.problem(node, f"{what} '{text}' leads out of the routine's folder (to "
                               f"{real}, through a symbolic link); {rule}")
            return None
        if not stat.S_ISREG(info.st_mode):
            self.problem(node, f"{what} '{text}' is not a regular file (a folder, device, FIFO "
                               "or socket)")
            return None
        try:
            check(path)
        except AudiocoachError as err:
            self.problem(node, err.message + (f" ({err.hint})" if err.hint else ""))
            return None
        return path

    # -- mappings and their keys -------------------------------------------------------------

    def mapping(self, node: yaml.Node | None, table: dict[str, Key], what: str
                ) -> dict[str, yaml.Node] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"expected {what} as a mapping of keys, got {_kind(node)}")
            return None
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, f"a key is a word such as 'reps', got {_kind(key_node)}")
            elif key in found:
                self.problem(key_node, f"duplicate key '{key}'; each key appears once")
            elif key not in table:
                close = difflib.get_close_matches(str(key), table, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.problem(key_node, f"unknown key '{key}' in {what}{hint} "
                                       f"(expected one of: {', '.join(table)})")
            else:
                found[key] = value
        for key, spec in table.items():
            if spec.required and key not in found:
                self.problem(node, f"missing '{key}' in {what}")
        return found

    def defaults(self, node: yaml.Node | None) -> _Defaults:
        keys = self.mapping(node, DEFAULTS_KEYS, "defaults") or {}
        out: _Defaults = {}
        if "sets" in keys:
            out["sets"] = self.count(keys["sets"], "sets")
        if "reps" in keys:
            out["reps"] = self.count(keys["reps"], "reps")
        if "tempo" in keys:
            out["tempo"] = self.tempo(keys["tempo"], "aloud")
        if "count" in keys:
            out["count"] = self.choice(keys["count"], DEFAULTS_KEYS["count"])
        if "rest" in keys:
            out["rest"] = self.rests(keys["rest"], Rests())
            out["rest_keys"] = self.rest_keys(keys["rest"])
        return out

    def items(self, node: yaml.Node | None, defaults: _Defaults
              ) -> tuple[Exercise | Section, ...] | None:
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"expected a list of exercises (lines starting with '- '), "
                               f"got {_kind(node)}")
            return None
        if not node.value:
            self.problem(node, "the list of exercises is empty; expected at least one")
            return None
        out = []
        for item in node.value:
            parsed = self.item(item, defaults)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def item(self, node: yaml.Node, defaults: _Defaults) -> Exercise | Section | None:
        names = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)} \
            if isinstance(node, yaml.MappingNode) else set()
        if "section" in names and "exercise" not in names:
            return self.section(node, defaults)
        if "exercise" in names and "section" in names:
            self.problem(node, "an entry is either an exercise or a section, not both")
            return None
        if isinstance(node, yaml.MappingNode) and "exercise" not in names:
            close = [c for n in names for c in
                     difflib.get_close_matches(str(n), ("exercise", "section"), 1, 0.6)]
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.problem(node, "expected an exercise ('exercise: name') or a section "
                               f"('section: title'); this entry has neither{hint}")
            return None
        return self.exercise(node, defaults)

    def section(self, node: yaml.Node, defaults: _Defaults) -> Section | None:
        keys = self.mapping(node, SECTION_KEYS, "a section")
        if keys is None:
            return None
        title = self.text(keys.get("section"))
        items = self.items(keys.get("exercises"), defaults)
        rounds = self.count(keys.get("rounds"), "rounds") or fixed(1)
        sides = self.choice(keys.get("sides"), SECTION_KEYS["sides"])
        rest = self.seconds(keys.get("rest"), SECTION_KEYS["rest"])
        side = self.choice(keys.get("side"), SECTION_KEYS["side"])
        if title is None or items is None:
            return None
        return Section(title, items, rounds, sides, rest.low if rest else 60.0,  # type: ignore[arg-type]
                     side)  # type: ignore[arg-type]

    def exercise(self, node: yaml.Node, defaults: _Defaults) -> Exercise | None:
        keys = self.mapping(node, EXERCISE_KEYS, "an exercise")
        if keys is None:
            return None
        name = self.text(keys.get("exercise"))
        set_reps = self.per_set(keys.get("reps"), lambda n: self.count(n, "reps"))
        set_holds = self.per_set(keys.get("hold"),
                                 lambda n: self.seconds(n, EXERCISE_KEYS["hold"]))
        set_times = self.per_set(keys.get("time"),
                                 lambda n: self.seconds(n, EXERCISE_KEYS["time"]))
        lists = {k: v for k, v in (("reps", set_reps), ("hold", set_holds), ("time", set_times))
                 if v}
        sets = self.count(keys.get("sets"), "sets")
        for key, values in lists.items():
            if sets and (sets.low != len(values) or sets.high != len(values)):
                self.problem(keys["sets"], f"'sets' is {sets} but '{key}' lists {len(values)} "
                                           f"sets; give one value per set, or leave out 'sets'")
        if len({len(v) for v in lists.values()}) > 1:
            self.problem(node, "the per-set lists ('reps', 'hold', 'time') have different "
                               "lengths; give each set one value in every list")
        first_list = next(iter(lists.values()), None)
        sets = sets or (fixed(len(first_list)) if first_list else None) \
            or defaults.get("sets") or fixed(1)
        reps = set_reps[0] if set_reps else self.count(keys.get("reps"), "reps")
        time = set_times[0] if set_times else self.seconds(keys.get("time"), EXERCISE_KEYS["time"])
        hold = set_holds[0] if set_holds else self.seconds(keys.get("hold"), EXERCISE_KEYS["hold"])
        breaths = self.count(keys.get("breaths"), "breaths")
        count = self.choice(keys.get("count"), EXERCISE_KEYS["count"]) or defaults.get("count")
        rests = defaults.get("rest") or Rests()
        if "rest" in keys:
            rests = self.rests(keys["rest"], rests)
        given_rests = set(defaults.get("rest_keys") or ()) | self.rest_keys(keys.get("rest"))
        if "tempo" in keys:
            tempo = self.tempo(keys["tempo"], "silent" if count == "none" else (count or "aloud"))
        else:
            tempo = defaults.get("tempo") or DEFAULT_TEMPO
        sides = self.choice(keys.get("sides"), EXERCISE_KEYS["sides"])
        side = self.choice(keys.get("side"), EXERCISE_KEYS["side"])
        switch = self.choice(keys.get("switch"), EXERCISE_KEYS["switch"])
        transition = self.seconds(keys.get("transition"), EXERCISE_KEYS["transition"])
        breath = self.breath(keys.get("breath"), rests)
        if reps and time:
            self.problem(keys["time"], "an exercise has either reps or time, not both")
        if reps is None and time is None and hold is None and "tempo" not in keys:
            reps = defaults.get("reps")
        if breaths and hold is None:
            hold = fixed(0)  # the breaths make the hold
        if not any(k in keys for k in ("reps", "time", "hold", "breaths", "tempo")) and not reps:
            self.problem(node, "the exercise says nothing about the work; expected "
                               "'reps', 'time' or 'hold'")
        if name is None or tempo is None:
            return None
        if hold is not None:
            tempo, reps = _with_hold(tempo, reps, hold, breaths, count not in ("silent", "none"))
        if "rep" not in given_rests and any(p.name == "hold" and p.seconds.high >= 5
                                            for p in tempo) and len(tempo) > 1:
            rests = replace(rests, rep=3.0)  # relax between held reps
        if "side" not in given_rests and (side == "lying"):
            rests = replace(rests, side=20.0)  # time to roll over
        return Exercise(
            name=name, sets=sets, reps=reps if not time else None, time=time,
            tempo=tempo, rests=rests,
            setup=self.texts(keys.get("setup")), cues=self.texts(keys.get("cues")),
            sides=sides, side=side, switch_every_set=switch == "every set",  # type: ignore[arg-type]
            transition=transition.low if transition else 0.0,
            set_reps=tuple(set_reps or ()), set_holds=tuple(set_holds or ()),
            set_times=tuple(set_times or ()), count_reps=count != "none", breath=breath,
            line=node.start_mark.line + 1, col=node.start_mark.column + 1,
        )

    def per_set(self, node: yaml.Node | None, one) -> list[Range] | None:
        """A list of one value per set (`reps: [5, 3, 1]`), or None when not a list."""
        if not isinstance(node, yaml.SequenceNode):
            return None
        if not node.value:
            self.problem(node, "the list is empty; expected one value per set, such as [5, 3, 1]")
            return None
        if len(node.value) > LIMITS["sets"]:
            self.problem(node, f"the list has {len(node.value)} sets; at most {LIMITS['sets']}")
            return None
        values = [one(item) for item in node.value]
        return values if all(v is not None for v in values) else None

    def rest_keys(self, node: yaml.Node | None) -> set[str]:
        """Which rests a `rest:` value sets explicitly."""
        if isinstance(node, yaml.ScalarNode):
            return {"set"}
        if isinstance(node, yaml.MappingNode):
            return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        return set()

    def breath(self, node: yaml.Node | None, rests: Rests) -> Breath:
        if node is None:
            return Breath(rests.breath / 2, 0.0, rests.breath / 2)
        keys = self.mapping(node, BREATH_KEYS, "a breath (in, hold, out)") or {}
        if "in" not in keys:
            self.problem(node, "a breath needs 'in', the seconds breathing in, such as "
                               "{in: 4, out: 6}")
            return Breath()
        seconds = {k: self.seconds(v, BREATH_KEYS[k]) for k, v in keys.items()}
        got_in, got_hold, got_out = (seconds.get(k) for k in ("in", "hold", "out"))
        inhale = got_in.low if got_in else 3.0
        hold = got_hold.low if got_hold else 0.0
        exhale = got_out.low if got_out else inhale
        return Breath(inhale, hold, exhale)

    def rests(self, node: yaml.Node, base: Rests) -> Rests:
        if isinstance(node, yaml.ScalarNode):
            between_sets = self.seconds(node, REST_KEYS["set"])
            return replace(base, set=between_sets.low) if between_sets else base
        keys = self.mapping(node, REST_KEYS, "rests (rep, set, side, exercise, breath)") or {}
        changes = {}
        for key, value in keys.items():
            seconds = self.seconds(value, REST_KEYS[key])
            if seconds is not None:
                changes[key] = seconds.low
        return replace(base, **changes)

    def tempo(self, node: yaml.Node, count: str) -> tuple[Phase, ...] | None:
        what = "a tempo: a list of phases such as [lift: 2, lower: 2]"
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, f"expected {what}, got {_kind(node)}")
            return None
        phases = []
        for item in node.value:
            if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
                self.problem(item, f"expected one phase as 'name: seconds' or "
                                   f"'name: {{seconds: 2, say: ...}}', got {_kind(item)}")
                continue
            key_node, value = item.value[0]
            name = self.text(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if name is None:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, "a phase's name is text, such as 'lift'")
                continue
            phase = self.phase(name, value, count)
            if phase is not None:
                phases.append(phase)
        return tuple(phases) if len(phases) == len(node.value) else None

    def phase(self, name: str, node: yaml.Node, count: str) -> Phase | None:
        if isinstance(node, yaml.ScalarNode):
            seconds = self.seconds(node, PHASE_KEYS["seconds"])
            return Phase(name, seconds, say=name, count=False) if seconds else None
        keys = self.mapping(node, PHASE_KEYS, f"the phase '{name}'")
        if keys is None:
            return None
        seconds = self.seconds(keys.get("seconds"), PHASE_KEYS["seconds"])
        breaths = self.count(keys.get("breaths"), "breaths")
        if seconds is None and breaths is None:
            self.problem(node, f"the phase '{name}' needs 'seconds' or 'breaths'")
            return None
        say = self.text(keys.get("say"), allow_empty=True) if "say" in keys else name
        aloud = (self.choice(keys.get("count"), PHASE_KEYS["count"]) or "silent") == "aloud"
        return Phase(name, seconds or fixed(0), say or None, aloud, breaths)

    # -- scalar values -----------------------------------------------------------------------

    def scalar(self, node: yaml.Node) -> object:
        """The scalar's value; a value YAML cannot make (`!!int three`, `!custom`) is None."""
        try:
            return _CONSTRUCTOR.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError,
                OverflowError):
            self.problem(node, f"cannot read the value '{node.value}' (tagged {node.tag})")
            return _UNREADABLE

    def text(self, node: yaml.Node | None, allow_empty: bool = False, spoken: bool = True
             ) -> str | None:
        """A text value. Every text is valid Unicode (a lone surrogate such as "\\ud800" is
        refused, as it can never be written out); a `spoken` one has a letter or a digit."""
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and allow_empty:
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(node, f"expected text, got {_kind(node)}")
            return None
        value = str(value).strip()
        if not value and not allow_empty:
            self.problem(node, "expected text, got an empty value")
            return None
        if _SURROGATE.search(value):
            try:  # a pair of escapes ("\\ud83d\\ude00") is one character; alone, none
                value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                code = ord(_SURROGATE.search(value)[0])  # type: ignore[index]
                self.problem(node, f"the text has a lone surrogate (\\u{code:04x}), which is "
                                   "not a character and cannot be written as UTF-8; write the "
                                   "character itself")
                return None
        if len(value) > MAX_TEXT:
            self.problem(node, f"text is {len(value)} characters; a cue is at most {MAX_TEXT}")
            return None
        if spoken and value and not any(unicodedata.category(c)[0] in "LN" for c in value):
            self.problem(node, f"the text {value!r} has no letter or digit, so there is "
                               "nothing to say; write words, or leave it out")
            return None
        return value

    def texts(self, node: yaml.Node | None) -> tuple[str, ...]:
        if node is None:
            return ()
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = [self.text(item) for item in items]
        return tuple(t for t in out if t)

    def choice(self, node: yaml.Node | None, key: Key) -> str | None:
        if node is None:
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if value not in key.choices:
            shown = repr(value) if isinstance(value, str) else _kind(node)
            self.problem(node, f"got {shown}; expected one of: {', '.join(key.choices)}")
            return None
        return value

    def count(self, node: yaml.Node | None, key: str) -> Range | None:
        """A whole number >= 1, or a range 'low-high' such as 8-12. Read from the text as
        written, so YAML's other readings of it (`1:30` as 90, `0x10`) never slip in."""
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            return self.by_level(node, key, lambda n: self.count(n, key))
        what = f"'{key}': expected a whole number such as 12, or a range such as 8-12"
        plain = isinstance(node, yaml.ScalarNode) and node.tag.rsplit(":", 1)[-1] in ("int", "str")
        if not plain:
            self.problem(node, f"{what}; got {_kind(node)}")
            return None
        text = node.value.strip()
        if re.fullmatch(r"-\s*[0-9]{1,9}", text):
            self.problem(node, f"'{key}' is {text}; expected more than 0")
            return None
        parts = [p.strip() for p in text.split("-")]
        if len(parts) > 2:
            self.problem(node, f"{what}; '{text}' has {len(parts)} parts, a range has two ends")
            return None
        if not all(re.fullmatch(r"[0-9]+", p) for p in parts):
            hint = " (that reads as a time)" if ":" in text else ""
            self.problem(node, f"{what}; got '{text}'{hint}")
            return None
        if any(len(p.lstrip("0")) > 9 for p in parts):
            self.problem(node, f"'{key}' is {text}; at most {LIMITS[key]} is allowed")
            return None
        numbers = [int(p) for p in parts]
        return self.check_range(node, key, Range(numbers[0], numbers[-1]), zero=False)

    def seconds(self, node: yaml.Node | None, key: Key) -> Range | None:
        """Seconds as a number or a duration ('30s', '2 min', '1:30'), or a range ('5-10s')."""
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode) and key.limit != "rest":
            return self.by_level(node, key.limit or "phase", lambda n: self.seconds(n, key))
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(node, f"{SECONDS_HELP}; got {_kind(node)}")
            return None
        limit = key.limit or "phase"
        if not isinstance(value, str):
            if isinstance(value, float) and math.isnan(value):
                self.problem(node, f"{SECONDS_HELP}; got {node.value}")
                return None
            if value > 10 ** 9:
                self.problem(node, f"'{key.limit}' is huge; at most {LIMITS[limit]} is allowed")
                return None
            return self.check_range(node, limit, fixed(float(value)), key.zero)
        parts = value.split("-")
        if len(parts) > 2:
            self.problem(node, f"'{value}' has {len(parts)} parts; a range has two ends, "
                               f"such as 5-10s")
            return None
        unit = re.sub(r"^[\d.\s]+", "", parts[-1])  # '5-10s': the unit of the high end
        numbers = [parse_seconds(p if re.search(r"[a-z:]", p) else p + unit) for p in parts]
        if any(n is None or not math.isfinite(n) or n > 10 ** 9 for n in numbers):
            self.problem(node, f"{SECONDS_HELP}; got '{value}'")
            return None
        return self.check_range(node, limit, Range(numbers[0], numbers[-1]), key.zero)  # type: ignore[arg-type]

    def by_level(self, node: yaml.MappingNode, key: str, one) -> Range | None:
        """`{easy: 8, medium: 15, hard: 15}`: a value per level; a missing level takes
        medium's value, or the nearest one given."""
        keys = self.mapping(node, {lv: Key("count", lv) for lv in LEVELS},
                            f"'{key}' per level (easy, medium, hard)")
        if not keys:
            if keys is not None:
                self.problem(node, f"'{key}' per level needs at least one of easy, medium, hard")
            return None
        values = {lv: one(v) for lv, v in keys.items()}
        if any(v is None for v in values.values()):
            return None
        if any(v.low != v.high or v.mid is not None for v in values.values()):
            self.problem(node, f"'{key}' per level: give each level one number, not a range")
            return None
        got = {lv: v.low for lv, v in values.items()}
        medium = got.get("medium")
        easy = got.get("easy", medium if medium is not None else got.get("hard"))
        hard = got.get("hard", medium if medium is not None else easy)
        if not easy <= (medium if medium is not None else easy) <= hard:  # type: ignore[operator]
            self.problem(node, f"'{key}' per level goes the wrong way; expected easy <= medium "
                               f"<= hard")
            return None
        return Range(easy, hard, medium)  # type: ignore[arg-type]

    def check_range(self, node: yaml.Node, key: str, value: Range, zero: bool) -> Range | None:
        limit = LIMITS.get(key, LIMITS["phase"])
        if value.low < 0 or (value.low == 0 and not zero):
            self.problem(node, f"'{key}' is {value}; expected more than 0")
        elif value.low > value.high:
            self.problem(node, f"the range {value} is upside down; write the low end first, "
                               f"such as {value.high:g}-{value.low:g}")
        elif value.high > limit:
            self.problem(node, f"'{key}' is {value}; at most {limit} is allowed")
        else:
            return value
        return None


def _with_hold(tempo: tuple[Phase, ...], reps: Range | None, hold: Range,
               breaths: Range | None, aloud: bool) -> tuple[tuple[Phase, ...], Range]:
    """`hold:` adds a hold after the first phase of each rep; alone it is a static hold."""
    cue = phrase("hold") if not breaths else phrase("hold and breathe")
    held = Phase("hold", hold, say=cue, count=aloud and not breaths, breaths=breaths)
    if reps is None:
        return (held,), fixed(1)
    return (tempo[0], held, *tempo[1:]), reps


def _check_cover(path: Path) -> None:
    from .tags import read_cover  # here: mutagen is only needed when there is a cover
    read_cover(path)


def _check_music(path: Path) -> None:
    from .music import probe  # here: numpy and miniaudio are only needed when there is music
    probe(path)


def _leaves_folder(text: str) -> str | None:
    """Why the file name `text` would reach outside the routine's folder, if it would."""
    if text.startswith("~"):
        return "starts with '~' (a home folder)"
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).anchor:
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", text):
        return "goes up out of the routine's folder with '..'"
    return None


def _kind(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag.endswith(":null"):
        return "nothing"
    if node.tag.endswith(":str"):
        return f"the text '{node.value}'"
    return f"{node.tag.rsplit(':', 1)[-1]} {node.value}"


def _yaml_message(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or "not valid YAML"
    if "\\t" in problem or "'\\t'" in problem or "tab" in problem:
        return f"not valid YAML: {problem}; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem or "expected <block end>" in problem:
        return f"not valid YAML: {problem}; check the indentation of this line and the one above"
    return f"not valid YAML: {problem}"
