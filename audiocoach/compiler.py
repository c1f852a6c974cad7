"""Routine + level + phrase durations -> timed script. Pure: no I/O, no clock, no engine.

Two stages: `_occurrences` flattens sections and rounds into the exercises in the order they
are done; `_Timeline` then lays out every cue. Speech never overlaps: a cue that is longer
than its slot pushes everything after it later (the slot grows) and leaves a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Literal

from num2words import num2words

from .errors import Problem, RoutineError
from .model import Block, Exercise, Level, Phase, Routine
from .script import TONE_MS, Chapter, Event, Script

Durations = Callable[[str], float]
Coaching = Literal["standard", "full", "brief"]
COACHING: tuple[Coaching, ...] = ("standard", "full", "brief")
"""Seconds a phrase takes to say."""

LEAD_IN_MS = 500  # quiet start; it also leaves room for the MP3 encoder's delay
CHAPTER_LEAD_MS = 250  # a chapter starts this much before its first word, in quiet
MAX_OCCURRENCES = 5000
MAX_DURATION_S = 4 * 3600
MAX_EVENTS = 200_000
COUNT_EVERY_SECOND_UP_TO = 10  # longer holds get "halfway" and a countdown instead


def words(n: float) -> str:
    return num2words(int(n))


def say_seconds(seconds: float) -> str:
    """30 -> 'thirty seconds', 90 -> 'one minute thirty'."""
    s = int(round(seconds))
    minutes, rest = divmod(s, 60)
    if not minutes:
        return f"{words(s)} second" + ("s" if s != 1 else "")
    text = f"{words(minutes)} minute" + ("s" if minutes != 1 else "")
    return text + (f" {words(rest)}" if rest else "")


def estimate_seconds(text: str, wpm: float = 170) -> float:
    """A guess at how long eSpeak takes to say `text` at `wpm` words a minute."""
    n_words = len(text.split())
    pauses = sum(text.count(p) for p in ",.;:—")
    return 0.25 + n_words * 60 / wpm * 0.75 + pauses * 0.2


@dataclass(frozen=True)
class _Occurrence:
    """One time an exercise comes up in the session (rounds and sides repeat them)."""

    exercise: Exercise
    side: str | None  # set by a section done on both sides
    labels: tuple[str, ...]  # said before it starts: section title, round, side
    context: tuple[str, ...]  # round and side, for the chapter title
    rest_after: float
    announce_after: str | None = None  # e.g. "switch sides" at the end of a section's side


def compile_routine(routine: Routine, level: Level = "medium",
                    durations: Durations = estimate_seconds,
                    coaching: Coaching = "standard") -> Script:
    """Lay out every cue of `routine` at `level`, timing speech with `durations`.

    `coaching`: "standard" says the setup the first time an exercise comes up and the form
    cues in its first set; "full" says both on every set; "brief" says the name, the counts
    and one form cue, for a user who knows the moves."""
    occurrences = _occurrences(routine, level)
    timeline = _Timeline(durations, coaching)
    chapters: list[tuple[str, int]] = []
    try:
        _lay_out(timeline, routine, occurrences, level, chapters)
    except _TooLong:
        timeline.now = max(timeline.now, MAX_DURATION_S * 1000 + 1)
    end = timeline.now
    if end > MAX_DURATION_S * 1000:
        raise RoutineError([Problem(routine.path, None, None,
                                    f"the routine lasts more than {MAX_DURATION_S // 3600} "
                                    f"hours (or has over {MAX_EVENTS} cues) at level {level}; "
                                    f"at most {MAX_DURATION_S // 3600} hours is allowed")])
    bounds = [s for _, s in chapters[1:]] + [end]
    return Script(
        title=routine.title, source=routine.source, level=level, duration_ms=end,
        chapters=tuple(Chapter(t, s, e) for (t, s), e in zip(chapters, bounds)),
        events=tuple(sorted(timeline.events, key=lambda e: e.start_ms)),
        warnings=tuple(timeline.warnings),
    )


class _TooLong(Exception):
    """Raised inside the layout once the routine passes the limits."""


def _lay_out(timeline: "_Timeline", routine: Routine, occurrences: list[_Occurrence],
             level: Level, chapters: list[tuple[str, int]]) -> None:
    timeline.intro(routine)
    seen: set[str] = set()
    names = [o.exercise.name for o in occurrences]
    for index, occ in enumerate(occurrences):
        title = occ.exercise.name
        if names.count(title) > 1 and occ.context:
            title = " · ".join((title, *occ.context))
        prev = occurrences[index - 1] if index else None
        start = timeline.occurrence(occ, prev, level, first_time=occ.exercise.name not in seen)
        chapters.append((title, 0 if not index else start))
        seen.add(occ.exercise.name)
    timeline.outro()


def _occurrences(routine: Routine, level: Level) -> list[_Occurrence]:
    out: list[_Occurrence] = []
    pending: list[str] = []

    def walk(items: tuple[Exercise | Block, ...], side: str | None, context: tuple[str, ...]):
        for item in items:
            if isinstance(item, Exercise):
                if len(out) >= MAX_OCCURRENCES:
                    raise RoutineError([Problem(routine.path, item.line, None,
                                                f"the rounds repeat exercises more than "
                                                f"{MAX_OCCURRENCES} times; too many")])
                out.append(_Occurrence(item, side, tuple(pending), context,
                                       item.rests.exercise))
                pending.clear()
            else:
                block(item, side, context)

    def block(b: Block, side: str | None, context: tuple[str, ...]):
        sides = ["left", "right"] if b.sides == "both" else [side]
        rounds = b.rounds.count(level)
        if b.title:
            pending.append(b.title)
        for si, s in enumerate(sides):
            for r in range(1, rounds + 1):
                here = context
                if rounds > 1:
                    pending.append(f"round {words(r)} of {words(rounds)}")
                    here += (f"round {r}",)
                if b.sides and r == 1:
                    pending.append(f"{s} side")
                if b.sides:
                    here += (f"{s} side",)
                walk(b.items, s, here)
                last = si == len(sides) - 1 and r == rounds
                if not last and out:
                    switch = "switch sides" if r == rounds else None
                    out[-1] = replace(out[-1], rest_after=b.rest, announce_after=switch)

    walk(routine.items, None, ())
    return out


class _Timeline:
    """Places events one after another; `now` is where the next one may start (ms)."""

    def __init__(self, durations: Durations, coaching: Coaching = "standard"):
        self.durations = durations
        self.coaching = coaching
        self.now = 0
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.tags: dict = {}

    # -- primitives ----------------------------------------------------------------------

    def say(self, text: str, slot_ms: int = 0, **tags) -> None:
        if self.now > MAX_DURATION_S * 1000 or len(self.events) > MAX_EVENTS:
            raise _TooLong()  # stop now, rather than lay out hours of cues first
        length = self.ms(text)
        self.events.append(Event(self.now, self.now + length, "speech", text=text,
                                 **{**self.tags, **tags}))
        self.now += max(length, slot_ms)

    def tone(self, name: str) -> None:
        self.events.append(Event(self.now, self.now + TONE_MS[name], "tone", tone=name,
                                 exercise=self.tags.get("exercise")))
        self.now += TONE_MS[name]

    def wait_until(self, ms: float) -> None:
        self.now = max(self.now, int(round(ms)))

    def fit(self, start: int, length_ms: float, what: str) -> None:
        """End a slot that began at `start`; warn if its speech ran past `length_ms`."""
        if self.now > start + length_ms + 1:
            self.warnings.append(f"{self.tags.get('exercise')}: {what} needs "
                                 f"{(self.now - start) / 1000:.1f}s but has "
                                 f"{length_ms / 1000:.1f}s; the slot grows")
        self.wait_until(start + length_ms)

    # -- the session -----------------------------------------------------------------------

    def intro(self, routine: Routine) -> None:
        self.now = LEAD_IN_MS
        self.tags = {"phase": "intro"}
        self.say(routine.title, 300)
        if routine.equipment:
            self.say("You will need: " + ", ".join(routine.equipment) + ".", 300)
        if routine.safety:
            self.say(routine.safety, 300)
        self.tone("start")

    def outro(self) -> None:
        self.tags = {"phase": "end"}
        self.wait_until(self.now + 500)
        self.say("Workout complete. Well done.", 300)
        self.tone("finish")
        self.now += 1000

    def occurrence(self, occ: _Occurrence, prev: _Occurrence | None, level: Level,
                   first_time: bool) -> int:
        """All sets of one occurrence; returns where its chapter starts."""
        ex = occ.exercise
        sets = ex.sets.count(level)
        if ex.sides == "both":
            sides: list[str | None] = ["left", "right"]
        else:
            sides = [ex.sides if ex.sides in ("left", "right") else occ.side]
        chapter_start = 0
        for s in range(1, sets + 1):
            for si, side in enumerate(sides):
                self.tags = {"exercise": ex.name, "set": s, "side": side}
                intro: list[str] = []
                if s == 1 and si == 0:
                    if prev:
                        self.tags = {"exercise": prev.exercise.name, "phase": "rest"}
                        rest = prev.rest_after
                        text = f"rest {say_seconds(rest)}" if rest >= 1 else ""
                        text = ", ".join(t for t in (prev.announce_after, text) if t)
                        # with no rest, the name said as the exercise starts is enough
                        self.rest_start(f"{text} — next up: {ex.name}" if text else "")
                        self.tags = {"exercise": ex.name, "set": s, "side": side}
                    else:
                        rest = 0
                        self.rest_start("")
                    intro = [*occ.labels, ex.name]
                elif si == 0:
                    rest = ex.rests.set
                    self.rest_start(f"rest {say_seconds(rest)}" if rest >= 1 else "")
                else:
                    rest = ex.rests.side
                    self.rest_start("switch sides")
                if (first_time and s == 1 and si == 0 and self.coaching == "standard") or \
                        self.coaching == "full":
                    intro += ex.setup
                if sets > 1 and si == 0:
                    intro.append("last set" if s == sets else f"set {words(s)} of {words(sets)}")
                if side and ex.sides and (len(sides) > 1 or s == 1):
                    intro.append(f"{side} side")
                began = self.get_ready(intro, rest)
                if s == 1 and si == 0:
                    chapter_start = began
                cues = ex.cues if s == 1 and si == 0 else ()
                if self.coaching == "full":
                    cues = ex.cues
                elif self.coaching == "brief":
                    cues = ex.cues[:1] if s == 1 and si == 0 and first_time else ()
                self.work(ex, level, side, cues)
                self.tone("end")
        return chapter_start

    def rest_start(self, text: str) -> None:
        self.rest_began = self.now
        if text:
            self.say(text, phase="rest")

    def get_ready(self, lines: list[str], rest_s: float) -> int:
        """Say `lines` and "three, two, one, go" so that "go" ends the rest; returns where
        the lines begin."""
        tail = sum(self.ms(t) for t in lines)
        countdown = 3000 + self.ms("go")
        self.wait_until(max(self.now + CHAPTER_LEAD_MS,
                            self.rest_began + rest_s * 1000 - tail - countdown))
        began = self.now - CHAPTER_LEAD_MS
        for line in lines:
            self.say(line, phase="setup")
        start = self.now
        for i, word in enumerate(("three", "two", "one")):
            self.wait_until(start + 1000 * i)
            self.say(word, phase="countdown")
        self.wait_until(start + 3000)
        self.say("go", phase="countdown")
        return began

    # -- the work of one set -----------------------------------------------------------------

    def work(self, ex: Exercise, level: Level, side: str | None, cues: tuple[str, ...]
             ) -> None:
        self.tags = {**self.tags, "side": side}
        if ex.time is not None:
            self.timed(ex, ex.time.pick(level) * 1000, cues)
            return
        reps = ex.reps.count(level) if ex.reps else 1
        moves = [(r, s) for r in range(1, reps + 1)
                 for s in (("left", "right") if ex.sides == "alternate" else (side,))]
        cue_at: dict[int, list[str]] = {}
        for j, cue in enumerate(cues):
            cue_at.setdefault(1 + j * reps // len(cues), []).append(cue)
        for i, (rep, move_side) in enumerate(moves):
            if i and ex.rests.rep:
                self.wait_until(self.now + ex.rests.rep * 1000)
            form = cue_at.pop(rep, []) if move_side != "right" or ex.sides != "alternate" else []
            self.rep(ex, level, rep, move_side, form, counted=reps > 1)

    def rep(self, ex: Exercise, level: Level, rep: int, side: str | None, form: list[str],
            counted: bool) -> None:
        """One rep: its count, then each phase on its beat. A form cue is said right after
        the count and may run across the phases: the phase cues and counts it talks over are
        left out, and the rep only grows if the cue is longer than the whole rep."""
        self.tags = {**self.tags, "side": side, "rep": rep}
        rep_start = self.now
        if counted and (ex.sides != "alternate" or side == "left"):
            # "rep two", not "two", when a counted hold follows: "two ... hold, two, three"
            held = any(p.count for p in ex.tempo)
            self.say(f"rep {words(rep)}" if held else words(rep), phase=ex.tempo[0].name)
        if ex.sides == "alternate":
            self.say(side or "", phase="side")
        for cue in form:
            self.say(cue, phase="form")
        start, planned = rep_start, 0.0
        for phase in ex.tempo:
            length = self.phase(phase, level, ex, start, talked_over=bool(form))
            planned += length
            start = max(start + int(round(length)), self.now if not form else 0)
        if form:
            self.fit(rep_start, planned, "the form cue")

    def phase(self, phase: Phase, level: Level, ex: Exercise, start: int,
              talked_over: bool) -> float:
        """Say one phase starting at `start`; returns its length in ms."""
        length = phase.seconds.pick(level) * 1000
        if phase.say and not (talked_over and self.now > start):
            self.wait_until(start)
            self.say(phase.say, phase=phase.name)
        if phase.breaths:
            n = phase.breaths.count(level)
            self.wait_until(start)
            length = max(length, self.now - start + n * ex.rests.breath * 1000)
            self.breaths(n, ex.rests.breath * 1000)
        seconds = int(length // 1000)
        if phase.count and not phase.breaths and seconds <= COUNT_EVERY_SECOND_UP_TO:
            for n in range(2, seconds + 1):
                if self.now <= start + (n - 1) * 1000:  # numbers a cue talked over are skipped
                    self.wait_until(start + (n - 1) * 1000)
                    self.say(words(n), phase=phase.name)
        elif phase.count and not phase.breaths:
            self.countdown_within(start, length, phase.name)
        if not talked_over:
            self.fit(start, length, f"the {phase.name} phase")
        return length

    def ms(self, text: str) -> int:
        return max(1, math.ceil(self.durations(text) * 1000))

    def breaths(self, n: int, breath_ms: float) -> None:
        start = self.now
        for b in range(n):
            self.wait_until(start + b * breath_ms)
            self.say("breathe in" if b == 0 else "in", phase="inhale")
            self.wait_until(start + b * breath_ms + breath_ms / 2)
            self.say("and out", phase="exhale")
        self.wait_until(start + n * breath_ms)

    def countdown_within(self, start: int, length: float, phase: str) -> None:
        """For long holds and timed work: "halfway", then "three, two, one" to the end."""
        if length >= 20000:
            self.wait_until(start + length / 2)
            self.say("halfway", phase=phase)
        for i, word in enumerate(("three", "two", "one")):
            self.wait_until(start + length - 3000 + 1000 * i)
            self.say(word, phase=phase)

    def timed(self, ex: Exercise, length: float, cues: tuple[str, ...]) -> None:
        start = self.now
        self.tags = {**self.tags, "rep": None}
        if cues:
            self.wait_until(start + 500)
            for cue in cues:
                self.say(cue, 500, phase="form")
        self.countdown_within(start, length, "work")
        self.fit(start, length, "the form cues")
