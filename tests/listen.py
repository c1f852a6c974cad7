"""What a closed-grammar speech recogniser hears in a rendered workout.

pocketsphinx (en-us model, JSGF grammar mode) is asked, for each speech event, which of a
list of phrases it heard. It is imported only when `heard` first runs, so importing this
module costs nothing when pocketsphinx is not installed.

The rendered MP3 is digital silence between cues. pocketsphinx's front end does badly on
exact zeros (its energy and cepstral-mean estimates degenerate: the default voice went from
69 to 27 of 80 cue phrases recognised). A room always has some noise, so a faint, seeded
noise floor (FLOOR_DB, about -70 dBFS, far under anything audible at a normal volume) is
added to each cut before it is recognised. The result is the same on every run.

Built-in cues are the speech events the routine's author did not write: the counts, "go",
"hold", "rest ...", "set two of three", "switch sides" and so on. `builtin_events` picks
them out of a script, given the routine it was compiled from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import gcd

import numpy as np

RECOGNISER_RATE = 16000
BEFORE_S = 0.05  # cut from this long before an event's start ...
AFTER_S = 0.1  # ... to this long after its end
FLOOR_DB: float | None = -70.0
"""The noise floor added under each cut, dBFS (see the module docstring); None: none."""

_decoders: dict[str, object] = {}


def normalise(text: str) -> str:
    """A phrase as the grammar spells it: lowercase, dashes to spaces, no punctuation."""
    text = re.sub(r"[-\u2010-\u2015]", " ", text.lower())
    return " ".join(re.sub(r"[^a-z' ]+", " ", text).split())


def grammar(phrases: Iterable[str]) -> str:
    """A JSGF grammar whose one rule is the alternatives of `phrases` (normalised)."""
    words = sorted({normalise(p) for p in phrases} - {""})
    if not words:
        raise ValueError("a grammar needs at least one phrase with words in it")
    return "#JSGF V1.0;\ngrammar cues;\npublic <cue> = {};\n".format(" | ".join(words))


def _decoder(jsgf: str):
    if jsgf not in _decoders:
        import pocketsphinx  # lazily: only the tests that listen need it

        decoder = pocketsphinx.Decoder(loglevel="FATAL")
        decoder.add_jsgf_string("cues", jsgf)
        decoder.activate_search("cues")
        _decoders.clear()  # one grammar at a time is all the callers use
        _decoders[jsgf] = decoder
    return _decoders[jsgf]


def _as_int16_scale(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio)
    if np.issubdtype(audio.dtype, np.integer):
        return audio.astype(np.float64)
    return audio.astype(np.float64) * 32768  # float samples in -1..1 (tests/audio.decode)


def heard(audio: np.ndarray, rate: int, events: Sequence, phrases: Iterable[str]) -> list[str]:
    """pocketsphinx's grammar-mode hypothesis for each event ("" when it heard none of them).

    audio: the decoded workout, float in -1..1 (as tests/audio.decode returns) or int16.
    rate: its sample rate. events: objects with `.start` and `.end` in seconds (script
    events). phrases: the grammar's alternatives, normalised here."""
    decoder = _decoder(grammar(phrases))
    samples = _as_int16_scale(audio)
    common = gcd(RECOGNISER_RATE, rate)
    from scipy.signal import resample_poly  # here: scipy takes 1.5 s to import

    up, down = RECOGNISER_RATE // common, rate // common
    floor = 32768 * 10 ** (FLOOR_DB / 20) if FLOOR_DB is not None else 0.0
    out = []
    for event in events:
        a = max(0, round((event.start - BEFORE_S) * rate))
        b = min(len(samples), round((event.end + AFTER_S) * rate))
        cut = resample_poly(samples[a:b], up, down) if up != down else samples[a:b]
        if floor:
            cut = cut + np.random.default_rng(a).normal(0.0, floor, len(cut))
        pcm = np.clip(np.round(cut), -32768, 32767).astype("<i2")
        decoder.start_utt()
        decoder.process_raw(pcm.tobytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        out.append(hyp.hypstr if hyp is not None else "")
    return out


# -- built-in cues -----------------------------------------------------------------------------

def authored_texts(routine) -> set[str]:
    """Every text the routine's author wrote that may be said: the title, the equipment line,
    the safety note and reminder, exercise names, section titles, setup lines, form cues and
    phase cues."""
    from audiocoach.model import Section

    texts = {routine.title}
    texts.update(t for t in (routine.safety, getattr(routine, "reminder", None)) if t)

    def walk(items) -> None:
        for item in items:
            if isinstance(item, Section):
                if item.title:
                    texts.add(item.title)
                walk(item.items)

    walk(routine.items)
    for ex in routine.exercises():
        texts.add(ex.name)
        texts.update(ex.setup)
        texts.update(ex.cues)
        texts.update(phase.say for phase in ex.tempo if phase.say)
    return texts


def builtin_events(script, routine) -> list:
    """The script's speech events whose text the author did not write."""
    mine = authored_texts(routine)
    return [e for e in script.events if e.kind == "speech" and e.text
            and e.text not in mine and not e.text.startswith("You will need")]


@dataclass
class Listening:
    """What was heard of a script's built-in cues."""

    counts: Counter
    """How often each built-in text is said in the whole script."""
    tried: list[tuple[str, str]]
    """(text said, phrase heard) for each event recognised."""

    @property
    def score(self) -> float:
        """Share of the built-in cues heard right, each text weighted by how often it is said
        (its own hit rate over the occurrences that were recognised)."""
        hits: Counter = Counter()
        tries: Counter = Counter()
        for said, got in self.tried:
            tries[said] += 1
            hits[said] += normalise(said) == got
        total = sum(self.counts[t] for t in tries)
        return sum(self.counts[t] * hits[t] / tries[t] for t in tries) / total if total else 1.0

    @property
    def confusions(self) -> Counter:
        """(text said, phrase heard) -> occurrences in the script it stands for."""
        out: Counter = Counter()
        tries = Counter(said for said, _ in self.tried)
        for said, got in self.tried:
            if normalise(said) != got:
                out[(said, got)] += self.counts[said] / tries[said]
        return out

    def crossed(self, a: str = "hold", b: str = "go") -> list[tuple[str, str]]:
        """The events where a cue with the word `a` was heard as one with the word `b`, or
        the other way round."""
        return [(said, got) for said, got in self.tried
                if (has_word(said, a) and has_word(got, b) and not has_word(said, b))
                or (has_word(said, b) and has_word(got, a) and not has_word(said, a))]

    def report(self) -> str:
        lines = [f"{self.score:.1%} of {sum(self.counts.values())} built-in cues "
                 f"({len(self.counts)} distinct, {len(self.tried)} recognised)"]
        for (said, got), n in self.confusions.most_common():
            lines.append(f"  {said!r} heard as {got!r} (x{n:g})")
        return "\n".join(lines)


def has_word(text: str, word: str) -> bool:
    return word in normalise(text).split()


def _first(events: list, per_text: int | None) -> list:
    seen: Counter = Counter()
    chosen = []
    for e in events:
        if per_text is None or seen[e.text] < per_text:
            seen[e.text] += 1
            chosen.append(e)
    return chosen


def listen(audio: np.ndarray, rate: int, script, routine, per_text: int | None = 2) -> Listening:
    """Recognise the built-in cues of `script` in `audio`: each distinct text at its first
    `per_text` occurrences (None: every one), against a grammar of all its built-in texts."""
    events = builtin_events(script, routine)
    counts = Counter(e.text for e in events)
    chosen = _first(events, per_text)
    got = heard(audio, rate, chosen, counts)
    return Listening(counts, [(e.text, h) for e, h in zip(chosen, got, strict=False)])


def listen_for(audio: np.ndarray, rate: int, script, routine,
               words: Sequence[str] = ("hold", "go"), per_text: int | None = 2) -> Listening:
    """Recognise every speech event with one of `words` in it, built-in or written by the
    author (a phase cue "hold"), against a grammar of the built-in texts and those events."""
    events = [e for e in script.events if e.kind == "speech" and e.text
              and any(has_word(e.text, w) for w in words)]
    counts = Counter(e.text for e in events)
    chosen = _first(events, per_text)
    got = heard(audio, rate, chosen, {*counts, *(e.text for e in builtin_events(script, routine))})
    return Listening(counts, [(e.text, h) for e, h in zip(chosen, got, strict=False)])
