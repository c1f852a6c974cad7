"""The timeline SVG, read back with xml.etree, and the blocks it is drawn from."""

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from audiocoach.export.segments import COLOURS, segments
from audiocoach.export.svg import PAD, WIDTH, timeline_svg
from audiocoach.script import Chapter, Event, Script

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = ('</text></g><rect fill="red"/> <script>alert("x")</script> & \'q\' &amp; ]]>'
           '\x07 \u2028 caf\u00e9')


@pytest.fixture(scope="module")
def script(fake_render) -> Script:
    return fake_render.script


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def seconds(label: str) -> int:
    parts = [int(p) for p in label.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def x_of(ms: float, duration_ms: int) -> float:
    return PAD + (WIDTH - 2 * PAD) * ms / duration_ms


def test_a_standalone_svg_about_1000_px_wide(script):
    svg = timeline_svg(script)
    assert svg.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    root = parse(svg)
    assert root.get("width") == "1000" and root.get("viewBox").startswith("0 0 1000 ")
    assert root.find("svg:title", NS).text == script.title
    assert "href" not in svg and "<script" not in svg  # nothing to load, nothing to run


def test_axis_labels_are_minutes_from_zero_to_the_end(script):
    root = parse(timeline_svg(script))
    ticks = root.findall(".//svg:text[@class='tick']", NS)
    end = root.find(".//svg:text[@class='tick end']", NS)
    labels = [t.text for t in ticks]
    assert labels[0] == "0:00"
    assert [seconds(x) for x in labels] == [60 * m for m in range(len(labels))]
    assert seconds(labels[-1]) <= script.duration < seconds(labels[-1]) + 60
    assert seconds(end.text) == round(script.duration)
    for t in ticks:  # each label stands where its minute is
        assert float(t.get("x")) == pytest.approx(
            x_of(int(t.get("data-seconds")) * 1000, script.duration_ms), abs=0.01)
    assert float(end.get("x")) == pytest.approx(WIDTH - PAD, abs=0.01)


def test_a_long_session_gets_fewer_wider_steps():
    script = Script("Long", None, "medium", 17 * 60000 + 28000,
                    (Chapter("Only", 0, 17 * 60000 + 28000),), ())
    root = parse(timeline_svg(script))
    labels = [t.text for t in root.findall(".//svg:text[@class='tick']", NS)]
    assert labels == [f"{m}:00" for m in range(0, 17, 2)]
    assert root.find(".//svg:text[@class='tick end']", NS).text == "17:28"


def test_one_labelled_group_of_blocks_per_chapter(script):
    root = parse(timeline_svg(script))
    groups = root.findall(".//svg:g[@class='chapter']", NS)
    assert len(groups) == len(script.chapters)
    for group, chapter in zip(groups, script.chapters, strict=True):
        assert group.find("svg:title", NS).text == chapter.title
        assert group.find("svg:text[@class='label']", NS).text == chapter.title
        blocks = group.findall("svg:rect", NS)
        assert blocks and all("block" in b.get("class").split() for b in blocks)
        # the group's blocks tile the chapter's span of the lane, left to right
        xs = [(float(b.get("x")), float(b.get("x")) + float(b.get("width"))) for b in blocks]
        assert xs[0][0] == pytest.approx(x_of(chapter.start_ms, script.duration_ms), abs=0.02)
        assert xs[-1][1] == pytest.approx(x_of(chapter.end_ms, script.duration_ms), abs=0.6)
        for (_, end), (start, _) in pairwise(xs):
            assert start == pytest.approx(end, abs=0.6)


def test_work_hold_and_rest_each_have_their_colour(script):
    root = parse(timeline_svg(script))
    fills: dict[str, set] = {}
    for rect in root.findall(".//svg:g[@class='chapter']/svg:rect", NS):
        kind = rect.get("class").split()[1]
        fills.setdefault(kind, set()).add(rect.get("fill"))
    for kind in ("work", "hold", "rest"):
        assert fills[kind] == {COLOURS[kind]}
    assert len({COLOURS["work"], COLOURS["hold"], COLOURS["rest"]}) == 3
    legend = root.find(".//svg:g[@class='legend']", NS)
    assert {r.get("fill") for r in legend.findall("svg:rect", NS)} >= \
        {COLOURS["work"], COLOURS["hold"], COLOURS["rest"]}
    assert [t.text for t in legend.findall("svg:text", NS)][:3] == ["Work", "Hold", "Rest"]


def kind_at(blocks, ms: int) -> str:
    return next(b.kind for b in blocks if b.start_ms <= ms < b.end_ms)


def test_blocks_follow_the_script(script):
    blocks = segments(script)
    # contiguous from 0 to the end, each inside its chapter
    assert blocks[0].start_ms == 0 and blocks[-1].end_ms == script.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in pairwise(blocks))
    for b in blocks:
        c = script.chapters[b.chapter]
        assert c.start_ms <= b.start_ms < b.end_ms <= c.end_ms
    last_end = [e for e in script.events if e.tone == "end"][-1]
    for e in script.events:
        mid = e.start_ms + 100
        if e.phase == "hold":
            assert kind_at(blocks, mid) == "hold", e
        elif e is last_end:
            assert kind_at(blocks, mid) == "done"
        elif e.phase == "rest" or e.tone == "end":
            assert kind_at(blocks, mid) == "rest", e
        elif e.phase in ("up", "inhale", "exhale", "work") or e.rep:
            assert kind_at(blocks, mid) == "work", e
    assert kind_at(blocks, 1000) == "ready"  # the intro
    assert kind_at(blocks, script.duration_ms - 1) == "done"
    # a counted 3 s hold lasts 3 s: "hold", "two", "three", a second each
    holds = [b for b in blocks if b.kind == "hold"]
    assert len(holds) == 8 and all(b.end_ms - b.start_ms == 3000 for b in holds)
    # work starts when "go" ends and stops at the end tone
    go = next(e for e in script.events if e.text == "go")
    end = next(e for e in script.events if e.tone == "end")
    assert kind_at(blocks, go.end_ms - 1) == "ready" and kind_at(blocks, go.end_ms) == "work"
    assert kind_at(blocks, end.start_ms - 1) == "work"
    assert kind_at(blocks, end.start_ms) == "rest"


def test_a_hold_with_breaths_lasts_until_the_next_cue():
    def ev(start, end, text, phase, rep=1):
        return Event(start, end, "speech", text, exercise="Bridge", set=1, rep=rep, phase=phase)

    events = (
        ev(0, 500, "go", "countdown", rep=None),
        ev(1000, 2500, "hold, and breathe deeply", "hold"),
        ev(2500, 3400, "breathe in", "inhale"),
        ev(5500, 6400, "and out", "exhale"),
        ev(9000, 9500, "lower", "lower"),
        Event(11000, 11350, "tone", tone="end", exercise="Bridge"),
    )
    script = Script("Breaths", None, "medium", 12000, (Chapter("Bridge", 0, 12000),), events)
    blocks = [(b.start_ms, b.end_ms, b.kind) for b in segments(script)]
    assert blocks == [(0, 500, "ready"), (500, 1000, "work"), (1000, 9000, "hold"),
                      (9000, 11000, "work"), (11000, 12000, "done")]


def test_hostile_titles_are_escaped(script):
    hostile = replace(script, title=HOSTILE,
                      chapters=tuple(replace(c, title=f"{HOSTILE} {n}")
                                     for n, c in enumerate(script.chapters)))
    svg = timeline_svg(hostile)
    root = parse(svg)  # still well-formed XML
    clean = HOSTILE.replace("\x07", " ")
    assert root.find("svg:title", NS).text == clean
    assert root.get("aria-label") == f"Timeline: {clean}"
    groups = root.findall(".//svg:g[@class='chapter']", NS)
    assert [g.find("svg:title", NS).text for g in groups] == \
        [f"{clean} {n}" for n in range(len(script.chapters))]
    # no element came in through a title
    assert not root.findall(".//svg:script", NS)
    assert not [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "red"]
    plain = parse(timeline_svg(script))
    assert sum(1 for _ in root.iter()) == sum(1 for _ in plain.iter())
    assert not re.search(r"<(?!/?(svg|title|rect|text|tspan|g|line)\b)", svg)


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parent.parent / "routines")
                                        .glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_routine_gets_a_picture_and_a_page(path):
    from audiocoach.compiler import compile_routine
    from audiocoach.export.page import page_html
    from audiocoach.loader import load_routine

    script = compile_routine(load_routine(path))
    root = ET.fromstring(timeline_svg(script))
    assert root.tag.endswith("svg")
    html = page_html(script, "x.mp3")
    assert html.lower().startswith("<!doctype html>") and script.title in html
