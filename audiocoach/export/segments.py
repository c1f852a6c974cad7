"""A script's timeline as coloured segments: contiguous blocks of get-ready, work, holds,
rests and done, split at chapter boundaries, with each kind's colour and name.

The SVG timeline and the HTML player both draw from these blocks, so the two pictures of a
session always agree. Stdlib only.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..phrases import DEFAULT, catalog
from ..script import Event, Script

KINDS = ("ready", "work", "hold", "rest", "done")
"""ready: before the first work (intro, first setup); done: after the last end tone."""

COLOURS = {
    "work": "#f08a3c",
    "hold": "#a578f0",
    "rest": "#3fa7e0",
    "ready": "#8a919e",
    "done": "#8a919e",
}


def labels(language: str = DEFAULT) -> dict[str, str]:
    """Each kind's name as the timeline and the player show it, in `language`."""
    cat = catalog(language)
    return {kind: cat.phrase(f"kind {kind}") for kind in KINDS}


LABELS = labels()
"""The kinds' English names."""

BREATH_PHASES = ("inhale", "exhale")

Span = tuple[int, int]
"""Start and end, in milliseconds."""


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    kind: str
    """One of KINDS."""
    chapter: int
    """Index into script.chapters (0 when the script has none)."""


def segments(script: Script) -> list[Segment]:
    """The whole session, start to end, as contiguous blocks split at chapter boundaries.

    Work runs from the end of a set's countdown ("go") to its end tone; a hold runs from a
    `hold` cue over its counts (each a second apart, so it ends a second after the last) or
    over its breaths (to the next cue); a rest runs from an end tone to the next work."""
    starts = [c.start_ms for c in script.chapters]
    out: list[Segment] = []
    for start, end, kind in _pieces(script):
        cuts = [s for s in starts[1:] if start < s < end]
        for a, b in zip([start, *cuts], [*cuts, end], strict=True):
            if b > a:
                out.append(Segment(a, b, kind, max(0, bisect_right(starts, a) - 1)))
    return out


def _pieces(script: Script) -> list[tuple[int, int, str]]:
    """The session as (start, end, kind) pieces, before the split at chapters; some may be
    empty."""
    works = _work_spans(script.events)
    holds = _hold_spans(script.events, works)
    pieces: list[tuple[int, int, str]] = []
    cursor = 0
    for n, (start, end) in enumerate(works):
        pieces.append((cursor, start, "ready" if n == 0 else "rest"))
        at = start
        for h_start, h_end in holds:
            if start <= h_start < end:
                pieces.append((at, h_start, "work"))
                pieces.append((h_start, min(h_end, end), "hold"))
                at = min(h_end, end)
        pieces.append((at, end, "work"))
        cursor = end
    pieces.append((cursor, script.duration_ms, "done" if works else "ready"))
    return pieces


def _work_spans(events: tuple[Event, ...]) -> list[Span]:
    """Each set's work: from its countdown's end (or, without one, the setup, rest or intro
    before it) to its end tone."""
    spans = []
    after = -1  # index of the previous end tone
    for i, e in enumerate(events):
        if not (e.kind == "tone" and e.tone == "end"):
            continue
        between = events[after + 1:i]
        countdown = [x for x in between if x.phase == "countdown"]
        ready = [x for x in between if x.phase in ("setup", "rest", "intro")]
        if countdown:
            start = countdown[-1].end_ms
        elif ready:
            start = ready[-1].end_ms
        else:
            start = events[after].end_ms if after >= 0 else 0
        spans.append((min(start, e.start_ms), e.start_ms))
        after = i
    return spans


def _hold_spans(events: tuple[Event, ...], works: list[Span]) -> list[Span]:
    """Each hold: from its `hold` cue over the counts or breaths of the same rep, cut at the
    end of the work it is in."""
    spans = []
    i = 0
    while i < len(events):
        e = events[i]
        if e.phase != "hold":
            i += 1
            continue
        key = (e.exercise, e.set, e.side, e.rep)
        j = i + 1
        while j < len(events) and events[j].phase in ("hold", *BREATH_PHASES) \
                and (events[j].exercise, events[j].set, events[j].side, events[j].rep) == key:
            j += 1
        run = events[i:j]
        end = events[j].start_ms if j < len(events) else run[-1].end_ms
        if not any(x.phase in BREATH_PHASES for x in run):
            end = min(end, run[-1].start_ms + 1000)  # counted: one word a second
        work_end = next((we for ws, we in works if ws <= e.start_ms < we), end)
        spans.append((e.start_ms, max(e.start_ms, min(end, work_end))))
        i = j
    return spans
