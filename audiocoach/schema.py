"""The JSON Schema of routine files, made from the loader's tables of keys."""

from __future__ import annotations

from .loader import (BREATH_KEYS, DEFAULTS_KEYS, EXERCISE_KEYS, PHASE_KEYS, REST_KEYS,
                     ROUTINE_KEYS, SECTION_KEYS, Key)
from .model import LEVELS

_COUNT = {"oneOf": [{"type": "integer", "minimum": 1},
                    {"type": "string", "pattern": r"^\s*\d+\s*(-\s*\d+\s*)?$"}]}
_SECONDS = {"oneOf": [{"type": "number", "minimum": 0},
                      {"type": "string", "pattern": r"^[\d.:\sa-z-]+$"}]}


def _by_level(one: dict) -> dict:
    """`{easy: 8, medium: 15}`: a value per level."""
    return {"type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {level: one for level in LEVELS}}


def _flexible(one: dict, per_set: bool) -> dict:
    """A value, a value per level, and (for reps, hold, time) a list of one per set."""
    choices = [*one["oneOf"], _by_level(one)]
    if per_set:
        choices.append({"type": "array", "minItems": 1, "maxItems": 20,
                        "items": {"oneOf": choices[:]}})
    return {"oneOf": choices}


def _value(key: Key) -> dict:
    kinds = {  # built lazily: "rest" and "defaults" refer back to tables of keys
        "text": lambda: ({"type": ["string", "null"]} if key.zero
                         else {"type": "string", "minLength": 1}),
        "texts": lambda: {"oneOf": [{"type": "string"},
                                    {"type": "array", "items": {"type": "string"}}]},
        "count": lambda: _flexible(_COUNT, key.per_set),
        "seconds": lambda: _SECONDS if key.zero else _flexible(_SECONDS, key.per_set),
        "breath": lambda: _object(BREATH_KEYS),
        "choice": lambda: {"enum": list(key.choices)},
        "items": lambda: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
        "tempo": lambda: {"$ref": "#/$defs/tempo"},
        "rest": lambda: {"oneOf": [_SECONDS, _object(REST_KEYS)]},
        "defaults": lambda: _object(DEFAULTS_KEYS),
    }
    return {**kinds[key.kind](), "description": key.doc}


def _object(table: dict[str, Key]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, v in table.items() if v.required],
        "properties": {k: _value(v) for k, v in table.items()},
    }


def routine_schema() -> dict:
    """A JSON Schema (draft 2020-12) that editors can use to check and complete routines."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://audiocoach.invalid/routine.schema.json",
        "title": "audiocoach routine",
        **_object(ROUTINE_KEYS),
        "$defs": {
            "item": {"oneOf": [_object(EXERCISE_KEYS), _object(SECTION_KEYS)]},
            "tempo": {
                "type": "array", "minItems": 1,
                "items": {"type": "object", "minProperties": 1, "maxProperties": 1,
                          "additionalProperties": {"oneOf": [_SECONDS, _object(PHASE_KEYS)]}},
            },
        },
    }
