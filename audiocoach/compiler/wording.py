"""The wording of sets, rests and setups: what is said, not when."""

from __future__ import annotations

from ..model import Exercise, Level, Phase
from ..phrases import SIDE_BLANK, Catalog
from ..script import Side
from .pacing import PAUSE_MS


def _setup_lines(cat: Catalog, ex: Exercise, side: Side | None, sided_only: bool = False
                 ) -> list[tuple[str, int]]:
    """The exercise's setup with its sides filled in (`Catalog.sided`), each line with the
    pause after it; `sided_only`: only the lines that name a side ("band around your {side}
    foot")."""
    return [(cat.sided(t, side), PAUSE_MS) for t in ex.setup
            if not sided_only or SIDE_BLANK.search(t)]


def _rest_line(cat: Catalog, rest_s: float) -> str:
    """'and rest, thirty seconds', or 'and relax' before a short change."""
    if rest_s < 1:
        return cat.phrase("relax")
    return cat.phrase("rest", time=cat.say_seconds(rest_s))


def _set_line(cat: Catalog, ex: Exercise, level: Level, s: int, sets: int) -> str:
    """'set two of three: ten reps', or just the dose for a single set."""
    dose = _dose(cat, ex, level, s)
    if sets == 1:
        return dose
    which = cat.phrase("last set") if s == sets else \
        cat.phrase("set of", n=cat.words(s), total=cat.words(sets))
    return cat.phrase("set line", set=which, dose=dose)


def _dose(cat: Catalog, ex: Exercise, level: Level, s: int) -> str:
    """What set `s` asks: a time, one hold ('hold for thirty seconds'), or reps."""
    time = ex.time_in(s, level)
    if time is not None:
        return cat.phrase("dose time", time=cat.say_seconds(time))
    tempo = ex.tempo_in(s)
    reps = ex.reps_in(s, level)
    hold = next((p for p in tempo if p.name == "hold"), None)
    if reps == 1 and hold is not None and len(tempo) == 1:
        if hold.breaths:
            return cat.phrase("dose breaths",
                              breaths=cat.plural(hold.breaths.count(level), "breaths"))
        return cat.phrase("dose hold", time=cat.say_seconds(hold.seconds.pick(level)))
    return _reps_dose(cat, ex, level, reps, tempo, hold)


def _reps_dose(cat: Catalog, ex: Exercise, level: Level, reps: int,
               tempo: tuple[Phase, ...], hold: Phase | None) -> str:
    """'ten reps', 'six breaths', 'five reps, three deep breaths each', 'eight reps,
    holding five seconds', 'ten reps each side'."""
    text = cat.plural(reps, "reps")
    breathing = all(p.name == "hold" or cat.is_breath_phase(p.name) for p in tempo)
    if not ex.count_reps and breathing:
        text = cat.plural(reps, "breath reps")  # a breathing drill: "six breaths"
    if hold is not None and hold.breaths:
        return cat.phrase("dose reps with breaths", reps=text,
                          breaths=cat.plural(hold.breaths.count(level), "breaths"))
    if hold is not None and hold.seconds.pick(level) >= 2 and ex.count_reps and not breathing:
        return cat.phrase("dose held reps", reps=text,
                          time=cat.say_seconds(hold.seconds.pick(level)))
    if ex.sides == "alternate":
        return cat.phrase("dose reps each side", reps=text)
    return cat.phrase("dose reps", reps=text)
