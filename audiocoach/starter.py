"""A first routine without the repository: `audiocoach new`.

`starter_text(title)` is a commented routine that passes `audiocoach check` and shows the
main keys; `examples()` are the shipped routines, packaged in the wheel as data
(audiocoach/examples/, byte-identical copies of routines/, which a test keeps so);
`write_new(...)` writes either one as NAME.yaml, never over an existing file."""

from __future__ import annotations

import difflib
import json
import re
from importlib import resources
from pathlib import Path

import yaml

from .errors import AudiocoachError, OutputError, Problem, RoutineError
from .loader import parse_routine
from .model import slug

_TITLE_LINE = re.compile(r"^title:.*$", re.M)


def examples() -> dict[str, bytes]:
    """The shipped routines by name (the file name without .yaml), read from the package."""
    folder = resources.files("audiocoach").joinpath("examples")
    return {f.name.removesuffix(".yaml"): f.read_bytes()
            for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".yaml")}


def example_titles() -> list[tuple[str, str]]:
    """(name, title) of each shipped routine, for `audiocoach new --list`."""
    out = []
    for name, data in examples().items():
        title = (yaml.safe_load(data) or {}).get("title", "")
        out.append((name, str(title)))
    return out


def title_from(name: str) -> str:
    """The routine's title from NAME as typed: `morning-back` -> `Morning back`,
    `Morning back` stays as it is."""
    name = " ".join(name.split())
    if " " not in name and re.search(r"[-_]", name):
        name = re.sub(r"[-_]+", " ", name).strip()
        name = name[:1].upper() + name[1:]
    return name


def starter_text(title: str) -> str:
    """The commented starter routine, titled `title`."""
    return _STARTER.replace("@@TITLE@@", json.dumps(title, ensure_ascii=False))


def _example(name: str) -> tuple[str, bytes]:
    shipped = examples()
    key = name.removesuffix(".yaml").removesuffix(".yml")
    if key not in shipped:
        close = difflib.get_close_matches(key, list(shipped), n=1)
        raise AudiocoachError(
            f"no shipped routine '{name}'" + (f"; did you mean '{close[0]}'?" if close else ""),
            hint="the shipped routines: " + ", ".join(shipped) + " (`audiocoach new --list`)")
    return key, shipped[key]


def write_new(name: str | None, folder: Path, example: str | None = None) -> Path:
    """Write `folder/<slug of name>.yaml`: the starter routine, or a copy of the shipped
    routine `example` (retitled when a name is given). The file must not exist yet; the
    text is checked before it is written, so what is written always passes `check`."""
    if example is not None:
        key, data = _example(example)
        if name:
            text = data.decode("utf-8")
            title = "title: " + json.dumps(title_from(name), ensure_ascii=False)
            data = _TITLE_LINE.sub(lambda _: title, text, count=1).encode("utf-8")
        stem = slug(title_from(name)) if name else key
    else:
        if not name or not name.strip():
            raise AudiocoachError("give the new routine a name: audiocoach new NAME",
                                  hint="or copy a shipped one: audiocoach new --from NAME "
                                       "(`audiocoach new --list` lists them)")
        data = starter_text(title_from(name)).encode("utf-8")
        stem = slug(title_from(name))
    path = folder / f"{stem}.yaml"
    try:
        parse_routine(data, str(path))
    except RoutineError as err:  # a NAME that makes no title (too long, nothing to say)
        raise RoutineError([Problem(str(path), None, None, f"NAME {name!r} does not make a "
                                    f"valid routine: {p.message}") for p in err.problems]) from err
    if path.exists() or path.is_symlink():
        raise OutputError(f"{path} exists already; not overwritten",
                          hint="give another NAME, or another folder with -o")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as f:  # "x": never over a file, even one made just now
            f.write(data)
    except FileExistsError:
        raise OutputError(f"{path} exists already; not overwritten",
                          hint="give another NAME, or another folder with -o") from None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    return path


_STARTER = """\
# A starter routine from `audiocoach new`: edit it, then
#   audiocoach check THIS.yaml               every problem, with its line and column
#   audiocoach script THIS.yaml --estimate   what the coach will say, and when
#   audiocoach render THIS.yaml --page       the MP3 (and a player page) in output/
# Every key: `audiocoach schema`, or "Writing a routine" in the README.
# Seconds: 30, 30s, 1m30s, 1:30 or 2 min. Counts: 10, or a range 8-12 (--level easy takes
# the low end, medium the middle, hard the high end).
title: @@TITLE@@                    # said first; it also names the MP3
description: >-
  What this routine is for, and for whom. Not said; a podcast feed may show it.
source: Where the exercises come from (an article, your physiotherapist's sheet).
equipment: [an exercise mat]        # said at the start; [] for none
safety: Move slowly and breathe. Stop if you feel pain.   # said at the start
reminder: Stop if it hurts.         # said before each new exercise; null for none
defaults:                           # every exercise inherits these
  sets: 2
  rest: {set: 30s, exercise: 30s}   # between sets, and before the next exercise

exercises:
  - exercise: Bridge                # the name, said when it comes up
    setup:                          # said once, in the rest before the first set
      - Lie on your back, knees bent, feet flat.
      - Arms by your sides.
    cues:                           # form cues, spread over the first set
      - Squeeze your glutes at the top.
    reps: 8-12                      # or one per set: reps: [12, 10, 8] (then 3 sets)
    tempo:                          # one rep, phase by phase, in seconds
      - lift: 2
      - lower: 3
    hold: 3s                        # after the first phase, counted "and hold, two, three"
    transition: 15s                 # time to get down on the mat before the first set

  - exercise: Straight-leg raise
    setup:
      - Lie on your back, your {other} knee bent.   # {side} and {other}: left, right
      - Your {side} leg straight on the mat.        # said again when the sides switch
    cues: [Keep your lower back flat.]
    reps: {easy: 6, medium: 10, hard: 12}   # a value per level
    sides: both                     # all sets on the left, then all on the right
    side: leg                       # so the coach says "left leg"; also arm, foot, lying, ...
    # switch: every set             # switch sides after each set instead
    tempo: [lift: 2, lower: 2]

  - section: Core                   # said when it starts; sections nest
    rounds: 2                       # the whole section twice
    rest: 30s                       # between rounds
    exercises:
      - exercise: Dead bug
        sets: 1
        time: 30s                   # timed work instead of reps
        cues: [Press your lower back into the mat.]
      - exercise: Side plank
        sets: 1
        hold: 20s                   # a hold alone: a static hold; over 10 s, "halfway"
        sides: both
        side: lying                 # "lie on your left side"
        rest: {side: 10s}           # to roll over

  - exercise: Slow breathing
    setup: [Lie on your back, one hand on your belly.]
    sets: 1
    reps: 5
    count: none                     # no numbers: a calm breathing drill
    tempo:                          # a phase can say its own cue
      - inhale: {seconds: 4, say: "breathe in through your nose"}
      - exhale: {seconds: 6, say: "breathe out slowly"}
"""
