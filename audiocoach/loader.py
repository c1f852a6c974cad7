"""Routine file (YAML) -> model: builds the Routine from the values `yamldoc.Reader` reads,
applying the routine's defaults and the format's rules that span several keys.

Every problem is noted with its line and column, and all of them are raised at once.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import NamedTuple, TypedDict

import yaml

from .errors import AudiocoachError
from .format import (
    BREATH_KEYS,
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    LIMITS,
    PHASE_KEYS,
    REST_KEYS,
    ROUTINE_KEYS,
    SECTION_KEYS,
    WORK_KEYS,
    parse_seconds,
)
from .model import Breath, Exercise, Phase, Range, Rests, Routine, Section, fixed
from .phrases import DEFAULT, SUPPORTED, Catalog, catalog, normalise
from .yamldoc import Reader, kind, load_document, load_file

# parse_seconds is defined in format.py and stays importable from here, as it always was
__all__ = ["in_language", "load_routine", "parse_routine", "parse_seconds"]

DEFAULT_TEMPO = (Phase("up", fixed(2)), Phase("down", fixed(2)))


def load_routine(path: str | Path) -> Routine:
    """Read and check a routine file. Raises RoutineError listing every problem found."""
    return load_file(Path(path), "routine", _routine)


def parse_routine(data: bytes | str, name: str = "<routine>") -> Routine:
    """Read and check a routine given as its text (`name`: the file it is from)."""
    return load_document(data, name, _routine)


def _routine(reader: Reader, root: yaml.Node) -> Routine | None:
    """The routine in a document, or None when it has problems (noted on the reader)."""
    routine = _Builder(reader).routine(root)
    return replace(routine, path=reader.name) if routine is not None else None


class _Defaults(TypedDict, total=False):
    """What a routine's `defaults:` gives every exercise (see `_Builder.defaults`)."""
    sets: Range | None
    reps: Range | None
    tempo: tuple[Phase, ...] | None
    count: str | None
    rest: Rests
    rest_keys: set[str]


class _Dose(NamedTuple):
    """How much work an exercise asks for, as it is written."""
    sets: Range
    reps: Range | None
    time: Range | None
    hold: Range | None
    breaths: Range | None
    set_reps: tuple[Range, ...]
    set_holds: tuple[Range, ...]
    set_times: tuple[Range, ...]


class _Builder:
    """Makes the model's parts from the document's nodes, through the reader `r`, which notes
    every problem; a part that has one comes back as None."""

    def __init__(self, reader: Reader):
        self.r = reader
        self.cat = catalog(DEFAULT)
        """The catalog of the routine's language: its hold cue and its default reminder."""

    # -- the routine -------------------------------------------------------------------------

    def routine(self, node: yaml.Node) -> Routine | None:
        """The whole routine: its texts, files, defaults and items."""
        keys = self.r.mapping(node, ROUTINE_KEYS, "a routine (title, exercises, ...)")
        if keys is None:
            return None
        language = self.language(keys.get("language"))
        self.cat = catalog(language)
        defaults = self.defaults(keys.get("defaults"))
        items = self.items(keys.get("exercises"), defaults)
        title = self.r.text(keys.get("title"))
        if title is None or items is None:
            return None
        return Routine(
            title=title,
            items=items,
            language=language,
            description=self.r.text(keys.get("description"), spoken=False),
            source=self.r.text(keys.get("source"), spoken=False),
            equipment=self.r.texts(keys.get("equipment")),
            safety=self.r.text(keys.get("safety")),
            reminder=self.reminder(keys, self.r.text(keys.get("safety"))),
            music=self.beside(keys.get("music"), "music file", _check_music),
            cover=self.beside(keys.get("cover"), "cover image", _check_cover),
        )

    def reminder(self, keys: dict[str, yaml.Node], safety: str | None) -> str | None:
        """The reminder as written (null: none), or the default one when there is a safety
        note."""
        if "reminder" in keys:
            return self.r.text(keys["reminder"], allow_empty=True) or None
        return self.cat.phrase("reminder") if safety else None

    def language(self, node: yaml.Node | None) -> str:
        """The routine's language tag, in BCP 47's case; the default when it is missing or
        not one the catalogs speak (noted)."""
        text = self.r.text(node, spoken=False)
        if text is None:
            return DEFAULT
        tag = normalise(text)
        if tag is None:
            why = "only Brazilian Portuguese (pt-BR) has a catalog so far" \
                if text.strip().lower().split("-")[0] == "pt" else "not a supported language"
            self.r.problem(node, f"language '{text}': {why}; expected one of: "
                                 f"{', '.join(SUPPORTED)} (or a region of one, such as de-AT)")
            return DEFAULT
        return tag

    def beside(self, node: yaml.Node | None, what: str, check: Callable[[Path], None]
               ) -> Path | None:
        """A file named relative to the routine file, inside the routine's folder (or a
        subfolder of it): no absolute path, `~` or `..`, and no symlink that leads out. It
        must be a regular file (never a device or FIFO, which are not opened at all), and be
        what it is for: a cover a JPEG or PNG image, music a song the mixer can play."""
        text = self.r.text(node, spoken=False)
        if text is None:
            return None
        rule = "a routine names its files relative to its own folder, such as 'cover.jpg' " \
               "or 'media/song.mp3'"
        outside = _leaves_folder(text)
        if outside:
            self.r.problem(node, f"{what} '{text}' {outside}; {rule}")
            return None
        folder = Path(self.r.name).parent
        path = folder / text
        try:
            info = os.stat(path)
            real, home = path.resolve(strict=True), folder.resolve(strict=True)
        except (OSError, ValueError, RuntimeError):  # missing, too long, a NUL byte, a loop
            self.r.problem(node, f"{what} '{text}' not found (looked for {path})")
            return None
        if not real.is_relative_to(home):
            self.r.problem(node, f"{what} '{text}' leads out of the routine's folder (to "
                                 f"{real}, through a symbolic link); {rule}")
            return None
        if not stat.S_ISREG(info.st_mode):
            self.r.problem(node, f"{what} '{text}' is not a regular file (a folder, device, "
                                 "FIFO or socket)")
            return None
        try:
            check(path)
        except AudiocoachError as err:
            self.r.problem(node, err.message + (f" ({err.hint})" if err.hint else ""))
            return None
        return path

    def defaults(self, node: yaml.Node | None) -> _Defaults:
        """What `defaults:` gives: only the keys it has."""
        keys = self.r.mapping(node, DEFAULTS_KEYS, "defaults") or {}
        out: _Defaults = {}
        if "sets" in keys:
            out["sets"] = self.r.count(keys["sets"], "sets")
        if "reps" in keys:
            out["reps"] = self.r.count(keys["reps"], "reps")
        if "tempo" in keys:
            out["tempo"] = self.tempo(keys["tempo"], "aloud")
        if "count" in keys:
            out["count"] = self.r.choice(keys["count"], DEFAULTS_KEYS["count"])
        if "rest" in keys:
            out["rest"] = self.rests(keys["rest"], Rests())
            out["rest_keys"] = self.rest_keys(keys["rest"])
        return out

    # -- exercises and sections --------------------------------------------------------------

    def items(self, node: yaml.Node | None, defaults: _Defaults
              ) -> tuple[Exercise | Section, ...] | None:
        """The list of exercises and sections; None if it is missing, empty or not a list."""
        if node is None:
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.r.problem(node, f"expected a list of exercises (lines starting with '- '), "
                                 f"got {kind(node)}")
            return None
        if not node.value:
            self.r.problem(node, "the list of exercises is empty; expected at least one")
            return None
        out = []
        for item in node.value:
            parsed = self.item(item, defaults)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def item(self, node: yaml.Node, defaults: _Defaults) -> Exercise | Section | None:
        """An entry of the list: a section (it has `section:`) or an exercise."""
        names = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)} \
            if isinstance(node, yaml.MappingNode) else set()
        if "section" in names and "exercise" not in names:
            return self.section(node, defaults)
        if "exercise" in names and "section" in names:
            self.r.problem(node, "an entry is either an exercise or a section, not both")
            return None
        if isinstance(node, yaml.MappingNode) and "exercise" not in names:
            close = [c for n in names for c in
                     difflib.get_close_matches(str(n), ("exercise", "section"), 1, 0.6)]
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.r.problem(node, "expected an exercise ('exercise: name') or a section "
                                 f"('section: title'); this entry has neither{hint}")
            return None
        return self.exercise(node, defaults)

    def section(self, node: yaml.Node, defaults: _Defaults) -> Section | None:
        """A section and the items inside it."""
        keys = self.r.mapping(node, SECTION_KEYS, "a section")
        if keys is None:
            return None
        title = self.r.text(keys.get("section"))
        items = self.items(keys.get("exercises"), defaults)
        rounds = self.r.count(keys.get("rounds"), "rounds") or fixed(1)
        sides = self.r.choice(keys.get("sides"), SECTION_KEYS["sides"])
        rest = self.r.seconds(keys.get("rest"), SECTION_KEYS["rest"])
        side = self.r.choice(keys.get("side"), SECTION_KEYS["side"])
        if title is None or items is None:
            return None
        return Section(title, items, rounds, sides, rest.low if rest else 60.0,  # type: ignore[arg-type]
                     side)  # type: ignore[arg-type]

    def exercise(self, node: yaml.Node, defaults: _Defaults) -> Exercise | None:
        """An exercise, with the routine's defaults filled in."""
        keys = self.r.mapping(node, EXERCISE_KEYS, "an exercise")
        if keys is None:
            return None
        name = self.r.text(keys.get("exercise"))
        dose = self.dose(node, keys, defaults)
        count = self.r.choice(keys.get("count"), EXERCISE_KEYS["count"]) or defaults.get("count")
        rests = defaults.get("rest") or Rests()
        if "rest" in keys:
            rests = self.rests(keys["rest"], rests)
        given_rests = set(defaults.get("rest_keys") or ()) | self.rest_keys(keys.get("rest"))
        tempo = self.exercise_tempo(keys, defaults, count)
        sides = self.r.choice(keys.get("sides"), EXERCISE_KEYS["sides"])
        side = self.r.choice(keys.get("side"), EXERCISE_KEYS["side"])
        switch = self.r.choice(keys.get("switch"), EXERCISE_KEYS["switch"])
        transition = self.r.seconds(keys.get("transition"), EXERCISE_KEYS["transition"])
        breath = self.breath(keys.get("breath"), rests)
        dose = self.settle_work(node, keys, dose, defaults)
        if name is None or tempo is None:
            return None
        reps = dose.reps
        if dose.hold is not None:
            tempo, reps = _with_hold(self.cat, tempo, reps, dose.hold, dose.breaths,
                                     count not in ("silent", "none"))
        return Exercise(
            name=name, sets=dose.sets, reps=reps if not dose.time else None, time=dose.time,
            tempo=tempo, rests=_relaxed(rests, given_rests, tempo, side),
            setup=self.r.texts(keys.get("setup")), cues=self.r.texts(keys.get("cues")),
            sides=sides, side=side, switch_every_set=switch == "every set",  # type: ignore[arg-type]
            transition=transition.low if transition else 0.0,
            set_reps=dose.set_reps, set_holds=dose.set_holds, set_times=dose.set_times,
            count_reps=count != "none", breath=breath,
            line=node.start_mark.line + 1, col=node.start_mark.column + 1,
        )

    def dose(self, node: yaml.Node, keys: dict[str, yaml.Node], defaults: _Defaults) -> _Dose:
        """The sets, and the reps, time and hold of each (one value, or a list of one per
        set), and the breaths."""
        set_reps = self.per_set(keys.get("reps"), lambda n: self.r.count(n, "reps"))
        set_holds = self.per_set(keys.get("hold"),
                                 lambda n: self.r.seconds(n, EXERCISE_KEYS["hold"]))
        set_times = self.per_set(keys.get("time"),
                                 lambda n: self.r.seconds(n, EXERCISE_KEYS["time"]))
        lists = {k: v for k, v in (("reps", set_reps), ("hold", set_holds), ("time", set_times))
                 if v}
        sets = self.sets(node, keys, lists, defaults)
        reps = set_reps[0] if set_reps else self.r.count(keys.get("reps"), "reps")
        time = set_times[0] if set_times else self.r.seconds(keys.get("time"),
                                                             EXERCISE_KEYS["time"])
        hold = set_holds[0] if set_holds else self.r.seconds(keys.get("hold"),
                                                             EXERCISE_KEYS["hold"])
        breaths = self.r.count(keys.get("breaths"), "breaths")
        return _Dose(sets, reps, time, hold, breaths,
                     tuple(set_reps or ()), tuple(set_holds or ()), tuple(set_times or ()))

    def sets(self, node: yaml.Node, keys: dict[str, yaml.Node], lists: dict[str, list[Range]],
             defaults: _Defaults) -> Range:
        """The number of sets: as written, or as many as the per-set lists give, or the
        default; the lists and `sets` must agree."""
        sets = self.r.count(keys.get("sets"), "sets")
        for key, values in lists.items():
            if sets and (sets.low != len(values) or sets.high != len(values)):
                self.r.problem(keys["sets"], f"'sets' is {sets} but '{key}' lists "
                                             f"{len(values)} sets; give one value per set, or "
                                             f"leave out 'sets'")
        if len({len(v) for v in lists.values()}) > 1:
            self.r.problem(node, "the per-set lists ('reps', 'hold', 'time') have different "
                                 "lengths; give each set one value in every list")
        first_list = next(iter(lists.values()), None)
        return sets or (fixed(len(first_list)) if first_list else None) \
            or defaults.get("sets") or fixed(1)

    def settle_work(self, node: yaml.Node, keys: dict[str, yaml.Node], dose: _Dose,
                    defaults: _Defaults) -> _Dose:
        """The work as done: reps or time (not both), the default reps when nothing else says
        what the work is, and a hold made by the breaths."""
        reps, hold = dose.reps, dose.hold
        if reps and dose.time:
            self.r.problem(keys["time"], "an exercise has either reps or time, not both")
        if reps is None and dose.time is None and hold is None and "tempo" not in keys:
            reps = defaults.get("reps")
        if dose.breaths and hold is None:
            hold = fixed(0)  # the breaths make the hold
        if not any(k in keys for k in WORK_KEYS) and not reps:
            self.r.problem(node, "the exercise says nothing about the work; expected "
                                 "'reps', 'time' or 'hold'")
        return dose._replace(reps=reps, hold=hold)

    def per_set(self, node: yaml.Node | None, one: Callable[[yaml.Node], Range | None]
                ) -> list[Range] | None:
        """A list of one value per set (`reps: [5, 3, 1]`), or None when not a list."""
        if not isinstance(node, yaml.SequenceNode):
            return None
        if not node.value:
            self.r.problem(node, "the list is empty; expected one value per set, such as "
                                 "[5, 3, 1]")
            return None
        if len(node.value) > LIMITS["sets"]:
            self.r.problem(node, f"the list has {len(node.value)} sets; at most "
                                 f"{LIMITS['sets']}")
            return None
        values = [one(item) for item in node.value]
        return values if all(v is not None for v in values) else None  # type: ignore[return-value]

    # -- rests and breaths -------------------------------------------------------------------

    def rest_keys(self, node: yaml.Node | None) -> set[str]:
        """Which rests a `rest:` value sets explicitly."""
        if isinstance(node, yaml.ScalarNode):
            return {"set"}
        if isinstance(node, yaml.MappingNode):
            return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        return set()

    def rests(self, node: yaml.Node, base: Rests) -> Rests:
        """`base` with the rests that `rest:` gives: seconds between sets, or a mapping."""
        if isinstance(node, yaml.ScalarNode):
            between_sets = self.r.seconds(node, REST_KEYS["set"])
            return replace(base, set=between_sets.low) if between_sets else base
        keys = self.r.mapping(node, REST_KEYS, "rests (rep, set, side, exercise, breath)") or {}
        changes = {}
        for key, value in keys.items():
            seconds = self.r.seconds(value, REST_KEYS[key])
            if seconds is not None:
                changes[key] = seconds.low
        return replace(base, **changes)

    def breath(self, node: yaml.Node | None, rests: Rests) -> Breath:
        """One deep breath: as written, or half of the rests' breath in and half out."""
        if node is None:
            return Breath(rests.breath / 2, 0.0, rests.breath / 2)
        keys = self.r.mapping(node, BREATH_KEYS, "a breath (in, hold, out)") or {}
        if "in" not in keys:
            self.r.problem(node, "a breath needs 'in', the seconds breathing in, such as "
                                 "{in: 4, out: 6}")
            return Breath()
        seconds = {k: self.r.seconds(v, BREATH_KEYS[k]) for k, v in keys.items()}
        got_in, got_hold, got_out = (seconds.get(k) for k in ("in", "hold", "out"))
        inhale = got_in.low if got_in else 3.0
        hold = got_hold.low if got_hold else 0.0
        exhale = got_out.low if got_out else inhale
        return Breath(inhale, hold, exhale)

    # -- tempo -------------------------------------------------------------------------------

    def exercise_tempo(self, keys: dict[str, yaml.Node], defaults: _Defaults,
                       count: str | None) -> tuple[Phase, ...] | None:
        """The exercise's tempo, or the default one; counted aloud unless `count` says not."""
        if "tempo" not in keys:
            return defaults.get("tempo") or DEFAULT_TEMPO
        return self.tempo(keys["tempo"], "silent" if count == "none" else (count or "aloud"))

    def tempo(self, node: yaml.Node, count: str) -> tuple[Phase, ...] | None:
        """A list of phases such as [lift: 2, lower: 2]; None unless every phase is good."""
        what = "a tempo: a list of phases such as [lift: 2, lower: 2]"
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.r.problem(node, f"expected {what}, got {kind(node)}")
            return None
        phases = []
        for item in node.value:
            if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
                self.r.problem(item, f"expected one phase as 'name: seconds' or "
                                     f"'name: {{seconds: 2, say: ...}}', got {kind(item)}")
                continue
            key_node, value = item.value[0]
            name = self.r.text(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if name is None:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.r.problem(key_node, "a phase's name is text, such as 'lift'")
                continue
            phase = self.phase(name, value, count)
            if phase is not None:
                phases.append(phase)
        return tuple(phases) if len(phases) == len(node.value) else None

    def phase(self, name: str, node: yaml.Node, count: str) -> Phase | None:
        """One phase: its seconds (`lift: 2`), or a mapping of seconds or breaths, what is
        said, and whether it is counted."""
        if isinstance(node, yaml.ScalarNode):
            seconds = self.r.seconds(node, PHASE_KEYS["seconds"])
            return Phase(name, seconds, say=name, count=False) if seconds else None
        keys = self.r.mapping(node, PHASE_KEYS, f"the phase '{name}'")
        if keys is None:
            return None
        seconds = self.r.seconds(keys.get("seconds"), PHASE_KEYS["seconds"])
        breaths = self.r.count(keys.get("breaths"), "breaths")
        if seconds is None and breaths is None:
            self.r.problem(node, f"the phase '{name}' needs 'seconds' or 'breaths'")
            return None
        say = self.r.text(keys.get("say"), allow_empty=True) if "say" in keys else name
        aloud = (self.r.choice(keys.get("count"), PHASE_KEYS["count"]) or "silent") == "aloud"
        return Phase(name, seconds or fixed(0), say or None, aloud, breaths)


def in_language(routine: Routine, tag: str) -> Routine:
    """`routine` coached in `tag` instead of its own language: the words the loader put in
    (the default reminder, the hold cues) become that language's; the author's words stay
    as written. The program and `--language` use this."""
    if tag == routine.language:
        return routine
    old, new = catalog(routine.language), catalog(tag)
    ours = {old.phrase(key): new.phrase(key) for key in ("reminder", "hold", "hold and breathe")}

    def phase(p: Phase) -> Phase:
        return replace(p, say=ours[p.say]) if p.name == "hold" and p.say in ours else p

    def item(i: Exercise | Section) -> Exercise | Section:
        if isinstance(i, Section):
            return replace(i, items=tuple(item(j) for j in i.items))
        return replace(i, tempo=tuple(phase(p) for p in i.tempo))

    reminder = ours.get(routine.reminder or "", routine.reminder)
    return replace(routine, language=tag, reminder=reminder,
                   items=tuple(item(i) for i in routine.items))


def _with_hold(cat: Catalog, tempo: tuple[Phase, ...], reps: Range | None, hold: Range,
               breaths: Range | None, aloud: bool) -> tuple[tuple[Phase, ...], Range]:
    """`hold:` adds a hold after the first phase of each rep; alone it is a static hold. Its
    cue is in the routine's language (`cat`)."""
    cue = cat.phrase("hold") if not breaths else cat.phrase("hold and breathe")
    held = Phase("hold", hold, say=cue, count=aloud and not breaths, breaths=breaths)
    if reps is None:
        return (held,), fixed(1)
    return (tempo[0], held, *tempo[1:]), reps


def _relaxed(rests: Rests, given: set[str], tempo: tuple[Phase, ...], side: str | None
             ) -> Rests:
    """The rests, with time to relax between held reps and to roll over (`side: lying`),
    where the routine does not set those rests itself."""
    if "rep" not in given and any(p.name == "hold" and p.seconds.high >= 5
                                  for p in tempo) and len(tempo) > 1:
        rests = replace(rests, rep=3.0)
    if "side" not in given and side == "lying":
        rests = replace(rests, side=20.0)
    return rests


def _check_cover(path: Path) -> None:
    from .tags import read_cover  # here: mutagen is only needed when there is a cover
    read_cover(path)


def _check_music(path: Path) -> None:
    from .music import probe  # here: numpy and miniaudio are only needed when there is music
    probe(path)


def _leaves_folder(text: str) -> str | None:
    """Why the file name `text` would reach outside the routine's folder, if it would."""
    if text.startswith("~"):
        return "starts with '~' (a home folder)"
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).anchor:
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", text):
        return "goes up out of the routine's folder with '..'"
    return None
