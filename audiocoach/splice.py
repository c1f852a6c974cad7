"""The timeline -> MP3 without encoding its silence: each island of sound is encoded on its
own (on all cores, and kept on disk by content), and the silence between islands is written
as ready-made silent frames. The result is one CBR stream with the Info/LAME header of
encode.py, decoding to the same samples, at the same times, as one whole encode would.

A workout is mostly rests; encoding them is what made the encoder the floor of a render.

Why a join is safe. An MP3 frame is not independent of the frames before it in three ways,
and each is closed here:

- Bit reservoir. A frame's main data may start up to 511 bytes back, in earlier frames
  (`main_data_begin`). Every island is a fresh encode, whose first frame has
  main_data_begin 0 (checked), so nothing in an island reaches back before it; the silent
  frames have main_data_begin 0 and no main data. An island is cut after its last frame, and
  no later frame of the stream points into it. Each island starts LEAD_FRAMES frames of
  silence early, so LAME has filled its reservoir (~218 bytes per silent frame) as a whole
  encode would have by the time the sound begins.
- Decoder state. A decoder carries the IMDCT overlap and the synthesis filter bank's history
  from frame to frame. A frame whose two granules carry no bits (part2_3_length 0: every
  spectral line zero) leaves both all zero. An island is cut right after the first such
  frame that follows its last sound (TAIL_FRAMES frames of silence are encoded after the
  sound, so that frame exists), and the silent frames keep the state zero. So at every join
  the decoder is in the state it starts in, and each island decodes in the stream exactly
  as it decodes alone.
- Encoder delay and padding. LAME delays its output by LAME_DELAY samples and pads the end.
  Islands start on a frame boundary of the timeline (a multiple of 1152 samples), so an
  island's k-th frame is the stream's (start / 1152 + k)-th and its samples land where a
  whole encode puts them. The last island runs to the end and keeps LAME's flush, so the
  stream has the frame count of a whole encode and the LAME tag's delay and padding
  (encode.info_frame) hold.

The silent frames' padding bits keep the stream at the CBR byte rate the Info frame's table
of contents assumes (within a byte of it across silence).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .atomic import atomic_file
from .cache import CacheWarning
from .encode import QUALITY, encoder, frame_header, frame_length, info_frame

FRAME = 1152
"""Samples per MPEG-1 layer III frame."""
LEAD_FRAMES = 3
"""Silent frames encoded before an island's first sound: they fill LAME's bit reservoir."""
TAIL_FRAMES = 3
"""Silent frames encoded after an island's last sound: LAME's window reaches about one frame
past the sound, and the first frame with no bits after it is where the island is cut."""
FORMAT_VERSION = 1
"""Of the kept islands on disk (the frame cache)."""

Progress = Callable[[int], None]
"""progress(sample): the stream is written up to this sample of the timeline."""


class Unsafe(Exception):
    """LAME wrote an island that cannot be joined safely (see the module's docstring); the
    caller encodes the timeline whole instead."""


@dataclass(frozen=True)
class Island:
    start: int
    """Its first sample: a multiple of FRAME."""
    end: int
    """Its last sample + 1: the timeline's end when `last`."""
    last: bool
    """It runs to the end of the timeline and keeps LAME's flush."""


def islands(sounds: list[tuple[int, int]], total: int) -> list[Island]:
    """The islands that cover every sounding (start, end) of a timeline `total` samples long,
    each with LEAD_FRAMES of silence before its sound and TAIL_FRAMES after, on frame
    boundaries; islands that would touch are one."""
    spans: list[list[int]] = []
    for a, b in sorted(sounds):
        b = min(b, total)
        if b <= a:
            continue
        lo = max(0, (a // FRAME - LEAD_FRAMES) * FRAME)
        hi = (-(-b // FRAME) + TAIL_FRAMES) * FRAME
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return [Island(lo, min(hi, total), hi >= total) for lo, hi in spans]


def frame_count(total: int) -> int:
    """How many frames LAME writes for `total` samples (measured: one more than they fill)."""
    return -(-total // FRAME) + 1


def encode_spliced(pcm: Callable[[int, int], np.ndarray], sounds: list[tuple[int, int]],
                   total: int, out: BinaryIO, sample_rate: int = 44100, bitrate: int = 96,
                   cache: Path | None = None, workers: int | None = None,
                   progress: Progress = lambda n: None) -> list[int]:
    """Encode the timeline of `total` samples into `out` (seekable) as encode_mp3 does:
    `pcm(a, b)` gives its samples a..b, `sounds` every (start, end) that may not be silent
    (outside them the timeline must be digital zero). Islands are encoded on `workers`
    threads (lameenc lets go of the GIL) and kept by content in `cache`, when given.
    Returns the joins: each audio frame (counted from 0 after the Info frame) that follows
    a frame of another encode.
    Raises Unsafe when LAME's output cannot be joined (never seen; the caller then encodes
    the timeline whole over what was written)."""
    plan = islands(sounds, total)
    frames_cache = FrameCache(cache) if cache is not None else None
    made = _encoded(plan, pcm, sample_rate, bitrate, frames_cache,
                    workers or os.cpu_count() or 1)
    start = out.tell()
    header = frame_header(sample_rate, bitrate)
    out.write(bytes(frame_length(header)))  # the Info frame, filled in at the end
    silence = _Silence(header, sample_rate, bitrate)
    joins = []
    for island, frames in zip(plan, made, strict=True):
        silence.write(out, island.start // FRAME)
        joins += [silence.frames] if frames and silence.frames else []
        out.write(frames)
        silence.frames += count_frames(frames)
        silence.written += len(frames)
        joins += [silence.frames] if frames and not island.last else []
        progress(island.end)
    silence.write(out, frame_count(total))  # when the timeline ends in silence
    if silence.frames != frame_count(total):
        raise AssertionError(f"{silence.frames} frames for {total} samples")
    end = out.tell()
    out.seek(start)
    out.write(info_frame(header, silence.frames, end - start, total))
    out.seek(end)
    return [j for j in sorted(set(joins)) if j < silence.frames]


def _encoded(plan: list[Island], pcm: Callable[[int, int], np.ndarray], sample_rate: int,
             bitrate: int, cache: FrameCache | None, workers: int) -> Iterator[bytes]:
    """Each island's kept frames, in order, with at most 2 × `workers` islands in memory."""
    def one(island: Island) -> bytes:
        return _island(pcm(island.start, island.end), island.last, sample_rate, bitrate,
                       cache)

    with ThreadPoolExecutor(workers) as pool:
        pending: list[Future[bytes]] = []
        todo = iter(plan)
        for island in todo:
            pending.append(pool.submit(one, island))
            if len(pending) >= 2 * workers:
                break
        while pending:
            frames = pending.pop(0).result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(one, nxt))
            yield frames


def _island(samples: np.ndarray, last: bool, sample_rate: int, bitrate: int,
            cache: FrameCache | None) -> bytes:
    """The frames of one island: from the cache when it holds these samples, else encoded
    (and kept)."""
    if cache is None or not len(samples):
        return keep(_lame(samples, sample_rate, bitrate), len(samples), last)
    key = _key(samples, last, sample_rate, bitrate)
    kept = cache.get(key, len(samples), last)
    if kept is None:
        kept = keep(_lame(samples, sample_rate, bitrate), len(samples), last)
        if kept:
            cache.put(key, kept)
    return kept


def _lame(samples: np.ndarray, sample_rate: int, bitrate: int) -> bytes:
    enc = encoder(sample_rate, bitrate)
    return enc.encode(samples.astype("<i2", copy=False).tobytes()) + enc.flush()


def keep(data: bytes, samples: int, last: bool) -> bytes:
    """The frames of a fresh encode of `samples` samples that an island keeps: all of them
    for the last island; else up to and including the first frame with no bits after the
    last frame with any (see the module's docstring). Raises Unsafe when they cannot be
    joined."""
    offsets = frame_offsets(data)
    if not offsets or main_data_begin(data, offsets[0]) != 0:
        raise Unsafe("the first frame of an encode reaches back into a bit reservoir")
    if last:
        return data
    sounding = [k for k, at in enumerate(offsets) if not no_bits(data, at)]
    cut = sounding[-1] + 2 if sounding else 0
    if cut > samples // FRAME:
        raise Unsafe("no frame without bits after the island's sound")
    return data[:offsets[cut]] if cut < len(offsets) else data


def frame_offsets(data: bytes) -> list[int]:
    """Where each frame of an MP3 stream (of whole frames) starts."""
    out, at = [], 0
    while at + 4 <= len(data):
        header = int.from_bytes(data[at:at + 4], "big")
        if header >> 21 != 0x7FF or (header >> 12) & 15 in (0, 15) or (header >> 10) & 3 == 3:
            raise ValueError("not an MP3 frame")  # (free format and reserved values too)
        out.append(at)
        at += frame_length(header)
    if at != len(data):
        raise ValueError("the stream does not end with a whole frame")
    return out


def count_frames(data: bytes) -> int:
    return len(frame_offsets(data))


def _side_info(data: bytes, at: int) -> int:
    """The 136 bits of side information of the mono MPEG-1 frame at `at` (no CRC)."""
    return int.from_bytes(data[at + 4:at + 4 + 17], "big")


def main_data_begin(data: bytes, at: int) -> int:
    return _side_info(data, at) >> (136 - 9)


def no_bits(data: bytes, at: int) -> bool:
    """True when neither granule of the frame carries main data (part2_3_length 0 in both):
    it decodes to nothing but the previous frame's overlap, and leaves the decoder's state
    zero."""
    bits = _side_info(data, at)
    # main_data_begin 9, private 5, scfsi 4; then each granule's 59 bits start with
    # part2_3_length (12)
    return all((bits >> (136 - 18 - 59 * g - 12)) & 0xFFF == 0 for g in (0, 1))


def silent_frame(header: int) -> bytes:
    """A frame that decodes to silence and owns no main data: main_data_begin 0 and both
    granules empty (part2_3_length 0, global gain 210, as LAME writes silence)."""
    bits = 0
    for g in (0, 1):
        bits |= 210 << (136 - 18 - 59 * g - 12 - 9 - 8)  # global_gain after 12 + 9 bits
    body = header.to_bytes(4, "big") + bits.to_bytes(17, "big")
    return body + bytes(frame_length(header) - len(body))


class _Silence:
    """Writes silent frames up to a frame number, choosing each one's padding byte so that
    the stream keeps the CBR byte rate (bitrate × time) the Info frame promises."""

    def __init__(self, header: int, sample_rate: int, bitrate: int):
        self.frames = 0
        """Audio frames written so far (the Info frame not counted)."""
        self.written = 0
        """Their bytes."""
        self._plain = silent_frame(header & ~0x200)
        self._padded = silent_frame(header | 0x200)
        self._per_frame = 144 * bitrate * 1000 / sample_rate

    def write(self, out: BinaryIO, upto: int) -> None:
        if upto < self.frames:
            raise AssertionError("islands overlap")
        run = bytearray()
        for n in range(self.frames, upto):
            due = round((n + 1) * self._per_frame)
            frame = self._padded if self.written + len(run) + len(self._plain) < due \
                else self._plain
            run += frame
        out.write(run)
        self.written += len(run)
        self.frames = upto


def _key(samples: np.ndarray, last: bool, sample_rate: int, bitrate: int) -> str:
    """The file name of an island's frames: the encoder, its settings and the samples."""
    digest = hashlib.sha256(
        f"{FORMAT_VERSION}|lameenc {_LAMEENC}|{sample_rate}|{bitrate}|{QUALITY}|{last}|"
        .encode())
    digest.update(samples.astype("<i2", copy=False).tobytes())
    name = digest.hexdigest()
    return f"{name[:2]}/{name}.mp3"


_LAMEENC = version("lameenc")


class FrameCache:
    """Islands' kept frames on disk, by content (`_key`): a re-render, or a session of a
    program that repeats another, encodes nothing it encoded before. Written atomically
    like the phrase cache; an entry that fails its checksum is encoded again; a cache that
    cannot be read or written gives one CacheWarning and the encode goes on without it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fault: str | None = None

    def get(self, key: str, samples: int, last: bool) -> bytes | None:
        """The kept frames of `key`; None when missing or damaged. An entry is its frames
        and their sha256, and holds as many frames as its island can."""
        try:
            data = (self.folder / key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            self._warn("read", err)
            return None
        frames, digest = data[:-32], data[-32:]
        if hashlib.sha256(frames).digest() != digest:
            return None
        try:
            n = count_frames(frames)
        except ValueError:
            return None
        fits = n == frame_count(samples) if last else 0 < n <= samples // FRAME
        return frames if fits and main_data_begin(frames, 0) == 0 else None

    def put(self, key: str, frames: bytes) -> None:
        path = self.folder / key
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(path) as tmp:
                tmp.write_bytes(frames + hashlib.sha256(frames).digest())
        except OSError as err:
            self._warn("write", err)

    def _warn(self, doing: str, err: OSError) -> None:
        """One CacheWarning per cache, naming the folder (so it is shown once per run)."""
        if self.fault is None:
            self.fault = (f"cannot {doing} the frame cache {self.folder}: "
                          f"{err.strerror or err}; going on without it")
            warnings.warn(CacheWarning(self.fault), stacklevel=2)
