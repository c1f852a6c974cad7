"""Routine + level + phrase durations -> timed script. Pure: no I/O, no clock, no engine.

Two stages: `_occurrences` flattens sections and rounds into the exercises in the order they
are done; `_Session` then lays out every cue on a `_Timeline`. The timeline places each
phrase and tone: speech never overlaps, and two phrases are always at least `PAUSE_MS` apart;
a cue that is longer than its slot pushes everything after it later (the slot grows) and
leaves a warning. `_Session` says what comes between the sets (in the words of `_set_line`
and `_dose`), and `_SetWork` times the reps, phases, holds and breaths of each set.

How a physiotherapist paces it, and so the compiler:
- Before a set, in the rest or transition before it: first the end of the last set ("and
  rest, thirty seconds"), then what comes next ("next up: Bird dog"), which side and what it
  means ("lie on your left side"), the setup, a short safety reminder and the dose ("set one
  of two: ten reps"), all at the START of the gap so there is time to get ready; the
  countdown comes last.
- Cue precedence inside a set: the rep's count, the phase cues ("lift", "inhale"), "hold" and
  the counts of a hold are movement cues and are never talked over. A form cue goes into a
  quiet stretch of the rep that fits it (a long hold, a rest between reps); if none fits, the
  rep waits for it: the cue is said first, then the rep's count.
- Less talk as the set goes on: phase cues are said in full on the first reps, then as their
  short word ("inhale"), and `brief` coaching keeps only the counts after the first rep.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import NamedTuple

from .errors import Problem, RoutineError
from .model import COACHING, Coaching, Exercise, Level, Phase, Routine, Section, SideMeaning
from .phrases import SIDE_BLANK, Catalog, catalog
from .script import TONE_MS, Chapter, Event, Script, Side, Tone

Durations = Callable[[str], float]
"""Seconds a phrase takes to say."""

LEAD_IN_MS = 500  # quiet start; it also leaves room for the MP3 encoder's delay
CHAPTER_LEAD_MS = 250  # a chapter starts this much before its first word, in quiet
PAUSE_MS = 250  # the least quiet between two phrases
NAME_PAUSE_MS = 600  # after an exercise's or a section's name, before its instructions
READY_MS = 3000  # the least quiet after the last instruction, before "three, two, one"
FIRST_TRANSITION_S = 10  # time to get into position for the first exercise
TEACH_REPS = 2  # reps whose phase cues are said in full
GROW_QUIETLY_MS = 500  # a slot that grows by less than this is not worth a warning
MAX_OCCURRENCES = 5000
MAX_DURATION_S = 4 * 3600
MAX_EVENTS = 200_000
MAX_DISTINCT_SPEECH_S = 3600  # distinct phrases to synthesize: at most an hour of speech
COUNT_EVERY_SECOND_UP_TO = 10  # longer holds get "halfway" and a countdown instead

__all__ = ["COACHING", "Coaching", "check_limits", "compile_routine", "estimate_seconds",
           "upper_seconds"]


def estimate_seconds(text: str, wpm: float = 170) -> float:
    """A guess at how long eSpeak takes to say `text` at `wpm` words a minute."""
    n_words = len(text.split())
    pauses = sum(text.count(p) for p in ",.;:—")
    return 0.25 + n_words * 60 / wpm * 0.75 + pauses * 0.2


def upper_seconds(text: str, wpm: float = 165) -> float:
    """More than the default voice ever takes to say `text` at `wpm` words a minute: a bound
    (by characters, with a 25 % margin over the slowest of 500 measured phrases), so that a
    routine within the limits by this measure is within them when really spoken."""
    pauses = sum(text.count(p) for p in ",.;:—?!")
    return 1.25 * (0.3 + 0.08 * len(text) + 0.15 * pauses) * 165 / max(wpm, 1)


def check_limits(routine: Routine, level: Level = "medium", coaching: Coaching = "standard",
                 wpm: float = 165) -> Script:
    """Compile `routine` with `upper_seconds`: raises RoutineError when it could pass the
    limits once spoken (4 hours, or more than MAX_DISTINCT_SPEECH_S of distinct phrases to
    synthesize), before any speech is made. What passes here always renders."""
    script = compile_routine(routine, level, lambda t: upper_seconds(t, wpm), coaching)
    speech = sum(upper_seconds(p, wpm) for p in script.phrases())
    if speech > MAX_DISTINCT_SPEECH_S:
        raise RoutineError([Problem(routine.path, None, None,
                                    f"the routine has about {speech / 60:.0f} minutes of "
                                    f"different things to say at level {level}; at most "
                                    f"{MAX_DISTINCT_SPEECH_S // 60} minutes is allowed (it "
                                    f"would take long to synthesize and much memory)")])
    return script


@dataclass(frozen=True)
class _Occurrence:
    """One time an exercise comes up in the session (rounds and sides repeat them)."""

    exercise: Exercise
    side: Side | None  # set by a section done on both sides
    labels: tuple[tuple[str, int], ...]  # said before it starts, with the pause after each:
    # a section's title, its round, its side
    context: tuple[str, ...]  # round and side, for the chapter title
    rest_after: float
    announce_after: str | None = None  # "now the other side" at the end of a section's side


def compile_routine(routine: Routine, level: Level = "medium",
                    durations: Durations = estimate_seconds,
                    coaching: Coaching = "standard") -> Script:
    """Lay out every cue of `routine` at `level`, timing speech with `durations`.

    `coaching`: "standard" says the setup the first time an exercise comes up and the form
    cues in its first set; "full" says both on every set; "brief" says the name, the dose,
    the counts and one form cue, for a user who knows the moves."""
    cat = catalog(routine.language)
    occurrences = _occurrences(routine, level, cat)
    timeline = _Timeline(durations)
    chapters: list[tuple[str, int]] = []
    try:
        chapters = _Session(timeline, coaching, routine.reminder, cat).lay_out(
            routine, occurrences, level)
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
        title=routine.title, source=routine.source, level=level, language=routine.language,
        duration_ms=end,
        chapters=tuple(Chapter(t, s, e) for (t, s), e in zip(chapters, bounds, strict=True)),
        events=tuple(sorted(timeline.events, key=lambda e: e.start_ms)),
        warnings=_counted(_side_warnings(routine) + timeline.warnings),
    )


def _counted(warnings: list[str]) -> tuple[str, ...]:
    """Each warning once, in order, with how often it came up."""
    counts = Counter(warnings)
    return tuple(w if counts[w] == 1 else f"{w} ({counts[w]} times)"
                 for w in dict.fromkeys(warnings))


def _side_warnings(routine: Routine) -> list[str]:
    """Sides that don't say what they are: 'left side' can mean four things."""
    out: list[str] = []

    def walk(items: tuple[Exercise | Section, ...], meaning: str | None, inside: bool) -> None:
        for item in items:
            if isinstance(item, Section):
                walk(item.items, item.side or meaning, inside or item.sides == "both")
            elif (item.sides and not (item.side or meaning)) or (inside and not item.sides
                                                                and not meaning):
                out.append(f"{item.line}:{item.col}: {item.name}: the cue will only say "
                           f"'left side'; say what the side is with 'side:' (leg, arm, "
                           f"lying, arm and leg, ...)")
            elif item.side and not item.sides and not inside:
                out.append(f"{item.line}:{item.col}: {item.name}: 'side: {item.side}' "
                           f"but no 'sides' (both, alternate, left or right); it is not used")
            if isinstance(item, Exercise) and item.switch_every_set and item.sides != "both":
                out.append(f"{item.line}:{item.col}: {item.name}: 'switch' is for "
                           f"'sides: both'; it is not used")

    walk(routine.items, None, False)
    return out


class _TooLong(Exception):
    """Raised inside the layout once the routine passes the limits."""


def _occurrences(routine: Routine, level: Level, cat: Catalog) -> list[_Occurrence]:
    """Every time an exercise comes up, in order: sections flattened, their rounds and sides
    repeated, each with what is said before it (in `cat`'s words) and the rest after it."""
    out: list[_Occurrence] = []
    pending: list[tuple[str, int]] = []

    def walk(items: tuple[Exercise | Section, ...], side: Side | None,
             meaning: SideMeaning | None, context: tuple[str, ...]) -> None:
        for item in items:
            if isinstance(item, Exercise):
                if len(out) >= MAX_OCCURRENCES:
                    raise RoutineError([Problem(routine.path, item.line, None,
                                                f"the rounds repeat exercises more than "
                                                f"{MAX_OCCURRENCES} times; too many")])
                if side and meaning and not item.side:
                    item = replace(item, side=meaning)
                out.append(_Occurrence(item, side, tuple(pending), context,
                                       item.rests.exercise))
                pending.clear()
            else:
                section(item, side, meaning, context)

    def section(b: Section, side: Side | None, meaning: SideMeaning | None,
                context: tuple[str, ...]) -> None:
        sides: list[Side | None] = ["left", "right"] if b.sides == "both" else [side]
        meaning = b.side or meaning
        rounds = b.rounds.count(level)
        for si, s in enumerate(sides):
            for r in range(1, rounds + 1):
                here = context
                if b.title and r == 1 and si == 0 and b.title != routine.title:
                    pending.append((b.title, NAME_PAUSE_MS))
                if rounds > 1:
                    pending.append((cat.phrase("round of", n=cat.words(r),
                                               total=cat.words(rounds)), PAUSE_MS))
                    here += (cat.phrase("chapter round", n=r),)
                if b.sides and s:  # a section done on both sides: s is set
                    if r == 1:
                        pending.append((cat.side_phrase(meaning, s), PAUSE_MS))
                    here += (cat.side_title(s),)
                walk(b.items, s, meaning, here)
                last = si == len(sides) - 1 and r == rounds
                if not last and out:
                    switch = cat.phrase("section other side") if r == rounds else None
                    out[-1] = replace(out[-1], rest_after=b.rest, announce_after=switch)

    walk(routine.items, None, None, ())
    return out


def _set_order(ex: Exercise, occ_side: Side | None, sets: int, first: Side | None = None
               ) -> list[tuple[int, Side | None]]:
    """(set, side) in the order they are done. `sides: both` does every set on the left (or
    on `first`, the side the patient already lies on), then every set on the other side,
    unless the routine asks to switch after every set."""
    if ex.sides == "both":
        both: tuple[Side, Side] = ("right", "left") if first == "right" else ("left", "right")
        if ex.switch_every_set:
            return [(s, side) for s in range(1, sets + 1) for side in both]
        return [(s, side) for side in both for s in range(1, sets + 1)]
    side = ex.sides if ex.sides == "left" or ex.sides == "right" else occ_side
    return [(s, side) for s in range(1, sets + 1)]




def _setup_lines(cat: Catalog, ex: Exercise, side: Side | None, sided_only: bool = False
                 ) -> list[tuple[str, int]]:
    """The exercise's setup with its sides filled in (`Catalog.sided`), each line with the
    pause after it; `sided_only`: only the lines that name a side ("band around your {side}
    foot")."""
    return [(cat.sided(t, side), PAUSE_MS) for t in ex.setup
            if not sided_only or SIDE_BLANK.search(t)]


# -- the wording of sets and rests: what is said, not when -----------------------------------

def _rest_line(cat: Catalog, rest_s: float) -> str:
    """'and rest, thirty seconds', or 'and relax' before a short change."""
    if rest_s < 1:
        return cat.phrase("relax")
    return cat.phrase("rest", time=cat.say_seconds(rest_s))


def _set_line(cat: Catalog, ex: Exercise, level: Level, s: int, sets: int) -> str:
    """'set two of three: ten reps', or just the dose for a single set."""
    dose = _dose(cat, ex, level, s)
    if sets == 1:
        return dose
    which = cat.phrase("last set") if s == sets else \
        cat.phrase("set of", n=cat.words(s), total=cat.words(sets))
    return cat.phrase("set line", set=which, dose=dose)


def _dose(cat: Catalog, ex: Exercise, level: Level, s: int) -> str:
    """What set `s` asks: a time, one hold ('hold for thirty seconds'), or reps."""
    time = ex.time_in(s, level)
    if time is not None:
        return cat.phrase("dose time", time=cat.say_seconds(time))
    tempo = ex.tempo_in(s)
    reps = ex.reps_in(s, level)
    hold = next((p for p in tempo if p.name == "hold"), None)
    if reps == 1 and hold is not None and len(tempo) == 1:
        if hold.breaths:
            return cat.phrase("dose breaths",
                              breaths=cat.plural(hold.breaths.count(level), "breaths"))
        return cat.phrase("dose hold", time=cat.say_seconds(hold.seconds.pick(level)))
    return _reps_dose(cat, ex, level, reps, tempo, hold)


def _reps_dose(cat: Catalog, ex: Exercise, level: Level, reps: int,
               tempo: tuple[Phase, ...], hold: Phase | None) -> str:
    """'ten reps', 'six breaths', 'five reps, three deep breaths each', 'eight reps,
    holding five seconds', 'ten reps each side'."""
    text = cat.plural(reps, "reps")
    breathing = all(p.name == "hold" or cat.is_breath_phase(p.name) for p in tempo)
    if not ex.count_reps and breathing:
        text = cat.plural(reps, "breath reps")  # a breathing drill: "six breaths"
    if hold is not None and hold.breaths:
        return cat.phrase("dose reps with breaths", reps=text,
                          breaths=cat.plural(hold.breaths.count(level), "breaths"))
    if hold is not None and hold.seconds.pick(level) >= 2 and ex.count_reps and not breathing:
        return cat.phrase("dose held reps", reps=text,
                          time=cat.say_seconds(hold.seconds.pick(level)))
    if ex.sides == "alternate":
        return cat.phrase("dose reps each side", reps=text)
    return cat.phrase("dose reps", reps=text)


# -- placing events --------------------------------------------------------------------------

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
        return max(1, math.ceil(self.durations(text) * 1000))

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


# -- the session: what comes between the sets -------------------------------------------------

class _Session:
    """Lays out the session on a timeline: the intro, then each set with the gap before it
    (the end of the last set, what comes next, the countdown), then the outro."""

    def __init__(self, timeline: _Timeline, coaching: Coaching, reminder: str | None,
                 cat: Catalog):
        self.t = timeline
        self.coaching = coaching
        self.reminder = reminder
        self.cat = cat
        self.set_work = _SetWork(timeline, coaching, cat)
        self.lying_on: Side | None = None  # the side a side-lying exercise ended on

    def lay_out(self, routine: Routine, occurrences: list[_Occurrence], level: Level
                ) -> list[tuple[str, int]]:
        """The whole session; returns each chapter's title and start."""
        self.intro(routine)
        chapters: list[tuple[str, int]] = []
        seen: set[str] = set()
        names = Counter(o.exercise.name for o in occurrences)
        for index, occ in enumerate(occurrences):
            title = occ.exercise.name
            if names[title] > 1 and occ.context:
                title = self.cat.chapter_title(title, occ.context)
            prev = occurrences[index - 1] if index else None
            start = self.occurrence(occ, prev, level, first_time=occ.exercise.name not in seen)
            chapters.append((title, 0 if not index else start))
            seen.add(occ.exercise.name)
        self.outro()
        return chapters

    def intro(self, routine: Routine) -> None:
        """The routine's title, what it needs and its safety note, then the start tone."""
        t = self.t
        t.now = LEAD_IN_MS
        t.tags = _Tags(phase="intro")
        t.say(routine.title, 300, pause_after=NAME_PAUSE_MS)
        if routine.equipment:
            t.say(self.cat.phrase("equipment", items=", ".join(routine.equipment)), 300)
        if routine.safety:
            t.say(routine.safety, 300)
        t.tone("start")

    def outro(self) -> None:
        """'Workout complete', the finish tone and a second of quiet."""
        t = self.t
        t.tags = _Tags(phase="end")
        t.wait_until(t.now + 500)
        t.say(self.cat.phrase("end"), 300)
        t.tone("finish")
        t.now += 1000

    def occurrence(self, occ: _Occurrence, prev: _Occurrence | None, level: Level,
                   first_time: bool) -> int:
        """All sets of one occurrence; returns where its chapter starts."""
        t, ex = self.t, occ.exercise
        t.where = f"{ex.line}:{ex.col}: {ex.name}"
        sets = len(ex.set_reps or ex.set_holds or ex.set_times) or ex.sets.count(level)
        order = _set_order(ex, occ.side, sets, self.lying_on if ex.side == "lying" else None)
        chapter_start = 0
        teaching = first_time or self.coaching == "full"
        for i, (s, side) in enumerate(order):
            t.tags = _Tags(ex.name, s, side)
            gap_start = t.now
            if i == 0:
                gap_s = max(prev.rest_after if prev else 0.0, ex.transition,
                            0.0 if prev else FIRST_TRANSITION_S)
                if prev:
                    self.set_end(prev)
                chapter_start = t.free_at() - CHAPTER_LEAD_MS
                t.tags = _Tags(ex.name, s, side)
                lines = self.introduce(occ, level, s, side, sets, first_time)
            else:
                gap_s, lines = self.between_sets(ex, level, order[i - 1], (s, side), sets)
            self.get_ready(lines, gap_start, gap_s * 1000)
            cues = self.form_cues(ex, s == 1 and side == order[0][1], i, first_time)
            teach = self.coaching != "brief" and (teaching or i == 0)
            self.set_work.work(ex, level, s, side, cues, teach,
                               reps_taught=TEACH_REPS if teaching else 1)
            t.tone("end")
        self.lying_on = order[-1][1] if ex.side == "lying" and ex.sides == "both" else None
        return chapter_start

    def set_end(self, prev: _Occurrence) -> None:
        """What ends the last set of the previous exercise: the rest, and a section's
        switch of sides."""
        self.t.tags = _Tags(exercise=prev.exercise.name, phase="rest")
        self.t.say(_rest_line(self.cat, prev.rest_after), phase="rest")
        if prev.announce_after:
            self.t.say(prev.announce_after, phase="rest")

    def introduce(self, occ: _Occurrence, level: Level, s: int, side: Side | None, sets: int,
                  first_time: bool) -> list[tuple[str, int]]:
        """What is said before an occurrence's first set, each with the pause after it: its
        section's labels, its name, its side, the set and dose, the setup, the reminder."""
        ex = occ.exercise
        lines = [*occ.labels, (ex.name, NAME_PAUSE_MS)]
        if side and ex.sides in ("both", "left", "right"):
            lines.append((self.cat.side_phrase(ex.side, side), PAUSE_MS))
        lines.append((_set_line(self.cat, ex, level, s, sets), PAUSE_MS))
        if (first_time and self.coaching != "brief") or self.coaching == "full":
            lines += _setup_lines(self.cat, ex, side)
        if first_time and self.reminder and self.coaching != "brief":
            lines.append((self.reminder, PAUSE_MS))
        return lines

    def between_sets(self, ex: Exercise, level: Level, before: tuple[int, Side | None],
                     after: tuple[int, Side | None], sets: int
                     ) -> tuple[float, list[tuple[str, int]]]:
        """End set `before` and say what set `after` is (its side, its sided setup, its
        dose); returns the gap between them (s) and the lines to say in it."""
        (s, side), new_set, new_side = after, after[0] != before[0], after[1] != before[1]
        gap_s = max(ex.rests.set if new_set else 0.0, ex.rests.side if new_side else 0.0)
        self.t.tags = _Tags(ex.name, *before)
        self.t.say(_rest_line(self.cat, gap_s if new_set else 0.0), phase="rest")
        self.t.tags = _Tags(ex.name, s, side)
        lines: list[tuple[str, int]] = []
        if new_side and side:
            said = self.cat.side_phrase(ex.side, side)
            lines.append((self.cat.phrase("other side", side=said), PAUSE_MS))
        if self.coaching == "full":
            lines += _setup_lines(self.cat, ex, side)
        elif new_side and self.coaching != "brief":  # "band around your right foot"
            lines += _setup_lines(self.cat, ex, side, sided_only=True)
        # the same set on the other side: its dose, not "last set" again
        lines.append((_set_line(self.cat, ex, level, s, sets) if new_set
                      else _dose(self.cat, ex, level, s), PAUSE_MS))
        return gap_s, lines

    def form_cues(self, ex: Exercise, first_set: bool, i: int, first_time: bool
                  ) -> tuple[str, ...]:
        """The form cues said in the `i`th set done (`first_set`: set one on the first
        side). Standard coaching says them in the first set: all of them the first time the
        exercise comes up, then only the first. Full says every cue in every set; brief the
        first cue, once."""
        if self.coaching == "full":
            return ex.cues
        if self.coaching == "brief":
            return ex.cues[:1] if i == 0 and first_time else ()
        cues = ex.cues if first_set else ()
        return cues if first_time else cues[:1]

    def get_ready(self, lines: list[tuple[str, int]], gap_start: int, gap_ms: float) -> None:
        """Say `lines` from the start of the gap, then "three, two, one, go" so that "go"
        ends the gap, with at least READY_MS of quiet to get into position before it."""
        t = self.t
        for text, pause in lines:
            t.say(text, pause_after=pause, phase="setup")
        countdown = 3000 + t.ms(self.cat.phrase("go"))
        ready = READY_MS if lines else 0
        t.wait_until(max(t.last_end + max(ready, t.pause_after_last),
                         gap_start + gap_ms - countdown))
        start = t.now
        for i, word in enumerate(self.cat.phrase_list("countdown")):
            t.wait_until(start + 1000 * i)
            t.say(word, phase="countdown")
        t.wait_until(start + 3000)
        t.say(self.cat.phrase("go"), phase="countdown")
        t.wait_until(t.last_end + PAUSE_MS)  # the work starts a pause after "go"


# -- the work of one set: when each count, phase cue, breath and form cue is said ------------

@dataclass(frozen=True)
class _Set:
    """What stays the same through the reps of one set."""

    ex: Exercise
    level: Level
    tempo: tuple[Phase, ...]
    reps: int


class _SetWork:
    """Times the work of a set on the timeline: its reps, each rep's count and phases, the
    holds and their counts, the breaths, the countdowns, and the form cues among them."""

    def __init__(self, timeline: _Timeline, coaching: Coaching, cat: Catalog):
        self.t = timeline
        self.coaching = coaching
        self.cat = cat

    def work(self, ex: Exercise, level: Level, s: int, side: Side | None,
             cues: tuple[str, ...], teach: bool, reps_taught: int = TEACH_REPS) -> None:
        """Set `s` on `side`: timed work, or its reps with `cues` spread over them."""
        self.t.tags = replace(self.t.tags, side=side)
        time = ex.time_in(s, level)
        if time is not None:
            self.timed(time * 1000, cues)
            return
        st = _Set(ex, level, ex.tempo_in(s), ex.reps_in(s, level))
        moves = [(r, m) for r in range(1, st.reps + 1)
                 for m in (("left", "right") if ex.sides == "alternate" else (side,))]
        cue_at: dict[int, list[str]] = {}
        for j, cue in enumerate(cues):
            cue_at.setdefault(1 + j * st.reps // len(cues), []).append(cue)
        for i, (rep, move_side) in enumerate(moves):
            first_move = move_side != "right" or ex.sides != "alternate"
            form = [self.cat.sided(c, side) for c in cue_at.pop(rep, [])] if first_move else []
            rest_after = ex.rests.rep * 1000 if i < len(moves) - 1 else 0.0
            rest_before = ex.rests.rep * 1000 if i else 0.0
            self.rep(st, rep, move_side, form, teach and rep <= reps_taught, rest_after,
                     rest_before)

    def rep(self, st: _Set, rep: int, side: Side | None, form: list[str], teach: bool,
            rest_after: float, rest_before: float) -> None:
        """One rep: its count, then each phase on its beat, then the rest after it. Form
        cues go into a quiet stretch of a hold that fits them ("keep breathing" while you
        hold); otherwise they are said before the rep, in the rest before it, and the rep
        waits for them if that rest is too short."""
        t = self.t
        t.tags = replace(t.tags, side=side, rep=rep)
        mark = t.mark()
        self.rep_moves(st, rep, side, teach, rest_after)
        if not form:
            return
        placed = self.in_holds(form, self.quiet_stretches(mark.events))
        if placed is not None:
            for at, cue in placed:
                t.events.append(t.tags.speech(at, at + t.ms(cue), cue, "form"))
            return
        t.rewind(mark)
        self.before_rep(form, rest_before)
        self.rep_moves(st, rep, side, teach, rest_after)

    def in_holds(self, form: list[str], quiet: list[tuple[int, int]]
                 ) -> list[tuple[int, str]] | None:
        """Where each form cue goes in the `quiet` stretches, in order, a pause apart; None
        if they do not all fit."""
        placed: list[tuple[int, str]] = []
        for cue in form:
            length = self.t.ms(cue)
            for k, (a, b) in enumerate(quiet):
                if b - a >= length:
                    placed.append((a, cue))
                    quiet[k] = (a + length + PAUSE_MS, b)
                    break
            else:
                return None
        return placed

    def before_rep(self, form: list[str], rest_before: float) -> None:
        """Say the form cues in the rest before the rep (which starts at `now`), and move
        the rep's start on until they are said."""
        t = self.t
        rep_start = t.now
        t.now = max(t.last_end + t.pause_after_last, int(rep_start - rest_before + PAUSE_MS))
        for cue in form:
            t.say(cue, phase="form")
        t.wait_until(rep_start)
        t.wait_until(t.last_end + PAUSE_MS)

    def quiet_stretches(self, first: int) -> list[tuple[int, int]]:
        """Where a form cue may go among the events laid out since `first`: inside a hold,
        between two of its phrases, a pause away from each."""
        said = sorted((e for e in self.t.events[first:] if e.kind == "speech"),
                      key=lambda e: e.start_ms)
        out = []
        for a, b in pairwise(said):
            if a.phase == b.phase == "hold" and b.start_ms - a.end_ms >= 2 * PAUSE_MS:
                out.append((a.end_ms + PAUSE_MS, b.start_ms - PAUSE_MS))
        return out

    def rep_moves(self, st: _Set, rep: int, side: Side | None, teach: bool,
                  rest_after: float) -> None:
        """The rep's count and side, each phase on its beat, and the rest after it."""
        t, ex = self.t, st.ex
        rep_start = t.now
        self.count(st, rep, side, teach)
        said = bool(t.events) and t.events[-1].start_ms >= rep_start
        # a move led by its own cue ("lift") starts once the count and side are said, and so
        # gets its whole phase; a silent phase starts on the count, which is its cue
        led = self.phase_cue(st.tempo[0], teach, rep, ex.count_reps) is not None or \
            ex.sides == "alternate"
        start = t.last_end + t.pause_after_last if said and led else rep_start
        for k, phase in enumerate(st.tempo):
            last = k == len(st.tempo) - 1
            length = self.phase(phase, st, start, teach, rep,
                                relax=last and phase.name == "hold" and rest_after > 0)
            start = max(start + round(length), t.now)
        t.wait_until(start + rest_after)

    def count(self, st: _Set, rep: int, side: Side | None, teach: bool) -> None:
        """The rep's count ("two", "rep two" before a counted hold, "last one") and, when
        the sides alternate, its side."""
        ex, lead = st.ex, st.tempo[0].name
        if ex.sides != "alternate" or side == "left":
            # "rep two", not "two", when a counted hold follows: "rep two ... hold, two"
            held = any(p.count for p in st.tempo)
            if rep == st.reps and st.reps > 1 and ex.count_reps:
                self.t.say(self.cat.phrase("last rep"), phase=lead)
            elif ex.count_reps and st.reps > 1 and (rep > 1 or held):
                # rep one's bare "one" would follow "three, two, one, go": "go" is rep one
                count = self.cat.words(rep)
                self.t.say(self.cat.phrase("rep", n=count) if held else count, phase=lead)
        if ex.sides == "alternate" and side:
            short = not teach and " and " not in (ex.side or "")
            self.t.say(self.cat.side_phrase(ex.side, side, short=short), phase="side")

    def phase(self, phase: Phase, st: _Set, start: int, teach: bool, rep: int,
              relax: bool) -> float:
        """Say one phase starting at `start`; returns its length in ms."""
        t, ex = self.t, st.ex
        length = phase.seconds.pick(st.level) * 1000
        cue = self.phase_cue(phase, teach, rep, ex.count_reps)
        if phase.name == "hold" and length < 2000 and not phase.breaths:
            cue = None  # "a brief moment": "and hold" then "lower" a second later is choppy
        if cue:
            t.wait_until(start)
            t.say(cue, phase=phase.name)
        if phase.breaths:
            n = phase.breaths.count(st.level)
            t.wait_until(start)
            breath_ms = ex.breath.seconds * 1000
            length = max(length, t.last_end + PAUSE_MS - start + n * breath_ms)
            self.breaths(n, ex)
        else:
            self.count_through(phase, ex, start, length)
        t.fit(start, length, f"the {phase.name} phase")
        if relax:
            t.say(self.cat.phrase("relax"), phase="rest")
        return length

    def count_through(self, phase: Phase, ex: Exercise, start: int, length: float) -> None:
        """The counts of a phase (without breaths): every second of a short counted one
        ("two, three"), "halfway" and a countdown in a long hold or counted phase."""
        seconds = int(length // 1000)
        if phase.count and seconds <= COUNT_EVERY_SECOND_UP_TO:
            if ex.count_reps:
                for n in range(2, seconds + 1):
                    self.t.wait_until(start + (n - 1) * 1000)
                    self.t.say(self.cat.words(n), phase=phase.name)
        elif (phase.count or phase.name == "hold") and length > COUNT_EVERY_SECOND_UP_TO * 1000:
            self.countdown_within(start, length, phase.name)

    def phase_cue(self, phase: Phase, teach: bool, rep: int, counted: bool) -> str | None:
        """The full cue on the reps that teach the move, then the phase's short word; in
        brief coaching only on the first rep (always when no numbers are said)."""
        if not phase.say:
            return None
        if phase.name == "hold":
            return phase.say  # a movement cue, always said (but not for a brief pause)
        if teach:
            return phase.say
        if self.coaching == "brief" and rep > 1 and counted:
            return None
        return phase.name

    def breaths(self, n: int, ex: Exercise) -> None:
        """`n` breaths at the exercise's breath: "breathe in", "and hold", "and out"."""
        t, b = self.t, ex.breath
        start = max(t.now, t.last_end + PAUSE_MS)
        each = b.seconds * 1000
        for k in range(n):
            at = start + k * each
            t.wait_until(at)
            t.say(self.cat.phrase("breathe in"), phase="inhale")
            if b.hold:
                t.wait_until(at + b.inhale * 1000)
                t.say(self.cat.phrase("hold"), phase="hold")
            t.wait_until(at + (b.inhale + b.hold) * 1000)
            t.say(self.cat.phrase("breathe out"), phase="exhale")
        t.wait_until(start + n * each)

    def countdown_within(self, start: int, length: float, phase: str) -> None:
        """For long holds and timed work: "halfway", "ten seconds left", then "three, two,
        one" to the end."""
        t = self.t
        marks: list[tuple[float, str]] = []
        if length > COUNT_EVERY_SECOND_UP_TO * 1000:
            marks.append((length / 2, self.cat.phrase("halfway")))
        lefts = [(length - left,  # "twenty seconds left"
                  self.cat.phrase("seconds left", time=self.cat.say_seconds(left / 1000)))
                 for left in range(10000, int(length) - 4999, 10000)]
        if any(abs(at - length / 2) < 5000 for at, _ in lefts):
            marks = []  # "halfway" right next to "twenty seconds left" is one mark too many
        marks += lefts
        for at, text in sorted(marks):
            if t.now <= start + at:
                t.wait_until(start + at)
                t.say(text, phase=phase)
        for i, word in enumerate(self.cat.phrase_list("countdown")):
            t.wait_until(start + length - 3000 + 1000 * i)
            t.say(word, phase=phase)

    def timed(self, length: float, cues: tuple[str, ...]) -> None:
        """Timed work of `length` ms: the form cues from its start, then its countdown."""
        t = self.t
        start = t.now
        t.tags = replace(t.tags, rep=None)
        if cues:
            t.wait_until(start + 500)
            for cue in cues:
                t.say(cue, 500, phase="form")
        self.countdown_within(start, length, "work")
        t.fit(start, length, "the form cues")
