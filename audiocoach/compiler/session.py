"""The session: the intro, what comes between the sets (the end of the last set, what comes
next, the countdown) and the outro, around the work of each set."""

from __future__ import annotations

from collections import Counter

from ..model import Coaching, Exercise, Level, Routine
from ..phrases import Catalog
from ..script import Side
from .occurrences import _Occurrence, _set_order
from .pacing import (
    CHAPTER_LEAD_MS,
    FIRST_TRANSITION_S,
    LEAD_IN_MS,
    NAME_PAUSE_MS,
    PAUSE_MS,
    READY_MS,
    TEACH_REPS,
)
from .sets import _SetWork
from .timeline import _Tags, _Timeline
from .wording import _dose, _rest_line, _set_line, _setup_lines


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
