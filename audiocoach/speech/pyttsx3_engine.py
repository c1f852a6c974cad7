"""pyttsx3, the default engine: eSpeak NG on Linux, the system voices on macOS and Windows.

Pitfalls handled here (see the upstream issues named):
- Linux without a system eSpeak NG: the `espeakng-loader` wheel carries the library and its
  data; both must be set up before pyttsx3 is imported.
- One pyttsx3 engine per process, kept for the process's life: once the first is collected,
  the next pyttsx3.init() builds a new driver whose own defaults (its voice, 200 wpm) race
  the voice and rate asked for, and some phrases then come out at 200 wpm.
- The first runAndWait() after init() can return before the file is written (#219): a
  throw-away utterance after the voice is set avoids it.
- Several save_to_file() calls before one runAndWait() write only the last file (#170, #283):
  one save per runAndWait(), and the file is checked.
- Every save prints "Audio saved to ..." on stdout: it is swallowed, to keep stdout clean.
- save_to_file("") raises AssertionError: empty text never reaches it.
- sapi5 cannot list voices when one names several languages (#429): that is said.
- Files go through a private temporary folder; it is removed by close(), when the engine is
  collected, at exit, and at once when starting fails.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import io
import os
import shutil
import sys
import tempfile
import warnings
import wave
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EngineError
from . import Speech, Voice, VoiceWarning, describe, table_voice

DEFAULT_LINUX_VOICE = "gmw/en-us+edward"  # en-us, Klatt synthesis; see scripts/listen
LINUX_VOICES = {
    "en": DEFAULT_LINUX_VOICE, "en-GB": "gmw/en", "de": "gmw/de", "es": "roa/es",
    "fr": "roa/fr", "it": "roa/it", "pt-BR": "roa/pt-br", "nl": "gmw/nl",
}
"""The eSpeak NG voice of each supported language: the main national voice, plain (whether
the English +edward timbre is clearer in the others has not been heard out)."""
DEFAULT_REGION = {"en": "en-us", "es": "es-es", "fr": "fr-fr", "de": "de-de", "it": "it-it",
                  "pt": "pt-br", "nl": "nl-nl"}
"""The region a bare language tag means when a system voice is picked for it."""
MATCHES = ("exact", "default region", "language", "other region")
INSTALL_HINT = ("pip install pyttsx3 espeakng-loader (Linux), or install eSpeak NG "
                "(apt-get install libespeak-ng1)")
ADD_VOICE_HINT = {
    "darwin": "add one in System Settings › Accessibility › Spoken Content › System voice › "
              "Manage Voices… (tick a {name} voice and wait for the download; macOS 12 and "
              "earlier: System Preferences › Accessibility › Spoken Content), then run again",
    "win32": "add the language with its speech voice in Settings › Time & language › "
             "Language & region › Add a language (tick Text-to-speech); the voices desktop "
             "programs can use are listed in Control Panel › Speech Recognition › Text to "
             "Speech",
}
PARALLEL = True  # one engine per process; the cache runs several processes
_SHARED: list[tuple[Any, str | None]] = []
"""This process's one pyttsx3 engine and the voice it started with (see the docstring)."""


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


def _shared() -> tuple[Any, str | None]:
    """The process's pyttsx3 engine, started on first use and never let go, with the voice
    it started with (the system's default voice, for a Voice that names none)."""
    if not _SHARED:
        engine = _init()
        _SHARED.append((engine, engine.getProperty("voice")))
        # let it go while Python still runs: pyttsx3's finalizer fails once modules are gone
        atexit.register(_SHARED.clear)
    return _SHARED[0]


def _voices(engine) -> list:
    """The installed voices; EngineError when the driver cannot list them."""
    try:
        return list(engine.getProperty("voices"))
    except ValueError as err:  # sapi5: a voice naming several languages ("409;9")
        raise EngineError(f"pyttsx3 cannot list the installed voices: {err}",
                          hint="a voice that names several languages breaks the list "
                               "(pyttsx3 issue #429); remove or update that voice") from err


def _codes(voice) -> list[str]:
    """A pyttsx3 voice's languages, as text: 'de_DE' (nsss), 'de-DE' (sapi5), 'pt-br'."""
    return [c.decode("ascii", "replace") if isinstance(c, bytes) else str(c)
            for c in voice.languages or () if c]


class Pyttsx3Engine:

    def __init__(self, voice: Voice):
        self.engine, default = _shared()
        self.folder = tempfile.mkdtemp(prefix="audiocoach-tts-")
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        try:
            wanted = resolve(voice).voice
            if wanted and not _known(wanted, {v.id for v in _voices(self.engine)}):
                raise EngineError(f"pyttsx3 has no voice '{wanted}'",
                                  hint="`audiocoach voices` lists the installed ones")
            if wanted or default:
                self.engine.setProperty("voice", wanted or default)
            self.engine.setProperty("rate", voice.rate)
            self._save("warm up", Path(self.folder) / "warmup.wav")  # the #219 workaround
            self.speaking: str | None = self.engine.getProperty("voice")
            """The id of the voice that speaks, as the driver reports it."""
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the temporary folder (also done when the engine is collected, or at exit).
        The pyttsx3 engine itself stays, for the next one of this process."""
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


def resolve(voice: Voice) -> Voice:
    """`voice` with its voice id: the one it names; on Linux the eSpeak NG voice of its
    language (LINUX_VOICES); elsewhere the system's default voice (None) for English, and an
    installed voice of the language for the others (see `pick`)."""
    if voice.voice:
        return voice
    if sys.platform.startswith("linux"):
        found = table_voice(LINUX_VOICES, voice.language)
        if found is None:
            raise EngineError(f"no eSpeak NG voice speaks {describe(voice.language)}",
                              hint="`audiocoach voices` lists the installed ones")
        return replace(voice, voice=found)
    if voice.language == "en":
        return voice
    return replace(voice, voice=_system_voice(voice.language))


def _system_voice(tag: str) -> str:
    """The installed macOS or Windows voice that speaks `tag` best; EngineError saying how
    to add one when none does, a VoiceWarning when it is of another region."""
    picked = pick(_voices(_shared()[0]), tag)
    if picked is None:
        system = "macOS" if sys.platform == "darwin" else "Windows"
        hint = ADD_VOICE_HINT.get(sys.platform, "install a voice of that language")
        raise EngineError(f"no installed {system} voice speaks {describe(tag)}",
                          hint=hint.format(name=describe(tag).split(" (")[0]))
    voice_id, match = picked
    if match == "other region" or (match == "language" and "-" in tag):
        warnings.warn(VoiceWarning(f"using the voice '{voice_id}' for {describe(tag)}: no "
                                   f"installed voice speaks that region"), stacklevel=4)
    return voice_id


def pick(voices: list, tag: str) -> tuple[str, str] | None:
    """(voice id, how well it matches: one of MATCHES) of the voice that speaks the BCP 47
    `tag` best, or None when none speaks its language. Exact tag first ('pt-BR' -> pt-br),
    then the language's default region ('fr' -> fr-fr), then the bare language ('de-DE' ->
    de), and only then another region of the language ('pt-BR' -> pt-PT)."""
    want = tag.replace("_", "-").lower()
    lang = want.split("-")[0]
    best: tuple[int, str] | None = None
    for v in voices:
        for code in (c.replace("_", "-").lower() for c in _codes(v)):
            if code.split("-")[0] != lang:
                continue
            rank = (0 if code == want else
                    1 if "-" not in want and code == DEFAULT_REGION.get(lang) else
                    2 if "-" not in code or "-" not in want else 3)
            if best is None or rank < best[0]:
                best = (rank, v.id)
    return None if best is None else (best[1], MATCHES[best[0]])


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


def list_voices() -> list[tuple[str, str, tuple[str, ...]]]:
    """(id, name, languages) of each installed voice."""
    return [(v.id, v.name, tuple(_codes(v))) for v in _voices(_shared()[0])]


def voice_languages(voice_id: str) -> tuple[str, ...]:
    """The languages the installed voice `voice_id` speaks (a "+variant" speaks its base's);
    empty when there is no such voice."""
    base = voice_id.partition("+")[0]
    return next((codes for vid, _name, codes in list_voices() if vid in (voice_id, base)), ())
