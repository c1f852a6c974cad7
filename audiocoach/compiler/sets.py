"""The work of one set: when each rep's count, phase cue, hold, breath, countdown and form
cue is said."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from ..model import Coaching, Exercise, Level, Phase
from ..phrases import Catalog
from ..script import Side
from .pacing import COUNT_EVERY_SECOND_UP_TO, PAUSE_MS, TEACH_REPS
from .timeline import _Timeline


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
