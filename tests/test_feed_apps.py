"""The feed as podcast apps read it: feedparser and podcastparser (gPodder's parser) parse what
`feed` writes for a program rendered with a cover, and `serve` hands out what it links."""

import os
import struct
import subprocess
import threading
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from contextlib import contextmanager

import feedparser
import imageio_ffmpeg
import podcastparser
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from audiocoach.build import Options, render_program
from audiocoach.cli import main
from audiocoach.export.feed import write_feed
from audiocoach.program import load_program
from audiocoach.serve import make_server
from audiocoach.speech import Voice
from conftest import DATA

BASE = "http://192.168.1.20:8000/"
SESSIONS = ["w01d1-short-test-routine", "w02d1-short-test-routine", "w02d3-short-test-routine"]
TITLES = ["Week 1, day 1: Short test routine", "Week 2, day 1: Short test routine",
          "Week 2, day 3: Short test routine"]
PODCAST = "https://podcastindex.org/namespace/1.0"


def png() -> bytes:
    """A 4x4 orange PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc
    rows = b"".join(b"\x00" + b"\xff\x80\x00" * 4 for _ in range(4))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def program_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("program")
    cover = out.parent / "cover.png"
    cover.write_bytes(png())
    render_program(load_program(DATA / "program" / "two-weeks.yaml"), out,
                   Options(voice=Voice("fake"), cache=out.parent / "cache", cover=cover))
    # week 1 rendered last: program order must not come from the files' times
    for n, name in enumerate(reversed(SESSIONS)):
        os.utime(out / f"{name}.mp3", (1_700_000_000 + n * 3600,) * 2)
    write_feed(out, BASE)
    return out


def parsed(folder):
    with open(folder / "feed.xml", "rb") as f:
        pp = podcastparser.parse(BASE + "feed.xml", f)
    return feedparser.parse(str(folder / "feed.xml")), pp


@pytest.fixture
def conformant_podcastparser(monkeypatch):
    """podcastparser 0.6.11 knows the podcast namespace only by its GitHub alias; the spec
    names https://podcastindex.org/namespace/1.0 and has clients treat both as one."""
    monkeypatch.setitem(podcastparser.Namespace.NAMESPACES, PODCAST, "podcast")


def test_a_programs_feed_is_serial_in_program_order(program_dir):
    fp, pp = parsed(program_dir)
    assert not fp.bozo
    assert pp["type"] == "serial" and pp["title"] == "Two-week test program"
    # podcastparser sorts a serial show by date, oldest first: that must be program order
    assert [e["title"] for e in pp["episodes"]] == TITLES
    assert [(e["season"], e["number"]) for e in pp["episodes"]] == [(1, 1), (2, 2), (2, 3)]
    assert [e.title for e in fp.entries] == TITLES
    assert [(e.itunes_season, e.itunes_episode) for e in fp.entries] == [
        ("1", "1"), ("2", "2"), ("2", "3")]
    stamps = [e.published_parsed for e in fp.entries]
    assert stamps == sorted(stamps)


def test_a_sessions_mp3_title_tag_names_week_and_day(program_dir):
    for name, title in zip(SESSIONS, TITLES, strict=False):
        tags = ID3(program_dir / f"{name}.mp3")
        assert str(tags["TIT2"]) == title
        assert str(tags["TALB"]) == "Two-week test program"
        assert tags.getall("CHAP")  # the rest of the tag is kept
        meta = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i",
                               str(program_dir / f"{name}.mp3"), "-f", "ffmetadata", "-"],
                              capture_output=True, text=True, check=True).stdout
        assert f"title={title}\n" in meta.split("[CHAPTER]")[0]
    playlist = (program_dir / "two-week-test-program.m3u8").read_text()
    assert all(t in playlist for t in TITLES)


def test_the_cover_is_the_shows_and_each_episodes_image(program_dir):
    fp, pp = parsed(program_dir)
    first = BASE + f"{SESSIONS[0]}.cover.png"
    assert pp["cover_url"] == first and fp.feed.image.href == first
    assert [e["episode_art_url"] for e in pp["episodes"]] == [
        BASE + f"{name}.cover.png" for name in SESSIONS]
    assert [e.image.href for e in fp.entries] == [BASE + f"{n}.cover.png" for n in SESSIONS]
    for name in SESSIONS:  # the MP3's own picture, beside it
        assert (program_dir / f"{name}.cover.png").read_bytes() == png()


def test_category_author_and_explicit(program_dir):
    fp, pp = parsed(program_dir)
    assert pp["itunes_categories"] == [["Health & Fitness", "Fitness"]]
    assert [t.term for t in fp.feed.tags] == ["Health & Fitness", "Fitness"]
    assert pp["itunes_author"] == "audiocoach" and fp.feed.author == "audiocoach"
    assert pp["explicit"] is False
    assert all(e["explicit"] is False for e in pp["episodes"])
    assert all(e["itunes_author"] == "audiocoach" for e in pp["episodes"])


def test_each_episode_says_what_it_is_its_dose_and_equipment(program_dir):
    fp, pp = parsed(program_dir)
    week1, week2 = pp["episodes"][0]["description"], pp["episodes"][1]["description"]
    assert "Week 1, day 1 of Two-week test program (session 1 of 3)" in week1
    assert "Short test routine" in week1 and "easy level" in week1
    assert "You will need: a mat." in week1
    # the dose as rendered: the program adds a set from week 2 (tests/data/program)
    assert "Bridge 2 sets of 2 reps each side" in week1 and "Pulses 8 s" in week1
    assert "Bridge 3 sets of 2 reps each side" in week2 and "hard level" in week2
    assert fp.entries[0].summary == week1
    assert "3 voice-guided sessions over 2 weeks" in pp["description"]


def test_transcripts_are_linked(program_dir, conformant_podcastparser):
    fp, pp = parsed(program_dir)
    assert [e["transcript_url"] for e in pp["episodes"]] == [
        BASE + f"{name}.srt" for name in SESSIONS]  # podcastparser keeps the last one
    assert fp.entries[0].podcast_transcript == {
        "url": BASE + f"{SESSIONS[0]}.srt", "type": "application/x-subrip", "rel": "captions"}
    item = ET.parse(program_dir / "feed.xml").getroot().find("channel/item")
    links = [(t.get("url"), t.get("type")) for t in item.iter(f"{{{PODCAST}}}transcript")]
    assert links == [(BASE + f"{SESSIONS[0]}.vtt", "text/vtt"),
                     (BASE + f"{SESSIONS[0]}.srt", "application/x-subrip")]
    assert [e["chapters_json_url"] for e in pp["episodes"]] == [
        BASE + f"{name}.chapters.json" for name in SESSIONS]


@contextmanager
def serving(folder):
    server = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_hands_out_what_the_feed_links(program_dir, tmp_path):
    with serving(program_dir) as url:
        write_feed(program_dir, url)
        fp, _ = parsed(program_dir)
        links = {fp.feed.image.href: "image/png"}
        for e in fp.entries:
            links[e.image.href] = "image/png"
            links[e.podcast_transcript["url"]] = None
            links[e.enclosures[0].href] = "audio/mpeg"
        root = ET.parse(program_dir / "feed.xml").getroot()
        for node in root.iter(f"{{{PODCAST}}}chapters"):
            links[node.get("url")] = "application/json+chapters"
        for node in root.iter(f"{{{PODCAST}}}transcript"):
            links.setdefault(node.get("url"), None)
        for link, kind in links.items():
            with urllib.request.urlopen(link) as r:
                assert r.status == 200, link
                if kind:
                    assert r.headers["Content-Type"] == kind, link
    write_feed(program_dir, BASE)


@pytest.mark.parametrize("bad", ["192.168.1.20:8000", "ftp://host/", "http:///path",
                                 "http://host:99999/", "http://host/?x=1", "file:///tmp/",
                                 "http://ho st/"])
def test_a_base_url_without_scheme_or_host_is_refused(program_dir, bad):
    before = (program_dir / "feed.xml").read_bytes()
    result = CliRunner().invoke(main, ["feed", str(program_dir), "--base-url", bad])
    assert result.exit_code == 1 and "--base-url" in result.output, result.output
    assert "Traceback" not in result.output
    assert (program_dir / "feed.xml").read_bytes() == before  # nothing written


def test_a_base_url_path_is_escaped(program_dir):
    write_feed(program_dir, "https://nas.local/my workouts/caf\u00e9")
    fp, pp = parsed(program_dir)
    assert fp.entries[0].enclosures[0].href == \
        f"https://nas.local/my%20workouts/caf%C3%A9/{SESSIONS[0]}.mp3"
    assert pp["episodes"][0]["enclosures"][0]["url"] == fp.entries[0].enclosures[0].href
    write_feed(program_dir, "http://nas.local/already%20escaped/")
    fp, _ = parsed(program_dir)
    assert fp.entries[0].enclosures[0].href.startswith("http://nas.local/already%20escaped/w01")
    write_feed(program_dir, BASE)
