"""Brazilian Portuguese, with "você" and the standard imperative ("segure", "respire"),
which sounds like a physio's instruction where the colloquial "segura!" sounds careless.

Numbers come from num2words' Brazilian converter ("dezesseis", not Portugal's "dezasseis").
Before a feminine unit "um"/"dois" become "uma"/"duas" and the hundreds agree ("vinte e duas
repetições", "duzentas"). "esquerdo"/"direito" agree with the noun ("perna esquerda", "braço
esquerdo"); in the routine's own text `{side}` is the masculine word and `{side:f}` the
feminine one.
"""

from __future__ import annotations

from num2words import num2words

PHRASES: dict[str, str | tuple[str, ...]] = {
    "countdown": ("três", "dois", "um"),
    "go": "vai",
    "rep": "repetição {n}",
    "last rep": "a última",
    "hold": "e segure",
    "hold and breathe": "e segure, respire fundo",
    "halfway": "estamos na metade",
    # "faltam {time}" would say "faltam um minuto"; "mais" takes any length
    "seconds left": "mais {time}",
    "relax": "e relaxe",
    "breathe in": "puxe o ar",
    "breathe out": "e solte",
    "rest": "e descanse, {time}",
    "set of": "série {n} de {total}",
    "last set": "última série",
    "dose reps": "{reps}",
    "dose reps each side": "{reps} de cada lado",
    "dose held reps": "{reps}, segurando {time}",
    "dose hold": "segure por {time}",
    "dose breaths": "segure por {breaths}",
    "dose reps with breaths": "{reps}, {breaths} em cada uma",
    "dose time": "{time}",
    "set line": "{set}: {dose}",
    "other side": "agora o outro lado: {side}",
    "section other side": "agora o outro lado",
    "round of": "rodada {n} de {total}",
    "reminder": "Se doer, pare.",
    "equipment": "Você vai precisar de: {items}.",
    "end": "Treino concluído. Muito bem.",
    "side": "lado {side}",
    "side lying": "deite do lado {side}",
    "side direction": "para a {side}",
    "side limb": "{limb} {side}",
    "side pair": "{first} {side} e {second} {other}",
    "left": "esquerdo",
    "right": "direito",
    "reps": ("uma repetição", "repetições"),
    "breaths": ("uma respiração profunda", "respirações profundas"),
    "breath reps": ("uma respiração", "respirações"),
    "seconds": ("um segundo", "segundos"),
    "minutes": ("um minuto", "minutos"),
    "duration": "{minutes} e {seconds}",  # "um minuto e trinta"
    "chapter part": "{title} · {part}",
    "chapter round": "rodada {n}",
    "chapter side": "lado {side}",
    "tag genre": "Fitness",
    "tag comment": "Fonte da rotina: {source}; nível {level}",
    "tag comment unsourced": "Rotina do audiocoach; nível {level}",
    "tag session title": "Semana {week}, dia {day}: {title}",
    "level easy": "fácil",
    "level medium": "médio",
    "level hard": "difícil",
    "coaching standard": "padrão",
    "coaching full": "completa",
    "coaching brief": "breve",
    "kind ready": "Preparação",
    "kind work": "Exercício",
    "kind hold": "Manter",
    "kind rest": "Descanso",
    "kind done": "Concluído",
    "page timeline": "Linha do tempo",
    "page position": "Posição na sessão",
    "page position text": "{time} de {total}",
    "page now": "Agora",
    "page exercise left": "Restante do exercício",
    "page session left": "Restante da sessão",
    "page next up": "A seguir:",
    "page finish": "Fim",
    "page set of": "Série {set} de {sets}",
    "page rep of": "repetição {rep} de {reps}",
    "page left": "esquerda",
    "page right": "direita",
    "page player": "Player",
    "page previous": "Exercício anterior",
    "page back": "Voltar 10 segundos",
    "page play": "Reproduzir",
    "page pause": "Pausar",
    "page forward": "Avançar 10 segundos",
    "page skip": "Próximo exercício",
    "page cannot play": "Não foi possível reproduzir: {error}",
    "page cannot load": "Não foi possível carregar o áudio “{mp3}”: mantenha esta página na "
                        "mesma pasta que o MP3.",
    "page screen note title": "Mantenha a tela ligada:",
    "page screen note": (
        "esta página não consegue impedir aqui que o celular bloqueie (para isso é preciso "
        "uma página https ou um navegador mais novo). Coloque o bloqueio automático em "
        "“nunca” enquanto treina (iPhone: Ajustes › Tela e Brilho › Bloqueio Automático; "
        "Android: Configurações › Tela › Tempo limite da tela) e volte depois."),
    "page exercises": "Exercícios",
    "page chapter": "{title}, começa em {start}, dura {length}",
    "svg label": "Linha do tempo: {title}",
    "svg ready": "Preparação / fim",
    "program week": "semana",
    "program day": "dia",
    "program session": "sessão",
    "program level": "nível",
    "program coaching": "orientação",
    "program prescription": "prescrição",
    "program hold": "segurar {seconds} s",
}

BREATH_PHASES = frozenset({"inspirar", "expirar", "inspire", "expire", "inspiração", "expiração"})
"""What a tempo phase of breathing in or out is called in this language: a set of only
these phases is a breathing drill ("six breaths", not "six reps")."""

LIMBS: dict[str, tuple[str, str | None]] = {
    "leg": ("perna", "f"), "arm": ("braço", "m"), "hand": ("mão", "f"),
    "foot": ("pé", "m"), "knee": ("joelho", "m"), "hip": ("quadril", "m"),
}

GENDERS: dict[str, str] = {
    "reps": "f", "breaths": "f", "breath reps": "f", "seconds": "m", "minutes": "m",
    "side direction": "f",  # "para a esquerda"
}

SIDE_WORDS: dict[tuple[str, str], str] = {("left", "f"): "esquerda", ("right", "f"): "direita"}

_FEMININE = {"um": "uma", "dois": "duas"}


def number(n: int, gender: str | None) -> str:
    """`n` in words before a noun of `gender`: 22 -> 'vinte e duas' (f), 200 -> 'duzentas'."""
    w = num2words(n, lang="pt_BR")
    if gender != "f":
        return w
    parts = w.split(" ")
    parts[-1] = _FEMININE.get(parts[-1], parts[-1])
    return " ".join(p.replace("entos", "entas") for p in parts)
