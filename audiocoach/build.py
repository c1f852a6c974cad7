"""The top of the pipeline: render(), render_program() and write_feed().

render: load -> compile (estimated) -> synthesize the phrases -> compile (measured) -> mix
-> encode -> tag -> rename into place -> exports (script JSON, synced text, playlist, page).
Every file is written under a temporary name in its folder and renamed when complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from . import clips as clipmod
from .cache import PHRASE_TIMEOUT_S, PhraseCache
from .compiler import Coaching, compile_routine, estimate_seconds
from .encode import ENCODER_DELAY, encode_mp3
from .errors import EngineError, OutputError
from .export import feed, synced
from .export.page import page_html
from .export.playlist import Entry, m3u8
from .loader import load_routine
from .mixer import pcm_blocks
from .music import BedMixer, load_bed
from .model import Level, Routine, slug
from .program import Program, table
from .script import TONE_MS, Script
from .speech import Voice
from .tags import write_tags

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called as phrases are made and blocks are encoded."""


@dataclass(frozen=True)
class Options:
    level: Level = "medium"
    voice: Voice = Voice()
    bitrate: int = 96
    cache: Path | None = None
    album: str = "audiocoach"
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
        return len(clips[text]) / clipmod.SAMPLE_RATE
    return estimate_seconds(text)  # not made yet: the next pass makes it


def render(routine_path: Path, out_dir: Path, options: Options = Options(),
           progress: Progress = lambda *a: None, track: int | None = None) -> Rendered:
    """Render the routine file at `routine_path` into `out_dir/<title-slug>.mp3` and friends."""
    return render_routine(load_routine(routine_path), out_dir, options, progress, track)


def render_routine(routine: Routine, out_dir: Path, options: Options = Options(),
                   progress: Progress = lambda *a: None, track: int | None = None,
                   name: str | None = None) -> Rendered:
    cache = PhraseCache(options.voice, options.cache, timeout=options.phrase_timeout)
    script, clips = timed_script(routine, options, cache, progress)
    tones = {kind: clipmod.tone(kind, ms) for kind, ms in TONE_MS.items()}
    name = name or slug(routine.title)
    mp3, json_path = out_dir / f"{name}.mp3", out_dir / f"{name}.json"
    sr = clipmod.SAMPLE_RATE
    total = -(-script.duration_ms // 10000)
    with atomic_write(mp3) as tmp:
        with open(tmp, "wb") as f:
            blocks = pcm_blocks(script, clips, tones, sr, skip=ENCODER_DELAY)
            music = options.music or routine.music
            if music:
                blocks = _with_bed(blocks, BedMixer(load_bed(music), script, sr),
                                   ENCODER_DELAY)
            encode_mp3(_counted(blocks, lambda i: progress("encode", i, total)), f, sr,
                       options.bitrate)
        write_tags(tmp, script, album=options.album, track=str(track) if track else None,
                   lyrics=synced.lrc(script) if options.sidecars else None,
                   cover=options.cover or routine.cover)
    write_text(json_path, script.to_json())
    tracks = _write_tracks(script, clips, tones, out_dir, options, progress) \
        if options.split else []
    if options.sidecars:
        for ext, text in (("lrc", synced.lrc), ("vtt", synced.vtt), ("srt", synced.srt)):
            write_text(out_dir / f"{name}.{ext}", text(script))
    if options.page:
        write_text(out_dir / f"{name}.html", page_html(script, mp3.name))
    entries = tracks or [Entry(mp3.name, script.duration, script.title)]
    write_text(out_dir / f"{name}.m3u8", m3u8(entries))
    return Rendered(mp3, json_path, script, tuple(out_dir / e.file_name for e in tracks))


def render_program(program: Program, out_dir: Path, options: Options = Options(),
                   progress: Progress = lambda *a: None) -> list[Rendered]:
    """Every session into `out_dir`, named by week and day so they sort, with a playlist in
    order and `program.md`, the table of what each session prescribes."""
    done = []
    for n, session in enumerate(program.sessions, 1):
        session_options = replace(options, level=session.level, coaching=session.coaching,
                                  album=program.title)
        done.append(render_routine(session.routine, out_dir, session_options, track=n,
                                   name=session.name))
        progress("program", n, len(program.sessions))
    entries = [Entry(r.mp3.name, r.script.duration, f"Week {s.week} day {s.day}: {r.script.title}")
               for s, r in zip(program.sessions, done)]
    write_text(out_dir / f"{slug(program.title)}.m3u8", m3u8(entries))
    write_text(out_dir / "program.md", table(program))
    return done


def write_feed(folder: Path, base_url: str, title: str | None = None) -> Path:
    """`folder/feed.xml` with one item per rendered workout (an MP3 with its script JSON),
    and the JSON chapters of each."""
    items = []
    for mp3 in sorted(folder.glob("*.mp3")):
        script_file = mp3.with_suffix(".json")
        if not script_file.is_file():
            continue  # a per-exercise track, or not ours
        data = json.loads(script_file.read_text(encoding="utf-8"))
        items.append(feed.Item(mp3, data["title"], data["duration"], data["chapters"]))
        write_text(folder / feed.chapters_name(mp3), feed.chapters_json(items[-1]))
    if not items:
        raise OutputError(f"no rendered workouts in {folder}",
                          hint=f"render some first: audiocoach render routines -o {folder}")
    path = folder / "feed.xml"
    write_text(path, feed.feed_xml(title or f"audiocoach: {folder.resolve().name}", base_url,
                                   items))
    return path


def _write_tracks(script: Script, clips: dict, tones: dict, out_dir: Path, options: Options,
                  progress: Progress) -> list[Entry]:
    """One MP3 per chapter (`01-clamshell.mp3`, ...), cut from the same timeline."""
    sr, entries = clipmod.SAMPLE_RATE, []
    width = max(2, len(str(len(script.chapters))))
    for n, chapter in enumerate(script.chapters, 1):
        path = out_dir / f"{n:0{width}d}-{slug(chapter.title)}.mp3"
        start, end = round(chapter.start_ms * sr / 1000), round(chapter.end_ms * sr / 1000)
        with atomic_write(path) as tmp:
            with open(tmp, "wb") as f:
                # as for the whole file: skipping the encoder's delay puts the decoded audio
                # on the script's time; the skipped part is the chapter's quiet lead-in
                encode_mp3(pcm_blocks(script, clips, tones, sr, skip=start + ENCODER_DELAY,
                                      end=end), f, sr, options.bitrate)
            write_tags(tmp, script, album=script.title, track=f"{n}/{len(script.chapters)}",
                       title=chapter.title, chapters=False)
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
    so a failed or killed run never leaves half a file and never harms the old one."""
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
        os.close(fd)
    except OSError as err:
        raise OutputError(f"cannot write to {final.parent}: {err.strerror or err}") from err
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, final)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {final}: {err.strerror or err}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
