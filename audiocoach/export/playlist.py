"""M3U8 playlists: `#EXTM3U`, `#EXTINF:<seconds>,<title>`, bare relative file names, UTF-8.
Android's MediaProvider and VLC import them. File names are ASCII for Latin titles; titles in
other scripts keep their letters (see model.slug)."""

from __future__ import annotations

from dataclasses import dataclass

from ..script import whole_seconds


@dataclass(frozen=True)
class Entry:
    file_name: str
    """A bare file name beside the playlist (a slug: never a path)."""
    seconds: float
    title: str


def m3u8(entries: list[Entry]) -> str:
    lines = ["#EXTM3U"]
    for e in entries:
        title = " ".join(e.title.split())  # one line, whatever the title holds
        lines += [f"#EXTINF:{whole_seconds(round(e.seconds * 1000))},{title}", e.file_name]
    return "\n".join(lines) + "\n"
