"""Atomic writes: a file appears under its name only when complete, a failure leaves the old
one and no partial file, and partial files nobody holds are cleared."""

import errno
import fcntl
import os
import re

import pytest

from audiocoach.atomic import atomic_file, atomic_write, write_bytes, write_text
from audiocoach.errors import OutputError


def parts(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_the_file_appears_whole_and_only_at_the_end(tmp_path):
    final = tmp_path / "sub" / "a.txt"
    with atomic_write(final) as tmp:
        tmp.write_text("half")
        assert not final.exists() and tmp.parent == final.parent
        assert tmp.name.startswith(".a.txt.") and tmp.name.endswith(".part")
    assert final.read_text() == "half" and parts(final.parent) == []


def test_a_failure_keeps_the_old_file_and_leaves_no_part(tmp_path):
    final = tmp_path / "a.txt"
    write_text(final, "old")
    with pytest.raises(RuntimeError), atomic_write(final) as tmp:
        tmp.write_text("new")
        raise RuntimeError("killed")
    assert final.read_text() == "old" and parts(tmp_path) == []


def test_a_file_system_error_is_an_output_error_naming_the_file(tmp_path):
    final = tmp_path / "a.bin"
    with pytest.raises(OutputError, match=re.escape(f"cannot write {final}: No space left")):
        with atomic_write(final):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert not final.exists() and parts(tmp_path) == []


def test_a_folder_that_cannot_be_made_is_an_output_error_naming_it(tmp_path):
    (tmp_path / "file").write_bytes(b"in the way")
    with pytest.raises(OutputError, match=re.escape(f"cannot write to {tmp_path / 'file'}")):
        write_bytes(tmp_path / "file" / "a.bin", b"x")


def test_atomic_file_leaves_os_errors_as_they_are(tmp_path):
    with pytest.raises(OSError) as caught, atomic_file(tmp_path / "a.wav"):
        raise OSError(errno.EROFS, "Read-only file system")
    assert caught.value.errno == errno.EROFS and not isinstance(caught.value, OutputError)
    assert parts(tmp_path) == []


def test_parts_nobody_holds_are_removed_and_held_ones_kept(tmp_path):
    stale = tmp_path / ".a.txt.ab12cd34.part"
    held = tmp_path / ".a.txt.0badf00d.part"
    other = tmp_path / ".b.txt.ab12cd34.part"
    for p in (stale, held, other):
        p.write_bytes(b"x")
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        write_text(tmp_path / "a.txt", "new")
    finally:
        os.close(fd)
    assert not stale.exists() and held.exists() and other.exists()


def test_the_umask_applies(tmp_path):
    old = os.umask(0o027)
    try:
        write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
