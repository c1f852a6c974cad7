"""French, with "vous", as a kinésithérapeute says it to an adult patient.

Every unit is feminine, so "un" becomes "une" ("une répétition", "vingt et une secondes");
"gauche" never changes and "droit" does ("la jambe droite", "le côté droit"). In the
routine's own text `{side}` is the masculine word and `{side:f}` the feminine one. A plain
space goes before ":" (French typography).
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("trois", "deux", "un"),
    "go": "allez",
    "rep": "répétition {n}",
    "last rep": "la dernière",
    "hold": "et tenez",
    "hold and breathe": "et tenez, respirez profondément",
    "halfway": "on est à la moitié",
    "seconds left": "encore {time}",
    "relax": "et relâchez",
    "breathe in": "inspirez",
    "breathe out": "et soufflez",
    "rest": "et repos, {time}",
    "set of": "série {n} sur {total}",
    "last set": "dernière série",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} de chaque côté",
    "dose held reps": "{reps}, avec {time} de maintien",
    "dose hold": "tenez {time}",
    "dose breaths": "tenez le temps de {breaths}",
    "dose reps with breaths": "{reps}, {breaths} à chaque fois",
    "dose time": "{time}",
    "set line": "{set} : {dose}",
    "other side": "maintenant, l'autre côté : {side}",
    "section other side": "maintenant, l'autre côté",
    "round of": "tour {n} sur {total}",
    "reminder": "Arrêtez si vous avez mal.",
    "equipment": "Il vous faut : {items}.",
    "end": "Séance terminée. Bravo.",
    "side": "côté {side}",
    "side lying": "allongez-vous sur le côté {side}",
    "side direction": "vers la {side}",
    "side limb": "{limb} {side}",
    "side pair": "{first} {side} et {second} {other}",
    "left": "gauche",
    "right": "droit",
    "reps": ("une répétition", "répétitions"),
    "breaths": ("une respiration profonde", "respirations profondes"),
    "breath reps": ("une respiration", "respirations"),
    "seconds": ("une seconde", "secondes"),
    "minutes": ("une minute", "minutes"),
    "duration": "{minutes} {seconds}",
    "chapter part": "{title} · {part}",
    "chapter round": "tour {n}",
    "chapter side": "côté {side}",
    "tag genre": "Fitness",
    "tag comment": "Source de la routine : {source} ; niveau {level}",
    "tag comment unsourced": "Routine audiocoach ; niveau {level}",
    "tag session title": "Semaine {week}, jour {day} : {title}",
    "level easy": "facile",
    "level medium": "moyen",
    "level hard": "difficile",
    "coaching standard": "standard",
    "coaching full": "complet",
    "coaching brief": "bref",
    "kind ready": "Préparation",
    "kind work": "Effort",
    "kind hold": "Maintien",
    "kind rest": "Repos",
    "kind done": "Terminé",
    "page timeline": "Chronologie",
    "page position": "Position dans la séance",
    "page position text": "{time} sur {total}",
    "page now": "Maintenant",
    "page exercise left": "Reste de l'exercice",
    "page session left": "Reste de la séance",
    "page next up": "Ensuite :",
    "page finish": "Fin",
    "page set of": "Série {set} sur {sets}",
    "page rep of": "répétition {rep} sur {reps}",
    "page left": "gauche",
    "page right": "droite",
    "page player": "Lecteur",
    "page previous": "Exercice précédent",
    "page back": "Reculer de 10 secondes",
    "page play": "Lecture",
    "page pause": "Pause",
    "page forward": "Avancer de 10 secondes",
    "page skip": "Exercice suivant",
    "page cannot play": "Lecture impossible : {error}",
    "page cannot load": "Impossible de charger l'audio « {mp3} » : gardez cette page dans le "
                        "même dossier que le MP3.",
    "page screen note title": "Gardez l'écran allumé :",
    "page screen note": (
        "cette page ne peut pas empêcher ici le verrouillage du téléphone (il faut pour cela "
        "une page https ou un navigateur plus récent). Réglez le verrouillage automatique sur "
        "« jamais » pendant la séance (iPhone : Réglages › Luminosité et affichage › "
        "Verrouillage automatique ; Android : Paramètres › Affichage › Mise en veille de "
        "l'écran), puis remettez-le ensuite."),
    "page exercises": "Exercices",
    "page chapter": "{title}, commence à {start}, dure {length}",
    "svg label": "Chronologie : {title}",
    "svg ready": "Préparation / fin",
    "program week": "semaine",
    "program day": "jour",
    "program session": "séance",
    "program level": "niveau",
    "program coaching": "guidage",
    "program prescription": "prescription",
    "program hold": "maintien {seconds} s",
}

BREATH_PHASES = frozenset({
    "inspirer", "expirer", "inspirez",
    "expirez", "inspiration", "expiration",
})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("jambe", "f"), "arm": ("bras", "m"), "hand": ("main", "f"),
    "foot": ("pied", "m"), "knee": ("genou", "m"), "hip": ("hanche", "f"),
}

GENDERS: dict[str, str] = {
    "reps": "f", "breaths": "f", "breath reps": "f", "seconds": "f", "minutes": "f",
    "side direction": "f",  # "vers la droite"
}

SIDE_WORDS: dict[tuple[str, str], str] = {("left", "f"): "gauche", ("right", "f"): "droite"}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun of `gender`: 21 -> 'vingt et une' (f)."""
    w = num2words(n, lang="fr")
    if gender == "f" and (w == "un" or w.endswith((" un", "-un"))):
        w = w[:-2] + "une"
    return w
