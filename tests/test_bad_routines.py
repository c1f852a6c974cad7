"""Bad routine files: every one is refused with a RoutineError that says where and what.

The corpus is `tests/data/bad/NN-short-name.yaml`: each file is one small, realistic mistake
(72-three-mistakes.yaml has three). The expected message is kept here, in EXPECTED, not in
the YAML, so the files stay what a user would really write.

Known loader/compiler bugs are written as the behaviour we expect and marked
`xfail(strict=True)`: when one is fixed, its test passes, the strict mark fails the run, and
the mark is to be removed.
"""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import pytest

from audiocoach.compiler import compile_routine, estimate_seconds
from audiocoach.errors import Problem, RoutineError
from audiocoach.format import LIMITS, MAX_FILE_BYTES, MAX_TEXT, ROUTINE_KEYS
from audiocoach.loader import load_routine, parse_routine
from audiocoach.model import LEVELS

BAD = Path(__file__).resolve().parent / "data" / "bad"
HELP = "expected seconds such as 30"  # the start of format.SECONDS_HELP
WHOLE = "expected a whole number such as 12"

# file -> (line, column or None (not checked), a substring of the message)
EXPECTED: dict[str, tuple[int | None, int | None, str]] = {
    # YAML syntax
    "01-yaml-unclosed-bracket.yaml": (3, 10, "not valid YAML: expected ',' or ']'"),
    "02-yaml-unclosed-quote.yaml": (5, 1, "not valid YAML: found unexpected end of stream"),
    "03-yaml-colon-in-title.yaml": (1, 12, "mapping values are not allowed here"),
    "04-tab-indent.yaml": (5, 1, "indent with spaces, not tabs"),
    "05-indent-too-deep.yaml": (6, 11, "check the indentation of this line and the one above"),
    "06-indent-too-shallow.yaml": (6, 4, "check the indentation of this line and the one above"),
    "53-two-documents.yaml": (5, 1, "but found another document"),
    # a list where a mapping belongs, and the other way round
    "07-exercises-mapping-not-list.yaml": (4, 3, "expected a list of exercises (lines starting "
                                                 "with '- '), got a mapping"),
    "08-entry-is-a-list.yaml": (4, 5, "expected an exercise as a mapping of keys, got a list"),
    "09-rest-list-not-mapping.yaml": (7, 11, "expected rests (rep, set, side, exercise, breath) "
                                             "as a mapping of keys, got a list"),
    "10-tempo-mapping-not-list.yaml": (6, 12, "expected a tempo: a list of phases"),
    "55-setup-mapping.yaml": (6, 7, "expected text, got a mapping"),
    "61-section-rest-mapping.yaml": (6, 11, f"{HELP}"),
    # not a routine at all
    "11-not-utf8.yaml": (6, None, "is not UTF-8 text"),
    "12-empty.yaml": (None, None, "file is empty"),
    "13-only-comments.yaml": (None, None, "file is empty"),
    "14-just-a-string.yaml": (1, 1, "expected a routine (title, exercises, ...) as a mapping "
                                    "of keys, got the text 'Glute bridges, 3 sets of 10'"),
    "15-just-a-number.yaml": (1, 1, "as a mapping of keys, got int 42"),
    # keys
    "16-unknown-key-exercise.yaml": (6, 5, "unknown key 'rep' in an exercise; "
                                           "did you mean 'reps'?"),
    "17-unknown-key-routine.yaml": (2, 1, "unknown key 'equipement' in a routine (title, "
                                          "exercises, ...); did you mean 'equipment'?"),
    "18-unknown-key-section.yaml": (5, 5, "unknown key 'round' in a section; "
                                          "did you mean 'rounds'?"),
    "49-rest-unknown-key.yaml": (7, 12, "unknown key 'sets' in rests (rep, set, side, "
                                        "exercise, breath); did you mean 'set'?"),
    "45-tempo-phase-unknown-key.yaml": (7, 28, "unknown key 'cue' in the phase 'lift'"),
    "51-defaults-unknown-key.yaml": (4, 3, "unknown key 'hold' in defaults"),
    "19-duplicate-key.yaml": (7, 5, "duplicate key 'reps'; each key appears once"),
    # wrong types
    "20-title-is-a-list.yaml": (1, 8, "expected text, got a list"),
    "21-sets-yes.yaml": (5, 11, f"'sets': {WHOLE}, or a range such as 8-12; got bool yes"),
    "22-reps-fraction.yaml": (5, 11, f"'reps': {WHOLE}, or a range such as 8-12; "
                                     f"got float 12.5"),
    "58-empty-title.yaml": (1, 8, "expected text, got an empty value"),
    "62-exercises-null.yaml": (2, 11, "expected a list of exercises (lines starting with "
                                      "'- '), got nothing"),
    # what is missing
    "23-missing-title.yaml": (1, 1, "missing 'title' in a routine"),
    "24-missing-exercise-name.yaml": (6, 14, "expected text, got nothing"),
    "25-entry-with-neither.yaml": (6, 5, "this entry has neither"),
    "26-missing-exercises.yaml": (1, 1, "missing 'exercises' in a routine"),
    "27-empty-exercise-list.yaml": (2, 12, "the list of exercises is empty"),
    "36-no-work.yaml": (4, 5, "the exercise says nothing about the work; "
                              "expected 'reps', 'time' or 'hold'"),
    "54-exercise-and-section.yaml": (4, 5, "either an exercise or a section, not both"),
    "57-section-missing-exercises.yaml": (4, 5, "missing 'exercises' in a section"),
    # counts and ranges
    "28-zero-sets.yaml": (5, 11, "'sets' is 0; expected more than 0"),
    "29-negative-reps.yaml": (6, 11, "'reps' is -10; expected more than 0"),
    "52-rounds-zero.yaml": (5, 13, "'rounds' is 0; expected more than 0"),
    "60-breaths-zero.yaml": (5, 14, "'breaths' is 0; expected more than 0"),
    "30-range-upside-down.yaml": (5, 11, "the range 12-8 is upside down; write the low end "
                                         "first, such as 8-12"),
    "31-range-three-parts.yaml": (5, 11, "'8-10-12' has 3 parts, a range has two ends"),
    # durations
    "32-duration-in-words.yaml": (5, 11, f"{HELP}, 30s, 45 sec, 2 min, 1m30s or 1:30; "
                                         f"got 'five'"),
    "33-duration-in-hours.yaml": (5, 11, "got '5 hours'"),
    "34-duration-5x.yaml": (6, 11, "got '5x'"),
    "59-rest-sentence.yaml": (7, 11, "got '30 seconds between sets'"),
    "56-rest-negative.yaml": (7, 11, "'rest' is -30; expected more than 0"),
    "35-reps-and-time.yaml": (6, 11, "an exercise has either reps or time, not both"),
    # over the limits
    "37-sets-10000.yaml": (5, 11, f"'sets' is 10000; at most {LIMITS['sets']} is allowed"),
    "38-hold-24-hours.yaml": (5, 11, f"'hold' is 86400; at most {LIMITS['hold']} is allowed"),
    "63-rounds-too-many.yaml": (5, 13, f"'rounds' is 50; at most {LIMITS['rounds']}"),
    "39-cue-too-long.yaml": (7, 9, f"text is 486 characters; a cue is at most {MAX_TEXT}"),
    # anchors and aliases
    "40-anchor-alias.yaml": (6, 12, "YAML anchors and aliases (&, *) are not supported"),
    "41-billion-laughs.yaml": (1, 8, "YAML anchors and aliases (&, *) are not supported"),
    # tempo
    "42-tempo-phase-zero.yaml": (7, 15, "'phase' is 0; expected more than 0"),
    "43-tempo-phase-no-seconds.yaml": (7, 15, "the phase 'lift' needs 'seconds' or 'breaths'"),
    "44-tempo-two-phases-in-one.yaml": (7, 9, "expected one phase as 'name: seconds'"),
    "46-tempo-bare-names.yaml": (6, 13, "expected one phase as 'name: seconds' or 'name: "
                                        "{seconds: 2, say: ...}', got the text 'lift'"),
    # choices
    "47-sides-each.yaml": (6, 12, "got 'each'; expected one of: both, alternate, left, right"),
    "48-section-sides-alternate.yaml": (5, 12, "got 'alternate'; expected one of: both"),
    "50-count-loud.yaml": (6, 12, "got 'loud'; expected one of: aloud, silent"),
    # the file loads; the compiler refuses the total
    "64-over-four-hours.yaml": (None, None, "at level easy; at most 4 hours is allowed"),
    "65-rounds-repeat-too-often.yaml": (12, None, "the rounds repeat exercises more than "
                                                  "5000 times"),
    # several mistakes: the first of them (all three: test_every_mistake_is_reported_at_once)
    "72-three-mistakes.yaml": (4, 11, "'sets' is 0"),
    # bugs the corpus found, now fixed
    "66-unknown-tag.yaml": (5, 11, "!reps"),
    "67-int-tag-on-words.yaml": (5, 11, "three"),
    "68-list-as-key.yaml": (5, 5, "key"),
    "69-footnote-digit.yaml": (5, 11, "12²"),
    "70-time-nan.yaml": (5, 11, "nan"),
    "71-time-huge-number.yaml": (5, 11, f"at most {LIMITS['time']}"),
    # files a routine names: in its own folder only
    "73-cover-outside-folder.yaml": (2, 8, "cover image '../../../etc/shadow' goes up out of "
                                           "the routine's folder with '..'"),
    "74-music-absolute-path.yaml": (2, 8, "music file '/proc/self/environ' is an absolute path"),
    "75-cover-home-folder.yaml": (2, 8, "starts with '~'"),
    # text that cannot be written, or said
    "76-lone-surrogate.yaml": (5, 12, "lone surrogate (\\ud800)"),
    "77-cue-only-punctuation.yaml": (5, 12, "the text '...' has no letter or digit"),
    "78-cue-zero-width.yaml": (5, 12, "has no letter or digit"),
    "79-language-unknown.yaml": (2, 11, "language 'klingon': not a supported language; "
                                        "expected one of: en, en-GB, de, es, fr, it, pt-BR, nl"),
}


# Files whose one mistake gives more than one problem, and how many.
MULTI = {"16-unknown-key-exercise.yaml": 2,  # ... and so it "says nothing about the work"
         "46-tempo-bare-names.yaml": 2,  # both phases are wrong
         "68-list-as-key.yaml": 2,  # ... and so it "says nothing about the work"
         "72-three-mistakes.yaml": 3}

# One invalid value of reps/time/hold/breaths, reported twice (see the xfail test below).
CASCADE = ["22-reps-fraction.yaml", "29-negative-reps.yaml", "30-range-upside-down.yaml",
           "31-range-three-parts.yaml", "32-duration-in-words.yaml",
           "33-duration-in-hours.yaml", "38-hold-24-hours.yaml", "60-breaths-zero.yaml"]

COMPILE_REFUSED = ["64-over-four-hours.yaml", "65-rounds-repeat-too-often.yaml"]


def bug(reason: str):
    return pytest.mark.xfail(reason=f"loader bug: {reason}", strict=True)


def problems_of(path: Path) -> list[Problem]:
    """Load `path` and compile it at every level: the problems of the RoutineError raised."""
    with pytest.raises(RoutineError) as info:
        routine = load_routine(path)
        for level in LEVELS:
            compile_routine(routine, level)
    return info.value.problems


def shown(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def test_the_corpus_is_complete():
    files = sorted(p.name for p in BAD.iterdir())
    assert len(files) >= 45
    assert all(p.endswith(".yaml") for p in files)
    assert set(files) == set(EXPECTED), "every bad file has an expected message, and back"


@pytest.mark.parametrize("name,line,col,text", [
    pytest.param(name, *expected, id=name)
    for name, expected in sorted(EXPECTED.items())
])
def test_bad_file_is_refused_with_where_and_what(name, line, col, text):
    path = BAD / name
    problems = problems_of(path)
    assert problems
    for problem in problems:
        assert str(problem).startswith(f"{path}:"), str(problem)
        assert problem.path == str(path)
    matching = [p for p in problems if text in p.message]
    assert matching, f"no problem says {text!r}:\n{shown(problems)}"
    assert matching[0].line == line, shown(problems)
    if col is not None:
        assert matching[0].col == col, shown(problems)
    if name not in CASCADE:
        assert len(problems) == MULTI.get(name, 1), shown(problems)


def test_every_mistake_is_reported_at_once():
    path = BAD / "72-three-mistakes.yaml"
    problems = sorted(problems_of(path), key=lambda p: (p.line or 0, p.col or 0))
    assert [(p.line, p.col) for p in problems] == [(4, 11), (8, 12), (11, 12)], shown(problems)
    assert "'sets' is 0; expected more than 0" in problems[0].message
    assert "got 'each'; expected one of" in problems[1].message
    assert "unknown key 'sets' in rests" in problems[2].message
    assert "did you mean 'set'?" in problems[2].message


@pytest.mark.parametrize("name", COMPILE_REFUSED)
def test_compile_refusals_load_fine(name):
    """These two files are for the compiler: the loader itself accepts them."""
    load_routine(BAD / name)


@pytest.mark.parametrize("name", CASCADE)
def test_one_invalid_value_is_one_problem(name):
    problems = problems_of(BAD / name)
    assert len(problems) == 1, shown(problems)


# -- made in the test rather than stored ---------------------------------------------------

ROUTINE = "title: Morning back care\nexercises:\n  - exercise: Glute bridge\n    reps: 10\n"


def test_file_over_512_kb_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    padding = ("# " + "x" * 77 + "\n") * (MAX_FILE_BYTES // 80 + 1)
    path.write_text(ROUTINE + padding, encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    [problem] = problems_of(path)
    assert problem.line is None and problem.col is None
    assert f"a routine file is at most {MAX_FILE_BYTES} bytes" in problem.message
    assert str(problem).startswith(f"{path}: file is {path.stat().st_size} bytes")


def test_file_of_exactly_512_kb_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    data = ROUTINE.encode() + b"#" * (MAX_FILE_BYTES - len(ROUTINE) - 1) + b"\n"
    path.write_bytes(data)
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_routine(path).title == "Morning back care"


def test_missing_file_and_folder(tmp_path):
    for path, text in ((tmp_path / "nope.yaml", "no such file"),
                       (tmp_path, "is a folder, expected a routine file")):
        [problem] = problems_of(path)
        assert str(problem) == f"{path}: {text}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path):
    """Nobody writes the FIFO: opening it would wait forever, so it is never opened."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    [problem] = problems_of(path)
    assert str(problem) == (f"{path}: is not a regular file (a device, FIFO or socket), "
                            "expected a routine file")


def test_alias_bomb_is_refused():
    """A billion laughs, 10 levels deep: expanded, it would be 9**10 strings. The loader
    refuses anchors before building anything, so this returns at once."""
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijk"
    for prev, name in pairwise(names):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    data = "\n".join(levels) + "\ntitle: *k\nexercises: *k\n"
    with pytest.raises(RoutineError) as info:
        parse_routine(data.encode(), "bomb.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (1, 4)
    assert "anchors and aliases" in problem.message
    # the stored one, through the file path too
    with pytest.raises(RoutineError, match="anchors and aliases"):
        load_routine(BAD / "41-billion-laughs.yaml")


def test_alias_alone_is_refused():
    data = ROUTINE + "  - exercise: Bird dog\n    reps: *ten\n"
    with pytest.raises(RoutineError, match="anchors and aliases") as info:
        parse_routine(data, "alias.yaml")
    assert info.value.problems[0].line == 6


# -- at the limit is fine, one over is refused ---------------------------------------------

LIMIT_SNIPPETS = {
    "sets": "  - exercise: A\n    reps: 1\n    sets: {v}\n",
    "reps": "  - exercise: A\n    reps: {v}\n",
    "rounds": "  - section: S\n    rounds: {v}\n    exercises:\n      - exercise: A\n"
              "        reps: 1\n",
    "breaths": "  - exercise: A\n    breaths: {v}\n",
    "time": "  - exercise: A\n    time: {v}\n",
    "hold": "  - exercise: A\n    hold: {v}\n",
    "phase": "  - exercise: A\n    reps: 1\n    tempo: [lift: {v}]\n",
    "rest": "  - exercise: A\n    reps: 1\n    rest: {v}\n",
}


@pytest.mark.parametrize("key", sorted(LIMIT_SNIPPETS))
def test_limits(key):
    """Every limit of a routine's keys (LIMITS also holds those of programs)."""
    if key not in LIMITS:
        pytest.skip(f"LIMITS has no '{key}'")
    limit = LIMITS[key]
    head = "title: T\nexercises:\n"
    parse_routine(head + LIMIT_SNIPPETS[key].format(v=limit), "limit.yaml")
    with pytest.raises(RoutineError) as info:
        parse_routine(head + LIMIT_SNIPPETS[key].format(v=limit + 1), "limit.yaml")
    assert any(f"at most {limit} is allowed" in p.message for p in info.value.problems), \
        shown(info.value.problems)


def test_cue_of_exactly_max_text_is_fine():
    cue = "x" * MAX_TEXT
    parse_routine(ROUTINE + f"    cues: [{cue}]\n")
    with pytest.raises(RoutineError, match=f"a cue is at most {MAX_TEXT}"):
        parse_routine(ROUTINE + f"    cues: [{cue}x]\n")


# -- accepted variants: kept out of the bad corpus -----------------------------------------

GOOD_VARIANTS = {
    "quoted reps": ('    reps: "12"\n', lambda ex: (ex.reps.low, ex.reps.high) == (12, 12)),
    "quoted range": ("    reps: '8-12'\n", lambda ex: (ex.reps.low, ex.reps.high) == (8, 12)),
    "spaced range": ("    reps: 8 - 12\n", lambda ex: (ex.reps.low, ex.reps.high) == (8, 12)),
    "padded sets": ("    reps: 5\n    sets: ' 3 '\n", lambda ex: ex.sets.low == 3),
    "quoted seconds": ('    time: "30"\n', lambda ex: ex.time.low == 30),
    "seconds unit": ("    time: 45 sec\n", lambda ex: ex.time.low == 45),
    "minutes and seconds": ("    time: 1m30s\n", lambda ex: ex.time.low == 90),
    "clock": ("    time: '1:30'\n", lambda ex: ex.time.low == 90),
    "second range": ("    time: 20-40s\n", lambda ex: (ex.time.low, ex.time.high) == (20, 40)),
    "fraction of a minute": ("    time: 1.5 min\n", lambda ex: ex.time.low == 90),
    "rest zero": ("    reps: 5\n    rest: 0\n", lambda ex: ex.rests.set == 0),
    "rest mapping": ("    reps: 5\n    rest: {rep: 1, set: 45s, exercise: 1 min}\n",
                     lambda ex: (ex.rests.rep, ex.rests.set, ex.rests.exercise) == (1, 45, 60)),
    "silent phase": ("    reps: 5\n    tempo: [lift: {seconds: 2, say: ''}, lower: 2]\n",
                     lambda ex: ex.tempo[0].say is None),
    "breaths alone": ("    breaths: 3\n", lambda ex: ex.tempo[0].breaths.low == 3),
    "tempo alone": ("    tempo: [lift: 2, lower: 2]\n", lambda ex: len(ex.tempo) == 2),
}


@pytest.mark.parametrize("name", sorted(GOOD_VARIANTS))
def test_good_variants(name):
    snippet, check = GOOD_VARIANTS[name]
    routine = parse_routine("title: T\nexercises:\n  - exercise: A\n" + snippet, "good.yaml")
    assert check(routine.items[0])
    for level in LEVELS:
        assert compile_routine(routine, level).duration_ms > 0


def test_good_encodings():
    """A UTF-8 BOM and Windows line ends are fine."""
    for data in (b"\xef\xbb\xbf" + ROUTINE.encode(), ROUTINE.replace("\n", "\r\n").encode()):
        assert parse_routine(data).items[0].reps.low == 10


# -- known bugs, as the behaviour expected -------------------------------------------------

H = "title: T\nexercises:\n"


@pytest.mark.parametrize("data", [
    pytest.param("[" * 500 + "]" * 500, id="500 nested lists"),
    pytest.param(H[:-1] + " " + "[{section: S, exercises: " * 300 + "[{exercise: A, reps: 5}]"
                 + "}]" * 300 + "\n", id="300 nested sections"),
])
def test_deep_nesting_is_refused(data):
    with pytest.raises(RoutineError, match=r"deep\.yaml:[12]:\d+: nested more than 40 levels"):
        parse_routine(data, "deep.yaml")


@pytest.mark.parametrize("snippet", [
    pytest.param("  - exercise: A\n    time: .nan\n", id="time"),
    pytest.param("  - exercise: A\n    hold: .NaN\n", id="hold"),
    pytest.param("  - exercise: A\n    reps: 3\n    sets: 2\n    rest: .nan\n", id="rest"),
    pytest.param("  - exercise: A\n    reps: 3\n    tempo: [up: .nan]\n", id="phase"),
    pytest.param("  - exercise: A\n    breaths: 2\n    rest: {breath: .nan}\n", id="breath"),
    pytest.param("  - section: S\n    rounds: 2\n    rest: .nan\n    exercises:\n"
                 "      - exercise: A\n        reps: 3\n", id="section rest"),
])
def test_nan_seconds_are_refused(snippet):
    with pytest.raises(RoutineError, match="nan"):
        parse_routine(H + snippet, "nan.yaml")


@pytest.mark.parametrize("value", ["!!int three", "!!float half", "!!bool maybe",
                                   "!!timestamp monday", "!reps 10",
                                   "!!python/object:os.system 10"])
def test_tagged_values_are_refused(value):
    with pytest.raises(RoutineError) as info:
        parse_routine(H + f"  - exercise: A\n    reps: {value}\n", "tag.yaml")
    assert info.value.problems[0].line == 4


@pytest.mark.parametrize("snippet", [
    pytest.param("  - exercise: A\n    reps: " + "9" * 400 + "\n", id="reps 400 digits"),
    pytest.param("  - exercise: A\n    time: " + "9" * 400 + "\n", id="time 400 digits"),
    pytest.param("  - exercise: A\n    reps: " + "9" * 5000 + "\n", id="reps 5000 digits"),
    pytest.param("  - exercise: A\n    reps: '" + "9" * 5000 + "'\n", id="quoted 5000 digits"),
])
def test_huge_numbers_are_refused(snippet):
    with pytest.raises(RoutineError, match="at most"):
        parse_routine(H + snippet, "huge.yaml")


@pytest.mark.parametrize("snippet", [
    pytest.param("  - {exercise: A, reps: 5, [x]: 1}\n", id="exercise"),
    pytest.param("  - {section: S, {a: b}: 1, exercises: [{exercise: A, reps: 5}]}\n",
                 id="section"),
])
def test_non_text_keys_are_refused(snippet):
    with pytest.raises(RoutineError, match="key"):
        parse_routine(H + snippet, "key.yaml")


@pytest.mark.parametrize("value", ["'12²'", "'1-²'", "'³'"])
def test_superscript_digits_are_refused(value):
    with pytest.raises(RoutineError, match="expected a whole number"):
        parse_routine(H + f"  - exercise: A\n    reps: {value}\n", "digits.yaml")


class _TooMuchWork(Exception):
    pass


def test_absurd_total_is_refused_before_laying_out_every_cue():
    tempo = "".join(f"      - p{i}: {{seconds: 10, count: aloud}}\n" for i in range(20))
    routine = parse_routine(H + "  - exercise: A\n    sets: 20\n    reps: 200\n    tempo:\n"
                            + tempo, "bomb.yaml")
    calls = 0

    def durations(text: str) -> float:
        # Work measured in phrases timed, not in seconds: 100k phrases is far more than any
        # routine under 4 hours needs, so refusing this must not take more.
        nonlocal calls
        calls += 1
        if calls > 100_000:
            raise _TooMuchWork(f"{calls} phrases timed and still going")
        return estimate_seconds(text)

    with pytest.raises(RoutineError, match="at most 4 hours"):
        compile_routine(routine, "easy", durations)


@pytest.mark.parametrize("phase", [
    pytest.param("x" * (MAX_TEXT + 1) + ": 2", id="name over the cue limit"),
    pytest.param("[a]: 2", id="name is a list"),
    pytest.param("{a: 1}: 2", id="name is a mapping"),
])
def test_phase_names_are_checked_as_text(phase):
    with pytest.raises(RoutineError, match=r"ph\.yaml:5:\d+: (a phase's name is text|.*at most)"):
        parse_routine(H + f"  - exercise: A\n    reps: 5\n    tempo: [{phase}]\n", "ph.yaml")


def test_clock_time_as_reps_is_refused():
    with pytest.raises(RoutineError, match="'reps'"):
        parse_routine(H + "  - exercise: A\n    reps: 1:30\n", "clock.yaml")


def test_misspelt_exercise_key_gets_did_you_mean():
    with pytest.raises(RoutineError, match="did you mean 'exercise'"):
        parse_routine(H + "  - excercise: Glute bridge\n    reps: 10\n", "typo.yaml")


def test_size_limit_counts_bytes_for_text_input():
    data = "title: " + "é" * 300_000 + "\nexercises: []\n"
    assert len(data.encode()) > MAX_FILE_BYTES
    with pytest.raises(RoutineError) as info:
        parse_routine(data, "wide.yaml")
    assert any(f"at most {MAX_FILE_BYTES} bytes" in p.message for p in info.value.problems)


def test_control_character_has_a_line():
    with pytest.raises(RoutineError) as info:
        parse_routine("title: T\x00\nexercises:\n  - exercise: A\n    reps: 5\n", "nul.yaml")
    [problem] = info.value.problems
    assert problem.line == 1
    assert "\n" not in problem.message and "<unicode string>" not in problem.message


@pytest.mark.parametrize("key", ["music", "cover"])
def test_long_file_name_beside_the_routine_is_refused(key, tmp_path):
    if key not in ROUTINE_KEYS:
        pytest.skip(f"the loader has no '{key}' key")
    path = tmp_path / "long-name.yaml"
    path.write_text(ROUTINE + f"{key}: {'x' * 300}.mp3\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.line == 5
