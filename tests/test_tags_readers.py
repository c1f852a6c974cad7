"""Tags, chapters, lyrics and the LAME/Info header, each read back by a reader that is not the
code that wrote it: ffmpeg (its ffmetadata output for tags and chapters, its decoder for the
gapless length), mutagen's MP3 info for the Xing/LAME header, miniaudio's decoder."""

import re
import struct
import subprocess
import zlib
from itertools import pairwise

import imageio_ffmpeg
import mutagen.mp3
import numpy as np
import pytest
from click.testing import CliRunner

from audio import RATE, decode, envelope, onset_near
from audiocoach.build import Options, render
from audiocoach.cli import main
from audiocoach.encode import ENCODER_DELAY, encode_mp3
from audiocoach.export.playlist import Entry, m3u8
from audiocoach.script import duration_text, whole_seconds
from audiocoach.speech import Voice
from conftest import DATA

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
STAMP = re.compile(r"\[\d\d:\d\d\.\d\d\]")


def ffmetadata(path):
    """ffmpeg's reading of the tags: (global tags, [chapter dicts]) in stored order."""
    text = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                          capture_output=True, check=True, text=True).stdout
    lines, buf = [], ""
    for raw in text.splitlines()[1:]:  # ;FFMETADATA1
        if raw.endswith("\\") and not raw.endswith("\\\\"):
            buf += raw[:-1] + "\n"  # an escaped newline: the value goes on
            continue
        lines.append(buf + raw)
        buf = ""
    unescape = lambda v: re.sub(r"\\(.)", r"\1", v, flags=re.S)  # noqa: E731
    tags, chapters, current = {}, [], None
    for line in lines:
        if line == "[CHAPTER]":
            current = {}
            chapters.append(current)
            continue
        key, _, value = line.partition("=")
        (tags if current is None else current)[key] = unescape(value)
    return tags, chapters


def ffmpeg_samples(path):
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768


def has_cover(path):
    probe = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True,
                           text=True).stderr
    return "(attached pic)" in probe


def png():
    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


ROUTINE = """title: Reader test
source: {source}
cover: cover.png
defaults:
  rest: {{set: 2s, exercise: 2s}}
exercises:
  - exercise: A rather long exercise name, long enough
    time: 4s
  - exercise: Sit
    time: 4s
  - exercise: Medium name
    time: 4s
"""


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readers")
    (folder / "cover.png").write_bytes(png())
    path = folder / "reader.yaml"
    path.write_text(ROUTINE.format(source="Jane Doe, Physio Weekly"), encoding="utf-8")
    return render(path, folder / "out", Options(voice=Voice("fake"), cache=folder / "c",
                                                split=True))


# -- chapters ----------------------------------------------------------------------------------

def test_chapters_are_in_time_order_with_their_titles_as_written(split):
    _, chapters = ffmetadata(split.mp3)
    assert [c["title"] for c in chapters] == [c.title for c in split.script.chapters]
    starts = [int(c["START"]) for c in chapters]
    assert starts == sorted(starts)
    # ffmpeg's timeline starts where the decoder's delay ends (its start_time, 25 ms), and
    # its ffmetadata output is rebased to that: the stored times are the script's
    for start, chapter in zip(starts, split.script.chapters, strict=True):
        assert 0 <= chapter.start_ms - start <= round(ENCODER_DELAY * 1000 / RATE) + 1


# -- track numbers, artist, album, cover -------------------------------------------------------

def test_split_tracks_carry_number_of_total_and_the_cover(split):
    for n, track in enumerate(split.tracks, 1):
        tags, chapters = ffmetadata(track)
        assert tags["track"] == f"{n}/3" and not chapters
        assert tags["album"] == "Reader test" and tags["artist"] == "Jane Doe, Physio Weekly"
        assert has_cover(track), track.name
    assert has_cover(split.mp3)


def test_a_workout_on_its_own_has_no_track_number_and_one_of_several_has_a_total(tmp_path):
    opts = Options(voice=Voice("fake"), cache=tmp_path / "c", sidecars=False)
    alone = render(DATA / "short.yaml", tmp_path / "a", opts, track=(1, 1))
    assert "track" not in ffmetadata(alone.mp3)[0]
    second = render(DATA / "short.yaml", tmp_path / "b", opts, track=(2, 3))
    assert ffmetadata(second.mp3)[0]["track"] == "2/3"


def test_render_of_one_routine_from_the_cli_is_no_track_1(tmp_path):
    result = CliRunner().invoke(main, ["render", str(DATA / "short.yaml"), "-o", str(tmp_path),
                                       "--engine", "fake", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "track" not in ffmetadata(tmp_path / "short-test-routine.mp3")[0]


@pytest.mark.parametrize("source, artist", [
    ("Jane Doe, Physio Weekly", "Jane Doe, Physio Weekly"),
    ("https://www.example.org/back/article.html", "example.org"),
    ("003_ec834ca88404da1d.txt", "audiocoach"),
    ("Original audiocoach routine (not from an article).", "Original audiocoach routine"),
])
def test_the_artist_is_who_the_source_names(tmp_path, source, artist):
    (tmp_path / "cover.png").write_bytes(png())
    path = tmp_path / "r.yaml"
    path.write_text(ROUTINE.format(source=f'"{source}"'), encoding="utf-8")
    result = render(path, tmp_path / "out", Options(voice=Voice("fake"), cache=tmp_path / "c",
                                                    sidecars=False))
    assert ffmetadata(result.mp3)[0]["artist"] == artist


# -- lyrics ------------------------------------------------------------------------------------

def test_lyrics_are_plain_lines_and_the_lrc_keeps_its_stamps(split):
    lyrics = ffmetadata(split.mp3)[0]["lyrics-eng"]
    lrc = split.mp3.with_suffix(".lrc").read_text(encoding="utf-8")
    assert not STAMP.search(lyrics) and "[ti:" not in lyrics
    stamped = [line for line in lrc.splitlines() if STAMP.match(line)]
    assert lyrics.splitlines() == [STAMP.sub("", line) for line in stamped]
    # each track holds its chapter's lines
    track_lines = [ffmetadata(t)[0]["lyrics-eng"].splitlines() for t in split.tracks]
    assert [line for lines in track_lines for line in lines] == lyrics.splitlines()
    assert track_lines[1][0] == "Sit"


# -- the LAME/Info header: exact length, gapless ------------------------------------------------

def test_mutagen_reads_a_cbr_info_header_with_a_lame_tag(split):
    info = mutagen.mp3.MP3(split.mp3).info
    assert info.encoder_info.startswith("LAME 3.100")
    assert info.bitrate_mode == mutagen.mp3.BitrateMode.CBR
    assert info.encoder_settings == "-b 96"
    assert abs(info.length - split.script.duration) < 1 / RATE
    for track, chapter in zip(split.tracks, split.script.chapters, strict=False):
        length = mutagen.mp3.MP3(track).info.length
        assert abs(length - (chapter.end_ms - chapter.start_ms) / 1000) < 1 / RATE


def test_ffmpeg_and_miniaudio_decode_exactly_the_scripts_samples(split):
    want = round(split.script.duration_ms * RATE / 1000)
    assert len(ffmpeg_samples(split.mp3)) == want
    assert len(decode(split.mp3)) == want
    tracks = [len(ffmpeg_samples(t)) for t in split.tracks]
    assert tracks == [len(decode(t)) for t in split.tracks]
    assert sum(tracks) == want  # played in turn, the tracks are the whole workout


def test_both_decoders_put_speech_on_its_time(split):
    events = split.script.events
    after_quiet = [b for a, b in pairwise(events)
                   if b.kind == "speech" and b.start - a.end >= 0.25]
    assert len(after_quiet) >= 5
    for audio in (ffmpeg_samples(split.mp3), decode(split.mp3)):
        env = envelope(audio)
        errors = [abs(onset_near(env, e.start) - e.start) for e in after_quiet]
        assert max(errors) < 0.005, errors  # the 25 ms delay is gone for both


def test_the_info_frame_counts_frames_and_bytes_of_a_click(tmp_path):
    """A click at a known sample comes back at that sample, and the stream is as long as the
    input, through both decoders; the LAME tag's delay is the encoder's own (576)."""
    n = RATE * 2 + 123
    pcm = np.zeros(n, dtype=np.int16)
    pcm[10000:10050] = 20000
    path = tmp_path / "click.mp3"
    with open(path, "wb") as f:
        encode_mp3([pcm[:5000], pcm[5000:]], f, RATE, 96)
    data = path.read_bytes()
    assert data[21:25] == b"Info" and data[141:150] == b"LAME3.100"
    frames, size = struct.unpack(">II", data[29:37])
    assert size == len(data)
    delay_padding = int.from_bytes(data[141 + 21:141 + 24], "big")
    assert delay_padding >> 12 == ENCODER_DELAY - 529 == 576
    assert frames * 1152 - 576 - (delay_padding & 0xFFF) == n
    for audio in (ffmpeg_samples(path), decode(path)):
        assert len(audio) == n
        assert int(np.argmax(np.abs(audio) > 0.1)) in range(9995, 10006)


# -- one rounding of lengths -------------------------------------------------------------------

def test_one_rounding_for_lengths():
    assert duration_text(2058400) == "34:19" == duration_text(2059000)
    assert duration_text(2059001) == "34:20" and duration_text(3723000) == "1:02:03"
    assert whole_seconds(2058400) == 2059
    playlist = m3u8([Entry("a.mp3", 2058.4, "A"), Entry("b.mp3", 2.0, "B")])
    assert "#EXTINF:2059,A" in playlist and "#EXTINF:2,B" in playlist


def test_the_cli_prints_the_length_the_playlist_gives(tmp_path):
    result = CliRunner().invoke(main, ["render", str(DATA / "short.yaml"), "-o", str(tmp_path),
                                       "--engine", "fake", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    seconds = int(re.search(r"#EXTINF:(\d+),", (tmp_path / "short-test-routine.m3u8")
                            .read_text()).group(1))
    shown = re.search(r"^\s*(\d+):(\d\d)\s", result.output, re.M)
    assert int(shown.group(1)) * 60 + int(shown.group(2)) == seconds


# -- the real engine, once ---------------------------------------------------------------------

def test_real_voice_decodes_to_the_scripts_length_and_time_with_ffmpeg(tmp_path, real_cache):
    result = render(DATA / "short.yaml", tmp_path, Options(voice=Voice("pyttsx3"),
                                                           cache=real_cache))
    audio = ffmpeg_samples(result.mp3)
    assert len(audio) == round(result.script.duration_ms * RATE / 1000)
    env, errors, previous_end = envelope(audio), [], 0.0
    for e in result.script.events:
        if e.kind == "speech" and e.start - previous_end >= 0.25:
            errors.append(abs(onset_near(env, e.start) - e.start))
        previous_end = e.end
    assert len(errors) >= 20 and max(errors) < 0.030, max(errors)


def test_program_sessions_keep_chapters_in_order_under_the_programs_album(tmp_path):
    from audiocoach.build import render_program
    from audiocoach.program import load_program

    program = load_program(DATA / "program" / "two-weeks.yaml")
    done = render_program(program, tmp_path, Options(voice=Voice("fake"), cache=tmp_path / "c"))
    for result in done:
        tags, chapters = ffmetadata(result.mp3)
        assert tags["album"] == "Two-week test program"
        assert [c["title"] for c in chapters] == [c.title for c in result.script.chapters]
