"""The session at a glance: one lane of coloured blocks (work, holds, rests) with the
exercise names above and minutes below, as a standalone SVG. Stdlib only.

`segments()` is the shared reading of the script into blocks; the HTML player draws its
timeline bar from the same blocks.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..script import Event, Script, duration_text

KINDS = ("ready", "work", "hold", "rest", "done")
"""ready: before the first work (intro, first setup); done: after the last end tone."""

COLOURS = {
    "work": "#f08a3c",
    "hold": "#a578f0",
    "rest": "#3fa7e0",
    "ready": "#8a919e",
    "done": "#8a919e",
}
LABELS = {"ready": "Get ready", "work": "Work", "hold": "Hold", "rest": "Rest", "done": "Done"}

BREATH_PHASES = ("inhale", "exhale")


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
    events = script.events
    works = _work_spans(events)
    holds = _hold_spans(events, works)
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

    starts = [c.start_ms for c in script.chapters]
    out: list[Segment] = []
    for start, end, kind in pieces:
        cuts = [s for s in starts[1:] if start < s < end]
        for a, b in zip([start, *cuts], [*cuts, end], strict=True):
            if b > a:
                out.append(Segment(a, b, kind, max(0, bisect_right(starts, a) - 1)))
    return out


def _work_spans(events: tuple[Event, ...]) -> list[tuple[int, int]]:
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


def _hold_spans(events: tuple[Event, ...], works: list[tuple[int, int]]
                ) -> list[tuple[int, int]]:
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


# -- drawing ---------------------------------------------------------------------------------

WIDTH = 1000
PAD = 12
LANE_Y, LANE_H = 66, 40
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _step_minutes(minutes: float) -> int:
    for step in (1, 2, 5, 10, 15, 30, 60):
        if minutes / step <= 12:
            return step
    return 120


def _mmss(seconds: float) -> str:
    return duration_text(round(seconds * 1000))


def _clean(text: str) -> str:
    """Text as XML 1.0 allows it: control characters become spaces."""
    return "".join(c if c >= " " or c in "\t\n" else " " for c in text).replace("\ufffe", " ") \
        .replace("\uffff", " ")


def _fit(text: str, px: float, char_px: float = 6.6) -> str:
    """Cut `text` with an ellipsis to about `px` wide at 11 px type."""
    room = int(px // char_px)
    if len(text) <= room:
        return text
    return text[:max(1, room - 1)].rstrip() + "…" if room >= 2 else ""


def timeline_svg(script: Script) -> str:
    """A ~1000 px wide SVG of the session: work, holds and rests in one lane, each
    exercise a labelled group, minutes on the axis."""
    duration = max(script.duration_ms, 1)
    span = WIDTH - 2 * PAD
    x = lambda ms: PAD + span * ms / duration  # noqa: E731
    f = lambda v: f"{v:.2f}".rstrip("0").rstrip(".")  # noqa: E731
    segs = segments(script)
    height = 140
    title = _clean(script.title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(f"Timeline: {title}")} '
        f'font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="background" x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text class="heading" x="{PAD}" y="22" font-size="15" font-weight="600" '
        f'fill="#1b1e24">{escape(_fit(title, 560, 8.6))} <tspan fill="#5b6270" font-weight="400">'
        f'{escape(_mmss(duration / 1000))}</tspan></text>',
    ]
    chapters = script.chapters
    crowded = _crowded(chapters, x)
    label_ys = [LANE_Y - 8 - (14 if crowded and n % 2 == 0 else 0) for n in range(len(chapters))]
    # ticks from each label down to the lane, under the labels (which have a white halo)
    out.append('<g class="boundaries" stroke="#1b1e24" stroke-width="1">')
    out += [f'<line x1="{f(x(c.start_ms))}" y1="{y - 10}" x2="{f(x(c.start_ms))}" '
            f'y2="{LANE_Y}"/>' for c, y in zip(chapters, label_ys, strict=True)]
    out.append("</g>")
    for n, chapter in enumerate(chapters):
        c0 = x(chapter.start_ms)
        name = _clean(chapter.title)
        out.append(f'<g class="chapter" data-index="{n}" data-start="{chapter.start_ms / 1000}" '
                   f'data-end="{chapter.end_ms / 1000}">')
        out.append(f"<title>{escape(name)}</title>")
        for s in segs:
            if s.chapter == n:
                out.append(f'<rect class="block {s.kind}" x="{f(x(s.start_ms))}" y="{LANE_Y}" '
                           f'width="{f(max(x(s.end_ms) - x(s.start_ms), 0.5))}" '
                           f'height="{LANE_H}" fill="{COLOURS[s.kind]}"/>')
        after = n + (2 if crowded else 1)
        room = x(chapters[after].start_ms if after < len(chapters) else duration) - c0 - 8
        out.append(f'<text class="label" x="{f(c0 + 3)}" y="{label_ys[n]}" font-size="11" '
                   f'fill="#1b1e24" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
                   f'{escape(_fit(name, room))}</text>')
        out.append("</g>")
    out.append('<g class="dividers" stroke="#1b1e24" stroke-width="1">')
    out += [f'<line x1="{f(x(c.start_ms))}" y1="{LANE_Y}" x2="{f(x(c.start_ms))}" '
            f'y2="{LANE_Y + LANE_H}"/>' for c in chapters[1:]]
    out.append("</g>")
    # the lane's outline, then the axis
    axis_y = LANE_Y + LANE_H + 8
    out.append(f'<rect class="lane" x="{PAD}" y="{LANE_Y}" width="{span}" height="{LANE_H}" '
               f'fill="none" stroke="#1b1e24" stroke-width="1"/>')
    out.append('<g class="axis" font-size="11" fill="#3a3f48">')
    out.append(f'<line x1="{PAD}" y1="{axis_y}" x2="{WIDTH - PAD}" y2="{axis_y}" '
               f'stroke="#3a3f48" stroke-width="1"/>')
    step = _step_minutes(duration / 60000)
    minute = 0
    ticks = []
    while minute * 60000 <= duration:
        ticks.append((minute * 60000, f"{minute}:00" if minute < 60 else
                      f"{minute // 60}:{minute % 60:02d}:00"))
        minute += step
    last_tick = ticks[-1][0]
    end_label = _mmss(duration / 1000)
    for ms, label in ticks:
        tx = x(ms)
        anchor = "start" if ms == 0 else "middle"
        out.append(f'<line x1="{f(tx)}" y1="{axis_y}" x2="{f(tx)}" y2="{axis_y + 5}" '
                   f'stroke="#3a3f48"/>')
        if ms == 0 or x(duration) - tx > 34:  # leave room for the end label
            out.append(f'<text class="tick" data-seconds="{ms // 1000}" x="{f(tx)}" '
                       f'y="{axis_y + 18}" text-anchor="{anchor}">{label}</text>')
    if duration > last_tick:
        out.append(f'<line x1="{f(x(duration))}" y1="{axis_y}" x2="{f(x(duration))}" '
                   f'y2="{axis_y + 5}" stroke="#3a3f48"/>')
    out.append(f'<text class="tick end" data-seconds="{duration / 1000}" x="{f(x(duration))}" '
               f'y="{axis_y + 18}" text-anchor="end" font-weight="600">{end_label}</text>')
    out.append("</g>")
    # legend
    keys = [(k, "Get ready / done" if k == "ready" else LABELS[k])
            for k in ("work", "hold", "rest", "ready")]
    lx = WIDTH - PAD - sum(17 + len(label) * 6.6 + 14 for _, label in keys) + 14
    out.append('<g class="legend" font-size="11" fill="#1b1e24">')
    for kind, label in keys:
        out.append(f'<rect class="key {kind}" x="{f(lx)}" y="11" width="12" height="12" '
                   f'fill="{COLOURS[kind]}"/>')
        out.append(f'<text x="{f(lx + 17)}" y="21">{label}</text>')
        lx += 17 + len(label) * 6.6 + 14
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _crowded(chapters, x) -> bool:
    """Whether a label row would overlap: then the labels alternate between two rows."""
    return any(x(c.end_ms) - x(c.start_ms) < 8 + len(c.title) * 6.6 for c in chapters[:-1])
