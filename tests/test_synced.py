"""Synced text on its own: LRC, WebVTT, SRT and the plain lines of a hand-made script, read
back with the webvtt and srt libraries."""

import html
import re
from datetime import timedelta

import srt
import webvtt

from audiocoach.export.synced import lrc, plain, vtt
from audiocoach.export.synced import srt as srt_text
from audiocoach.script import Chapter, Event, Script

EVENTS = (
    Event(0, 800, "speech", text="Cat-cow"),
    Event(1000, 1600, "tone", tone="start"),
    Event(1500, 4200, "speech", text="Inhale [slowly], arch"),
    Event(4200, 4500, "speech", text=None),  # no text: not a line
    Event(65432, 66000, "speech", text="Knees < hips & back\nflat --> then lift"),
    Event(69000, 71900, "speech", text="Well done"),  # runs past the next cue's start
    Event(70000, 70300, "speech", text="Bye"),
)
SCRIPT = Script("Short [test]", None, "medium", 72001, (Chapter("Cat-cow", 0, 72001),), EVENTS)
LINES = ["Cat-cow", "Inhale [slowly], arch", "Knees < hips & back flat --> then lift",
         "Well done", "Bye"]
# each line from its start to the next line's start; the last to the end of the script; one
# that is still being said then runs to its own end
TIMES = [(0, 1500), (1500, 65432), (65432, 69000), (69000, 71900), (70000, 72001)]


def ms(t: timedelta) -> int:
    return round(t.total_seconds() * 1000)


def vtt_ms(stamp: str) -> int:
    h, m, s = stamp.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def test_vtt_cues_follow_the_script():
    text = vtt(SCRIPT)
    assert text.startswith("WEBVTT\n\n")
    captions = webvtt.from_string(text).captions
    assert [(vtt_ms(c.start), vtt_ms(c.end)) for c in captions] == TIMES
    assert [html.unescape(c.text) for c in captions] == LINES


def test_vtt_escapes_what_its_cue_text_gives_a_meaning_to():
    cue = vtt(SCRIPT).split("\n\n")[3]
    assert cue.splitlines()[1] == "Knees &lt; hips &amp; back flat --&gt; then lift"


def test_srt_cues_are_numbered_and_follow_the_script():
    subtitles = list(srt.parse(srt_text(SCRIPT)))
    assert [s.index for s in subtitles] == [1, 2, 3, 4, 5]
    assert [(ms(s.start), ms(s.end)) for s in subtitles] == TIMES
    assert [s.content for s in subtitles] == LINES


def test_lrc_has_its_head_and_a_stamp_a_line():
    lines = lrc(SCRIPT).splitlines()
    # the title's brackets would end its [ti:] tag: they become round ones, as in the text
    assert lines[:3] == ["[ti:Short (test)]", "[by:audiocoach]", "[length:01:13]"]
    assert lines[3:] == ["[00:00.00]Cat-cow", "[00:01.50]Inhale (slowly), arch",
                         "[01:05.43]Knees < hips & back flat --> then lift",
                         "[01:09.00]Well done", "[01:10.00]Bye"]


def test_lrc_stamps_cut_to_hundredths_and_the_length_rounds_up():
    script = Script("T", None, "easy", 600000, (), (Event(599999, 600000, "speech", text="x"),))
    assert lrc(script).splitlines()[2:] == ["[length:10:00]", "[09:59.99]x"]
    script = Script("T", None, "easy", 600001, (), (Event(0, 500, "speech", text="x"),))
    assert lrc(script).splitlines()[2] == "[length:10:01]"


def test_plain_is_the_lines_without_stamps():
    assert plain(SCRIPT).splitlines() == [re.sub(r"\[(.*)\]", r"(\1)", line) for line in LINES]
    assert "[" not in plain(SCRIPT)


def test_plain_of_a_part_keeps_the_lines_that_start_in_it():
    assert plain(SCRIPT, 1500, 65432) == "Inhale (slowly), arch\n"
    assert plain(SCRIPT, 65432) == "Knees < hips & back flat --> then lift\nWell done\nBye\n"
    assert plain(SCRIPT, 0, 0) == ""


def test_a_script_with_nothing_said_is_still_a_valid_file():
    quiet = Script("Quiet", None, "easy", 5000, (), (Event(0, 600, "tone", tone="start"),))
    assert webvtt.from_string(vtt(quiet)).captions == []
    assert list(srt.parse(srt_text(quiet))) == []
    assert lrc(quiet).splitlines() == ["[ti:Quiet]", "[by:audiocoach]", "[length:00:05]"]
    assert plain(quiet) == ""
