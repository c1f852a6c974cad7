"""The music bed: a song under the voice, looped or faded to cover the workout, and ducked
well under speech (WCAG G56 asks for background sound at least 20 dB below speech).

Songs (MP3, OGG Vorbis, FLAC, WAV) are decoded by miniaudio, a pip-installed library: no
ffmpeg. A song is decoded as it plays, a block at a time, so memory stays flat however long
the song is and a workout decodes only as much of it as it covers; a song shorter than LEVEL_S
is kept decoded instead, and loops from memory. The workout itself is never built whole (see
mixer.py).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import sound
from .errors import AudiocoachError
from .script import Script

BED_LUFS = -30.0  # the bed alone, 14 LU under the voice
DUCK_DB = -24.0  # further down while someone speaks: ≥ 20 dB under speech, with margin
ATTACK_MS, RELEASE_MS = 120, 400  # the bed dips before a cue starts and rises after it ends
FADE_S = 3.0  # fade in at the start and out at the end of the workout
LEVEL_S = 120  # the bed's loudness is measured on the song's first two minutes
BLOCK_FRAMES = 16384  # frames decoded at a time (miniaudio's own buffer size)
_HINT = "use an MP3, OGG Vorbis, FLAC or WAV file"


@dataclass(frozen=True)
class Bed:
    """A song and the gain that brings it to BED_LUFS. `samples` (float32 mono at
    sound.SAMPLE_RATE, levelled) holds the whole song when it lasts at most LEVEL_S; for a
    longer one it is None, and `play` decodes the song from the file as it goes."""

    path: str
    gain: float
    samples: np.ndarray | None = None

    def play(self) -> Iterator[np.ndarray]:
        """The levelled song from its start, looped for ever, as float32 blocks (never empty):
        only what is taken is decoded, a block at a time."""
        if self.samples is not None:
            while True:
                yield self.samples
        while True:
            frames = 0
            for block in _blocks(self.path):
                frames += len(block)
                yield block * self.gain
            if not frames:  # the file changed since load_bed
                raise AudiocoachError(f"music file {self.path} is silent or shorter than a "
                                      "second", hint=_HINT)


def _blocks(path: str) -> Generator[np.ndarray, None, None]:
    """The song decoded block by block, as float32 in [-1, 1); the decoder is closed when
    the generator ends or is closed."""
    import miniaudio  # here: a render without music never needs it (20-30 ms to import)

    try:
        stream = miniaudio.stream_file(path, nchannels=1, sample_rate=sound.SAMPLE_RATE,
                                       frames_to_read=BLOCK_FRAMES)
        try:
            for block in stream:
                if len(block):
                    yield np.frombuffer(block, dtype=np.int16).astype(np.float32) / 32768
        finally:
            stream.close()
    except miniaudio.MiniaudioError as err:
        raise AudiocoachError(f"music file {path} could not be read as audio ({err})",
                              hint=_HINT) from err


def load_bed(path: Path) -> Bed:
    """Open and level a music file, decoding at most its first LEVEL_S seconds (and a block);
    a clear error if it is missing, not audio, silent or shorter than a second."""
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
    import miniaudio

    frames, heard = 0, False
    try:
        for block in miniaudio.stream_file(str(path), nchannels=1,
                                           sample_rate=sound.SAMPLE_RATE,
                                           frames_to_read=sound.SAMPLE_RATE // 4):
            frames += len(block)
            heard = heard or bool(np.any(np.frombuffer(block, dtype=np.int16)))
            if heard and frames >= sound.SAMPLE_RATE:
                return
    except miniaudio.MiniaudioError as err:
        raise AudiocoachError(f"music file {path} could not be read as audio ({err})",
                              hint="use an MP3, OGG Vorbis, FLAC or WAV file") from err
    raise AudiocoachError(f"music file {path} is silent or shorter than a second")


@lru_cache(maxsize=2)  # the same song under several routines is opened and levelled once
def _decode(path: str, mtime_ns: int) -> Bed:
    limit = LEVEL_S * sound.SAMPLE_RATE
    head, frames = [], 0
    blocks = _blocks(path)
    try:
        for block in blocks:  # the first LEVEL_S seconds, and a block more: is that all?
            head.append(block)
            frames += len(block)
            if frames > limit:
                break
    finally:
        blocks.close()
    samples = np.concatenate(head) if head else np.zeros(0, dtype=np.float32)
    del head
    if len(samples) < sound.SAMPLE_RATE or not np.any(samples[:limit]):
        raise AudiocoachError(f"music file {path} is silent or shorter than a second")
    gain = 10 ** ((BED_LUFS - sound.loudness(samples[:limit])) / 20)
    return Bed(path, gain, (samples * gain).astype(np.float32) if frames <= limit else None)


class BedMixer:
    """Adds the ducked, looped bed to each block of the timeline."""

    def __init__(self, bed: Bed, script: Script, sample_rate: int):
        self.bed, self.rate = bed, sample_rate
        self.song, self.pending, self.pos = bed.play(), np.zeros(0, dtype=np.float32), 0
        """The song as it plays: its next samples, `pending`, fall at `pos` on the timeline."""
        self.total = round(script.duration_ms * sample_rate / 1000)
        ms = sample_rate / 1000
        self.spans = np.array([(round(e.start_ms * ms - ATTACK_MS * ms),
                                round(e.end_ms * ms + RELEASE_MS * ms))
                               for e in script.events if e.kind == "speech"]).reshape(-1, 2)
        self.ramp = int(ATTACK_MS * ms)
        self.duck = 10 ** (DUCK_DB / 20)

    def mixed(self, blocks: Iterable[np.ndarray], start: int = 0) -> Iterator[np.ndarray]:
        """The voice timeline's `blocks` (int16, in order, the first at sample `start`), each
        with the bed added."""
        for block in blocks:
            yield self.add(block, start)
            start += len(block)

    def add(self, block: np.ndarray, start: int) -> np.ndarray:
        """`block` (int16) of the voice timeline starting at sample `start`, plus the bed."""
        n = len(block)
        music = self._music(start, n) * self._gain(start, n)
        mixed = block.astype(np.float32) + music * 32767
        return np.clip(mixed, -32768, 32767).astype(np.int16)

    def _music(self, start: int, n: int) -> np.ndarray:
        """The song under samples `start` to `start + n` of the timeline (sample i of the
        timeline hears sample i of the song, looped), decoded that far and no further. Blocks
        come in order; going back starts the song again from the top."""
        if start < self.pos:
            self.song, self.pending, self.pos = self.bed.play(), self.pending[:0], 0
        while self.pos + len(self.pending) <= start:  # skip to `start`
            self.pos += len(self.pending)
            self.pending = next(self.song)
        self.pending, self.pos = self.pending[start - self.pos:], start
        parts, want = [], n
        while want:
            if not len(self.pending):
                self.pending = next(self.song)
            parts.append(self.pending[:want])
            self.pending = self.pending[len(parts[-1]):]
            want -= len(parts[-1])
        self.pos += n
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

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
