"""Spanish, with "usted" (never wrong with an adult patient, in Spain or Latin America).

The number before a feminine unit agrees with it ("veintiuna repeticiones", "doscientas");
"izquierdo"/"derecho" agree with the noun ("pierna izquierda", "brazo izquierdo", "el lado
izquierdo"). In the routine's own text `{side}` is the masculine word and `{side:f}` the
feminine one ("la pierna {side:f}").
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("tres", "dos", "uno"),
    "go": "ya",
    "rep": "repetición {n}",
    "last rep": "la última",
    "hold": "y mantenga",
    "hold and breathe": "y mantenga, respire hondo",
    "halfway": "vamos por la mitad",
    # "quedan {time}" would say "quedan un minuto"; this says any length
    "seconds left": "{time} para terminar",
    "relax": "y relájese",
    "breathe in": "tome aire",
    "breathe out": "y suelte el aire",
    "rest": "y descanse, {time}",
    "set of": "serie {n} de {total}",
    "last set": "última serie",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} por lado",
    "dose held reps": "{reps}, manteniendo {time}",
    "dose hold": "mantenga {time}",
    "dose breaths": "mantenga durante {breaths}",
    "dose reps with breaths": "{reps}, {breaths} en cada una",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "ahora el otro lado: {side}",
    "section other side": "ahora el otro lado",
    "round of": "ronda {n} de {total}",
    "reminder": "Si le duele, pare.",
    "equipment": "Va a necesitar: {items}.",
    "end": "Sesión terminada. Muy bien hecho.",
    "side": "lado {side}",
    "side lying": "túmbese sobre el lado {side}",
    "side direction": "hacia la {side}",
    "side limb": "{limb} {side}",
    "side pair": "{first} {side} y {second} {other}",
    "left": "izquierdo",
    "right": "derecho",
    "reps": ("una repetición", "repeticiones"),
    "breaths": ("una respiración profunda", "respiraciones profundas"),
    "breath reps": ("una respiración", "respiraciones"),
    "seconds": ("un segundo", "segundos"),
    "minutes": ("un minuto", "minutos"),
    "duration": "{minutes} {seconds}",
    "chapter part": "{title} · {part}",
    "chapter round": "ronda {n}",
    "chapter side": "lado {side}",
    "tag genre": "Fitness",
    "tag comment": "Fuente de la rutina: {source}; nivel {level}",
    "tag comment unsourced": "Rutina de audiocoach; nivel {level}",
    "tag session title": "Semana {week}, día {day}: {title}",
    "level easy": "fácil",
    "level medium": "medio",
    "level hard": "difícil",
    "coaching standard": "estándar",
    "coaching full": "completa",
    "coaching brief": "breve",
    "kind ready": "Preparación",
    "kind work": "Trabajo",
    "kind hold": "Mantener",
    "kind rest": "Descanso",
    "kind done": "Terminado",
    "page timeline": "Línea de tiempo",
    "page position": "Posición en la sesión",
    "page position text": "{time} de {total}",
    "page now": "Ahora",
    "page exercise left": "Resto del ejercicio",
    "page session left": "Resto de la sesión",
    "page next up": "A continuación:",
    "page finish": "Fin",
    "page set of": "Serie {set} de {sets}",
    "page rep of": "repetición {rep} de {reps}",
    "page left": "izquierda",
    "page right": "derecha",
    "page player": "Reproductor",
    "page previous": "Ejercicio anterior",
    "page back": "Retroceder 10 segundos",
    "page play": "Reproducir",
    "page pause": "Pausa",
    "page forward": "Avanzar 10 segundos",
    "page skip": "Ejercicio siguiente",
    "page cannot play": "No se pudo reproducir: {error}",
    "page cannot load": "No se puede cargar el audio «{mp3}»: guarde esta página en la misma "
                        "carpeta que el MP3.",
    "page screen note title": "Mantenga la pantalla encendida:",
    "page screen note": (
        "esta página no puede impedir aquí que el teléfono se bloquee (hace falta una página "
        "https o un navegador más reciente). Ponga el bloqueo automático en «nunca» mientras "
        "entrena (iPhone: Ajustes › Pantalla y brillo › Bloqueo automático; Android: Ajustes "
        "› Pantalla › Tiempo de espera de la pantalla) y vuelva a cambiarlo después."),
    "page exercises": "Ejercicios",
    "page chapter": "{title}, empieza en {start}, dura {length}",
    "svg label": "Línea de tiempo: {title}",
    "svg ready": "Preparación / fin",
    "program week": "semana",
    "program day": "día",
    "program session": "sesión",
    "program level": "nivel",
    "program coaching": "guía",
    "program prescription": "pauta",
    "program hold": "mantener {seconds} s",
}

BREATH_PHASES = frozenset({
    "inspirar", "espirar", "inhalar", "exhalar",
    "inspire", "espire", "inhale", "exhale",
})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("pierna", "f"), "arm": ("brazo", "m"), "hand": ("mano", "f"),
    "foot": ("pie", "m"), "knee": ("rodilla", "f"), "hip": ("cadera", "f"),
}

GENDERS: dict[str, str] = {
    "reps": "f", "breaths": "f", "breath reps": "f", "seconds": "m", "minutes": "m",
    "side direction": "f",  # "hacia la izquierda"
}

SIDE_WORDS: dict[tuple[str, str], str] = {("left", "f"): "izquierda", ("right", "f"): "derecha"}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun of `gender`: 21 -> 'veintiún' (m), 'veintiuna' (f);
    200 -> 'doscientas' (f)."""
    w = num2words(n, lang="es")
    if w.endswith("uno"):
        w = w[:-3] + ("una" if gender == "f" else "ún" if w == "veintiuno" else "un")
    if gender == "f":
        w = w.replace("ientos", "ientas")
    return w
