"""The project's errors. The CLI turns every one of them into a clean message and exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a routine file, with where it is."""

    path: str
    """The file the problem is in."""
    line: int | None
    """1-based line, when known."""
    col: int | None
    """1-based column, when known."""
    message: str
    """What is wrong, and what was expected."""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class AudiocoachError(Exception):
    """Base of every error the user can cause. `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint)  # both in args, so the error survives pickling
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\n  hint: {self.hint}" if self.hint else "")


class RoutineError(AudiocoachError):
    """A routine (or program) file is not valid. Carries every problem found, not just the
    first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
        self.args = (self.problems,)


class EngineError(AudiocoachError):
    """A speech engine is missing, or failed on a phrase (then `phrase` names it)."""

    def __init__(self, message: str, hint: str | None = None, phrase: str | None = None):
        super().__init__(message, hint)
        self.args = (message, hint, phrase)
        self.phrase = phrase


class CacheError(AudiocoachError):
    """The phrase cache changed under a running render (a clip it had read is gone)."""


class OutputError(AudiocoachError):
    """An output file or folder cannot be written."""


class OutputWarning(UserWarning):
    """Something in the output was skipped or named differently; the work went on."""
