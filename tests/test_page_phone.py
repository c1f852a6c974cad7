"""The player page on a phone (390 x 844, headless Chromium): long exercise names, the side
and the set readable in full, no word broken in the heading; and a visible note when the
screen cannot be kept on (the wake lock needs a secure origin, which `serve` on a LAN
address is not)."""

from pathlib import Path

import pytest

from audiocoach.build import Options, render
from audiocoach.export.page import page_html
from audiocoach.speech import Voice
from test_page import chromium, seek

# the shape of side-lying-hip-series.yaml, short: chapters "Circles counterclockwise ·
# round 2 · left side", next up "Clamshell · round 1 · right side"
LONG = """\
title: Side-lying hip series for a stronger lower back and hips
equipment: [a mat]
defaults:
  rest: {set: 3s, exercise: 3s, side: 3s}
exercises:
  - section: Side-lying hip series
    rounds: 2
    sides: both
    side: lying
    rest: 3s
    exercises:
      - exercise: Clamshell
        reps: 2
        tempo: [lift: 1, lower: 1]
      - exercise: Circles counterclockwise
        sets: 2
        reps: 2
        tempo: [lift: 1, lower: 1]
"""
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def long_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("phone")
    (out / "long.yaml").write_text(LONG, encoding="utf-8")
    result = render(out / "long.yaml", out,
                    Options(voice=Voice("fake"), cache=out / "cache", sidecars=False))
    html = result.mp3.with_suffix(".html")
    html.write_text(page_html(result.script, result.mp3.name), encoding="utf-8")
    return result, html


@pytest.fixture(scope="module")
def phone():
    yield from chromium(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)


def open_page(context, url: str):
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(url)
    tab.wait_for_function("() => document.getElementById('audio').readyState >= 1",
                          timeout=15000)
    return tab


# every word of an element's text: is it on one line, and inside the element and the screen?
WORDS = """el => {
  const out = [];
  const box = el.getBoundingClientRect();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.getClientRects().length) continue;  // display: none
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      out.push({word: m[0], lines: rects.length,
                left: Math.min(...rects.map(r => r.left)),
                right: Math.max(...rects.map(r => r.right)),
                inside: rects.every(r => r.left >= box.left - 0.5 && r.right <= box.right + 0.5
                                         && r.right <= innerWidth + 0.5 && r.left >= -0.5)});
    }
  }
  return out;
}"""

FITS = """el => ({scroll: el.scrollWidth, client: el.clientWidth,
               ellipsis: getComputedStyle(el).textOverflow === 'ellipsis' &&
                         el.scrollWidth > el.clientWidth})"""


def words(tab, selector):
    return tab.eval_on_selector(selector, WORDS)


@pytest.mark.page
def test_on_a_phone_the_side_and_the_set_are_readable_and_no_word_is_broken(
        phone, long_page, tmp_path_factory):
    result, html = long_page
    script = result.script
    tab = open_page(phone, html.as_uri())
    shots = tmp_path_factory.mktemp("phone-shots")
    try:
        titles = [c.title for c in script.chapters]
        at = titles.index("Circles counterclockwise · round 2 · left side")
        assert titles[at + 1] == "Clamshell · round 1 · right side"
        chapter = script.chapters[at]
        event = next(e for e in script.events if chapter.start_ms <= e.start_ms
                     and e.set == 2 and e.rep == 2 and e.kind == "speech")
        seek(tab, event.start + 0.2)
        tab.screenshot(path=str(shots / "phone-long-names.png"))
        assert " ".join(tab.text_content("#exercise").split()) == chapter.title
        assert " ".join(tab.text_content("#next").split()) == "Clamshell · round 1 · right side"
        assert " ".join(tab.text_content("#detail").split()) == "Set 2 of 2 · left · rep 2 of 2"
        # the heading: every word on one line, none cut at the edge, and still big
        heading = words(tab, "#exercise")
        assert [w["word"] for w in heading if w["word"] != "·"] == \
            [w for w in chapter.title.split() if w != "·"]
        broken = [w["word"] for w in heading if w["lines"] != 1 or not w["inside"]]
        assert broken == [], broken
        name_size = tab.eval_on_selector(
            "#exercise", "e => parseFloat(getComputedStyle(e.firstElementChild || e).fontSize)")
        assert name_size >= 28
        # next up and the detail line: nothing ellipsized, every word whole and on screen
        for selector in (".next", "#next", "#detail"):
            fits = tab.eval_on_selector(selector, FITS)
            assert fits["scroll"] <= fits["client"] and not fits["ellipsis"], (selector, fits)
        for selector, must in (("#next", ["right", "side", "round", "1"]),
                               ("#detail", ["Set", "2", "left", "rep"])):
            shown = {w["word"]: w for w in words(tab, selector)}
            for word in must:
                assert word in shown and shown[word]["inside"], (selector, word, shown)
        for selector in ("#exercise", "#detail", "#next", "#play", "#left-exercise"):
            box = tab.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390.5, selector
            assert box["y"] + box["height"] <= 844.5, selector
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        # every chapter, as the heading and as next up, fits the same way
        for c in script.chapters:
            seek(tab, c.start_ms / 1000 + 0.05)
            broken = [w["word"] for w in words(tab, "#exercise")
                      if w["lines"] != 1 or not w["inside"]]
            assert broken == [], (c.title, broken)
            fits = tab.eval_on_selector(".next", FITS)
            assert fits["scroll"] <= fits["client"] and not fits["ellipsis"], c.title
        # a short name keeps the big size
        seek(tab, script.chapters[0].start_ms / 1000 + 0.05)
        assert tab.eval_on_selector(
            "#exercise", "e => parseFloat(getComputedStyle(e.firstElementChild || e).fontSize)"
        ) >= 40
        tab.screenshot(path=str(shots / "phone-first.png"))
        assert tab.errors == []
    finally:
        tab.close()


@pytest.mark.page
def test_a_name_too_long_for_any_size_still_stays_on_the_screen(phone, long_page):
    result, html = long_page
    tab = open_page(phone, html.as_uri())
    try:
        tab.evaluate("""() => {
            const h = document.getElementById('exercise');
            h.textContent = 'Supercalifragilisticexpialidociousnessandthensomemore';
        }""")
        seek(tab, result.script.chapters[1].start_ms / 1000 + 0.05)  # redraw the heading
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        tab.close()


def _serve_insecure(tab, html: Path, mp3: Path):
    """The page as `serve` gives it to a phone: plain http on a LAN name, not a secure
    origin (Chromium counts http://localhost and file:// as secure, so a made-up host)."""
    def handle(route):
        name = route.request.url.rsplit("/", 1)[-1]
        if name.endswith(".mp3"):
            route.fulfill(status=200, body=mp3.read_bytes(), content_type="audio/mpeg")
        else:
            route.fulfill(status=200, body=html.read_bytes(),
                          content_type="text/html; charset=utf-8")
    tab.route("http://phone-lan.test/**", handle)


@pytest.mark.page
def test_without_a_wake_lock_the_page_says_how_to_keep_the_screen_on(phone, long_page,
                                                                    tmp_path_factory):
    result, html = long_page
    tab = phone.new_page()
    try:
        _serve_insecure(tab, html, result.mp3)
        tab.goto(f"http://phone-lan.test/{html.name}")
        assert tab.evaluate("window.isSecureContext") is False
        assert tab.evaluate("'wakeLock' in navigator") is False
        note = tab.locator("#screen-note")
        assert note.is_visible()
        text = " ".join(note.text_content().split())
        assert "keep the screen on" in text.lower() and "auto-lock" in text.lower(), text
        box = note.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5
        fits = tab.eval_on_selector("#screen-note", FITS)
        assert fits["scroll"] <= fits["client"]
        note.scroll_into_view_if_needed()
        tab.screenshot(path=str(tmp_path_factory.mktemp("phone-shots") / "phone-lan-note.png"))
    finally:
        tab.close()


@pytest.mark.page
def test_a_refused_wake_lock_shows_the_note_and_a_working_one_hides_it(phone, long_page):
    _, html = long_page
    tab = phone.new_page()
    try:
        tab.add_init_script("""
            window.__lock = {requests: 0, refuse: true};
            Object.defineProperty(navigator, 'wakeLock', {configurable: true, value: {
                request: () => { window.__lock.requests++;
                    return window.__lock.refuse
                        ? Promise.reject(new DOMException('no', 'NotAllowedError'))
                        : Promise.resolve({release: () => Promise.resolve()}); }}});
        """)
        tab.goto(html.as_uri())
        tab.wait_for_function("() => document.getElementById('audio').readyState >= 1")
        assert not tab.locator("#screen-note").is_visible()  # a secure page: nothing to say
        tab.click("#play")
        tab.wait_for_function("() => window.__lock.requests > 0")
        tab.wait_for_function("() => !document.getElementById('screen-note').hidden")
        assert tab.locator("#screen-note").is_visible()
        tab.click("#play")  # pause
        tab.evaluate("window.__lock.refuse = false")
        tab.click("#play")
        tab.wait_for_function("() => document.getElementById('screen-note').hidden")
    finally:
        tab.close()


# -- progress in a narrow terminal (a phone's ssh app, a split pane) ---------------------------

import io  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from audiocoach.progressbar import ProgressBar as _Progress  # noqa: E402
from conftest import DATA, ROOT  # noqa: E402


class Terminal(io.StringIO):
    def isatty(self):
        return True


def screen(raw: str) -> list[list[str]]:
    """Each line as written, cut at every carriage return: what a terminal redraws."""
    return [line.split("\r") for line in raw.replace("\r\n", "\n").split("\n")]


def test_progress_fits_a_50_column_terminal_on_one_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    out = Terminal()
    with _Progress("side-lying-hip-series-and-a-very-long-file-name.yaml", out) as progress:
        for stage, total in (("speech", 250), ("encode", 900), ("tracks", 12)):
            for done in range(total + 1):
                progress(stage, done, total)
    raw = out.getvalue()
    assert "\n" not in raw  # one line, redrawn; cleared at the end
    drawn = [s for s in raw.split("\r") if s.strip()]
    assert drawn and max(len(s) for s in drawn) <= 49, max(drawn, key=len)
    assert any(": encode [" in s and s.rstrip().endswith("%") for s in drawn)
    assert any(s.rstrip().endswith("100%") for s in drawn)
    assert len(drawn) < 400  # redrawn when it changes, not on every call
    assert raw.endswith("\r") and not raw.split("\r")[-2].strip()  # the line is cleared
    for columns in ("20", "8", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        out = Terminal()
        with _Progress("x" * 80, out) as progress:
            progress("speech", 1, 3)
        assert max(map(len, out.getvalue().split("\r"))) <= int(columns) - 1


def test_progress_off_a_terminal_is_a_plain_line_per_stage():
    out = io.StringIO()
    with _Progress("short.yaml", out) as progress:
        for stage in ("speech", "encode"):
            for done in range(50):
                progress(stage, done, 49)
    assert out.getvalue() == "short.yaml: speech\nshort.yaml: encode\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a pty is POSIX")
def test_render_in_a_50_column_pty_draws_one_line(tmp_path):
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 50, 0, 0))
    env = {**os.environ, "COLUMNS": "50", "LINES": "24"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "audiocoach", "render", str(DATA / "short.yaml"), "-o",
         str(tmp_path), "--engine", "fake", "--cache", str(tmp_path / "c"), "--no-sidecars"],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(master)
    raw = b"".join(chunks).decode("utf-8", "replace")
    lines = screen(raw)
    drawn = [s for line in lines for s in line if not s.endswith(".mp3")]  # the bar's redraws
    assert max(len(s) for s in drawn) <= 49, raw
    visible = [line[-1] for line in lines if line[-1].strip()]
    assert len(visible) == 1 and visible[0].endswith("short-test-routine.mp3"), raw
    assert any(": speech" in s or ": encode" in s for line in lines for s in line), raw


def test_render_into_a_pipe_logs_a_plain_line_per_stage(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "audiocoach", "render", str(DATA / "short.yaml"), "-o",
         str(tmp_path), "--engine", "fake", "--cache", str(tmp_path / "c"), "--no-sidecars"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == ["short.yaml: speech", "short.yaml: encode"]
    assert "\r" not in proc.stderr and proc.stdout.strip().endswith("short-test-routine.mp3")
