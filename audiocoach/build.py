"""The stages of a render, in order: render(), render_routine() and render_program().

render: load (in the language asked for) -> compile (estimated) -> synthesize the phrases
-> compile (measured) -> mix -> encode -> tag -> rename into place -> exports (script JSON,
synced text, playlist, page).
Every file is written under a temporary name in its folder and renamed when complete (see
atomic.py); the files of one run are claimed before any is written, so no run overwrites what
it wrote itself. The podcast feed of a folder of renders is written by export/feed.py.
"""

from __future__ import annotations

import os
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO, NamedTuple

from . import loader, parallel, sound
from .atomic import atomic_write, write_text
from .cache import PHRASE_TIMEOUT_S, PhraseCache, frame_folder
from .compiler import Coaching, check_limits, compile_routine, estimate_seconds
from .encode import encode_mp3
from .errors import EngineError, OutputError, OutputWarning
from .export import synced
from .export.page import page_html
from .export.playlist import Entry, m3u8
from .loader import load_routine
from .mixer import BLOCK_SECONDS, block_count, mix, timeline, tones
from .model import Level, Routine, slug
from .music import BedMixer, load_bed
from .phrases import catalog
from .program import Program, Session, table
from .script import Chapter, Script
from .sound import Clips
from .speech import Voice, warn_mismatch
from .splice import Unsafe, encode_spliced
from .tags import write_tags

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as phrases are made and blocks are encoded."""


def no_progress(stage: str, done: int, total: int) -> None:
    """A Progress that shows nothing (and, unlike a lambda, can be sent to a worker)."""


def warm_up() -> None:
    """What a worker process makes once, before its first render (parallel.pool's `warm`)."""
    tones()


class Claims:
    """The files one run writes, each with the routine (or session) that writes it.

    A second owner claiming a file is refused with an OutputError naming both, and one owner
    naming a file twice likewise; claim everything first and nothing has been written when
    that happens. Names compare casefolded and NFC, as on case-insensitive file systems."""

    def __init__(self) -> None:
        self._owners: dict[tuple[str, str], tuple[str, Path]] = {}

    def claim(self, owner: str, paths: Iterable[Path]) -> None:
        mine: dict[tuple[str, str], Path] = {}
        for path in paths:
            key = _name_key(path)
            other = self._owners.get(key)
            if other and other[0] != owner:
                raise OutputError(
                    f"{other[0]} and {owner} would both write {path}",
                    hint="give one of them another title, or render them into separate folders")
            if key in mine:
                raise OutputError(f"{owner} would write {path} twice "
                                  f"({mine[key].name} and {path.name})",
                                  hint="its title and one of its exercises make the same name")
            mine[key] = path
        for key, path in mine.items():
            self._owners.setdefault(key, (owner, path))

    def paths(self) -> list[Path]:
        """Every file claimed, in the order claimed."""
        return [path for _, path in self._owners.values()]

    def claim_routine(self, routine: Routine, out_dir: Path, options: Options,
                      name: str | None = None, owner: str | None = None) -> None:
        """Claim every file render_routine writes for `routine` (owner: its file)."""
        self.claim(owner or routine.path or f"'{routine.title}'",
                   output_paths(routine, out_dir, options, name))


def _name_key(path: Path) -> tuple[str, str]:
    """`path` as a case-insensitive file system tells names apart: folder, folded name."""
    return (os.path.abspath(path.parent), unicodedata.normalize("NFC", path.name).casefold())


@dataclass(frozen=True)
class Options:
    level: Level = "medium"
    voice: Voice = Voice()
    bitrate: int = 96
    cache: Path | None = None
    album: str = "audiocoach"
    artist: str | None = None
    """The MP3's artist; None: the routine's source when it names someone, else audiocoach."""
    title: str | None = None
    """The MP3's title tag; None: the routine's title ("Week 2, day 3: ..." for a session)."""
    coaching: Coaching = "standard"
    """standard, full (setup and form cues on every set) or brief (name, counts, one cue)."""
    split: bool = False
    """Also write one MP3 per exercise (per chapter)."""
    cover: Path | None = None
    """Cover art (JPEG or PNG) for the MP3; overrides the routine's own."""
    phrase_timeout: float = PHRASE_TIMEOUT_S
    """Seconds a phrase may take before the engine is taken to have hung."""
    music: Path | None = None
    """A song to loop under the voice, ducked while someone speaks."""
    page: bool = False
    """Write <name>.html beside the MP3: a one-file player that follows the audio."""
    sidecars: bool = True
    """Write .lrc, .vtt and .srt beside the MP3 (and embed the LRC as USLT)."""
    language: str | None = None
    """The language to coach in (a supported tag) instead of the routine's own."""
    workers: int | None = None
    """How many cores to use (for the phrases, the MP3's islands, the sessions of a
    program); None: all of them. The output is the same whatever the number."""


@dataclass(frozen=True)
class Rendered:
    mp3: Path
    json: Path
    script: Script
    tracks: tuple[Path, ...] = ()

    @property
    def size(self) -> int:
        return self.mp3.stat().st_size


def in_language(routine: Routine, options: Options) -> Routine:
    """`routine` in the language it is to be coached in: `options.language` when given."""
    if options.language is None:
        return routine
    return loader.in_language(routine, options.language)


def speaker(routine: Routine, options: Options) -> Voice:
    """The voice of `options` speaking the routine's language (the voice it names, or the
    engine's voice of that language)."""
    return replace(options.voice, language=in_language(routine, options).language)


def phrase_cache(routine: Routine, options: Options) -> PhraseCache:
    """The phrase cache of the voice that says `routine` with `options`."""
    return PhraseCache(speaker(routine, options), options.cache, workers=options.workers,
                       timeout=options.phrase_timeout)


def timed_script(routine: Routine, options: Options, cache: PhraseCache,
                 progress: Progress = no_progress) -> tuple[Script, Clips]:
    """Compile with the real clip lengths. The first pass, on estimates, tells which phrases
    to make; timing with the real lengths can bring in a few more (a number no longer talked
    over by a form cue), so it repeats until every phrase it uses has its clip. A voice
    named in `options` that speaks another language is warned of (VoiceWarning)."""
    routine = in_language(routine, options)
    warn_mismatch(speaker(routine, options))
    check_limits(routine, options.level, options.coaching, options.voice.rate)  # before speech
    script = compile_routine(routine, options.level, coaching=options.coaching)
    clips = Clips(cache.get)
    done = [0]
    while missing := [p for p in script.phrases() if p not in clips]:
        def step(n: int, total: int = len(missing)) -> None:
            done[0] += n
            progress("speech", done[0], len(clips) + total)

        try:
            cache.clips(missing, step, into=clips)
        except EngineError as err:
            where = next((e.exercise for e in script.events if e.text == err.phrase), None)
            if where:
                err.message += f" (exercise '{where}' of {routine.path or routine.title})"
            raise
        script = compile_routine(routine, options.level, partial(_measured, clips),
                                 options.coaching)
    return script, clips


def _measured(clips: Clips, text: str) -> float:
    """Seconds `text` is said in: its clip's length, or an estimate while it has none."""
    if text in clips:
        return clips.length(text) / sound.SAMPLE_RATE
    return estimate_seconds(text)  # not made yet: the next pass makes it


def render(routine_path: Path, out_dir: Path, options: Options = Options(),
           progress: Progress = no_progress, track: int | tuple[int, int] | None = None,
           claims: Claims | None = None) -> Rendered:
    """Render the routine file at `routine_path` into `out_dir/<title-slug>.mp3` and friends.
    Pass one `Claims` to every render of a run: a routine whose files another one of the run
    already claimed is refused before it writes anything."""
    return render_routine(load_routine(routine_path), out_dir, options, progress, track,
                          claims=claims)


def output_paths(routine: Routine, out_dir: Path, options: Options = Options(),
                 name: str | None = None) -> list[Path]:
    """Every file render_routine writes for `routine` with `options`."""
    routine = in_language(routine, options)
    name = name or slug(routine.title)
    exts = ["mp3", "json", "m3u8"] + (["lrc", "vtt", "srt"] if options.sidecars else []) + \
        (["html"] if options.page else [])
    paths = [out_dir / f"{name}.{ext}" for ext in exts]
    if options.split:
        chapters = compile_routine(routine, options.level, coaching=options.coaching).chapters
        paths += [out_dir / n for n in _track_names([c.title for c in chapters])]
    return paths


def _track_names(titles: list[str]) -> list[str]:
    """The file names of the per-chapter MP3s, numbered so they sort: 01-clamshell.mp3."""
    width = max(2, len(str(len(titles))))
    return [f"{n:0{width}d}-{slug(title)}.mp3" for n, title in enumerate(titles, 1)]


def render_routine(routine: Routine, out_dir: Path, options: Options = Options(),
                   progress: Progress = no_progress,
                   track: int | tuple[int, int] | None = None,
                   name: str | None = None, claims: Claims | None = None,
                   owner: str | None = None, session: dict | None = None) -> Rendered:
    """`track` is (n, total) for one of several (TRCK "n/N"; none when total is 1); a bare n
    is written as it is. The routine is said in `options.language`, when given. `session`
    (a program's session: its place in the program) goes into the script's JSON."""
    routine = in_language(routine, options)
    name = name or slug(routine.title)
    (claims or Claims()).claim_routine(routine, out_dir, options, name, owner)
    script, clips = timed_script(routine, options, phrase_cache(routine, options), progress)
    mp3, json_path = out_dir / f"{name}.mp3", out_dir / f"{name}.json"
    cover = options.cover or routine.cover
    _write_mp3(mp3, script, clips, options, progress, track=track,
               music=options.music or routine.music, cover=cover)
    write_text(json_path, script.json_parts(session=session) if session else script.json_parts())
    tracks = _write_tracks(script, clips, out_dir, options, progress,
                           cover=cover) if options.split else []
    _write_exports(script, mp3, name, options, tracks)
    return Rendered(mp3, json_path, script, tuple(out_dir / e.file_name for e in tracks))


def _write_mp3(mp3: Path, script: Script, clips: Clips, options: Options, progress: Progress,
               track: int | tuple[int, int] | None, music: Path | None,
               cover: Path | None) -> None:
    """The workout's MP3: its timeline (and the music bed, if any) encoded, then tagged."""
    sr = sound.SAMPLE_RATE
    total = block_count(script, sr)
    with atomic_write(mp3) as tmp:
        with open(tmp, "wb") as f:
            # the whole timeline from 0: the MP3's LAME tag tells decoders the encoder's
            # delay and padding, so decoded audio is on the script's time and as long
            if music:  # a bed sounds everywhere: nothing to splice
                blocks = BedMixer(load_bed(music), script, sr).mixed(mix(script, clips, sr))
                encode_mp3(_counted(blocks, lambda i: progress("encode", i, total)), f, sr,
                           options.bitrate)
            else:
                _encode(f, script, clips, options,
                        lambda n: progress("encode", -(-n // (BLOCK_SECONDS * sr)), total))
        write_tags(tmp, script, album=options.album, track=track, title=options.title,
                   lyrics=synced.plain(script) if options.sidecars else None,
                   cover=cover, artist=options.artist)


def _write_tracks(script: Script, clips: Clips, out_dir: Path, options: Options,
                  progress: Progress, cover: Path | None = None) -> list[Entry]:
    """One MP3 per chapter (`01-clamshell.mp3`, ...), cut from the same timeline: each decodes
    to exactly its chapter's samples (the LAME tag), so played in turn they are the whole."""
    entries = []
    names = _track_names([c.title for c in script.chapters])
    for n, (chapter, file_name) in enumerate(zip(script.chapters, names, strict=True), 1):
        path = out_dir / file_name
        _write_track(path, script, clips, chapter, (n, len(script.chapters)), options, cover)
        entries.append(Entry(path.name, (chapter.end_ms - chapter.start_ms) / 1000,
                             chapter.title))
        progress("tracks", n, len(script.chapters))
    return entries


def _write_track(path: Path, script: Script, clips: Clips, chapter: Chapter,
                 track: tuple[int, int], options: Options, cover: Path | None) -> None:
    """The MP3 of one chapter: its stretch of the timeline (no music bed), tagged."""
    sr = sound.SAMPLE_RATE
    start, end = round(chapter.start_ms * sr / 1000), round(chapter.end_ms * sr / 1000)
    with atomic_write(path) as tmp:
        with open(tmp, "wb") as f:
            _encode(f, script, clips, options, start=start, end=end)
        write_tags(tmp, script, album=script.title, track=track, title=chapter.title,
                   chapters=False, cover=cover, artist=options.artist,
                   lyrics=synced.plain(script, chapter.start_ms, chapter.end_ms)
                   if options.sidecars else None)


def _encode(f: BinaryIO, script: Script, clips: Clips, options: Options,
            progress: Callable[[int], None] = lambda n: None, start: int = 0,
            end: int | None = None) -> None:
    """Samples `start`..`end` (default: the whole) of the script's timeline into `f` as MP3:
    spliced (splice.py: silence is not encoded, islands are kept in the frame cache), or,
    should LAME ever write an island that cannot be joined, encoded whole."""
    sr = sound.SAMPLE_RATE
    end = round(script.duration_ms * sr / 1000) if end is None else end
    line = timeline(script, clips, sr)
    try:
        encode_spliced(lambda a, b: line.span(a + start, b + start), line.sounds(start, end),
                       end - start, f, sr, options.bitrate, frame_folder(options.cache),
                       workers=options.workers, progress=progress)
    except Unsafe:
        f.seek(0)
        f.truncate()
        encode_mp3(mix(script, clips, sr, skip=start, end=end), f, sr, options.bitrate)


def _write_exports(script: Script, mp3: Path, name: str, options: Options,
                   tracks: list[Entry]) -> None:
    """The text files beside the MP3: synced text, the page and the playlist (of the
    per-exercise tracks when there are any, else of the MP3)."""
    out_dir = mp3.parent
    if options.sidecars:
        for ext, text in (("lrc", synced.lrc), ("vtt", synced.vtt), ("srt", synced.srt)):
            write_text(out_dir / f"{name}.{ext}", text(script))
    if options.page:
        write_text(out_dir / f"{name}.html", page_html(script, mp3.name))
    entries = tracks or [Entry(mp3.name, script.duration, script.title)]
    write_text(out_dir / f"{name}.m3u8", m3u8(entries))


def _counted(blocks: Iterator, report: Callable[[int], None]) -> Iterator:
    """`blocks` as they are, calling report(n) after the n-th is taken."""
    for i, block in enumerate(blocks, 1):
        yield block
        report(i)


class _Planned(NamedTuple):
    """One session of a program as it is to be rendered."""

    session: Session
    options: Options
    name: str
    """The file name (without extension) of its MP3 and the rest."""
    owner: str
    """Who claims its files, as errors name it."""
    title: str
    """Its title tag: "Week 2, day 3: ..."."""


def render_program(program: Program, out_dir: Path, options: Options = Options(),
                   progress: Progress = no_progress, claims: Claims | None = None,
                   executor: Executor | None = None) -> list[Rendered]:
    """Every session into `out_dir`, named by week and day so they sort, with a playlist in
    order and `program.md`, the table of what each session prescribes. Two sessions that
    would share a name (one day, same title) get distinct ones, with an OutputWarning; every
    file is claimed before the first is written.

    With several workers (`options.workers`, default all cores) the sessions are rendered
    side by side, one per process (each making the phrases it needs, kept in the shared
    phrase cache), the longest first; the files are the same as one at a time. Pass
    `executor` (parallel.pool) to use processes already started."""
    claims = claims or Claims()
    plan = _plan_sessions(program, session_names(program), out_dir, options, claims)
    claims.claim(program.path or f"the program '{program.title}'",
                 [out_dir / f"{slug(program.title)}.m3u8", out_dir / "program.md"])
    with ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(parallel.pool(options.workers, len(plan)))
        tasks = [(p if executor is None else p._replace(options=replace(p.options, workers=1)),
                  out_dir, n, (program.title, len(plan))) for n, p in enumerate(plan, 1)]
        order = render_order([p.session for p in plan],
                             1 if executor is None else parallel.cores(options.workers))
        rendered = parallel.run(_render_session, [tasks[i] for i in order], executor,
                                parallel.counting(lambda n: progress("program", n, len(plan))))
        rendered = [r for _, r in sorted(zip(order, rendered, strict=True))]  # program order
    entries = [Entry(r.mp3.name, r.script.duration, p.title)
               for r, p in zip(rendered, plan, strict=True)]
    write_text(out_dir / f"{slug(program.title)}.m3u8", m3u8(entries))
    write_text(out_dir / "program.md", table(program))
    return rendered


def render_order(sessions: list[Session], at_once: int) -> list[int]:
    """The order to render `sessions` in, `at_once` at a time: the longest first, so that no
    core is left alone with a long one at the end; but two sessions of one routine (weeks
    apart, dosed alike) not side by side (parallel.spread)."""
    longest = sorted(range(len(sessions)), key=lambda i: -sessions[i].longest_ms)
    keys = [_routine_of(sessions[i]) for i in longest]
    return [longest[k] for k in parallel.spread(keys, at_once)]


def _routine_of(session: Session) -> str:
    """Which routine a session is of (its file; its title when it has none)."""
    return session.routine.path or session.routine.title


def _render_session(planned: _Planned, out_dir: Path, n: int, place: tuple[str, int]
                    ) -> Rendered:
    """The files of the n-th session of the program `place` (its title, its number of
    sessions), in a worker process or here."""
    session = planned.session
    # its title (already the MP3's title tag) and its place, read by the feed writer
    place_in_program = {"program": place[0], "week": session.week, "day": session.day,
                        "number": n, "sessions": place[1], "title": planned.title}
    return render_routine(session.routine, out_dir, planned.options, track=(n, place[1]),
                          name=planned.name, owner=planned.owner, session=place_in_program)


def _plan_sessions(program: Program, names: list[str], out_dir: Path, options: Options,
                   claims: Claims) -> list[_Planned]:
    """Each session with its options, file name (from `names`), owner and title; its files
    claimed."""
    plan = []
    for n, (session, name) in enumerate(zip(program.sessions, names, strict=True), 1):
        language = in_language(session.routine, options).language
        title = catalog(language).phrase("tag session title", week=session.week,
                                         day=session.day, title=session.routine.title)
        session_options = replace(options, level=session.level, coaching=session.coaching,
                                  album=program.title, title=title)
        owner = (f"session {n} (week {session.week} day {session.day}: "
                 f"{session.routine.path or session.routine.title})")
        claims.claim_routine(session.routine, out_dir, session_options, name, owner)
        plan.append(_Planned(session, session_options, name, owner, title))
    return plan


def session_names(program: Program) -> list[str]:
    """Each session's file name: `Session.name`, made distinct (`w01d2-core-2`) when two
    sessions of one day would share it; each such rename is told with an OutputWarning."""
    bases = [s.name for s in program.sessions]
    taken = {b.casefold() for b in bases}
    seen: set[str] = set()
    out = []
    for session, base in zip(program.sessions, bases, strict=True):
        name = base
        if base.casefold() in seen:
            k = 2
            while f"{base}-{k}".casefold() in taken:
                k += 1
            name = f"{base}-{k}"
            taken.add(name.casefold())
            warnings.warn(OutputWarning(
                f"week {session.week} day {session.day} has two sessions named {base}; "
                f"this one ({session.routine.path or session.routine.title}) is {name}"),
                stacklevel=3)
        seen.add(name.casefold())
        out.append(name)
    return out
