"""Faults while rendering: each is injected, and each must end in a clear message, a non-zero
exit, no traceback, nothing half-written under a final name, and the old file intact."""

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from audio import decode
from audiocoach import encode
from audiocoach.build import slug
from audiocoach.cli import main
from conftest import DATA, ROOT

SHORT = str(DATA / "short.yaml")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def rendered_before(tmp_path):
    """An output folder that already holds a good render of the short routine."""
    out = tmp_path / "out"
    result = run("render", SHORT, "-o", out, "--engine", "fake", "--cache", tmp_path / "c")
    assert result.exit_code == 0, result.output
    mp3 = out / "short-test-routine.mp3"
    return out, mp3, digest(mp3)


def no_partial_files(folder):
    return not [p for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_phrase_the_engine_fails_on_is_named_with_its_exercise(tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("title: F\nexercises:\n  - exercise: Bridge\n    reps: 2\n"
                       "    cues: [now fail here]\n")
    result = run("render", routine, "-o", tmp_path / "out", "--engine", "fake", "--voice",
                 "fail", "--cache", tmp_path / "c")
    assert result.exit_code == 1
    assert "failed on the phrase 'now fail here'" in result.output
    assert "exercise 'Bridge'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "f.mp3").exists()


def test_a_hanging_engine_times_out(tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("title: H\nexercises:\n  - exercise: Bridge\n    reps: 2\n"
                       "    cues: [please hang here]\n")
    result = run("render", routine, "-o", tmp_path / "out", "--engine", "fake", "--voice",
                 "hang", "--phrase-timeout", "1", "--cache", tmp_path / "c")
    assert result.exit_code == 1
    assert "did not finish the phrase 'please hang here' within 1 s" in result.output


@pytest.mark.parametrize("fault,code,message", [
    (OSError(errno.ENOSPC, "No space left on device"), 1, "No space left on device"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_disk_full_or_ctrl_c_mid_encode_keeps_the_old_file(rendered_before, monkeypatch, tmp_path,
                                                           fault, code, message):
    out, mp3, before = rendered_before
    real = encode.lameenc.Encoder

    class Failing:
        """Encoders whose output fails after a few blocks (a whole encode) or islands (a
        spliced one, splice.py: one encoder per island): the third encode call of all."""

        calls = 0

        def __init__(self):
            self.inner = real()

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def encode(self, data):
            Failing.calls += 1
            if Failing.calls == 3:
                raise fault
            return self.inner.encode(data)

    monkeypatch.setattr(encode.lameenc, "Encoder", Failing)
    # a fresh cache: the first render's islands are in the frame cache, so nothing is encoded
    result = run("render", SHORT, "-o", out, "--engine", "fake", "--cache", tmp_path / "c2")
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    assert digest(mp3) == before and no_partial_files(out)
    monkeypatch.undo()
    again = run("render", SHORT, "-o", out, "--engine", "fake", "--cache", tmp_path / "c")
    assert again.exit_code == 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root can write to read-only folders; test_cli's blocked path "
                           "covers an unwritable output folder")
def test_an_unwritable_output_folder(rendered_before, tmp_path):
    out, mp3, before = rendered_before
    out.chmod(0o500)
    try:
        result = run("render", SHORT, "-o", out, "--engine", "fake", "--cache", tmp_path / "c")
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1 and "cannot write" in result.output
    assert digest(mp3) == before


def _render_process(out, cache, routine=SHORT):
    return subprocess.Popen([sys.executable, "-m", "audiocoach", "render", str(routine), "-o",
                             str(out), "--engine", "fake", "--cache", str(cache)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)


def test_sigkill_mid_render_leaves_the_old_file_and_a_usable_cache(rendered_before, tmp_path):
    out, _, _ = rendered_before
    long_routine = ROOT / "routines" / "breath-led-mobility-flow.yaml"
    cache = tmp_path / "c2"
    warm = _render_process(out, cache, long_routine)  # fill the cache, keep a good file
    assert warm.wait(120) == 0
    final = out / "breath-led-mobility-flow.mp3"
    before = digest(final)
    victim = _render_process(out, cache, long_routine)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(".breath-led*.part")):
        time.sleep(0.05)
    assert list(out.glob(".breath-led*.part")), "the render never started writing"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert digest(final) == before
    again = _render_process(out, cache, long_routine)
    assert again.wait(120) == 0
    assert decode(final).size > 0
    assert no_partial_files(out)  # the next render removed the killed one's partial file


def test_two_renders_of_one_routine_into_one_folder(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "c"
    procs = [_render_process(out, cache) for _ in range(2)]
    assert [p.wait(120) for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    assert [p.name for p in out.glob("*.mp3")] == ["short-test-routine.mp3"]
    length = json.loads((out / "short-test-routine.json").read_text())["duration"]
    assert abs(len(decode(out / "short-test-routine.mp3")) / 44100 - length) < 0.2
    assert no_partial_files(out)


def test_a_damaged_cache_entry_is_made_again_and_the_render_succeeds(tmp_path):
    cache = tmp_path / "c"
    assert run("render", SHORT, "-o", tmp_path / "a", "--engine", "fake", "--cache",
               cache).exit_code == 0
    entries = sorted(cache.rglob("*.wav"))
    entries[0].write_bytes(entries[0].read_bytes()[:100])
    entries[1].write_bytes(b"garbage")
    result = run("render", SHORT, "-o", tmp_path / "b", "--engine", "fake", "--cache", cache)
    assert result.exit_code == 0
    assert (tmp_path / "a" / "short-test-routine.json").read_text() == \
        (tmp_path / "b" / "short-test-routine.json").read_text()


@pytest.mark.parametrize("title", [
    "../../etc/passwd", "/absolute/path", "C:\\Windows\\evil", "CON", "a\x00b\x1fc",
    "..", "🔥🔥🔥", "---", "x" * 300, "Ünïcödé & <tags>",
])
def test_hostile_titles_make_safe_file_names(tmp_path, title):
    name = slug(title)
    assert name and len(name) <= 60
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not name.startswith("-") and ".." not in name
    routine = tmp_path / "r.yaml"
    routine.write_text('title: "{}"\nexercises:\n  - exercise: a\n    reps: 1\n'.format(
        title.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0")
        .replace("\x1f", "\\x1f")))
    result = run("render", routine, "-o", tmp_path / "out", "--engine", "fake", "--cache",
                 tmp_path / "c", "--no-sidecars")
    if not any(c.isalnum() for c in title):  # nothing to say: check refuses it, nothing written
        assert result.exit_code == 2 and "letter or digit" in result.output, result.output
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
        return
    assert result.exit_code == 0, result.output
    written = {p.resolve().parent for p in (tmp_path / "out").iterdir()}
    assert written == {(tmp_path / "out").resolve()}


def test_an_absurd_routine_is_refused_before_any_speech(tmp_path):
    routine = tmp_path / "r.yaml"
    routine.write_text("title: Forever\nexercises:\n  - section: s\n    rounds: 20\n"
                       "    exercises:\n      - section: t\n        rounds: 20\n"
                       "        exercises:\n          - exercise: plank\n"
                       "            time: 30 min\n")
    result = run("render", routine, "-o", tmp_path / "out", "--engine", "fake", "--cache",
                 tmp_path / "c")
    assert result.exit_code == 2
    assert "hours" in result.output and "at most 4 hours" in result.output
    assert not (tmp_path / "c").exists() and not (tmp_path / "out").exists()


def test_debug_shows_the_traceback_for_a_bug_report(tmp_path):
    result = CliRunner().invoke(main, ["--debug", "check", str(tmp_path / "missing.yaml")])
    assert result.exit_code != 0 and result.exception is not None
