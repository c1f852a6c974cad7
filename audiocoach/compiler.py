"""Routine + level + phrase durations -> timed script. Pure: no I/O, no clock, no engine.

Two stages: `_occurrences` flattens sections and rounds into the exercises in the order they
are done; `_Timeline` then lays out every cue. Speech never overlaps, and two phrases are
always at least `PAUSE_MS` apart: a cue that is longer than its slot pushes everything after
it later (the slot grows) and leaves a warning.

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
from typing import Literal

from .errors import Problem, RoutineError
from .model import Exercise, Level, Phase, Routine, Section
from .phrases import phrase, phrase_list, plural, say_seconds, side_phrase, words
from .script import TONE_MS, Chapter, Event, Script

Durations = Callable[[str], float]
"""Seconds a phrase takes to say."""
Coaching = Literal["standard", "full", "brief"]
COACHING: tuple[Coaching, ...] = ("standard", "full", "brief")

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
           "say_seconds", "upper_seconds", "words"]


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
    side: str | None  # set by a section done on both sides
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
    occurrences = _occurrences(routine, level)
    timeline = _Timeline(durations, coaching, routine.reminder)
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


def _lay_out(timeline: _Timeline, routine: Routine, occurrences: list[_Occurrence],
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
    pending: list[tuple[str, int]] = []

    def walk(items: tuple[Exercise | Section, ...], side: str | None, meaning: str | None,
             context: tuple[str, ...]) -> None:
        for item in items:
            if isinstance(item, Exercise):
                if len(out) >= MAX_OCCURRENCES:
                    raise RoutineError([Problem(routine.path, item.line, None,
                                                f"the rounds repeat exercises more than "
                                                f"{MAX_OCCURRENCES} times; too many")])
                if side and meaning and not item.side:
                    item = replace(item, side=meaning)  # type: ignore[arg-type]
                out.append(_Occurrence(item, side, tuple(pending), context,
                                       item.rests.exercise))
                pending.clear()
            else:
                section(item, side, meaning, context)

    def section(b: Section, side: str | None, meaning: str | None,
                context: tuple[str, ...]) -> None:
        sides = ["left", "right"] if b.sides == "both" else [side]
        meaning = b.side or meaning
        rounds = b.rounds.count(level)
        for si, s in enumerate(sides):
            for r in range(1, rounds + 1):
                here = context
                if b.title and r == 1 and si == 0 and b.title != routine.title:
                    pending.append((b.title, NAME_PAUSE_MS))
                if rounds > 1:
                    pending.append((phrase("round of", n=words(r), total=words(rounds)),
                                    PAUSE_MS))
                    here += (f"round {r}",)
                if b.sides and r == 1 and s:
                    pending.append((side_phrase(meaning, s), PAUSE_MS))
                if b.sides:
                    here += (f"{s} side",)
                walk(b.items, s, meaning, here)
                last = si == len(sides) - 1 and r == rounds
                if not last and out:
                    switch = phrase("other side", side="").rstrip(": ") if r == rounds else None
                    out[-1] = replace(out[-1], rest_after=b.rest, announce_after=switch)

    walk(routine.items, None, None, ())
    return out


def _set_order(ex: Exercise, occ_side: str | None, sets: int, first: str | None = None
               ) -> list[tuple[int, str | None]]:
    """(set, side) in the order they are done. `sides: both` does every set on the left (or
    on `first`, the side the patient already lies on), then every set on the other side,
    unless the routine asks to switch after every set."""
    if ex.sides == "both":
        both = ("right", "left") if first == "right" else ("left", "right")
        if ex.switch_every_set:
            return [(s, side) for s in range(1, sets + 1) for side in both]
        return [(s, side) for side in both for s in range(1, sets + 1)]
    side = ex.sides if ex.sides in ("left", "right") else occ_side
    return [(s, side) for s in range(1, sets + 1)]


_BREATH_PHASES = ("inhale", "exhale", "hold", "breathe in", "breathe out")
_SIDED, _OTHER = "{side}", "{other}"


def _sided(text: str, side: str | None) -> str:
    """A setup line or cue with {side} and {other} filled in: 'band around your {side}
    foot' -> 'band around your left foot'."""
    if side is None or "{" not in text:
        return text
    other = "right" if side == "left" else "left"
    return text.replace(_SIDED, phrase(side)).replace(_OTHER, phrase(other))


class _Timeline:
    """Places events one after another; `now` is where the next one may start (ms)."""

    def __init__(self, durations: Durations, coaching: Coaching = "standard",
                 reminder: str | None = None):
        self.durations = durations
        self.coaching = coaching
        self.reminder = reminder
        self.now = 0
        self.last_end = -PAUSE_MS  # where the last phrase ended, for the pause after it
        self.pause_after_last = PAUSE_MS
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.tags: dict = {}
        self.where = ""  # "line:col: Exercise" for warnings
        self.lying_on: str | None = None  # the side a side-lying exercise ended on

    # -- primitives ----------------------------------------------------------------------

    def say(self, text: str, slot_ms: int = 0, pause_after: int = PAUSE_MS, **tags) -> int:
        """Say `text` at `now`, or a pause after the last phrase if that is later; the
        next phrase may start after `slot_ms`. Returns where it starts."""
        if self.now > MAX_DURATION_S * 1000 or len(self.events) > MAX_EVENTS:
            raise _TooLong()  # stop now, rather than lay out hours of cues first
        start = max(self.now, self.last_end + self.pause_after_last)
        length = self.ms(text)
        self.events.append(Event(start, start + length, "speech", text=text,
                                 **{**self.tags, **tags}))
        self.last_end = start + length
        self.pause_after_last = pause_after
        self.now = start + max(length, slot_ms)
        return start

    def tone(self, name: str) -> None:
        self.events.append(Event(self.now, self.now + TONE_MS[name], "tone", tone=name,
                                 exercise=self.tags.get("exercise")))
        self.now += TONE_MS[name]

    def wait_until(self, ms: float) -> None:
        self.now = max(self.now, round(ms))

    def fit(self, start: int, length_ms: float, what: str) -> None:
        """End a slot that began at `start`; warn if its speech ran past `length_ms`."""
        if self.now > start + length_ms + GROW_QUIETLY_MS:
            self.warnings.append(f"{self.where}: {what} needs more than its "
                                 f"{length_ms / 1000:g}s; the slot grows")
        self.wait_until(start + length_ms)

    def ms(self, text: str) -> int:
        return max(1, math.ceil(self.durations(text) * 1000))

    # -- the session -----------------------------------------------------------------------

    def intro(self, routine: Routine) -> None:
        self.now = LEAD_IN_MS
        self.tags = {"phase": "intro"}
        self.say(routine.title, 300, pause_after=NAME_PAUSE_MS)
        if routine.equipment:
            self.say(phrase("equipment", items=", ".join(routine.equipment)), 300)
        if routine.safety:
            self.say(routine.safety, 300)
        self.tone("start")

    def outro(self) -> None:
        self.tags = {"phase": "end"}
        self.wait_until(self.now + 500)
        self.say(phrase("end"), 300)
        self.tone("finish")
        self.now += 1000

    def occurrence(self, occ: _Occurrence, prev: _Occurrence | None, level: Level,
                   first_time: bool) -> int:
        """All sets of one occurrence; returns where its chapter starts."""
        ex = occ.exercise
        self.where = f"{ex.line}:{ex.col}: {ex.name}"
        sets = len(ex.set_reps or ex.set_holds or ex.set_times) or ex.sets.count(level)
        order = _set_order(ex, occ.side, sets, self.lying_on if ex.side == "lying" else None)
        chapter_start = 0
        teaching = first_time or self.coaching == "full"
        for i, (s, side) in enumerate(order):
            self.tags = {"exercise": ex.name, "set": s, "side": side}
            gap_start = self.now
            lines: list[tuple[str, int]] = []  # (text, pause after)
            if i == 0:
                gap = (prev.rest_after if prev else 0.0, ex.transition,
                       0.0 if prev else FIRST_TRANSITION_S)
                gap_s = max(gap)
                if prev:
                    self.set_end(prev, prev.rest_after, prev.announce_after)
                chapter_start = max(self.now, self.last_end + self.pause_after_last) \
                    - CHAPTER_LEAD_MS
                self.tags = {"exercise": ex.name, "set": s, "side": side}
                lines += occ.labels
                lines.append((ex.name, NAME_PAUSE_MS))
                if side and ex.sides in ("both", "left", "right"):
                    lines.append((side_phrase(ex.side, side), PAUSE_MS))
                lines.append((self.set_line(ex, level, s, sets), PAUSE_MS))
                if (first_time and self.coaching != "brief") or self.coaching == "full":
                    lines += [(_sided(t, side), PAUSE_MS) for t in ex.setup]
                if first_time and self.reminder and self.coaching != "brief":
                    lines.append((self.reminder, PAUSE_MS))
            else:
                new_side = side != order[i - 1][1]
                new_set = s != order[i - 1][0]
                gap_s = max(ex.rests.set if new_set else 0.0, ex.rests.side if new_side else 0.0)
                self.tags = {"exercise": ex.name, "set": order[i - 1][0],
                             "side": order[i - 1][1]}
                self.set_end_line(gap_s if new_set else 0.0)
                self.tags = {"exercise": ex.name, "set": s, "side": side}
                if new_side:
                    lines.append((phrase("other side", side=side_phrase(ex.side, side or "")),
                                  PAUSE_MS))
                if self.coaching == "full":
                    lines += [(_sided(t, side), PAUSE_MS) for t in ex.setup]
                elif new_side and self.coaching != "brief":  # "band around your right foot"
                    lines += [(_sided(t, side), PAUSE_MS) for t in ex.setup if _SIDED in t
                              or _OTHER in t]
                if new_set:
                    lines.append((self.set_line(ex, level, s, sets), PAUSE_MS))
                else:  # the same set on the other side: its dose, not "last set" again
                    lines.append((self.dose(ex, level, s), PAUSE_MS))
            self.get_ready(lines, gap_start, gap_s * 1000)
            cues = ex.cues if (s == 1 and side == order[0][1]) else ()
            if self.coaching == "full":
                cues = ex.cues
            elif self.coaching == "brief":
                cues = ex.cues[:1] if i == 0 and first_time else ()
            elif not first_time:
                cues = cues[:1]
            teach = self.coaching != "brief" and (teaching or i == 0)
            self.work(ex, level, s, side, cues, teach, reps_taught=TEACH_REPS if teaching else 1)
            self.tone("end")
        self.lying_on = order[-1][1] if ex.side == "lying" and ex.sides == "both" else None
        return chapter_start

    def set_end(self, prev: _Occurrence, rest_s: float, announce: str | None) -> None:
        """What ends the last set of the previous exercise: the rest, and a section's
        switch of sides."""
        self.tags = {"exercise": prev.exercise.name, "phase": "rest"}
        self.set_end_line(rest_s)
        if announce:
            self.say(announce, phase="rest")

    def set_end_line(self, rest_s: float) -> None:
        """'and rest, thirty seconds', or 'and relax' before a short change."""
        text = phrase("rest", time=say_seconds(rest_s)) if rest_s >= 1 else phrase("relax")
        self.say(text, phase="rest")

    def set_line(self, ex: Exercise, level: Level, s: int, sets: int) -> str:
        """'set two of three: ten reps', or just the dose for a single set."""
        dose = self.dose(ex, level, s)
        if sets == 1:
            return dose
        which = phrase("last set") if s == sets else \
            phrase("set of", n=words(s), total=words(sets))
        return phrase("set line", set=which, dose=dose)

    def dose(self, ex: Exercise, level: Level, s: int) -> str:
        time = ex.time_in(s, level)
        if time is not None:
            return phrase("dose time", time=say_seconds(time))
        tempo = ex.tempo_in(s)
        reps = ex.reps_in(s, level)
        hold = next((p for p in tempo if p.name == "hold"), None)
        if reps == 1 and hold is not None and len(tempo) == 1:
            if hold.breaths:
                return phrase("dose breaths", breaths=plural(hold.breaths.count(level),
                                                            "breaths"))
            return phrase("dose hold", time=say_seconds(hold.seconds.pick(level)))
        text = plural(reps, "reps")
        if not ex.count_reps and all(p.name in _BREATH_PHASES for p in tempo):
            text = plural(reps, "breath reps")  # a breathing drill: "six breaths"
        if hold is not None and hold.breaths:
            return phrase("dose reps with breaths", reps=text,
                          breaths=plural(hold.breaths.count(level), "breaths"))
        if hold is not None and hold.seconds.pick(level) >= 2 and ex.count_reps and \
                not all(p.name in _BREATH_PHASES for p in tempo):
            return phrase("dose held reps", reps=text, time=say_seconds(hold.seconds.pick(level)))
        if ex.sides == "alternate":
            return phrase("dose reps each side", reps=text)
        return phrase("dose reps", reps=text)

    def get_ready(self, lines: list[tuple[str, int]], gap_start: int, gap_ms: float) -> None:
        """Say `lines` from the start of the gap, then "three, two, one, go" so that "go"
        ends the gap, with at least READY_MS of quiet to get into position before it."""
        for text, pause in lines:
            self.say(text, pause_after=pause, phase="setup")
        countdown = 3000 + self.ms(phrase("go"))
        ready = READY_MS if lines else 0
        self.wait_until(max(self.last_end + max(ready, self.pause_after_last),
                            gap_start + gap_ms - countdown))
        start = self.now
        for i, word in enumerate(phrase_list("countdown")):
            self.wait_until(start + 1000 * i)
            self.say(word, phase="countdown")
        self.wait_until(start + 3000)
        self.say(phrase("go"), phase="countdown")
        self.wait_until(self.last_end + PAUSE_MS)  # the work starts a pause after "go"

    # -- the work of one set -----------------------------------------------------------------

    def work(self, ex: Exercise, level: Level, s: int, side: str | None,
             cues: tuple[str, ...], teach: bool, reps_taught: int = TEACH_REPS) -> None:
        self.tags = {**self.tags, "side": side}
        time = ex.time_in(s, level)
        if time is not None:
            self.timed(time * 1000, cues)
            return
        reps = ex.reps_in(s, level)
        tempo = ex.tempo_in(s)
        moves = [(r, m) for r in range(1, reps + 1)
                 for m in (("left", "right") if ex.sides == "alternate" else (side,))]
        cue_at: dict[int, list[str]] = {}
        for j, cue in enumerate(cues):
            cue_at.setdefault(1 + j * reps // len(cues), []).append(cue)
        for i, (rep, move_side) in enumerate(moves):
            first_move = move_side != "right" or ex.sides != "alternate"
            form = [_sided(c, side) for c in cue_at.pop(rep, [])] if first_move else []
            rest_after = ex.rests.rep * 1000 if i < len(moves) - 1 else 0.0
            rest_before = ex.rests.rep * 1000 if i else 0.0
            self.rep(ex, level, tempo, rep, reps, move_side, form, teach and rep <= reps_taught,
                     rest_after, rest_before)

    def rep(self, ex: Exercise, level: Level, tempo: tuple[Phase, ...], rep: int, reps: int,
            side: str | None, form: list[str], teach: bool, rest_after: float,
            rest_before: float) -> None:
        """One rep: its count, then each phase on its beat, then the rest after it. Form
        cues go into a quiet stretch of a hold that fits them ("keep breathing" while you
        hold); otherwise they are said before the rep, in the rest before it, and the rep
        waits for them if that rest is too short."""
        self.tags = {**self.tags, "side": side, "rep": rep}
        mark = (len(self.events), self.now, self.last_end, self.pause_after_last,
                len(self.warnings))
        self.rep_moves(ex, level, tempo, rep, reps, side, teach, rest_after)
        if not form:
            return
        quiet = self.quiet_stretches(mark[0])
        placed: list[tuple[int, str]] = []
        for cue in form:
            length = self.ms(cue)
            for k, (a, b) in enumerate(quiet):
                if b - a >= length:
                    placed.append((a, cue))
                    quiet[k] = (a + length + PAUSE_MS, b)
                    break
            else:
                break
        if len(placed) == len(form):
            for at, cue in placed:
                self.events.append(Event(at, at + self.ms(cue), "speech", text=cue,
                                         **{**self.tags, "phase": "form"}))
            return
        # no room in a hold: before the rep, in the rest before it; the rep waits if needed
        del self.events[mark[0]:]
        del self.warnings[mark[4]:]
        self.now, self.last_end, self.pause_after_last = mark[1], mark[2], mark[3]
        rep_start = self.now
        self.now = max(self.last_end + self.pause_after_last,
                       int(rep_start - rest_before + PAUSE_MS))
        for cue in form:
            self.say(cue, phase="form")
        self.wait_until(rep_start)
        self.wait_until(self.last_end + PAUSE_MS)
        self.rep_moves(ex, level, tempo, rep, reps, side, teach, rest_after)

    def quiet_stretches(self, first: int) -> list[tuple[int, int]]:
        """Where a form cue may go among the events laid out since `first`: inside a hold,
        between two of its phrases, a pause away from each."""
        said = sorted((e for e in self.events[first:] if e.kind == "speech"),
                      key=lambda e: e.start_ms)
        out = []
        for a, b in pairwise(said):
            if a.phase == b.phase == "hold" and b.start_ms - a.end_ms >= 2 * PAUSE_MS:
                out.append((a.end_ms + PAUSE_MS, b.start_ms - PAUSE_MS))
        return out

    def rep_moves(self, ex: Exercise, level: Level, tempo: tuple[Phase, ...], rep: int,
                  reps: int, side: str | None, teach: bool, rest_after: float) -> None:
        rep_start = self.now
        if ex.sides != "alternate" or side == "left":
            # "rep two", not "two", when a counted hold follows: "rep two ... hold, two"
            held = any(p.count for p in tempo)
            if rep == reps and reps > 1 and ex.count_reps:
                self.say(phrase("last rep"), phase=tempo[0].name)
            elif ex.count_reps and reps > 1 and (rep > 1 or held):
                # rep one's bare "one" would follow "three, two, one, go": "go" is rep one
                self.say(phrase("rep", n=words(rep)) if held else words(rep),
                         phase=tempo[0].name)
        if ex.sides == "alternate" and side:
            self.say(side_phrase(ex.side, side, short=not teach and " and " not in
                                 (ex.side or "")), phase="side")
        said = len(self.events) and self.events[-1].start_ms >= rep_start
        # a move led by its own cue ("lift") starts once the count and side are said, and so
        # gets its whole phase; a silent phase starts on the count, which is its cue
        led = self.phase_cue(tempo[0], teach, rep, ex.count_reps) is not None or \
            ex.sides == "alternate"
        start = self.last_end + self.pause_after_last if said and led else rep_start
        for k, phase in enumerate(tempo):
            last = k == len(tempo) - 1
            length = self.phase(phase, level, ex, start, teach, rep,
                                relax=last and phase.name == "hold" and rest_after > 0)
            start = max(start + round(length), self.now)
        self.wait_until(start + rest_after)

    def phase(self, phase: Phase, level: Level, ex: Exercise, start: int, teach: bool,
              rep: int, relax: bool) -> float:
        """Say one phase starting at `start`; returns its length in ms."""
        length = phase.seconds.pick(level) * 1000
        cue = self.phase_cue(phase, teach, rep, ex.count_reps)
        if phase.name == "hold" and length < 2000 and not phase.breaths:
            cue = None  # "a brief moment": "and hold" then "lower" a second later is choppy
        if cue:
            self.wait_until(start)
            self.say(cue, phase=phase.name)
        if phase.breaths:
            n = phase.breaths.count(level)
            self.wait_until(start)
            breath_ms = ex.breath.seconds * 1000
            length = max(length, self.last_end + PAUSE_MS - start + n * breath_ms)
            self.breaths(n, ex)
        seconds = int(length // 1000)
        if phase.count and not phase.breaths and seconds <= COUNT_EVERY_SECOND_UP_TO:
            if ex.count_reps:
                for n in range(2, seconds + 1):
                    self.wait_until(start + (n - 1) * 1000)
                    self.say(words(n), phase=phase.name)
        elif (phase.count or phase.name == "hold") and not phase.breaths \
                and length > COUNT_EVERY_SECOND_UP_TO * 1000:
            self.countdown_within(start, length, phase.name)
        self.fit(start, length, f"the {phase.name} phase")
        if relax:
            self.say(phrase("relax"), phase="rest")
        return length

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
        b = ex.breath
        start = max(self.now, self.last_end + PAUSE_MS)
        each = b.seconds * 1000
        for k in range(n):
            at = start + k * each
            self.wait_until(at)
            self.say(phrase("breathe in"), phase="inhale")
            if b.hold:
                self.wait_until(at + b.inhale * 1000)
                self.say(phrase("hold"), phase="hold")
            self.wait_until(at + (b.inhale + b.hold) * 1000)
            self.say(phrase("breathe out"), phase="exhale")
        self.wait_until(start + n * each)

    def countdown_within(self, start: int, length: float, phase: str) -> None:
        """For long holds and timed work: "halfway", "ten seconds left", then "three, two,
        one" to the end."""
        marks: list[tuple[float, str]] = []
        if length > COUNT_EVERY_SECOND_UP_TO * 1000:
            marks.append((length / 2, phrase("halfway")))
        lefts = [(length - left, phrase("seconds left", time=say_seconds(left / 1000)))
                 for left in range(10000, int(length) - 4999, 10000)]  # "twenty seconds left"
        if any(abs(at - length / 2) < 5000 for at, _ in lefts):
            marks = []  # "halfway" right next to "twenty seconds left" is one mark too many
        marks += lefts
        for at, text in sorted(marks):
            if self.now <= start + at:
                self.wait_until(start + at)
                self.say(text, phase=phase)
        for i, word in enumerate(phrase_list("countdown")):
            self.wait_until(start + length - 3000 + 1000 * i)
            self.say(word, phase=phase)

    def timed(self, length: float, cues: tuple[str, ...]) -> None:
        start = self.now
        self.tags = {**self.tags, "rep": None}
        if cues:
            self.wait_until(start + 500)
            for cue in cues:
                self.say(cue, 500, phase="form")
        self.countdown_within(start, length, "work")
        self.fit(start, length, "the form cues")


