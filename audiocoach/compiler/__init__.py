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

The pieces, each in its module, importing only downward: `pacing` and `limits` (the numbers),
`timeline` (placing events), `occurrences` (flattening the routine), `wording` (what sets,
rests and doses are called), `sets` (`_SetWork`), `session` (`_Session`); this package holds
the public API on top of them.
"""

from __future__ import annotations

from collections import Counter

from ..errors import Problem, RoutineError
from ..model import COACHING, Coaching, Level, Routine
from ..phrases import catalog
from ..script import Chapter, Script
from .limits import MAX_DISTINCT_SPEECH_S, MAX_DURATION_S, MAX_EVENTS, _TooLong, upper_seconds
from .limits import MAX_OCCURRENCES as MAX_OCCURRENCES
from .occurrences import _occurrences, _side_warnings
from .pacing import CHAPTER_LEAD_MS as CHAPTER_LEAD_MS
from .pacing import COUNT_EVERY_SECOND_UP_TO as COUNT_EVERY_SECOND_UP_TO
from .pacing import FIRST_TRANSITION_S as FIRST_TRANSITION_S
from .pacing import GROW_QUIETLY_MS as GROW_QUIETLY_MS
from .pacing import LEAD_IN_MS as LEAD_IN_MS
from .pacing import NAME_PAUSE_MS as NAME_PAUSE_MS
from .pacing import PAUSE_MS as PAUSE_MS
from .pacing import READY_MS as READY_MS
from .pacing import TEACH_REPS as TEACH_REPS
from .session import _Session
from .timeline import Durations, _Timeline

__all__ = ["COACHING", "Coaching", "check_limits", "compile_routine", "estimate_seconds",
           "upper_seconds"]


def estimate_seconds(text: str, wpm: float = 170) -> float:
    """A guess at how long eSpeak takes to say `text` at `wpm` words a minute."""
    n_words = len(text.split())
    pauses = sum(text.count(p) for p in ",.;:—")
    return 0.25 + n_words * 60 / wpm * 0.75 + pauses * 0.2


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
