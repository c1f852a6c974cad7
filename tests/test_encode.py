"""The encoder on its own: synthetic PCM in, an MP3 out that decodes to the same samples (and
the session's real render, to its script's length).

The first frame is read as the LAME tag lays it out: frame header, side information, the
Xing "Info" tag (flags, frame count, byte count, 100-byte TOC, quality), then the LAME tag
(9-byte encoder name, revision, lowpass, peak and replay gain, flags, bitrate, 3 bytes of
delay and padding, ...)."""

import io
import struct

import miniaudio
import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from audiocoach.encode import LAME_DELAY, encode_mp3, info_frame


def tone_pcm(seconds: float, rate: int, clicks: tuple[int, ...] = ()) -> np.ndarray:
    """A quiet 440 Hz tone with loud clicks (50 samples each) at the samples given."""
    n = round(seconds * rate)
    pcm = (np.sin(2 * np.pi * 440 * np.arange(n) / rate) * 2000).astype(np.int16)
    for at in clicks:
        pcm[at:at + 50] = 25000
    return pcm


def encoded(pcm: np.ndarray, rate: int = 44100, bitrate: int = 96,
            cuts: tuple[int, ...] = (1000, 30000)) -> bytes:
    """`pcm` encoded from blocks cut at `cuts` (blocks of any size, as the mixer's last)."""
    out = io.BytesIO()
    encode_mp3(np.split(pcm, [c for c in cuts if c < len(pcm)]), out, rate, bitrate)
    return out.getvalue()


def frames(data: bytes, per_frame_bytes: int) -> list[int]:
    """The offset of every frame, walking the stream by its (constant) frame length."""
    offsets, at = [], 0
    while at < len(data):
        header = int.from_bytes(data[at:at + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {at}"
        offsets.append(at)
        at += per_frame_bytes + (header >> 9 & 1)
    assert at == len(data)
    return offsets


class Tags:
    """The Info and LAME tags of an MP3's first frame (mono: 17 or 9 bytes of side info)."""

    def __init__(self, data: bytes, mpeg1: bool):
        self.header = int.from_bytes(data[:4], "big")
        xing = 4 + (17 if mpeg1 else 9)
        assert data[xing:xing + 4] == b"Info"
        self.flags, self.frames, self.bytes = struct.unpack(">III", data[xing + 4:xing + 16])
        self.toc = data[xing + 16:xing + 116]
        lame = xing + 120
        self.encoder = data[lame:lame + 9]
        self.method = data[lame + 9] & 0x0F
        self.bitrate = data[lame + 20]
        both = int.from_bytes(data[lame + 21:lame + 24], "big")
        self.delay, self.padding = both >> 12, both & 0xFFF
        self.music_length = struct.unpack(">I", data[lame + 28:lame + 32])[0]


@pytest.mark.parametrize("rate,bitrate,per_frame,frame_bytes", [
    (44100, 96, 1152, 313), (44100, 128, 1152, 417), (22050, 64, 576, 208)])
def test_the_info_frame_counts_the_stream(rate, bitrate, per_frame, frame_bytes):
    pcm = tone_pcm(1.7, rate)
    data = encoded(pcm, rate, bitrate)
    tags = Tags(data, mpeg1=rate == 44100)
    offsets = frames(data, frame_bytes)
    assert tags.flags == 0x0F  # frames, bytes, TOC and quality present
    assert tags.frames == len(offsets) - 1  # every audio frame, not the Info frame itself
    assert tags.bytes == tags.music_length == len(data)
    assert tags.header & 0x200 == 0  # the Info frame has no padding byte
    assert tags.encoder == b"LAME3.100" and tags.method == 1 and tags.bitrate == bitrate
    assert tags.delay == LAME_DELAY
    assert tags.frames * per_frame - LAME_DELAY - tags.padding == len(pcm)
    assert list(tags.toc) == sorted(tags.toc) and tags.toc[0] == 0


@pytest.mark.parametrize("rate", [44100, 22050])
def test_a_gapless_decoder_gives_back_exactly_the_samples_at_their_times(rate):
    clicks = (rate // 4, rate + 777)
    pcm = tone_pcm(2.3, rate, clicks)
    decoded = miniaudio.mp3_read_s16(encoded(pcm, rate))
    assert (decoded.sample_rate, decoded.nchannels) == (rate, 1)
    audio = np.asarray(decoded.samples, dtype=np.float64)
    assert len(audio) == len(pcm)
    loud = np.flatnonzero(np.abs(audio) > 12000)
    onsets = [int(loud[0]), int(loud[loud > clicks[0] + 1000][0])]
    assert all(abs(got - want) <= 3 for got, want in zip(onsets, clicks, strict=True)), onsets


def test_mutagen_reads_a_constant_bitrate_and_the_exact_length():
    pcm = tone_pcm(3.21, 44100)
    info = MP3(io.BytesIO(encoded(pcm))).info
    assert info.bitrate_mode == BitrateMode.CBR and info.encoder_settings == "-b 96"
    assert info.encoder_info.startswith("LAME 3.100")
    assert abs(info.length - len(pcm) / 44100) < 1 / 44100


def test_the_blocks_may_be_cut_anywhere():
    pcm = tone_pcm(1.5, 44100)
    whole = encoded(pcm, cuts=())
    assert encoded(pcm, cuts=(1, 2, 1153, 40000, 66149)) == whole


def test_the_file_is_written_from_where_it_stands():
    """`out` need not be at its start (nor readable): the Info frame is filled in at the
    place the stream began."""
    pcm = tone_pcm(0.8, 44100)
    out = io.BytesIO()
    out.write(b"ID3 stand-in")
    encode_mp3([pcm], out, 44100, 96)
    assert out.getvalue()[:12] == b"ID3 stand-in"
    assert out.getvalue()[12:] == encoded(pcm)
    assert out.tell() == len(out.getvalue())


def test_silence_and_an_empty_input_still_make_a_valid_stream():
    for pcm in (np.zeros(44100, dtype=np.int16), np.zeros(0, dtype=np.int16)):
        data = encoded(pcm)
        tags = Tags(data, mpeg1=True)
        assert tags.frames * 1152 - LAME_DELAY - tags.padding == len(pcm)


def test_info_frame_refuses_counts_that_cannot_hold_the_samples():
    header = int.from_bytes(encoded(tone_pcm(0.2, 44100))[:4], "big")
    info_frame(header, 10, 3130, 10 * 1152 - LAME_DELAY)  # no padding left: fine
    with pytest.raises(ValueError):
        info_frame(header, 10, 3130, 10 * 1152)  # more samples than the frames hold
    with pytest.raises(ValueError):
        info_frame(header, 10, 3130, 100)  # a padding of more than 4095 samples


def test_a_real_render_decodes_to_its_scripts_length(short_render):
    decoded = miniaudio.mp3_read_file_s16(str(short_render.mp3))
    assert decoded.nchannels == 1 and decoded.sample_rate == 44100
    assert len(decoded.samples) == round(short_render.script.duration_ms * 44100 / 1000)
