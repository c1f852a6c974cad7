"""Serve a folder of workouts over HTTP, with byte ranges, so a phone on the same network can
subscribe in a podcast app.

What it exposes: GET and HEAD of the published files directly in that one folder, nothing else:
`feed.xml`, `program.md`, every `*.mp3` and `*.m3u8`, and the sidecars of a workout `X.mp3`
that sit beside it (`X.json`, `X.chapters.json`, `X.lrc`, `X.vtt`, `X.srt`, `X.html`).
Any other name gets 404: dotfiles (`.env`, the hidden `.part` files a render is writing),
subfolders, other files, and names that resolve, through symlinks, to anything but a regular
file with a published name directly in the folder. No directory listings.

Robustness: a connection idle for `timeout` seconds is closed, at most `max_connections` are
handled at once (the others wait their turn), and a malformed request gets 400.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TIMEOUT = 10.0  # seconds a client may stay silent, reading or writing
MAX_CONNECTIONS = 32  # well under a typical open-file limit

PUBLISHED = ("feed.xml", "program.md")
PUBLISHED_ENDINGS = (".mp3", ".m3u8")  # a program's playlist has no MP3 of its own name
SIDECARS = (".chapters.json", ".json", ".lrc", ".vtt", ".srt", ".html", ".cover.jpg", ".cover.png")
NOT_IN_NAMES = "/\0\\:" if os.name == "nt" else "/\0"  # no folders, no Windows streams


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: routing only decides the interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class Unsatisfiable(Exception):
    """A byte range the file cannot satisfy (answered with 416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes, inclusive, that a Range header asks of a file of `size` bytes,
    clipped to the file (RFC 9110 14.1.2: `bytes=-N` past the size means the whole file).
    None to send the whole file as 200: no header, or one this server ignores, as RFC 9110
    14.2 allows (another unit, several ranges, bad syntax). Raises Unsatisfiable for a range
    that starts at or past the end, or `bytes=-0`."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d{0,18})-(\d{0,18})\s*", header or "",
                         re.ASCII | re.IGNORECASE)
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # an invalid range-spec: ignored
        if start >= size:
            raise Unsatisfiable
        return start, min(int(last), size - 1) if last else size - 1
    if int(last) == 0 or size == 0:
        raise Unsatisfiable
    return max(0, size - int(last)), size - 1


def requested_name(target: str) -> str:
    """The file name a request target names, percent-decoded ('' for the root); ValueError
    if the target is garbage or holds a NUL."""
    if not target.startswith("/"):
        target = urlsplit(target).path  # absolute-form, `http://host/name`
        if not target.startswith("/"):
            raise ValueError(target)
    name = unquote(target[1:].split("?", 1)[0].split("#", 1)[0], errors="surrogateescape")
    if "\0" in name:
        raise ValueError(target)
    return name


class _Handler(SimpleHTTPRequestHandler):
    """GET and HEAD of the server's published files, with single byte ranges (phones seek
    with Range requests). HTTP/1.0: one request per connection."""

    default_request_version = "HTTP/1.0"  # so a garbled request line gets a status line, 400
    server: Server

    def setup(self) -> None:
        self.request.settimeout(self.server.idle_timeout)  # idle reads and writes time out
        super().setup()

    def version_string(self):  # the Server header: no Python version
        return "audiocoach"

    def send_error(self, code, message=None, explain=None):
        super().send_error(code)  # the standard wording, never an echo of the request

    def log_message(self, format, *args):  # quiet; the CLI prints what matters
        pass

    def send_head(self):
        try:
            name = requested_name(self.path)
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST)
            return None
        f = self.server.open_published(name)
        if f is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        info = os.fstat(f.fileno())
        try:
            span = byte_range(self.headers.get("Range"), info.st_size)
        except Unsatisfiable:
            f.close()
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{info.st_size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = span or (0, info.st_size - 1)
        f.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if span else HTTPStatus.OK)
        self.send_header("Content-Type", "application/json+chapters" if name.endswith(
            ".chapters.json") else self.guess_type(name))  # Podcasting 2.0 chapters
        self.send_header("Content-Length", str(end - start + 1))
        if span:
            self.send_header("Content-Range", f"bytes {start}-{end}/{info.st_size}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Last-Modified", self.date_time_string(info.st_mtime))
        self.end_headers()
        self._remaining = end - start + 1  # what Content-Length promised, even if it grows
        return f

    def copyfile(self, source, outputfile):
        while self._remaining > 0:
            chunk = source.read(min(64 * 1024, self._remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            self._remaining -= len(chunk)


class Server(ThreadingHTTPServer):
    """One thread per connection, at most `max_connections` at once."""

    request_queue_size = 64  # connections waiting for a free thread

    def __init__(self, folder: Path, address: tuple[str, int], timeout: float,
                 max_connections: int):
        self.root = folder.resolve()
        self.idle_timeout = timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, _Handler)

    def is_published(self, name: str) -> bool:
        if name.startswith(".") or any(c in name for c in NOT_IN_NAMES):
            return False
        if name in PUBLISHED or name.endswith(PUBLISHED_ENDINGS):
            return True
        return any(name.endswith(end) and (self.root / (name[:-len(end)] + ".mp3")).is_file()
                   for end in SIDECARS)

    def open_published(self, name: str):
        """The published file `name` open for reading, or None."""
        if not self.is_published(name):
            return None
        try:
            real = (self.root / name).resolve(strict=True)
        except (OSError, RuntimeError):  # dangling or looping symlink
            return None
        if real.parent != self.root or not self.is_published(real.name):
            return None  # a symlink out of the folder, or to a file not published
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
            | getattr(os, "O_BINARY", 0)  # O_NONBLOCK: never wait on a FIFO
        try:
            f = os.fdopen(os.open(real, flags), "rb")
        except OSError:
            return None
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            f.close()
            return None
        return f

    def process_request(self, request, client_address):
        self._slots.acquire()  # wait for a free thread; the connection waits, unread
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away or stalled: nothing to report
        super().handle_error(request, client_address)


def make_server(folder: Path, host: str, port: int, *, timeout: float = TIMEOUT,
                max_connections: int = MAX_CONNECTIONS) -> Server:
    """A server for `folder` on (host, port); it runs with `serve_forever()`."""
    return Server(folder, (host, port), timeout, max_connections)
