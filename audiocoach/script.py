"""The timed script: every cue, count, breath and tone with its start time.

`to_json` / `from_json` are the public contract between the compiler and everything that
renders or exports a workout (docs/architecture.md shows where it sits). Times are held as
whole milliseconds, so the script and the rendered audio agree to the millisecond.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Literal

from .model import Level

EventKind = Literal["speech", "tone"]
"""What an event is: a phrase said, or a generated tone."""
Side = Literal["left", "right"]
"""The side of the body a set, a rep or a cue is for."""
Tone = Literal["start", "end", "finish"]
"""The generated tones: the session's start, a set's end, the session's finish."""

TONE_MS = {"start": 600, "end": 350, "finish": 900}
"""Length of each generated tone; the compiler reserves this much time for it."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing heard, from `start_ms` to `end_ms`: a phrase or a tone, with where in the
    session it is (exercise, set, side, rep, phase), for the cue sheet, subtitles and page."""

    start_ms: int
    end_ms: int
    kind: EventKind
    text: str | None = None
    """What is said (speech only)."""
    tone: Tone | None = None
    """Which tone (tones only)."""
    exercise: str | None = None
    set: int | None = None
    side: Side | None = None
    """None when the set is not done on one side."""
    rep: int | None = None
    phase: str | None = None
    """The tempo or breath phase (inhale, exhale, hold, lift, ...) or what the cue is for."""

    @property
    def start(self) -> float:
        return self.start_ms / 1000

    @property
    def end(self) -> float:
        return self.end_ms / 1000


@dataclass(frozen=True)
class Chapter:
    """A titled stretch of the workout, one per time an exercise comes up: the MP3's chapter
    marks, the page's sections. `end_ms` is the next chapter's start (the last one ends the
    workout)."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Script:
    """A whole workout as timed cues: what the compiler makes of a routine at one level, and
    what the speech, mixer and exporters work from. Its JSON (`to_json`) is the public
    contract."""

    title: str
    source: str | None
    level: Level
    duration_ms: int
    chapters: tuple[Chapter, ...]
    events: tuple[Event, ...]
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """Cues that were longer than their slot (the slot grew). Not part of the JSON contract."""
    language: str = "en"
    """The BCP 47 tag of the language it is said in (the routine's): the written outputs
    (chapter titles, tags, page, timeline) follow it."""

    @property
    def duration(self) -> float:
        return self.duration_ms / 1000

    def phrases(self) -> list[str]:
        """Each distinct spoken text, in order of first use."""
        return list(dict.fromkeys(e.text for e in self.events if e.kind == "speech" and e.text))

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "source": self.source,
            "level": self.level,
            "language": self.language,
            "duration": self.duration_ms / 1000,
            "chapters": [{"title": c.title, "start": c.start_ms / 1000, "end": c.end_ms / 1000}
                         for c in self.chapters],
            "events": [_event_dict(e) for e in self.events],
        }

    def to_json(self, **more: object) -> str:
        """The script as JSON, with `more` entries after its own (a program's `session`)."""
        return "".join(self.json_parts(**more))

    def json_parts(self, **more: object) -> Iterator[str]:
        """`to_json` in the pieces the encoder makes, to be written as they come: a long
        program's JSON is never a string in memory (nor the encoder's list of its pieces)."""
        return _JSON.iterencode({**self.to_dict(), **more})

    @classmethod
    def from_dict(cls, data: dict) -> Script:
        ms = lambda s: round(s * 1000)  # noqa: E731
        return cls(
            title=data["title"], source=data["source"], level=data["level"],
            language=data.get("language", "en"), duration_ms=ms(data["duration"]),
            chapters=tuple(Chapter(c["title"], ms(c["start"]), ms(c["end"]))
                           for c in data["chapters"]),
            events=tuple(Event(ms(e.pop("start")), ms(e.pop("end")), **e)
                         for e in (dict(e) for e in data["events"])),
        )

    @classmethod
    def from_json(cls, text: str) -> Script:
        return cls.from_dict(json.loads(text))


def _event_dict(event: Event) -> dict:
    """The event's fields, its times in seconds first (a workout has a thousand events:
    dataclasses.asdict, which copies each value deeply, took most of the time)."""
    return {"start": event.start_ms / 1000, "end": event.end_ms / 1000,
            **{name: getattr(event, name) for name in _EVENT_FIELDS}}


_JSON = json.JSONEncoder(indent=1, ensure_ascii=False)

_EVENT_FIELDS = tuple(f.name for f in fields(Event) if f.name not in ("start_ms", "end_ms"))


def clock(ms: int) -> str:
    """mm:ss.s, as on the cue sheet."""
    minutes, tenths = divmod(round(ms / 100), 600)
    return f"{minutes:02d}:{tenths / 10:04.1f}"


_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""C0 and C1 control characters (newlines among them) and Unicode's line and paragraph
separators."""


def one_line(text: object) -> str:
    """`text` as one line: each control character or line break becomes a space, and runs of
    white space one space."""
    return " ".join(_BREAKS.sub(" ", str(text)).split())


def whole_seconds(ms: int) -> int:
    """A length in whole seconds, rounded up: the one rounding of every length shown (the
    page's player counts down the same way, so 34:18.4 is 34:19 there and here too)."""
    return -(-ms // 1000)


def duration_text(ms: int) -> str:
    """A length as it is shown everywhere (the CLI, the page, playlists): `m:ss`, or `h:mm:ss`
    from an hour on, of `whole_seconds(ms)`."""
    h, rest = divmod(max(0, whole_seconds(ms)), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def cue_sheet(script: Script) -> str:
    """One line per cue: `mm:ss.s  exercise · set/side/rep  "what is said"`."""
    lines = [f"# {script.title} ({script.level}, {clock(script.duration_ms)})"]
    for e in script.events:
        where = " / ".join(
            part for part in (
                f"set {e.set}" if e.set else None, e.side,
                f"rep {e.rep}" if e.rep else None,
            ) if part
        )
        label = " · ".join(p for p in (e.exercise, where) if p)
        said = f'"{e.text}"' if e.kind == "speech" else f"[{e.tone} tone]"
        lines.append(f"{clock(e.start_ms)}  {label or '-'}  {said}")
    return "\n".join(lines) + "\n"
