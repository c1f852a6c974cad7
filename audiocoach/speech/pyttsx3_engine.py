"""pyttsx3, the default engine: eSpeak NG on Linux, the system voices on macOS and Windows.

Pitfalls handled here (see the upstream issues named):
- Linux without a system eSpeak NG: the `espeakng-loader` wheel carries the library and its
  data; both must be set up before pyttsx3 is imported.
- The first runAndWait() after init() can return before the file is written (#219): a
  throw-away utterance right after init() avoids it.
- Several save_to_file() calls before one runAndWait() write only the last file (#170, #283):
  one save per runAndWait(), and the file is checked.
- Every save prints "Audio saved to ..." on stdout: it is swallowed, to keep stdout clean.
- save_to_file("") raises AssertionError: empty text never reaches it.
- Files go through a private temporary folder; it is removed by close(), when the engine is
  collected, at exit, and at once when starting fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import shutil
import sys
import tempfile
import wave
import weakref
from pathlib import Path

import numpy as np

from ..errors import EngineError
from . import Speech, Voice

DEFAULT_LINUX_VOICE = "gmw/en-us+edward"  # en-us, Klatt synthesis; see scripts/listen
INSTALL_HINT = ("pip install pyttsx3 espeakng-loader (Linux), or install eSpeak NG "
                "(apt-get install libespeak-ng1)")
PARALLEL = True  # one engine per process; the cache runs several processes


def _load_espeak() -> None:
    """Make the eSpeak NG from the espeakng-loader wheel visible to pyttsx3 (Linux only)."""
    if not sys.platform.startswith("linux") or "pyttsx3" in sys.modules:
        return
    try:
        import espeakng_loader
    except ImportError:
        return  # fall back to a system libespeak-ng, if any
    os.environ.setdefault("ESPEAK_DATA_PATH", espeakng_loader.get_data_path())
    ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)


def _init():
    _load_espeak()
    try:
        import pyttsx3
        with contextlib.redirect_stdout(io.StringIO()):
            return pyttsx3.init()
    except Exception as err:  # pyttsx3 raises bare RuntimeError/OSError when no backend loads
        raise EngineError(f"the pyttsx3 engine could not start: {err}", hint=INSTALL_HINT) from err


class Pyttsx3Engine:

    def __init__(self, voice: Voice):
        self.engine = _init()
        self.folder = tempfile.mkdtemp(prefix="audiocoach-tts-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        try:
            if voice.voice or sys.platform.startswith("linux"):
                wanted = voice.voice or DEFAULT_LINUX_VOICE
                ids = {v.id for v in self.engine.getProperty("voices")}
                if not _known(wanted, ids):
                    raise EngineError(f"pyttsx3 has no voice '{wanted}'",
                                      hint="`audiocoach voices` lists the installed ones")
                self.engine.setProperty("voice", wanted)
            self.engine.setProperty("rate", voice.rate)
            self._save("warm up", Path(self.folder) / "warmup.wav")  # the #219 workaround
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the temporary folder (also done when the engine is collected, or at exit)."""
        self._cleanup()

    def __enter__(self) -> Pyttsx3Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _save(self, text: str, path: Path) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            self.engine.save_to_file(text, str(path))
            self.engine.runAndWait()

    def synthesize(self, text: str) -> Speech:
        if not text.strip():
            raise EngineError("cannot say an empty phrase")
        path = Path(self.folder) / "phrase.wav"
        for _attempt in range(3):
            path.unlink(missing_ok=True)
            self._save(text, path)
            speech = _read_wav(path)
            if speech is not None:
                return speech
        raise EngineError(f"pyttsx3 wrote no audio for the phrase '{text}'")


def _known(wanted: str, ids: set[str]) -> bool:
    """Whether eSpeak NG has the voice: an id from its list, or such an id with a "+variant"
    suffix ("gmw/en-us+edward") whose variant file is in its data. (eSpeak takes an unknown
    variant without complaint and speaks the plain voice, so the file is looked for.)"""
    base, plus, variant = wanted.partition("+")
    if base not in ids:
        return False
    if not plus:
        return True
    folders = [Path(p) / "voices" / "!v" for p in _data_paths()]
    folders = [f for f in folders if f.is_dir()]
    return not folders or any((f / variant).is_file() for f in folders)


def _data_paths() -> list[str]:
    paths = [os.environ.get("ESPEAK_DATA_PATH", "")]
    paths += [f"/usr/lib/{arch}/espeak-ng-data" for arch in ("x86_64-linux-gnu",
                                                             "aarch64-linux-gnu")]
    return [p for p in [*paths, "/usr/share/espeak-ng-data"] if p]


def _read_wav(path: Path) -> Speech | None:
    try:
        with wave.open(str(path), "rb") as wav:
            frames = wav.readframes(wav.getnframes())
            if wav.getsampwidth() != 2 or not frames:
                return None
            samples = np.frombuffer(frames, dtype="<i2")
            if wav.getnchannels() > 1:
                samples = samples.reshape(-1, wav.getnchannels()).mean(axis=1).astype(np.int16)
            return Speech(samples.copy(), wav.getframerate())
    except (OSError, EOFError, wave.Error):
        return None


def open_engine(voice: Voice) -> Pyttsx3Engine:
    return Pyttsx3Engine(voice)


def list_voices() -> list[tuple[str, str]]:
    engine = _init()
    return [(v.id, v.name) for v in engine.getProperty("voices")]
