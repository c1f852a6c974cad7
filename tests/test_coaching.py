"""What the coach says, and when: one test per problem a patient hit in the shipped routines
(sides, setup time, the dose, form cues, talk, pauses, transitions, warnings, dose language).
Each runs on the compiler's script; the recogniser test is in test_recognition.py."""

import re
from itertools import pairwise

import pytest
from click.testing import CliRunner

from audiocoach.cli import main
from audiocoach.compiler import NAME_PAUSE_MS, PAUSE_MS, compile_routine
from audiocoach.loader import load_routine, parse_routine
from audiocoach.model import LEVELS
from audiocoach.phrases import words
from conftest import ROOT, ROUTINES

SEEDS = [p for p in ROUTINES if (load_routine(p).source or "")[:1].isdigit()]


def script_of(name: str, level: str = "medium", coaching: str = "standard"):
    return compile_routine(load_routine(ROOT / "routines" / name), level, coaching=coaching)


def speech(script):
    return [e for e in script.events if e.kind == "speech"]


def gos(script):
    return [i for i, e in enumerate(script.events) if e.text == "go"]


def gap_before(script, go: int):
    """The events of the gap before the `go` at index `go`: after the last tone."""
    events = script.events
    start = max((i for i in range(go) if events[i].kind == "tone"), default=-1) + 1
    return events[start:go], (events[start - 1].end_ms if start else 0)


# 1. "left side" means four things ---------------------------------------------------------

@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_no_shipped_routine_says_a_bare_left_side(path):
    said = {e.text for e in speech(compile_routine(load_routine(path)))}
    assert not {t for t in said if re.search(r"\b(left|right) side\b", t)
                and "lie on your" not in t}


def test_the_side_says_what_it_means():
    said = [e.text for e in speech(script_of("side-lying-hip-series.yaml"))]
    assert said.count("lie on your left side") == 1 and said.count("lie on your right side") == 1
    bird = [e.text for e in speech(script_of("band-hips-lower-back.yaml"))
            if e.exercise == "Bird dog" and e.phase == "side"]
    assert bird[:2] == ["left leg and right arm", "right leg and left arm"]
    flossing = [e.text for e in speech(script_of("mini-band-lower-back.yaml"))
                if e.exercise == "Lying single-leg flossing"]
    assert "left leg" in flossing and "now the other side: right leg" in flossing


# 2. setup comes too late -------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_setup_is_said_at_the_start_of_the_rest(path):
    script = compile_routine(load_routine(path))
    for go in gos(script):
        gap, began = gap_before(script, go)
        setup = [e for e in gap if e.phase == "setup"]
        if not setup:
            continue
        assert setup[0].start_ms - began <= 6000, setup[0]  # not held back to the end
        # the time it leaves is the whole rest or transition: at least READY quiet
        assert script.events[go].start_ms - setup[-1].end_ms >= 3000 + 3000


def test_a_band_to_tie_gets_its_transition():
    script = script_of("band-hamstrings-low-back.yaml")
    tie = next(e for e in script.events if e.text and "Tie the band" in e.text)
    go = next(e for e in script.events if e.text == "go" and e.start_ms > tie.start_ms)
    assert go.start_ms - tie.start_ms >= 20000


# 3. the rep total is never said -----------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("level", LEVELS)
def test_every_set_says_its_dose_and_its_last_rep(path, level):
    routine = load_routine(path)
    script = compile_routine(routine, level)
    for go in gos(script):
        gap, _ = gap_before(script, go)
        ex = next(e for e in script.events[go + 1:] if e.exercise).exercise
        exercise = next(x for x in routine.exercises() if x.name == ex)
        s = script.events[go].set
        reps = exercise.reps_in(s, level)
        dose = [e.text for e in gap if e.phase == "setup" and e.text and (
            f"{words(reps)} rep" in e.text or "hold for" in e.text or "seconds" in e.text)]
        assert dose, (ex, s, [e.text for e in gap])
        end = next(i for i in range(go, len(script.events))
                   if script.events[i].kind == "tone" and script.events[i].tone == "end")
        counts = [e.text for e in script.events[go:end] if e.rep == reps and e.phase != "form"]
        if reps > 1 and exercise.count_reps:
            assert "last one" in counts, (ex, s)


def test_easy_and_medium_sound_different():
    easy = {e.text for e in speech(script_of("band-hips-lower-back.yaml", "easy"))}
    medium = {e.text for e in speech(script_of("band-hips-lower-back.yaml", "medium"))}
    assert "set one of two: eight reps" in easy and "set one of two: ten reps" in medium


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_the_end_of_every_set_is_spoken(path):
    events = compile_routine(load_routine(path)).events
    for i, e in enumerate(events):
        if e.kind == "tone" and e.tone == "end":
            after = next(x for x in events[i + 1:] if x.kind == "speech")
            assert after.start_ms - e.end_ms <= 1000 and after.phase in ("rest", "end"), after


# 4. form cues replace the movement -----------------------------------------------------

MOVES = """
title: Form
exercises:
  - exercise: Superman
    reps: 6
    hold: {hold}
    {cues}
    tempo:
      - lift: {{seconds: 2, say: "lift arms and legs"}}
      - lower: 2
"""


@pytest.mark.parametrize("hold", [3, 5, 15])
def test_form_cues_never_replace_a_movement_cue(hold):
    cues = "cues: [Reach long through your fingers and toes., Keep your neck long.]"
    plain = compile_routine(parse_routine(MOVES.format(hold=hold, cues="")))
    coached = compile_routine(parse_routine(MOVES.format(hold=hold, cues=cues)))
    moves = lambda s: [(e.rep, e.text) for e in s.events  # noqa: E731
                       if e.rep and e.kind == "speech" and e.phase != "form"]
    assert moves(coached) == moves(plain)
    form = [e for e in coached.events if e.phase == "form"]
    assert len(form) == 2
    for a, b in pairwise(speech(coached)):
        assert b.start_ms - a.end_ms >= PAUSE_MS


def test_a_form_cue_goes_in_a_long_hold_without_moving_the_rep():
    plain = compile_routine(parse_routine(MOVES.format(hold=15, cues="")))
    coached = compile_routine(parse_routine(MOVES.format(hold=15, cues="cues: [Breathe.]")))
    assert coached.duration_ms == plain.duration_ms
    cue = next(e for e in coached.events if e.phase == "form")
    assert cue.rep == 1 and any(e.text == "and hold" and e.rep == 1 and e.start_ms < cue.start_ms
                                for e in coached.events)


# 5. too much talk ----------------------------------------------------------------------------

def speech_share(script) -> float:
    """Speech as a share of working time (from each "go" to its set's end tone)."""
    events, work, talk = script.events, 0, 0
    for go in gos(script):
        end = next(i for i in range(go, len(events))
                   if events[i].kind == "tone" and events[i].tone == "end")
        a, b = events[go].end_ms, events[end].start_ms
        work += b - a
        talk += sum(min(e.end_ms, b) - max(e.start_ms, a) for e in events[go + 1:end]
                    if e.kind == "speech")
    return talk / work


def spoken_ms(script) -> int:
    return sum(e.end_ms - e.start_ms for e in speech(script))


def test_less_talk_in_the_mini_band_routine_and_brief_is_brief():
    standard = script_of("mini-band-lower-back.yaml")
    brief = script_of("mini-band-lower-back.yaml", coaching="brief")
    assert speech_share(standard) <= 0.40
    assert spoken_ms(brief) <= 0.60 * spoken_ms(standard)


def test_long_phase_cues_are_said_on_the_first_reps_only():
    said = [e.text for e in speech(script_of("mini-band-lower-back.yaml"))]
    # reps 1 and 2 of each set on each side, the first time the exercise comes up
    assert said.count("exhale, raise the straight leg") == 2 * 2 * 2
    assert said.count("exhale") > 20


# 6. no pause between sentences -----------------------------------------------------------

@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
def test_a_pause_between_every_two_phrases_and_after_a_name(path):
    routine = load_routine(path)
    script = compile_routine(routine)
    names = {e.name for e in routine.exercises()} | {routine.title}
    said = speech(script)
    for a, b in pairwise(said):
        assert b.start_ms - a.end_ms >= PAUSE_MS, (a, b)
        if a.text in names and b.phase == "setup":
            assert b.start_ms - a.end_ms >= NAME_PAUSE_MS, (a, b)


# 7. tight transitions ----------------------------------------------------------------------

def test_all_sets_on_one_side_then_one_switch():
    said = [e for e in speech(script_of("band-hips-lower-back.yaml"))
            if e.exercise == "Side-lying clamshells"]
    switches = [e for e in said if e.text.startswith("now the other side")]
    assert len(switches) == 1
    sides = [e.side for e in said if e.rep]
    assert sides == sorted(sides)  # every left rep before every right rep


def test_rolling_over_gets_time():
    script = script_of("lower-back-hip-strength.yaml")
    switch = next(e for e in script.events if e.text and e.text.startswith("now the other"))
    go = next(e for e in script.events if e.text == "go" and e.start_ms > switch.start_ms)
    assert go.start_ms - switch.start_ms >= 15000


def test_held_reps_have_a_rest_between_them():
    events = [e for e in script_of("lower-back-hip-strength.yaml").events
              if e.exercise == "Superman" and e.rep]
    for rep in range(1, 10):
        last = max(e.end_ms for e in events if e.rep == rep and e.phase != "form")
        first = min(e.start_ms for e in events if e.rep == rep + 1 and e.phase != "form")
        assert first - last >= 3000


def test_a_routine_can_still_switch_every_set():
    routine = parse_routine("title: S\nexercises:\n  - exercise: Clam\n    sets: 2\n    reps: 2\n"
                            "    sides: both\n    side: leg\n    switch: every set\n")
    done = [(e.set, e.side) for e in compile_routine(routine).events if e.rep]
    assert list(dict.fromkeys(done)) == [(1, "left"), (1, "right"), (2, "left"), (2, "right")]


# 8. little warning ----------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_the_next_set_is_announced_early(path):
    script = compile_routine(load_routine(path))
    for go in gos(script):
        gap, began = gap_before(script, go)
        rest = script.events[go].start_ms - began
        line = next((e for e in gap if e.text and e.text.startswith(("set ", "last set"))), None)
        if line and rest >= 20000:
            assert script.events[go].start_ms - line.start_ms >= 0.6 * rest - 3000


@pytest.mark.parametrize("hold", [11, 15, 19, 45])
def test_long_holds_are_never_long_silences(hold):
    routine = parse_routine(f"title: H\nexercises:\n  - exercise: Plank\n    hold: {hold}\n")
    script = compile_routine(routine)
    go = next(e for e in script.events if e.text == "go")
    end = next(e for e in script.events if e.tone == "end")
    said = [e for e in speech(script) if go.start_ms <= e.start_ms < end.start_ms]
    marks = [e.text for e in said]
    assert any(m == "halfway" or m.endswith("seconds left") for m in marks)
    assert marks[-3:] == ["three", "two", "one"]
    for a, b in pairwise(said):
        assert b.start_ms - a.end_ms <= 10000
    assert next(e.text for e in script.events if e.start_ms > end.start_ms).startswith(
        ("and rest", "Workout complete"))


# 9. dose language the format couldn't say -------------------------------------------------

def test_a_descending_pyramid():
    routine = parse_routine("title: P\nexercises:\n  - exercise: Curl-up\n    reps: [5, 3, 1]\n"
                            "    hold: 10\n")
    script = compile_routine(routine)
    reps = {s: max(e.rep for e in script.events if e.set == s and e.rep) for s in (1, 2, 3)}
    assert reps == {1: 5, 2: 3, 3: 1}
    said = [e.text for e in speech(script)]
    assert "set one of three: five reps, holding ten seconds" in said
    assert "last set: one rep, holding ten seconds" in said


def test_a_breathing_drill_with_no_numbers_and_its_own_breath():
    routine = parse_routine("""
title: Breath
exercises:
  - exercise: Box breathing
    reps: 4
    count: none
    tempo:
      - inhale: {seconds: 4, say: "breathe in through your nose"}
      - hold: {seconds: 4, say: "hold"}
      - exhale: {seconds: 6, say: "breathe out slowly"}
  - exercise: Bridge
    reps: 1
    breaths: 2
    breath: {in: 4, hold: 2, out: 6}
""")
    script = compile_routine(routine)
    drill = [e.text for e in script.events if e.exercise == "Box breathing" and e.rep]
    assert not {"one", "two", "three", "four", "last one", "rep one"} & set(drill)
    starts = [e.start_ms for e in script.events if e.exercise == "Box breathing"
              and e.phase == "inhale"]
    assert {b - a for a, b in pairwise(starts)} == {14000}
    bridge = [e for e in script.events if e.exercise == "Bridge" and e.rep]
    ins = [e.start_ms for e in bridge if e.text == "breathe in"]
    outs = [e.start_ms for e in bridge if e.text == "and out"]
    assert [o - i for i, o in zip(ins, outs, strict=False)] == [6000, 6000]
    assert ins[1] - ins[0] == 12000


def test_a_fixed_dose_with_an_easier_level():
    routine = parse_routine("title: L\nexercises:\n  - exercise: Clam\n"
                            "    reps: {easy: 8, medium: 15}\n")
    reps = {lv: max(e.rep for e in compile_routine(routine, lv).events if e.rep)
            for lv in LEVELS}
    assert reps == {"easy": 8, "medium": 15, "hard": 15}


# safety, and check's warnings -------------------------------------------------------------

def test_the_stop_if_pain_rule_comes_back_before_each_new_exercise():
    script = script_of("lower-back-hip-strength.yaml")
    reminder = load_routine(ROOT / "routines" / "lower-back-hip-strength.yaml").reminder
    said = [e for e in speech(script) if e.text == reminder]
    assert [e.exercise for e in said] == ["Superman", "Bridge", "Side-lying leg lift"]


def test_check_warns_once_with_line_col_and_a_count(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("title: W\nexercises:\n  - exercise: Cat\n    reps: 6\n    tempo:\n"
                    "      - inhale: {seconds: 1, say: 'inhale slowly and fully as you arch "
                    "your back into cow pose'}\n  - exercise: Clam\n    reps: 2\n"
                    "    sides: both\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    grows = [ln for ln in lines if "inhale phase" in ln]
    assert len(grows) == 1 and grows[0].startswith(f"{path}:3:5: warning: Cat:")
    assert "2 times" in grows[0]  # the full cue on the first two reps; then "inhale" fits
    sides = [ln for ln in lines if "say what the side is" in ln]
    assert len(sides) == 1 and sides[0].startswith(f"{path}:7:5: warning: Clam:")
