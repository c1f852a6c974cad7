"""Render the seed routines with the real default voice and check, with a closed-grammar
speech recogniser (pocketsphinx, grammar mode; see listen.py), that the built-in cues are
heard: at least 95 % of them (weighted by how often each is said), and never "hold" for
"go" or "go" for "hold". Skipped when pocketsphinx is not installed."""

from pathlib import Path

import pytest

from audio import RATE, decode
from audiocoach.build import Options, render
from audiocoach.loader import load_routine
from conftest import ROUTINES

pytest.importorskip("pocketsphinx")
pytestmark = pytest.mark.recognition

import listen  # noqa: E402  (after the skip: it needs pocketsphinx to run)

SEEDS = [p for p in ROUTINES if (load_routine(p).source or "")[:1].isdigit()]
MIN_SCORE = 0.95


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, real_cache):
    """Each seed routine rendered once with the default engine and voice, decoded."""
    done = {}

    def get(path: Path):
        if path not in done:
            out = tmp_path_factory.mktemp(path.stem)
            result = render(path, out, Options(cache=real_cache))
            done[path] = result.script, decode(result.mp3), load_routine(path)
        return done[path]
    return get


def test_there_are_seed_routines():
    assert len(SEEDS) >= 3, SEEDS


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_built_in_cues_are_heard(path, rendered):
    script, audio, routine = rendered(path)
    listened = listen.listen(audio, RATE, script, routine, per_text=2)
    assert listened.counts, "no built-in cues found"
    assert listened.score >= MIN_SCORE, f"{path.stem}: {listened.report()}"
    crossed = listened.crossed("hold", "go")
    assert not crossed, f"{path.stem}: hold/go heard as each other: {crossed}"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_hold_and_go_are_never_heard_as_each_other(path, rendered):
    """Every cue with "hold" or "go" in it, the routine's own phase cues included."""
    script, audio, routine = rendered(path)
    listened = listen.listen_for(audio, RATE, script, routine, ("hold", "go"), per_text=2)
    crossed = listened.crossed("hold", "go")
    assert not crossed, f"{path.stem}: {crossed}\n{listened.report()}"
