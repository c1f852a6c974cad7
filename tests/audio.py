"""Helpers for tests that listen to rendered MP3s: decode them, follow their level, find
where a sound starts."""

from __future__ import annotations

import miniaudio
import numpy as np

RATE = 44100


def decode(path) -> np.ndarray:
    """The decoded MP3 as float64 in -1..1 (miniaudio, at the file's own rate)."""
    decoded = miniaudio.mp3_read_file_s16(str(path))
    assert decoded.sample_rate == RATE and decoded.nchannels == 1
    return np.asarray(decoded.samples, dtype=np.float64) / 32768


def envelope(audio: np.ndarray, window_ms: float = 5) -> np.ndarray:
    """The RMS level around each sample, over a `window_ms` window (as long as `audio`)."""
    win = max(1, int(RATE * window_ms / 1000))
    return np.sqrt(np.convolve(audio ** 2, np.ones(win) / win, mode="same"))


def onset_near(env: np.ndarray, t: float, search_s: float = 0.2, threshold: float = 0.01
               ) -> float | None:
    """The first time within ±search_s of t where the envelope rises above threshold."""
    a = max(0, int((t - search_s) * RATE))
    b = int((t + search_s) * RATE)
    above = np.nonzero(env[a:b] > threshold)[0]
    return (a + above[0]) / RATE if len(above) else None


def onset_errors(script, audio: np.ndarray) -> list[float]:
    """For each phrase after at least 250 ms of quiet, how far (s) the heard onset is from its
    scheduled start; fails when nothing is heard near one."""
    env = envelope(audio)
    errors, previous_end = [], 0.0
    for e in script.events:
        if e.kind == "speech" and e.start - previous_end >= 0.25:
            heard = onset_near(env, e.start)
            assert heard is not None, f"nothing heard near {e.start:.3f}s: {e.text!r}"
            errors.append(abs(heard - e.start))
        previous_end = e.end
    return errors
