"""Output files: their names (any script, never a Windows device), no run overwriting what it
wrote itself, no leftovers (partial files, the engine's temporary folder), and the umask."""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from audiocoach import cli
from audiocoach.build import Claims, Options, render, render_program
from audiocoach.errors import EngineError, OutputError, OutputWarning
from audiocoach.export.feed import write_feed
from audiocoach.model import WINDOWS_RESERVED, slug
from audiocoach.program import load_program
from audiocoach.speech import Voice, open_engine
from conftest import DATA, ROOT

FAKE = Voice("fake")
TITLES = {
    "Διατάσεις για ΌΛΟΥΣ": "διατάσεις-για-όλους",  # the Greek final sigma stays
    "Утренняя зарядка": "утренняя-зарядка",
    "早上好 拉伸": "早上好-拉伸",
    "ストレッチ": "ストレッチ",
    "허리 운동": "허리-운동",
    "नमस्ते योग": "नमस्ते-योग",
    "Übung für Straße": "ubung-fur-strasse",  # Latin keeps the ASCII names it always had
    "Øvelse": "ovelse",
}


def routine_file(folder: Path, title: str, name: str | None = None, exercise: str = "Bridge"):
    path = folder / (name or f"r{abs(hash(title))}.yaml")
    path.write_text(f"title: {title!r}\nexercises:\n  - exercise: {exercise}\n    reps: 1\n",
                    encoding="utf-8")
    return path


def options(tmp_path, **kw):
    return Options(voice=FAKE, cache=tmp_path / "c", **{"sidecars": False, **kw})


# --- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("title,name", TITLES.items())
def test_titles_in_any_script_get_their_own_names(title, name):
    assert slug(title) == name


def test_non_latin_titles_no_longer_share_one_name():
    assert len({slug(t) for t in TITLES}) == len(TITLES)
    assert "routine" not in {slug(t) for t in TITLES}


@pytest.mark.parametrize("title", ["CON", "nul", "Aux", "prn", "com1", "COM9", "lpt1", "LPT9",
                                   "COM¹", " con ", "con.", "<nul>", "\u200bcon"])
def test_windows_device_names_never_become_file_names(title):
    name = slug(title)
    assert name.split(".")[0] not in WINDOWS_RESERVED and name.endswith("-routine")


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=200))
def test_any_title_makes_one_safe_name(title):
    name = slug(title)
    assert name and len(name) <= 60 and len(name.encode()) <= 120
    assert unicodedata.is_normalized("NFC", name) and name == name.lower()
    assert not name.startswith("-") and not name.endswith("-") and "." not in name
    assert all(unicodedata.category(c)[0] in "LNM" or c == "-" for c in name)
    assert name not in WINDOWS_RESERVED
    assert slug(name) == name


def test_a_cyrillic_routine_renders_under_its_own_name_and_is_in_the_feed(tmp_path):
    out = tmp_path / "out"
    result = render(routine_file(tmp_path, "Утренняя зарядка"), out,
                    options(tmp_path, sidecars=True))
    assert result.mp3 == out / "утренняя-зарядка.mp3" and result.mp3.is_file()
    assert "утренняя-зарядка.mp3" in (out / "утренняя-зарядка.m3u8").read_text("utf-8")
    feed = write_feed(out, "http://h/").read_text("utf-8")
    assert "http://h/%D1%83%D1%82%D1%80" in feed


# --- collisions ----------------------------------------------------------------------------

def test_two_routines_with_one_name_are_refused_before_the_second_writes(tmp_path):
    a = routine_file(tmp_path, "Core", "a.yaml")
    b = routine_file(tmp_path, "CORE!", "b.yaml", exercise="Plank")
    out, claims = tmp_path / "out", Claims()
    first = render(a, out, options(tmp_path), claims=claims)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(OutputError) as err:
        render(b, out, options(tmp_path), claims=claims)
    assert str(a) in str(err.value) and str(b) in str(err.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert first.mp3.name == "core.mp3"


def test_claiming_first_refuses_a_collision_before_anything_is_written(tmp_path):
    claims, out = Claims(), tmp_path / "out"
    claims.claim("a.yaml", [out / "x.mp3", out / "x.json"])
    claims.claim("a.yaml", [out / "x.mp3"])  # the same owner again: fine
    with pytest.raises(OutputError, match=r"a\.yaml and b\.yaml would both write"):
        claims.claim("b.yaml", [out / "y.mp3", out / "X.json"])  # names compare casefolded
    claims.claim("c.yaml", [out / "y.mp3"])  # b claimed nothing
    assert not out.exists()


def test_a_title_and_a_track_with_one_name_are_refused(tmp_path):
    routine = routine_file(tmp_path, "01 Bridge")  # its first track is 01-bridge.mp3 too
    with pytest.raises(OutputError, match="twice"):
        render(routine, tmp_path / "out", options(tmp_path, split=True))
    assert not (tmp_path / "out").exists()


def test_two_sessions_on_one_day_get_distinct_names_and_a_warning(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(DATA / "short.yaml", tmp_path / name)
    (tmp_path / "p.yaml").write_text("program: P\nweeks: 1\nsessions:\n"
                                     "  - day: 1\n    routine: a.yaml\n"
                                     "  - day: 1\n    routine: b.yaml\n")
    out = tmp_path / "out"
    with pytest.warns(OutputWarning, match="w01d1-short-test-routine-2"):
        done = render_program(load_program(tmp_path / "p.yaml"), out, options(tmp_path))
    assert [r.mp3.name for r in done] == ["w01d1-short-test-routine.mp3",
                                          "w01d1-short-test-routine-2.mp3"]
    assert all(r.mp3.is_file() for r in done)


def test_a_program_whose_playlist_is_a_session_file_is_refused_before_writing(tmp_path):
    shutil.copy(DATA / "short.yaml", tmp_path / "a.yaml")
    (tmp_path / "p.yaml").write_text("program: w01d1 Short test routine\nweeks: 1\n"
                                     "sessions:\n  - day: 1\n    routine: a.yaml\n")
    with pytest.raises(OutputError, match="would both write"):
        render_program(load_program(tmp_path / "p.yaml"), tmp_path / "out", options(tmp_path))
    assert not (tmp_path / "out").exists()


def test_render_command_refuses_a_collision_before_rendering_anything(tmp_path):
    a = routine_file(tmp_path, "Core", "a.yaml")
    b = routine_file(tmp_path, "core", "b.yaml", exercise="Plank")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["render", str(a), str(b), "-o", str(out),
                                           "--engine", "fake", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{a} and {b} would both write" in result.output
    assert not out.exists() or not list(out.iterdir())


# --- leftovers -----------------------------------------------------------------------------

def test_stale_partial_files_of_the_outputs_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".core.mp3.ab12cd34.part", out / ".core.json.k_9zq0x1.part"]  # old style too
    kept = [out / ".other.mp3.ab12cd34.part", out / "core.mp3.part"]
    for p in stale + kept:
        p.write_bytes(b"x" * 1000)
    live = out / ".core.m3u8.0badf00d.part"  # a render still writing holds its lock
    live.write_bytes(b"")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        render(routine_file(tmp_path, "Core"), out, options(tmp_path))
    finally:
        os.close(fd)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept) and live.exists()
    assert (out / "core.mp3").is_file()


def tts_folders(folder: Path) -> list[Path]:
    return list(folder.glob("audiocoach-tts-*"))


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The system temp folder, for this test alone (other runs may share the real one)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_default_engine_leaves_no_temporary_folder(private_tmp, tmp_path):
    from audiocoach.cache import PhraseCache
    assert tts_folders(private_tmp) == []
    engine = open_engine(Voice("pyttsx3"))
    assert len(tts_folders(private_tmp)) == 1  # while it runs
    assert engine.synthesize("hello there").samples.size > 0
    engine.close()
    assert tts_folders(private_tmp) == []
    engine = open_engine(Voice("pyttsx3"))
    del engine  # collected without close()
    assert tts_folders(private_tmp) == []
    with pytest.raises(EngineError):
        open_engine(Voice("pyttsx3", voice="no-such-voice"))
    assert tts_folders(private_tmp) == []
    clips = PhraseCache(Voice("pyttsx3"), tmp_path / "c").clips(["a phrase for the count"])
    assert clips and tts_folders(private_tmp) == []


def test_the_default_engine_cleans_up_at_exit(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    code = ("from audiocoach.speech import Voice, open_engine\n"
            "keep = open_engine(Voice('pyttsx3'))\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120,
                   env={**os.environ, "TMPDIR": str(folder)})
    assert tts_folders(folder) == []


# --- permissions ---------------------------------------------------------------------------

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_honour_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        result = render(routine_file(tmp_path, "Core"), tmp_path / "out",
                        options(tmp_path, sidecars=True))
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "out").iterdir()]
    assert result.mp3 in files and len(files) == 6
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


def test_no_warning_for_an_ordinary_render(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render(routine_file(tmp_path, "Core"), tmp_path / "out", options(tmp_path))
