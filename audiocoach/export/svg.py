"""The session at a glance: one lane of coloured blocks (work, holds, rests) with the
exercise names above and minutes below, as a standalone SVG. Stdlib only.

The blocks are `segments.segments()`, the same ones the HTML player draws its timeline from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from ..phrases import DEFAULT, catalog
from ..script import Chapter, Script, duration_text
from .segments import COLOURS, Segment, labels, segments


def svg_words(language: str = DEFAULT) -> dict[str, str]:
    """The SVG's own words in `language`; the kinds' names are `segments.labels`."""
    cat = catalog(language)
    return {"aria_label": cat.template("svg label"), "legend_ready": cat.template("svg ready")}


SVG_WORDS = svg_words()
"""The English SVG's own words."""

WIDTH = 1000
HEIGHT = 140
PAD = 12
SPAN = WIDTH - 2 * PAD
LANE_Y, LANE_H = 66, 40
AXIS_Y = LANE_Y + LANE_H + 8
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_PX = 6.6
"""About how wide a character of 11 px type is."""

Scale = Callable[[float], float]
"""Milliseconds into the session to an x position."""


def _num(v: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


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


def _fit(text: str, px: float, char_px: float = CHAR_PX) -> str:
    """Cut `text` with an ellipsis to about `px` wide at 11 px type."""
    room = int(px // char_px)
    if len(text) <= room:
        return text
    return text[:max(1, room - 1)].rstrip() + "…" if room >= 2 else ""


def timeline_svg(script: Script) -> str:
    """A ~1000 px wide SVG of the session: work, holds and rests in one lane, each
    exercise a labelled group, minutes on the axis."""
    duration = max(script.duration_ms, 1)
    x: Scale = lambda ms: PAD + SPAN * ms / duration  # noqa: E731
    out = [
        *_head(_clean(script.title), duration, script.language),
        *_chapters(script.chapters, segments(script), x, duration),
        *_dividers(script.chapters, x),
        *_axis(duration, x),
        *_legend(script.language),
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def _head(title: str, duration: int, language: str) -> list[str]:
    """The root element, its title, the white background and the heading with the length."""
    label = svg_words(language)["aria_label"].format(title=title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(label)} '
        f'font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="background" x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text class="heading" x="{PAD}" y="22" font-size="15" font-weight="600" '
        f'fill="#1b1e24">{escape(_fit(title, 560, 8.6))} <tspan fill="#5b6270" font-weight="400">'
        f'{escape(_mmss(duration / 1000))}</tspan></text>',
    ]


def _chapters(chapters: Sequence[Chapter], segs: list[Segment], x: Scale, duration: int
              ) -> list[str]:
    """The ticks from each label down to the lane, then one group per chapter: its blocks
    and its label (in two alternating rows when one row would overlap)."""
    crowded = _crowded(chapters, x)
    label_ys = [LANE_Y - 8 - (14 if crowded and n % 2 == 0 else 0) for n in range(len(chapters))]
    # the ticks go under the labels, which have a white halo
    out = ['<g class="boundaries" stroke="#1b1e24" stroke-width="1">']
    out += [f'<line x1="{_num(x(c.start_ms))}" y1="{y - 10}" x2="{_num(x(c.start_ms))}" '
            f'y2="{LANE_Y}"/>' for c, y in zip(chapters, label_ys, strict=True)]
    out.append("</g>")
    for n, chapter in enumerate(chapters):
        name = _clean(chapter.title)
        after = n + (2 if crowded else 1)
        room = x(chapters[after].start_ms if after < len(chapters) else duration) \
            - x(chapter.start_ms) - 8
        out.append(f'<g class="chapter" data-index="{n}" data-start="{chapter.start_ms / 1000}" '
                   f'data-end="{chapter.end_ms / 1000}">')
        out.append(f"<title>{escape(name)}</title>")
        out += [_block(s, x) for s in segs if s.chapter == n]
        out.append(f'<text class="label" x="{_num(x(chapter.start_ms) + 3)}" y="{label_ys[n]}" '
                   f'font-size="11" fill="#1b1e24" stroke="#ffffff" stroke-width="3" '
                   f'paint-order="stroke">{escape(_fit(name, room))}</text>')
        out.append("</g>")
    return out


def _block(s: Segment, x: Scale) -> str:
    """One segment as a rectangle in the lane, at least half a pixel wide."""
    return (f'<rect class="block {s.kind}" x="{_num(x(s.start_ms))}" y="{LANE_Y}" '
            f'width="{_num(max(x(s.end_ms) - x(s.start_ms), 0.5))}" '
            f'height="{LANE_H}" fill="{COLOURS[s.kind]}"/>')


def _crowded(chapters: Sequence[Chapter], x: Scale) -> bool:
    """Whether a label row would overlap: then the labels alternate between two rows."""
    return any(x(c.end_ms) - x(c.start_ms) < 8 + len(c.title) * CHAR_PX for c in chapters[:-1])


def _dividers(chapters: Sequence[Chapter], x: Scale) -> list[str]:
    """A line across the lane where each chapter after the first begins."""
    return ['<g class="dividers" stroke="#1b1e24" stroke-width="1">',
            *(f'<line x1="{_num(x(c.start_ms))}" y1="{LANE_Y}" x2="{_num(x(c.start_ms))}" '
              f'y2="{LANE_Y + LANE_H}"/>' for c in chapters[1:]),
            "</g>"]


def _axis(duration: int, x: Scale) -> list[str]:
    """The lane's outline, then the time axis: a tick every few minutes, labelled where it
    leaves room for the bold end label."""
    out = [f'<rect class="lane" x="{PAD}" y="{LANE_Y}" width="{SPAN}" height="{LANE_H}" '
           f'fill="none" stroke="#1b1e24" stroke-width="1"/>',
           '<g class="axis" font-size="11" fill="#3a3f48">',
           f'<line x1="{PAD}" y1="{AXIS_Y}" x2="{WIDTH - PAD}" y2="{AXIS_Y}" '
           f'stroke="#3a3f48" stroke-width="1"/>']
    ticks = _ticks(duration)
    for ms, label in ticks:
        tx = x(ms)
        anchor = "start" if ms == 0 else "middle"
        out.append(_tick_line(tx))
        if ms == 0 or x(duration) - tx > 34:
            out.append(f'<text class="tick" data-seconds="{ms // 1000}" x="{_num(tx)}" '
                       f'y="{AXIS_Y + 18}" text-anchor="{anchor}">{label}</text>')
    if duration > ticks[-1][0]:
        out.append(_tick_line(x(duration)))
    out.append(f'<text class="tick end" data-seconds="{duration / 1000}" '
               f'x="{_num(x(duration))}" y="{AXIS_Y + 18}" text-anchor="end" '
               f'font-weight="600">{_mmss(duration / 1000)}</text>')
    out.append("</g>")
    return out


def _tick_line(tx: float) -> str:
    return (f'<line x1="{_num(tx)}" y1="{AXIS_Y}" x2="{_num(tx)}" y2="{AXIS_Y + 5}" '
            f'stroke="#3a3f48"/>')


def _ticks(duration: int) -> list[tuple[int, str]]:
    """Each whole-minute tick from 0 up to `duration`, as (ms, "m:00" or "h:mm:00")."""
    step = _step_minutes(duration / 60000)
    ticks = []
    minute = 0
    while minute * 60000 <= duration:
        ticks.append((minute * 60000, f"{minute}:00" if minute < 60 else
                      f"{minute // 60}:{minute % 60:02d}:00"))
        minute += step
    return ticks


def _legend(language: str) -> list[str]:
    """The colour keys, right-aligned above the lane, in `language`."""
    names = {**labels(language), "ready": svg_words(language)["legend_ready"]}
    keys = [(k, names[k]) for k in ("work", "hold", "rest", "ready")]
    widths = [17 + len(label) * CHAR_PX + 14 for _, label in keys]
    lx = WIDTH - PAD - sum(widths) + 14
    out = ['<g class="legend" font-size="11" fill="#1b1e24">']
    for (kind, label), width in zip(keys, widths, strict=True):
        out.append(f'<rect class="key {kind}" x="{_num(lx)}" y="11" width="12" height="12" '
                   f'fill="{COLOURS[kind]}"/>')
        out.append(f'<text x="{_num(lx + 17)}" y="21">{escape(label)}</text>')
        lx += width
    out.append("</g>")
    return out
