"""Every word the coach says on its own, in one table: the routine's author writes the rest.

The compiler never spells a built-in phrase itself; it asks here. The table's last section is
written, not said: the words of chapter titles and of the MP3's tags. A second language is a
second table with the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from num2words import num2words

from .script import Side

EN = {
    # the countdown to work, and the counts
    "countdown": ("three", "two", "one"),
    "go": "go",
    # a rep's count when a counted hold follows: "rep two ... hold, two"
    "rep": "rep {n}",
    "last rep": "last one",
    # holds, timed work and breaths
    # not a bare "hold": a recogniser (and a tired patient) hears "go"
    "hold": "and hold",
    "hold and breathe": "and hold, breathe deeply",
    "halfway": "halfway",
    "seconds left": "{time} left",
    "relax": "and relax",
    "breathe in": "breathe in",
    "breathe out": "and out",
    # sets, sides and rests
    "rest": "and rest, {time}",
    "set of": "set {n} of {total}",
    "last set": "last set",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} each side",
    "dose held reps": "{reps}, holding {time}",
    "dose hold": "hold for {time}",
    "dose breaths": "hold for {breaths}",
    "dose reps with breaths": "{reps}, {breaths} each",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "now the other side: {side}",
    "section other side": "now the other side",  # at the end of a section's first side
    "round of": "round {n} of {total}",
    "reminder": "Stop if it hurts.",
    "equipment": "You will need: {items}.",
    "end": "Workout complete. Well done.",
    # what a side means ("left leg", "lie on your left side", "left arm and right leg")
    "side": "{side} side",
    "side lying": "lie on your {side} side",
    "side direction": "to the {side}",
    "side limb": "{side} {limb}",
    "side pair": "{side} {first} and {other} {second}",
    "left": "left",
    "right": "right",
    # units
    "reps": ("rep", "reps"),
    "breaths": ("deep breath", "deep breaths"),
    "breath reps": ("breath", "breaths"),
    "seconds": ("second", "seconds"),
    "minutes": ("minute", "minutes"),
    # -- written, never said: chapter titles ("Clamshell · round 1 · left side") and tags --
    "chapter part": "{title} · {part}",
    "chapter round": "round {n}",
    "chapter side": "{side} side",
    "tag genre": "Fitness",
    "tag comment": "Routine source: {source}; level {level}",
    "tag comment unsourced": "audiocoach routine; level {level}",
}
WRITTEN = ("chapter ", "tag ")
"""How the keys of the written section begin: `built_in` leaves them out."""


def words(n: float) -> str:
    """12 -> 'twelve'."""
    return num2words(int(n))


def plural(n: float, unit: str) -> str:
    """(1, 'reps') -> 'one rep'; (10, 'reps') -> 'ten reps'."""
    one, many = EN[unit]
    return f"{words(n)} {one if int(n) == 1 else many}"


def say_seconds(seconds: float) -> str:
    """30 -> 'thirty seconds', 90 -> 'one minute thirty'."""
    s = round(seconds)
    minutes, rest = divmod(s, 60)
    if not minutes:
        return plural(s, "seconds")
    return plural(minutes, "minutes") + (f" {words(rest)}" if rest else "")


def phrase(key: str, **values: object) -> str:
    """The phrase `key` with its blanks filled: phrase('rest', time='thirty seconds')."""
    text = EN[key]
    assert isinstance(text, str), key
    return text.format(**values)


def phrase_list(key: str) -> tuple[str, ...]:
    """A phrase that is a sequence, such as the countdown."""
    value = EN[key]
    assert isinstance(value, tuple), key
    return value


def other_side(side: Side) -> Side:
    """The side that is not `side`."""
    return "right" if side == "left" else "left"


def side_phrase(meaning: str | None, side: Side, short: bool = False) -> str:
    """What to say for `side` ('left'/'right') of an exercise whose side is `meaning`:
    None -> 'left side'; 'leg' -> 'left leg'; 'lying' -> 'lie on your left side';
    'direction' -> 'to the left'; 'arm and leg' -> 'left arm and right leg' (`short`:
    'left arm')."""
    here, there = phrase(side), phrase(other_side(side))
    if meaning is None:
        return phrase("side", side=here)
    if meaning in ("lying", "direction"):
        return phrase(f"side {meaning}", side=here)
    if " and " in meaning:
        first, second = meaning.split(" and ")
        if short:
            return phrase("side limb", side=here, limb=first)
        return phrase("side pair", side=here, first=first, other=there, second=second)
    return phrase("side limb", side=here, limb=meaning)


def chapter_title(name: str, context: Iterable[str]) -> str:
    """An exercise's chapter title with what tells its times apart: ('Clamshell', ('round 1',
    'left side')) -> 'Clamshell · round 1 · left side'."""
    title = name
    for part in context:
        title = phrase("chapter part", title=title, part=part)
    return title


def built_in() -> set[str]:
    """Every fixed spoken phrase (no blanks), for tests and for the recogniser's grammar."""
    out: set[str] = set()
    for key, value in EN.items():
        if key.startswith(WRITTEN):
            continue
        if not isinstance(value, str):  # a tuple of words
            out.update(value)
        elif "{" not in value:
            out.add(value)
    return out
