"""Short clips: engine speech made ready for the timeline, and the generated tones.

pydub serves here, on clips of a second or two: resampling, trimming silence, fades and
generated sine tones. (It does not build the hour-long timeline: see mixer.py.)
Loudness is set per clip, once, when the clip enters the cache, so the whole file lands on
target without a slow pass over an hour of audio. `Clips` holds a render's clips: each one's
length at hand, its samples read again from the phrase cache when the mixer needs them.

pyloudnorm and scipy are imported where they are used: they take about 1.5 s to import, and
a command that makes no new clip (`--help`, `check`, a warm render) never needs them.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np

with warnings.catch_warnings():  # pydub warns when there is no ffmpeg; nothing here needs it
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence
    from pydub.utils import db_to_float

from .errors import CacheError
from .speech import Speech

if TYPE_CHECKING:
    import pyloudnorm

SAMPLE_RATE = 44100
TARGET_LUFS = -15.0  # a workout as a whole measures about 1 LU under its clips (see normalize)
CEILING_DBTP = -1.5  # true-peak ceiling before encoding; MP3 adds a little overshoot
SILENCE_DBFS = -45.0
FADE_MS = 5
KEEP_BYTES = 4 * 2**20
"""How many bytes of clips a `Clips` keeps that it can read again (about 45 s of speech)."""


def prepare(speech: Speech) -> np.ndarray:
    """Engine output -> int16 at 44.1 kHz: trimmed, faded at the edges, at -16 LUFS."""
    segment = AudioSegment(speech.samples.astype("<i2").tobytes(), frame_rate=speech.sample_rate,
                           sample_width=2, channels=1)
    segment = segment.set_frame_rate(SAMPLE_RATE)
    start = detect_leading_silence(segment, SILENCE_DBFS)
    end = len(segment) - detect_leading_silence(segment.reverse(), SILENCE_DBFS)
    if end <= start:
        raise ValueError("the engine returned silence")
    segment = segment[start:end].fade_in(FADE_MS).fade_out(FADE_MS)
    samples = np.array(segment.get_array_of_samples(), dtype=np.float32) / 32768
    return _to_int16(normalize(samples))


def normalize(samples: np.ndarray) -> np.ndarray:
    """Gain to TARGET_LUFS, then a soft peak limiter; repeated (at most six times) while
    limiting has pulled the loudness more than 0.3 LU off target. The limiter works on sample
    peaks with a 0.5 dB margin; one true-peak measurement (4x oversampled) at the end makes
    sure the clip is under the true-peak ceiling."""
    ceiling = 10 ** (CEILING_DBTP / 20)
    for _ in range(6):
        off = TARGET_LUFS - loudness(samples)
        if abs(off) < 0.3:
            break
        samples = limit(samples * 10 ** (off / 20), ceiling * 10 ** (-0.5 / 20))
    return samples * min(1.0, ceiling / max(true_peak(samples), 1e-9))


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness (BS.1770) of a clip as it sits in the workout: between stretches of
    silence, which fall into its 400 ms measuring blocks just as they do in the whole file."""
    pad = np.zeros(int(0.3 * SAMPLE_RATE))
    value = _meter().integrated_loudness(np.concatenate([pad, samples, pad]).astype(np.float64))
    return float(value) if np.isfinite(value) else TARGET_LUFS


def true_peak(samples: np.ndarray) -> float:
    """Peak of the 4x oversampled signal (BS.1770 true peak), linear."""
    from scipy.signal import resample_poly

    return float(np.max(np.abs(resample_poly(samples, 4, 1)))) if len(samples) else 0.0


def limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """Smoothly pull the sample peaks above `ceiling` down (3 ms look-around, 10 ms ramps)."""
    if not len(samples) or np.abs(samples).max() <= ceiling:
        return samples
    from scipy.ndimage import minimum_filter1d
    from scipy.signal import oaconvolve

    gain = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-9))
    around = int(0.003 * SAMPLE_RATE) * 2 + 1
    gain = minimum_filter1d(gain, size=around)
    window = np.hanning(int(0.010 * SAMPLE_RATE))
    gain = oaconvolve(gain, window / window.sum(), mode="same")
    out = samples * minimum_filter1d(gain, size=around)
    return out * min(1.0, ceiling / max(np.abs(out).max(), 1e-9))


@cache
def tone(name: str, length_ms: int) -> np.ndarray:
    """The start, end and finish tones: soft sine chimes, faded so they never click."""
    notes = {"start": [(660, 0.5), (880, 0.5)], "end": [(523, 1.0)],
             "finish": [(523, 0.34), (659, 0.33), (784, 0.33)]}[name]
    segment = AudioSegment.silent(0, frame_rate=SAMPLE_RATE)
    for freq, share in notes:
        ms = int(length_ms * share)
        segment += _sine(freq, ms, -20.0).fade_in(10).fade_out(min(ms // 2, 120))
    samples = np.array(segment.set_channels(1).get_array_of_samples(), dtype=np.int16)
    out = np.zeros(round(length_ms * SAMPLE_RATE / 1000), dtype=np.int16)
    out[: min(len(out), len(samples))] = samples[: len(out)]
    return out


def _sine(freq: float, ms: int, volume_db: float) -> AudioSegment:
    """pydub's Sine(freq).to_audio_segment(ms, volume_db), sample for sample, made by numpy
    in a millisecond instead of by a Python loop over every sample."""
    n = int(SAMPLE_RATE * (ms / 1000.0))  # as pydub counts them
    wave = np.sin(freq * 2 * np.pi / SAMPLE_RATE * np.arange(n)) * 32767 * db_to_float(volume_db)
    return AudioSegment(wave.astype("<i2").tobytes(), frame_rate=SAMPLE_RATE, sample_width=2,
                        channels=1)


def _to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)


@lru_cache(maxsize=1)
def _meter() -> pyloudnorm.Meter:
    import pyloudnorm

    return pyloudnorm.Meter(SAMPLE_RATE)


class Clips(Mapping[str, np.ndarray]):
    """A render's clips by phrase: each one's length always at hand, its samples read again
    (`read`, the phrase cache's) when they are needed, and only the most recently used
    `keep` bytes of them kept. A render's memory so does not grow with its number of
    distinct phrases: a program's hundreds of cues are on disk, not in memory. A clip that
    cannot be read again (the cache could not keep it) is held whole. Safe to read from
    several threads (the splicer's)."""

    def __init__(self, read: Callable[[str], np.ndarray | None], keep: int | None = None):
        self._read = read
        self._keep = KEEP_BYTES if keep is None else keep
        self._lengths: dict[str, int] = {}
        self._held: dict[str, np.ndarray] = {}
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_bytes = 0
        self._lock = threading.Lock()

    def add(self, text: str, clip: np.ndarray, stored: bool = False) -> None:
        """`clip` for `text`; `stored` when `read(text)` gives it back (it is in the cache)."""
        self._lengths[text] = len(clip)
        if stored:
            with self._lock:
                self._remember(text, clip)
        else:
            self._held[text] = clip

    def length(self, text: str) -> int:
        """How many samples `text`'s clip has, without reading it."""
        return self._lengths[text]

    def __getitem__(self, text: str) -> np.ndarray:
        held = self._held.get(text)
        if held is not None:
            return held
        with self._lock:
            clip = self._recent.get(text)
            if clip is not None:
                self._recent.move_to_end(text)
                return clip
        length = self._lengths[text]  # KeyError for a phrase it has no clip of
        clip = self._read(text)
        if clip is None or len(clip) != length:
            raise CacheError(f"the phrase cache's clip of '{text}' was removed or changed "
                             f"during the render", hint="render again")
        with self._lock:
            self._remember(text, clip)
        return clip

    def _remember(self, text: str, clip: np.ndarray) -> None:
        """Keep `clip` as the most recent; forget the least recent beyond `keep` bytes (the
        lock is held)."""
        if text in self._recent:
            self._recent.move_to_end(text)
            return
        self._recent[text] = clip
        self._recent_bytes += clip.nbytes
        while self._recent_bytes > self._keep and len(self._recent) > 1:
            self._recent_bytes -= self._recent.popitem(last=False)[1].nbytes

    def __contains__(self, text: object) -> bool:
        return text in self._lengths

    def __iter__(self) -> Iterator[str]:
        return iter(self._lengths)

    def __len__(self) -> int:
        return len(self._lengths)
