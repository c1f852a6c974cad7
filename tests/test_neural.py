"""With the neural extra installed: render with Piper, and check with a speech recognizer that
ships its model (pocketsphinx, grammar mode) that the cues are heard in the right order.
Skipped cleanly when the extra is not installed."""

import numpy as np
import pytest

from audio import RATE, decode
from audiocoach.build import Options, render
from audiocoach.speech import Voice
from conftest import DATA

pytest.importorskip("piper")
pocketsphinx = pytest.importorskip("pocketsphinx")
pytestmark = pytest.mark.neural


def _words(text: str) -> str:
    return text.replace(",", "").lower()


def test_inhale_exhale_and_counts_are_heard_in_order(tmp_path):
    from scipy.signal import resample_poly

    result = render(DATA / "short.yaml", tmp_path, Options(voice=Voice("piper"),
                                                           cache=tmp_path / "cache"))
    audio = decode(result.mp3) * 32768
    said = [e for e in result.script.events if e.kind == "speech" and e.rep is not None]
    grammar = "#JSGF V1.0;\ngrammar cues;\npublic <cue> = {};\n".format(
        " | ".join(sorted({_words(e.text) for e in said})))
    decoder = pocketsphinx.Decoder(loglevel="FATAL")
    decoder.add_jsgf_string("cues", grammar)
    decoder.activate_search("cues")
    heard = []
    for e in said:
        segment = audio[int((e.start - 0.05) * RATE):int((e.end + 0.1) * RATE)]
        decoder.start_utt()
        decoder.process_raw(resample_poly(segment, 160, 441).astype(np.int16).tobytes(),
                            full_utt=True)
        decoder.end_utt()
        heard.append(decoder.hyp().hypstr if decoder.hyp() else "")
    expected = [_words(e.text) for e in said]
    cat_cow = [i for i, e in enumerate(said) if e.exercise == "Cat-cow"]
    assert [heard[i] for i in cat_cow] == [expected[i] for i in cat_cow]
    assert [expected[i] for i in cat_cow][:3] == ["one", "inhale arch into cow",
                                                   "exhale round into cat"]
    matches = sum(h == x for h, x in zip(heard, expected, strict=False))
    assert matches >= 0.9 * len(expected), list(zip(expected, heard, strict=False))
