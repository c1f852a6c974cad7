"""ID3 tags on their own: a hand-made script's tags written onto a small encoded MP3, read
back with mutagen and from the file's bytes; and the tags of the session's real render."""

import re

import numpy as np
import pytest
from mutagen.id3 import ID3, CTOCFlags

from audiocoach.encode import encode_mp3
from audiocoach.errors import AudiocoachError
from audiocoach.export.synced import plain
from audiocoach.script import Chapter, Event, Script
from audiocoach.tags import ALBUM, ARTIST, artist_of, track_number, write_tags

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(64))
# titles of very different lengths: mutagen alone orders frames by size, not by time
CHAPTERS = (Chapter("A warm-up with a much longer title than the rest", 0, 9000),
            Chapter("Sit", 9000, 15500), Chapter("Middle length", 15500, 30250))
SCRIPT = Script("Tags test", "Jane Doe (from her blog)", "medium", 30250, CHAPTERS,
                (Event(0, 900, "speech", text="Warm up"),
                 Event(9000, 9500, "speech", text="Sit [slowly]")))


@pytest.fixture
def mp3(tmp_path):
    """A second of encoded silence: a file with MP3 frames and no tags."""
    path = tmp_path / "w.mp3"
    with open(path, "wb") as f:
        encode_mp3([np.zeros(44100, dtype=np.int16)], f)
    return path


def tagged(path, script=SCRIPT, **options) -> ID3:
    write_tags(path, script, **options)
    return ID3(path)


def texts(tags: ID3, frame: str) -> list[str]:
    return [str(t) for f in tags.getall(frame) for t in f.text]


def test_chapters_are_stored_in_time_order_with_their_exact_titles(mp3):
    tags = tagged(mp3)
    data = mp3.read_bytes()
    stored = [m[1].decode() for m in re.finditer(rb"CHAP.{6}(ch\d{3})\x00", data, re.DOTALL)]
    assert stored == ["ch000", "ch001", "ch002"]
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.element_id)
    assert [(c.start_time, c.end_time) for c in chapters] == \
        [(c.start_ms, c.end_ms) for c in CHAPTERS]
    assert [c.sub_frames["TIT2"].text for c in chapters] == [[c.title] for c in CHAPTERS]


def test_the_table_of_contents_lists_every_chapter_in_order(mp3):
    (toc,) = tagged(mp3).getall("CTOC")
    assert toc.element_id == "toc"
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == ["ch000", "ch001", "ch002"]
    assert toc.sub_frames["TIT2"].text == ["Tags test"]


def test_no_chapters_when_asked_and_a_title_of_its_own(mp3):
    tags = tagged(mp3, chapters=False, title="03 Sit")
    assert not tags.getall("CHAP") and not tags.getall("CTOC")
    assert texts(tags, "TIT2") == ["03 Sit"]


@pytest.mark.parametrize("track,trck", [((2, 5), "2/5"), ((1, 1), None), (None, None),
                                        (3, "3"), ("4/9", "4/9")])
def test_the_track_number(mp3, track, trck):
    assert texts(tagged(mp3, track=track), "TRCK") == ([trck] if trck else [])


def test_track_number_text():
    assert track_number(2, 5) == "2/5"
    assert track_number(1, 1) is None  # a workout on its own is no one's track 1
    assert track_number(3, None) == "3"


def test_artist_album_genre_and_comment(mp3):
    tags = tagged(mp3)
    assert texts(tags, "TPE1") == ["Jane Doe"]
    assert texts(tags, "TALB") == [ALBUM] and texts(tags, "TCON") == ["Fitness"]
    assert texts(tags, "COMM") == ["Routine source: Jane Doe (from her blog); level medium"]
    tags = tagged(mp3, album="Six weeks", artist="Coach Kim")
    assert texts(tags, "TPE1") == ["Coach Kim"] and texts(tags, "TALB") == ["Six weeks"]


@pytest.mark.parametrize("source,artist", [
    ("https://www.example.org:8080/back/article.html", "example.org"),
    ("routines/core.yaml", ARTIST), ("003_ec834ca88404da1d.txt", ARTIST),
    ("Original audiocoach routine (not from an article).", "Original audiocoach routine"),
    ("Physio Weekly.", "Physio Weekly"), (None, ARTIST), ("x" * 81, ARTIST)])
def test_the_artist_is_whom_the_source_names(source, artist):
    assert artist_of(Script("T", source, "easy", 1000, (), ())) == artist


def test_the_cover_is_embedded_as_the_front_cover(mp3, tmp_path):
    for data, mime in ((PNG, "image/png"), (JPEG, "image/jpeg")):
        cover = tmp_path / "cover.img"  # the type comes from the bytes, not the name
        cover.write_bytes(data)
        (picture,) = tagged(mp3, cover=cover).getall("APIC")
        assert (picture.mime, picture.type, picture.data) == (mime, 3, data)


def test_a_cover_that_is_no_image_is_refused_before_anything_is_written(mp3, tmp_path):
    before = mp3.read_bytes()
    cover = tmp_path / "cover.png"
    cover.write_text("not a picture")
    with pytest.raises(AudiocoachError, match="not a JPEG or PNG"):
        write_tags(mp3, SCRIPT, cover=cover)
    assert mp3.read_bytes() == before


def test_the_lyrics_are_the_plain_lines(mp3):
    lyrics = plain(SCRIPT)
    assert lyrics == "Warm up\nSit (slowly)\n"  # no time stamps, no square brackets
    assert [f.text for f in tagged(mp3, lyrics=lyrics).getall("USLT")] == [lyrics]
    assert tagged(mp3).getall("USLT") == []


def test_every_text_is_one_line(mp3):
    script = Script("Core\nand more", "Jane\r\nDoe", "easy", 5000,
                    (Chapter("Sit\tdown\nnow", 0, 5000),), ())
    tags = tagged(mp3, script, album="Six\nweeks")
    assert texts(tags, "TIT2") == ["Core and more"] and texts(tags, "TALB") == ["Six weeks"]
    assert texts(tags, "TPE1") == ["Jane Doe"]
    assert tags.getall("CHAP")[0].sub_frames["TIT2"].text == ["Sit down now"]


def test_id3v23_before_the_audio_which_stays_as_it_was(mp3):
    audio = mp3.read_bytes()
    tags = tagged(mp3)
    assert tags.version == (2, 3, 0)
    assert mp3.read_bytes()[tags.size:] == audio


def test_writing_again_replaces_the_tags(mp3):
    tagged(mp3, title="First", track=(1, 3))
    tags = tagged(mp3, title="Second")
    assert texts(tags, "TIT2") == ["Second"] and texts(tags, "TRCK") == []
    assert len(tags.getall("CHAP")) == 3


def test_a_real_render_is_tagged_with_its_scripts_chapters(short_render):
    tags = ID3(short_render.mp3)
    script = short_render.script
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.element_id)
    assert [(c.start_time, c.end_time, c.sub_frames["TIT2"].text) for c in chapters] == \
        [(c.start_ms, c.end_ms, [c.title]) for c in script.chapters]
    assert [f.text for f in tags.getall("USLT")] == [plain(script)]
    assert texts(tags, "TRCK") == []  # rendered on its own
