"""The podcast feed, read with an XML parser, and the server, fetched over loopback."""

import json
import threading
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from audiocoach.build import Options, render
from audiocoach.cli import main
from audiocoach.export.feed import write_feed
from audiocoach.serve import make_server
from audiocoach.speech import Voice
from conftest import DATA

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("feed")
    render(DATA / "short.yaml", out, Options(voice=Voice("fake"), cache=out / ".cache",
                                             split=True))
    return out


def test_feed_has_the_required_elements(folder):
    result = CliRunner().invoke(main, ["feed", str(folder), "--base-url",
                                       "http://192.168.1.20:8000/"])
    assert result.exit_code == 0, result.output
    root = ET.parse(folder / "feed.xml").getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for tag in ("title", "link", "description", "language"):
        assert channel.find(tag).text
    items = channel.findall("item")
    assert len(items) == 1  # the workout; its per-exercise tracks are not episodes
    item = items[0]
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == "http://192.168.1.20:8000/short-test-routine.mp3"
    assert enclosure.get("type") == "audio/mpeg"
    assert int(enclosure.get("length")) == (folder / "short-test-routine.mp3").stat().st_size
    script = json.loads((folder / "short-test-routine.json").read_text())
    assert int(item.find("itunes:duration", NS).text) == round(script["duration"])
    chapters_url = item.find("podcast:chapters", NS).get("url")
    chapters = json.loads((folder / chapters_url.rsplit("/", 1)[1]).read_text())
    assert [c["title"] for c in chapters["chapters"]] == [c["title"] for c in script["chapters"]]
    guid = item.find("guid").text
    write_feed(folder, "http://other:9/")
    again = ET.parse(folder / "feed.xml").getroot().find("channel/item/guid").text
    assert guid == again


def test_serve_gives_the_feed_and_byte_ranges_on_loopback(folder):
    write_feed(folder, "http://127.0.0.1/")
    server = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with urllib.request.urlopen(base + "feed.xml") as r:
            assert r.status == 200 and b"<rss" in r.read()
        request = urllib.request.Request(base + "short-test-routine.mp3",
                                         headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(request) as r:
            body = r.read()
            assert r.status == 206
            size = (folder / "short-test-routine.mp3").stat().st_size
            assert r.headers["Content-Range"] == f"bytes 100-199/{size}"
        assert body == (folder / "short-test-routine.mp3").read_bytes()[100:200]
        with pytest.raises(urllib.error.HTTPError) as listing:
            urllib.request.urlopen(base)
        assert listing.value.code == 404
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "../../etc/passwd")
    finally:
        server.shutdown()
        server.server_close()


def test_feed_of_an_empty_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["feed", str(tmp_path), "--base-url", "http://x/"])
    assert result.exit_code == 1 and "no rendered workouts" in result.output


def test_a_single_workouts_feed_describes_it_and_links_its_transcripts(folder):
    import feedparser

    write_feed(folder, "http://192.168.1.20:8000/")
    fp = feedparser.parse(str(folder / "feed.xml"))
    assert not fp.bozo and fp.feed.itunes_type == "episodic"
    entry, = fp.entries
    assert entry.title == "Short test routine" and "itunes_season" not in entry
    assert "You will need: a mat." in entry.summary and "medium level" in entry.summary
    assert "Bridge 2 sets of 2 reps each side" in entry.summary
    item = ET.parse(folder / "feed.xml").getroot().find("channel/item")
    assert [(t.get("url"), t.get("type")) for t in item.findall("podcast:transcript", NS)] == [
        ("http://192.168.1.20:8000/short-test-routine.vtt", "text/vtt"),
        ("http://192.168.1.20:8000/short-test-routine.srt", "application/x-subrip")]
    assert item.find("itunes:image", NS) is None  # no cover, no image


def test_serve_prints_the_feed_and_each_player_page(tmp_path):
    out = tmp_path / "out"
    render(DATA / "short.yaml", out, Options(voice=Voice("fake"), cache=tmp_path / "c",
                                             page=True))
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "audiocoach", "serve", str(out), "--host",
                             "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
    finally:
        proc.kill()
        proc.wait()
    assert "feed.xml" in lines[1]
    assert lines[2].startswith("player page: http://127.0.0.1:") and \
        lines[2].strip().endswith("/short-test-routine.html")


def test_the_feed_is_in_its_workouts_language_and_reads_their_words(tmp_path):
    german = (DATA / "short.yaml").read_text(encoding="utf-8").replace(
        "title: Short test routine", "title: Kurz\nlanguage: de").replace(
        "equipment: [a mat]", "equipment: [eine Matte]")
    (tmp_path / "kurz.yaml").write_text(german, encoding="utf-8")
    out = tmp_path / "out"
    options = Options(voice=Voice("fake"), cache=tmp_path / "c")
    render(tmp_path / "kurz.yaml", out, options)
    channel = ET.parse(write_feed(out, "http://127.0.0.1/")).getroot().find("channel")
    assert channel.find("language").text == "de"
    description = channel.find("item/description").text
    assert "Du brauchst: eine Matte." in description  # the intro's equipment, in German
    assert "Bridge 2 sets of 2 reps" in description  # the countdown's "los" found
    render(DATA / "short.yaml", out, options)
    channel = ET.parse(write_feed(out, "http://127.0.0.1/")).getroot().find("channel")
    assert channel.find("language").text == "de"  # one each: the first, by name
