"""The routine schema (`audiocoach schema`): draft-07 for editors, and it refuses what `check`
refuses wherever a schema can say so.

Read by two independent validators: jsonschema's Draft7Validator (over PyYAML), and the
check-jsonschema command (over ruamel.yaml) in each of its regex dialects, since editors use
ECMAScript regexes and Python uses `re`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import pytest
import yaml

from audiocoach import schema as S
from audiocoach.errors import RoutineError
from audiocoach.format import (
    BREATH_KEYS,
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    LIMITS,
    MAX_TEXT,
    PHASE_KEYS,
    REST_KEYS,
    ROUTINE_KEYS,
    SECTION_KEYS,
)
from audiocoach.loader import _leaves_folder, parse_routine
from audiocoach.yamldoc import Reader
from conftest import DATA, ROUTINES
from test_bad_routines import EXPECTED

SCHEMA = S.routine_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
BAD = DATA / "bad"

# The bad files a schema cannot refuse, and why. Every other file in the corpus is refused.
CANNOT = {
    **dict.fromkeys(["01-yaml-unclosed-bracket.yaml", "02-yaml-unclosed-quote.yaml",
                     "03-yaml-colon-in-title.yaml", "04-tab-indent.yaml",
                     "05-indent-too-deep.yaml", "06-indent-too-shallow.yaml",
                     "11-not-utf8.yaml", "53-two-documents.yaml", "66-unknown-tag.yaml",
                     "67-int-tag-on-words.yaml"],
                    "not YAML a reader can turn into data: the editor's YAML parser reports it"),
    "19-duplicate-key.yaml": "the YAML reader keeps one of the two values (PyYAML the last, "
                             "ruamel.yaml refuses the file) before a schema sees it",
    "40-anchor-alias.yaml": "the reader expands the alias; the data is a valid routine",
    "41-billion-laughs.yaml": "the reader expands the aliases: check-jsonschema runs out of "
                              "memory, jsonschema walks 9**9 items of PyYAML's shared lists",
    "30-range-upside-down.yaml": "a pattern can't compare the two numbers of '12-8'",
    "64-over-four-hours.yaml": "the total length is the compiler's sum over the whole routine",
    "65-rounds-repeat-too-often.yaml": "the product of nested rounds is the compiler's",
}
MUST_REFUSE = sorted(set(EXPECTED) - set(CANNOT))
PYYAML_CANNOT_READ = {name for name, why in CANNOT.items() if why.startswith("not YAML")}
LIST_AS_KEY = "68-list-as-key.yaml"  # PyYAML can't make a list a key; ruamel.yaml can


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def errors(instance) -> list[jsonschema.ValidationError]:
    return list(VALIDATOR.iter_errors(instance))


def routine(**exercise) -> dict:
    return {"title": "Test", "exercises": [{"exercise": "Bridge", **exercise}]}


# -- the schema itself -------------------------------------------------------------------------

def test_is_draft_07_without_newer_keywords():
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    newer = {"$defs", "prefixItems", "unevaluatedProperties", "unevaluatedItems",
             "dependentRequired", "dependentSchemas", "$anchor", "$dynamicRef",
             "$dynamicAnchor", "$recursiveRef", "minContains", "maxContains", "$vocabulary"}
    used = {key for node in walk(SCHEMA) for key in node}
    assert not used & newer
    for node in walk(SCHEMA):  # in draft-07 a $ref's siblings are ignored
        if "$ref" in node:
            assert set(node) == {"$ref"}, node
    refs = {node["$ref"] for node in walk(SCHEMA) if "$ref" in node}
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(SCHEMA["definitions"])


def test_keys_are_the_loaders_tables():
    defs = SCHEMA["definitions"]
    assert list(SCHEMA["properties"]) == list(ROUTINE_KEYS)
    assert list(defs["exercise"]["properties"]) == list(EXERCISE_KEYS)
    assert list(defs["entry"]["then"]["properties"]) == list(SECTION_KEYS)
    assert list(SCHEMA["properties"]["defaults"]["properties"]) == list(DEFAULTS_KEYS)
    rest = EXERCISE_KEYS["rest"]
    assert rest.kind == "rest"
    mapping = defs["exercise"]["properties"]["rest"]["then"]
    assert list(mapping["properties"]) == list(REST_KEYS)
    assert list(defs["exercise"]["properties"]["breath"]["properties"]) == list(BREATH_KEYS)
    phase = defs["tempo"]["items"]["additionalProperties"]["then"]
    assert list(phase["properties"]) == list(PHASE_KEYS)
    for name, key in EXERCISE_KEYS.items():
        assert defs["exercise"]["properties"][name]["description"] == key.doc


def test_limits_are_the_loaders():
    defs = SCHEMA["definitions"]
    for name in ("sets", "reps", "rounds", "breaths"):
        assert defs[f"count-{name}"]["else"]["maximum"] == LIMITS[name]
    for name in ("time", "hold"):
        assert defs[f"seconds-{name}"]["else"]["maximum"] == LIMITS[name]
    assert defs["seconds-rest-from-0"]["else"]["maximum"] == LIMITS["rest"]
    lengths = {node["maxLength"] for node in walk(SCHEMA) if "maxLength" in node}
    assert lengths == {MAX_TEXT}


# -- valid routines ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.name)
def test_every_shipped_routine_is_valid(path):
    assert errors(yaml.safe_load(path.read_text())) == []


NEW_FORMAT = [  # each is accepted by the loader too (checked below)
    routine(reps=[5, 3, 1]),
    routine(reps={"easy": 8, "medium": 15}),
    routine(reps="8-12", sets="2-3"),
    routine(time=["30s", "45s", "1 min"]),
    routine(hold=[{"easy": 5, "hard": 10}, 10]),
    routine(reps=10, sides="both", side="lying", switch="every set", transition="20s"),
    routine(breaths=5, breath={"in": 4, "hold": {"easy": 0, "hard": 2}, "out": 6},
            count="none"),
    routine(reps=10, tempo=[{"lift": 2}, {"hold": {"seconds": "5-10s", "say": None,
                                                   "count": "aloud"}}, {"lower": "2 sec"}]),
    routine(tempo=[{"breathe": {"breaths": 3, "say": ""}}]),
    routine(reps=10, rest={"rep": 0, "set": "1:30", "side": "10s", "exercise": "2 min",
                           "breath": {"easy": 5, "hard": 7}}),
    routine(reps=10, rest=45, setup="Lie down", cues=["Squeeze", 1]),
    {"title": "Test", "reminder": None, "safety": "Go gently", "exercises": [
        {"section": "Circuit", "rounds": 2, "rest": "1m30s", "sides": "both", "side": "leg",
         "exercises": [{"exercise": "Bridge", "reps": 10}]}]},
    {"title": "Test", "defaults": {"reps": 10, "sets": 2},  # the exercises inherit their reps
     "exercises": [{"exercise": "Bridge"},
                   {"section": "Circuit", "exercises": [{"exercise": "Bird dog"}]}]},
]


@pytest.mark.parametrize("data", NEW_FORMAT)
def test_the_new_forms_are_valid_to_both(data):
    parse_routine(json.dumps(data))  # JSON is YAML
    assert errors(data) == []


# -- the bad corpus ----------------------------------------------------------------------------

def test_the_corpus_is_the_one_this_file_knows():
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)
    assert set(CANNOT) <= set(EXPECTED)


def refused_by_jsonschema() -> list[str]:
    refused = []
    for name in sorted(EXPECTED):
        if name == "41-billion-laughs.yaml":
            continue
        if name in PYYAML_CANNOT_READ | {LIST_AS_KEY}:
            with pytest.raises((yaml.YAMLError, ValueError)):
                yaml.safe_load((BAD / name).read_bytes())
            continue
        if errors(yaml.safe_load((BAD / name).read_bytes())):
            refused.append(name)
    return refused


def test_the_schema_refuses_every_mistake_a_schema_can_express():
    assert refused_by_jsonschema() == [n for n in MUST_REFUSE if n != LIST_AS_KEY]
    assert len(MUST_REFUSE) == 63


def check_jsonschema(files: list[Path], variant: str, tmp_path: Path) -> dict:
    schema = tmp_path / "routine.schema.json"
    schema.write_text(json.dumps(SCHEMA))
    tool = Path(sys.executable).parent / "check-jsonschema"
    out = subprocess.run([tool, "--regex-variant", variant, "-o", "json", "--schemafile",
                          schema, *files], capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout)


@pytest.mark.parametrize("variant", ["default", "nonunicode", "python"])
def test_check_jsonschema_refuses_the_same_files(variant, tmp_path):
    # Left out, as they stop check-jsonschema itself: 41 (out of memory expanding the
    # aliases), 67 (ruamel.yaml raises on `!!int three`), and for the regress dialects 76 (a
    # lone surrogate can't be handed to Rust).
    crash = {"41-billion-laughs.yaml", "67-int-tag-on-words.yaml"}
    if variant != "python":
        crash.add("76-lone-surrogate.yaml")
    files = [BAD / name for name in sorted(EXPECTED) if name not in crash]
    report = check_jsonschema(files, variant, tmp_path)
    refused = {Path(e["filename"]).name for e in report["errors"]}
    unreadable = {Path(e["filename"]).name for e in report["parse_errors"]}
    assert unreadable == PYYAML_CANNOT_READ - crash | {"19-duplicate-key.yaml"}
    assert refused == set(MUST_REFUSE) - crash
    ok = check_jsonschema([*ROUTINES, DATA / "short.yaml"], variant, tmp_path)
    assert ok["status"] == "ok", ok


@pytest.mark.parametrize("name, words", [
    ("16-unknown-key-exercise.yaml", "'rep' was unexpected"),
    ("18-unknown-key-section.yaml", "'round' was unexpected"),
    ("25-entry-with-neither.yaml", "'name' was unexpected"),
    ("54-exercise-and-section.yaml", "'exercise', 'reps' were unexpected"),
    ("45-tempo-phase-unknown-key.yaml", "'cue' was unexpected"),
    ("47-sides-each.yaml", "'each' is not one of"),
])
def test_a_typo_is_reported_as_the_typo(name, words):
    found = errors(yaml.safe_load((BAD / name).read_text()))
    assert any(words in e.message for e in found), [e.message for e in found]
    assert words in jsonschema.exceptions.best_match(found).message


# -- the patterns agree with the loader ---------------------------------------------------------

def definition(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator({"definitions": SCHEMA["definitions"],
                                       "$ref": f"#/definitions/{name}"})


def test_upto_is_exact():
    for high in [*range(0, 130), 199, 200, 201, 600, 999, 1000, 1800, 3600, 10000]:
        for low in (0, 1) if high else (0,):
            pattern = re.compile(S.upto(high, low))
            got = [n for n in range(0, high * 2 + 20) if pattern.fullmatch(str(n))]
            assert got == list(range(low, high + 1)), (high, low)


@pytest.mark.parametrize("key", ["sets", "reps", "rounds", "breaths"])
def test_counts_agree_with_the_loader(key):
    top = LIMITS[key]
    values = [*range(-2, top + 5), 10 ** 9, 10 ** 10]
    texts = [*map(str, values), "007", " 8 - 12 ", "8-10-12", "12.5", "1:30", "five", "",
             *(f"{a}-{b}" for a in (0, 1, 2, top, top + 1) for b in (0, 1, 2, top, top + 1))]
    flexible = definition(f"count-{key}")
    for value in [*values, *texts]:
        reader = Reader("x")
        node = yaml.compose(json.dumps(value))
        loaded = reader.count(node, key) is not None and not reader.problems
        schema_ok = flexible.is_valid(value)
        upside_down = isinstance(value, str) and bool(re.fullmatch(r"\d+-\d+", value)) and \
            int(value.split("-")[0]) > int(value.split("-")[1])
        assert schema_ok >= loaded and schema_ok <= (loaded or upside_down), (key, value)


DURATIONS = [f"{n}{unit}" for n in ("0", "0.5", "1", "5", "9", "9.5", "10", "10.0", "10.5", "11",
                                    "30", "59", "60", "61", "90", "599", "600", "601", "1799",
                                    "1800", "1801", "3600", "3601", "86400", "0010")
             for unit in ("", "s", "S", " sec", "secs", " seconds", "m", " min", "Minutes", "h",
                          " hours", "x", " sec sec")] + \
    [f"{m}:{s}" for m in ("0", "1", "9", "10", "11", "29", "30", "31", "59", "60", "61")
     for s in ("00", "30", "59", "60", "5")] + \
    ["1m30s", "1m 30s", "10 min 1 s", "9m 59s", "5 5", "5-10s", "5 - 10 min", "10-5",
     "1:00-2:00", "8-10-12", "five", "-30", "", " ", "30 seconds between sets", "5x", ".5",
     "1440 min", "24 hours", "١٢", "2 min-3 min", "30-", "-"]


@pytest.mark.parametrize("key", [EXERCISE_KEYS["time"], EXERCISE_KEYS["hold"],
                                 EXERCISE_KEYS["transition"], PHASE_KEYS["seconds"],
                                 BREATH_KEYS["hold"]], ids=lambda k: k.doc[:20])
def test_durations_refuse_nothing_the_loader_accepts(key):
    """Sound: whatever the loader reads is valid. And a single part over the limit is caught."""
    name = f"seconds-{key.limit}{'-from-0' if key.zero else ''}"
    check = definition(name)
    limit = LIMITS[key.limit]
    for text in DURATIONS:
        value = yaml.safe_load(text) if text.strip() else text  # as PyYAML reads it (1:30 is 90)
        reader = Reader("x")
        loaded = reader.seconds(yaml.compose(json.dumps(value)), key)
        loaded = loaded if not reader.problems else None
        if loaded is not None:
            assert check.is_valid(value), (name, text)
        single = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(s|sec|secs|seconds|m|min|minutes)?", text)
        if single and isinstance(value, str):
            seconds = float(single[1]) * (60 if (single[2] or "s")[0] == "m" else 1)
            assert check.is_valid(value) == ((seconds <= limit and (key.zero or seconds > 0))
                                             or loaded is not None), (name, text)
    for over in ("1440 min", f"{limit + 1}", f"{limit + 1}s", f"{limit // 60 + 1} min",
                 f"5-{limit + 1}"):
        assert not check.is_valid(over), over
    for not_a_number in (float("nan"), float("inf"), -1, True):
        assert not check.is_valid(not_a_number)


def test_sayable_is_the_loaders_letter_or_digit():
    sayable = re.compile(S.SAYABLE)
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert bool(sayable.search(char)) == (unicodedata.category(char)[0] in "LN"), hex(code)
    assert sayable.search("\U0001d400")  # outside the BMP a character counts, never refused


@pytest.mark.parametrize("text, ok", [
    ("Slow circles", True), ("...", False), ("\u200b", False), ("12", True), ("  ", False),
    ("Slow \ud800 circles", False), ("Smile \ud83d\ude00", True), ("Smile \U0001f600", True),
    ("x" * MAX_TEXT, True), ("x" * (MAX_TEXT + 1), False),
])
def test_spoken_texts_agree_with_the_loader(text, ok):
    assert (errors(routine(reps=10, cues=[text])) == []) is ok
    try:
        parse_routine(json.dumps(routine(reps=10, cues=[text])))
        loaded = True
    except RoutineError:
        loaded = False
    assert loaded is ok


@pytest.mark.parametrize("name", ["cover.jpg", "media/song.mp3", "../x.jpg", "a/../../x.jpg",
                                  "/etc/shadow", "~/x.jpg", "C:\\x.jpg", "C:x.jpg",
                                  "\\\\server\\x.jpg", "..", "a..b.jpg", "media\\..\\x.jpg"])
def test_file_names_that_leave_the_folder(name):
    leaves = _leaves_folder(name) is not None
    assert bool(errors({"title": "T", "cover": name, "exercises": [
        {"exercise": "Bridge", "reps": 1}]})) is leaves


def test_cross_key_rules():
    assert errors(routine(reps=3, time="30s"))  # reps or time, not both
    assert errors(routine(cues=["Squeeze"]))  # says nothing about the work
    assert not errors({"title": "T", "defaults": {"reps": 10},
                       "exercises": [{"exercise": "Bridge"}]})
    assert errors(routine(reps=1, tempo=[{"lift": {"say": "lift"}}]))  # no seconds or breaths
    assert errors(routine(breaths=3, breath={"out": 6}))  # a breath needs 'in'
