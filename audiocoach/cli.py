"""The click CLI: each command parses options, calls one library function and prints.
Every AudiocoachError becomes a clean message and exit code here, in one place."""

from __future__ import annotations

import json
import re
import shutil
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import click

from .build import (
    Claims,
    Options,
    OutputWarning,
    render,
    render_program,
    slug,
    timed_script,
    write_feed,
    write_text,
)
from .cache import CacheWarning, PhraseCache
from .compiler import COACHING, check_limits, compile_routine
from .errors import AudiocoachError, RoutineError
from .export.playlist import Entry, m3u8
from .export.svg import timeline_svg
from .loader import load_routine
from .model import LEVELS
from .music import load_bed
from .program import load_program, table
from .schema import routine_schema
from .script import cue_sheet, duration_text
from .serve import lan_address, make_server
from .speech import ENGINES, Voice, list_voices
from .starter import example_titles, write_new
from .tags import read_cover

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


artist_option = click.option(
    "--artist", help="The MP3's artist tag (default: the routine's source when it names "
                     "someone, else audiocoach).")


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
    if not folder.exists():  # a missing folder is an error (exit 2), not an invalid routine
        click.echo(_plain(f"error: no folder '{folder}' here\n  hint: give the folder of your "
                          "routines, audiocoach list DIR; or start one, audiocoach new NAME -o "
                          "routines (audiocoach new --list: the shipped ones)"), err=True)
        click.get_current_context().exit(2)
    paths = _routine_files((str(folder),))
    if not paths:
        click.echo(_plain(f"no routine files (*.yaml, *.yml) in {folder}"), err=True)
    for path in paths:
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
                          f"{len(routine.exercises()):2d} exercises  ~{duration_text(length)}"))


@main.command("new")
@click.argument("name", required=False)
@click.option("--from", "example", metavar="EXAMPLE",
              help="Copy a shipped routine instead (see --list); NAME then renames it.")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder to write NAME.yaml in.")
@click.option("--list", "list_examples", is_flag=True, help="List the shipped routines.")
def new_command(name: str | None, example: str | None, out: Path,
                list_examples: bool) -> None:
    """Write NAME.yaml: a commented starter routine to edit (or a shipped one, --from)."""
    if list_examples:
        for example_name, title in example_titles():
            click.echo(_plain(f"{example_name:34} {title}"))
        return
    path = write_new(name, out, example)
    click.echo(_plain(f"wrote {path}"))
    click.echo(_plain(f"next: audiocoach check {path}   then: audiocoach render {path} --page"))


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
@artist_option
@click.option("--album", default="audiocoach", show_default=True,
              help="The MP3's album tag.")
def render_command(routines: tuple[str, ...], out: Path, level: str, engine: str,
                   voice: str | None, rate: int, cache: Path | None, phrase_timeout: float,
                   bitrate: str,
                   coaching: str, music: Path | None, cover: Path | None, split: bool,
                   page: bool,
                   no_sidecars: bool, playlist_name: str | None, artist: str | None,
                   album: str) -> None:
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
        cover=cover, split=split, page=page, sidecars=not no_sidecars, artist=artist,
        album=album)
    claims = Claims()  # every file of the run is claimed before the first is written
    for path in files:
        claims.claim_routine(load_routine(path), out, options)
    if playlist_name:
        claims.claim(f"the playlist '{playlist_name}'", [out / f"{slug(playlist_name)}.m3u8"])
    done = []
    for track, path in enumerate(files, 1):
        with _Progress(path.name) as progress:
            result = render(path, out, options, progress, claims=claims,
                            track=(track, len(files)) if playlist_name and len(files) > 1
                            else None)
        done.append(Entry(result.mp3.name, result.script.duration, result.script.title))
        click.echo(f"{duration_text(result.script.duration_ms):>7}  {result.size / 1e6:5.1f} MB  "
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
@artist_option
def program_command(program_file: Path, out: Path | None, engine: str, voice: str | None,
                    rate: int, cache: Path | None, phrase_timeout: float, bitrate: str,
                    page: bool, artist: str | None) -> None:
    """Render every session of a program (weeks and days, with progression)."""
    program = load_program(program_file, rate)
    out = out or Path("output") / slug(program.title)
    click.echo(table(program))
    options = Options(voice=Voice(engine, voice, rate), bitrate=int(bitrate), cache=cache,
                      phrase_timeout=phrase_timeout, page=page, artist=artist)
    with _Progress(program.title) as progress:
        results = render_program(program, out, options, progress)
    for result in results:
        click.echo(f"{duration_text(result.script.duration_ms):>7}  {result.size / 1e6:5.1f} MB  "
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
    for page in sorted(p.name for p in folder.glob("*.html") if p.with_suffix(".mp3").is_file()):
        click.echo(f"player page: {url}{quote(page)}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()


class _Progress:
    """Progress on stderr. On a terminal: one line, redrawn in place with \\r and fitted to
    the terminal's width (label and stage cut with "..." before the line could wrap), cleared
    when done. Not on a terminal (a log file, a pipe, CI): one plain line per stage, no bar;
    nothing into an in-memory capture (click's CliRunner) that has no file descriptor."""

    def __init__(self, label: str, stream=None):
        self.label, self.shown = _plain(label), ""
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
