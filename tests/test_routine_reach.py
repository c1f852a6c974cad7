"""What a routine file may read: `cover:` and `music:` name files in the routine's own folder
(or a subfolder), never outside it; a cover is a JPEG or PNG of at most 10 MB; a device, FIFO
or socket is refused without being read or waited on. `--cover` / `--music` on the command
line may point anywhere, and are checked the same way for what they are."""

from __future__ import annotations

import os
import signal
import socket
import struct
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from audiocoach.cli import main
from audiocoach.errors import AudiocoachError, RoutineError
from audiocoach.loader import load_routine
from audiocoach.tags import COVER_MAX_BYTES, read_cover

HEAD = "title: Reach test\nexercises:\n  - exercise: Bridge\n    reps: 2\n"
KEY_LINE = 5  # the line HEAD leaves for `cover:` / `music:`


def png() -> bytes:
    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def write_song(path: Path, seconds: float = 2.0, silent: bool = False) -> Path:
    rate = 22050
    t = np.arange(int(seconds * rate)) / rate
    samples = np.zeros_like(t) if silent else 0.3 * np.sin(2 * np.pi * 440 * t)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture
def no_hang():
    """Fail, rather than hang, if something opens a FIFO and waits on it."""
    def timeout(*_):
        raise TimeoutError("waited on a special file")
    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def routine_in(folder: Path, line: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "routine.yaml"
    path.write_text(HEAD + line + "\n", encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(RoutineError) as info:
        load_routine(path)
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (KEY_LINE, 8), str(problem)  # the value's place
    return problem.message


# -- inside the folder: fine ---------------------------------------------------------------

def test_a_cover_beside_the_routine_or_in_a_subfolder_is_read(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "cover.png").write_bytes(png())
    (tmp_path / "cover.jpg").write_bytes(JPEG)
    assert load_routine(routine_in(tmp_path, "cover: cover.jpg")).cover == tmp_path / "cover.jpg"
    assert load_routine(routine_in(tmp_path, "cover: media/cover.png")).cover \
        == tmp_path / "media" / "cover.png"


def test_a_symlink_that_stays_inside_the_folder_is_fine(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "cover.png").write_bytes(png())
    (tmp_path / "art.png").symlink_to("media/cover.png")
    assert load_routine(routine_in(tmp_path, "cover: art.png")).cover == tmp_path / "art.png"


# -- outside the folder: refused, at the key's line and column -----------------------------

@pytest.mark.parametrize("key", ["cover", "music"])
@pytest.mark.parametrize("name,why", [
    ("../secret.png", "'..'"),
    ("media/../../secret.png", "'..'"),
    ("/proc/self/environ", "absolute path"),
    ("~/.ssh/id_rsa", "'~'"),
    ("C:\\\\Windows\\\\win.ini", "absolute path"),
])
def test_a_path_out_of_the_folder_is_refused(tmp_path, key, name, why):
    (tmp_path / "secret.png").write_bytes(png())
    (tmp_path / "secret.wav").write_bytes(b"")
    message = refused(routine_in(tmp_path / "shared", f'{key}: "{name}"'))
    assert why in message and "its own folder" in message, message


@pytest.mark.parametrize("key", ["cover", "music"])
def test_a_symlink_out_of_the_folder_is_refused(tmp_path, key):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "cover.png").write_bytes(png())
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "innocent.png").symlink_to(outside / "cover.png")
    message = refused(routine_in(folder, f"{key}: innocent.png"))
    assert "leads out of the routine's folder" in message, message


def test_a_symlink_to_dev_zero_is_refused(tmp_path, no_hang):
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    message = refused(routine_in(tmp_path, "cover: zero.png"))
    assert "leads out" in message or "not a regular file" in message


# -- what the file is ------------------------------------------------------------------------

def test_a_cover_that_is_no_image_is_refused(tmp_path):
    (tmp_path / "cover.png").write_text("SECRET=hunter2\n")
    message = refused(routine_in(tmp_path, "cover: cover.png"))
    assert "not a JPEG or PNG image" in message


def test_a_cover_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "cover.png"
    path.write_bytes(png())
    os.truncate(path, COVER_MAX_BYTES + 1)  # sparse: nothing is written
    message = refused(routine_in(tmp_path, "cover: cover.png"))
    assert "at most" in message and "10 MB" in message


@pytest.mark.parametrize("key", ["cover", "music"])
def test_a_fifo_in_the_folder_is_refused_without_waiting(tmp_path, key, no_hang):
    os.mkfifo(tmp_path / "pipe")
    message = refused(routine_in(tmp_path, f"{key}: pipe"))
    assert "not a regular file" in message


def test_a_socket_in_the_folder_is_refused(tmp_path):
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock"))
        message = refused(routine_in(tmp_path, "music: sock"))
    finally:
        sock.close()
    assert "not a regular file" in message


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_read_cover_refuses_special_files_unread(tmp_path, special, no_hang):
    if special == "fifo":
        os.mkfifo(tmp_path / "fifo")
        special = tmp_path / "fifo"
    with pytest.raises(AudiocoachError, match="not a regular file"):
        read_cover(Path(special))


def test_read_cover_takes_the_type_from_the_header_not_the_name(tmp_path):
    path = tmp_path / "cover.jpg"
    path.write_bytes(png())
    assert read_cover(path) == (png(), "image/png")


# -- music named in a routine: check reports it with the other problems ----------------------

@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_text("these are not sounds"), "could not be read as audio"),
    (lambda p: write_song(p, silent=True), "silent or shorter than a second"),
    (lambda p: write_song(p, seconds=0.3), "silent or shorter than a second"),
])
def test_check_reports_a_bad_music_file_with_its_line(tmp_path, make, message):
    make(tmp_path / "song.wav")
    path = tmp_path / "routine.yaml"
    path.write_text(HEAD + "    sets: 0\nmusic: song.wav\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:5:11: 'sets' is 0" in result.output  # the other problem, too
    assert f"{path}:6:8: " in result.output and message in result.output, result.output
    assert "Traceback" not in result.output


def test_good_music_in_the_folder_passes_check(tmp_path):
    write_song(tmp_path / "song.wav")
    result = CliRunner().invoke(main, ["check", str(routine_in(tmp_path, "music: song.wav"))])
    assert result.exit_code == 0, result.output


# -- the command line may point anywhere, and is checked for what it is ----------------------

def render(tmp_path: Path, *extra: str):
    routine = routine_in(tmp_path / "routine", "")
    return CliRunner().invoke(main, ["render", str(routine), "-o", str(tmp_path / "out"),
                                     "--engine", "fake", "--cache", str(tmp_path / "c"),
                                     "--no-sidecars", *extra])


def test_cover_and_music_on_the_command_line_may_be_anywhere(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "art.jpg").write_bytes(JPEG)
    write_song(elsewhere / "song.wav")
    result = render(tmp_path, "--cover", str(elsewhere / "art.jpg"),
                    "--music", str(elsewhere / "song.wav"))
    assert result.exit_code == 0, result.output
    [picture] = ID3(tmp_path / "out" / "reach-test.mp3").getall("APIC")
    assert picture.mime == "image/jpeg" and picture.data == JPEG


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_text("SECRET=hunter2\n"), "not a JPEG or PNG image"),
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: (p.write_bytes(png()), os.truncate(p, COVER_MAX_BYTES + 1)), "10 MB"),
])
def test_a_bad_cover_on_the_command_line_is_a_clear_error(tmp_path, make, message, no_hang):
    cover = tmp_path / "cover.png"
    make(cover)
    result = render(tmp_path, "--cover", str(cover))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.mp3"))


def test_dev_zero_as_cover_on_the_command_line_is_refused_unread(tmp_path, no_hang):
    result = render(tmp_path, "--cover", "/dev/zero")
    assert result.exit_code == 1, result.output
    assert "not a regular file" in result.output
