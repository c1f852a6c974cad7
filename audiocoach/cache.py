"""The phrase cache: each distinct phrase is synthesized once per engine, voice, rate, language,
text and cache format version, and kept on disk as a ready clip (44.1 kHz int16 WAV). The
voice is the one that speaks (`speech.resolve`: the language's own when none is named), so a
clip of one voice or language is never taken for another's.

Writes are atomic (temporary name, then rename: see atomic.py), so two processes can share
the cache and a killed run leaves no half entry. A damaged entry (truncated, garbage, wrong
format) is detected on read and made again. Missing phrases are synthesized in parallel across
the cores when the engine allows it.

The cache is only an optimisation: when it cannot be read or written (a read-only or full
disk, a folder where an entry belongs, a file where a folder belongs) it gives one
CacheWarning and the render goes on, synthesizing what it needs.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import stat
import threading
import warnings
import wave
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import platformdirs

from . import sound
from .atomic import atomic_file
from .errors import EngineError
from .sound import Clips
from .speech import Engine, Voice, open_engine, resolve, runs_in_parallel

FORMAT_VERSION = 3
"""3: the key names the voice that speaks and its language."""
PHRASE_TIMEOUT_S = 60.0
Progress = Callable[[int], None]


def default_folder() -> Path:
    return Path(platformdirs.user_cache_dir("audiocoach")) / "phrases"


def frame_folder(folder: Path | None = None) -> Path:
    """Where the frame cache (splice.py) keeps encoded islands: beside the phrases."""
    return (Path(folder) if folder else default_folder()) / "frames"


class CacheWarning(UserWarning):
    """The phrase cache could not be read or written; the work went on without it."""


class _NotAFile(OSError):
    """Something other than a file (a folder, a FIFO) is where a cache entry belongs."""


class PhraseCache:
    def __init__(self, voice: Voice, folder: Path | None = None, workers: int | None = None,
                 timeout: float = PHRASE_TIMEOUT_S, min_per_worker: int = 20):
        self.voice = resolve(voice)
        """`voice` with the id of the voice that speaks (see speech.resolve)."""
        self.min_per_worker = min_per_worker
        self.timeout = timeout
        """Seconds a phrase may take before the engine is taken to have hung."""
        self.folder = Path(folder) if folder else default_folder()
        self.workers = workers or os.cpu_count() or 1
        self.synthesized = 0
        """How many phrases this cache had to synthesize (the rest were on disk)."""
        self.fault: str | None = None
        """The first problem with the cache folder, if any (it was warned of, once)."""

    def path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{FORMAT_VERSION}|{self.voice.key()}|{text}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def get(self, text: str) -> np.ndarray | None:
        """The clip for `text`, or None when it is missing, damaged or cannot be read."""
        try:
            return _read_clip(self.path(text))
        except OSError as err:
            self._warn("read", err)
            return None

    def _warn(self, doing: str, err: OSError) -> None:
        """One CacheWarning per cache; the message names no entry, so that the warnings
        module shows it once however many renders meet the same fault."""
        if self.fault is not None:
            return
        why = err.strerror or str(err)
        if isinstance(err, _NotAFile) or err.errno in (errno.EEXIST, errno.ENOTDIR,
                                                       errno.EISDIR):
            why += " (a file or folder of the cache is replaced by something else)"
        self.fault = (f"cannot {doing} the phrase cache {self.folder}: {why}; going on "
                      f"without it (phrases are synthesized as needed)")
        warnings.warn(CacheWarning(self.fault), stacklevel=2)

    def clips(self, phrases: Iterable[str], progress: Progress = lambda n: None,
              into: Clips | None = None) -> Clips:
        """Every phrase's clip (added to `into`, when given), synthesizing the missing ones.
        Those in the cache are read again from it when they are needed (sound.Clips); once
        the cache has failed, new clips are held in memory."""
        out = Clips(self.get) if into is None else into
        missing = []
        for text in dict.fromkeys(phrases):
            clip = self.get(text)
            if clip is None:
                missing.append(text)
            else:
                out.add(text, clip, stored=True)
                progress(1)
        for text, clip in self._synthesize(missing, progress):
            out.add(text, clip, stored=self.fault is None)
        return out

    def _synthesize(self, texts: list[str], progress: Progress):
        if not texts:
            return
        self.synthesized += len(texts)
        processes = min(self.workers, len(texts) // self.min_per_worker)
        engine = open_engine(self.voice)
        try:
            if processes < 2 or not runs_in_parallel(self.voice):
                for text in texts:
                    yield text, self._make(engine, text)
                    progress(1)
            else:
                yield from self._shared(engine, texts, processes - 1, progress)
        finally:
            _close(engine)

    def _shared(self, engine: Engine, texts: list[str], helpers: int, progress: Progress):
        """`texts` made by this process from the front and by `helpers` worker processes
        from the back, one phrase at a time, until they meet. A worker costs about a second
        to start (imports, the engine); this process does not wait for it, so the workers
        only ever save time: when the two meet, a phrase a worker has not finished is made
        here too."""
        # "spawn", not fork: a forked copy of a running speech engine can deadlock.
        pool = ProcessPoolExecutor(helpers, mp_context=multiprocessing.get_context("spawn"))
        pending: dict[Future, str] = {}
        front, back = 0, len(texts)
        try:
            while front < back or pending:
                while len(pending) < helpers and back > front + 1:
                    back -= 1
                    pending[pool.submit(_make_one, self, texts[back])] = texts[back]
                if front < back:
                    text, front = texts[front], front + 1
                    yield text, self._make(engine, text)
                    progress(1)
                done = [f for f in pending if f.done()] if front < back else list(pending)
                for future in done:
                    text = pending.pop(future)
                    yield text, self._from_worker(future, engine, text)
                    progress(1)
        finally:
            # a worker still starting is not waited for
            pool.shutdown(wait=False, cancel_futures=True)

    def _from_worker(self, future: Future, engine: Engine, text: str) -> np.ndarray:
        """The clip a worker made, or made here: when the worker has not finished it yet
        (it may not have started: its late copy of the same clip is only written to the
        cache), or could not start at all."""
        if not future.done():
            return self._make(engine, text)
        try:
            clip, fault = future.result()
        except BrokenProcessPool:
            return self._get_or_make(engine, text)
        if fault and self.fault is None:
            self.fault = fault
            warnings.warn(CacheWarning(fault), stacklevel=3)
        return clip

    def _get_or_make(self, engine: Engine, text: str) -> np.ndarray:
        clip = self.get(text)  # a worker may have written it before it died
        return clip if clip is not None else self._make(engine, text)

    def _make(self, engine: Engine, text: str) -> np.ndarray:
        try:
            clip = sound.prepare(_within(self.timeout, engine.synthesize, text))
        except EngineError:
            raise
        except Exception as err:  # engines fail in their own ways; name the phrase
            raise EngineError(f"the {self.voice.engine} engine failed on the phrase "
                              f"'{text}': {err}", phrase=text) from err
        return self._keep(text, clip)

    def _keep(self, text: str, clip: np.ndarray) -> np.ndarray:
        """Keep `clip` in the cache, unless another process has just kept its own clip of
        the same phrase: then that one, so that every render of a run uses the same clip.
        (eSpeak NG's samples for a phrase depend on what its process said before, so two
        processes may make different, equally good, clips of one phrase.) A damaged entry
        is replaced."""
        path = self.path(text)
        try:
            try:
                _write_clip(path, clip, first=True)
            except FileExistsError:
                kept = _read_clip(path)
                if kept is not None:
                    return kept
                _write_clip(path, clip)
        except OSError as err:  # the clip is good; only keeping it failed
            self._warn("write to", err)
        return clip


def _within(seconds: float, synthesize, text: str):
    """Run `synthesize(text)` in a thread, giving up after `seconds`: a hung engine (a stuck
    audio driver, say) becomes a clear error instead of a render that never ends."""
    result: list = []
    worker = threading.Thread(target=lambda: result.append(_attempt(synthesize, text)),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise EngineError(f"the speech engine did not finish the phrase '{text}' within "
                          f"{seconds:g} s; it seems to hang", phrase=text)
    ok, value = result[0]
    if not ok:
        raise value
    return value


def _attempt(synthesize, text: str) -> tuple[bool, object]:
    try:
        return True, synthesize(text)
    except BaseException as err:  # handed back to the caller's thread, which raises it
        return False, err


def _make_one(cache: PhraseCache, text: str) -> tuple[np.ndarray, str | None]:
    """In a worker process: the clip, and the cache's fault for the parent to warn of. The
    engine is opened once per worker and kept."""
    global _worker_engine
    if _worker_engine is None:
        _worker_engine = open_engine(cache.voice)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        return cache._make(_worker_engine, text), cache.fault


_worker_engine: Engine | None = None
"""A worker process's engine (see _make_one)."""


def _close(engine: Engine) -> None:
    close = getattr(engine, "close", None)
    if close:
        close()


def _read_clip(path: Path) -> np.ndarray | None:
    """The clip at `path`; None when there is none or it is damaged (then it is made again).
    Raises OSError when the cache itself is in the way (unreadable, not a file)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # never open a folder or wait on a FIFO
            raise _NotAFile(errno.EISDIR, "not a file", str(path))
        with wave.open(str(path), "rb") as wav:
            ok = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == \
                (sound.SAMPLE_RATE, 1, 2)
            n = wav.getnframes()
            frames = wav.readframes(n)
    except FileNotFoundError:
        return None
    except (EOFError, wave.Error):
        return None
    if not ok or n == 0 or len(frames) != 2 * n:
        return None  # damaged: the caller makes it again
    return np.frombuffer(frames, dtype="<i2")


def _write_clip(path: Path, clip: np.ndarray, first: bool = False) -> None:
    """Keep `clip` at `path` as a WAV file, written atomically (see atomic.py); with
    `first`, only if there is no entry yet (else FileExistsError)."""
    with atomic_file(path, first) as tmp, open(tmp, "wb") as f, wave.open(f, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sound.SAMPLE_RATE)
        wav.writeframes(clip.astype("<i2").tobytes())
