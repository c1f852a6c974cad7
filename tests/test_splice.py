"""The spliced encoder (splice.py): islands of sound encoded on their own, silent frames
between them. What a patient hears must not change: the stream decodes without an error or a
warning in two decoders, to as many samples as the timeline, with its speech where a whole
encode puts it and correlating >= 0.99 with it, and no click at a join."""

from __future__ import annotations

import io
import subprocess
import warnings

import imageio_ffmpeg
import miniaudio
import mutagen.mp3
import numpy as np
import pytest

from audiocoach import encode, splice
from audiocoach.build import Options, speaker
from audiocoach.cache import CacheWarning, PhraseCache
from audiocoach.encode import ENCODER_DELAY, encode_mp3
from audiocoach.loader import load_routine
from audiocoach.mixer import Placement, Timeline, mix, timeline
from audiocoach.speech import Voice
from audiocoach.splice import FRAME, encode_spliced, frame_offsets, islands
from conftest import DATA

RATE = 44100
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def speechlike(n: int, seed: int) -> np.ndarray:
    """Something like a phrase: a voiced pitch with harmonics to 4 kHz, in syllables of
    rising and falling level, faded in and out."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    pitch = rng.uniform(100, 220)
    voice = sum(np.sin(2 * np.pi * pitch * k * t + rng.uniform(0, 6)) / k
                for k in range(1, int(4000 / pitch)))
    syllables = 0.3 + 0.7 * np.sin(2 * np.pi * 3 * t) ** 2
    return (voice * 5000 * syllables * np.hanning(n)).astype(np.int16)


def synthetic() -> tuple[Timeline, int]:
    """A timeline of islands: at the start, close together (one island), far apart, one
    ending just before the end; phrases of any offset against the frame grid."""
    starts = [(0, 5000), (20000, 30000), (51_000, 4000), (100_001, 40000), (200_777, 3000),
              (205_000, 9000), (400_000, 20000), (515_500, 3000)]
    items = [Placement(s, n, str(i), {str(i): speechlike(n, i)})
             for i, (s, n) in enumerate(starts)]
    return Timeline(items), 520_000


def spliced(line: Timeline, total: int, **kw) -> tuple[bytes, list[int]]:
    out = io.BytesIO()
    joins = encode_spliced(line.span, line.sounds(0, total), total, out, RATE, 96, **kw)
    return out.getvalue(), joins


def whole(line: Timeline, total: int) -> bytes:
    out = io.BytesIO()
    encode_mp3([line.span(0, total)], out, RATE, 96)
    return out.getvalue()


def by_miniaudio(data: bytes) -> np.ndarray:
    decoded = miniaudio.decode(data, nchannels=1, sample_rate=RATE,
                               output_format=miniaudio.SampleFormat.SIGNED16)
    return np.frombuffer(decoded.samples, dtype=np.int16).astype(np.float64) / 32768


def by_ffmpeg(data: bytes) -> tuple[np.ndarray, str]:
    """ffmpeg's decode, and everything it said at -v warning (errors and warnings)."""
    done = subprocess.run([FFMPEG, "-v", "warning", "-i", "-", "-f", "s16le", "-ac", "1", "-"],
                          input=data, capture_output=True, check=True)
    audio = np.frombuffer(done.stdout, dtype=np.int16).astype(np.float64) / 32768
    return audio, done.stderr.decode()


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def join_peaks_db(audio: np.ndarray, reference: np.ndarray, joins: list[int]) -> list[float]:
    """The peak (dBFS) of `audio` in the 5 ms around each join, where `reference` (the
    timeline) is silent there. A join at frame j is heard at sample j * 1152 - ENCODER_DELAY
    of a gapless decode."""
    half = RATE * 5 // 1000
    peaks = []
    for j in joins:
        at = j * FRAME - ENCODER_DELAY
        lo, hi = max(0, at - half), min(len(audio), at + half)
        if hi > lo and not reference[lo:hi].any():
            peak = np.abs(audio[lo:hi]).max()
            peaks.append(20 * np.log10(max(peak, 1e-12)))
    return peaks


def test_islands_cover_every_sound_with_silence_around_it_on_frame_boundaries():
    plan = islands([(5000, 6000), (6500, 7000), (60_000, 61_000)], 100_000)
    # 5000 is in frame 4: three frames earlier is frame 1; 7000 ends in frame 6, three
    # frames later is frame 10; the first two sounds are 500 samples apart, so one island
    assert [(i.start, i.end, i.last) for i in plan] == [
        (1 * FRAME, 10 * FRAME, False), (49 * FRAME, 56 * FRAME, False)]
    assert islands([(99_000, 99_500)], 100_000)[-1].last  # its tail reaches the end
    assert islands([], 100_000) == []


@pytest.mark.parametrize("total", [0, 1, 1151, 1152, 44100, 3 * 44100 + 17])
def test_frame_count_is_lames(total):
    lame = encode.encoder(RATE, 96)
    data = lame.encode(bytes(2 * total)) + lame.flush()
    assert len(frame_offsets(data)) == splice.frame_count(total)


def test_a_silent_frame_decodes_to_silence_and_needs_no_reservoir():
    header = encode.frame_header(RATE, 96)
    frame = splice.silent_frame(header)
    assert len(frame) == encode.frame_length(header)
    assert splice.main_data_begin(frame, 0) == 0 and splice.no_bits(frame, 0)
    lame = encode.encoder(RATE, 96)
    loud = lame.encode(speechlike(4 * FRAME, 1).tobytes()) + lame.flush()
    assert not splice.no_bits(loud, frame_offsets(loud)[2])


def test_spliced_decodes_like_a_whole_encode_in_two_decoders():
    line, total = synthetic()
    data, joins = spliced(line, total)
    reference = line.span(0, total).astype(np.float64) / 32768
    plain = by_miniaudio(whole(line, total))
    assert len(joins) >= 6  # the synthetic timeline has six islands
    for audio in (by_miniaudio(data), by_ffmpeg(data)[0]):
        assert len(audio) == total  # gapless: the LAME tag's delay and padding hold
        assert correlation(audio, plain) >= 0.99
        assert correlation(audio, reference) >= 0.99
        assert max(join_peaks_db(audio, line.span(0, total), joins)) < -60
    assert by_ffmpeg(data)[1] == ""  # not one error or warning


def test_the_header_tells_the_right_length_and_frame_count():
    line, total = synthetic()
    data, _ = spliced(line, total)
    offsets = frame_offsets(data)
    info = data[offsets[0]:offsets[1]]
    xing = info.index(b"Info")
    frames, size = int.from_bytes(info[xing + 8:xing + 12], "big"), \
        int.from_bytes(info[xing + 12:xing + 16], "big")
    assert frames == len(offsets) - 1 == splice.frame_count(total) and size == len(data)
    lame = info.index(b"LAME3.100")
    delay_padding = int.from_bytes(info[lame + 21:lame + 24], "big")
    assert delay_padding >> 12 == encode.LAME_DELAY
    assert (delay_padding & 0xFFF) == frames * FRAME - encode.LAME_DELAY - total
    info_ = mutagen.mp3.MP3(io.BytesIO(data)).info
    assert abs(info_.length - total / RATE) < 0.001 and info_.bitrate == 96000
    # CBR: the bytes grow with time as the Info frame's table of contents says
    assert abs(len(data) - (len(offsets)) * 144 * 96000 / RATE) < 2 * len(offsets) ** 0.5 + 50


def test_joins_are_where_the_timeline_is_silent_and_no_frame_reaches_across_one():
    line, total = synthetic()
    data, joins = spliced(line, total)
    offsets = frame_offsets(data)[1:]  # the audio frames
    for j in joins:
        assert splice.main_data_begin(data, offsets[j]) == 0
        assert splice.no_bits(data, offsets[j - 1])  # the decoder's state is zero before it
        at = j * FRAME - ENCODER_DELAY
        assert not line.span(max(0, at - FRAME), at + FRAME).any()


def test_the_same_bytes_on_one_thread_or_many_and_from_the_frame_cache(tmp_path):
    line, total = synthetic()
    one, _ = spliced(line, total, workers=1)
    assert spliced(line, total, workers=4)[0] == one
    cold, _ = spliced(line, total, cache=tmp_path / "frames")
    assert cold == one and list((tmp_path / "frames").rglob("*.mp3"))
    calls = []
    real = encode.lameenc.Encoder

    def counting():
        calls.append(1)
        return real()

    encode.lameenc.Encoder = counting
    try:
        warm, _ = spliced(line, total, cache=tmp_path / "frames")
    finally:
        encode.lameenc.Encoder = real
    assert warm == one and calls == []  # every island came from the cache


def test_a_damaged_frame_cache_entry_is_encoded_again(tmp_path):
    line, total = synthetic()
    one, _ = spliced(line, total, cache=tmp_path / "frames")
    entries = sorted((tmp_path / "frames").rglob("*.mp3"))
    entries[0].write_bytes(entries[0].read_bytes()[:-40])  # truncated
    entries[1].write_bytes(b"\xff\xfb" + bytes(500))  # garbage
    data = bytearray(entries[2].read_bytes())
    data[100] ^= 0xFF  # one flipped byte: the entry's checksum tells
    entries[2].write_bytes(bytes(data))
    assert spliced(line, total, cache=tmp_path / "frames")[0] == one


def test_an_unwritable_frame_cache_warns_once_and_the_encode_goes_on(tmp_path):
    line, total = synthetic()
    one, _ = spliced(line, total)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache's folder belongs")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        data, _ = spliced(line, total, cache=blocked / "frames")
    assert data == one
    said = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(said) == 1 and "frame cache" in said[0]


def test_a_real_render_is_spliced_and_sounds_as_a_whole_encode(short_render, real_cache):
    """The short routine rendered with the real engine (the session's fixture): its MP3's
    audio is the spliced stream of its script, and that decodes like one whole encode."""
    script = short_render.script
    options = Options(voice=Voice("pyttsx3"))
    cache = PhraseCache(speaker(load_routine(DATA / "short.yaml"), options), real_cache)
    clips = cache.clips(script.phrases())
    assert cache.synthesized == 0  # the render made them: the same clips
    total = round(script.duration_ms * RATE / 1000)
    line = timeline(script, clips, RATE)
    data, joins = spliced(line, total)
    rendered = short_render.mp3.read_bytes()
    assert rendered.endswith(data)  # the render wrote exactly this stream (after its tags)
    plain = io.BytesIO()
    encode_mp3(mix(script, clips, RATE), plain, RATE, 96)
    reference = by_miniaudio(plain.getvalue())
    for audio in (by_miniaudio(rendered), by_ffmpeg(rendered)[0]):
        assert len(audio) == total
        assert correlation(audio, reference) >= 0.99
        assert max(join_peaks_db(audio, line.span(0, total), joins)) < -60
    assert by_ffmpeg(rendered)[1] == ""
    assert joins  # a routine has rests: something was spliced
