"""The click CLI: each command parses options, calls one library function and prints.
Every AudiocoachError becomes a clean message and exit code here, in one place.

The modules only some commands use (batch, feed, schema, serve, svg) are imported by those
commands: every command starts with the imports of all of them otherwise, and a render's
time is counted from the process's start."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from dataclasses import MISSING, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from .atomic import write_text
from .build import (
    Claims,
    Options,
    Rendered,
    in_language,
    no_progress,
    render,
    render_program,
    speaker,
    timed_script,
    warm_up,
)
from .cache import CacheWarning, PhraseCache
from .compiler import COACHING, compile_routine
from .errors import AudiocoachError, OutputWarning, Problem, RoutineError
from .export.playlist import Entry, m3u8
from .loader import load_routine
from .model import LEVELS, Routine, slug
from .parallel import cores, counting, pool, run
from .phrases import SUPPORTED, normalise
from .program import load_program, table
from .progressbar import ProgressBar
from .script import Script, cue_sheet, duration_text
from .speech import ENGINES, Voice, VoiceWarning, list_voices
from .starter import example_titles, write_new
from .validate import Found, Listed, check_files, check_render, find_routines, list_folder

_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """The library's warnings (a cache it could not use, a file it skipped or renamed, a
    voice of another language) as one line on stderr; any other warning as Python shows
    it."""
    if issubclass(category, (CacheWarning, OutputWarning, VoiceWarning)):
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


# Options shared by several commands, each defined once; defaults are the library's own.

def _defaults(cls: Any) -> dict[str, Any]:
    """The field defaults of the dataclass `cls`, by field name."""
    return {f.name: f.default for f in fields(cls) if f.default is not MISSING}


_OPTIONS, _VOICE = _defaults(Options), _defaults(Voice)
OUTPUT = Path("output")
"""Where render writes, and serve serves, unless told otherwise."""


def _stacked(*decorators: Callable) -> Callable:
    """One decorator applying `decorators`, so that --help lists them in the order given."""
    def apply(f: Callable) -> Callable:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f
    return apply


def _output_option(help: str, default: Path | None) -> Callable:
    """-o/--output: the folder a command writes in."""
    return click.option("-o", "--output", "out", default=default, show_default=True, help=help,
                        type=click.Path(file_okay=False, path_type=Path))


def _language_tag(_ctx: click.Context, _param: click.Parameter, tag: str | None
                  ) -> str | None:
    """--language as a supported tag in BCP 47's case ('pt-br' -> 'pt-BR')."""
    if tag is None:
        return None
    known = normalise(tag)
    if known is None:
        raise click.BadParameter(f"'{tag}' is not a supported language; expected one of: "
                                 f"{', '.join(SUPPORTED)} (or a region of one, such as de-AT)")
    return known


language_option = click.option(
    "--language", metavar="TAG", callback=_language_tag,
    help=f"Coach in this language instead of the routine's own ({', '.join(SUPPORTED)}).")
level_option = click.option("--level", type=click.Choice(LEVELS), default=_OPTIONS["level"],
                            show_default=True, help="Which end of ranges like 8-12 to use.")
coaching_option = click.option(
    "--coaching", type=click.Choice(COACHING), default=_OPTIONS["coaching"], show_default=True,
    help="standard: setup once, form cues in the first set; full: both on every set; "
         "brief: name, counts and one form cue.")
voice_options = _stacked(
    click.option("--engine", type=click.Choice(list(ENGINES)), default=_VOICE["engine"],
                 show_default=True, help="Speech engine."),
    click.option("--voice", help="Voice id (see `audiocoach voices`)."),
    click.option("--rate", type=click.IntRange(80, 400), default=_VOICE["rate"],
                 show_default=True, help="Speaking pace in words a minute."),
    click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
                 help="Phrase cache folder (default: the user cache folder)."),
    click.option("--phrase-timeout", type=click.FloatRange(0.1), show_default=True,
                 default=_OPTIONS["phrase_timeout"], help="Seconds a phrase may take before "
                 "the speech engine is taken to have hung."))
bitrate_option = click.option(
    "--bitrate", type=click.Choice(["64", "96", "128"]), default=str(_OPTIONS["bitrate"]),
    show_default=True, help="MP3 bitrate in kbps (constant).",
    callback=lambda _ctx, _param, kbps: int(kbps))
page_option = click.option(
    "--page", is_flag=True, help="Also write <name>.html beside each MP3: a one-file player "
    "that shows the exercise, set and cue as it plays.")
artist_option = click.option(
    "--artist", help="The MP3's artist tag (default: the routine's source when it names "
                     "someone, else audiocoach).")
mix_options = _stacked(
    click.option("--music", type=click.Path(dir_okay=False, path_type=Path),
                 help="A song (MP3, OGG, FLAC or WAV) to loop under the voice, ducked."),
    click.option("--cover", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Cover art for the MP3 (JPEG or PNG)."),
    click.option("--split", is_flag=True, help="Also write one MP3 per exercise."),
    page_option,
    click.option("--no-sidecars", "sidecars", is_flag=True,
                 callback=lambda _ctx, _param, skip: not skip,
                 help="Skip the .lrc, .vtt and .srt files."))


workers_option = click.option(
    "--workers", type=click.IntRange(1), metavar="N",
    help="How many cores to use (default: all); the files are the same whatever N.")


def _options(given: dict[str, Any]) -> Options:
    """The library's Options from the shared options a command was given; the voice's engine,
    voice id and rate make its Voice (its language is the routine's, or --language)."""
    voice = Voice(**{name: given[name] for name in _VOICE if name in given
                     and name != "language"})
    return Options(voice=voice, **{k: v for k, v in given.items()
                                   if k not in _VOICE or k == "language"})


@main.command()
@click.argument("routines", nargs=-1, required=True)
def check(routines: tuple[str, ...]) -> None:
    """Validate routine files; list every problem as path:line:col: message."""
    problems: list[Problem] = []
    for checked in check_files(routines):
        problems += checked.problems
        if checked.ok:
            for warning in checked.warnings:
                click.echo(_plain(f"{checked.path}:{warning}"))
            click.echo(_plain(f"{checked.path}: ok"))
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
@language_option
def script(routine: Path, fmt: str, estimate: bool, **given: Any) -> None:
    """Print the timed script: every cue with its start time."""
    from .export.svg import timeline_svg

    result = _timed(load_routine(routine), _options(given), estimate)
    show: dict[str, Callable[[Script], str]] = {"text": cue_sheet, "json": Script.to_json,
                                                "svg": timeline_svg}
    shown = show[fmt](result)
    click.echo(_plain(shown), nl=fmt == "json")


def _timed(routine: Routine, options: Options, estimate: bool) -> Script:
    """The routine's script, its speech timed by a words-a-minute estimate or by the voice."""
    routine = in_language(routine, options)
    if estimate:
        return compile_routine(routine, options.level, coaching=options.coaching)
    cache = PhraseCache(speaker(routine, options), options.cache,
                        timeout=options.phrase_timeout)
    return timed_script(routine, options, cache)[0]


@main.command("list")
@click.argument("folder", default="routines", type=click.Path(path_type=Path))
def list_routines(folder: Path) -> None:
    """Show each routine: title, number of exercises, estimated length (medium). A routine
    that is invalid, or over the limits, is marked and the others still listed."""
    empty = True
    for listed in list_folder(folder):
        empty = False
        click.echo(_plain(_listing(listed, folder)))
    if empty:
        click.echo(_plain(f"no routine files (*.yaml, *.yml) in {folder}"), err=True)


def _listing(listed: Listed, folder: Path) -> str:
    """One line of `list`: file (with its language folder), title, exercises and length, or
    why it has no length."""
    routine, ms = listed.routine, listed.duration_ms
    see = f"run `audiocoach check {listed.path}`"
    shown = listed.path.name if listed.path.parent == folder or not folder.is_dir() \
        else f"{listed.path.parent.name}/{listed.path.name}"
    if routine is None:
        return f"{shown:34} (invalid: {see})"
    about = (f"{len(routine.exercises()):2d} exercises  ~{duration_text(ms)}" if ms is not None
             else f"(over the limits: {see})")
    return f"{shown:34} {routine.title:38} {about}"


@main.command("new")
@click.argument("name", required=False)
@click.option("--from", "example", metavar="EXAMPLE",
              help="Copy a shipped routine instead (see --list); NAME then renames it.")
@_output_option("Folder to write NAME.yaml in.", Path("."))
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
    from .schema import routine_schema

    click.echo(json.dumps(routine_schema(), indent=2))


@main.command()
@click.argument("engine", type=click.Choice(list(ENGINES)), default=_VOICE["engine"])
@language_option
def voices(engine: str, language: str | None) -> None:
    """List the voices an engine has installed (with --language, those of that language)."""
    found = list_voices(engine, language)
    for voice_id, name in found:
        click.echo(f"{voice_id:28} {name}")
    if language and not found:
        click.echo(f"no {engine} voice speaks {language}", err=True)


@main.command("render")
@click.argument("routines", nargs=-1, required=True)
@_output_option("Folder for the MP3s.", OUTPUT)
@level_option
@voice_options
@bitrate_option
@coaching_option
@language_option
@mix_options
@click.option("--playlist", "playlist_name",
              help="Also write NAME.m3u8 listing every routine rendered, in order.")
@artist_option
@workers_option
@click.option("--album", default=_OPTIONS["album"], show_default=True,
              help="The MP3's album tag.")
def render_command(routines: tuple[str, ...], out: Path, playlist_name: str | None,
                   **given: Any) -> None:
    """Render routines to MP3 (plus the script as JSON) in the output folder; those of a
    folder's language folders (routines/es/) into the same folders of it (output/es/)."""
    options, found = _options(given), find_routines(routines)
    check_render([f.path for f in found], options.level, options.coaching,
                 options.voice.rate, options.music, options.cover)
    _render_run(found, out, options, playlist_name)


def _render_run(found: list[Found], out: Path, options: Options, playlist: str | None
                ) -> None:
    """Render each file into `out` (or its language folder there), a line for each; with
    `playlist`, also NAME.m3u8 of them all, in order. Every file of the run is claimed
    before the first is written; several files are rendered side by side (--workers)."""
    claims = Claims()
    for f in found:
        claims.claim_routine(load_routine(f.path), out / f.folder, options)
    playlist_path = out / f"{slug(playlist)}.m3u8" if playlist else None
    if playlist_path:
        claims.claim(f"the playlist '{playlist}'", [playlist_path])
    numbered = bool(playlist) and len(found) > 1
    tracks = [(track, len(found)) if numbered else None for track in range(1, len(found) + 1)]
    with pool(options.workers, len(found)) as executor:
        if executor is None:
            results = []
            for f, track in zip(found, tracks, strict=True):
                with ProgressBar(_plain(f.path.name)) as progress:
                    results.append(render(f.path, out / f.folder, options, progress,
                                          track=track, claims=claims))
                _echo_rendered(results[-1])
        else:
            inner = replace(options, workers=1)
            with ProgressBar(f"{len(found)} routines") as progress:
                progress("render", 0, len(found))
                results = run(render, [(f.path, out / f.folder, inner, no_progress, track)
                                       for f, track in zip(found, tracks, strict=True)],
                              executor, counting(lambda n: progress("render", n, len(found))))
            for result in results:
                _echo_rendered(result)
    if playlist_path:
        write_text(playlist_path, m3u8([
            Entry(r.mp3.relative_to(out).as_posix() if f.folder else r.mp3.name,
                  r.script.duration, r.script.title)
            for f, r in zip(found, results, strict=True)]))
        click.echo(f"playlist    {playlist_path}")


def _echo_rendered(result: Rendered) -> None:
    """The line a rendered MP3 gets: length, size and where it is."""
    click.echo(f"{duration_text(result.script.duration_ms):>7}  {result.size / 1e6:5.1f} MB  "
               f"{result.mp3}")


@main.command("program")
@click.argument("program_file", type=click.Path(path_type=Path))
@_output_option("Folder for the sessions (default: output/<program-slug>).", None)
@voice_options
@bitrate_option
@page_option
@artist_option
@language_option
@workers_option
def program_command(program_file: Path, out: Path | None, **given: Any) -> None:
    """Render every session of a program (weeks and days, with progression)."""
    options = _options(given)
    # the worker processes start while the program and its routines are read
    with pool(options.workers, cores(options.workers), warm=warm_up) as executor:
        program = load_program(program_file, given["rate"])
        out = out or OUTPUT / slug(program.title)
        click.echo(table(program))
        with ProgressBar(_plain(program.title)) as progress:
            results = render_program(program, out, options, progress, executor=executor)
    for result in results:
        _echo_rendered(result)
    click.echo(f"program     {out / 'program.md'}")


@main.command("batch")
@click.argument("manifest", type=click.Path(path_type=Path))
@_output_option("Folder for the jobs' folders (one per patient).", OUTPUT)
@voice_options
@bitrate_option
@page_option
@artist_option
@click.option("--base-url", help="Where the output folder is served, e.g. "
              "https://clinic.example/audio/: each job's folder gets its feed.xml.")
@workers_option
@click.option("--scheduler", metavar="ADDRESS", help="Run the jobs on this Dask cluster "
              "(tcp://host:8786) instead of this machine's cores; needs audiocoach[cluster].")
def batch_command(manifest: Path, out: Path, base_url: str | None, scheduler: str | None,
                  **given: Any) -> None:
    """Render a manifest of jobs (CSV or YAML: name, routine or program, level, coaching,
    language), each into its own folder; up-to-date jobs are skipped."""
    from .batch import load_manifest, run_batch, summary

    jobs = load_manifest(manifest)
    with ProgressBar(_plain(manifest.name)) as progress:
        progress("jobs", 0, len(jobs))
        results = run_batch(jobs, out, _options(given), base_url, scheduler,
                            counting(lambda n: progress("jobs", n, len(jobs))))
    for line in summary(results):
        click.echo(_plain(line))
    if any(r.status == "failed" for r in results):
        raise click.exceptions.Exit(1)


@main.command("feed")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--base-url", required=True, help="Where the folder is served, e.g. "
              "http://192.168.1.20:8000/")
@click.option("--title", help="The podcast's title (default: from the folder name).")
def feed_command(folder: Path, base_url: str, title: str | None) -> None:
    """Write FOLDER/feed.xml, a podcast feed of the workouts in it."""
    from .export.feed import write_feed

    click.echo(write_feed(folder, base_url, title))


@main.command("serve")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
                default=OUTPUT)
@click.option("--host", help="Address to listen on (default: this machine's address on the "
                             "local network; 127.0.0.1 keeps it to this machine).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve_command(folder: Path, host: str | None, port: int) -> None:
    """Serve FOLDER (read-only) so a phone on the same network can subscribe to its feed."""
    from .export.feed import write_feed
    from .serve import lan_address, make_server

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
