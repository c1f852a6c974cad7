"""ID3v2.3 tags and chapters (CHAP + CTOC) from the script, written with mutagen."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from mutagen.id3 import (APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TIT2, TPE1, TRCK, USLT,
                         CTOCFlags, Encoding)

from .script import Script

GENRE = "Fitness"


def write_tags(path: Path, script: Script, album: str = "audiocoach", track: str | None = None,
               cover: Path | None = None, lyrics: str | None = None, title: str | None = None,
               chapters: bool = True) -> None:
    """Tag the MP3 at `path`. `track` is "n" or "n/N"; `lyrics` (LRC text) goes in USLT;
    `title` overrides the script's (for a per-exercise track, which has no chapters)."""
    tags = ID3()
    tags.add(TIT2(encoding=Encoding.UTF16, text=title or script.title))
    tags.add(TPE1(encoding=Encoding.UTF16, text="audiocoach"))
    tags.add(TALB(encoding=Encoding.UTF16, text=album))
    tags.add(TCON(encoding=Encoding.UTF16, text=GENRE))
    if track:
        tags.add(TRCK(encoding=Encoding.UTF16, text=str(track)))
    source = f"Routine source: {script.source}" if script.source else "audiocoach routine"
    tags.add(COMM(encoding=Encoding.UTF16, lang="eng", desc="", text=f"{source}; level {script.level}"))
    if lyrics:
        tags.add(USLT(encoding=Encoding.UTF16, lang="eng", desc="", text=lyrics))
    if chapters:
        _add_chapters(tags, script)
    if cover:
        mime = mimetypes.guess_type(cover.name)[0] or "image/jpeg"
        tags.add(APIC(encoding=Encoding.UTF16, mime=mime, type=3, desc="Cover",
                      data=cover.read_bytes()))
    tags.update_to_v23()
    tags.save(str(path), v2_version=3)


def _add_chapters(tags: ID3, script: Script) -> None:
    # mutagen writes frames ordered by size, then by id; ffprobe lists chapters in the order
    # they are stored. Zero-padded ids and titles padded to one length (trailing spaces,
    # which players trim) give CHAP frames of one size, so they are stored in time order.
    width = max((len(c.title) for c in script.chapters), default=0)
    ids = [f"ch{i:03d}" for i in range(len(script.chapters))]
    for element_id, c in zip(ids, script.chapters):
        tags.add(CHAP(element_id=element_id, start_time=c.start_ms, end_time=c.end_ms,
                      sub_frames=[TIT2(encoding=Encoding.UTF16, text=c.title.ljust(width))]))
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=Encoding.UTF16,
                                                          text=script.title)]))
