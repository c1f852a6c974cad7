"""The mixer on its own: a hand-made script and synthetic clips, no engine (the last test
listens to the session's real render).

Each clip is a run of one value, so a sample of the timeline says which clip put it there."""

from itertools import pairwise

import numpy as np
import pytest

import audio
from audiocoach.mixer import pcm_blocks, placements
from audiocoach.script import Chapter, Event, Script

RATE = 1000  # one sample a millisecond: times in the script are sample offsets
CLIPS = {"one": np.full(300, 100, dtype=np.int16), "two": np.full(450, 20, dtype=np.int16)}
TONES = {"start": np.full(200, 3, dtype=np.int16), "end": np.full(50, 1000, dtype=np.int16)}


def speech(start_ms: int, text: str) -> Event:
    return Event(start_ms, start_ms + len(CLIPS[text]), "speech", text=text)


def tone(start_ms: int, name: str) -> Event:
    return Event(start_ms, start_ms + len(TONES[name]), "tone", tone=name)


# out of time order on purpose, "two" overlapping the start tone, one clip over the 1 s mark
EVENTS = (speech(2500, "one"), tone(100, "start"), speech(250, "two"), speech(900, "one"),
          tone(3950, "end"))
SCRIPT = Script("Mix", None, "medium", 4000, (Chapter("Mix", 0, 4000),), EVENTS)


def timeline(script: Script = SCRIPT, rate: int = RATE) -> np.ndarray:
    """The expected timeline, built the slow way: every event's audio added at its start."""
    out = np.zeros(round(script.duration_ms * rate / 1000) + 2 * rate, dtype=np.int64)
    for e in script.events:
        audio = CLIPS[e.text] if e.kind == "speech" else TONES[e.tone]
        at = round(e.start_ms * rate / 1000)
        out[at:at + len(audio)] += audio
    return out


def test_placements_are_the_events_at_their_samples_in_order():
    placed = placements(SCRIPT, CLIPS, TONES, RATE)
    assert [p.start for p in placed] == [100, 250, 900, 2500, 3950]
    expected = [TONES["start"], CLIPS["two"], CLIPS["one"], CLIPS["one"], TONES["end"]]
    assert all(p.audio is a for p, a in zip(placed, expected, strict=True))
    assert [p.end for p in placed] == [300, 700, 1200, 2800, 4000]


def test_placements_round_milliseconds_to_the_nearest_sample():
    script = Script("Mix", None, "medium", 1000, (), (speech(3, "one"), speech(1, "two")))
    # 44.1 samples a millisecond: 1 ms is sample 44.1 -> 44, 3 ms is 132.3 -> 132
    assert [p.start for p in placements(script, CLIPS, TONES, 44100)] == [44, 132]


def test_the_blocks_are_the_timeline_with_each_clip_at_its_offset():
    blocks = list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE))
    mixed = np.concatenate(blocks)
    assert all(b.dtype == np.int16 for b in blocks)
    np.testing.assert_array_equal(mixed, timeline()[:4000])
    assert mixed[99] == 0 and mixed[100] == 3  # the start tone begins on its sample
    assert mixed[250] == 3 + 20  # where two overlap, they add
    assert mixed[2499] == 0 and mixed[2500] == 100 and mixed[2799] == 100 and mixed[2800] == 0


@pytest.mark.parametrize("block_seconds", [1, 0.7, 10])
def test_blocks_are_of_the_size_asked_but_the_last(block_seconds):
    blocks = list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE, block_seconds=block_seconds))
    size = int(block_seconds * RATE)
    assert [len(b) for b in blocks[:-1]] == [size] * (len(blocks) - 1)
    assert 0 < len(blocks[-1]) <= size and sum(map(len, blocks)) == 4000
    # a clip across a block boundary is cut there and carries on in the next block
    np.testing.assert_array_equal(np.concatenate(blocks), timeline()[:4000])


def test_the_timeline_ends_at_the_script_or_at_end():
    assert sum(map(len, pcm_blocks(SCRIPT, CLIPS, TONES, RATE))) == 4000
    cut = np.concatenate(list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE, end=2600)))
    np.testing.assert_array_equal(cut, timeline()[:2600])
    longer = np.concatenate(list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE, end=5000)))
    assert len(longer) == 5000 and not longer[4000:].any()


def test_a_negative_skip_is_that_much_silence_first():
    blocks = list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE, skip=-150, block_seconds=1))
    mixed = np.concatenate(blocks)
    assert len(mixed) == 4150 and len(blocks[0]) == 1000
    assert not mixed[:150].any()
    np.testing.assert_array_equal(mixed[150:], timeline()[:4000])


def test_a_positive_skip_starts_the_timeline_later():
    mixed = np.concatenate(list(pcm_blocks(SCRIPT, CLIPS, TONES, RATE, skip=260)))
    np.testing.assert_array_equal(mixed, timeline()[260:4000])
    assert mixed[0] == 3 + 20  # mid-way through the start tone and "two"


def test_a_script_without_events_is_silence_of_its_length():
    script = Script("Quiet", None, "medium", 2500, (), ())
    blocks = list(pcm_blocks(script, CLIPS, TONES, RATE, block_seconds=1))
    assert [len(b) for b in blocks] == [1000, 1000, 500]
    assert not np.concatenate(blocks).any()


def test_a_missing_clip_is_an_error_not_silence():
    with pytest.raises(KeyError):
        list(pcm_blocks(SCRIPT, {"one": CLIPS["one"]}, TONES, RATE))


def test_a_real_render_has_speech_where_its_script_says(short_render):
    """The rendered file decoded: loud where the script places speech, quiet a moment
    before each cue that follows a pause."""
    env = audio.envelope(audio.decode(short_render.mp3))
    after_pause = [b for a, b in pairwise(short_render.script.events)
                   if b.kind == "speech" and b.start - a.end >= 0.3]
    assert after_pause
    for e in after_pause:
        at = round(e.start * audio.RATE)
        assert env[at - round(0.1 * audio.RATE)] < 0.01  # quiet before
        assert env[at:at + round(0.3 * audio.RATE)].max() > 0.02  # speech from its time
