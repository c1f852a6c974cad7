"""The top of the pipeline: render(), render_program() and write_feed().

render: load -> compile (estimated) -> synthesize the phrases -> compile (measured) -> mix
-> encode -> tag -> rename into place -> exports (script JSON, synced text, playlist, page).
Every file is written under a temporary name in its folder and renamed when complete; the
files of one run are claimed before any is written, so no run overwrites what it wrote itself.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; stale partial files are told by their age
    fcntl = None  # type: ignore[assignment]

from . import sound
from .cache import PHRASE_TIMEOUT_S, PhraseCache
from .compiler import Coaching, check_limits, compile_routine, estimate_seconds
from .encode import encode_mp3
from .errors import EngineError, OutputError
from .export import feed, synced
from .export.page import page_html
from .export.playlist import Entry, m3u8
from .loader import load_routine
from .mixer import pcm_blocks
from .model import Level, Routine, slug
from .music import BedMixer, load_bed
from .program import Program, table
from .script import TONE_MS, Script
from .speech import Voice
from .tags import write_tags

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as phrases are made and blocks are encoded."""

STALE_PART_S = 24 * 3600
"""Without file locks (Windows), a partial file this old is taken to be left by a killed run."""
MAX_SCRIPT_JSON = 64 * 2**20
"""write_feed reads no script JSON larger than this (ours are a few MB at most)."""


class OutputWarning(UserWarning):
    """Something in the output was skipped or named differently; the work went on."""


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

    def claim_routine(self, routine: Routine, out_dir: Path, options: Options,
                      name: str | None = None, owner: str | None = None) -> None:
        """Claim every file render_routine writes for `routine` (owner: its file)."""
        self.claim(owner or routine.path or f"'{routine.title}'",
                   output_paths(routine, out_dir, options, name))


def _name_key(path: Path) -> tuple[str, str]:
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


@dataclass(frozen=True)
class Rendered:
    mp3: Path
    json: Path
    script: Script
    tracks: tuple[Path, ...] = ()

    @property
    def size(self) -> int:
        return self.mp3.stat().st_size


def timed_script(routine: Routine, options: Options, cache: PhraseCache,
                 progress: Progress = lambda *a: None) -> tuple[Script, dict]:
    """Compile with the real clip lengths. The first pass, on estimates, tells which phrases
    to make; timing with the real lengths can bring in a few more (a number no longer talked
    over by a form cue), so it repeats until every phrase it uses has its clip."""
    check_limits(routine, options.level, options.coaching, options.voice.rate)  # before speech
    script = compile_routine(routine, options.level, coaching=options.coaching)
    clips: dict = {}
    done = [0]
    while missing := [p for p in script.phrases() if p not in clips]:
        def step(n: int, total: int = len(missing)) -> None:
            done[0] += n
            progress("speech", done[0], len(clips) + total)

        try:
            clips.update(cache.clips(missing, step))
        except EngineError as err:
            where = next((e.exercise for e in script.events if e.text == err.phrase), None)
            if where:
                err.message += f" (exercise '{where}' of {routine.path or routine.title})"
            raise
        script = compile_routine(routine, options.level, partial(_measured, clips),
                                 options.coaching)
    return script, clips


def _measured(clips: dict, text: str) -> float:
    if text in clips:
        return len(clips[text]) / sound.SAMPLE_RATE
    return estimate_seconds(text)  # not made yet: the next pass makes it


def render(routine_path: Path, out_dir: Path, options: Options = Options(),
           progress: Progress = lambda *a: None, track: int | tuple[int, int] | None = None,
           claims: Claims | None = None) -> Rendered:
    """Render the routine file at `routine_path` into `out_dir/<title-slug>.mp3` and friends.
    Pass one `Claims` to every render of a run: a routine whose files another one of the run
    already claimed is refused before it writes anything."""
    return render_routine(load_routine(routine_path), out_dir, options, progress, track,
                          claims=claims)


def output_paths(routine: Routine, out_dir: Path, options: Options = Options(),
                 name: str | None = None) -> list[Path]:
    """Every file render_routine writes for `routine` with `options`."""
    name = name or slug(routine.title)
    exts = ["mp3", "json", "m3u8"] + (["lrc", "vtt", "srt"] if options.sidecars else []) + \
        (["html"] if options.page else [])
    paths = [out_dir / f"{name}.{ext}" for ext in exts]
    if options.split:
        chapters = compile_routine(routine, options.level, coaching=options.coaching).chapters
        paths += [out_dir / n for n in _track_names([c.title for c in chapters])]
    return paths


def _track_names(titles: list[str]) -> list[str]:
    width = max(2, len(str(len(titles))))
    return [f"{n:0{width}d}-{slug(title)}.mp3" for n, title in enumerate(titles, 1)]


def render_routine(routine: Routine, out_dir: Path, options: Options = Options(),
                   progress: Progress = lambda *a: None,
                   track: int | tuple[int, int] | None = None,
                   name: str | None = None, claims: Claims | None = None,
                   owner: str | None = None) -> Rendered:
    """`track` is (n, total) for one of several (TRCK "n/N"; none when total is 1); a bare n
    is written as it is."""
    name = name or slug(routine.title)
    (claims or Claims()).claim_routine(routine, out_dir, options, name, owner)
    cache = PhraseCache(options.voice, options.cache, timeout=options.phrase_timeout)
    script, clips = timed_script(routine, options, cache, progress)
    tones = {kind: sound.tone(kind, ms) for kind, ms in TONE_MS.items()}
    mp3, json_path = out_dir / f"{name}.mp3", out_dir / f"{name}.json"
    sr = sound.SAMPLE_RATE
    total = -(-script.duration_ms // 10000)
    with atomic_write(mp3) as tmp:
        with open(tmp, "wb") as f:
            # the whole timeline from 0: the MP3's LAME tag tells decoders the encoder's
            # delay and padding, so decoded audio is on the script's time and as long
            blocks = pcm_blocks(script, clips, tones, sr)
            music = options.music or routine.music
            if music:
                blocks = _with_bed(blocks, BedMixer(load_bed(music), script, sr), 0)
            encode_mp3(_counted(blocks, lambda i: progress("encode", i, total)), f, sr,
                       options.bitrate)
        write_tags(tmp, script, album=options.album, track=track, title=options.title,
                   lyrics=synced.plain(script) if options.sidecars else None,
                   cover=options.cover or routine.cover, artist=options.artist)
    write_text(json_path, script.to_json())
    tracks = _write_tracks(script, clips, tones, out_dir, options, progress,
                           cover=options.cover or routine.cover) if options.split else []
    if options.sidecars:
        for ext, text in (("lrc", synced.lrc), ("vtt", synced.vtt), ("srt", synced.srt)):
            write_text(out_dir / f"{name}.{ext}", text(script))
    if options.page:
        write_text(out_dir / f"{name}.html", page_html(script, mp3.name))
    entries = tracks or [Entry(mp3.name, script.duration, script.title)]
    write_text(out_dir / f"{name}.m3u8", m3u8(entries))
    return Rendered(mp3, json_path, script, tuple(out_dir / e.file_name for e in tracks))


def render_program(program: Program, out_dir: Path, options: Options = Options(),
                   progress: Progress = lambda *a: None,
                   claims: Claims | None = None) -> list[Rendered]:
    """Every session into `out_dir`, named by week and day so they sort, with a playlist in
    order and `program.md`, the table of what each session prescribes. Two sessions that
    would share a name (one day, same title) get distinct ones, with an OutputWarning; every
    file is claimed before the first is written."""
    claims = claims or Claims()
    plan = []
    names = session_names(program)
    for n, (session, name) in enumerate(zip(program.sessions, names, strict=True), 1):
        title = f"Week {session.week}, day {session.day}: {session.routine.title}"
        session_options = replace(options, level=session.level, coaching=session.coaching,
                                  album=program.title, title=title)
        owner = (f"session {n} (week {session.week} day {session.day}: "
                 f"{session.routine.path or session.routine.title})")
        claims.claim_routine(session.routine, out_dir, session_options, name, owner)
        plan.append((session, session_options, name, owner, title))
    claims.claim(program.path or f"the program '{program.title}'",
                 [out_dir / f"{slug(program.title)}.m3u8", out_dir / "program.md"])
    done, titles = [], []
    for n, (session, session_options, name, owner, title) in enumerate(plan, 1):
        rendered = render_routine(session.routine, out_dir, session_options, track=(n, len(plan)),
                                  name=name, claims=claims, owner=owner)
        # the session's name (already the MP3's title tag), in its script JSON with its
        # place in the program (`session`, read by write_feed)
        data = {**rendered.script.to_dict(), "session": {
            "program": program.title, "week": session.week, "day": session.day, "number": n,
            "sessions": len(program.sessions), "title": title}}
        write_text(rendered.json, json.dumps(data, indent=1, ensure_ascii=False))
        done.append(rendered)
        titles.append(title)
        progress("program", n, len(program.sessions))
    entries = [Entry(r.mp3.name, r.script.duration, t) for r, t in zip(done, titles, strict=True)]
    write_text(out_dir / f"{slug(program.title)}.m3u8", m3u8(entries))
    write_text(out_dir / "program.md", table(program))
    return done


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


def write_feed(folder: Path, base_url: str, title: str | None = None) -> Path:
    """`folder/feed.xml` with one item per rendered workout (an MP3 with its script JSON),
    and the JSON chapters of each. An MP3 that is not a file in the folder (a dangling link,
    a link out of it) or whose JSON is not a script JSON is skipped with an OutputWarning."""
    feed.base_url(base_url)  # a bad URL is refused before anything is written
    items = []
    root = folder.resolve()
    for mp3 in sorted(folder.glob("*.mp3")):
        script_file = mp3.with_suffix(".json")
        if not mp3.is_file():
            _skip(mp3, "it is not a file (a link to nothing?)")
            continue
        if not script_file.exists() and not script_file.is_symlink():
            continue  # a per-exercise track, or not ours
        item, why = _feed_item(mp3, script_file, root)
        if item is None:
            _skip(mp3, why)
            continue
        item, cover = feed.detailed(item, script_file)
        if cover:  # the MP3's embedded cover, beside it as X.cover.jpg or .png
            image = folder / cover[0]
            try:
                same = image.stat().st_size == len(cover[1]) and image.read_bytes() == cover[1]
            except OSError:
                same = False
            if not same:
                with atomic_write(image) as tmp:
                    tmp.write_bytes(cover[1])
        items.append(item)
        write_text(folder / feed.chapters_name(mp3), feed.chapters_json(item))
    # a program's sessions in program order, then the other workouts by name
    items.sort(key=lambda i: (i.program is None, i.program or "", i.episode or 0))
    if not items:
        raise OutputError(f"no rendered workouts in {folder}",
                          hint=f"render some first: audiocoach render routines -o {folder}")
    path = folder / "feed.xml"
    programs = {i.program for i in items}
    only = programs.pop() if len(programs) == 1 else None
    default = only if only is not None else f"audiocoach: {folder.resolve().name}"
    write_text(path, feed.feed_xml(title or default, base_url, items))
    return path


def _skip(mp3: Path, why: str) -> None:
    warnings.warn(OutputWarning(f"feed: skipped {mp3.name}: {why}"), stacklevel=3)


def _feed_item(mp3: Path, script_file: Path, root: Path) -> tuple[feed.Item | None, str]:
    """The feed item of `mp3`, or None and why not."""
    for path in (mp3, script_file):
        if not path.resolve().is_relative_to(root):
            return None, f"{path.name} leads out of the folder"
    json_name = script_file.name
    try:
        if not script_file.is_file():
            return None, f"{json_name} is not a file"
        if script_file.stat().st_size > MAX_SCRIPT_JSON:
            return None, f"{json_name} is too large to be a script JSON"
        data = json.loads(script_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"{json_name} cannot be read as a script JSON ({err})"
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) \
        and math.isfinite(v) and v >= 0  # noqa: E731
    ok = isinstance(data, dict) and isinstance(data.get("title"), str) \
        and number(data.get("duration")) and isinstance(data.get("chapters"), list) \
        and all(isinstance(c, dict) and isinstance(c.get("title"), str)
                and number(c.get("start")) and number(c.get("end"))
                for c in data["chapters"])
    if not ok:
        return None, f"{json_name} is not a script JSON written by audiocoach"
    return feed.Item(mp3, data["title"], data["duration"], data["chapters"]), ""


def _write_tracks(script: Script, clips: dict, tones: dict, out_dir: Path, options: Options,
                  progress: Progress, cover: Path | None = None) -> list[Entry]:
    """One MP3 per chapter (`01-clamshell.mp3`, ...), cut from the same timeline: each decodes
    to exactly its chapter's samples (the LAME tag), so played in turn they are the whole."""
    sr, entries = sound.SAMPLE_RATE, []
    names = _track_names([c.title for c in script.chapters])
    for n, (chapter, file_name) in enumerate(zip(script.chapters, names, strict=True), 1):
        path = out_dir / file_name
        start, end = round(chapter.start_ms * sr / 1000), round(chapter.end_ms * sr / 1000)
        with atomic_write(path) as tmp:
            with open(tmp, "wb") as f:
                encode_mp3(pcm_blocks(script, clips, tones, sr, skip=start, end=end), f, sr,
                           options.bitrate)
            write_tags(tmp, script, album=script.title,
                       track=(n, len(script.chapters)), title=chapter.title,
                       chapters=False, cover=cover, artist=getattr(options, "artist", None),
                       lyrics=synced.plain(script, chapter.start_ms, chapter.end_ms)
                       if options.sidecars else None)
        entries.append(Entry(path.name, (chapter.end_ms - chapter.start_ms) / 1000,
                             chapter.title))
        progress("tracks", n, len(script.chapters))
    return entries


def write_text(path: Path, text: str) -> None:
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _with_bed(blocks: Iterator, bed: BedMixer, start: int) -> Iterator:
    for block in blocks:
        yield bed.add(block, start)
        start += len(block)


def _counted(blocks: Iterator, report: Callable[[int], None]) -> Iterator:
    for i, block in enumerate(blocks, 1):
        yield block
        report(i)


@contextmanager
def atomic_write(final: Path) -> Iterator[Path]:
    """Yield a temporary path in the same folder; rename it over `final` only on success,
    so a failed or killed run never leaves half a file and never harms the old one.

    The temporary file is created like any other file (mode 0666 less the umask) and holds
    an exclusive lock while it is written: partial files of `final` that nobody holds (left by
    a killed run) are removed first."""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(final)
        fd, tmp = _create_part(final)
    except OSError as err:
        raise OutputError(f"cannot write to {final.parent}: {err.strerror or err}") from err
    try:
        yield tmp
        os.replace(tmp, final)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {final}: {err.strerror or err}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _part_pattern(final: Path) -> re.Pattern:
    # ours, and those of older versions (tempfile.mkstemp: 8 of [a-z0-9_])
    return re.compile(re.escape(f".{final.name}.") + r"[a-z0-9_]{8}\.part")


def _create_part(final: Path) -> tuple[int | None, Path]:
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = final.parent / f".{final.name}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as for any tool
        except FileExistsError:
            continue
        if fcntl is None:
            os.close(fd)
            return None, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_nlink:
                return fd, tmp
        except BlockingIOError:
            pass  # another run, cleaning up, took it for a stale one: try another name
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise FileExistsError(f"no free temporary name for {final.name}")


def _remove_stale_parts(final: Path) -> None:
    """Remove the partial files of `final` that no running writer holds."""
    pattern = _part_pattern(final)
    for entry in os.scandir(final.parent):
        if not pattern.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if fcntl is None:
                if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_PART_S:
                    os.unlink(entry.path)
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) |
                         getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(entry.path)
        except OSError:
            pass  # being written by a running render (or already gone)
        finally:
            os.close(fd)
