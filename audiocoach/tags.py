"""ID3v2.3 tags and chapters (CHAP + CTOC) from the script, written with mutagen."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mutagen.id3 import (APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TIT2, TPE1, TRCK, USLT,
                         CTOCFlags, Encoding)

from .errors import AudiocoachError
from .export.synced import one_line
from .script import Script

GENRE = "Fitness"
COVER_MAX_BYTES = 10 * 1024 * 1024
"""The largest cover image embedded (10 MB); a bigger file is refused, and never read whole."""
_IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
"""The image formats a cover may be, by the first bytes of the file."""


def read_cover(path: Path) -> tuple[bytes, str]:
    """The cover image at `path` and its MIME type, checked before anything is embedded: a
    regular file (a device, FIFO or socket is refused without being read or waited on), at
    most COVER_MAX_BYTES, and a JPEG or PNG by its header (not by its name). Raises
    AudiocoachError saying what is wrong."""
    what = f"cover image {path}"
    hint = "use a JPEG or PNG file of at most 10 MB"
    try:
        info = os.stat(path)
    except (OSError, ValueError) as err:  # ValueError: a NUL byte in the name
        raise AudiocoachError(f"{what}: {getattr(err, 'strerror', None) or err}",
                              hint=hint) from err
    if not stat.S_ISREG(info.st_mode):
        raise AudiocoachError(f"{what} is not a regular file (a folder, device, FIFO or "
                              "socket); expected an image file", hint=hint)
    if info.st_size > COVER_MAX_BYTES:
        raise AudiocoachError(f"{what} is {info.st_size} bytes; a cover is at most "
                              f"{COVER_MAX_BYTES} bytes (10 MB)", hint=hint)
    try:  # O_NONBLOCK: were the file swapped for a FIFO since the stat, open doesn't wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise AudiocoachError(f"{what}: {err.strerror or err}", hint=hint) from err
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise AudiocoachError(f"{what} is not a regular file; expected an image file",
                                  hint=hint)
        data = f.read(COVER_MAX_BYTES + 1)
    if len(data) > COVER_MAX_BYTES:  # it grew since the stat
        raise AudiocoachError(f"{what} is over {COVER_MAX_BYTES} bytes; a cover is at most "
                              f"{COVER_MAX_BYTES} bytes (10 MB)", hint=hint)
    mime = next((m for magic, m in _IMAGE_TYPES if data.startswith(magic)), None)
    if mime is None:
        raise AudiocoachError(f"{what} is not a JPEG or PNG image (its first bytes are not an "
                              "image header)", hint=hint)
    return data, mime


def write_tags(path: Path, script: Script, album: str = "audiocoach", track: str | None = None,
               cover: Path | None = None, lyrics: str | None = None, title: str | None = None,
               chapters: bool = True) -> None:
    """Tag the MP3 at `path`. `track` is "n" or "n/N"; `lyrics` (LRC text) goes in USLT;
    `title` overrides the script's (for a per-exercise track, which has no chapters)."""
    picture = read_cover(cover) if cover else None  # checked before anything is written
    tags = ID3()
    tags.add(TIT2(encoding=Encoding.UTF16, text=one_line(title or script.title)))
    tags.add(TPE1(encoding=Encoding.UTF16, text="audiocoach"))
    tags.add(TALB(encoding=Encoding.UTF16, text=one_line(album)))
    tags.add(TCON(encoding=Encoding.UTF16, text=GENRE))
    if track:
        tags.add(TRCK(encoding=Encoding.UTF16, text=str(track)))
    source = f"Routine source: {one_line(script.source)}" if script.source \
        else "audiocoach routine"
    tags.add(COMM(encoding=Encoding.UTF16, lang="eng", desc="", text=f"{source}; level {script.level}"))
    if lyrics:
        tags.add(USLT(encoding=Encoding.UTF16, lang="eng", desc="", text=lyrics))
    if chapters:
        _add_chapters(tags, script)
    if picture:
        data, mime = picture
        tags.add(APIC(encoding=Encoding.UTF16, mime=mime, type=3, desc="Cover", data=data))
    tags.update_to_v23()
    tags.save(str(path), v2_version=3)


def _add_chapters(tags: ID3, script: Script) -> None:
    # mutagen writes frames ordered by size, then by id; ffprobe lists chapters in the order
    # they are stored. Zero-padded ids and titles padded to one length (trailing spaces,
    # which players trim) give CHAP frames of one size, so they are stored in time order.
    titles = [one_line(c.title) for c in script.chapters]
    width = max(map(len, titles), default=0)
    ids = [f"ch{i:03d}" for i in range(len(script.chapters))]
    for element_id, c, name in zip(ids, script.chapters, titles):
        tags.add(CHAP(element_id=element_id, start_time=c.start_ms, end_time=c.end_ms,
                      sub_frames=[TIT2(encoding=Encoding.UTF16, text=name.ljust(width))]))
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=Encoding.UTF16,
                                                          text=one_line(script.title))]))
