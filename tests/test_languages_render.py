"""Real renders in German and Spanish with the default engine (pyttsx3 + eSpeak NG),
decoded: the speech starts where the script says, the length and loudness are as for
English, the rests are quiet, and the voice that speaks is the language's own."""

from itertools import pairwise

import mutagen
import numpy as np
import pytest

from audio import RATE, decode, onset_errors
from audiocoach import sound
from audiocoach.build import Options, render
from audiocoach.cache import PhraseCache
from audiocoach.speech import Voice, open_engine

ROUTINES = {
    "de": """\
title: Kurze Testübung
language: de
source: tests/test_languages_render.py
equipment: [eine Matte]
defaults:
  rest: {set: 4s, exercise: 4s, side: 3s}
exercises:
  - exercise: Katze-Kuh
    reps: 2
    tempo:
      - einatmen: {seconds: 3, say: "einatmen, Rücken sinken lassen"}
      - ausatmen: {seconds: 3, say: "ausatmen, Rücken rund machen"}
  - exercise: Brücke
    sets: 2
    reps: 2
    hold: 3s
    sides: both
  - exercise: Pulsieren
    time: 8s
""",
    "es": """\
title: Rutina breve de prueba
language: es
source: tests/test_languages_render.py
equipment: [una esterilla]
defaults:
  rest: {set: 4s, exercise: 4s, side: 3s}
exercises:
  - exercise: Gato-vaca
    reps: 2
    tempo:
      - inspire: {seconds: 3, say: "inspire, arquee la espalda"}
      - espire: {seconds: 3, say: "espire, redondee la espalda"}
  - exercise: Puente
    sets: 2
    reps: 2
    hold: 3s
    sides: both
  - exercise: Pulsos
    time: 8s
""",
}
VOICES = {"de": "gmw/de", "es": "roa/es"}


@pytest.fixture(scope="module", params=sorted(ROUTINES))
def rendered(request, tmp_path_factory, real_cache):
    tag = request.param
    folder = tmp_path_factory.mktemp(f"lang-{tag}")
    path = folder / f"{tag}.yaml"
    path.write_text(ROUTINES[tag], encoding="utf-8")
    result = render(path, folder / "out", Options(voice=Voice("pyttsx3"), cache=real_cache))
    return tag, result, decode(result.mp3)


def test_the_script_is_in_the_routines_language(rendered):
    tag, result, _ = rendered
    assert result.script.language == tag
    said = {e.text for e in result.script.events if e.kind == "speech"}
    assert {"de": "los", "es": "ya"}[tag] in said  # the countdown's "go"


def test_duration_matches_the_script(rendered):
    _, result, audio = rendered
    assert abs(len(audio) / RATE - result.script.duration) < 0.05
    assert abs(mutagen.File(result.mp3).info.length - result.script.duration) < 0.05


def test_speech_after_a_quiet_gap_starts_on_its_beat(rendered):
    _, result, audio = rendered
    errors = onset_errors(result.script, audio)
    assert len(errors) >= 20
    assert max(errors) < 0.030, max(errors)


def test_rests_are_quiet_apart_from_tones(rendered):
    _, result, audio = rendered
    gaps = [(a.end + 0.05, b.start - 0.05) for a, b in pairwise(result.script.events)
            if b.start - a.end > 0.5]
    assert gaps
    for start, end in gaps:
        segment = audio[int(start * RATE):int(end * RATE)]
        assert np.sqrt(np.mean(segment ** 2)) < 10 ** (-60 / 20), (start, end)


def test_loudness_is_on_target(rendered):
    import pyloudnorm

    _, _, audio = rendered
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(audio)
    assert -17 <= lufs <= -15, lufs


def test_the_languages_voice_is_the_one_that_speaks(rendered, real_cache):
    """The cache keys its clips by the language's voice, the engine reports that voice, and
    the MP3's audio of its longest phrase sounds like that phrase said again by the
    language's voice, and not like it said by the English voice. (eSpeak NG never says a
    phrase twice to the sample, so the two are compared by their spectra over time.)"""
    tag, result, audio = rendered
    assert PhraseCache(Voice("pyttsx3", language=tag), real_cache).voice.voice == VOICES[tag]
    engine = open_engine(Voice("pyttsx3", language=tag))
    assert engine.speaking == VOICES[tag]
    event = max((e for e in result.script.events if e.kind == "speech"),
                key=lambda e: e.end - e.start)
    heard = audio[int(event.start * RATE):int(event.end * RATE)]
    own = _likeness(heard, _clip(engine, event.text))
    english = _likeness(heard, _clip(open_engine(Voice("pyttsx3")), event.text))
    assert own > 0.9 and english < 0.75, (event.text, own, english)  # de .97/.43, es .99/.59


def _clip(engine, text: str) -> np.ndarray:
    """`text` said by `engine` and prepared as the mixer takes it (44.1 kHz, levelled)."""
    return sound.prepare(engine.synthesize(text)).astype(np.float64) / 32768


def _bands(audio: np.ndarray) -> np.ndarray:
    """The log level of 40 bands up to 8.6 kHz in 23 ms steps (bands x frames)."""
    from scipy.signal import stft

    _, _, z = stft(audio, RATE, nperseg=1024, noverlap=512)
    power = np.abs(z[:200])
    bands = np.array([b.mean(axis=0) for b in np.array_split(power, 40)])
    return np.log10(bands + 1e-3 * bands.max())


def _likeness(heard: np.ndarray, clip: np.ndarray) -> float:
    """The correlation of the two spectrograms, `clip`'s stretched to `heard`'s length."""
    a, b = _bands(heard), _bands(clip)
    b = b[:, np.linspace(0, b.shape[1] - 1, a.shape[1]).round().astype(int)]
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
