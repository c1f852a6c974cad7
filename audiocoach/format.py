"""The routine file format: its keys, what kind of value each takes, the limits, the units.

The one description of the format. The loader checks routines against these tables,
`schema.py` turns them into a JSON Schema, and programs share the same limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import SIDE_MEANINGS
from .phrases import DEFAULT, SUPPORTED

MAX_FILE_BYTES = 512 * 1024
MAX_TEXT = 400  # characters in one cue
MAX_DEPTH = 40  # nesting of YAML collections
LIMITS = {  # the largest value each key takes, in routines and programs; the README lists them
    "sets": 20, "reps": 200, "rounds": 20, "breaths": 30,
    "time": 3600, "hold": 600, "phase": 600, "rest": 1800, "weeks": 52, "day": 7,
}
MAX_SESSIONS = 400  # sessions in a whole program (52 weeks of 7 days is 364); the README lists it


@dataclass(frozen=True)
class Key:
    kind: str
    """text, texts, count, seconds, choice, items, tempo, rest, defaults or language."""
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
    "language": Key("language", f"The language the routine is written in, and coached in: a "
                                f"BCP 47 tag, one of {', '.join(SUPPORTED)} (default "
                                f"{DEFAULT}), or a region of one, such as de-AT or es-MX."),
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
WORK_KEYS = ("reps", "time", "hold", "breaths", "tempo")
"""An exercise says what its work is with at least one of these."""

UNITS = {"": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
         "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60}
"""The units of a duration and their seconds; "" is the unit that may be left out."""
SECONDS_HELP = "expected seconds such as 30, 30s, 45 sec, 2 min, 1m30s or 1:30"
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*([a-z]*)\s*)+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)$")


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
        if unit not in UNITS:
            return None
        total += float(number) * UNITS[unit]
    return total
