"""Hostile text in a routine: every writer escapes or strips for its own format (WebVTT, LRC
and the lyrics in the MP3, SRT, program.md, the terminal), `check` and `render` agree on what
text is (a lone surrogate, a cue with nothing to say), and `list` lists every routine."""

from __future__ import annotations

import html
import io
import json
import re
import shutil

import pytest
import srt
import webvtt
from click.testing import CliRunner
from mutagen.id3 import ID3

from audiocoach.cli import main
from audiocoach.compiler import compile_routine
from audiocoach.errors import RoutineError
from audiocoach.export import synced
from audiocoach.loader import parse_routine
from audiocoach.program import load_program, table
from conftest import DATA

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def routine(title: str = '"Hostile"', cue: str = '"Keep your back flat"') -> str:
    """A routine with `title` and one form cue `cue`, both as YAML scalars."""
    return (f"title: {title}\nexercises:\n  - exercise: Bridge\n    reps: 2\n"
            f"    cues: [{cue}]\n")


def script_of(data: str):
    return compile_routine(parse_routine(data, "hostile.yaml"))


def speech(script) -> list[str]:
    return [e.text for e in script.events if e.kind == "speech"]


# -- WebVTT ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cue", ["Knees < hips & back flat", "Breathe --> then lift",
                                 "Hold <b>still</b> &amp; breathe", "a > b"])
def test_vtt_keeps_every_cue_whole_whatever_its_text(cue):
    script = script_of(routine(cue=json.dumps(cue)))
    text = synced.vtt(script)
    captions = webvtt.from_buffer(io.StringIO(text))
    assert [html.unescape(c.raw_text) for c in captions] == speech(script)
    assert cue in speech(script)
    for block in text.split("\n\n")[1:]:
        timing, *lines = block.strip("\n").split("\n")
        assert "-->" in timing and all("-->" not in line and "<" not in line for line in lines)


# -- LRC, the lyrics in the MP3, SRT ---------------------------------------------------------

BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x1b[2J", "\x00",
          "\x07", "\x9b"]


@pytest.mark.parametrize("brk", BREAKS, ids=[repr(b) for b in BREAKS])
def test_lrc_and_srt_are_one_line_per_cue(brk):
    injected = f"{brk}[00:00.00]injected{brk}"
    script = script_of(routine(title=json.dumps("Hostile" + injected),
                               cue=json.dumps("Keep" + injected)))
    lrc = synced.lrc(script)
    lines = lrc.splitlines()
    assert len(lines) == 3 + len(speech(script)), lrc
    assert len(lrc.split("\n")) == len(lines) + 1  # no other kind of line break
    assert sum(line.startswith("[ti:") for line in lines) == 1
    assert all(re.match(r"\[(ti|by|length):[^\]]*\]$|\[\d\d:\d\d\.\d\d\]", line) for line in lines)
    assert not CONTROL.search(lrc.replace("\n", ""))
    assert all(line.count("[") == 1 for line in lines)  # one tag: the time, or ti/by/length
    text = synced.srt(script)
    assert not CONTROL.search(text.replace("\n", ""))
    subs = list(srt.parse(text))
    assert len(subs) == len(speech(script))
    assert all("\n" not in s.content for s in subs)


def test_a_cue_that_looks_like_a_time_tag_is_not_one():
    script = script_of(routine(title='"[ti:x] [00:01.00]"', cue='"[00:00.00] again"'))
    lines = synced.lrc(script).splitlines()
    assert lines[0] == "[ti:(ti:x) (00:01.00)]"
    assert sum(re.match(r"\[\d\d:\d\d\.\d\d\]\(00:00\.00\) again$", line) is not None
               for line in lines) == 1


def test_the_lyrics_and_titles_in_the_mp3_are_one_line(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(routine(title=json.dumps("Hostile\n[00:00.00]injected"),
                            cue=json.dumps("Keep\x1b[31m flat")), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out"),
                                       "--engine", "fake", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    [mp3] = (tmp_path / "out").glob("*.mp3")
    tags = ID3(mp3)
    [lyrics] = tags.getall("USLT")
    assert "\n[00:00.00]injected" not in lyrics.text and "(00:00.00)injected" in lyrics.text
    assert not CONTROL.search(lyrics.text.replace("\n", ""))
    assert tags["TIT2"].text == ["Hostile [00:00.00]injected"]
    for chap in tags.getall("CHAP"):
        assert not CONTROL.search(str(chap.sub_frames["TIT2"]))


# -- program.md --------------------------------------------------------------------------------

def test_program_table_escapes_pipes_and_flattens_lines(tmp_path):
    (tmp_path / "r.yaml").write_text(routine(title=json.dumps("Hips | knees\n| x | y |")),
                                     encoding="utf-8")
    (tmp_path / "p.yaml").write_text("program: Pipes\nweeks: 1\nsessions:\n"
                                     "  - day: 1\n    routine: r.yaml\n", encoding="utf-8")
    md = table(load_program(tmp_path / "p.yaml"))
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 3, md  # the header, the rule, one session
    cells = re.split(r"(?<!\\)\|", rows[2])[1:-1]
    assert len(cells) == 6, rows[2]
    assert cells[2].strip() == r"Hips \| knees \| x \| y \|"


# -- the terminal --------------------------------------------------------------------------------

ESC = '"\\e[2J\\e]0;owned\\a\\e[31mRed\\x9b1m"'  # clear, set the window title, colour, C1 CSI


def test_script_output_has_no_escape_codes(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(routine(title=ESC, cue=ESC), encoding="utf-8")
    for fmt in ("text", "json", "svg"):
        result = CliRunner().invoke(main, ["script", str(path), "--estimate", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "Red" in result.output
        assert not CONTROL.search(result.output.replace("\n", "").replace("\t", "")), fmt
    json.loads(CliRunner().invoke(main, ["script", str(path), "--estimate", "--format",
                                         "json"]).output)


def test_list_and_check_output_have_no_escape_codes(tmp_path):
    (tmp_path / "a.yaml").write_text(routine(title=ESC), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(routine() + '    "\\e[2Jrep": 5\n', encoding="utf-8")
    listed = CliRunner().invoke(main, ["list", str(tmp_path)])
    assert listed.exit_code == 0 and "Red" in listed.output, listed.output
    checked = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert checked.exit_code == 2 and "unknown key '[2Jrep'" in checked.output, checked.output
    for output in (listed.output, checked.output):
        assert not CONTROL.search(output.replace("\n", ""))


# -- check and render agree ---------------------------------------------------------------------

@pytest.mark.parametrize("where", ["title", "cue"])
def test_a_lone_surrogate_is_refused_with_its_place(tmp_path, where):
    data = routine(title='"Bad \\ud800 title"') if where == "title" \
        else routine(cue='"bad \\udfff cue"')
    path = tmp_path / "r.yaml"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(RoutineError) as info:
        parse_routine(data, str(path))
    [problem] = info.value.problems
    assert (problem.line, problem.col) == ((1, 8) if where == "title" else (5, 12))
    assert "surrogate" in problem.message
    for command in (["check", str(path)],
                    ["render", str(path), "-o", str(tmp_path / "out"), "--engine", "fake"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert "surrogate" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_surrogate_pair_is_the_character_it_stands_for():
    assert parse_routine(routine(title='"Smile \\ud83d\\ude00"')).title == "Smile \U0001f600"


@pytest.mark.parametrize("text", ["...", "!?", "\u200b", "\u200b\u200d\u2060", "- * -",
                                  "\U0001f600"])
@pytest.mark.parametrize("where", ["title", "cue", "exercise", "phase"])
def test_a_text_with_nothing_to_say_is_refused(text, where):
    value = json.dumps(text)
    data = {"title": routine(title=value), "cue": routine(cue=value),
            "exercise": routine().replace("Bridge", value),
            "phase": routine().replace("reps: 2", f"reps: 2\n    tempo: [{value}: 2]")}[where]
    with pytest.raises(RoutineError, match="no letter or digit") as info:
        parse_routine(data, "say.yaml")
    assert info.value.problems[0].line is not None


@pytest.mark.parametrize("text", ["5", "Go!", "…breathe…", "Дыши", "呼吸", "x\u200b"])
def test_short_and_foreign_texts_are_fine(text):
    parse_routine(routine(cue=json.dumps(text)))


def test_description_and_source_need_no_words():
    parse_routine(routine() + 'description: "---"\nsource: "#"\n')


# -- list ---------------------------------------------------------------------------------------

def test_list_marks_a_routine_over_the_limits_and_lists_the_others(tmp_path):
    shutil.copy(DATA / "short.yaml", tmp_path / "a-short.yaml")
    shutil.copy(DATA / "bad" / "64-over-four-hours.yaml", tmp_path / "b-too-long.yaml")
    shutil.copy(DATA / "short.yaml", tmp_path / "c-short.yaml")
    result = CliRunner().invoke(main, ["list", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["a-short.yaml", "b-too-long.yaml",
                                                   "c-short.yaml"]
    assert "over the limits" in lines[1] and "audiocoach check" in lines[1]
    assert "exercises" in lines[0] and "exercises" in lines[2]
