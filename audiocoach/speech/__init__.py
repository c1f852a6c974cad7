"""Speech engines behind one small interface. Each is imported only when chosen, so a heavy
optional engine (Piper) never slows or breaks the default one (pyttsx3)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..errors import EngineError

ENGINES = {
    "pyttsx3": "audiocoach.speech.pyttsx3_engine",
    "piper": "audiocoach.speech.piper_engine",
    "fake": "audiocoach.speech.fake",
}


@dataclass(frozen=True)
class Voice:
    """What the user picks: an engine, a voice of that engine and a pace."""

    engine: str = "pyttsx3"
    voice: str | None = None
    """Engine-specific voice id; None for the engine's default."""
    rate: int = 165
    """Words a minute (pyttsx3), or the same pace mapped onto Piper's length scale."""

    def key(self) -> str:
        return f"{self.engine}|{self.voice or 'default'}|{self.rate}"


@dataclass(frozen=True)
class Speech:
    """Raw engine output: mono int16 samples."""

    samples: np.ndarray
    sample_rate: int


class Engine(Protocol):
    def synthesize(self, text: str) -> Speech: ...


def runs_in_parallel(voice: Voice) -> bool:
    """Whether several processes may synthesize at once with this engine (each module says,
    in PARALLEL, without the engine being started)."""
    return bool(getattr(importlib.import_module(ENGINES[voice.engine]), "PARALLEL", False))


def open_engine(voice: Voice) -> Engine:
    """Import and start the engine `voice` names."""
    if voice.engine not in ENGINES:
        raise EngineError(f"unknown engine '{voice.engine}'",
                          hint=f"choose one of: {', '.join(ENGINES)}")
    module = importlib.import_module(ENGINES[voice.engine])
    return module.open_engine(voice)


def list_voices(engine: str) -> list[tuple[str, str]]:
    """(id, description) of each installed voice of `engine`."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine '{engine}'",
                          hint=f"choose one of: {', '.join(ENGINES)}")
    return importlib.import_module(ENGINES[engine]).list_voices()
