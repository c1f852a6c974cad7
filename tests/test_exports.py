"""Phone exports, each read back with a real parser, not with the code that wrote it."""

import io

import m3u8
import mutagen
import pytest
import srt
import webvtt
from click.testing import CliRunner
from mutagen.id3 import ID3

from audio import RATE, decode
from audiocoach.cli import main
from audiocoach.export import synced
from conftest import DATA


@pytest.fixture(scope="module")
def split(fake_render):
    return fake_render


def test_split_writes_one_track_per_chapter_that_sums_to_the_whole(split):
    names = [p.name for p in split.tracks]
    assert names == ["01-cat-cow.mp3", "02-bridge.mp3", "03-pulses.mp3"]
    lengths = [len(decode(p)) / RATE for p in split.tracks]
    for length, chapter in zip(lengths, split.script.chapters, strict=False):
        assert abs(length - (chapter.end_ms - chapter.start_ms) / 1000) < 0.05
    tags = ID3(split.tracks[1])
    assert str(tags["TIT2"]) == "Bridge" and str(tags["TRCK"]) == "2/3"
    assert str(tags["TALB"]) == "Short test routine"


def test_a_track_starts_with_its_exercise_name_on_time(split):
    audio = decode(split.tracks[1])
    chapter = split.script.chapters[1]
    name = next(e for e in split.script.events if e.start_ms >= chapter.start_ms)
    assert name.text == "Bridge"
    onset = (name.start_ms - chapter.start_ms) / 1000
    assert abs(audio[: int((onset - 0.01) * RATE)]).max() < 0.01
    assert abs(audio[int(onset * RATE): int((onset + 0.2) * RATE)]).max() > 0.05


def test_the_playlist_is_strict_m3u8(split):
    path = split.mp3.with_suffix(".m3u8")
    raw = path.read_bytes()
    raw.decode("ascii")  # bare ASCII names and titles here
    lines = raw.decode().splitlines()
    assert lines[0] == "#EXTM3U"
    parsed = m3u8.loads(raw.decode())
    assert [s.uri for s in parsed.segments] == [p.name for p in split.tracks]
    assert [s.title for s in parsed.segments] == [c.title for c in split.script.chapters]
    assert all("/" not in s.uri for s in parsed.segments)


def test_vtt_and_srt_parse_and_follow_the_script(split):
    speech = [e for e in split.script.events if e.kind == "speech"]
    captions = webvtt.from_buffer(io.StringIO(split.mp3.with_suffix(".vtt").read_text()))
    assert [c.text for c in captions] == [e.text for e in speech]
    assert captions[0].start == "00:00:00.500"
    subs = list(srt.parse(split.mp3.with_suffix(".srt").read_text()))
    assert [s.content for s in subs] == [e.text for e in speech]
    assert [round(s.start.total_seconds() * 1000) for s in subs] == [e.start_ms for e in speech]


def test_lrc_is_beside_the_mp3_and_embedded_as_uslt(split):
    lrc = split.mp3.with_suffix(".lrc").read_text()
    lines = [line for line in lrc.splitlines() if line[1:3].isdigit()]
    speech = [e for e in split.script.events if e.kind == "speech"]
    assert len(lines) == len(speech)
    first = speech[1]
    assert f"[00:0{first.start_ms // 1000}.{first.start_ms % 1000 // 10:02d}]{first.text}" in lines
    uslt = mutagen.File(split.mp3).tags.getall("USLT")
    assert uslt and uslt[0].text == synced.plain(split.script)  # plain lines, no time stamps


def test_no_sidecars_and_a_playlist_of_several_routines(tmp_path):
    shortest = DATA.parent.parent / "routines" / "lower-back-hip-strength.yaml"
    result = CliRunner().invoke(main, ["render", str(DATA / "short.yaml"), str(shortest), "-o",
                                       str(tmp_path), "--engine", "fake", "--cache",
                                       str(tmp_path / "c"), "--no-sidecars",
                                       "--playlist", "Week 1"])
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.lrc")) and not list(tmp_path.glob("*.vtt"))
    parsed = m3u8.loads((tmp_path / "week-1.m3u8").read_text())
    assert [s.uri for s in parsed.segments] == ["short-test-routine.mp3",
                                                 "lower-back-and-hip-strengthening.mp3"]
    assert not mutagen.File(tmp_path / "short-test-routine.mp3").tags.getall("USLT")


def test_cover_art_is_embedded(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    cover = tmp_path / "cover.png"
    cover.write_bytes(png)
    result = CliRunner().invoke(main, ["render", str(DATA / "short.yaml"), "-o", str(tmp_path),
                                       "--engine", "fake", "--cache", str(tmp_path / "c"),
                                       "--cover", str(cover)])
    assert result.exit_code == 0, result.output
    pictures = ID3(tmp_path / "short-test-routine.mp3").getall("APIC")
    assert pictures[0].mime == "image/png" and pictures[0].data == png
