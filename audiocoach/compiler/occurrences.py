"""Flattening a routine: every time an exercise comes up, with its sections' rounds and sides
repeated, what is said before it and the rest after it; the order of its sets and sides; and
the warnings about sides that do not say what they are."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import Problem, RoutineError
from ..model import Exercise, Level, Routine, Section, SideMeaning
from ..phrases import Catalog
from ..script import Side
from .limits import MAX_OCCURRENCES
from .pacing import NAME_PAUSE_MS, PAUSE_MS


@dataclass(frozen=True)
class _Occurrence:
    """One time an exercise comes up in the session (rounds and sides repeat them)."""

    exercise: Exercise
    side: Side | None  # set by a section done on both sides
    labels: tuple[tuple[str, int], ...]  # said before it starts, with the pause after each:
    # a section's title, its round, its side
    context: tuple[str, ...]  # round and side, for the chapter title
    rest_after: float
    announce_after: str | None = None  # "now the other side" at the end of a section's side


def _occurrences(routine: Routine, level: Level, cat: Catalog) -> list[_Occurrence]:
    """Every time an exercise comes up, in order: sections flattened, their rounds and sides
    repeated, each with what is said before it (in `cat`'s words) and the rest after it."""
    out: list[_Occurrence] = []
    pending: list[tuple[str, int]] = []

    def walk(items: tuple[Exercise | Section, ...], side: Side | None,
             meaning: SideMeaning | None, context: tuple[str, ...]) -> None:
        for item in items:
            if isinstance(item, Exercise):
                if len(out) >= MAX_OCCURRENCES:
                    raise RoutineError([Problem(routine.path, item.line, None,
                                                f"the rounds repeat exercises more than "
                                                f"{MAX_OCCURRENCES} times; too many")])
                if side and meaning and not item.side:
                    item = replace(item, side=meaning)
                out.append(_Occurrence(item, side, tuple(pending), context,
                                       item.rests.exercise))
                pending.clear()
            else:
                section(item, side, meaning, context)

    def section(b: Section, side: Side | None, meaning: SideMeaning | None,
                context: tuple[str, ...]) -> None:
        sides: list[Side | None] = ["left", "right"] if b.sides == "both" else [side]
        meaning = b.side or meaning
        rounds = b.rounds.count(level)
        for si, s in enumerate(sides):
            for r in range(1, rounds + 1):
                here = context
                if b.title and r == 1 and si == 0 and b.title != routine.title:
                    pending.append((b.title, NAME_PAUSE_MS))
                if rounds > 1:
                    pending.append((cat.phrase("round of", n=cat.words(r),
                                               total=cat.words(rounds)), PAUSE_MS))
                    here += (cat.phrase("chapter round", n=r),)
                if b.sides and s:  # a section done on both sides: s is set
                    if r == 1:
                        pending.append((cat.side_phrase(meaning, s), PAUSE_MS))
                    here += (cat.side_title(s),)
                walk(b.items, s, meaning, here)
                last = si == len(sides) - 1 and r == rounds
                if not last and out:
                    switch = cat.phrase("section other side") if r == rounds else None
                    out[-1] = replace(out[-1], rest_after=b.rest, announce_after=switch)

    walk(routine.items, None, None, ())
    return out


def _set_order(ex: Exercise, occ_side: Side | None, sets: int, first: Side | None = None
               ) -> list[tuple[int, Side | None]]:
    """(set, side) in the order they are done. `sides: both` does every set on the left (or
    on `first`, the side the patient already lies on), then every set on the other side,
    unless the routine asks to switch after every set."""
    if ex.sides == "both":
        both: tuple[Side, Side] = ("right", "left") if first == "right" else ("left", "right")
        if ex.switch_every_set:
            return [(s, side) for s in range(1, sets + 1) for side in both]
        return [(s, side) for side in both for s in range(1, sets + 1)]
    side = ex.sides if ex.sides == "left" or ex.sides == "right" else occ_side
    return [(s, side) for s in range(1, sets + 1)]


def _side_warnings(routine: Routine) -> list[str]:
    """Sides that don't say what they are: 'left side' can mean four things."""
    out: list[str] = []

    def walk(items: tuple[Exercise | Section, ...], meaning: str | None, inside: bool) -> None:
        for item in items:
            if isinstance(item, Section):
                walk(item.items, item.side or meaning, inside or item.sides == "both")
            elif (item.sides and not (item.side or meaning)) or (inside and not item.sides
                                                                and not meaning):
                out.append(f"{item.line}:{item.col}: {item.name}: the cue will only say "
                           f"'left side'; say what the side is with 'side:' (leg, arm, "
                           f"lying, arm and leg, ...)")
            elif item.side and not item.sides and not inside:
                out.append(f"{item.line}:{item.col}: {item.name}: 'side: {item.side}' "
                           f"but no 'sides' (both, alternate, left or right); it is not used")
            if isinstance(item, Exercise) and item.switch_every_set and item.sides != "both":
                out.append(f"{item.line}:{item.col}: {item.name}: 'switch' is for "
                           f"'sides: both'; it is not used")

    walk(routine.items, None, False)
    return out
