"""The one-file web player: its HTML read back with a parser, then the page itself driven in
headless Chromium (Debian's /usr/bin/chromium) with the real MP3 beside it."""

import json
import re
import shutil
import tempfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audiocoach.export import page as page_module
from audiocoach.export.page import PAGE_WORDS, page_data, page_html
from audiocoach.script import Script
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic"]
HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> & \'"<!--'


@pytest.fixture(scope="module")
def rendered(fake_render):
    return fake_render, fake_render.mp3.with_suffix(".html")


# -- the HTML itself -------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.scripts, self._in = [], {}, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids[a["id"]] = (tag, a)
        if tag == "script":
            self._in = a.get("type", "")
            self.scripts.append([self._in, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


def embedded(parser: Tags) -> dict:
    [(_, text)] = [s for s in parser.scripts if s[0] == "application/json"]
    return json.loads(text)


def hostile(script: Script) -> Script:
    return replace(script, title=HOSTILE, chapters=tuple(
        replace(c, title=f"{HOSTILE} {n}") for n, c in enumerate(script.chapters)))


def test_one_self_contained_file(rendered):
    result, path = rendered
    html = path.read_text(encoding="utf-8")
    parsed = parse(html)
    # nothing fetched but the MP3 beside it: no links, no external scripts, styles or fonts
    assert not re.search(r"https?:|//[a-z]|@import|url\(", html, re.I)
    assert not [t for t, a in parsed.tags if t in ("link", "iframe", "img", "object", "embed")]
    assert not [a for t, a in parsed.tags if t == "script" and "src" in a]
    assert [a["src"] for t, a in parsed.tags if "src" in a] == ["short-test-routine.mp3"]
    tag, audio = parsed.ids["audio"]
    assert tag == "audio" and audio["preload"] == "auto"
    for name in ("play", "exercise", "detail", "cue", "next", "left-exercise", "left-session",
                 "chapters", "timeline", "phase"):
        assert name in parsed.ids, name
    assert parsed.ids["play"][0] == "button" and parsed.ids["cue"][1]["aria-live"] == "polite"
    buttons = [a for t, a in parsed.tags if t == "button" and "data-start" in a]
    assert [float(b["data-start"]) for b in buttons] == \
        [c.start_ms / 1000 for c in result.script.chapters]
    assert embedded(parsed) == page_data(result.script, "short-test-routine.mp3")


def test_sets_and_reps_counted_per_chapter(rendered):
    result, _ = rendered
    chapters = page_data(result.script, "x.mp3")["chapters"]
    assert [(c["title"], c["sets"], c["reps"]) for c in chapters] == \
        [("Cat-cow", 1, 2), ("Bridge", 2, 2), ("Pulses", 1, 0)]


def test_hostile_titles_and_file_names_are_escaped(rendered):
    result, _ = rendered
    script = hostile(result.script)
    html = page_html(script, 'my "workout" & <1>.mp3')
    parsed = parse(html)
    # the data can't close its <script> early: it parses back whole
    assert embedded(parsed) == page_data(script, 'my "workout" & <1>.mp3')
    assert [t for t, _ in parsed.tags].count("script") == 2  # the data and the code
    assert not [t for t, a in parsed.tags if t == "img"]
    assert "</script><script>window.pwned" not in html
    assert parsed.ids["audio"][1]["src"] == "my%20%22workout%22%20%26%20%3C1%3E.mp3"
    titles = [a["aria-label"] for t, a in parsed.tags if t == "button" and "data-start" in a]
    assert titles[0].startswith(f"{HOSTILE} 0, starts at 0:00")


# -- in the browser --------------------------------------------------------------------------

def chromium(**options):
    """A headless Chromium context with a fresh profile (skips without playwright or
    /usr/bin/chromium); `options` go to launch_persistent_context (viewport, is_mobile...)."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    profile = tempfile.mkdtemp(prefix="audiocoach-chromium-")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS,
            service_workers="block", **options)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    yield from chromium(viewport={"width": 390, "height": 844})


@pytest.fixture
def page(browser, rendered):
    _, html = rendered
    tab = browser.new_page()
    tab.requests = []
    tab.errors = []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(html.as_uri())
    tab.wait_for_function("() => document.getElementById('audio').readyState >= 1", timeout=15000)
    yield tab
    assert tab.errors == []
    tab.close()


def seek(page, t: float) -> float:
    """Seek the real audio element and wait until it has (and the page has shown it)."""
    return page.evaluate("""async t => {
        const audio = document.getElementById("audio");
        const seeked = new Promise(done => audio.addEventListener("seeked", done, {once: true}));
        audio.currentTime = t;
        await seeked;
        await new Promise(done => requestAnimationFrame(() => done()));
        return audio.currentTime;
    }""", t)


def text(page, selector: str) -> str:
    return " ".join(page.text_content(selector).split())


def clock(seconds: float) -> str:
    import math
    s = max(0, math.ceil(seconds - 0.0005))
    return f"{s // 60}:{s % 60:02d}"


def expected(script: Script, t: float) -> dict:
    """What the page should show at `t`, worked out from the script's events: the chapter
    under t, the last cue said by then, "set N of M" and "rep N of M" against the most sets
    and reps that chapter has (each left out when there is only one)."""
    ms = t * 1000
    chapters = script.chapters
    index = max([i for i, c in enumerate(chapters) if c.start_ms <= ms], default=0)
    chapter = chapters[index]
    inside = [e for e in script.events if chapter.start_ms <= e.start_ms < chapter.end_ms]
    sets = max(e.set or 0 for e in inside)
    reps = max(e.rep or 0 for e in inside)
    said = [e for e in script.events if e.kind == "speech" and e.start_ms <= ms]
    cue = said[-1] if said else None
    own = cue if cue and cue.start_ms >= chapter.start_ms else None
    parts = []
    if own and own.set and sets > 1:
        parts.append(f"Set {own.set} of {sets}")
    if own and own.side:
        parts.append(own.side)
    if own and own.rep and reps > 1:
        parts.append(f"rep {own.rep} of {reps}")
    return {
        "exercise": chapter.title, "detail": " · ".join(parts), "cue": cue.text if cue else "",
        "set": own.set if own else None, "side": own.side if own else None,
        "rep": own.rep if own else None,
        "next": chapters[index + 1].title if index + 1 < len(chapters) else "Finish",
        "left-exercise": clock(chapter.end_ms / 1000 - t),
        "left-session": clock(script.duration - t),
    }


def sample_times(script: Script) -> list[float]:
    """Half-way between every fourth cue and the event after it, and the first second."""
    events = script.events
    times = [1.0]
    for i in range(0, len(events) - 1, 4):
        if events[i].kind == "speech":
            times.append(round((events[i].start_ms + events[i + 1].start_ms) / 2000, 3))
    return times


@pytest.mark.page
def test_the_audio_loads_from_beside_the_page_and_nothing_else_is_fetched(page, rendered):
    result, html = rendered
    duration = page.evaluate("document.getElementById('audio').duration")
    assert duration == pytest.approx(result.script.duration, abs=0.1)
    assert all(url.startswith("file://") for url in page.requests), page.requests
    assert {Path(u.removeprefix("file://")).name for u in page.requests} == \
        {html.name, result.mp3.name}
    assert page.title() == "Short test routine"


@pytest.mark.page
def test_the_display_follows_the_audio(page, rendered):
    script = rendered[0].script
    times = sample_times(script)
    assert len(times) > 15
    details = set()
    for t in times:
        assert seek(page, t) == pytest.approx(t, abs=0.001)
        want = expected(script, t)
        got = {key: text(page, f"#{key}") for key in
               ("exercise", "detail", "cue", "next", "left-exercise", "left-session")}
        assert got == {k: want[k] for k in got}, f"at {t} s"
        state = page.evaluate("window.audiocoachState()")
        assert {k: state[k] for k in ("exercise", "set", "side", "rep")} == \
            {k: want[k] for k in ("exercise", "set", "side", "rep")}, f"at {t} s"
        details.add(want["detail"])
    # the samples cover the interesting lines
    assert {"Set 1 of 2 · left · rep 1 of 2", "Set 2 of 2 · right · rep 2 of 2", "rep 2 of 2",
            ""} <= details


@pytest.mark.page
def test_known_moments_of_the_short_routine(page, rendered):
    script = rendered[0].script
    at = lambda **k: next(e for e in script.events  # noqa: E731
                          if all(getattr(e, key) == v for key, v in k.items()))
    moments = [
        (at(text="two", exercise="Bridge", set=2, side="right", rep=1, phase="hold"),
         "Bridge", "Set 2 of 2 · right · rep 1 of 2", "Hold"),
        (at(text="inhale, arch into cow", rep=2), "Cat-cow", "rep 2 of 2", "Work"),
        (at(text="now the other side: right side"), "Bridge", "Set 1 of 2 · right", "Rest"),
        (at(text="two", exercise="Pulses", phase="work"), "Pulses", "", "Work"),
        (at(text="Workout complete. Well done."), "Pulses", "", "Done"),
    ]
    for event, exercise, detail, phase in moments:
        seek(page, event.start + 0.2)
        assert (text(page, "#exercise"), text(page, "#detail"), text(page, "#phase")) == \
            (exercise, detail, phase)
        assert text(page, "#cue") == event.text
    seek(page, 0.2)
    assert (text(page, "#exercise"), text(page, "#detail"), text(page, "#phase")) == \
        ("Cat-cow", "", "Get ready")
    # the marker stands where the audio is
    seek(page, script.duration / 2)
    left = page.evaluate("parseFloat(document.getElementById('marker').style.left)")
    assert left == pytest.approx(50, abs=0.01)


@pytest.mark.page
def test_a_chapter_button_seeks_to_its_start(page, rendered):
    script = rendered[0].script
    for n in (1, 2, 0):
        chapter = script.chapters[n]
        page.click(f"#chapters button[data-index='{n}']")
        page.wait_for_function(
            "t => Math.abs(document.getElementById('audio').currentTime - t) < 0.001 && "
            "!document.getElementById('audio').seeking", arg=chapter.start_ms / 1000)
        assert page.evaluate("document.getElementById('audio').currentTime") == \
            pytest.approx(chapter.start_ms / 1000, abs=0.001)
        assert text(page, "#exercise") == chapter.title
        current = page.eval_on_selector_all(
            "#chapters button[aria-current='true']", "bs => bs.map(b => b.dataset.index)")
        assert current == [str(n)]


@pytest.mark.page
def test_buttons_and_keys_move_through_the_session(page, rendered):
    script = rendered[0].script
    audio_time = lambda: page.evaluate("document.getElementById('audio').currentTime")  # noqa: E731
    seek(page, script.chapters[1].start_ms / 1000 + 2)  # inside the second exercise
    page.click("#skip")
    assert audio_time() == pytest.approx(script.chapters[2].start_ms / 1000, abs=0.001)
    page.click("#back")
    assert audio_time() == pytest.approx(script.chapters[2].start_ms / 1000 - 10, abs=0.001)
    page.click("#forward")
    assert audio_time() == pytest.approx(script.chapters[2].start_ms / 1000, abs=0.001)
    page.click("#prev")  # at an exercise's start: the one before
    assert audio_time() == pytest.approx(script.chapters[1].start_ms / 1000, abs=0.001)
    page.focus("#timeline")
    page.keyboard.press("ArrowRight")
    assert audio_time() == pytest.approx(script.chapters[1].start_ms / 1000 + 10, abs=0.001)
    page.keyboard.press("Home")
    assert audio_time() == 0
    assert page.get_attribute("#timeline", "aria-valuenow") == "0"
    # play and pause from the keyboard, on the <button>
    page.focus("#play")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.3")
    assert page.get_attribute("#play", "aria-label") == "Pause"
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.getElementById('play').getAttribute('aria-label') == 'Play'")
    assert page.evaluate("document.getElementById('audio').paused")


@pytest.mark.page
def test_hostile_titles_show_as_text(browser, rendered):
    result, html = rendered
    path = html.with_name("hostile.html")
    path.write_text(page_html(hostile(result.script), result.mp3.name), encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(path.as_uri())
        tab.wait_for_function("() => document.getElementById('audio').readyState >= 1")
        seek(tab, result.script.chapters[1].start_ms / 1000 + 2)
        assert tab.title() == HOSTILE
        assert tab.text_content("#exercise") == f"{HOSTILE} 1"
        assert tab.text_content("#next") == f"{HOSTILE} 2"
        assert tab.evaluate("window.pwned") is None
        assert tab.evaluate("document.querySelectorAll('img').length") == 0
        assert tab.evaluate("window.audiocoachState().exercise") == f"{HOSTILE} 1"
    finally:
        tab.close()


LAYOUTS = [("phone", 390, 844), ("desktop", 1280, 800), ("landscape", 844, 390)]


@pytest.mark.page
@pytest.mark.parametrize("name,width,height", LAYOUTS, ids=[n for n, _, _ in LAYOUTS])
def test_screenshots_show_the_main_parts(page, rendered, name, width, height):
    script = rendered[0].script
    page.set_viewport_size({"width": width, "height": height})
    hold = next(e for e in script.events if e.set == 2 and e.side == "right"
                and e.rep == 1 and e.phase == "hold" and e.text == "two")
    seek(page, hold.start + 0.3)
    out = ROOT / "output"
    out.mkdir(exist_ok=True)
    shot = out / f"page-{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10000
    # nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    must_show = ["#exercise", "#detail", "#cue", "#phase", "#play", "#timeline",
                 "#left-exercise", "#left-session", "#next"]
    if name != "phone":
        must_show.append("#chapters button[data-index='1']")
    for selector in must_show:
        box = page.locator(selector).bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, selector
    for selector in ("#chapters button[data-index='0']", "#marker"):
        box = page.locator(selector).bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, selector
    size = lambda sel: page.eval_on_selector(  # noqa: E731
        sel, "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size("#exercise") >= (40 if height > 500 else 32)  # readable from a couple of metres
    assert size("#exercise") > 1.4 * size("#detail") and size("#detail") >= 20
    play = page.locator("#play").bounding_box()
    assert play["width"] >= 60 and play["height"] >= 60  # a big target
    assert text(page, "#detail") == "Set 2 of 2 · right · rep 1 of 2"


def test_a_title_like_a_placeholder_stays_a_title(rendered):
    result, _ = rendered
    title = "$chapters ${data} $$ $w_play {title} @@DATA@@"
    script = replace(result.script, title=title, chapters=tuple(
        replace(c, title=f"{title} {n}") for n, c in enumerate(result.script.chapters)))
    html = page_html(script, "$src.mp3")
    parsed = parse(html)
    assert html.split("<h1>")[1].split("</h1>")[0] == title
    assert embedded(parsed)["title"] == title
    labels = [a["aria-label"] for t, a in parsed.tags if t == "button" and "data-start" in a]
    assert labels[0].startswith(f"{title} 0, starts at 0:00, ")
    assert parsed.ids["audio"][1]["src"] == "%24src.mp3"


def other_language(words: dict) -> dict:
    """Another table of words: each in capitals (its {placeholders} kept) after its key."""
    shout = lambda v: re.sub(r"\{\w+\}", lambda m: m[0].lower(), v.upper())  # noqa: E731
    return {k: other_language(v) if isinstance(v, dict) else f"<{k}> & {shout(v)}"
            for k, v in words.items()}


def test_every_written_word_comes_from_the_table(rendered, monkeypatch):
    result, _ = rendered
    words = other_language(PAGE_WORDS)
    monkeypatch.setattr(page_module, "page_words", lambda language: words)
    html = page_html(result.script, "a.mp3")
    parsed = parse(html)
    assert embedded(parsed)["words"] == words
    code = next(text for kind, text in parsed.scripts if kind == "")
    markup = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    for word in ("Next up", "Exercise left", "Session left", "Get ready", "Finish", "Play",
                 "Previous exercise", "Keep the screen on", "Exercises", "starts at"):
        assert word not in markup and f'"{word}' not in code, word
    assert "&lt;exercise_left&gt; &amp; EXERCISE LEFT</span>" in markup
    assert '<html lang="&lt;lang&gt; &amp; EN">' in markup


@pytest.mark.page
def test_the_code_says_the_words_of_the_table(browser, rendered, monkeypatch):
    result, html = rendered
    words = other_language(PAGE_WORDS)
    monkeypatch.setattr(page_module, "page_words", lambda language: words)
    path = html.with_name("other-language.html")
    path.write_text(page_html(result.script, result.mp3.name), encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(path.as_uri())
        tab.wait_for_function("() => document.getElementById('audio').readyState >= 1")
        hold = next(e for e in result.script.events if e.set == 2 and e.side == "right"
                    and e.rep == 1 and e.phase == "hold" and e.text == "two")
        seek(tab, hold.start + 0.2)
        assert text(tab, "#phase") == "<hold> & HOLD"
        assert text(tab, "#detail") == "<set_of> & SET 2 OF 2 · right · <rep_of> & REP 1 OF 2"
        assert tab.get_attribute("#timeline", "aria-valuetext").startswith(
            f"<position_text> & {clock(hold.start + 0.2)} OF ")
        seek(tab, result.script.chapters[2].start_ms / 1000 + 1)
        assert text(tab, "#next") == "<finish> & FINISH"
        assert tab.get_attribute("#play", "aria-label") == "<play> & PLAY"
    finally:
        tab.close()


@pytest.mark.page
def test_a_missing_mp3_is_reported_on_the_page(browser, rendered):
    result, html = rendered
    path = html.with_name("moved.html")
    path.write_text(page_html(result.script, "not-here.mp3"), encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(path.as_uri())
        tab.wait_for_function("() => document.getElementById('status').textContent !== ''")
        assert "not-here.mp3" in tab.text_content("#status")
        assert tab.get_attribute("#status", "role") == "status"
        # the display still works from the script alone
        tab.evaluate(f"window.audiocoachSeek({result.script.chapters[1].start_ms / 1000 + 2})")
        assert tab.text_content("#exercise") == "Bridge"
    finally:
        tab.close()
