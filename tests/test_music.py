"""Render with a music bed, decode, and measure how deep the bed ducks under speech."""

import wave
from itertools import pairwise

import numpy as np
import pytest
from click.testing import CliRunner

from audio import RATE, decode
from audiocoach.build import Options, render
from audiocoach.cli import main
from audiocoach.speech import Voice
from conftest import DATA


def write_song(path, seconds=20.0):
    """'Music' in a band the fake voice never uses (2-4 kHz noise, with a slow swell)."""
    from scipy.signal import butter, sosfiltfilt

    rng = np.random.default_rng(1)
    n = int(seconds * RATE)
    noise = sosfiltfilt(butter(6, [2000, 4000], "bandpass", fs=RATE, output="sos"),
                        rng.standard_normal(n))
    song = noise / np.abs(noise).max() * 0.5 * (1 + 0.2 * np.sin(np.arange(n) / RATE))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.repeat((song * 32767).astype("<i2"), 2).tobytes())
    return path


@pytest.fixture(scope="module")
def with_music(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("music")
    song = write_song(tmp / "song.wav")  # 20 s, so it must loop to cover 2 minutes
    result = render(DATA / "short.yaml", tmp, Options(voice=Voice("fake"), cache=tmp / "c",
                                                       music=song))
    return result, decode(result.mp3)


def band_level_db(audio, spans):
    from scipy.signal import butter, sosfiltfilt

    band = sosfiltfilt(butter(6, [2200, 3800], "bandpass", fs=RATE, output="sos"), audio)
    parts = np.concatenate([band[int(a * RATE):int(b * RATE)] for a, b in spans])
    return 10 * np.log10(np.mean(parts ** 2))


def test_the_bed_ducks_at_least_20_db_under_speech(with_music):
    result, audio = with_music
    speech = [e for e in result.script.events if e.kind == "speech"]
    during = [(e.start + 0.15, e.end - 0.05) for e in speech if e.end - e.start > 0.4]
    gaps = [(a.end + 0.6, b.start - 0.3) for a, b in pairwise(speech)
            if b.start - a.end > 1.5 and a.end > 5 and b.start < result.script.duration - 5]
    assert during and gaps
    depth = band_level_db(audio, gaps) - band_level_db(audio, during)
    assert depth >= 20, depth


def test_the_bed_loops_and_fades_out(with_music):
    _, audio = with_music
    assert len(audio) / RATE > 100  # much longer than the 20 s song
    tail = audio[-int(0.05 * RATE):]
    assert np.sqrt(np.mean(tail ** 2)) < 1e-3


def test_loudness_of_the_mix_stays_on_target(with_music):
    import pyloudnorm

    _, audio = with_music
    assert -17 <= pyloudnorm.Meter(RATE).integrated_loudness(audio) <= -15


def test_bad_music_files_are_refused_before_rendering(tmp_path):
    not_audio = tmp_path / "notes.mp3"
    not_audio.write_text("these are not sounds")
    for music, message in ((tmp_path / "missing.ogg", "no such file"),
                           (not_audio, "could not be read as audio")):
        result = CliRunner().invoke(main, ["render", str(DATA / "short.yaml"), "-o",
                                           str(tmp_path / "out"), "--engine", "fake",
                                           "--music", str(music)])
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
        assert not (tmp_path / "out").exists()


def write_long_song(path, minutes):
    """A long mono WAV, quickly: ten seconds of noise over and over."""
    chunk = (np.random.default_rng(2).standard_normal(10 * RATE) * 3000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for _ in range(int(minutes * 6)):
            w.writeframes(chunk.tobytes())
    return path


def render_peak(tmp_path, song):
    """Peak of Python and numpy allocations while rendering a 2.7-minute workout over `song`."""
    import tracemalloc

    from audiocoach import music
    music._decode.cache_clear()
    out = tmp_path / song.stem
    tracemalloc.start()
    try:
        render(DATA / "short.yaml", out, Options(voice=Voice("fake"), cache=tmp_path / "c",
                                                 music=song))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_is_flat_in_the_length_of_the_song(tmp_path):
    long = write_long_song(tmp_path / "long.wav", 20)
    short = write_long_song(tmp_path / "s.wav", 3)
    render_peak(tmp_path, short)  # phrases cached and modules loaded: both runs alike
    peak_short, peak_long = render_peak(tmp_path, short), render_peak(tmp_path, long)
    decoded_long = 20 * 60 * RATE * 4  # the 20-minute song as float32: 212 MB
    assert peak_long < 1.3 * peak_short, (peak_short, peak_long)
    assert peak_long < decoded_long, (peak_long, decoded_long)  # (levelling 2 minutes: 150 MB)


def test_only_what_the_workout_covers_is_decoded(tmp_path, monkeypatch):
    import miniaudio

    from audiocoach import music
    decoded = []
    whole, stream = miniaudio.decode_file, miniaudio.stream_file

    def counted_whole(*args, **kwargs):
        result = whole(*args, **kwargs)
        decoded.append(len(result.samples))
        return result

    def counted_stream(*args, **kwargs):
        for block in stream(*args, **kwargs):
            decoded.append(len(block))
            yield block

    monkeypatch.setattr(miniaudio, "decode_file", counted_whole)
    monkeypatch.setattr(miniaudio, "stream_file", counted_stream)
    music._decode.cache_clear()
    song = write_long_song(tmp_path / "long.wav", 20)
    result = render(DATA / "short.yaml", tmp_path / "out",
                    Options(voice=Voice("fake"), cache=tmp_path / "c", music=song))
    # the first two minutes to set the level, then the workout's length: not 20 minutes
    level_s, block = music.LEVEL_S, music.BLOCK_FRAMES
    bound = (level_s + result.script.duration + 2) * RATE + 2 * block
    assert 0 < sum(decoded) <= bound, (sum(decoded), bound)


def test_a_streamed_bed_is_the_song_decoded_whole_looped(tmp_path):
    """A song longer than LEVEL_S, streamed: the same samples as decoding it whole and
    indexing it modulo its length (the bed before it was streamed), across the loop."""
    from types import SimpleNamespace

    import miniaudio

    from audiocoach import music, sound
    song = write_long_song(tmp_path / "song.wav", 2.5)  # 150 s: streamed, not kept
    bed = music.load_bed(song)
    assert bed.samples is None
    whole = np.asarray(miniaudio.decode_file(str(song), nchannels=1, sample_rate=RATE).samples,
                       dtype=np.float32) / 32768
    gain = 10 ** ((music.BED_LUFS - sound.loudness(whole[:120 * RATE])) / 20)
    assert bed.gain == pytest.approx(gain)
    total = 400 * RATE  # 400 s: the song plays two and a half times
    mixer = music.BedMixer(bed, SimpleNamespace(duration_ms=total * 1000 // RATE, events=()),
                           RATE)
    start, sizes = 1105, [3, 10 * RATE, 7 * RATE + 11, 16384, 45 * RATE] * 8
    for n in sizes:
        n = min(n, total - start)
        if n <= 0:
            break
        got = mixer._music(start, n)
        want = (whole * gain)[np.arange(start, start + n) % len(whole)]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
        start += n
    assert start == total
