"""PCM blocks -> MP3, in-process with lameenc (no ffmpeg), block by block.

Constant bitrate only: lameenc's VBR files carry no Xing header, so players and mutagen read
the wrong length. lameenc writes no Xing/LAME header at all, so `encode_mp3` adds one: a first
frame holding a CBR "Info" tag (frame and byte counts) and a LAME tag (encoder delay and end
padding in samples). Players that read it (ffmpeg, mpv, mutagen, most phone players) get the
exact length and drop the delay and padding (gapless); the others decode the Info frame as
one frame of silence.

The encoder adds ENCODER_DELAY samples of silence at the start (LAME_DELAY of the encoder's
own, DECODER_DELAY of the decoder's filter bank). Decoders that honour the LAME tag remove it
and the end padding, giving back exactly the samples encoded: the render encodes its timeline
from sample 0. Decoders that don't play everything ENCODER_DELAY samples (25 ms) late.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

import lameenc
import numpy as np

LAME_DELAY = 576
"""The encoder delay LAME itself adds, in samples: what the LAME tag's delay field holds."""
DECODER_DELAY = 529
"""The delay of an MP3 decoder's filter bank, in samples; a gapless decoder skips
LAME_DELAY + DECODER_DELAY at the start."""
ENCODER_DELAY = LAME_DELAY + DECODER_DELAY  # 1105 samples: measured by decoding a click
QUALITY = 7  # lameenc's fast setting; at 96 kbps mono, speech is clean
ENCODER_VERSION = b"LAME3.100"
"""lameenc 1.9 is built on LAME 3.100; the LAME tag names the encoder in 9 bytes."""

_BITRATES = {1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
"""By the header's version bits: 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5."""


def encode_mp3(blocks: Iterable[np.ndarray], out: BinaryIO, sample_rate: int = 44100,
               bitrate: int = 96) -> None:
    """Encode mono 16-bit `blocks` into `out` (a seekable binary file, which need not be
    readable), with an Info frame first: it is written as a placeholder and filled in once
    the counts are known."""
    lame = encoder(sample_rate, bitrate)
    start = out.tell()
    placeholder = frame_length(frame_header(sample_rate, bitrate))
    out.write(bytes(placeholder))
    samples, counted = 0, _Frames()
    for block in blocks:
        samples += len(block)
        out.write(counted.add(lame.encode(block.astype("<i2", copy=False).tobytes())))
    out.write(counted.add(lame.flush()))
    end = out.tell()
    header, frames = counted.done()
    if frame_length(header & ~0x200) != placeholder:
        raise AssertionError("lameenc wrote frames of another layout than asked for")
    out.seek(start)
    out.write(info_frame(header, frames, end - start, samples))
    out.seek(end)


def encoder(sample_rate: int, bitrate: int) -> lameenc.Encoder:
    """A LAME encoder at the product's settings: mono, CBR `bitrate` kbps, QUALITY."""
    lame = lameenc.Encoder()
    lame.set_bit_rate(bitrate)
    lame.set_in_sample_rate(sample_rate)
    lame.set_out_sample_rate(sample_rate)
    lame.set_channels(1)
    lame.set_quality(QUALITY)
    return lame


def info_frame(header: int, frames: int, stream_bytes: int, samples: int) -> bytes:
    """The first frame of a CBR MP3: a silent frame with the stream's `header` (padding bit
    cleared) holding a Xing "Info" tag and a LAME tag, as LAME writes it.

    `frames` counts the audio frames after this one; `stream_bytes` is every frame's bytes,
    this one included; `samples` is how many PCM samples went in. The LAME tag's delay is
    LAME_DELAY and its padding what is left of the last frame, so a gapless decoder gives back
    exactly `samples` samples."""
    header &= ~0x200  # no padding byte
    version = (header >> 19) & 3
    mono = (header >> 6) & 3 == 3
    per_frame = 1152 if version == 3 else 576
    padding = frames * per_frame - LAME_DELAY - samples
    if not 0 <= padding < 4096:
        raise ValueError(f"{frames} frames cannot hold {samples} samples")
    side_info = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    bitrate = _BITRATES[1 if version == 3 else 2][(header >> 12) & 15]
    toc = bytes(min(255, i * 256 // 100) for i in range(100))  # CBR: bytes grow evenly
    quality = 100 - 10 * 4 - QUALITY  # as LAME counts it (its default VBR quality is 4)
    xing = b"Info" + struct.pack(">III", 0x0F, frames, stream_bytes) + toc \
        + struct.pack(">I", quality)  # flags: frames, bytes, TOC and quality present
    lame = ENCODER_VERSION + bytes([
        0x01,  # tag revision 0, method 1: constant bitrate
        0,  # lowpass unknown
    ]) + bytes(4 + 2 + 2) + bytes([  # no peak, no replay gain
        0,  # no flags, ATH type 0
        min(bitrate, 255),  # CBR: the bitrate
    ]) + (LAME_DELAY << 12 | padding).to_bytes(3, "big") + bytes([
        0, 0,  # misc (no noise shaping, stereo mode unknown), no MP3 gain
    ]) + bytes(2) + struct.pack(">I", stream_bytes) + bytes(2)  # preset; length; music CRC
    body = struct.pack(">I", header) + bytes(side_info) + xing + lame
    frame = body + struct.pack(">H", _crc16(body))  # the tag's CRC: all that comes before
    return frame + bytes(frame_length(header) - len(frame))


def frame_header(sample_rate: int, bitrate: int) -> int:
    """A frame header for mono `bitrate` kbps at `sample_rate`, no CRC, no padding."""
    version = next(v for v, rates in _RATES.items() if sample_rate in rates)
    index = _BITRATES[1 if version == 3 else 2].index(bitrate)
    return (0x7FF << 21 | version << 19 | 1 << 17 | 1 << 16 | index << 12
            | _RATES[version].index(sample_rate) << 10 | 3 << 6)


def frame_length(header: int) -> int:
    version = (header >> 19) & 3
    bitrate = _BITRATES[1 if version == 3 else 2][(header >> 12) & 15]
    rate = _RATES[version][(header >> 10) & 3]
    return (144 if version == 3 else 72) * bitrate * 1000 // rate + ((header >> 9) & 1)


class _Frames:
    """Counts the frames of an MP3 stream as it is written, chunk by chunk (a frame's header
    may be split between two chunks)."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.count = 0
        self._skip = 0  # bytes of the current frame still to come
        self._tail = b""  # the start of a header cut off at the end of the last chunk

    def add(self, data: bytes) -> bytes:
        buf = self._tail + data if self._tail else data
        i = self._skip
        while i + 4 <= len(buf):
            header = int.from_bytes(buf[i:i + 4], "big")
            if header >> 21 != 0x7FF:
                raise AssertionError("lameenc wrote something that is not an MP3 frame")
            self.first = header if self.first is None else self.first
            self.count += 1
            i += frame_length(header)
        self._skip, self._tail = (i - len(buf), b"") if i >= len(buf) else (0, buf[i:])
        return data

    def done(self) -> tuple[int, int]:
        """The first frame's header and the number of frames."""
        if self.first is None or self._tail or self._skip:
            raise AssertionError("lameenc's stream does not end with a whole frame")
        return self.first, self.count


def _crc16(data: bytes) -> int:
    """CRC-16 as the LAME tag uses it (polynomial 0x8005, reflected, starting at 0)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
