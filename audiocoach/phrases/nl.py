"""Dutch, with "je" (as Thuisarts.nl says it); Dutch imperatives need no pronoun ("adem in",
"ontspan"), so only the equipment and the side-lying lines show it.

"linker"/"rechter" join the noun they go with: linkerkant, linkerzij, linkerbeen. In the
routine's own text, write `{side}` against its noun the same way ("je {side}voet").
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("drie", "twee", "één"),
    "go": "en gaan",
    "rep": "herhaling {n}",
    "last rep": "de laatste",
    "hold": "en vasthouden",
    "hold and breathe": "en vasthouden, diep ademhalen",
    "halfway": "halverwege",
    "seconds left": "nog {time}",
    "relax": "en ontspan",
    "breathe in": "adem in",
    "breathe out": "en uit",
    "rest": "en rust, {time}",
    "set of": "set {n} van {total}",
    "last set": "laatste set",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} per kant",
    "dose held reps": "{reps}, telkens {time} vasthouden",
    "dose hold": "{time} vasthouden",
    "dose breaths": "{breaths} lang vasthouden",
    "dose reps with breaths": "{reps}, telkens {breaths}",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "nu de andere kant: {side}",
    "section other side": "nu de andere kant",
    "round of": "ronde {n} van {total}",
    "reminder": "Stop als het pijn doet.",
    "equipment": "Je hebt nodig: {items}.",
    "end": "Klaar. Goed gedaan.",
    "side": "{side}kant",
    "side lying": "ga op je {side}zij liggen",
    "side direction": "naar de {side}kant",
    "side limb": "{side}{limb}",
    "side pair": "{side}{first} en {other}{second}",
    "left": "linker",
    "right": "rechter",
    "reps": ("één herhaling", "herhalingen"),
    "breaths": ("één diepe ademhaling", "diepe ademhalingen"),
    "breath reps": ("één ademhaling", "ademhalingen"),
    "seconds": ("één seconde", "seconden"),
    "minutes": ("één minuut", "minuten"),
    "duration": "{minutes} {seconds}",
    "chapter part": "{title} · {part}",
    "chapter round": "ronde {n}",
    "chapter side": "{side}kant",
    "tag genre": "Fitness",
    "tag comment": "Bron van de routine: {source}; niveau {level}",
    "tag comment unsourced": "audiocoach-routine; niveau {level}",
    "tag session title": "Week {week}, dag {day}: {title}",
    "level easy": "makkelijk",
    "level medium": "gemiddeld",
    "level hard": "zwaar",
    "coaching standard": "standaard",
    "coaching full": "uitgebreid",
    "coaching brief": "kort",
    "kind ready": "Klaarmaken",
    "kind work": "Inspanning",
    "kind hold": "Vasthouden",
    "kind rest": "Rust",
    "kind done": "Klaar",
    "page timeline": "Tijdlijn",
    "page position": "Positie in de sessie",
    "page position text": "{time} van {total}",
    "page now": "Nu",
    "page exercise left": "Rest van de oefening",
    "page session left": "Rest van de sessie",
    "page next up": "Hierna:",
    "page finish": "Einde",
    "page set of": "Set {set} van {sets}",
    "page rep of": "herhaling {rep} van {reps}",
    "page left": "links",
    "page right": "rechts",
    "page player": "Speler",
    "page previous": "Vorige oefening",
    "page back": "10 seconden terug",
    "page play": "Afspelen",
    "page pause": "Pauzeren",
    "page forward": "10 seconden vooruit",
    "page skip": "Volgende oefening",
    "page cannot play": "Afspelen lukt niet: {error}",
    "page cannot load": "Kan de audio ‘{mp3}’ niet laden: zet deze pagina in dezelfde map als "
                        "de MP3.",
    "page screen note title": "Houd het scherm aan:",
    "page screen note": (
        "deze pagina kan hier niet voorkomen dat de telefoon vergrendelt (daarvoor is een "
        "https-pagina of een nieuwere browser nodig). Zet automatisch vergrendelen op ‘nooit’ "
        "zolang je traint (iPhone: Instellingen › Beeldscherm en helderheid › Automatisch "
        "slot; Android: Instellingen › Scherm › Time-out van scherm) en daarna weer terug."),
    "page exercises": "Oefeningen",
    "page chapter": "{title}, begint op {start}, duurt {length}",
    "svg label": "Tijdlijn: {title}",
    "svg ready": "Klaarmaken / klaar",
    "program week": "week",
    "program day": "dag",
    "program session": "sessie",
    "program level": "niveau",
    "program coaching": "begeleiding",
    "program prescription": "voorschrift",
    "program hold": "{seconds} s vasthouden",
}

BREATH_PHASES = frozenset({"inademen", "uitademen", "adem in", "adem uit"})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("been", None), "arm": ("arm", None), "hand": ("hand", None),
    "foot": ("voet", None), "knee": ("knie", None), "hip": ("heup", None),
}

GENDERS: dict[str, str] = {}
"""Dutch numbers and "linker"/"rechter" never change with the noun."""

SIDE_WORDS: dict[tuple[str, str], str] = {}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun; "honderdeen", not num2words' "honderdéén"."""
    w = num2words(n, lang="nl")
    return w[:-3] + "een" if w.endswith("één") and w != "één" else w
