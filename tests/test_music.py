"""Render with a music bed, decode, and measure how deep the bed ducks under speech."""

import wave

import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner
from scipy.signal import butter, sosfiltfilt

from audiocoach.build import Options, render
from audiocoach.cli import main
from audiocoach.speech import Voice

from audio import RATE, decode
from conftest import DATA


def write_song(path, seconds=20.0):
    """'Music' in a band the fake voice never uses (2-4 kHz noise, with a slow swell)."""
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
    band = sosfiltfilt(butter(6, [2200, 3800], "bandpass", fs=RATE, output="sos"), audio)
    parts = np.concatenate([band[int(a * RATE):int(b * RATE)] for a, b in spans])
    return 10 * np.log10(np.mean(parts ** 2))


def test_the_bed_ducks_at_least_20_db_under_speech(with_music):
    result, audio = with_music
    speech = [e for e in result.script.events if e.kind == "speech"]
    during = [(e.start + 0.15, e.end - 0.05) for e in speech if e.end - e.start > 0.4]
    gaps = [(a.end + 0.6, b.start - 0.3) for a, b in zip(speech, speech[1:])
            if b.start - a.end > 1.5 and a.end > 5 and b.start < result.script.duration - 5]
    assert during and gaps
    depth = band_level_db(audio, gaps) - band_level_db(audio, during)
    assert depth >= 20, depth


def test_the_bed_loops_and_fades_out(with_music):
    result, audio = with_music
    assert len(audio) / RATE > 100  # much longer than the 20 s song
    tail = audio[-int(0.05 * RATE):]
    assert np.sqrt(np.mean(tail ** 2)) < 1e-3


def test_loudness_of_the_mix_stays_on_target(with_music):
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
