"""The click CLI: each command parses options, calls one library function and prints.
Every AudiocoachError becomes a clean message and exit code here, in one place."""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import click

from .build import (Claims, Options, OutputWarning, render, render_program, slug, timed_script,
                    write_feed, write_text)
from .cache import CacheWarning, PhraseCache
from .compiler import COACHING, check_limits, compile_routine
from .errors import AudiocoachError, RoutineError
from .export.playlist import Entry, m3u8
from .loader import load_routine
from .music import load_bed
from .tags import read_cover
from .program import load_program, table
from .model import LEVELS
from .schema import routine_schema
from .export.svg import timeline_svg
from .script import clock, cue_sheet
from .serve import lan_address, make_server
from .speech import ENGINES, Voice, list_voices


_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """The library's warnings (a cache it could not use, a file it skipped or renamed) as one
    line on stderr; any other warning as Python shows it."""
    if issubclass(category, (CacheWarning, OutputWarning)):
        click.echo(_plain(f"warning: {message}"), err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


class _Group(click.Group):
    """Turns the project's errors, and Ctrl-C, into a message and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except AudiocoachError as err:
            if ctx.params.get("debug"):
                raise
            shown = str(err) if isinstance(err, RoutineError) else f"error: {err}"
            click.echo(_plain(shown), err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing half-written was left behind", err=True)
            ctx.exit(130)


@click.group(cls=_Group)
@click.option("--debug", is_flag=True, help="Show a traceback on errors (for bug reports).")
@click.version_option(package_name="audiocoach")
def main(debug: bool) -> None:
    """Turn a written exercise routine into a voice-guided MP3 workout."""


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(text: str) -> str:
    """Text from routine files (titles, cues, file names, the values problems quote), safe to
    print: C0 and C1 control characters (ESC, CSI, BEL, CR, ...) are removed, so a routine
    never sends the terminal an escape sequence; newlines and tabs stay. A lone surrogate,
    which no terminal encoding takes, is shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def _routine_files(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; folders expand to the routine files inside them."""
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p]
    return out


coaching_option = click.option(
    "--coaching", type=click.Choice(COACHING), default="standard", show_default=True,
    help="standard: setup once, form cues in the first set; full: both on every set; "
         "brief: name, counts and one form cue.")
page_option = click.option(
    "--page", is_flag=True, help="Also write <name>.html beside each MP3: a one-file player "
    "that shows the exercise, set and cue as it plays.")
level_option = click.option("--level", type=click.Choice(LEVELS), default="medium",
                            show_default=True, help="Which end of ranges like 8-12 to use.")


def voice_options(f):
    f = click.option("--phrase-timeout", type=click.FloatRange(0.1), default=60.0,
                     show_default=True, help="Seconds a phrase may take before the speech "
                     "engine is taken to have hung.")(f)
    f = click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
                     help="Phrase cache folder (default: the user cache folder).")(f)
    f = click.option("--rate", type=click.IntRange(80, 400), default=165, show_default=True,
                     help="Speaking pace in words a minute.")(f)
    f = click.option("--voice", help="Voice id (see `audiocoach voices`).")(f)
    f = click.option("--engine", type=click.Choice(list(ENGINES)), default="pyttsx3",
                     show_default=True, help="Speech engine.")(f)
    return f


def routine_warnings(routine) -> list[str]:
    """Each warning of every level once: 'line:col: warning: ... (at medium, hard; 12 times)'."""
    seen: dict[str, tuple[list[str], int]] = {}
    for level in LEVELS:
        for warning in compile_routine(routine, level).warnings:
            times = re.search(r" \((\d+) times\)$", warning)
            text = warning[:times.start()] if times else warning
            levels, most = seen.setdefault(text, ([], 1))
            levels.append(level)
            seen[text] = (levels, max(most, int(times[1]) if times else 1))
    out = []
    for text, (levels, most) in seen.items():
        where, _, message = text.partition(": ")
        at = "" if len(levels) == len(LEVELS) else "at " + ", ".join(levels)
        count = f"{most} times" if most > 1 else ""
        extra = "; ".join(p for p in (at, count) if p)
        out.append(f"{where}: warning: {message}" + (f" ({extra})" if extra else ""))
    return out


@main.command()
@click.argument("routines", nargs=-1, required=True)
def check(routines: tuple[str, ...]) -> None:
    """Validate routine files; list every problem as path:line:col: message."""
    problems = []
    for path in _routine_files(routines):
        try:
            routine = load_routine(path)
            for level in LEVELS:  # the most that any level and coaching can say, bounded
                check_limits(routine, level, "full")
            for warning in routine_warnings(routine):
                click.echo(_plain(f"{path}:{warning}"))
            click.echo(_plain(f"{path}: ok"))
        except RoutineError as err:
            problems += err.problems
    if problems:
        raise RoutineError(problems)


@main.command()
@click.argument("routine", type=click.Path(path_type=Path))
@level_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "svg"]), default="text",
              show_default=True, help="A cue sheet, the JSON script, or an SVG timeline.")
@click.option("--estimate", is_flag=True,
              help="Time speech by a words-a-minute estimate instead of the real voice.")
@coaching_option
@voice_options
def script(routine: Path, level: str, fmt: str, estimate: bool, coaching: str, engine: str,
           voice: str | None, rate: int, cache: Path | None, phrase_timeout: float) -> None:
    """Print the timed script: every cue with its start time."""
    parsed = load_routine(routine)
    if estimate:
        result = compile_routine(parsed, level, coaching=coaching)  # type: ignore[arg-type]
    else:
        options = Options(level=level, voice=Voice(engine, voice, rate),  # type: ignore[arg-type]
                          coaching=coaching)  # type: ignore[arg-type]
        cache_ = PhraseCache(options.voice, cache, timeout=phrase_timeout)
        result, _ = timed_script(parsed, options, cache_)
    if fmt == "svg":
        click.echo(_plain(timeline_svg(result)), nl=False)
    else:
        click.echo(_plain(result.to_json() if fmt == "json" else cue_sheet(result)),
                   nl=fmt == "json")


@main.command("list")
@click.argument("folder", default="routines", type=click.Path(path_type=Path))
def list_routines(folder: Path) -> None:
    """Show each routine: title, number of exercises, estimated length (medium). A routine
    that is invalid, or over the limits, is marked and the others still listed."""
    for path in _routine_files((str(folder),)):
        try:
            routine = load_routine(path)
        except RoutineError:
            click.echo(_plain(f"{path.name:34} (invalid: run `audiocoach check {path}`)"))
            continue
        try:
            check_limits(routine, "hard", "full")
            length = compile_routine(routine).duration_ms
        except RoutineError:  # over the limits (4 hours, too many repeats)
            click.echo(_plain(f"{path.name:34} {routine.title:38} (over the limits: run "
                              f"`audiocoach check {path}`)"))
            continue
        click.echo(_plain(f"{path.name:34} {routine.title:38} "
                          f"{len(routine.exercises()):2d} exercises  ~{clock(length)[:5]}"))


@main.command()
def schema() -> None:
    """Print the JSON Schema of routine files (for editors)."""
    click.echo(json.dumps(routine_schema(), indent=2))


@main.command()
@click.argument("engine", type=click.Choice(list(ENGINES)), default="pyttsx3")
def voices(engine: str) -> None:
    """List the voices an engine has installed."""
    for voice_id, name in list_voices(engine):
        click.echo(f"{voice_id:28} {name}")


@main.command("render")
@click.argument("routines", nargs=-1, required=True)
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for the MP3s.")
@level_option
@voice_options
@click.option("--bitrate", type=click.Choice(["64", "96", "128"]), default="96",
              show_default=True, help="MP3 bitrate in kbps (constant).")
@coaching_option
@click.option("--music", type=click.Path(dir_okay=False, path_type=Path),
              help="A song (MP3, OGG, FLAC or WAV) to loop under the voice, ducked.")
@click.option("--cover", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Cover art for the MP3 (JPEG or PNG).")
@click.option("--split", is_flag=True, help="Also write one MP3 per exercise.")
@page_option
@click.option("--no-sidecars", is_flag=True, help="Skip the .lrc, .vtt and .srt files.")
@click.option("--playlist", "playlist_name",
              help="Also write NAME.m3u8 listing every routine rendered, in order.")
def render_command(routines: tuple[str, ...], out: Path, level: str, engine: str,
                   voice: str | None, rate: int, cache: Path | None, phrase_timeout: float,
                   bitrate: str,
                   coaching: str, music: Path | None, cover: Path | None, split: bool,
                   page: bool,
                   no_sidecars: bool, playlist_name: str | None) -> None:
    """Render routines to MP3 (plus the script as JSON) in the output folder."""
    files = _routine_files(routines)
    bad = []
    for path in files:  # every file is checked before anything is rendered
        try:
            routine = load_routine(path)
            check_limits(routine, level, coaching, rate)  # type: ignore[arg-type]  # the limits
            if routine.music and not music:
                load_bed(routine.music)
        except RoutineError as err:
            bad += err.problems
    if bad:
        raise RoutineError(bad)
    if music:
        load_bed(music)  # a bad music file is reported before anything is rendered
    if cover:
        read_cover(cover)  # and so is a cover that is not an image
    options = Options(
        level=level, coaching=coaching, voice=Voice(engine, voice, rate),  # type: ignore[arg-type]
        bitrate=int(bitrate), cache=cache, phrase_timeout=phrase_timeout, music=music,
        cover=cover, split=split, page=page, sidecars=not no_sidecars)
    claims = Claims()  # every file of the run is claimed before the first is written
    for path in files:
        claims.claim_routine(load_routine(path), out, options)
    if playlist_name:
        claims.claim(f"the playlist '{playlist_name}'", [out / f"{slug(playlist_name)}.m3u8"])
    done = []
    for track, path in enumerate(files, 1):
        with _Progress(path.name) as progress:
            result = render(path, out, options, progress, track=track, claims=claims)
        done.append(Entry(result.mp3.name, result.script.duration, result.script.title))
        click.echo(f"{clock(result.script.duration_ms)[:5]}  {result.size / 1e6:5.1f} MB  "
                   f"{result.mp3}")
    if playlist_name:
        path = out / f"{slug(playlist_name)}.m3u8"
        write_text(path, m3u8(done))
        click.echo(f"playlist    {path}")


@main.command("program")
@click.argument("program_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the sessions (default: output/<program-slug>).")
@voice_options
@click.option("--bitrate", type=click.Choice(["64", "96", "128"]), default="96",
              show_default=True, help="MP3 bitrate in kbps (constant).")
@page_option
def program_command(program_file: Path, out: Path | None, engine: str, voice: str | None,
                    rate: int, cache: Path | None, phrase_timeout: float, bitrate: str,
                    page: bool) -> None:
    """Render every session of a program (weeks and days, with progression)."""
    program = load_program(program_file, rate)
    out = out or Path("output") / slug(program.title)
    click.echo(table(program))
    options = Options(voice=Voice(engine, voice, rate), bitrate=int(bitrate), cache=cache,
                      phrase_timeout=phrase_timeout, page=page)
    with _Progress(program.title) as progress:
        results = render_program(program, out, options, progress)
    for result in results:
        click.echo(f"{clock(result.script.duration_ms)[:5]}  {result.size / 1e6:5.1f} MB  "
                   f"{result.mp3}")
    click.echo(f"program     {out / 'program.md'}")


@main.command("feed")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--base-url", required=True, help="Where the folder is served, e.g. "
              "http://192.168.1.20:8000/")
@click.option("--title", help="The podcast's title (default: from the folder name).")
def feed_command(folder: Path, base_url: str, title: str | None) -> None:
    """Write FOLDER/feed.xml, a podcast feed of the workouts in it."""
    click.echo(write_feed(folder, base_url, title))


@main.command("serve")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
                default="output")
@click.option("--host", help="Address to listen on (default: this machine's address on the "
                             "local network; 127.0.0.1 keeps it to this machine).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve_command(folder: Path, host: str | None, port: int) -> None:
    """Serve FOLDER (read-only) so a phone on the same network can subscribe to its feed."""
    host = host or lan_address()
    server = make_server(folder, host, port)
    url = f"http://{host}:{server.server_address[1]}/"
    write_feed(folder, url)
    click.echo(f"serving {folder.resolve()} (read-only) at {url}")
    click.echo(f"subscribe in a podcast app to: {url}feed.xml   (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


class _Progress:
    """A click progress bar per stage, on stderr, shown only on a terminal."""

    def __init__(self, label: str):
        self.label, self.bar, self.stage = label, None, None

    def __enter__(self):
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if stage != self.stage:
            self.__exit__()
            self.stage = stage
            self.bar = click.progressbar(length=total, label=f"{self.label}: {stage}",
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)
            self.bar = None

