"""Render with the real default engine (pyttsx3 + eSpeak NG), decode, and check what is heard."""

import json
from itertools import pairwise

import mutagen
import numpy as np
import pytest
from mutagen.id3 import ID3

from audio import RATE, decode, envelope, onset_errors


@pytest.fixture(scope="module")
def rendered(short_render):
    return short_render, decode(short_render.mp3)


def test_duration_matches_the_script(rendered):
    result, audio = rendered
    assert abs(len(audio) / RATE - result.script.duration) < 0.05
    assert abs(mutagen.File(result.mp3).info.length - result.script.duration) < 0.05


def test_speech_after_a_quiet_gap_starts_on_its_beat(rendered):
    result, audio = rendered
    errors = onset_errors(result.script, audio)
    assert len(errors) >= 20
    assert max(errors) < 0.030, max(errors)


def test_rests_are_quiet_apart_from_tones(rendered):
    result, audio = rendered
    events = result.script.events
    gaps = [(a.end + 0.05, b.start - 0.05) for a, b in pairwise(events)
            if b.start - a.end > 0.5]
    assert gaps
    for start, end in gaps:
        segment = audio[int(start * RATE):int(end * RATE)]
        assert np.sqrt(np.mean(segment ** 2)) < 10 ** (-60 / 20), (start, end)


def test_tags_and_chapters_read_back(rendered):
    result, _ = rendered
    tags = ID3(result.mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Short test routine"
    assert str(tags["TPE1"]) == "audiocoach" and str(tags["TALB"]) == "audiocoach"
    assert "tests/data/short.yaml" in str(tags.getall("COMM")[0])
    chaps = tags.getall("CHAP")
    ordered = [c for c in tags.values() if c.FrameID == "CHAP"]
    assert [c.element_id for c in ordered] == sorted(c.element_id for c in chaps)
    titles = [c.sub_frames["TIT2"].text[0].strip() for c in ordered]
    assert titles == [c.title for c in result.script.chapters]
    assert [c.start_time for c in ordered] == [c.start_ms for c in result.script.chapters]
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [c.element_id for c in ordered]


def test_loudness_is_on_target(rendered):
    import pyloudnorm
    from scipy.signal import resample_poly

    _, audio = rendered
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(audio)
    assert -17 <= lufs <= -15, lufs
    true_peak = 20 * np.log10(np.max(np.abs(resample_poly(audio, 4, 1))))
    assert true_peak <= -1.0, true_peak


def test_json_beside_the_mp3_is_the_script_as_rendered(rendered):
    result, _ = rendered
    assert json.loads(result.json.read_text()) == result.script.to_dict()


def test_speech_is_where_the_script_says_not_in_silence(rendered):
    """The inverse check: each scripted speech event has sound in it."""
    result, audio = rendered
    env = envelope(audio, 20)
    for e in result.script.events:
        if e.kind == "speech":
            segment = env[int(e.start * RATE):int(e.end * RATE)]
            assert segment.max() > 0.02, e.text


def test_every_two_phrases_have_a_pause_that_you_can_hear(rendered):
    """Heard, not only scheduled: between two phrases the decoded audio goes quiet for at
    least 200 ms (the script leaves 250 ms; 50 ms either side is left for the encoder's
    smearing and the clips' fades)."""
    result, audio = rendered
    env = envelope(audio, 10)
    events = result.script.events
    quiet = 10 ** (-50 / 20)
    for a, b in pairwise(events):
        if a.kind != "speech" or b.kind != "speech":
            continue  # a tone between two phrases is a pause of its own kind
        span = env[int((a.end + 0.02) * RATE):int((b.start - 0.02) * RATE)]
        run = np.diff(np.flatnonzero(np.concatenate([[True], span >= quiet, [True]])))
        assert run.max() - 1 >= 0.2 * RATE, (a.text, b.text, (b.start - a.end))
