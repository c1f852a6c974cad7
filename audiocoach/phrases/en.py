"""English: the catalog whose keys every other language has.

`PHRASES` is every word the coach says on its own; its last section is written, not said
(chapter titles, the MP3's tags, the player page, the SVG and program.md). English has no
grammatical gender, so a number or a side word never changes with the noun it goes with.
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
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
    # units: (the whole phrase for one, the noun after any other number)
    "reps": ("one rep", "reps"),
    "breaths": ("one deep breath", "deep breaths"),
    "breath reps": ("one breath", "breaths"),
    "seconds": ("one second", "seconds"),
    "minutes": ("one minute", "minutes"),
    "duration": "{minutes} {seconds}",  # "one minute thirty"
    # -- written, never said: chapter titles ("Clamshell · round 1 · left side") and tags --
    "chapter part": "{title} · {part}",
    "chapter round": "round {n}",
    "chapter side": "{side} side",
    "tag genre": "Fitness",
    "tag comment": "Routine source: {source}; level {level}",
    "tag comment unsourced": "audiocoach routine; level {level}",
    "tag session title": "Week {week}, day {day}: {title}",
    "level easy": "easy",
    "level medium": "medium",
    "level hard": "hard",
    "coaching standard": "standard",
    "coaching full": "full",
    "coaching brief": "brief",
    # the timeline's kinds, on the page and in the SVG
    "kind ready": "Get ready",
    "kind work": "Work",
    "kind hold": "Hold",
    "kind rest": "Rest",
    "kind done": "Done",
    # the player page
    "page timeline": "Timeline",
    "page position": "Position in the session",
    "page position text": "{time} of {total}",
    "page now": "Now",
    "page exercise left": "Exercise left",
    "page session left": "Session left",
    "page next up": "Next up:",
    "page finish": "Finish",
    "page set of": "Set {set} of {sets}",
    "page rep of": "rep {rep} of {reps}",
    "page left": "left",
    "page right": "right",
    "page player": "Player",
    "page previous": "Previous exercise",
    "page back": "Back 10 seconds",
    "page play": "Play",
    "page pause": "Pause",
    "page forward": "Forward 10 seconds",
    "page skip": "Next exercise",
    "page cannot play": "Could not play: {error}",
    "page cannot load": "Cannot load the audio “{mp3}”: keep this page in the same folder as "
                        "the MP3.",
    "page screen note title": "Keep the screen on:",
    "page screen note": (
        "this page cannot stop the phone locking here (that needs an https page or a newer "
        "browser). Set auto-lock to never while you train (iPhone: Settings › Display & "
        "Brightness › Auto-Lock; Android: Settings › Display › Screen timeout), and back "
        "afterwards."),
    "page exercises": "Exercises",
    "page chapter": "{title}, starts at {start}, {length} long",
    # the SVG timeline
    "svg label": "Timeline: {title}",
    "svg ready": "Get ready / done",
    # program.md
    "program week": "week",
    "program day": "day",
    "program session": "session",
    "program level": "level",
    "program coaching": "coaching",
    "program prescription": "prescription",
    "program hold": "hold {seconds}s",
}

BREATH_PHASES = frozenset({"inhale", "exhale", "breathe in", "breathe out"})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("leg", None), "arm": ("arm", None), "hand": ("hand", None),
    "foot": ("foot", None), "knee": ("knee", None), "hip": ("hip", None),
}
"""Each side meaning that names a limb, as (noun, gender)."""

GENDERS: dict[str, str] = {}
"""The gender of the noun a counted unit is, or a side template's side word agrees with."""

SIDE_WORDS: dict[tuple[str, str], str] = {}
"""(side, gender) -> the side word before or after a noun of that gender."""


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun: English never changes it."""
    return num2words(n)
