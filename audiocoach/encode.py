"""PCM blocks -> MP3, in-process with lameenc (no ffmpeg), block by block.

Constant bitrate only: lameenc's VBR files carry no Xing header, so players and mutagen read
the wrong length. The encoder adds ENCODER_DELAY samples of silence at the start; the caller
skips that many samples of its (quiet) lead-in, so decoded speech lands where the script says.
"""

from __future__ import annotations

from typing import BinaryIO, Iterable

import lameenc
import numpy as np

ENCODER_DELAY = 1105  # samples, measured by decoding a click (miniaudio)
QUALITY = 7  # lameenc's fast setting; at 96 kbps mono, speech is clean


def encode_mp3(blocks: Iterable[np.ndarray], out: BinaryIO, sample_rate: int = 44100,
               bitrate: int = 96) -> None:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    for block in blocks:
        out.write(encoder.encode(block.astype("<i2", copy=False).tobytes()))
    out.write(encoder.flush())
