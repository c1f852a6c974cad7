"""Serve a folder of workouts over HTTP, with byte ranges, so a phone on the same network can
subscribe in a podcast app. Read-only: GET and HEAD of the files in that one folder; no
listings, no other folders."""

from __future__ import annotations

import os
import socket
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: routing only decides the interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    """Static files with single byte-range support (phones seek with Range requests)."""

    def list_directory(self, path):  # no listings
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def log_message(self, format, *args):  # quiet; the CLI prints what matters
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        wanted = self.headers.get("Range")
        if not wanted or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        try:
            unit, spec = wanted.split("=", 1)
            first, last = spec.split(",")[0].split("-")
            start = int(first) if first else size - int(last)
            end = int(last) if first and last else size - 1
            if unit.strip() != "bytes" or not 0 <= start <= end:
                raise ValueError
        except ValueError:
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        end = min(end, size - 1)
        if start >= size:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        f = open(path, "rb")
        f.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile):
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0:
            chunk = source.read(min(64 * 1024, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def end_headers(self):
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()


def make_server(folder: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = partial(_Handler, directory=os.fspath(folder))
    return ThreadingHTTPServer((host, port), handler)
