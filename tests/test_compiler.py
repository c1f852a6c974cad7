import json
from itertools import pairwise

import pytest
from num2words import num2words

from audiocoach.compiler import compile_routine, estimate_seconds
from audiocoach.loader import load_routine, parse_routine
from audiocoach.model import LEVELS, Range
from audiocoach.script import Script, cue_sheet
from conftest import ROOT, ROUTINES


def test_seed_004_gives_450_counted_reps_and_an_easier_level():
    routine = load_routine(ROOT / "routines" / "side-lying-hip-series.yaml")
    for level in LEVELS:
        script = compile_routine(routine, level)
        counts = [e for e in script.events
                  if e.rep is not None and e.phase not in ("hold", "form", "side")
                  and e.text in (num2words(e.rep), f"rep {num2words(e.rep)}", "last one")]
        reps = 8 if level == "easy" else 15  # "do what you can and build up" to 15
        # rep one starts on "go"; every other rep is counted, the last as "last one"
        assert len(counts) == 5 * (reps - 1) * 3 * 2
        assert [e.text for e in counts].count("last one") == 5 * 3 * 2
        assert len(script.chapters) == 5 * 3 * 2 and len([e for e in script.events
                                                           if e.text == "go"]) == 5 * 3 * 2
        assert len({e.exercise for e in counts}) == 5


@pytest.mark.parametrize("text,level,expected", [
    ("8-12", "easy", 8), ("8-12", "medium", 10), ("8-12", "hard", 12),
    ("2-3", "medium", 2), ("4-8", "medium", 6), ("15", "hard", 15),
])
def test_ranges_resolve_by_level(text, level, expected):
    routine = parse_routine(f"title: t\nexercises:\n  - exercise: a\n    reps: {text}\n")
    script = compile_routine(routine, level)
    assert max(e.rep for e in script.events if e.rep) == expected


def test_medium_keeps_fractional_seconds():
    assert Range(1.5, 1.5).pick("medium") == 1.5
    assert Range(2, 3).count("medium") == 2


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
@pytest.mark.parametrize("level", LEVELS)
def test_speech_never_overlaps_and_events_are_sorted(path, level):
    script = compile_routine(load_routine(path), level)
    starts = [e.start_ms for e in script.events]
    assert starts == sorted(starts)
    for a, b in pairwise(script.events):
        assert a.end_ms <= b.start_ms, (a, b)
    assert script.events[-1].end_ms <= script.duration_ms


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_chapters_cover_the_workout_one_per_exercise_occurrence(path):
    routine = load_routine(path)
    script = compile_routine(routine)
    chapters = script.chapters
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == script.duration_ms
    for a, b in pairwise(chapters):
        assert a.end_ms == b.start_ms and a.start_ms < a.end_ms
    names = {e.name for e in routine.exercises()}
    assert {c.title.split(" · ")[0] for c in chapters} == names


def test_what_it_says():
    routine = parse_routine("""
title: Says
exercises:
  - exercise: Bridge
    sets: 2
    reps: 3
    hold: 5s
    rest: 30s
  - exercise: Bird dog
    reps: 2
    sides: alternate
  - exercise: Clam
    reps: 2
    sides: both
""")
    texts = [e.text for e in compile_routine(routine).events if e.kind == "speech"]
    joined = " | ".join(texts)
    assert "three | two | one | go" in joined
    assert "hold | two | three | four | five" in joined
    assert "last set: three reps, holding five seconds" in texts
    assert "and rest, thirty seconds | Bird dog" in joined
    assert "now the other side: right side" in texts
    assert "one | left side" in joined and "right side" in texts
    assert "last one" in texts


def test_breaths_during_a_hold_are_spoken_with_phases():
    routine = parse_routine("title: B\nexercises:\n  - exercise: Bridge\n    reps: 1\n"
                            "    breaths: 3\n")
    events = compile_routine(routine).events
    ins = [e for e in events if e.phase == "inhale"]
    outs = [e for e in events if e.phase == "exhale"]
    assert len(ins) == 3 and len(outs) == 3


def test_a_long_cue_grows_its_slot_and_warns():
    routine = parse_routine("title: W\nexercises:\n  - exercise: Cat\n    reps: 2\n    tempo:\n"
                            "      - inhale: {seconds: 1, say: 'inhale slowly and fully as you "
                            "arch your back into cow pose'}\n")
    script = compile_routine(routine)
    assert script.warnings
    for a, b in pairwise(script.events):
        assert a.end_ms <= b.start_ms


def test_durations_come_from_the_function_given():
    routine = load_routine(ROUTINES[0])
    slow = compile_routine(routine, "medium", lambda t: estimate_seconds(t) * 2)
    fast = compile_routine(routine, "medium", estimate_seconds)
    assert slow.duration_ms > fast.duration_ms


def test_json_contract_round_trips():
    script = compile_routine(load_routine(ROUTINES[0]))
    data = json.loads(script.to_json())
    assert set(data) == {"title", "source", "level", "language", "duration", "chapters",
                         "events"}
    assert set(data["events"][0]) == {"start", "end", "kind", "text", "tone", "exercise", "set",
                                      "side", "rep", "phase"}
    assert Script.from_json(script.to_json()) == script


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_golden_scripts(path):
    """Regenerate with scripts/regen-golden; a diff here is a decision to review."""
    golden = ROOT / "tests" / "golden" / f"{path.stem}.medium.txt"
    assert cue_sheet(compile_routine(load_routine(path))) == golden.read_text()
    levels = json.loads((ROOT / "tests" / "golden" / "levels.json").read_text())[path.stem]
    for level in LEVELS:
        script = compile_routine(load_routine(path), level)
        assert levels[level] == {"duration": script.duration, "events": len(script.events),
                                 "chapters": len(script.chapters)}


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_seed_routines_name_their_source(path):
    routine = load_routine(path)
    assert routine.source
    if routine.source.endswith(".txt"):
        assert routine.source[:3] in {"000", "001", "002", "003", "004"}


def test_coaching_levels_from_the_same_routine():
    routine = parse_routine("""
title: C
exercises:
  - exercise: Bridge
    sets: 3
    reps: 6
    setup: [Lie on your back.]
    cues: [Squeeze your glutes., Keep your ribs down.]
""")
    said = {c: [e.text for e in compile_routine(routine, coaching=c).events]
            for c in ("standard", "full", "brief")}
    assert said["standard"].count("Lie on your back.") == 1
    assert said["standard"].count("Squeeze your glutes.") == 1
    assert said["full"].count("Lie on your back.") == 3
    assert said["full"].count("Keep your ribs down.") == 3
    assert "Lie on your back." not in said["brief"]
    assert said["brief"].count("Squeeze your glutes.") == 1
    assert "Keep your ribs down." not in said["brief"]
    counts = lambda texts: [t for t in texts if t in ("one", "six")]  # noqa: E731
    assert counts(said["brief"]) == counts(said["full"]) == counts(said["standard"])


def _authored(routine) -> set[str]:
    """Every text the routine's author wrote that the coach may say as it is."""
    out = {routine.title, routine.safety, routine.reminder}

    def walk(items):
        for item in items:
            if hasattr(item, "items"):
                out.add(item.title)
                walk(item.items)
            else:
                out.update((item.name, *item.setup, *item.cues))
                out.update(text for p in item.tempo for text in (p.name, p.say))

    walk(routine.items)
    return out


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_every_built_in_word_comes_from_the_phrase_table(path, monkeypatch):
    """A second table with the same keys changes every word the coach says or writes on its
    own: with each entry of the table marked, every phrase and chapter title is the
    author's own text, a count, or marked."""
    from audiocoach import compiler, loader, phrases

    def mark(value):
        return tuple(f"«{v}»" for v in value) if isinstance(value, tuple) else f"«{value}»"

    english = phrases.catalog("en")
    marked = phrases.Catalog(english.language, {k: mark(v) for k, v in phrases.EN.items()},
                             english.grammar)
    for module in (compiler, loader):
        monkeypatch.setattr(module, "catalog", lambda tag: marked)
    routine = load_routine(path)
    authored = _authored(routine) | {num2words(n) for n in range(1000)}
    for coaching in ("standard", "full", "brief"):
        script = compile_routine(routine, coaching=coaching)
        texts = [e.text for e in script.events if e.kind == "speech"]
        texts += [c.title for c in script.chapters]
        unmarked = {t for t in texts if t not in authored and "«" not in t}
        assert not unmarked, unmarked
