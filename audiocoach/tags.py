"""ID3v2.3 tags and chapters (CHAP + CTOC) from the script, written with mutagen."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    USLT,
    CTOCFlags,
    Encoding,
)
from mutagen.id3._tags import save_frame

from .errors import AudiocoachError
from .phrases import DEFAULT, catalog, phrase
from .script import Script, one_line

GENRE = phrase("tag genre")
"""The genre of an English workout; each language's is its catalog's "tag genre"."""
ARTIST = "audiocoach"
"""The artist when none is given and the routine's source names nobody (a file name)."""
ALBUM = "audiocoach"
"""The album of a workout that is not part of a program or a split routine."""
_FILE_NAME = re.compile(r"\.(txt|md|pdf|html?|ya?ml|json|docx?|rtf|odt)$", re.IGNORECASE)
"""A source that ends like a document's file name names no author."""
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


def track_number(n: int, total: int | None) -> str | None:
    """TRCK's text: "n/N" for one of several (a split routine's tracks, a program's sessions,
    a playlist of routines); None for a workout on its own, which is no one's track 1."""
    if total is None:
        return str(n)  # one of a set whose size the caller did not say
    return f"{n}/{total}" if total > 1 else None


def artist_of(script: Script) -> str:
    """Who the workout is by, as a phone lists it: the routine's source when it names someone
    (an author, a site; a URL gives its host), else ARTIST. A bare file name or path is no
    one's name, and a sentence such as "Original audiocoach routine (not from an article)."
    keeps its words before the parenthesis."""
    source = one_line(script.source or "")
    if "://" in source:
        host = source.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1].split(":")[0]
        return host.removeprefix("www.") or ARTIST
    looks_like_a_file = " " not in source and ("/" in source or "\\" in source
                                               or _FILE_NAME.search(source) is not None)
    name = source.split(" (", 1)[0].rstrip(" .")
    return name if name and not looks_like_a_file and len(name) <= 80 else ARTIST


def comment_of(script: Script) -> str:
    """The MP3's comment, in the script's language: where the routine comes from, and the
    level it is done at."""
    cat = catalog(script.language)
    level = cat.phrase(f"level {script.level}")
    if script.source:
        return cat.phrase("tag comment", source=one_line(script.source), level=level)
    return cat.phrase("tag comment unsourced", level=level)


def write_tags(path: Path, script: Script, album: str = ALBUM,
               track: int | str | tuple[int, int] | None = None,
               cover: Path | None = None, lyrics: str | None = None, title: str | None = None,
               chapters: bool = True, artist: str | None = None) -> None:
    """Tag the MP3 at `path`. `track` is (n, total) (see `track_number`), or n or "n/N" as
    they are; `lyrics` (plain
    text, see synced.plain) goes in USLT; `title` overrides the script's (for a per-exercise
    track, which has no chapters); `artist` defaults to `artist_of(script)`."""
    picture = read_cover(cover) if cover else None  # checked before anything is written
    cat = catalog(script.language)
    lang = cat.language.iso639_2
    tags = _ChaptersInOrder()
    tags.add(TIT2(encoding=Encoding.UTF16, text=one_line(title or script.title)))
    tags.add(TPE1(encoding=Encoding.UTF16, text=one_line(artist or artist_of(script))))
    tags.add(TALB(encoding=Encoding.UTF16, text=one_line(album)))
    tags.add(TCON(encoding=Encoding.UTF16, text=cat.phrase("tag genre")))
    if script.language != DEFAULT:  # an English workout is tagged as it always was
        tags.add(TLAN(encoding=Encoding.UTF16, text=lang))
    number = track_number(*track) if isinstance(track, tuple) else track
    if number:
        tags.add(TRCK(encoding=Encoding.UTF16, text=str(number)))
    tags.add(COMM(encoding=Encoding.UTF16, lang=lang, desc="", text=comment_of(script)))
    if lyrics:
        tags.add(USLT(encoding=Encoding.UTF16, lang=lang, desc="", text=lyrics))
    if chapters:
        _add_chapters(tags, script)
    if picture:
        data, mime = picture
        tags.add(APIC(encoding=Encoding.UTF16, mime=mime, type=3, desc="Cover", data=data))
    tags.update_to_v23()
    tags.save(str(path), v2_version=3)


class _ChaptersInOrder(ID3):
    """mutagen's ID3, but with its CHAP frames stored in the order they were added.

    mutagen orders frames on save by kind, then by size (`ID3Tags._write`), and ffmpeg, mpv
    and their kin list chapters in stored order, so chapters of different lengths of title
    came out of time order. This takes the CHAP frames out while mutagen writes the rest as
    ever, then appends them in order, each serialised by mutagen itself (`save_frame`, as
    `_write` does). No title is padded and nothing mutagen writes is changed, only where the
    chapters go; tests/test_tags_readers.py reads the order back with ffmpeg."""

    def _write(self, config):
        chapters = self.getall("CHAP")
        self.delall("CHAP")
        try:
            rest = super()._write(config)
        finally:
            for chapter in chapters:
                self.add(chapter)
        return rest + b"".join(save_frame(c, config=config) for c in chapters)


def _add_chapters(tags: ID3, script: Script) -> None:
    ids = [f"ch{i:03d}" for i in range(len(script.chapters))]
    for element_id, c in zip(ids, script.chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=c.start_ms, end_time=c.end_ms,
                      sub_frames=[TIT2(encoding=Encoding.UTF16, text=one_line(c.title))]))
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                  child_element_ids=ids, sub_frames=[TIT2(encoding=Encoding.UTF16,
                                                          text=one_line(script.title))]))
