"""`serve` publishes exactly the rendered files of one folder and stays up under bad clients;
the feed it publishes parses whatever text a routine brings."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import pytest

from audiocoach.export import feed
from audiocoach.serve import make_server

ROOT = Path(__file__).resolve().parent.parent
BODY = bytes(range(256)) * 4  # 1024 bytes, every offset different

PUBLISHED = ["w.mp3", "w.json", "w.chapters.json", "w.lrc", "w.vtt", "w.srt", "w.m3u8",
             "w.html", "01-clamshell.mp3", "program-title.m3u8", "feed.xml", "program.md",
             "alias.mp3"]  # alias.mp3 -> w.mp3, a symlink inside the folder


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in PUBLISHED[:-1]:
        (out / name).write_bytes(BODY)
    (out / "alias.mp3").symlink_to("w.mp3")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    (out / ".env").write_text("TOKEN=SECRET")
    (out / ".w.mp3.x1y2.part").write_bytes(b"half a render")
    (out / "notes.txt").write_text("SECRET")
    (out / "orphan.json").write_text("{}")  # no orphan.mp3: not a sidecar
    (out / "sub").mkdir()
    (out / "sub" / "x.mp3").write_bytes(b"SECRET")
    (out / "dir.mp3").mkdir()
    (out / "out.mp3").symlink_to(secret)  # leads out of the folder
    (out / "up.mp3").symlink_to(Path("..") / "secret.txt")
    (out / "env.mp3").symlink_to(".env")  # inside, but to a file not published
    (out / "deep.mp3").symlink_to(Path("sub") / "x.mp3")
    (out / "dangling.mp3").symlink_to(tmp_path / "gone.mp3")
    (out / "loop.mp3").symlink_to("loop.mp3")
    if hasattr(os, "mkfifo"):
        os.mkfifo(out / "fifo.mp3")  # nobody writes it: opening it must not wait
    return out


@contextmanager
def serving(folder, **options):
    server = make_server(folder, "127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def ask(port, request: bytes) -> tuple[int, dict, bytes]:
    """Send raw bytes; the status code, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(request)
        answer = b""
        while chunk := c.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    assert status.startswith("HTTP/1.0 "), status
    return int(status.split()[1]), dict(line.split(": ", 1) for line in lines), body


def get(port, path: str, *headers: str) -> tuple[int, dict, bytes]:
    return ask(port, f"GET {path} HTTP/1.0\r\n{''.join(h + chr(13) + chr(10) for h in headers)}"
                     "\r\n".encode("latin-1"))


def test_serves_the_published_files(folder):
    with serving(folder) as port:
        for name in PUBLISHED:
            status, headers, body = get(port, "/" + name)
            assert status == 200, name
            assert body == BODY and headers["Content-Length"] == "1024"
        code, headers, body = ask(port, b"HEAD /w.mp3 HTTP/1.0\r\nRange: bytes=0-9\r\n\r\n")
        assert (code, headers["Content-Range"], body) == (206, "bytes 0-9/1024", b"")


@pytest.mark.parametrize("path", [
    "/", "/.env", "/.w.mp3.x1y2.part", "/notes.txt", "/orphan.json", "/sub", "/sub/",
    "/sub/x.mp3", "/dir.mp3", "/out.mp3", "/up.mp3", "/env.mp3", "/deep.mp3", "/dangling.mp3",
    "/loop.mp3", "/fifo.mp3", "/../secret.txt", "/%2e%2e/secret.txt", "/sub%2fx.mp3",
    "/..%2fsecret.txt", "//etc/passwd", "/%2e%65nv"])
def test_serves_nothing_else(folder, path):
    with serving(folder) as port:
        status, _, body = get(port, path)
    assert status == 404
    assert b"SECRET" not in body and b"half a render" not in body


def test_starts_beside_a_dangling_mp3_and_a_foreign_json(folder):
    (folder / "w.json").write_text(json.dumps(["not", "a", "script"]))
    with serving(folder) as port:
        assert get(port, "/dangling.mp3")[0] == 404
        assert get(port, "/w.json")[0] == 200
        assert get(port, "/feed.xml")[0] == 200


@pytest.mark.parametrize("request_bytes", [
    b"GET /%00 HTTP/1.0\r\n\r\n", b"GET /w%00.mp3 HTTP/1.0\r\n\r\n",
    b"GET /w.mp3\x00 HTTP/1.0\r\n\r\n", b"GET\r\n\r\n", b"\x00\xff\xfe\r\n\r\n",
    b"GET /w.mp3 HTTP/1.0 more\r\n\r\n", b"GET /w.mp3 HTTQ/1.0\r\n\r\n",
    b"GET w.mp3 HTTP/1.0\r\n\r\n", b"GET http://[/w.mp3 HTTP/1.0\r\n\r\n"])
def test_garbage_gets_400_and_no_traceback(folder, capfd, request_bytes):
    with serving(folder) as port:
        status, _, _ = ask(port, request_bytes)
        assert get(port, "/w.mp3")[0] == 200  # still up
    assert status == 400
    assert "Traceback" not in capfd.readouterr().err


RANGES = [
    ("bytes=100-199", 206, "bytes 100-199/1024", BODY[100:200]),
    ("bytes=1000-", 206, "bytes 1000-1023/1024", BODY[1000:]),
    ("bytes=1000-5000", 206, "bytes 1000-1023/1024", BODY[1000:]),
    ("bytes=-24", 206, "bytes 1000-1023/1024", BODY[1000:]),
    ("bytes=-1024", 206, "bytes 0-1023/1024", BODY),
    ("bytes=-5000", 206, "bytes 0-1023/1024", BODY),  # past the size: the whole file
    ("bytes=1024-", 416, "bytes */1024", b""),
    ("bytes=5000-6000", 416, "bytes */1024", b""),
    ("bytes=-0", 416, "bytes */1024", b""),
    # not a range this server takes: ignored (RFC 9110 14.2), the whole file
    ("bytes=200-100", 200, None, BODY),
    ("bytes=abc", 200, None, BODY),
    ("bytes=0-1,5-9", 200, None, BODY),
    ("lines=0-1", 200, None, BODY),
    ("bytes=" + "9" * 5000 + "-", 200, None, BODY),
]


@pytest.mark.parametrize("header, status, content_range, part", RANGES,
                         ids=[r[0][:20] for r in RANGES])
def test_byte_ranges(folder, capfd, header, status, content_range, part):
    with serving(folder) as port:
        code, headers, body = get(port, "/w.mp3", f"Range: {header}")
    assert code == status
    assert headers.get("Content-Range") == content_range
    assert body == part and int(headers["Content-Length"]) == len(part)
    assert "Traceback" not in capfd.readouterr().err


def test_an_idle_connection_is_closed(folder):
    with serving(folder, timeout=0.2) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as idle:
            assert idle.recv(1) == b""  # the server hung up, long before our own timeout
        assert get(port, "/w.mp3")[0] == 200


def test_connections_are_bounded_and_wait_their_turn(folder):
    with serving(folder, timeout=60, max_connections=2) as port:
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        with socket.create_connection(("127.0.0.1", port)) as third:
            third.sendall(b"GET /w.mp3 HTTP/1.0\r\n\r\n")
            third.settimeout(0.5)
            with pytest.raises(TimeoutError):
                third.recv(1)  # both threads are taken by the idle clients
            idle.pop().close()  # one leaves: the third is answered
            third.settimeout(30)
            assert third.recv(12) == b"HTTP/1.0 200"
        idle.pop().close()


@pytest.mark.skipif(sys.platform == "win32", reason="open-file limits are POSIX")
def test_a_flood_of_idle_sockets_does_not_lock_out_a_client(folder):
    """The issue's case: more idle sockets than the server may open files."""
    script = textwrap.dedent("""
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        from audiocoach.serve import make_server
        server = make_server(Path(sys.argv[1]), "127.0.0.1", 0, timeout=0.5)
        print(server.server_address[1], flush=True)
        server.serve_forever()
    """)
    server = subprocess.Popen([sys.executable, "-c", script, str(folder)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        flood = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(70)]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/w.mp3", timeout=60) as r:
            assert r.read() == BODY
        for s in flood:
            s.close()
    finally:
        server.kill()
        _, err = server.communicate()
    assert "Traceback" not in err


HOSTILE = "Warm\x01up \x0b<b>&amp;</b> ]]> \ud800 \ufffe \x00end"
CLEAN = "Warmup <b>&amp;</b> ]]>   end"


def test_the_feed_parses_whatever_the_titles_hold(tmp_path):
    mp3 = tmp_path / "w.mp3"
    mp3.write_bytes(BODY)
    item = feed.Item(mp3, HOSTILE, 60.0, [{"title": HOSTILE, "start": 0, "end": 60}])
    xml = feed.feed_xml(HOSTILE, "http://127.0.0.1:8000/\x01", [item])
    xml.encode("utf-8")  # no lone surrogate left to stop it being written
    channel = ET.fromstring(xml).find("channel")
    assert channel.find("title").text == CLEAN
    assert channel.find("item/title").text == CLEAN
    assert channel.find("item/enclosure").get("url") == "http://127.0.0.1:8000/w.mp3"
    chapters = feed.chapters_json(item)
    chapters.encode("utf-8")
    assert json.loads(chapters)["chapters"][0]["title"] == CLEAN


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs non-UTF-8 file names")
def test_a_file_name_that_is_not_utf8_gets_a_working_url(tmp_path):
    mp3 = tmp_path / os.fsdecode(b"caf\xe9.mp3")  # Latin-1 bytes, as copied from elsewhere
    mp3.write_bytes(BODY)
    xml = feed.feed_xml("t", "http://127.0.0.1/", [feed.Item(mp3, "t", 1.0, [])])
    xml.encode("utf-8")
    url = ET.fromstring(xml).find("channel/item/enclosure").get("url")
    assert url == "http://127.0.0.1/caf%E9.mp3"
    with serving(tmp_path) as port:
        status, _, body = get(port, "/caf%E9.mp3")
    assert status == 200 and body == BODY
