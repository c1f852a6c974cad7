"""Fuzzing the loader and the compiler: whatever the input, the only error is RoutineError.

`check` runs parse_routine, then compile_routine at every level, on each input. Three sources
of input, each run by a default test (1500 examples) and a slow one (20000, `-m slow`):
- routine-shaped documents built from the format's own key tables, dumped with
  yaml.safe_dump: good routines (which load and compile), good routines with one place
  spoilt (a bad value of the key's kind, a key dropped or misspelt), and routines with bad
  values, missing and misspelt keys here and there; sections nested three deep;
- random text and bytes, some of it made of YAML's punctuation;
- the example routines in routines/, cut and spliced at random.

The bugs the corpus in test_bad_routines.py found are fixed, and their cases are tested
there one by one; NaN and 401-digit numbers are back among the fuzz inputs. Good counts stay
small so that good routines compile quickly.
"""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiocoach.compiler import compile_routine
from audiocoach.errors import RoutineError
from audiocoach.format import (
    BREATH_KEYS,
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    LIMITS,
    PHASE_KEYS,
    REST_KEYS,
    ROUTINE_KEYS,
    SECTION_KEYS,
    Key,
)
from audiocoach.loader import parse_routine
from audiocoach.model import LEVELS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "routines").glob("*.yaml"))]
NAME = "fuzz.yaml"

DEFAULT = settings(max_examples=1500, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(DEFAULT, max_examples=20000)


def check(data: str | bytes) -> None:
    """parse_routine, then compile_routine at every level: only RoutineError may come out,
    and it names the file and a line inside it."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    lines = 1 + sum(text.count(c) for c in "\n\r\x85\u2028\u2029")  # YAML's line breaks
    try:
        routine = parse_routine(data, NAME)
    except RoutineError as err:
        assert err.problems
        for problem in err.problems:
            assert str(problem).startswith(NAME)
            assert problem.message
            if problem.line is not None:
                assert 1 <= problem.line <= lines, str(problem)
        return
    assert routine.title and routine.items
    for level in LEVELS:
        try:
            script = compile_routine(routine, level)
        except RoutineError as err:
            assert err.problems and all(str(p).startswith(NAME) for p in err.problems)
        else:
            assert script.duration_ms > 0


# -- routine-shaped documents ---------------------------------------------------------------
# Two families of the same shapes: `routines(None)` has only good values, so its documents
# load and reach the compiler; `routines(BAD_IN)` has a bad value, a missing key or a
# misspelt one one time in BAD_IN. `one_mistake` takes a good document and spoils one place
# in it, which is what finds the values that get past the loader (such as NaN did).

BAD_IN = 16
_RANDOM = st.randoms(use_true_random=False)

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.just(10**30)
    | st.just(10**400) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
"""A value of any type, NaN and a 401-digit number among them."""

edges = st.sampled_from([0, -1, 21, 31, 201, 601, 1801, 3601, 10000, 10**25])
"""Just over a limit, or under 1."""
limits = st.sampled_from([20, 30, 200, 600, 1800, 3600])
"""Just at a limit: valid, and costly to compile when several meet, so only among the bad."""
units = st.sampled_from(["", "s", " s", "sec", "secs", "seconds", "m", "min", " minutes",
                         "h", " hours", "x", "ms", " reps", "S", "Min"])

_COUNTS = st.lists(st.integers(-2, 25) | edges, min_size=1, max_size=3)
_SEP = st.sampled_from(["-", " - ", "–", " to ", ",", "/"])
_BEFORE, _AFTER = st.sampled_from(["", " ", "-"]), st.sampled_from(["", " ", "-", " reps", "x"])
_KIND, _CLOCK, _PARTS = st.integers(0, 5), st.integers(0, 99), st.integers(2, 3)
_NUMBER = (st.integers(0, 90) | edges
           | st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2)))
_WORDS = st.sampled_from(["five", "half a minute", "", "-", ":", "1:", ":30", "1e3", "1.2.3",
                          ".5", "5.", "inf", "30 s each", "  45  "])


@st.composite
def count_text(draw) -> str:
    """'12', '8-12', '12-8', '8-10-12', ' 3 ', '12 reps', '-3', '8-', ..."""
    return draw(_BEFORE) + draw(_SEP).join(map(str, draw(_COUNTS))) + draw(_AFTER)


@st.composite
def seconds_text(draw) -> str:
    """'30', '30s', '2 min', '1m30s', '1:30', '5-10s', 'five', '5 hours', '5x', ..."""
    kind = draw(_KIND)

    def n():
        return draw(_NUMBER)
    if kind == 0:
        return f"{n()}{draw(units)}"
    if kind == 1:
        return f"{n()}{draw(units)}{n()}{draw(units)}"
    if kind == 2:
        return f"{draw(_CLOCK)}:{draw(_CLOCK):02d}"
    if kind == 3:
        return "-".join(f"{n()}{draw(units)}" for _ in range(draw(_PARTS)))
    if kind == 4:
        return f"{n()}-{n()}{draw(units)}"
    return draw(_WORDS)


good_count = (st.integers(1, 4) | st.integers(1, 3).map(lambda a: f"{a}-{a + 2}")
              | st.integers(1, 5).map(str))
specials = st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 1e-300, 1e300, 0.5,
                            2**53 + 1, True, None, "", "0", "-0"])
"""Numbers and near-numbers that checks with < and > are easily wrong about."""
bad_count = edges | limits | specials | count_text() | junk
good_seconds = (st.integers(1, 30) | st.floats(0.5, 20, allow_nan=False)
                | st.sampled_from(["30s", "45 sec", "1 min", "1m30s", "1:30", "5-10s", "0.5"]))
bad_seconds = edges | limits | specials | seconds_text() | st.floats(0, 0.01) | junk
name = st.builds(str.__add__, st.sampled_from(string.ascii_letters),
                 st.text(string.ascii_letters + " ,.'-", max_size=19))
bad_text = (st.text(max_size=5) | st.sampled_from(["x" * 400, "x" * 401, "   ", "a\nb"])
            | st.integers() | junk)
bad_value = bad_count | bad_seconds | bad_text | st.sampled_from(["each", "Both", "yes", ""])
"""Anything that may be wrong in one place."""

WORK = tuple(k for k in ("reps", "time", "hold", "breaths", "tempo") if k in EXERCISE_KEYS)
DEPTH = 3  # sections in sections; much deeper is a known bug (RecursionError)
# Files named beside the routine (music, cover): names over 255 bytes are a known bug
# (OSError: File name too long), so these stay short.
FILE_KEYS = {"music", "cover"} & set(ROUTINE_KEYS)


def _sayable(text: str) -> bool:
    """What the loader accepts as spoken text: at least one letter or digit."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def routines(bad_in: int | None) -> st.SearchStrategy:
    """Routine documents (as Python data) whose values are bad one time in `bad_in`."""
    rare = st.integers(0, (bad_in or 2) - 1).map(lambda i: bad_in is not None and i == bad_in - 1)
    # True one time in `bad_in`, never on 0: Hypothesis favours the simplest choice (0), and
    # the simplest document should be a good one.

    def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
        if bad_in is None:
            return good

        @st.composite
        def pick(draw):
            return draw(bad) if draw(rare) else draw(good)
        return pick()

    kinds = {
        "text": mostly(name | st.text(min_size=1, max_size=20).filter(_sayable), bad_text),
        "texts": mostly(name | st.lists(name, max_size=3), bad_text),
        "count": mostly(good_count, bad_count),
        "seconds": mostly(good_seconds, bad_seconds),
        "language": mostly(st.sampled_from(["en", "de", "pt-BR", "es-MX"]), bad_text),
    }

    def value_for(key: Key) -> st.SearchStrategy:
        if key.kind == "choice":
            return mostly(st.sampled_from(key.choices),
                          st.sampled_from(["each", "Both", "", "aloud ", "yes"]) | junk)
        return kinds.get(key.kind, junk)

    def mapping_of(table: dict[str, Key], extra: list[str], must: dict[str, st.SearchStrategy],
                   one_of: tuple[str, ...] = (), values: dict | None = None,
                   leave_out: tuple[str, ...] = ()) -> st.SearchStrategy:
        """The `must` keys (each left out one time in `bad_in`); one key of `one_of` (an
        exercise's work); up to three of the other keys of `table` but `leave_out`; a
        misspelt `extra` key now and then; in a random order now and then. `values`
        replaces the strategy of some keys."""
        strategies = {key: value_for(spec) for key, spec in table.items()}
        strategies.update(values or {})
        optional = sorted(k for k in strategies
                          if k not in must and k not in leave_out and k not in one_of)
        if bad_in is not None:
            optional += [k for k in one_of if k not in optional]
        some = st.lists(st.sampled_from(optional), max_size=3, unique=True) if optional \
            else st.just([])
        misspelt = mostly(st.just([]), st.lists(st.sampled_from(extra), max_size=1)) \
            if extra else st.just([])
        work = st.sampled_from(one_of or ("",))
        shuffle = st.integers(0, 3)

        @st.composite
        def build(draw):
            out = {}
            for key, strategy in must.items():
                if not draw(rare):
                    out[key] = draw(strategy)
            if one_of and not draw(rare):
                key = draw(work)
                out[key] = draw(strategies[key])
            for key in draw(some):
                out[key] = draw(strategies[key])
            for key in draw(misspelt):
                out[key] = draw(junk | good_count)
            if draw(shuffle) == 3:
                keys = list(out)
                draw(_RANDOM).shuffle(keys)
                out = {k: out[k] for k in keys}
            return out
        return build()

    kinds["rest"] = kinds["seconds"] | mapping_of(REST_KEYS, ["sets", "round"], {})
    phase = st.builds(lambda k, v: {k: v}, name | st.sampled_from(["lift", "lower", "hold"]),
                      kinds["seconds"]
                      | mapping_of(PHASE_KEYS, ["cue", "time"], {"seconds": kinds["seconds"]}))
    kinds["tempo"] = mostly(st.lists(mostly(phase, junk | st.builds(lambda a, b: {**a, **b},
                                                                    phase, phase)),
                                     min_size=1, max_size=3),
                            st.just([]) | junk)
    kinds["breath"] = mostly(mapping_of(BREATH_KEYS, ["inhale"], {"in": kinds["seconds"]}), junk)
    kinds["defaults"] = mostly(mapping_of(DEFAULTS_KEYS, ["hold", "set"], {}), junk)

    exercise = mapping_of(EXERCISE_KEYS, ["rep", "name", "Exercise"], {"exercise": name},
                          one_of=WORK)
    entries = mostly(st.lists(mostly(exercise, junk), min_size=1, max_size=2), st.just([]))
    for depth in range(DEPTH):
        section = mapping_of(SECTION_KEYS, ["round", "title"],
                             {"section": name, "exercises": entries},
                             values={"rounds": mostly(st.integers(1, 2) | st.just("1-3"),
                                                      bad_count)})
        entries = mostly(st.lists(mostly(exercise | section, junk), min_size=1,
                                  max_size=2 if depth < DEPTH - 1 else 4),
                         st.just([]) | junk)
    routine = mapping_of(ROUTINE_KEYS, ["titel", "exercise"],
                         {"title": kinds["text"], "exercises": entries},
                         values={k: mostly(name, st.text(max_size=30) | junk)
                                 for k in FILE_KEYS},
                         leave_out=tuple(FILE_KEYS) if bad_in is None else ())
    return mostly(routine, junk)


good_routines = routines(None)
mixed_routines = routines(BAD_IN)


def _places(value, out: list) -> list:
    """Every (container, key) in a document: the places one mistake can go."""
    if isinstance(value, dict):
        for key in value:
            out.append((value, key))
            _places(value[key], out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.append((value, i))
            _places(item, out)
    return out


KEYS_OF_KIND = {kind: {k for table in (ROUTINE_KEYS, EXERCISE_KEYS, SECTION_KEYS, REST_KEYS,
                                         PHASE_KEYS) for k, v in table.items() if v.kind == kind}
                for kind in ("count", "seconds")}
KEYS_OF_KIND["seconds"] |= {"rest", "lift", "lower", "hold"}  # phases are named, say, 'lift'


@st.composite
def one_mistake(draw) -> dict:
    """A good document with one place spoilt: mostly a value, with a bad value of its kind."""
    doc = draw(good_routines)
    places = _places(doc, [])
    leaves = [(c, k) for c, k in places if not isinstance(c[k], (dict, list))]
    container, key = draw(st.sampled_from(leaves if leaves and draw(st.integers(0, 3))
                                          else places))
    what = draw(st.sampled_from(["value", "value", "value", "drop", "misspell"]))
    if what == "value" or isinstance(container, list):
        if key in KEYS_OF_KIND["seconds"]:
            container[key] = draw(bad_seconds)
        elif key in KEYS_OF_KIND["count"]:
            container[key] = draw(bad_count)
        else:
            container[key] = draw(bad_value)
    elif what == "drop":
        del container[key]
    else:
        container[key[:-1] + draw(st.sampled_from(["", "s", "x", key[-1:] * 2]))] = \
            container.pop(key)
    return doc


@st.composite
def documents(draw) -> str:
    doc = draw(good_routines | one_mistake() | mixed_routines)
    flow = draw(st.sampled_from([False, None, True]))
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=flow,
                          allow_unicode=draw(st.booleans()), width=draw(st.integers(20, 200)))


def test_the_good_routines_are_good():
    """The all-good family must load, and mostly compile, or the fuzz tests only the loader.
    (Rounds in rounds in rounds may still go over the 4 hours a routine may last.)"""
    compiled = []

    @settings(max_examples=100, deadline=None, database=None)
    @given(good_routines)
    def good(doc):
        routine = parse_routine(yaml.safe_dump(doc, sort_keys=False), NAME)
        try:
            for level in LEVELS:
                compile_routine(routine, level)
        except RoutineError as err:
            assert "at most 4 hours" in str(err) or "too many" in str(err)
            compiled.append(False)
        else:
            compiled.append(True)
    good()
    assert sum(compiled) >= 0.8 * len(compiled)


def test_strategies_know_the_loader():
    """The strategies are built from the format's own tables: check the kinds they know."""
    assert set(LIMITS) >= {"sets", "reps", "rounds", "breaths", "time", "hold", "phase", "rest"}
    kinds = {k.kind for t in (ROUTINE_KEYS, EXERCISE_KEYS, SECTION_KEYS, REST_KEYS, PHASE_KEYS,
                              DEFAULTS_KEYS) for k in t.values()}
    assert kinds <= {"text", "texts", "count", "seconds", "choice", "items", "tempo", "rest",
                     "defaults", "breath", "language"}


@DEFAULT
@given(documents())
def test_fuzz_routine_documents(data):
    check(data)


# -- random text and bytes --------------------------------------------------------------------

yamlish = st.lists(st.sampled_from(
    [*(string.ascii_lowercase[:6] + string.digits + " \n\t:-[]{},#'\"&*|>?%@`.~"),
     "title", "exercises", "exercise", "reps", "section", ": ", "\n  - ", "\n    "]),
    max_size=60).map("".join)
raw = st.binary(max_size=200) | st.text(max_size=200) | yamlish


@DEFAULT
@given(raw)
def test_fuzz_random_text(data):
    check(data)


# -- the example routines, cut and spliced ----------------------------------------------------

SNIPPETS = ["", " ", "  ", "\t", "\n", "\n  - ", "- ", ": ", ":", "[", "]", "{", "}", ",", "#",
            "'", '"', "&a ", "*a", "|", ">", "~", "null", "yes", "0", "-1", "12-8", "8-10-12",
            "five", "5 hours", "5x", "10000", "1:30", "reps: 10", "time: 30s", "hold: 5",
            "sets: 20", "rounds: 3", "sides: both", "sides: alternate", "count: aloud",
            "tempo: [up: 2]", "rest: {set: 0}", "exercise: X", "section: S\n    exercises:",
            "\n---\n", "\ufeff", "\r\n", "é", "x" * 401]


@st.composite
def spliced(draw) -> str:
    text = draw(st.sampled_from(EXAMPLES))
    # the head of the file, so each example parses and compiles in a few milliseconds
    text = "\n".join(text.split("\n")[:draw(st.integers(15, 60))]) + "\n"
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 30))
        if draw(st.integers(0, 3)) == 0:  # move a line elsewhere
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines.pop(i))
            text = "\n".join(lines)
        else:
            text = text[:at] + draw(st.sampled_from(SNIPPETS)) + text[at + cut:]
    return text


@DEFAULT
@given(spliced())
def test_fuzz_spliced_examples(data):
    check(data)


# -- the long runs ----------------------------------------------------------------------------

def _selected(request) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("long fuzzing run: select it with -m slow")


@pytest.mark.slow
@pytest.mark.parametrize("source", ["documents", "random text", "spliced examples"])
def test_fuzz_slow(request, source):
    _selected(request)
    strategy = {"documents": documents(), "random text": raw,
                "spliced examples": spliced()}[source]
    SLOW(given(strategy)(check))()
