"""Placing events: the `_Timeline` puts each phrase and tone after the last, never
overlapping and at least `PAUSE_MS` apart, tagged with where in the session it belongs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..script import TONE_MS, Event, Side, Tone
from .limits import MAX_DURATION_S, MAX_EVENTS, _TooLong
from .pacing import GROW_QUIETLY_MS, PAUSE_MS

Durations = Callable[[str], float]
"""Seconds a phrase takes to say."""


@dataclass(frozen=True)
class _Tags:
    """Where in the session the next events are: the fields of `Event` that say which
    exercise, set, side, rep and phase a phrase or tone belongs to."""

    exercise: str | None = None
    set: int | None = None
    side: Side | None = None
    rep: int | None = None
    phase: str | None = None

    def speech(self, start: int, end: int, text: str, phase: str | None = None) -> Event:
        """A speech event with these tags; `phase`, when given, instead of theirs."""
        return Event(start, end, "speech", text=text, exercise=self.exercise, set=self.set,
                     side=self.side, rep=self.rep, phase=self.phase if phase is None else phase)


class _Mark(NamedTuple):
    """A timeline's state at one moment, to go back to (see `_Timeline.rewind`)."""

    events: int
    now: int
    last_end: int
    pause_after_last: int
    warnings: int


class _Timeline:
    """Places events one after another; `now` is where the next one may start (ms)."""

    def __init__(self, durations: Durations):
        self.durations = durations
        self.now = 0
        self.last_end = -PAUSE_MS  # where the last phrase ended, for the pause after it
        self.pause_after_last = PAUSE_MS
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.tags = _Tags()
        self.where = ""  # "line:col: Exercise" for warnings
        self._lengths: dict[str, int] = {}  # by text: the counts are said hundreds of times

    def free_at(self) -> int:
        """Where the next phrase may start: `now`, or a pause after the last phrase."""
        return max(self.now, self.last_end + self.pause_after_last)

    def say(self, text: str, slot_ms: int = 0, pause_after: int = PAUSE_MS,
            phase: str | None = None) -> int:
        """Say `text` at `now`, or a pause after the last phrase if that is later; the
        next phrase may start after `slot_ms`. `phase` is the tags' own unless given.
        Returns where it starts."""
        if self.now > MAX_DURATION_S * 1000 or len(self.events) > MAX_EVENTS:
            raise _TooLong()  # stop now, rather than lay out hours of cues first
        start = self.free_at()
        length = self.ms(text)
        self.events.append(self.tags.speech(start, start + length, text, phase))
        self.last_end = start + length
        self.pause_after_last = pause_after
        self.now = start + max(length, slot_ms)
        return start

    def tone(self, name: Tone) -> None:
        """The tone `name` at `now`; nothing else sounds during it."""
        self.events.append(Event(self.now, self.now + TONE_MS[name], "tone", tone=name,
                                 exercise=self.tags.exercise))
        self.now += TONE_MS[name]

    def wait_until(self, ms: float) -> None:
        """Move `now` on to `ms`, if it is not already past it."""
        self.now = max(self.now, round(ms))

    def fit(self, start: int, length_ms: float, what: str) -> None:
        """End a slot that began at `start`; warn if its speech ran past `length_ms`."""
        if self.now > start + length_ms + GROW_QUIETLY_MS:
            self.warnings.append(f"{self.where}: {what} needs more than its "
                                 f"{length_ms / 1000:g}s; the slot grows")
        self.wait_until(start + length_ms)

    def ms(self, text: str) -> int:
        """How long `text` takes to say, in whole milliseconds (at least one)."""
        length = self._lengths.get(text)
        if length is None:
            length = self._lengths[text] = max(1, math.ceil(self.durations(text) * 1000))
        return length

    def mark(self) -> _Mark:
        """Where the timeline is now, to try a layout and `rewind` if it does not fit."""
        return _Mark(len(self.events), self.now, self.last_end, self.pause_after_last,
                     len(self.warnings))

    def rewind(self, mark: _Mark) -> None:
        """Undo everything laid out since `mark`."""
        del self.events[mark.events:]
        del self.warnings[mark.warnings:]
        self.now, self.last_end, self.pause_after_last = mark.now, mark.last_end, \
            mark.pause_after_last
