"""One contract over every exporter: the feed, the page, the SVG, LRC, WebVTT, SRT, the
playlist and the MP3's tags, given the same small script.

Each exporter is written and then read back by its format's own parser (ElementTree, the
html and json modules, webvtt, srt, m3u8, mutagen); reading fails if the output is not well
formed. What holds for every one of them: it is well formed, every chapter title comes back
whole, it states the script's length with one rounding, hostile text adds or breaks no
structure, and the same script gives the same bytes. Format-specific checks are in each
stage's own test file."""

from __future__ import annotations

import html
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import m3u8 as m3u8_library
import numpy as np
import pytest
import srt as srt_library
import webvtt
from mutagen.id3 import ID3

from audiocoach.compiler import compile_routine
from audiocoach.encode import encode_mp3
from audiocoach.export import feed, synced
from audiocoach.export.page import page_html
from audiocoach.export.playlist import Entry, m3u8
from audiocoach.export.svg import timeline_svg
from audiocoach.loader import load_routine
from audiocoach.script import Chapter, Event, Script, one_line, whole_seconds
from audiocoach.tags import write_tags
from conftest import DATA

HOSTILE = '<script>alert("x")</script> & \'quoted\'\nnext line'
TAME = "Plain words here"


def script_with(text: str) -> Script:
    """Two chapters, each begun by saying its title (as the compiler does), a cue between;
    61.4 s long, so rounding up (62) and to the nearest (61) differ."""
    first, second = f"Cat & cow {text}", f'Bridge "hold" {text}'
    return Script(
        f"Core {text}", f"Source {text}", "medium", 61400,
        (Chapter(first, 0, 20400), Chapter(second, 20400, 61400)),
        (Event(0, 1200, "speech", text=first, exercise=first, phase="name"),
         Event(1500, 2100, "tone", tone="start", exercise=first),
         Event(3000, 5000, "speech", text=f"Knees < hips --> {text}", exercise=first),
         Event(20400, 21500, "speech", text=second, exercise=second, phase="name"),
         Event(60000, 60350, "tone", tone="end", exercise=second)))


@dataclass
class Reading:
    """What an output says, as its format's parser gives it back."""

    texts: list[str] = field(default_factory=list)
    """Every piece of text it carries, one a cue, title or element."""
    whole: list[int] = field(default_factory=list)
    """The lengths it states in whole seconds."""
    exact: list[float] = field(default_factory=list)
    """The lengths (or end times) it states to the millisecond, in seconds."""


Files = dict[str, bytes]


@dataclass(frozen=True)
class Exporter:
    name: str
    write: Callable[[Script, Path], Files]
    """The files the exporter makes of the script (in the folder given)."""
    read: Callable[[Files], Reading]
    """Parse them, failing if they are not well formed."""
    spans: Callable[[Script], list[int]] = lambda s: [s.duration_ms]
    """What its whole-second lengths are of, in ms: the workout, or each chapter."""


def seconds_of(text: str) -> int:
    """`m:ss` or `h:mm:ss` (script.duration_text) in seconds."""
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def stamp_ms(stamp: str) -> int:
    h, m, s = stamp.replace(",", ".").split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


# -- the feed ---------------------------------------------------------------------------------

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def write_feed(script: Script, folder: Path) -> Files:
    mp3 = folder / "w.mp3"
    mp3.write_bytes(b"\xff\xfb" + bytes(1000))
    os.utime(mp3, (1_700_000_000, 1_700_000_000))  # the feed dates an item by its file
    chapters = [{"title": c.title, "start": c.start_ms / 1000, "end": c.end_ms / 1000}
                for c in script.chapters]
    item = feed.Item(mp3, script.title, script.duration, chapters)
    return {"feed.xml": feed.feed_xml(script.title, "http://example.org/w/", [item]).encode(),
            feed.chapters_name(mp3): feed.chapters_json(item).encode()}


def read_feed(files: Files) -> Reading:
    channel = ET.fromstring(files["feed.xml"]).find("channel")
    (item,) = channel.findall("item")
    chapters = json.loads(files["w.chapters.json"])["chapters"]
    return Reading(texts=[channel.findtext("title"), item.findtext("title"),
                          *(c["title"] for c in chapters)],
                   whole=[int(item.findtext(f"{ITUNES}duration"))],
                   exact=[chapters[-1]["endTime"]])


# -- the page ---------------------------------------------------------------------------------

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "col", "track"}


class _Page(HTMLParser):
    """The page's elements, checked to close in order, with the text inside each."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[int] = []
        self.elements: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), []))
        if tag not in VOID:
            self.open.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        assert self.open and self.elements[self.open.pop()][0] == tag, f"stray </{tag}>"

    def handle_data(self, data):
        for i in self.open:
            self.elements[i][2].append(data)

    def texts_of(self, test: Callable[[str, dict], bool]) -> list[str]:
        return ["".join(text) for tag, attrs, text in self.elements if test(tag, attrs)]


def write_page(script: Script, folder: Path) -> Files:
    return {"w.html": page_html(script, "w.mp3").encode()}


def read_page(files: Files) -> Reading:
    page = _Page()
    page.feed(files["w.html"].decode())
    page.close()
    assert not page.open, f"never closed: {page.open}"
    assert [e[0] for e in page.elements].count("script") == 2  # the data and the code
    (data,) = page.texts_of(lambda tag, a: a.get("id") == "audiocoach-data")
    data = json.loads(data)
    titles = page.texts_of(lambda tag, a: a.get("class") == "ch-title")
    (total,) = page.texts_of(lambda tag, a: a.get("id") == "left-session")
    (heading,) = page.texts_of(lambda tag, a: tag == "h1")
    return Reading(texts=[heading, *titles, *(c["title"] for c in data["chapters"]),
                          *(c["text"] for c in data["cues"])],
                   whole=[seconds_of(total)], exact=[data["duration"]])


# -- the SVG ----------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def write_svg(script: Script, folder: Path) -> Files:
    return {"w.svg": timeline_svg(script).encode()}


def read_svg(files: Files) -> Reading:
    svg = ET.fromstring(files["w.svg"])
    chapters = svg.findall(f"{SVG}g[@class='chapter']")
    (end,) = svg.findall(f".//{SVG}text[@class='tick end']")
    return Reading(texts=[svg.findtext(f"{SVG}title"),
                          *(g.findtext(f"{SVG}title") for g in chapters)],
                   whole=[seconds_of(end.text)], exact=[float(end.get("data-seconds"))])


# -- LRC, WebVTT and SRT ------------------------------------------------------------------------

LRC_LINE = re.compile(r"\[(?:ti|by|length):[^\]\n]*\]|\[\d\d:\d\d\.\d\d\][^\n]*")


def write_lrc(script: Script, folder: Path) -> Files:
    return {"w.lrc": synced.lrc(script).encode()}


def read_lrc(files: Files) -> Reading:
    lines = files["w.lrc"].decode().splitlines()
    assert all(LRC_LINE.fullmatch(line) for line in lines), lines
    head = dict(re.fullmatch(r"\[(\w+):(.*)\]", line).groups() for line in lines[:3])
    minutes, seconds = head["length"].split(":")
    return Reading(texts=[head["ti"], *(line[10:] for line in lines[3:])],
                   whole=[int(minutes) * 60 + int(seconds)])


def write_vtt(script: Script, folder: Path) -> Files:
    return {"w.vtt": synced.vtt(script).encode()}


def read_vtt(files: Files) -> Reading:
    captions = webvtt.from_string(files["w.vtt"].decode()).captions
    return Reading(texts=[html.unescape(c.text) for c in captions],
                   exact=[stamp_ms(captions[-1].end) / 1000])


def write_srt(script: Script, folder: Path) -> Files:
    return {"w.srt": synced.srt(script).encode()}


def read_srt(files: Files) -> Reading:
    subtitles = list(srt_library.parse(files["w.srt"].decode()))
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
    return Reading(texts=[s.content for s in subtitles],
                   exact=[subtitles[-1].end / timedelta(seconds=1)])


# -- the playlist of a split render: one track a chapter --------------------------------------

def write_playlist(script: Script, folder: Path) -> Files:
    entries = [Entry(f"{n:02d}.mp3", (c.end_ms - c.start_ms) / 1000, c.title)
               for n, c in enumerate(script.chapters, 1)]
    return {"w.m3u8": m3u8(entries).encode()}


def read_playlist(files: Files) -> Reading:
    text = files["w.m3u8"].decode()
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U" and all(line.startswith("#EXTINF:") for line in lines[1::2])
    segments = m3u8_library.loads(text).segments
    assert [s.uri for s in segments] == lines[2::2]
    return Reading(texts=[s.title for s in segments], whole=[int(s.duration) for s in segments])


# -- the MP3's tags ---------------------------------------------------------------------------

def write_mp3_tags(script: Script, folder: Path) -> Files:
    mp3 = folder / "w.mp3"
    with open(mp3, "wb") as f:
        encode_mp3([np.zeros(4410, dtype=np.int16)], f)
    write_tags(mp3, script, lyrics=synced.plain(script))
    return {"w.mp3": mp3.read_bytes()}


def read_mp3_tags(files: Files) -> Reading:
    tags = ID3(fileobj=io.BytesIO(files["w.mp3"]))
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chapters]
    (lyrics,) = tags.getall("USLT")
    return Reading(texts=[str(tags["TIT2"]), str(toc.sub_frames["TIT2"]),
                          *(str(c.sub_frames["TIT2"]) for c in chapters),
                          *lyrics.text.splitlines()],
                   exact=[chapters[-1].end_time / 1000])


EXPORTERS = [
    Exporter("feed", write_feed, read_feed),
    Exporter("page", write_page, read_page),
    Exporter("svg", write_svg, read_svg),
    Exporter("lrc", write_lrc, read_lrc),
    Exporter("vtt", write_vtt, read_vtt),
    Exporter("srt", write_srt, read_srt),
    Exporter("playlist", write_playlist, read_playlist,
             spans=lambda s: [c.end_ms - c.start_ms for c in s.chapters]),
    Exporter("tags", write_mp3_tags, read_mp3_tags),
]


@pytest.fixture(params=EXPORTERS, ids=lambda e: e.name)
def exporter(request) -> Exporter:
    return request.param


def written(exporter: Exporter, script: Script, folder: Path) -> Files:
    folder.mkdir(parents=True, exist_ok=True)
    return exporter.write(script, folder)


def test_the_output_is_well_formed(exporter, tmp_path):
    reading = exporter.read(written(exporter, script_with(TAME), tmp_path))
    assert reading.texts and all(isinstance(t, str) for t in reading.texts)


@pytest.mark.parametrize("text", [TAME, HOSTILE], ids=["tame", "hostile"])
def test_every_chapter_title_comes_back_whole(exporter, tmp_path, text):
    script = script_with(text)
    texts = {one_line(t) for t in exporter.read(written(exporter, script, tmp_path)).texts}
    for chapter in script.chapters:
        assert one_line(chapter.title) in texts, (exporter.name, chapter.title, texts)


def test_the_length_is_stated_with_one_rounding(exporter, tmp_path):
    script = script_with(TAME)
    reading = exporter.read(written(exporter, script, tmp_path))
    assert reading.whole or reading.exact
    if reading.whole:  # rounded up, as everywhere: 61.4 s is 62, never 61
        assert reading.whole == [whole_seconds(ms) for ms in exporter.spans(script)]
    assert all(seconds == script.duration for seconds in reading.exact)


def test_hostile_text_adds_and_breaks_no_structure(exporter, tmp_path):
    """Markup, ampersands, quotes and a line break in every title and cue: the output holds
    as many texts and states the same lengths as with plain words, each text one line."""
    tame = exporter.read(written(exporter, script_with(TAME), tmp_path / "tame"))
    hostile = exporter.read(written(exporter, script_with(HOSTILE), tmp_path / "hostile"))
    assert len(hostile.texts) == len(tame.texts)
    assert (hostile.whole, hostile.exact) == (tame.whole, tame.exact)
    said = [t for t in hostile.texts if "alert" in t]
    assert said and all(one_line(HOSTILE) in one_line(t) for t in said)


def test_the_same_script_gives_the_same_bytes(exporter, tmp_path):
    script = script_with(HOSTILE)
    first = written(exporter, script, tmp_path / "a")
    again = written(exporter, replace(script), tmp_path / "b")
    assert first == again


def test_the_cli_prints_the_svg_exporter_of_the_same_script(cli):
    result = cli("script", DATA / "short.yaml", "--estimate", "--format", "svg")
    assert result.exit_code == 0
    assert result.output == timeline_svg(compile_routine(load_routine(DATA / "short.yaml")))


def test_a_render_writes_what_the_exporters_make(short_render):
    """The files beside a real render are the exporters' output of its script."""
    script, folder = short_render.script, short_render.mp3.parent
    stem = short_render.mp3.stem
    for ext, text in (("lrc", synced.lrc), ("vtt", synced.vtt), ("srt", synced.srt)):
        assert (folder / f"{stem}.{ext}").read_text(encoding="utf-8") == text(script)
    assert (folder / f"{stem}.html").read_text(encoding="utf-8") == \
        page_html(script, short_render.mp3.name)
    assert (folder / f"{stem}.m3u8").read_text(encoding="utf-8") == \
        m3u8([Entry(short_render.mp3.name, script.duration, script.title)])
