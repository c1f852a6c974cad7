"""Speech engines behind one small interface. Each is imported only when chosen, so a heavy
optional engine (Piper) never slows or breaks the default one (pyttsx3).

A `Voice` names an engine, a voice and a pace, and the language it is to speak: the engine
picks its voice for that language when none is named (`resolve`), and a named voice that
speaks another language is warned of (`mismatch`)."""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import numpy as np

from ..errors import EngineError
from ..phrases import LANGUAGES, language

ENGINES = {
    "pyttsx3": "audiocoach.speech.pyttsx3_engine",
    "piper": "audiocoach.speech.piper_engine",
    "fake": "audiocoach.speech.fake",
}


class VoiceWarning(UserWarning):
    """The voice speaks another language than the routine, or another region of it."""


@dataclass(frozen=True)
class Voice:
    """What the user picks: an engine, a voice of that engine and a pace; and the language
    it speaks (the routine's), which picks the voice when none is named."""

    engine: str = "pyttsx3"
    voice: str | None = None
    """Engine-specific voice id; None for the engine's voice of `language`."""
    rate: int = 165
    """Words a minute (pyttsx3), or the same pace mapped onto Piper's length scale."""
    language: str = "en"
    """The BCP 47 tag of the language it speaks."""

    def key(self) -> str:
        """What tells its clips apart in the phrase cache: engine, voice, pace, language."""
        return f"{self.engine}|{self.voice or 'default'}|{self.rate}|{self.language}"


@dataclass(frozen=True)
class Speech:
    """Raw engine output: mono int16 samples."""

    samples: np.ndarray
    sample_rate: int


class Engine(Protocol):
    def synthesize(self, text: str) -> Speech: ...


def _module(engine: str) -> ModuleType:
    """The module of `engine`, imported; EngineError for an engine there is not."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine '{engine}'",
                          hint=f"choose one of: {', '.join(ENGINES)}")
    return importlib.import_module(ENGINES[engine])


def runs_in_parallel(voice: Voice) -> bool:
    """Whether several processes may synthesize at once with this engine (each module says,
    in PARALLEL, without the engine being started)."""
    return bool(getattr(_module(voice.engine), "PARALLEL", False))


def open_engine(voice: Voice) -> Engine:
    """Import and start the engine `voice` names."""
    return _module(voice.engine).open_engine(voice)


def resolve(voice: Voice) -> Voice:
    """`voice` with the id of the voice that will speak filled in: the engine's voice of its
    language when it names none (None stays for a system's own default voice). Raises
    EngineError, saying how to add one, when no installed voice speaks the language; a
    voice of another region is announced with a VoiceWarning."""
    resolved: Voice = _module(voice.engine).resolve(voice)
    return resolved


def list_voices(engine: str, tag: str | None = None) -> list[tuple[str, str]]:
    """(id, description) of each installed voice of `engine`; with `tag`, only those that
    speak that language (any region of it)."""
    voices = _module(engine).list_voices()
    return [(vid, name) for vid, name, codes in voices
            if tag is None or any(same_language(code, tag, region=False) for code in codes)]


def mismatch(voice: Voice) -> str | None:
    """Why the voice named in `voice` does not suit its language (another language, or
    another region of it), or None when it does, when none is named or when the engine
    cannot tell what its voice speaks."""
    if voice.voice is None:
        return None
    codes = _module(voice.engine).voice_languages(voice.voice)
    if not codes or any(same_language(code, voice.language) for code in codes):
        return None
    return (f"the voice '{voice.voice}' speaks {describe(codes[0])}; the routine is in "
            f"{describe(voice.language)}, so its words may be mispronounced")


def warn_mismatch(voice: Voice) -> None:
    """A VoiceWarning when the named voice speaks another language than `voice.language`."""
    why = mismatch(voice)
    if why:
        warnings.warn(VoiceWarning(why), stacklevel=3)


def same_language(code: str, tag: str, region: bool = True) -> bool:
    """Whether a voice's language `code` ('pt-br', 'de_DE', 'en-gb-x-rp') speaks `tag`: the
    same language, and (with `region`) the same region when both name one."""
    mine, theirs = _subtags(code), _subtags(tag)
    if mine[0] != theirs[0]:
        return False
    return not region or not mine[1] or not theirs[1] or mine[1] == theirs[1]


def _subtags(code: str) -> tuple[str, str]:
    """(language, region) of a tag in any case, with '-' or '_': 'pt_BR' -> ('pt', 'br')."""
    parts = code.replace("_", "-").lower().split("-")
    return parts[0], parts[1] if len(parts) > 1 and len(parts[1]) in (2, 3) else ""


def describe(code: str) -> str:
    """A language code as people read it: 'de' -> 'German (de)'; an unknown one as it is."""
    wanted = code.replace("_", "-").lower()
    names = {lang.tag.lower(): lang.name for lang in LANGUAGES}
    name = names.get(wanted) or names.get(_subtags(code)[0])
    return f"{name} ({code})" if name else f"'{code}'"


def table_voice(table: dict[str, str], tag: str) -> str | None:
    """The voice a per-language `table` (keyed by supported tags) gives `tag`: its own
    entry, or its language's (de-AT -> de); None when it has none."""
    try:
        return table.get(tag) or table.get(language(tag).tag)
    except KeyError:
        return None
