"""M3U8 playlists on their own, read back with the m3u8 library."""

import m3u8 as m3u8_library

from audiocoach.export.playlist import Entry, m3u8

ENTRIES = [Entry("01-cat-cow.mp3", 20.4, "Cat-cow"), Entry("02-bridge.mp3", 41.0, "Bridge"),
           Entry("03-утро.mp3", 0.001, "Утренняя зарядка")]


def test_each_entry_is_its_length_title_and_file_name():
    playlist = m3u8_library.loads(m3u8(ENTRIES))
    assert [s.uri for s in playlist.segments] == [e.file_name for e in ENTRIES]
    assert [s.title for s in playlist.segments] == [e.title for e in ENTRIES]
    # whole seconds, rounded up: the one rounding of every length shown
    assert [s.duration for s in playlist.segments] == [21, 41, 1]


def test_the_text_is_extended_m3u_line_by_line():
    text = m3u8(ENTRIES)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text.splitlines() == ["#EXTM3U", "#EXTINF:21,Cat-cow", "01-cat-cow.mp3",
                                 "#EXTINF:41,Bridge", "02-bridge.mp3",
                                 "#EXTINF:1,Утренняя зарядка", "03-утро.mp3"]
    assert text.encode("utf-8").decode("utf-8") == text


def test_a_title_is_one_line_whatever_it_holds():
    text = m3u8([Entry("a.mp3", 5, "Sit\ndown,\tslowly\r\n#EXTINF:9,fake")])
    assert text.splitlines() == ["#EXTM3U", "#EXTINF:5,Sit down, slowly #EXTINF:9,fake", "a.mp3"]
    (segment,) = m3u8_library.loads(text).segments
    assert (segment.uri, segment.duration) == ("a.mp3", 5)


def test_no_entries_is_an_empty_playlist():
    assert m3u8([]) == "#EXTM3U\n"
    assert m3u8_library.loads(m3u8([])).segments == []
