"""Synced text from the script: LRC, WebVTT and SRT, and the same lines as plain text (the
MP3's USLT lyrics, which players show as they are: no time stamps).
Each speech event is one line, shown from its start to the next event's start.

Text from a routine may hold anything: each writer makes it one line (`one_line`), and WebVTT
also escapes what its cue text gives a meaning to (&, <, >, and so `-->`)."""

from __future__ import annotations

from ..script import Event, Script, one_line, whole_seconds


def _lines(script: Script) -> list[tuple[int, int, str]]:
    speech = [e for e in script.events if e.kind == "speech" and e.text]
    out = []
    for i, e in enumerate(speech):
        end = speech[i + 1].start_ms if i + 1 < len(speech) else max(e.end_ms,
                                                                       script.duration_ms)
        out.append((e.start_ms, max(end, e.end_ms), _label(e)))
    return out


def _label(e: Event) -> str:
    return one_line(e.text)


def _vtt_text(text: str) -> str:
    """Cue text as WebVTT reads it: & and < start an escape or a tag, and > is escaped so that
    `-->`, which ends a cue's text, can never appear."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lrc_text(text: str) -> str:
    """LRC has no escapes, and a line's leading [..] are its time tags (or [ti:] its title's
    end): square brackets in text become round ones."""
    return text.replace("[", "(").replace("]", ")")


def lrc(script: Script) -> str:
    def stamp(ms: int) -> str:
        return f"[{ms // 60000:02d}:{ms % 60000 // 1000:02d}.{ms % 1000 // 10:02d}]"

    head = [f"[ti:{_lrc_text(one_line(script.title))}]", "[by:audiocoach]",
            "[length:{:02d}:{:02d}]".format(*divmod(whole_seconds(script.duration_ms), 60))]
    return "\n".join(head + [f"{stamp(s)}{_lrc_text(text)}" for s, _, text in _lines(script)]) \
        + "\n"


def plain(script: Script, start_ms: int = 0, end_ms: int | None = None) -> str:
    """The lines of the LRC without their time tags (or its [ti:] head): one spoken line a
    line, those starting from `start_ms` up to `end_ms` (a track's part). Square brackets stay
    round, as in the LRC, so no player takes a line for a time tag."""
    end = script.duration_ms + 1 if end_ms is None else end_ms
    return "".join(f"{_lrc_text(text)}\n" for s, _, text in _lines(script) if start_ms <= s < end)


def _clock(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3600000)
    m, rest = divmod(rest, 60000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


def vtt(script: Script) -> str:
    cues = [f"{_clock(s, '.')} --> {_clock(e, '.')}\n{_vtt_text(text)}"
            for s, e, text in _lines(script)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def srt(script: Script) -> str:
    cues = [f"{i}\n{_clock(s, ',')} --> {_clock(e, ',')}\n{text}"
            for i, (s, e, text) in enumerate(_lines(script), 1)]
    return "\n\n".join(cues) + "\n"
