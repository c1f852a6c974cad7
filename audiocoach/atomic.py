"""Files written whole or not at all: every output and every phrase-cache entry is written
under a temporary name in its own folder and renamed over the final name only when complete.

A failed or killed run therefore never leaves half a file under a final name and never harms
the old one. The temporary file holds an exclusive lock while it is written, so the partial
files of a name that nobody holds (left by a killed run) can be told apart and removed.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; stale partial files are told by their age
    fcntl = None  # type: ignore[assignment]

from .errors import OutputError

STALE_PART_S = 24 * 3600
"""Without file locks (Windows), a partial file this old is taken to be left by a killed run."""


@contextmanager
def atomic_write(final: Path) -> Iterator[Path]:
    """Yield a temporary path in the same folder; rename it over `final` only on success,
    so a failed or killed run never leaves half a file and never harms the old one.

    The temporary file is created like any other file (mode 0666 less the umask) and holds
    an exclusive lock while it is written: partial files of `final` that nobody holds (left by
    a killed run) are removed first. A file system error becomes an OutputError."""
    try:
        fd, tmp = _start(final)
    except OSError as err:
        raise OutputError(f"cannot write to {final.parent}: {err.strerror or err}") from err
    try:
        with _finishing(fd, tmp, final):
            yield tmp
    except OSError as err:
        raise OutputError(f"cannot write {final}: {err.strerror or err}") from err


@contextmanager
def atomic_file(final: Path, first: bool = False) -> Iterator[Path]:
    """atomic_write for callers that handle file system errors themselves (the phrase
    cache, which goes on without itself): an OSError is raised as it is. With `first`, an
    existing `final` is kept and FileExistsError raised: of several processes writing one
    name at once, exactly one wins, and the others can read what it wrote."""
    fd, tmp = _start(final)
    with _finishing(fd, tmp, final, first):
        yield tmp


def _rename_if_absent(tmp: Path, final: Path) -> None:
    """Move `tmp` to `final`, or raise FileExistsError if `final` exists, in one step: a
    hard link never replaces a name (and os.rename never does on Windows)."""
    if os.name == "nt":
        os.rename(tmp, final)
        return
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: as near as it allows
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from None
        os.replace(tmp, final)
        return
    tmp.unlink()


def write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (a string, or the pieces of one) as UTF-8 to `path`, atomically."""
    with atomic_write(path) as tmp:
        if isinstance(text, str):
            tmp.write_text(text, encoding="utf-8")
        else:
            with open(tmp, "w", encoding="utf-8") as f:
                f.writelines(text)


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path`, atomically."""
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)


def _start(final: Path) -> tuple[int | None, Path]:
    """Make `final`'s folder, clear its stale partial files and create a new one, locked."""
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(final)
    return _create_part(final)


@contextmanager
def _finishing(fd: int | None, tmp: Path, final: Path, first: bool = False
               ) -> Iterator[None]:
    """Rename `tmp` over `final` (with `first`: only to a name not taken) when the body
    succeeds, remove it when it fails; release the lock (`fd`) either way."""
    try:
        yield
        if first:
            _rename_if_absent(tmp, final)
        else:
            os.replace(tmp, final)
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
    """A new partial file of `final` and its open, locked descriptor (None without locks)."""
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
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            _remove_if_stale(entry)


def _remove_if_stale(entry: os.DirEntry) -> None:
    """Remove the partial file `entry` unless a running writer holds its lock (without
    locks: unless it is younger than STALE_PART_S)."""
    try:
        if fcntl is None:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_PART_S:
                os.unlink(entry.path)
            return
        fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) |
                     getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(entry.path)
    except OSError:
        pass  # being written by a running render (or already gone)
    finally:
        os.close(fd)
