"""How long, how many and how much speech a routine may have, and a bound on how long a
phrase takes to say that keeps a checked routine within them once spoken."""

MAX_OCCURRENCES = 5000
MAX_DURATION_S = 4 * 3600
MAX_EVENTS = 200_000
MAX_DISTINCT_SPEECH_S = 3600  # distinct phrases to synthesize: at most an hour of speech


def upper_seconds(text: str, wpm: float = 165) -> float:
    """More than the default voice ever takes to say `text` at `wpm` words a minute: a bound
    (by characters, with a 25 % margin over the slowest of 500 measured phrases), so that a
    routine within the limits by this measure is within them when really spoken."""
    pauses = sum(text.count(p) for p in ",.;:—?!")
    return 1.25 * (0.3 + 0.08 * len(text) + 0.15 * pauses) * 165 / max(wpm, 1)


class _TooLong(Exception):
    """Raised inside the layout once the routine passes the limits."""
