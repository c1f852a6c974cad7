"""The routine as data: frozen dataclasses, filled by the loader, read by the compiler.

Defaults are already applied here: every exercise carries its own tempo and rests.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

Level = Literal["easy", "medium", "hard"]
LEVELS: tuple[Level, ...] = ("easy", "medium", "hard")
Coaching = Literal["standard", "full", "brief"]
"""How much the coach says: standard, full (setup and cues every set) or brief."""
COACHING: tuple[Coaching, ...] = ("standard", "full", "brief")
Sides = Literal["both", "alternate", "left", "right"]
SideMeaning = Literal["leg", "arm", "hand", "foot", "knee", "hip", "lying", "arm and leg",
                      "leg and arm", "direction"]
SIDE_MEANINGS: tuple[SideMeaning, ...] = ("leg", "arm", "hand", "foot", "knee", "hip", "lying",
                                          "arm and leg", "leg and arm", "direction")


@dataclass(frozen=True)
class Range:
    """A count or a length in seconds that may be a range, such as `8-12` reps."""

    low: float
    """The easy end."""
    high: float
    """The hard end; equal to `low` for a plain number."""
    mid: float | None = None
    """Medium's value when the routine gives one per level (`{easy: 8, medium: 15}`);
    None for the middle of the range."""

    def pick(self, level: Level) -> float:
        """easy: the low end; medium: the middle (or `mid`); hard: the high end."""
        if level == "easy":
            return self.low
        if level == "hard":
            return self.high
        return self.mid if self.mid is not None else (self.low + self.high) / 2

    def count(self, level: Level) -> int:
        """As a whole number: the middle of 8-12 is 10, of 2-3 is 2 (rounded down)."""
        return math.floor(self.pick(level))

    def __str__(self) -> str:
        fmt = lambda v: f"{v:g}" if abs(v) < 1e15 else "a huge number"  # noqa: E731
        if self.mid is not None:
            return f"easy {fmt(self.low)}, medium {fmt(self.mid)}, hard {fmt(self.high)}"
        return fmt(self.low) if self.low == self.high else f"{fmt(self.low)}-{fmt(self.high)}"


def fixed(value: float) -> Range:
    return Range(value, value)


@dataclass(frozen=True)
class Phase:
    """One part of a rep, such as "lift 2 s" or "inhale 4 s, arch into cow"."""

    name: str
    """What the phase is called (`lift`, `hold`, `inhale`, ...); it names the event's phase."""
    seconds: Range
    """How long the phase lasts."""
    say: str | None = None
    """The cue said as the phase starts, or None to stay quiet."""
    count: bool = False
    """Count the seconds aloud ("hold ... two, three, four")."""
    breaths: Range | None = None
    """Breaths taken during the phase ("take three deep breaths"); each lasts `Rests.breath`."""


@dataclass(frozen=True)
class Rests:
    """Rests in seconds, after a rep, a set, a side and the exercise; and one breath's length."""

    rep: float = 0.0
    """Between reps; the loader makes it 3 s for reps with a hold of 5 s or more."""
    set: float = 30.0
    side: float = 10.0
    """To switch sides; the loader makes it 20 s when you roll over (`side: lying`)."""
    exercise: float = 30.0
    breath: float = 6.0


@dataclass(frozen=True)
class Breath:
    """One deep breath taken during a hold (`breaths:`): seconds in, held, and out."""

    inhale: float = 3.0
    hold: float = 0.0
    exhale: float = 3.0

    @property
    def seconds(self) -> float:
        return self.inhale + self.hold + self.exhale


@dataclass(frozen=True)
class Exercise:
    """One exercise as written in the routine, with the routine's defaults filled in."""

    name: str
    sets: Range
    reps: Range | None
    """Reps per set (per side); None for timed work."""
    time: Range | None
    """Seconds of work per set, for timed work such as pulses; None when counted in reps."""
    tempo: tuple[Phase, ...]
    """The phases of one rep."""
    rests: Rests
    setup: tuple[str, ...] = ()
    """Said once, before the first set the first time the exercise comes up."""
    cues: tuple[str, ...] = ()
    """Form cues, said during the first set: spread over its reps, or its time."""
    sides: Sides | None = None
    """`both`: all sets on one side, then all on the other; `alternate`: sides swap every rep."""
    side: SideMeaning | None = None
    """What the side is: the leg that works, the side you lie on, ... None: just "left side"."""
    switch_every_set: bool = False
    """With `sides: both`, switch after every set instead of after all sets."""
    transition: float = 0.0
    """Seconds to get into position before the first set (at least; the rest may be longer)."""
    set_reps: tuple[Range, ...] = ()
    """Reps of each set when they differ (a pyramid, 5-3-1); empty: `reps` for every set."""
    set_holds: tuple[Range, ...] = ()
    """The hold of each set when they differ; empty: the tempo's hold for every set."""
    set_times: tuple[Range, ...] = ()
    """The time of each set when they differ; empty: `time` for every set."""
    count_reps: bool = True
    """Say each rep's number; False (`count: none`) for drills led by the breath alone."""
    breath: Breath = field(default_factory=Breath)
    """One deep breath of `breaths:`."""
    line: int = 0
    """Line in the routine file, for messages."""
    col: int = 0
    """Column in the routine file, for messages."""

    def reps_in(self, set_no: int, level: Level) -> int:
        """Reps in set `set_no` (1-based) at `level`."""
        if self.set_reps:
            return self.set_reps[min(set_no, len(self.set_reps)) - 1].count(level)
        return self.reps.count(level) if self.reps else 1

    def time_in(self, set_no: int, level: Level) -> float | None:
        """Seconds of timed work in set `set_no`, or None for reps."""
        if self.set_times:
            return self.set_times[min(set_no, len(self.set_times)) - 1].pick(level)
        return self.time.pick(level) if self.time else None

    def tempo_in(self, set_no: int) -> tuple[Phase, ...]:
        """The phases of a rep in set `set_no`: the per-set hold in place of the hold."""
        if not self.set_holds:
            return self.tempo
        hold = self.set_holds[min(set_no, len(self.set_holds)) - 1]
        return tuple(replace(p, seconds=hold) if p.name == "hold" else p for p in self.tempo)


@dataclass(frozen=True)
class Section:
    """A section (warm-up, main, cool-down) or a repeat block of rounds; blocks can nest."""

    title: str | None
    items: tuple[Exercise | Section, ...]
    rounds: Range = field(default_factory=lambda: fixed(1))
    sides: Literal["both"] | None = None
    """`both`: the whole block on one side, then all of it again on the other."""
    rest: float = 60.0
    """Rest between rounds, and between the two sides of the block."""
    side: SideMeaning | None = None
    """What the block's side is (see `Exercise.side`)."""


@dataclass(frozen=True)
class Routine:
    title: str
    items: tuple[Exercise | Section, ...]
    description: str | None = None
    source: str | None = None
    """Where the routine comes from, such as an article."""
    equipment: tuple[str, ...] = ()
    safety: str | None = None
    """Said at the start."""
    reminder: str | None = None
    """A short safety reminder, said again before each new exercise."""
    music: Path | None = None
    """A song under the voice, resolved relative to the routine file."""
    cover: Path | None = None
    """Cover art for the MP3, resolved relative to the routine file."""
    path: str = ""
    """The file it was loaded from."""
    language: str = "en"
    """The BCP 47 tag of the language it is written and coached in (phrases.SUPPORTED, or a
    region of one, such as de-AT), in BCP 47's case."""

    def exercises(self) -> list[Exercise]:
        """Each exercise as written, once, in order (not repeated by rounds)."""
        out: list[Exercise] = []

        def walk(items: tuple[Exercise | Section, ...]) -> None:
            for item in items:
                if isinstance(item, Section):
                    walk(item.items)
                else:
                    out.append(item)

        walk(self.items)
        return out


# Latin letters that NFKD does not take apart into an ASCII letter and marks
_LATIN = {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
          "ħ": "h", "ı": "i", "ŧ": "t", "ŋ": "ng", "ĸ": "k"}
# names Windows keeps for devices, with any extension (con.mp3 is the console too)
WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))])
SLUG_CHARS, SLUG_BYTES = 60, 120


def slug(title: str) -> str:
    """A safe file name from a title, never a path: lowercase letters, digits and dashes.

    Latin letters lose their accents (`Übung` -> `ubung`), so Latin titles keep plain ASCII
    names (the feed's episode ids depend on them); letters of other scripts are kept
    (lowercased, NFC; lower, not casefold, keeps the Greek final sigma): `Διατάσεις` ->
    `διατάσεις`, `ストレッチ` -> `ストレッチ`. Anything else (punctuation, symbols, controls,
    separators) becomes one dash; invisible format characters (zero-width, bidi) are dropped.
    At most 60 characters and 120 bytes of UTF-8; never empty (`routine`) and never a name
    Windows reserves (`con` -> `con-routine`). Names are compared casefolded (build.Claims)."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", title).lower())
    out: list[str] = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)
        kind = unicodedata.category(c)
        if c.isascii():
            out.append(c if c.isalnum() else "-")
        elif c in _LATIN:
            out.append(_LATIN[c])
        elif base[0].isascii() and base[0].isalpha() and \
                all(unicodedata.category(m).startswith("M") for m in base[1:]):
            out.append(base[0])  # an accented Latin letter
        elif kind[0] in "LN":
            out.append(c)
        elif kind[0] == "M":
            if out and not out[-1].isascii():
                out.append(c)  # a mark on a kept letter (Devanagari, Thai, ...)
        elif kind != "Cf":
            out.append("-")
    text = re.sub(r"-+", "-", "".join(out)).strip("-")
    cut = len(text)
    while cut and (cut > SLUG_CHARS or len(text[:cut].encode()) > SLUG_BYTES
                   or (cut < len(text) and unicodedata.category(text[cut])[0] == "M")):
        cut -= 1  # never part a letter from its marks
    text = text[:cut].strip("-") or "routine"
    return f"{text}-routine" if text in WINDOWS_RESERVED else text
