"""Faults that are messages, not tracebacks: a phrase cache that cannot be read or written
(one warning, and the render goes on), and foreign files beside the workouts in a feed."""

import errno
import json
import shutil
import warnings

import pytest
from click.testing import CliRunner

from audiocoach import build, sound
from audiocoach import cache as cachemod
from audiocoach.build import Options, render
from audiocoach.cache import CacheWarning, PhraseCache
from audiocoach.cli import main
from audiocoach.errors import OutputWarning
from audiocoach.export.feed import write_feed
from audiocoach.speech import Voice
from conftest import DATA

FAKE = Voice("fake")
SHORT = DATA / "short.yaml"
PHRASES = [f"phrase number {i}" for i in range(12)]


def cache_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, CacheWarning)]


def cli(*args, category=CacheWarning):
    """Run the CLI; (result, the library's warnings: recorded, or as the CLI printed them)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = CliRunner().invoke(main, [str(a) for a in args])
    printed = [line[len("warning: "):] for line in result.output.splitlines()
               if line.startswith("warning: ")]
    return result, [str(w.message) for w in record if issubclass(w.category, category)] + printed


def render_with(cache, out):
    return cli("render", SHORT, "-o", out, "--engine", "fake", "--cache", cache)


@pytest.fixture
def reference(tmp_path):
    """The script JSON of a render with a working cache, and that cache."""
    result, warned = render_with(tmp_path / "good-cache", tmp_path / "ref")
    assert result.exit_code == 0 and not warned
    return (tmp_path / "ref" / "short-test-routine.json").read_text(), tmp_path / "good-cache"


def check(result, warned, out, reference):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len(warned) == 1, warned
    assert (out / "short-test-routine.json").read_text() == reference


@pytest.mark.parametrize("code,text", [(errno.EROFS, "Read-only file system"),
                                       (errno.EACCES, "Permission denied")])
def test_a_read_only_cache_warns_once_and_the_render_goes_on(tmp_path, monkeypatch, reference,
                                                            code, text):
    def refuse(*a, **kw):
        raise OSError(code, text)
    monkeypatch.setattr(cachemod, "atomic_file", refuse)
    result, warned = render_with(tmp_path / "c", tmp_path / "out")
    check(result, warned, tmp_path / "out", reference[0])
    assert text in warned[0] and str(tmp_path / "c") in warned[0]


def test_a_full_disk_warns_once_and_leaves_no_temporary_files(tmp_path, monkeypatch, reference):
    real = open

    class Full:
        def __init__(self, f):
            self.f = f

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cachemod, "open", lambda *a, **kw: Full(real(*a, **kw)), raising=False)
    result, warned = render_with(tmp_path / "c", tmp_path / "out")
    check(result, warned, tmp_path / "out", reference[0])
    assert "No space left on device" in warned[0]
    # the frame cache (c/frames/, written by splice.py) is not on the full disk here
    phrases = [p for p in (tmp_path / "c").rglob("*")
               if p.is_file() and p.relative_to(tmp_path / "c").parts[0] != "frames"]
    assert not phrases


def test_a_cache_entry_replaced_by_a_folder(tmp_path, reference):
    text, cache = reference
    entry = sorted(cache.rglob("*.wav"))[0]
    entry.unlink()
    (entry / "inside").mkdir(parents=True)
    result, warned = render_with(cache, tmp_path / "out")
    check(result, warned, tmp_path / "out", text)
    assert "replaced" in warned[0]


def test_a_cache_subfolder_replaced_by_a_file(tmp_path, reference):
    text, cache = reference
    sub = sorted(p for p in cache.iterdir() if p.is_dir())[0]
    shutil.rmtree(sub)
    sub.write_bytes(b"in the way")
    result, warned = render_with(cache, tmp_path / "out")
    check(result, warned, tmp_path / "out", text)


def test_a_cache_folder_that_is_a_file_warns_once_for_many_phrases(tmp_path):
    folder = tmp_path / "c"
    folder.write_bytes(b"not a folder")
    with pytest.warns(CacheWarning) as record:
        clips = PhraseCache(FAKE, folder).clips(PHRASES)
    assert len(clips) == len(PHRASES) and len(cache_warnings(record)) == 1


def test_parallel_workers_report_a_cache_fault_once(tmp_path):
    folder = tmp_path / "c"
    folder.write_bytes(b"not a folder")
    with pytest.warns(CacheWarning) as record:
        clips = PhraseCache(FAKE, folder, workers=2, min_per_worker=1).clips(PHRASES)
    assert len(clips) == len(PHRASES) and len(cache_warnings(record)) == 1


def test_an_unreadable_entry_is_made_again_with_a_warning(tmp_path, monkeypatch):
    cache = PhraseCache(FAKE, tmp_path)
    good = cache.clips(PHRASES[:2])
    real = cachemod.wave.open

    def unreadable(path, mode="rb"):
        if mode == "rb":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real(path, mode)
    monkeypatch.setattr(cachemod.wave, "open", unreadable)
    again = PhraseCache(FAKE, tmp_path)
    with pytest.warns(CacheWarning, match="cannot read"):
        clips = again.clips(PHRASES[:2])
    assert again.synthesized == 2 and clips.keys() == good.keys()


def test_a_library_render_with_a_broken_cache_only_warns(tmp_path):
    (tmp_path / "c").write_bytes(b"")
    with pytest.warns(CacheWarning):
        result = render(SHORT, tmp_path / "out", Options(voice=FAKE, cache=tmp_path / "c"))
    assert result.mp3.is_file()


# --- the feed ------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "out"
    render(SHORT, out, Options(voice=FAKE, cache=tmp_path / "c", sidecars=False))
    return out


@pytest.mark.parametrize("foreign", [b"{not json", b"[1, 2]", b'{"title": "x"}',
                                     b'{"title": 3, "duration": 1, "chapters": []}',
                                     b'{"title": "x", "duration": "long", "chapters": []}',
                                     b'{"title": "x", "duration": 1, "chapters": [1]}',
                                     b"\xff\xfe garbage"])
def test_a_foreign_json_beside_an_mp3_is_skipped_with_a_warning(folder, foreign):
    (folder / "other.mp3").write_bytes(b"ID3 not ours")
    (folder / "other.json").write_bytes(foreign)
    with pytest.warns(OutputWarning, match="skipped other.mp3"):
        feed = write_feed(folder, "http://h/").read_text()
    assert "short-test-routine.mp3" in feed and "other.mp3" not in feed


def test_a_dangling_mp3_link_is_skipped_with_a_warning(folder):
    (folder / "gone.mp3").symlink_to(folder / "nowhere.mp3")
    shutil.copy(folder / "short-test-routine.json", folder / "gone.json")
    with pytest.warns(OutputWarning, match="skipped gone.mp3"):
        feed = write_feed(folder, "http://h/").read_text()
    assert "gone.mp3" not in feed and "short-test-routine.mp3" in feed


def test_links_out_of_the_folder_are_not_published(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(folder / "short-test-routine.mp3", outside / "x.mp3")
    data = json.loads((folder / "short-test-routine.json").read_text())
    (outside / "secret.json").write_text(json.dumps({**data, "title": "secret"}))
    (folder / "x.mp3").symlink_to(outside / "x.mp3")
    shutil.copy(folder / "short-test-routine.json", folder / "x.json")
    shutil.copy(folder / "short-test-routine.mp3", folder / "y.mp3")
    (folder / "y.json").symlink_to(outside / "secret.json")
    with pytest.warns(OutputWarning) as record:
        feed = write_feed(folder, "http://h/").read_text()
    assert "secret" not in feed and "x.mp3" not in feed and "y.mp3" not in feed
    assert len([w for w in record if "out of the folder" in str(w.message)]) == 2


def test_feed_command_with_a_foreign_json_does_not_crash(folder):
    (folder / "other.mp3").write_bytes(b"")
    (folder / "other.json").write_text("[]")
    result, warned = cli("feed", folder, "--base-url", "http://h/", category=OutputWarning)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert len(warned) == 1 and "skipped other.mp3" in warned[0]


def test_a_cache_emptied_during_a_render_is_a_message_and_loses_nothing(tmp_path, monkeypatch):
    """The render reads its clips again from the cache as it mixes (sound.Clips): a cache
    emptied in between is a message, and the workout already on disk stays as it was."""
    out, cache = tmp_path / "out", tmp_path / "c"
    result, _ = render_with(cache, out)
    assert result.exit_code == 0, result.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(sound, "KEEP_BYTES", 0)
    timed = build.timed_script

    def then_emptied(*args, **kwargs):
        timed_out = timed(*args, **kwargs)
        shutil.rmtree(cache)
        return timed_out
    monkeypatch.setattr(build, "timed_script", then_emptied)
    result, _ = render_with(cache, out)
    assert result.exit_code == 1
    assert "was removed or changed during the render" in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
