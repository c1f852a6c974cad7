"""The progress line a render shows on stderr while it works."""

from __future__ import annotations

import shutil
import sys


class ProgressBar:
    """Progress on stderr. On a terminal: one line, redrawn in place with \\r and fitted to
    the terminal's width (label and stage cut with "..." before the line could wrap), cleared
    when done. Not on a terminal (a log file, a pipe, CI): one plain line per stage, no bar;
    nothing into an in-memory capture (click's CliRunner) that has no file descriptor.
    The label is shown as given: the caller makes it safe to print."""

    def __init__(self, label: str, stream=None):
        self.label, self.shown = label, ""
        self.stage: str | None = None
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.tty = self.stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        try:  # plain lines go to a real log or pipe; an in-memory capture stays quiet
            self.log = not self.tty and (stream is not None or self.stream.fileno() >= 0)
        except (AttributeError, ValueError, OSError):
            self.log = False

    def __enter__(self):
        return self

    def line(self, done: int, total: int, columns: int) -> str:
        """The bar as it fits in `columns`: `label: stage [#####-----]  42%`, never wider
        than columns - 1 (a full-width line makes some terminals wrap)."""
        room = max(1, columns - 1)
        pct = f"{min(100, 100 * done // total) if total > 0 else 100:3d}%"
        text = f"{self.label}: {self.stage}"
        bar_width = min(30, room - len(pct) - 4 - min(len(text), 24))
        if bar_width >= 5:
            filled = bar_width * min(done, total) // total if total > 0 else bar_width
            bar = f" [{'#' * filled}{'-' * (bar_width - filled)}] {pct}"
        else:
            bar = f" {pct}" if room - len(pct) - 1 >= 8 else ""
        space, stage = room - len(bar), f": {self.stage}"
        if len(text) > space:  # cut the label first, so the stage still shows
            label = space - len(stage)
            text = (self.label[:label - 3] + "..." + stage if label >= 6 else
                    text[:max(0, space - 3)] + "..." if space > 3 else "")
        return (text + bar)[:room]

    def __call__(self, stage: str, done: int, total: int) -> None:
        new_stage = stage != self.stage
        self.stage = stage
        if not self.tty:
            if new_stage and self.log:
                self.stream.write(f"{self.label}: {stage}\n")
                self.stream.flush()
            return
        columns = shutil.get_terminal_size((80, 24)).columns
        text = self.line(done, total, columns)
        if text != self.shown:
            # pad over what the last line left, so a shorter line leaves nothing behind
            self.stream.write("\r" + text.ljust(len(self.shown)))
            self.stream.flush()
            self.shown = text

    def __exit__(self, *exc) -> None:
        if self.tty and self.shown:
            self.stream.write("\r" + " " * len(self.shown) + "\r")
            self.stream.flush()
            self.shown = ""
