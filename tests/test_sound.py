"""Clips on their own (audiocoach/sound.py): synthetic "speech", no engine.

The loudness and true-peak figures are the module's own measurements (BS.1770 through
pyloudnorm, 4x oversampling); what is tested is that a clip comes out on them."""

import numpy as np
import pytest

from audiocoach.script import TONE_MS
from audiocoach.sound import (
    CEILING_DBTP,
    SAMPLE_RATE,
    TARGET_LUFS,
    limit,
    loudness,
    normalize,
    prepare,
    tone,
    true_peak,
)
from audiocoach.speech import Speech

CEILING = 10 ** (CEILING_DBTP / 20)


def sine(freq: float, seconds: float, amplitude: float, rate: int = SAMPLE_RATE,
         phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t + phase)


def fake_speech(level: float, rate: int = 22050) -> Speech:
    """0.3 s of silence, 0.8 s of a warbling tone at `level`, 0.5 s of silence: as an engine
    leaves it."""
    voiced = sine(180, 0.8, level, rate) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * np.arange(
        round(0.8 * rate)) / rate))
    samples = np.concatenate([np.zeros(round(0.3 * rate)), voiced, np.zeros(round(0.5 * rate))])
    return Speech((samples * 32767).astype(np.int16), rate)


def as_float(clip: np.ndarray) -> np.ndarray:
    return clip.astype(np.float64) / 32768


@pytest.mark.parametrize("level", [0.02, 0.3, 0.95])
def test_a_prepared_clip_is_on_target_under_the_ceiling(level):
    clip = prepare(fake_speech(level))
    assert clip.dtype == np.int16
    assert loudness(as_float(clip)) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert true_peak(as_float(clip)) <= CEILING * 1.001  # int16 rounding


def test_a_prepared_clip_is_trimmed_resampled_and_faded():
    clip = prepare(fake_speech(0.3, rate=22050))
    # 0.8 s of sound at 44.1 kHz; the silence on either side is gone (the -45 dBFS gate
    # keeps a few ms of the quiet start and end of the warble)
    assert abs(len(clip) - 0.8 * SAMPLE_RATE) < 0.03 * SAMPLE_RATE
    assert abs(int(clip[0])) < 200 and abs(int(clip[-1])) < 200  # faded in and out
    assert np.abs(clip).max() > 5000


def test_silence_from_the_engine_is_an_error():
    with pytest.raises(ValueError, match="silence"):
        prepare(Speech(np.zeros(22050, dtype=np.int16), 22050))


def test_normalize_brings_a_quiet_clip_to_target():
    quiet = sine(300, 1.0, 0.01)
    assert loudness(quiet) < TARGET_LUFS - 20
    assert loudness(normalize(quiet)) == pytest.approx(TARGET_LUFS, abs=0.3)


def test_normalize_keeps_clicks_under_the_true_peak_ceiling():
    """A clip whose peaks stand far above its loudness: the limiter and the last true-peak
    measurement hold them under the ceiling, while the body stays near target."""
    clip = sine(200, 1.0, 0.05)
    clip[::4410] = 0.99  # ten clicks
    out = normalize(clip)
    assert true_peak(out) <= CEILING * (1 + 1e-9)
    assert loudness(out) == pytest.approx(TARGET_LUFS, abs=1.0)


def test_true_peak_finds_the_peak_between_samples():
    # a quarter of the sample rate, 45 degrees off: every sample is at 0.707 of the peak
    wave = sine(SAMPLE_RATE / 4, 0.1, 0.8, phase=np.pi / 4)
    assert np.abs(wave).max() == pytest.approx(0.8 / np.sqrt(2), rel=1e-6)
    assert true_peak(wave) == pytest.approx(0.8, rel=0.02)
    assert true_peak(np.zeros(0)) == 0.0


def test_limit_pulls_only_the_peaks_down():
    signal = sine(150, 1.0, 0.3)
    signal[22050:22050 + 882] *= 3  # 20 ms three times as loud
    out = limit(signal, 0.5)
    assert np.abs(out).max() <= 0.5
    # 70 ms and more from the peak (and 10 ms in from either end, where the gain's
    # smoothing ramps down: a clip's ends are faded anyway)
    far = np.r_[441:19000, 25100:44100 - 441]
    np.testing.assert_allclose(out[far], signal[far], atol=1e-12)
    quiet = sine(150, 0.2, 0.1)
    assert limit(quiet, 0.5) is quiet  # nothing over the ceiling: untouched


@pytest.mark.parametrize("name,notes", [("start", [660, 880]), ("end", [523]),
                                        ("finish", [523, 659, 784])])
def test_tones_have_their_length_notes_and_soft_edges(name, notes):
    ms = TONE_MS[name]
    chime = tone(name, ms)
    assert chime.dtype == np.int16 and len(chime) == round(ms * SAMPLE_RATE / 1000)
    level = np.abs(chime).max() / 32768
    edges = np.abs(np.r_[chime[:3], chime[-3:]]) / 32768
    assert edges.max() < 0.01 * level  # faded in and out: no click
    assert 0.05 < level < 0.12  # -20 dBFS notes, about 0.1
    parts = np.array_split(as_float(chime), len(notes))
    for part, freq in zip(parts, notes, strict=True):
        spectrum = np.abs(np.fft.rfft(part))
        peak = np.fft.rfftfreq(len(part), 1 / SAMPLE_RATE)[np.argmax(spectrum)]
        assert abs(peak - freq) < 15, (name, peak, freq)



@pytest.mark.parametrize("freq,ms", [(660, 300), (523, 350), (659, 297), (784, 1)])
def test_a_tone_note_is_pydubs_sine_sample_for_sample(freq, ms):
    """The notes are made by numpy, to the sample what pydub's (per-sample) generator makes."""
    from pydub.generators import Sine

    from audiocoach.sound import _sine

    made = _sine(freq, ms, -20.0)
    pydubs = Sine(freq, sample_rate=SAMPLE_RATE).to_audio_segment(ms, volume=-20.0)
    assert (made.frame_rate, made.sample_width, made.channels) == \
        (pydubs.frame_rate, pydubs.sample_width, pydubs.channels)
    assert made.raw_data == pydubs.raw_data
