"""Synced text from the script: LRC (also embedded in the MP3 as USLT), WebVTT and SRT.
Each speech event is one line, shown from its start to the next event's start."""

from __future__ import annotations

from ..script import Event, Script


def _lines(script: Script) -> list[tuple[int, int, str]]:
    speech = [e for e in script.events if e.kind == "speech" and e.text]
    out = []
    for e, nxt in zip(speech, [*speech[1:], None]):
        end = nxt.start_ms if nxt else max(e.end_ms, script.duration_ms)
        out.append((e.start_ms, max(end, e.end_ms), _label(e)))
    return out


def _label(e: Event) -> str:
    return " ".join(str(e.text).split())


def lrc(script: Script) -> str:
    def stamp(ms: int) -> str:
        return f"[{ms // 60000:02d}:{ms % 60000 // 1000:02d}.{ms % 1000 // 10:02d}]"

    head = [f"[ti:{script.title}]", "[by:audiocoach]",
            f"[length:{script.duration_ms // 60000:02d}:{script.duration_ms % 60000 // 1000:02d}]"]
    return "\n".join(head + [f"{stamp(s)}{text}" for s, _, text in _lines(script)]) + "\n"


def _clock(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3600000)
    m, rest = divmod(rest, 60000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


def vtt(script: Script) -> str:
    cues = [f"{_clock(s, '.')} --> {_clock(e, '.')}\n{text}" for s, e, text in _lines(script)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(script: Script) -> str:
    cues = [f"{i}\n{_clock(s, ',')} --> {_clock(e, ',')}\n{text}"
            for i, (s, e, text) in enumerate(_lines(script), 1)]
    return "\n\n".join(cues) + "\n"
