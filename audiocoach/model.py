"""The routine as data: frozen dataclasses, filled by the loader, read by the compiler.

Defaults are already applied here: every exercise carries its own tempo and rests.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["easy", "medium", "hard"]
LEVELS: tuple[Level, ...] = ("easy", "medium", "hard")
Sides = Literal["both", "alternate", "left", "right"]


@dataclass(frozen=True)
class Range:
    """A count or a length in seconds that may be a range, such as `8-12` reps."""

    low: float
    """The easy end."""
    high: float
    """The hard end; equal to `low` for a plain number."""

    def pick(self, level: Level) -> float:
        """easy: the low end; medium: the middle; hard: the high end."""
        if level == "easy":
            return self.low
        if level == "hard":
            return self.high
        return (self.low + self.high) / 2

    def count(self, level: Level) -> int:
        """As a whole number: the middle of 8-12 is 10, of 2-3 is 2 (rounded down)."""
        return math.floor(self.pick(level))

    def __str__(self) -> str:
        fmt = lambda v: f"{v:g}" if abs(v) < 1e15 else "a huge number"  # noqa: E731
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
    set: float = 30.0
    side: float = 10.0
    exercise: float = 30.0
    breath: float = 6.0


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
    """`both`: each set on one side then the other; `alternate`: sides swap every rep."""
    line: int = 0
    """Line in the routine file, for messages."""


@dataclass(frozen=True)
class Block:
    """A section (warm-up, main, cool-down) or a repeat block of rounds; blocks can nest."""

    title: str | None
    items: tuple["Exercise | Block", ...]
    rounds: Range = field(default_factory=lambda: fixed(1))
    sides: Literal["both"] | None = None
    """`both`: the whole block on one side, then all of it again on the other."""
    rest: float = 60.0
    """Rest between rounds, and between the two sides of the block."""


@dataclass(frozen=True)
class Routine:
    title: str
    items: tuple[Exercise | Block, ...]
    description: str | None = None
    source: str | None = None
    """Where the routine comes from, such as an article."""
    equipment: tuple[str, ...] = ()
    safety: str | None = None
    """Said at the start."""
    music: Path | None = None
    """A song under the voice, resolved relative to the routine file."""
    cover: Path | None = None
    """Cover art for the MP3, resolved relative to the routine file."""
    path: str = ""
    """The file it was loaded from."""

    def exercises(self) -> list[Exercise]:
        """Each exercise as written, once, in order (not repeated by rounds)."""
        out: list[Exercise] = []

        def walk(items: tuple[Exercise | Block, ...]) -> None:
            for item in items:
                if isinstance(item, Block):
                    walk(item.items)
                else:
                    out.append(item)

        walk(self.items)
        return out


def slug(title: str) -> str:
    """A safe file name from a title: ASCII, lowercase, dashes; never a path."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:60].strip("-") or "routine"
