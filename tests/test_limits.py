"""Limits are enforced before the work: `check` and `render` bound what a routine can say
with `upper_seconds`, so that what `check` accepts always renders, and a routine over the
limits is refused before any speech is made."""

import pytest
from click.testing import CliRunner

from audiocoach.build import Options, timed_script
from audiocoach.cache import PhraseCache
from audiocoach.cli import main
from audiocoach.compiler import MAX_DURATION_S, check_limits, compile_routine, upper_seconds
from audiocoach.errors import RoutineError
from audiocoach.loader import load_routine, parse_routine
from audiocoach.model import LEVELS
from conftest import ROUTINES


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_the_bound_is_above_the_real_voice(path, real_cache):
    """Every phrase of every shipped routine, spoken by the default voice, is shorter than
    its bound, and so is the whole routine."""
    routine = load_routine(path)
    options = Options(cache=real_cache)
    script, clips = timed_script(routine, options, PhraseCache(options.voice, real_cache))
    for text, clip in clips.items():
        assert len(clip) / 44100 < upper_seconds(text), text
    assert script.duration_ms <= check_limits(routine).duration_ms


def _many_long_cues(n: int) -> str:
    cues = "\n".join(f"      - Cue number {i} " + "and a long stretch of words " * 12
                     for i in range(n))
    return f"title: Talk\nexercises:\n  - exercise: Plank\n    time: 30s\n    cues:\n{cues}\n"


def test_a_routine_of_hours_of_distinct_talk_is_refused_before_any_speech(tmp_path,
                                                                          monkeypatch):
    path = tmp_path / "talk.yaml"
    path.write_text(_many_long_cues(150))  # about 85 minutes of cues, each said once
    made = []
    monkeypatch.setattr(PhraseCache, "clips", lambda self, *a, **k: made.append(1) or {})
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "minutes of different things to say" in result.output
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out"),
                                       "--engine", "fake", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2 and not made
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_check_is_conservative_near_four_hours():
    """A routine just under four hours by the plain estimate may be over once spoken: the
    bound refuses it, so render never refuses what check accepted."""
    text = ("title: Long\nexercises:\n  - exercise: Long talk\n    sets: 20\n    reps: 150\n"
            "    rest: 0\n    tempo:\n      - lift: 2\n      - lower: 1.5\n")
    routine = parse_routine(text)
    plain = compile_routine(routine, "hard")
    assert plain.duration_ms < MAX_DURATION_S * 1000
    with pytest.raises(RoutineError):
        check_limits(routine, "hard")


@pytest.mark.parametrize("level", LEVELS)
def test_the_shipped_routines_are_well_within_the_bounds(level):
    for path in ROUTINES:
        assert check_limits(load_routine(path), level, "full").duration_ms < \
            MAX_DURATION_S * 1000 / 2
