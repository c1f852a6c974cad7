"""Italian, with "tu", as spoken exercise coaching says it ("tieni", "rilassati").

One of a unit is its whole phrase ("una ripetizione", "un minuto"); from two on the number
never changes. "sinistro"/"destro" agree with the noun ("gamba sinistra", "braccio
sinistro"); in the routine's own text `{side}` is the masculine word and `{side:f}` the
feminine one.
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("tre", "due", "uno"),
    "go": "via",
    "rep": "ripetizione {n}",
    "last rep": "l'ultima",
    "hold": "e tieni",
    "hold and breathe": "e tieni, respira profondamente",
    "halfway": "sei a metà",
    "seconds left": "ancora {time}",
    "relax": "e rilassati",
    "breathe in": "inspira",
    "breathe out": "ed espira",
    "rest": "e riposa, {time}",
    "set of": "serie {n} di {total}",
    "last set": "ultima serie",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} per lato",
    "dose held reps": "{reps}, tenendo {time}",
    "dose hold": "tieni per {time}",
    "dose breaths": "tieni per {breaths}",
    "dose reps with breaths": "{reps}, {breaths} ciascuna",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "ora l'altro lato: {side}",
    "section other side": "ora l'altro lato",
    "round of": "giro {n} di {total}",
    "reminder": "Se senti dolore, fermati.",
    # "ti serve"/"ti servono" would agree with the number of items; "prepara" needn't
    "equipment": "Prepara: {items}.",
    "end": "Allenamento finito. Ottimo lavoro.",
    "side": "lato {side}",
    "side lying": "sdraiati sul fianco {side}",
    "side direction": "verso {side}",
    "side limb": "{limb} {side}",
    "side pair": "{first} {side} e {second} {other}",
    "left": "sinistro",
    "right": "destro",
    "reps": ("una ripetizione", "ripetizioni"),
    "breaths": ("un respiro profondo", "respiri profondi"),
    "breath reps": ("un respiro", "respiri"),
    "seconds": ("un secondo", "secondi"),
    "minutes": ("un minuto", "minuti"),
    "duration": "{minutes} e {seconds}",  # "un minuto e trenta"
    "chapter part": "{title} · {part}",
    "chapter round": "giro {n}",
    "chapter side": "lato {side}",
    "tag genre": "Fitness",
    "tag comment": "Fonte della routine: {source}; livello {level}",
    "tag comment unsourced": "Routine audiocoach; livello {level}",
    "tag session title": "Settimana {week}, giorno {day}: {title}",
    "level easy": "facile",
    "level medium": "medio",
    "level hard": "difficile",
    "coaching standard": "standard",
    "coaching full": "completa",
    "coaching brief": "breve",
    "kind ready": "Preparazione",
    "kind work": "Lavoro",
    "kind hold": "Tenuta",
    "kind rest": "Recupero",
    "kind done": "Finito",
    "page timeline": "Sequenza temporale",
    "page position": "Posizione nella sessione",
    "page position text": "{time} di {total}",
    "page now": "Ora",
    "page exercise left": "Resto dell'esercizio",
    "page session left": "Resto della sessione",
    "page next up": "A seguire:",
    "page finish": "Fine",
    "page set of": "Serie {set} di {sets}",
    "page rep of": "ripetizione {rep} di {reps}",
    "page left": "sinistra",
    "page right": "destra",
    "page player": "Lettore",
    "page previous": "Esercizio precedente",
    "page back": "Indietro di 10 secondi",
    "page play": "Riproduci",
    "page pause": "Pausa",
    "page forward": "Avanti di 10 secondi",
    "page skip": "Esercizio successivo",
    "page cannot play": "Impossibile riprodurre: {error}",
    "page cannot load": "Impossibile caricare l'audio «{mp3}»: tieni questa pagina nella "
                        "stessa cartella dell'MP3.",
    "page screen note title": "Tieni lo schermo acceso:",
    "page screen note": (
        "questa pagina qui non può impedire il blocco del telefono (serve una pagina https o "
        "un browser più recente). Imposta il blocco automatico su «mai» mentre ti alleni "
        "(iPhone: Impostazioni › Schermo e luminosità › Blocco automatico; Android: "
        "Impostazioni › Display › Spegnimento schermo) e poi rimettilo com'era."),
    "page exercises": "Esercizi",
    "page chapter": "{title}, inizia a {start}, dura {length}",
    "svg label": "Sequenza temporale: {title}",
    "svg ready": "Preparazione / fine",
    "program week": "settimana",
    "program day": "giorno",
    "program session": "sessione",
    "program level": "livello",
    "program coaching": "guida",
    "program prescription": "prescrizione",
    "program hold": "tenuta {seconds} s",
}

BREATH_PHASES = frozenset({
    "inspirare", "espirare", "inspira",
    "espira", "inspirazione", "espirazione",
})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("gamba", "f"), "arm": ("braccio", "m"), "hand": ("mano", "f"),
    "foot": ("piede", "m"), "knee": ("ginocchio", "m"), "hip": ("anca", "f"),
}

GENDERS: dict[str, str] = {
    "reps": "f", "breaths": "m", "breath reps": "m", "seconds": "m", "minutes": "m",
    "side direction": "f",  # "verso sinistra"
}

SIDE_WORDS: dict[tuple[str, str], str] = {("left", "f"): "sinistra", ("right", "f"): "destra"}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun; from two on Italian says it as it counts."""
    return num2words(n, lang="it")
