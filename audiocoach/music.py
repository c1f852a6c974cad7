"""The music bed: a song under the voice, looped or faded to cover the workout, and ducked
well under speech (WCAG G56 asks for background sound at least 20 dB below speech).

Songs (MP3, OGG Vorbis, FLAC, WAV) are decoded by miniaudio, a pip-installed library: no
ffmpeg. A song is minutes long, so it is decoded whole, once; the workout itself is never
built whole (see mixer.py).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import miniaudio
import numpy as np

from . import clips as clipmod
from .errors import AudiocoachError
from .script import Script

BED_LUFS = -30.0  # the bed alone, 14 LU under the voice
DUCK_DB = -24.0  # further down while someone speaks: ≥ 20 dB under speech, with margin
ATTACK_MS, RELEASE_MS = 120, 400  # the bed dips before a cue starts and rises after it ends
FADE_S = 3.0  # fade in at the start and out at the end of the workout


@dataclass(frozen=True)
class Bed:
    samples: np.ndarray  # float32 mono at clips.SAMPLE_RATE, at BED_LUFS


def load_bed(path: Path) -> Bed:
    """Decode and level a music file; a clear error if it is missing or not audio."""
    if not Path(path).is_file():
        raise AudiocoachError(f"music file {path}: no such file")
    return _decode(str(Path(path).resolve()), Path(path).stat().st_mtime_ns)


def probe(path: Path) -> None:
    """Check, without decoding it whole, that `path` is a song load_bed will take: a regular
    file (a device or FIFO is never opened), audio miniaudio decodes, at least a second long
    and not silent. Decodes block by block until it has a second and some sound, so a song
    costs a second's decoding. Raises the AudiocoachError load_bed would."""
    try:
        info = os.stat(path)
    except (OSError, ValueError) as err:
        raise AudiocoachError(f"music file {path}: no such file") from err
    if not stat.S_ISREG(info.st_mode):
        raise AudiocoachError(f"music file {path} is not a regular file (a folder, device, "
                              "FIFO or socket)", hint="use an MP3, OGG Vorbis, FLAC or WAV file")
    frames, sound = 0, False
    try:
        for block in miniaudio.stream_file(str(path), nchannels=1,
                                           sample_rate=clipmod.SAMPLE_RATE,
                                           frames_to_read=clipmod.SAMPLE_RATE // 4):
            frames += len(block)
            sound = sound or bool(np.any(np.frombuffer(block, dtype=np.int16)))
            if sound and frames >= clipmod.SAMPLE_RATE:
                return
    except miniaudio.MiniaudioError as err:
        raise AudiocoachError(f"music file {path} could not be read as audio ({err})",
                              hint="use an MP3, OGG Vorbis, FLAC or WAV file") from err
    raise AudiocoachError(f"music file {path} is silent or shorter than a second")


@lru_cache(maxsize=2)  # the same song under several routines is decoded once
def _decode(path: str, mtime_ns: int) -> Bed:
    try:
        decoded = miniaudio.decode_file(str(path), nchannels=1,
                                        sample_rate=clipmod.SAMPLE_RATE)
    except miniaudio.DecodeError as err:
        raise AudiocoachError(f"music file {path} could not be read as audio ({err})",
                              hint="use an MP3, OGG Vorbis, FLAC or WAV file") from err
    samples = np.asarray(decoded.samples, dtype=np.float32) / 32768
    if len(samples) < clipmod.SAMPLE_RATE or not np.any(samples):
        raise AudiocoachError(f"music file {path} is silent or shorter than a second")
    gain = 10 ** ((BED_LUFS - clipmod.loudness(samples[: 120 * clipmod.SAMPLE_RATE])) / 20)
    return Bed((samples * gain).astype(np.float32))


class BedMixer:
    """Adds the ducked, looped bed to each block of the timeline."""

    def __init__(self, bed: Bed, script: Script, sample_rate: int):
        self.bed, self.rate = bed.samples, sample_rate
        self.total = round(script.duration_ms * sample_rate / 1000)
        ms = sample_rate / 1000
        self.spans = np.array([(round(e.start_ms * ms - ATTACK_MS * ms),
                                round(e.end_ms * ms + RELEASE_MS * ms))
                               for e in script.events if e.kind == "speech"]).reshape(-1, 2)
        self.ramp = int(ATTACK_MS * ms)
        self.duck = 10 ** (DUCK_DB / 20)

    def add(self, block: np.ndarray, start: int) -> np.ndarray:
        """`block` (int16) of the voice timeline starting at sample `start`, plus the bed."""
        n = len(block)
        index = (np.arange(start, start + n) % len(self.bed))
        music = self.bed[index] * self._gain(start, n)
        mixed = block.astype(np.float32) + music * 32767
        return np.clip(mixed, -32768, 32767).astype(np.int16)

    def _gain(self, start: int, n: int) -> np.ndarray:
        """1 where the bed plays full, DUCK_DB down while someone speaks, with smooth ramps
        (a moving average applied twice: an S-shaped ramp, so no clicks and no pumping)."""
        pad = self.ramp
        lo, hi = start - pad, start + n + pad
        talking = np.zeros(hi - lo, dtype=np.float64)
        for a, b in self.spans[(self.spans[:, 1] > lo) & (self.spans[:, 0] < hi)]:
            talking[max(a, lo) - lo: min(b, hi) - lo] = 1.0
        smooth = _moving_average(_moving_average(talking, pad // 2), pad // 2)[pad: pad + n]
        gain = 1.0 - (1.0 - self.duck) * np.clip(smooth, 0, 1)
        t = np.arange(start, start + n) / self.rate
        fade = np.clip(np.minimum(t, self.total / self.rate - t) / FADE_S, 0, 1)
        return (gain * fade).astype(np.float32)


def _moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centered moving average in O(n), by cumulative sums."""
    width = max(1, width)
    c = np.cumsum(np.concatenate([np.zeros(width), x, np.full(width, x[-1])]))
    return (c[2 * width:] - c[:-2 * width])[: len(x)] / (2 * width)
