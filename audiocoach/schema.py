"""The JSON Schema of routine files, made from the format's tables of keys (`format.py`).

Draft-07, the newest draft the editors' YAML plugins (the VS Code YAML extension's
yaml-language-server and others) support in full. Everything is made from the format's tables:
the keys (ROUTINE_KEYS, EXERCISE_KEYS, ...), the limits (LIMITS, MAX_TEXT) and the units of a
duration; the loader's few rules that are code rather than a table (an exercise has reps or
time, not both; it says what the work is; ...) are named in RULES below, and their keys are
checked against the tables when this module loads.

What a schema can't say, and `audiocoach check` does: YAML anchors, duplicate keys and syntax;
that a range goes up (`12-8`) or a level's values do (easy <= medium <= hard); the sum of a
duration's parts (`9 min 9 min` is over a 10-minute hold; one part over the limit is caught);
how long the whole routine lasts; whether a named file exists and is what it is for.

Patterns are written so that the ECMAScript dialect, with or without the unicode flag, and
Python's `re` read them the same way: `\\uXXXX` escapes only, no `\\d` (Python's matches any
script's digits), no `\\p{...}`.
"""

from __future__ import annotations

import unicodedata
from typing import TypedDict

from .format import (
    BREATH_KEYS,
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    LIMITS,
    MAX_TEXT,
    PHASE_KEYS,
    REST_KEYS,
    ROUTINE_KEYS,
    SECONDS_HELP,
    SECTION_KEYS,
    UNITS,
    WORK_KEYS,
    Key,
)
from .model import LEVELS
from .phrases import SUPPORTED

# The loader's rules that live in its code, not in a table of keys.
_Rules = TypedDict("_Rules", {"either": tuple[str, ...], "work": tuple[str, ...],
                               "default work": str, "phase": tuple[str, ...], "breath": str,
                               "rest": str})
RULES: _Rules = {
    "either": ("reps", "time"),  # an exercise has reps or time, not both
    "work": WORK_KEYS,  # ... and at least one of these
    "default work": "reps",  # unless `defaults` gives reps
    "phase": ("seconds", "breaths"),  # a tempo phase needs one of these
    "breath": "in",  # a breath needs 'in'
    "rest": "set",  # `rest: 30` is the rest between sets
}
FILES = ("music", "cover")  # texts that name a file beside the routine
UNSPOKEN = ("description", "source", *FILES)  # texts that are never said, so need no word
ITEMS = "#/definitions/entry"
ITEMS_GIVEN_REPS = "#/definitions/entry-given-reps"  # `defaults` gives reps


def _check_rules() -> None:
    names = set(EXERCISE_KEYS)
    assert set(RULES["either"]) | set(RULES["work"]) <= names, RULES
    assert RULES["default work"] in DEFAULTS_KEYS and RULES["rest"] in REST_KEYS
    assert set(RULES["phase"]) <= set(PHASE_KEYS) and RULES["breath"] in BREATH_KEYS
    assert set(UNSPOKEN) <= set(ROUTINE_KEYS)
    assert all(ROUTINE_KEYS[k].kind == "text" for k in UNSPOKEN)


_check_rules()

# -- patterns ----------------------------------------------------------------------------------


def upto(high: int, low: int = 0) -> str:
    """A regex for the whole numbers low..high (low is 0 or 1), without leading zeros."""
    assert low in (0, 1) and high >= low

    def digit(a: int, b: int) -> str:
        return str(a) if a == b else f"[{a}-{b}]"

    def any_digits(n: int) -> str:
        return "" if n == 0 else "[0-9]" if n == 1 else f"[0-9]{{{n}}}"

    digits = str(high)
    if len(digits) == 1:
        return digit(low, high)
    out = [digit(low, 9)]
    out += [f"[1-9]{any_digits(n)}" for n in range(1, len(digits) - 1)]  # shorter than high
    for i, d in enumerate(digits):  # as long as high: the same up to i, then a smaller digit
        smallest = 1 if i == 0 else 0
        if int(d) > smallest:
            out.append(digits[:i] + digit(smallest, int(d) - 1) + any_digits(len(digits) - i - 1))
    out.append(digits)
    return "(?:" + "|".join(out) + ")"


def _number_upto(limit: float) -> str:
    """A decimal number (as the loader reads one: digits, then maybe .digits) <= limit."""
    whole = int(limit)
    if whole == limit and whole > 0:
        return f"0*(?:{upto(whole - 1)}(?:\\.[0-9]+)?|{whole}(?:\\.0+)?)(?![0-9.])"
    return f"0*{upto(whole)}(?:\\.[0-9]+)?(?![0-9.])"


def _any_case(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in word)


def _duration(limit: float, ranges: bool = True) -> str:
    """Seconds as the loader reads them (its units; a clock 1:30; a range 5-10s), where no one
    part says more than `limit` seconds. A pattern can't add the parts up or compare the ends
    of a range, so it refuses what must be over the limit, never what might not be."""
    parts = []
    for factor in sorted(set(UNITS.values())):
        words = sorted((w for w, f in UNITS.items() if f == factor and w), key=len,
                       reverse=True)
        unit = "(?:" + "|".join(_any_case(w) for w in words) + ")"
        if UNITS.get("") == factor:  # the unit that may be left out
            unit += "?"
        unit += "(?![a-zA-Z])"
        parts.append(f"{_number_upto(limit / factor)}\\s*{unit}")
    clock = f"0*{upto(int(limit // 60))}:[0-5][0-9]"
    one = f"(?:{clock}|(?:(?:{'|'.join(parts)})\\s*)+)"
    return f"^\\s*{one}\\s*(?:-\\s*{one}\\s*)?$" if ranges else f"^\\s*{one}\\s*$"


def _count_text(limit: int, ranges: bool) -> str:
    one = f"0*{upto(limit, low=1)}"
    return f"^\\s*{one}\\s*(?:-\\s*{one}\\s*)?$" if ranges else f"^\\s*{one}\\s*$"


def _char_class(pred) -> str:
    """A class of the characters of the Basic Multilingual Plane (not surrogates) that pass."""
    out, start = [], None
    for code in range(0x10001):
        ok = code < 0x10000 and not 0xD800 <= code <= 0xDFFF and pred(chr(code))
        if ok and start is None:
            start = code
        elif not ok and start is not None:
            end = code - 1
            out.append(f"\\u{start:04x}" + (f"-\\u{end:04x}" if end > start else ""))
            start = None
    return "".join(out)


# A letter or digit (the loader's test: Unicode category L or N), written as "not one of the
# other characters" so that every character outside the BMP counts, whatever the dialect.
SAYABLE = "[^" + _char_class(lambda c: unicodedata.category(c)[0] not in "LN") + "]"
# Valid Unicode: no lone surrogate (an escaped pair such as "\ud83d\ude00" is one character).
WHOLE_CHARACTERS = "^(?:[^\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$"
# A file name that stays in the routine's folder: not ~, not absolute, no '..'.
LEAVES_FOLDER = "^\\s*(?:~|[/\\\\]|[A-Za-z]:)|(?:^|[/\\\\])\\.\\.(?:[/\\\\]|\\s*$)"

NOTHING_TO_SAY = "the text has no letter or digit, so there is nothing to say"
# A duration whose (first) number is 0: refused where the loader wants more than 0.
ZERO_SECONDS = "^[\\s0.:a-zA-Z]*(?:-|$)"

# -- values ------------------------------------------------------------------------------------


def _by_type(other: dict, mapping: dict | None = None, listed: dict | None = None,
             text: dict | None = None) -> dict:
    """One of several forms, chosen by the value's JSON type, so that a mistake is reported
    against the form it is in (not 'is not valid under any of the given schemas')."""
    out = other
    for kind, form in (("string", text), ("array", listed), ("object", mapping)):
        if form is not None:
            out = {"if": {"type": kind}, "then": form, "else": out}
    return out


def _text(key: Key, name: str) -> dict:
    """Text as the loader reads it: a string (or a number, said as written) of at most MAX_TEXT
    characters; a spoken one has a letter or digit; `zero` ones may be empty or null."""
    out: dict = {"type": ["string", "number", "null"] if key.zero else ["string", "number"],
                 "maxLength": MAX_TEXT}
    if name in UNSPOKEN:
        out["allOf"] = [{"$ref": "#/definitions/unicode"},
                        {"pattern": "\\S",
                         "patternErrorMessage": "expected text, got an empty value"}]
    elif key.zero:
        out["allOf"] = [{"$ref": "#/definitions/unicode"},
                        {"pattern": f"^\\s*$|{SAYABLE}", "patternErrorMessage": NOTHING_TO_SAY}]
    else:
        out["allOf"] = [{"$ref": "#/definitions/spoken"}]
    if name in FILES:
        out["not"] = {"type": "string", "pattern": LEAVES_FOLDER}
    return out


def _language() -> dict:
    """A supported language tag, in any case: a language that has a catalog of its own, with
    or without a region (de, de-AT, es-419), or a tag only its region makes (pt-BR)."""
    bases = sorted({tag for tag in SUPPORTED if "-" not in tag})
    regional = sorted(tag for tag in SUPPORTED if "-" in tag and tag.split("-")[0] not in bases)
    any_region = "(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?"
    tags = [f"(?:{'|'.join(_any_case(b) for b in bases)}){any_region}",
            *("-".join(_any_case(part.lower()) for part in t.split("-")) for t in regional)]
    return {"type": "string", "pattern": f"^(?:{'|'.join(tags)})$",
            "patternErrorMessage": f"expected one of: {', '.join(SUPPORTED)} (or a region of "
                                   f"one, such as de-AT)"}


def _number(key: Key) -> dict:
    """A number in LIMITS; NaN is refused (`.nan` passes both `minimum` and `maximum`)."""
    low = {"minimum": 0} if key.zero else {"exclusiveMinimum": 0}
    not_nan = {"exclusiveMaximum": 0} if key.zero else {"maximum": 0}
    return {"type": "number", **low, "maximum": LIMITS[key.limit or "phase"], "not": not_nan}


_SHARED: dict[str, dict] = {}  # definitions that several keys refer to, filled as they are made


def _scalar(key: Key, ranges: bool = True) -> dict:
    """One value of a count or of seconds: a number, or text the loader reads as one."""
    limit_name = key.limit or "phase"
    name = f"{key.kind}-{limit_name}{'-from-0' if key.zero else ''}{'' if ranges else '-one'}"
    if name not in _SHARED:
        limit = LIMITS[limit_name]
        if key.kind == "count":
            said = "such as 12, or a range such as 8-12" if ranges else "such as 12"
            _SHARED[name] = _by_type({"type": "integer", "minimum": 1, "maximum": limit},
                                     text={"pattern": _count_text(limit, ranges),
                                           "patternErrorMessage": f"expected a whole number "
                                                                  f"from 1 to {limit}, {said}"})
        else:
            # shown by the YAML plugin of VS Code
            text: dict[str, object] = {
                "pattern": _duration(limit, ranges),
                "patternErrorMessage": f"{SECONDS_HELP}, at most {limit:g} seconds"
                                       f"{' (a range: 5-10s)' if ranges else ''}"}
            if not key.zero:
                text["not"] = {"pattern": ZERO_SECONDS}
            _SHARED[name] = _by_type(_number(key), text=text)
    return {"$ref": f"#/definitions/{name}"}


def _by_level(key: Key) -> dict:
    """`{easy: 8, medium: 15}`: one value (not a range) per level."""
    return {"type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {level: _scalar(key, ranges=False) for level in LEVELS}}


def _amount(key: Key) -> dict:
    """A count or seconds: a value; a value per level (except rests, which the loader reads
    as plain seconds); for reps, hold and time also a list of one per set."""
    levels = _by_level(key) if key.limit != "rest" else None
    one = _by_type(_scalar(key), mapping=levels)
    if not key.per_set:
        return one
    return _by_type(_scalar(key), mapping=levels, listed={
        "minItems": 1, "maxItems": LIMITS["sets"], "items": one})


def _value(name: str, key: Key, items: str | None) -> dict:
    kinds = {  # built lazily: "rest" and "defaults" refer back to tables of keys
        "text": lambda: _text(key, name),
        "texts": lambda: _by_type(_text(key, name), listed={"items": _text(key, name)}),
        "count": lambda: _amount(key),
        "seconds": lambda: _amount(key),
        "breath": lambda: {**_object(BREATH_KEYS), "required": [RULES["breath"]]},
        "choice": lambda: {"enum": list(key.choices)},
        "items": lambda: {"type": "array", "minItems": 1,
                          **({"items": {"$ref": items}} if items else {})},
        "tempo": lambda: {"$ref": "#/definitions/tempo"},
        "rest": lambda: _by_type(_scalar(REST_KEYS[RULES["rest"]]), mapping=_object(REST_KEYS)),
        "defaults": lambda: _object(DEFAULTS_KEYS),
        "language": _language,
    }
    value = kinds[key.kind]()
    if "$ref" in value:  # in draft-07 a $ref's siblings are ignored: keep the description
        value = {"allOf": [value]}
    return {**value, "description": key.doc}


def _object(table: dict[str, Key], items: str | None = None) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, v in table.items() if v.required],
        "properties": {k: _value(k, v, items) for k, v in table.items()},
    }


def _entry(items: str, needs_work: bool) -> dict:
    """An exercise or a section, told apart by the `section` key so that a mistake is reported
    against the one it is (an unknown key, not 'not valid under any of the given schemas')."""
    exercise: dict = {"allOf": [{"$ref": "#/definitions/exercise"}]}
    if needs_work:
        exercise["anyOf"] = [{"required": [k]} for k in RULES["work"]]
    section_key = next(k for k, v in SECTION_KEYS.items() if v.required and v.kind == "text")
    return {"type": "object", "if": {"required": [section_key]},
            "then": _object(SECTION_KEYS, items), "else": exercise}


def routine_schema() -> dict:
    """A JSON Schema (draft-07) that editors can use to check and complete routines."""
    listed = next(k for k, v in ROUTINE_KEYS.items() if v.kind == "items")
    defaults = next(k for k, v in ROUTINE_KEYS.items() if v.kind == "defaults")
    _SHARED.clear()
    phase = {**_object(PHASE_KEYS), "anyOf": [{"required": [k]} for k in RULES["phase"]]}
    exercise = {**_object(EXERCISE_KEYS), "not": {"required": list(RULES["either"])}}
    body = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://audiocoach.invalid/routine.schema.json",
        "title": "audiocoach routine",
        **_object(ROUTINE_KEYS),
        "if": {"required": [defaults],
               "properties": {defaults: {"required": [RULES["default work"]]}}},
        "then": {"properties": {listed: {"items": {"$ref": ITEMS_GIVEN_REPS}}}},
        "else": {"properties": {listed: {"items": {"$ref": ITEMS}}}},
        "definitions": {
            "exercise": exercise,
            "entry": _entry(ITEMS, needs_work=True),
            "entry-given-reps": _entry(ITEMS_GIVEN_REPS, needs_work=False),
            "tempo": {
                "type": "array", "minItems": 1,
                "items": {"type": "object", "minProperties": 1, "maxProperties": 1,
                          "propertyNames": {"maxLength": MAX_TEXT,
                                            "allOf": [{"$ref": "#/definitions/spoken"}]},
                          "additionalProperties": _by_type(_scalar(PHASE_KEYS["seconds"]),
                                                           mapping=phase)},
            },
            "unicode": {"pattern": WHOLE_CHARACTERS,
                        "patternErrorMessage": "the text has a lone surrogate (such as "
                                               "\\ud800); write the character itself"},
            "spoken": {"allOf": [{"$ref": "#/definitions/unicode"},
                                 {"pattern": SAYABLE, "patternErrorMessage": NOTHING_TO_SAY}]},
        },
    }
    body["definitions"].update(sorted(_SHARED.items()))
    return body
