"""A one-file web player for the phone: the MP3 beside it, the script inside it.

`page_html(script, mp3_name)` is a single self-contained HTML file (inline CSS and JS, the
script embedded as JSON, nothing fetched from anywhere) that plays `mp3_name` from the same
folder and shows, following the audio: the exercise, "Set 2 of 3 · left · rep 7 of 12", the
cue being said, what is next, the time left, the exercises (tap to jump) and a timeline.
Open it from the phone's files app next to the MP3; it works offline.

The page is built from package data: `templates/page.html` and `page.css` are
`string.Template`s (`$w_<key>` is `page_words(language)[key]`, the other placeholders the
script's own values, `$$` a dollar sign), and `page.js` goes in as it is, reading everything
from the embedded JSON. Every written word comes from `page_words` of the script's language
(its phrase catalog), in the HTML and, through that JSON, in the code.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Any
from urllib.parse import quote

from ..phrases import DEFAULT, catalog
from ..script import Script, duration_text
from .segments import COLOURS, labels, segments

PAGE_KEYS = ("timeline", "position", "position_text", "now", "exercise_left", "session_left",
             "next_up", "finish", "set_of", "rep_of", "player", "previous", "back", "play",
             "pause", "forward", "skip", "cannot_play", "cannot_load", "screen_note_title",
             "screen_note", "exercises", "chapter")
"""The page's own words; each is the catalog's "page <key>" (underscores as spaces)."""


@cache
def page_words(language: str = DEFAULT) -> dict[str, Any]:
    """The page's written words in `language`: its `lang` attribute, the timeline's kinds
    (`phase`, shared with the SVG), then PAGE_KEYS. A `{name}` in a word is filled in by
    the page, in Python or in its code."""
    cat = catalog(language)
    words: dict[str, Any] = {"lang": language, "phase": labels(language)}
    words.update((key, cat.template(f"page {key.replace('_', ' ')}")) for key in PAGE_KEYS)
    return words


PAGE_WORDS = page_words()
"""The English page's words."""

LEGEND_KINDS = ("work", "hold", "rest")


@cache
def _file(name: str) -> str:
    """One of the page's template files, read once."""
    return (files("audiocoach.export") / "templates" / name).read_text(encoding="utf-8")


def _clock(seconds: float) -> str:
    return duration_text(round(seconds * 1000))


def _pct(seconds: float, duration: float) -> str:
    """Where `seconds` falls in `duration`, in percent with at most three decimals."""
    return f"{100 * seconds / duration:.3f}".rstrip("0").rstrip(".")


def page_data(script: Script, mp3_name: str) -> dict:
    """What the page's code reads: chapters with their most sets and reps, the spoken cues,
    the timeline's blocks (all times in seconds) and the page's words, in the script's
    language (a cue's side too: it is shown as it is)."""
    cat = catalog(script.language)
    cues = [{"start": e.start, "end": e.end, "text": e.text or "", "set": e.set,
             "side": e.side and cat.phrase(f"page {e.side}"), "rep": e.rep}
            for e in script.events if e.kind == "speech"]
    blocks = [{"start": s.start_ms / 1000, "end": s.end_ms / 1000, "kind": s.kind}
              for s in segments(script)]
    return {"title": script.title, "duration": script.duration, "mp3": mp3_name,
            "chapters": _chapters(script), "cues": cues, "blocks": blocks,
            "words": page_words(script.language)}


def _chapters(script: Script) -> list[dict]:
    """Each chapter's title and times with the most sets and reps in it; a script without
    chapters is one chapter, the whole session."""
    chapters = []
    for c in script.chapters:
        inside = [e for e in script.events if c.start_ms <= e.start_ms < c.end_ms]
        chapters.append({
            "title": c.title, "start": c.start_ms / 1000, "end": c.end_ms / 1000,
            "sets": max((e.set or 0 for e in inside), default=0),
            "reps": max((e.rep or 0 for e in inside), default=0),
        })
    if not chapters:
        chapters.append({"title": script.title, "start": 0, "end": script.duration,
                         "sets": 0, "reps": 0})
    return chapters


def _json_for_script_tag(data: dict) -> str:
    """JSON that cannot end its <script> element early nor open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_html(script: Script, mp3_name: str) -> str:
    """The player page for `script`, playing `mp3_name` (a path relative to the page)."""
    data = page_data(script, mp3_name)
    said = data["words"]
    chapters = data["chapters"]
    first = chapters[0]
    words = {f"w_{key}": escape(word) for key, word in said.items() if isinstance(word, str)}
    style = Template(_file("page.css")).substitute(
        colours="".join(f"--{k}:{v};" for k, v in COLOURS.items()))
    # one pass each: a title that reads like a placeholder stays a title
    return Template(_file("page.html")).substitute(
        words,
        title=escape(script.title),
        level=escape(catalog(script.language).phrase(f"level {script.level}")),
        src=escape(quote(mp3_name)),
        data=_json_for_script_tag(data),
        style=style,
        code=_file("page.js"),
        duration=f"{script.duration:g}",
        total=_clock(script.duration),
        position=escape(said["position_text"].format(time=_clock(0),
                                                     total=_clock(script.duration))),
        blocks=_blocks(data["blocks"], script.duration),
        ticks=_ticks(chapters, script.duration),
        legend=_legend(said),
        phase=escape(said["phase"]["ready"]),
        first=escape(first["title"]),
        first_left=_clock(first["end"] - first["start"]),
        next=escape(chapters[1]["title"] if len(chapters) > 1 else said["finish"]),
        chapters="\n".join(_chapter_item(said, n, c) for n, c in enumerate(chapters)),
    )


def _chapter_item(words: dict[str, Any], n: int, chapter: dict) -> str:
    """The list entry of chapter `n`: a button that jumps to its start."""
    start, length = _clock(chapter["start"]), _clock(chapter["end"] - chapter["start"])
    label = words["chapter"].format(title=chapter["title"], start=start, length=length)
    return (f'<li><button type="button" class="chapter" data-index="{n}" '
            f'data-start="{chapter["start"]}" aria-label="{escape(label)}">'
            f'<span class="ch-num" aria-hidden="true">{n + 1}</span>'
            f'<span class="ch-title">{escape(chapter["title"])}</span>'
            f'<span class="ch-time" aria-hidden="true">{start}'
            f'<small>{length}</small></span></button></li>')


def _blocks(blocks: list[dict], duration: float) -> str:
    """The timeline's coloured blocks, placed in percent of the session."""
    duration = max(duration, 0.001)
    return "".join(f'<div class="block {b["kind"]}" style="left:{_pct(b["start"], duration)}%;'
                   f'width:{_pct(b["end"] - b["start"], duration)}%"></div>' for b in blocks)


def _ticks(chapters: list[dict], duration: float) -> str:
    """A tick on the timeline where each chapter after the first begins."""
    duration = max(duration, 0.001)
    return "".join(f'<div class="tick" style="left:{_pct(c["start"], duration)}%"></div>'
                   for c in chapters[1:])


def _legend(words: dict[str, Any]) -> str:
    """The timeline's colour keys (get ready and done go without saying)."""
    return "".join(f'<span class="key"><i class="{k}"></i>{escape(words["phase"][k])}</span>'
                   for k in LEGEND_KINDS)
