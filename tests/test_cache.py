import numpy as np

from audiocoach.build import Options, timed_script
from audiocoach.cache import PhraseCache
from audiocoach.loader import load_routine
from audiocoach.speech import Voice

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
