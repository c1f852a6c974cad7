import numpy as np
import pytest

from audiocoach import sound
from audiocoach.build import Options, render, timed_script
from audiocoach.cache import PhraseCache
from audiocoach.errors import CacheError
from audiocoach.loader import load_routine
from audiocoach.sound import Clips
from audiocoach.speech import Voice
from conftest import DATA

FAKE = Voice("fake")


def test_each_phrase_is_made_once(tmp_path):
    cache = PhraseCache(FAKE, tmp_path)
    first = cache.clips(["one", "two", "one"])
    again = PhraseCache(FAKE, tmp_path)
    second = again.clips(["one", "two"])
    assert cache.synthesized == 2 and again.synthesized == 0
    assert all(np.array_equal(first[k], second[k]) for k in first)


def test_the_key_includes_engine_voice_rate_and_language(tmp_path):
    a = PhraseCache(Voice("fake", rate=165), tmp_path)
    b = PhraseCache(Voice("fake", rate=200), tmp_path)
    c = PhraseCache(Voice("fake", rate=165, language="nl"), tmp_path)
    d = PhraseCache(Voice("fake", voice="fail", rate=165), tmp_path)
    assert len({cache.path("go") for cache in (a, b, c, d)}) == 4


def test_damaged_entries_are_made_again(tmp_path):
    cache = PhraseCache(FAKE, tmp_path)
    good = cache.clips(["truncated", "garbage", "empty"])
    paths = {t: cache.path(t) for t in good}
    data = paths["truncated"].read_bytes()
    paths["truncated"].write_bytes(data[: len(data) // 2])
    paths["garbage"].write_bytes(b"not a wav file at all")
    paths["empty"].write_bytes(b"")
    again = PhraseCache(FAKE, tmp_path)
    healed = again.clips(good)
    assert again.synthesized == 3
    assert all(np.array_equal(healed[t], good[t]) for t in good)


def test_the_clip_kept_first_is_the_one_every_render_uses(tmp_path):
    """Two processes making one phrase at once may make different clips of it (eSpeak NG's
    samples depend on what its process said before): the one kept first wins, and the
    second process uses it too, so one run never mixes two clips of a phrase."""
    first, second = PhraseCache(FAKE, tmp_path), PhraseCache(FAKE, tmp_path)
    ours = np.arange(100, dtype=np.int16)
    theirs = np.full(100, 7, dtype=np.int16)
    assert np.array_equal(first._keep("go", ours), ours)
    assert np.array_equal(second._keep("go", theirs), ours)
    assert np.array_equal(PhraseCache(FAKE, tmp_path).get("go"), ours)
    first.path("go").write_bytes(b"damaged")  # a damaged entry is no winner: replaced
    assert np.array_equal(second._keep("go", theirs), theirs)
    assert np.array_equal(PhraseCache(FAKE, tmp_path).get("go"), theirs)
    assert not list(tmp_path.rglob("*.part"))


def test_no_temporary_files_are_left(tmp_path):
    PhraseCache(FAKE, tmp_path).clips([f"phrase {i}" for i in range(40)])
    assert not list(tmp_path.rglob("*.part"))


def test_one_changed_cue_synthesizes_only_that_phrase(tmp_path, routine_copy):
    path = routine_copy("short.yaml")
    options = Options(voice=FAKE)
    timed_script(load_routine(path), options, PhraseCache(FAKE, tmp_path / "c"))
    path.write_text(path.read_text().replace("inhale, arch into cow", "inhale, lift into cow"))
    cache = PhraseCache(FAKE, tmp_path / "c")
    timed_script(load_routine(path), options, cache)
    assert cache.synthesized == 1


def test_parallel_synthesis_with_the_real_engine(tmp_path):
    cache = PhraseCache(Voice("pyttsx3"), tmp_path, workers=2, min_per_worker=10)
    clips = cache.clips([f"number {i}" for i in range(40)])
    assert len(clips) == 40 and all(len(c) > 1000 for c in clips.values())


def test_clips_keep_the_recent_few_and_read_the_others_again():
    """A render holds a few MiB of clips, not every phrase of a program: the others are read
    again from the cache when the mixer needs them."""
    store = {f"p{i}": np.full(1000, i, dtype=np.int16) for i in range(10)}
    reads = []

    def read(text):
        reads.append(text)
        return store[text]
    clips = Clips(read, keep=3 * 2000)  # three clips' bytes
    for text, clip in store.items():
        clips.add(text, clip, stored=True)
    clips.add("not kept by the cache", np.ones(5, dtype=np.int16))  # held whole
    assert len(clips) == 11 and clips.length("p0") == 1000 and not reads
    assert all(np.array_equal(clips[t], store[t]) for t in ("p9", "p8", "p7")) and not reads
    assert np.array_equal(clips["p0"], store["p0"]) and reads == ["p0"]
    assert np.array_equal(clips["not kept by the cache"], np.ones(5)) and reads == ["p0"]
    assert np.array_equal(clips["p7"], store["p7"]) and reads == ["p0"]  # still recent
    assert np.array_equal(clips["p8"], store["p8"]) and reads == ["p0"]
    assert np.array_equal(clips["p9"], store["p9"]) and reads == ["p0", "p9"]  # p0 pushed it out


@pytest.mark.parametrize("again", [None, np.zeros(999, dtype=np.int16)])
def test_a_clip_gone_or_changed_in_the_cache_is_an_error(again):
    clips = Clips(lambda text: again, keep=0)
    clips.add("a", np.zeros(1000, dtype=np.int16), stored=True)
    clips.add("b", np.zeros(1000, dtype=np.int16), stored=True)  # pushes "a" out
    with pytest.raises(CacheError, match="'a' was removed or changed during the render"):
        clips["a"]


def test_a_render_reading_every_clip_again_writes_the_same_bytes(tmp_path, monkeypatch):
    options = Options(voice=FAKE, cache=tmp_path / "c")
    kept = render(DATA / "short.yaml", tmp_path / "kept", options).mp3.read_bytes()
    monkeypatch.setattr(sound, "KEEP_BYTES", 0)
    reads = []
    real = PhraseCache.get
    monkeypatch.setattr(PhraseCache, "get", lambda self, text: reads.append(text) or
                        real(self, text))
    rendered = render(DATA / "short.yaml", tmp_path / "read", options)
    assert rendered.mp3.read_bytes() == kept
    assert len(reads) > 2 * len(rendered.script.phrases())  # read for timing, then again
