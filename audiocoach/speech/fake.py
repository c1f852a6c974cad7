"""A fake engine for fast tests: each phrase becomes a deterministic buzz whose length follows
the number of words. It never replaces the real-engine tests.

Its voices inject faults for the fault tests: `hang` never finishes a phrase containing
"hang", and `fail` raises on a phrase containing "fail"."""

from __future__ import annotations

import threading
import zlib

import numpy as np

from . import Speech, Voice

RATE = 22050
PARALLEL = True  # deterministic and cheap


class FakeEngine:

    def __init__(self, voice: Voice):
        self.words_per_second = voice.rate / 60
        self.fault = voice.voice if voice.voice in ("hang", "fail") else None

    def synthesize(self, text: str) -> Speech:
        if not text.strip():
            raise ValueError("empty phrase")
        if self.fault == "hang" and "hang" in text.lower():
            threading.Event().wait()  # forever
        if self.fault == "fail" and "fail" in text.lower():
            raise RuntimeError("the fake engine was told to fail on this phrase")
        seconds = 0.2 + len(text.split()) / self.words_per_second
        t = np.arange(int(seconds * RATE)) / RATE
        pitch = 120 + zlib.crc32(text.encode()) % 100
        tone = np.sin(2 * np.pi * pitch * t) * np.sin(2 * np.pi * 3 * t) ** 2
        pad = np.zeros(int(0.1 * RATE))  # engines leave silence around speech; so does this
        return Speech(np.concatenate([pad, tone * 12000, pad]).astype(np.int16), RATE)


def open_engine(voice: Voice) -> FakeEngine:
    return FakeEngine(voice)


def resolve(voice: Voice) -> Voice:
    """`voice` as it is: the buzz has no language."""
    return voice


def voice_languages(voice_id: str) -> tuple[str, ...]:
    """None: the buzz speaks every language alike."""
    return ()


def list_voices() -> list[tuple[str, str, tuple[str, ...]]]:
    """(id, description, languages) of each voice; the buzz has no language."""
    return [("default", "deterministic buzz, for tests", ()),
            ("hang", "never finishes a phrase with 'hang' in it", ()),
            ("fail", "raises on a phrase with 'fail' in it", ())]
