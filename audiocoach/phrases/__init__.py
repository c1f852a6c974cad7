"""Every word the coach says or writes on its own, in the patient's language: one catalog a
language (`en.py`, `de.py`, ...), each with the same keys. The routine's author writes the
rest, in the routine's `language:`.

The compiler never spells a built-in phrase itself; it asks a `Catalog`. Each language's
module holds its `PHRASES` and the grammar the shared templates can't carry: its limbs'
nouns and genders (`LIMBS`), the gender of each counted unit and of the noun a side word
agrees with (`GENDERS`), the gendered side words (`SIDE_WORDS`) and the number said before a
noun (`number`). The module-level names (`EN`, `phrase`, `words`, ...) are English's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Protocol

from num2words import num2words

from ..script import Side
from . import en

Table = Mapping[str, "str | tuple[str, ...]"]


@dataclass(frozen=True)
class Language:
    """A supported language: its tag, the module of its catalog, its English name, its
    ISO 639-2 code (ID3's language frames) and its num2words code."""

    tag: str
    module: str
    name: str
    iso639_2: str
    num2words: str


LANGUAGES = (
    Language("en", "en", "English", "eng", "en"),
    Language("en-GB", "en", "British English", "eng", "en"),
    Language("de", "de", "German", "deu", "de"),
    Language("es", "es", "Spanish", "spa", "es"),
    Language("fr", "fr", "French", "fra", "fr"),
    Language("it", "it", "Italian", "ita", "it"),
    Language("pt-BR", "pt_br", "Brazilian Portuguese", "por", "pt_BR"),
    Language("nl", "nl", "Dutch", "nld", "nl"),
)
DEFAULT = "en"
SUPPORTED = tuple(lang.tag for lang in LANGUAGES)
"""The tags a routine may give; a region of one of them (de-AT, es-MX) speaks its catalog."""
_BY_TAG = {lang.tag.lower(): lang for lang in LANGUAGES}
_ONLY_WITH_REGION = {"pt"}  # only the Brazilian catalog exists: `pt` alone is not enough
_TAG = re.compile(r"^([a-z]{2,3})(?:-([a-z]{2}|[0-9]{3}))?$", re.IGNORECASE)

WRITTEN = ("chapter ", "tag ", "level ", "coaching ", "kind ", "page ", "svg ", "program ")
"""How the keys of the written section begin: `built_in` leaves them out."""
UNITS = ("reps", "breaths", "breath reps", "seconds", "minutes")
SIDE_BLANK = re.compile(r"\{(side|other)(?::([^{}|]+)(?:\|([^{}|]+))?)?\}")
"""`{side}` and `{other}` in the routine's own text, with a gender (`{side:f}`) or the two
forms, left then right, of anything else (`{side:linken|rechten}`)."""


def normalise(tag: str) -> str | None:
    """`tag` in BCP 47's case ('pt-br' -> 'pt-BR') if it is supported or a region of a
    supported language ('de-at' -> 'de-AT'); None if it is not."""
    match = _TAG.match(tag.strip())
    if not match:
        return None
    base, region = match[1].lower(), (match[2] or "").upper()
    full = f"{base}-{region}" if region else base
    if full.lower() in _BY_TAG or (base in _BY_TAG and base not in _ONLY_WITH_REGION):
        return full
    return None


def language(tag: str) -> Language:
    """The language of a normalised supported tag: its own entry (en-GB, pt-BR) or its
    base's (de-AT -> de). Raises KeyError for a tag `normalise` refuses."""
    known = normalise(tag)
    if known is None:
        raise KeyError(tag)
    return _BY_TAG.get(known.lower()) or _BY_TAG[known.split("-")[0].lower()]


class Grammar(Protocol):
    """What a language's module gives besides its phrases (see the module docstring)."""

    BREATH_PHASES: frozenset[str]
    LIMBS: dict[str, tuple[str, str | None]]
    GENDERS: dict[str, str]
    SIDE_WORDS: dict[tuple[str, str], str]

    def number(self, n: int, gender: str | None) -> str: ...


def other_side(side: Side) -> Side:
    """The side that is not `side`."""
    return "right" if side == "left" else "left"


class Catalog:
    """One language's phrases and the functions that fill them in."""

    def __init__(self, lang: Language, table: Table, grammar: Grammar):
        self.language = lang
        self.table = table
        self.grammar = grammar
        # numbers in words, each made once: a workout says its counts hundreds of times
        self._words: dict[int, str] = {}
        self._before_noun: dict[tuple[int, str | None], str] = {}

    def is_breath_phase(self, name: str) -> bool:
        """Whether a tempo phase called `name` is breathing in or out, in this language or
        in English (a routine may keep the English phase names): 'einatmen', 'inhale'."""
        word = name.casefold()
        return word in self.grammar.BREATH_PHASES or word in en.BREATH_PHASES

    def phrase(self, key: str, **values: object) -> str:
        """The phrase `key` with its blanks filled: phrase('rest', time='thirty seconds')."""
        return self.template(key).format(**values)

    def template(self, key: str) -> str:
        """The phrase `key` with its blanks left in, for a writer that fills them itself
        (the page's code fills "{time} of {total}" as it plays)."""
        text = self.table[key]
        assert isinstance(text, str), key
        return text

    def phrase_list(self, key: str) -> tuple[str, ...]:
        """A phrase that is a sequence, such as the countdown."""
        value = self.table[key]
        assert isinstance(value, tuple), key
        return value

    def words(self, n: float) -> str:
        """12 -> 'twelve': the counting form ('eins', 'uno', not 'ein', 'un')."""
        if int(n) not in self._words:
            self._words[int(n)] = num2words(int(n), lang=self.language.num2words)
        return self._words[int(n)]

    def plural(self, n: float, unit: str) -> str:
        """(1, 'reps') -> 'one rep'; (10, 'reps') -> 'ten reps'; the number agrees with the
        unit (es: 'veintiuna repeticiones')."""
        one, many = self.phrase_list(unit)
        if int(n) == 1:
            return one
        key = (int(n), self.grammar.GENDERS.get(unit))
        if key not in self._before_noun:
            self._before_noun[key] = self.grammar.number(*key)
        return f"{self._before_noun[key]} {many}"

    def say_seconds(self, seconds: float) -> str:
        """30 -> 'thirty seconds', 90 -> 'one minute thirty'."""
        s = round(seconds)
        minutes, rest = divmod(s, 60)
        if not minutes:
            return self.plural(s, "seconds")
        said = self.plural(minutes, "minutes")
        return self.phrase("duration", minutes=said, seconds=self.words(rest)) if rest else said

    def side_word(self, side: Side, gender: str | None = None) -> str:
        """The word for `side` next to a noun of `gender`; the plain word without one."""
        return self.grammar.SIDE_WORDS.get((side, gender or "")) or self.phrase(side)

    def side_phrase(self, meaning: str | None, side: Side, short: bool = False) -> str:
        """What to say for `side` of an exercise whose side is `meaning`: None -> 'left
        side'; 'leg' -> 'left leg'; 'lying' -> 'lie on your left side'; 'direction' -> 'to
        the left'; 'arm and leg' -> 'left arm and right leg' (`short`: 'left arm')."""
        if meaning is None or meaning in ("lying", "direction"):
            key = "side" if meaning is None else f"side {meaning}"
            return self.phrase(key, side=self.side_word(side, self.grammar.GENDERS.get(key)))
        limbs = self.grammar.LIMBS
        if " and " in meaning:
            (first, g1), (second, g2) = (limbs[m] for m in meaning.split(" and "))
            if short:
                return self.phrase("side limb", side=self.side_word(side, g1), limb=first)
            return self.phrase("side pair", side=self.side_word(side, g1), first=first,
                               other=self.side_word(other_side(side), g2), second=second)
        noun, gender = limbs[meaning]
        return self.phrase("side limb", side=self.side_word(side, gender), limb=noun)

    def side_title(self, side: Side) -> str:
        """The side in a chapter title: 'left side'."""
        gender = self.grammar.GENDERS.get("chapter side")
        return self.phrase("chapter side", side=self.side_word(side, gender))

    def sided(self, text: str, side: Side | None) -> str:
        """The routine's own text with its sides filled in: 'band around your {side} foot'
        -> 'band around your left foot'; `{side:f}` the word for a feminine noun,
        `{side:linken|rechten}` the first form on the left, the second on the right;
        `{other...}` the same for the other side."""
        if side is None or "{" not in text:
            return text

        def fill(m: re.Match[str]) -> str:
            here = side if m[1] == "side" else other_side(side)
            if m[3] is not None:
                return m[2] if here == "left" else m[3]
            return self.side_word(here, m[2])

        return SIDE_BLANK.sub(fill, text)

    def chapter_title(self, name: str, context: Iterable[str]) -> str:
        """An exercise's chapter title with what tells its times apart: ('Clamshell',
        ('round 1', 'left side')) -> 'Clamshell · round 1 · left side'."""
        title = name
        for part in context:
            title = self.phrase("chapter part", title=title, part=part)
        return title

    def built_in(self) -> set[str]:
        """Every fixed spoken phrase (no blanks), for tests and for the recogniser's
        grammar."""
        out: set[str] = set()
        for key, value in self.table.items():
            if key.startswith(WRITTEN):
                continue
            if not isinstance(value, str):  # a tuple of words
                out.update(value)
            elif "{" not in value:
                out.add(value)
        return out


@cache
def _catalog(lang: Language) -> Catalog:
    module = import_module(f".{lang.module}", __name__)
    return Catalog(lang, module.PHRASES, module)


def catalog(tag: str = DEFAULT) -> Catalog:
    """The catalog of the supported tag `tag` (a region's is its language's: de-AT -> de)."""
    return _catalog(language(tag))


EN = en.PHRASES
_ENGLISH = catalog(DEFAULT)
phrase = _ENGLISH.phrase
phrase_list = _ENGLISH.phrase_list
words = _ENGLISH.words
plural = _ENGLISH.plural
say_seconds = _ENGLISH.say_seconds
side_phrase = _ENGLISH.side_phrase
chapter_title = _ENGLISH.chapter_title
built_in = _ENGLISH.built_in

__all__ = ["DEFAULT", "EN", "LANGUAGES", "SIDE_BLANK", "SUPPORTED", "UNITS", "WRITTEN",
           "Catalog", "Language", "built_in", "catalog", "chapter_title", "language",
           "normalise", "other_side", "phrase", "phrase_list", "plural", "say_seconds",
           "side_phrase", "words"]
