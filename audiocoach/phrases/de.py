"""German, with "du" (as audio-guided home exercise says it), and without a pronoun where
German instructions go without one: "und halten", "einatmen", "und locker lassen".

Counting says "eins" ("Satz eins von drei", "drei, zwei, eins"); one of a unit is its whole
phrase, in the case its templates need ("einen tiefen Atemzug lang halten"). "links" and
"rechts" are the plain side words (they never inflect: "nach links"); before a limb the
adjective agrees with it ("linkes Bein", "linker Arm", "linke Hand"). In the routine's own
text `{side}` is the plain word; `{side:linken|rechten}` says any other form.
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("drei", "zwei", "eins"),
    "go": "los",
    "rep": "Wiederholung {n}",
    "last rep": "und die letzte",
    "hold": "und halten",
    "hold and breathe": "und halten, tief atmen",
    "halfway": "Halbzeit",
    "seconds left": "noch {time}",
    "relax": "und locker lassen",
    "breathe in": "einatmen",
    "breathe out": "und aus",
    "rest": "und Pause, {time}",
    "set of": "Satz {n} von {total}",
    "last set": "letzter Satz",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} pro Seite",
    "dose held reps": "{reps}, jeweils {time} halten",
    "dose hold": "{time} halten",
    "dose breaths": "{breaths} lang halten",
    "dose reps with breaths": "{reps}, jeweils {breaths} lang",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "jetzt die andere Seite: {side}",
    "section other side": "jetzt die andere Seite",
    "round of": "Runde {n} von {total}",
    "reminder": "Bei Schmerzen bitte aufhören.",
    "equipment": "Du brauchst: {items}.",
    "end": "Geschafft. Gut gemacht.",
    "side": "{side} Seite",
    "side lying": "leg dich auf die {side} Seite",
    "side direction": "nach {side}",
    "side limb": "{side} {limb}",
    "side pair": "{side} {first} und {other} {second}",
    "left": "links",
    "right": "rechts",
    # both templates that take breaths take them in the accusative: "einen tiefen Atemzug"
    "reps": ("eine Wiederholung", "Wiederholungen"),
    "breaths": ("einen tiefen Atemzug", "tiefe Atemzüge"),
    "breath reps": ("ein Atemzug", "Atemzüge"),
    "seconds": ("eine Sekunde", "Sekunden"),
    "minutes": ("eine Minute", "Minuten"),
    "duration": "{minutes} {seconds}",
    "chapter part": "{title} · {part}",
    "chapter round": "Runde {n}",
    "chapter side": "{side} Seite",
    "tag genre": "Fitness",
    "tag comment": "Quelle der Übungsfolge: {source}; Stufe {level}",
    "tag comment unsourced": "audiocoach-Übungsfolge; Stufe {level}",
    "tag session title": "Woche {week}, Tag {day}: {title}",
    "level easy": "leicht",
    "level medium": "mittel",
    "level hard": "schwer",
    "coaching standard": "Standard",
    "coaching full": "ausführlich",
    "coaching brief": "kurz",
    "kind ready": "Vorbereitung",
    "kind work": "Übung",
    "kind hold": "Halten",
    "kind rest": "Pause",
    "kind done": "Fertig",
    "page timeline": "Zeitleiste",
    "page position": "Position in der Einheit",
    "page position text": "{time} von {total}",
    "page now": "Jetzt",
    "page exercise left": "Rest der Übung",
    "page session left": "Rest der Einheit",
    "page next up": "Als Nächstes:",
    "page finish": "Ende",
    "page set of": "Satz {set} von {sets}",
    "page rep of": "Wiederholung {rep} von {reps}",
    "page left": "links",
    "page right": "rechts",
    "page player": "Wiedergabe",
    "page previous": "Vorherige Übung",
    "page back": "10 Sekunden zurück",
    "page play": "Abspielen",
    "page pause": "Anhalten",
    "page forward": "10 Sekunden vor",
    "page skip": "Nächste Übung",
    "page cannot play": "Wiedergabe nicht möglich: {error}",
    "page cannot load": "Die Audiodatei „{mp3}“ lässt sich nicht laden: Lege diese Seite in "
                        "denselben Ordner wie die MP3.",
    "page screen note title": "Bildschirm anlassen:",
    "page screen note": (
        "Diese Seite kann die Sperre des Telefons hier nicht verhindern (dafür braucht es eine "
        "https-Seite oder einen neueren Browser). Stell die automatische Sperre beim Training "
        "auf „Nie“ (iPhone: Einstellungen › Anzeige & Helligkeit › Automatische Sperre; "
        "Android: Einstellungen › Display › Bildschirm-Timeout) und danach wieder zurück."),
    "page exercises": "Übungen",
    "page chapter": "{title}, beginnt bei {start}, Dauer {length}",
    "svg label": "Zeitleiste: {title}",
    "svg ready": "Vorbereitung / fertig",
    "program week": "Woche",
    "program day": "Tag",
    "program session": "Einheit",
    "program level": "Stufe",
    "program coaching": "Anleitung",
    "program prescription": "Dosierung",
    "program hold": "{seconds} s halten",
}

BREATH_PHASES = frozenset({
    "einatmen", "ausatmen", "einatmung",
    "ausatmung", "atme ein", "atme aus",
})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("Bein", "n"), "arm": ("Arm", "m"), "hand": ("Hand", "f"),
    "foot": ("Fuß", "m"), "knee": ("Knie", "n"), "hip": ("Hüfte", "f"),
}

GENDERS: dict[str, str] = {"side": "f", "side lying": "f", "chapter side": "f"}
"""The nouns the side word agrees with: "die linke Seite"."""

SIDE_WORDS: dict[tuple[str, str], str] = {
    ("left", "m"): "linker", ("left", "f"): "linke", ("left", "n"): "linkes",
    ("right", "m"): "rechter", ("right", "f"): "rechte", ("right", "n"): "rechtes",
}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun; from two on German says it as it counts."""
    return num2words(n, lang="de")
