"""A one-file web player for the phone: the MP3 beside it, the script inside it.

`page_html(script, mp3_name)` is a single self-contained HTML file (inline CSS and JS, the
script embedded as JSON, nothing fetched from anywhere) that plays `mp3_name` from the same
folder and shows, following the audio: the exercise, "Set 2 of 3 · left · rep 7 of 12", the
cue being said, what is next, the time left, the exercises (tap to jump) and a timeline.
Open it from the phone's files app next to the MP3; it works offline.
"""

from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import quote

from ..script import Script, duration_text
from .svg import COLOURS, LABELS, segments


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _clock(seconds: float) -> str:
    return duration_text(round(seconds * 1000))


def page_data(script: Script, mp3_name: str) -> dict:
    """What the page's code reads: chapters with their most sets and reps, the spoken cues,
    and the timeline's blocks (all times in seconds)."""
    chapters = []
    for c in script.chapters:
        inside = [e for e in script.events if c.start_ms <= e.start_ms < c.end_ms]
        chapters.append({
            "title": c.title, "start": c.start_ms / 1000, "end": c.end_ms / 1000,
            "sets": max((e.set or 0 for e in inside), default=0),
            "reps": max((e.rep or 0 for e in inside), default=0),
        })
    if not chapters:
        chapters.append({"title": script.title, "start": 0, "end": script.duration,
                         "sets": 0, "reps": 0})
    cues = [{"start": e.start, "end": e.end, "text": e.text or "", "set": e.set,
             "side": e.side, "rep": e.rep}
            for e in script.events if e.kind == "speech"]
    blocks = [{"start": s.start_ms / 1000, "end": s.end_ms / 1000, "kind": s.kind}
              for s in segments(script)]
    return {"title": script.title, "duration": script.duration, "mp3": mp3_name,
            "chapters": chapters, "cues": cues, "blocks": blocks}


def _json_for_script_tag(data: dict) -> str:
    """JSON that cannot end its <script> element early nor open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_html(script: Script, mp3_name: str) -> str:
    """The player page for `script`, playing `mp3_name` (a path relative to the page)."""
    data = page_data(script, mp3_name)
    duration = max(script.duration, 0.001)
    pct = lambda s: f"{100 * s / duration:.3f}".rstrip("0").rstrip(".")  # noqa: E731

    chapter_items = []
    for n, c in enumerate(data["chapters"]):
        length = c["end"] - c["start"]
        chapter_items.append(
            f'<li><button type="button" class="chapter" data-index="{n}" '
            f'data-start="{c["start"]}" aria-label="{_attr(c["title"])}, starts at '
            f'{_clock(c["start"])}, {_clock(length)} long">'
            f'<span class="ch-num" aria-hidden="true">{n + 1}</span>'
            f'<span class="ch-title">{escape(c["title"])}</span>'
            f'<span class="ch-time" aria-hidden="true">{_clock(c["start"])}'
            f'<small>{_clock(length)}</small></span></button></li>')
    blocks = "".join(
        f'<div class="block {b["kind"]}" style="left:{pct(b["start"])}%;'
        f'width:{pct(b["end"] - b["start"])}%"></div>' for b in data["blocks"])
    ticks = "".join(f'<div class="tick" style="left:{pct(c["start"])}%"></div>'
                    for c in data["chapters"][1:])
    legend = "".join(f'<span class="key"><i class="{k}"></i>{LABELS[k]}</span>'
                     for k in ("work", "hold", "rest"))
    colours = "".join(f"--{k}:{v};" for k, v in COLOURS.items())
    first = data["chapters"][0]
    nxt = data["chapters"][1]["title"] if len(data["chapters"]) > 1 else "Finish"
    replacements = {
        "@@TITLE@@": escape(script.title),
        "@@LEVEL@@": escape(script.level),
        "@@SRC@@": _attr(quote(mp3_name)),
        "@@DATA@@": _json_for_script_tag(data),
        "@@CHAPTERS@@": "\n".join(chapter_items),
        "@@BLOCKS@@": blocks,
        "@@TICKS@@": ticks,
        "@@LEGEND@@": legend,
        "@@COLOURS@@": colours,
        "@@FIRST@@": escape(first["title"]),
        "@@NEXT@@": escape(nxt),
        "@@TOTAL@@": _clock(script.duration),
        "@@FIRSTLEFT@@": _clock(first["end"] - first["start"]),
        "@@DURATION@@": f"{script.duration:g}",
    }
    # one pass, so a title that reads like a placeholder stays a title
    return re.sub(r"@@[A-Z]+@@", lambda m: replacements[m.group(0)], _TEMPLATE)


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="dark">
<meta name="theme-color" content="#101217">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; media-src 'self' file: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>@@TITLE@@</title>
<style>
:root {
  @@COLOURS@@
  --bg: #101217; --panel: #1a1d24; --panel2: #232731; --line: #2e333f;
  --text: #f5f6f8; --muted: #aab0bc; --accent: var(--work); --focus: #ffd166;
  color-scheme: dark;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  min-height: 100vh; min-height: 100dvh;
}
button { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 3px; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.app {
  max-width: 1240px; margin: 0 auto;
  padding: max(12px, env(safe-area-inset-top)) max(16px, env(safe-area-inset-right))
           max(20px, env(safe-area-inset-bottom)) max(16px, env(safe-area-inset-left));
  display: grid; gap: 14px; grid-template-columns: minmax(0, 1fr);
  grid-template-areas: "head" "timeline" "now" "controls" "list";
}
header { grid-area: head; display: flex; align-items: baseline; gap: 12px; min-width: 0; }
header h1 {
  margin: 0; font-size: 1rem; font-weight: 600; color: var(--muted);
  flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
header .level {
  font-size: .8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 99px;
  padding: 1px 8px; text-transform: capitalize;
}
.timeline-wrap { grid-area: timeline; }
#timeline {
  position: relative; height: 30px; border-radius: 8px; overflow: hidden;
  background: var(--panel2); cursor: pointer; touch-action: none;
}
#timeline .block { position: absolute; top: 0; bottom: 0; }
#timeline .block.work { background: var(--work); }
#timeline .block.hold { background: var(--hold); }
#timeline .block.rest { background: var(--rest); }
#timeline .block.ready, #timeline .block.done { background: var(--ready); opacity: .55; }
#timeline .tick { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px;
  background: var(--bg); }
#played { position: absolute; left: 0; top: 0; bottom: 0; width: 0;
  background: rgba(16, 18, 23, .55); pointer-events: none; }
#marker {
  position: absolute; top: -2px; bottom: -2px; width: 4px; margin-left: -2px; left: 0;
  background: #fff; border-radius: 2px; box-shadow: 0 0 0 2px var(--bg); pointer-events: none;
}
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; font-size: .8rem;
  color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
.legend i.work { background: var(--work); } .legend i.hold { background: var(--hold); }
.legend i.rest { background: var(--rest); }
.now {
  grid-area: now; background: var(--panel); border-radius: 18px; padding: 20px 18px 18px;
  display: flex; flex-direction: column; gap: 8px; min-width: 0;
  position: relative; overflow: hidden;
}
.now::before {
  content: ""; position: absolute; left: 0; right: 0; top: 0; height: 6px;
  background: var(--phase-colour, var(--ready));
}
#phase {
  align-self: flex-start; font-size: .95rem; font-weight: 700; letter-spacing: .06em;
  text-transform: uppercase; padding: 3px 12px; border-radius: 99px;
  background: var(--phase-colour, var(--ready)); color: #101217;
}
#exercise {
  margin: 0; font-weight: 800; line-height: 1.05; letter-spacing: -.01em;
  font-size: clamp(2.6rem, min(12vw, 11vh), 5.5rem);
  /* words whole: the code shrinks the font until the longest word fits (fitHeading); only a
     word too long for any readable size breaks (.squeeze) */
  overflow-wrap: normal; word-break: normal; hyphens: manual; -webkit-hyphens: manual;
}
#exercise.squeeze { overflow-wrap: anywhere; }
/* "Circles counterclockwise · round 2 · left side": the name, then the round and the side on
   a line of their own, each part whole */
#exercise .ex-sep { display: none; }
#exercise .ex-where { display: block; margin-top: .25em; font-size: max(1.3rem, .42em);
  font-weight: 700; line-height: 1.2; letter-spacing: 0; }
#exercise .ex-where span, #next .part { white-space: nowrap; }
#detail span { white-space: nowrap; }
#detail { margin: 0; font-size: clamp(1.3rem, 5.6vw, 2rem); font-weight: 600; min-height: 1.4em;
  font-variant-numeric: tabular-nums; }
#cue { margin: 0; font-size: clamp(1.1rem, 4.6vw, 1.5rem); color: var(--muted);
  min-height: 1.4em; font-style: italic; }
#cue::before { content: "\\201C"; } #cue::after { content: "\\201D"; }
#cue:empty::before, #cue:empty::after { content: ""; }
.stats { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; margin-top: 6px; }
.stat { background: var(--panel2); border-radius: 12px; padding: 8px 12px; min-width: 0; }
.stat .label { display: block; font-size: .8rem; color: var(--muted); }
.stat output { display: block; font-size: clamp(1.6rem, 7vw, 2.2rem); font-weight: 700;
  font-variant-numeric: tabular-nums; line-height: 1.15; }
.next { margin: 2px 0 0; font-size: 1.05rem; color: var(--muted); overflow-wrap: anywhere; }
#next { color: var(--text); font-weight: 650; }
.controls { grid-area: controls; }
.buttons { display: flex; align-items: center; justify-content: center; gap: clamp(6px, 2.5vw, 14px); }
.controls button {
  border: 0; background: var(--panel2); border-radius: 50%; width: 54px; height: 54px;
  display: grid; place-items: center; cursor: pointer; flex: none;
}
.controls button svg { width: 26px; height: 26px; fill: currentColor; }
.controls button:active { transform: scale(.96); }
#play { width: 88px; height: 88px; background: var(--accent); color: #101217; }
#play svg { width: 40px; height: 40px; }
#play .pause-icon { display: none; }
#play[aria-pressed="true"] .play-icon { display: none; }
#play[aria-pressed="true"] .pause-icon { display: block; }
.status { margin: 8px 0 0; color: #ffb4a8; font-size: .95rem; text-align: center; }
.status:empty { display: none; }
.note { margin: 12px 0 0; padding: 10px 12px; border-radius: 12px; background: var(--panel2);
  border-left: 4px solid var(--focus); font-size: .95rem; line-height: 1.35; }
.note[hidden] { display: none; }
.note strong { color: var(--focus); }
.list { grid-area: list; min-width: 0; }
.list h2 { font-size: .85rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
  margin: 4px 0 8px; }
#chapters { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.chapter {
  width: 100%; display: grid; grid-template-columns: 2em minmax(0, 1fr) auto; align-items: center;
  gap: 10px; text-align: left; background: var(--panel); border: 2px solid transparent;
  border-radius: 12px; padding: 10px 12px; min-height: 52px; cursor: pointer;
}
.chapter:hover { background: var(--panel2); }
.chapter[aria-current="true"] { border-color: var(--accent); background: var(--panel2); }
.ch-num { color: var(--muted); font-variant-numeric: tabular-nums; text-align: right; }
.ch-title { font-size: 1.05rem; font-weight: 600; overflow-wrap: anywhere; }
.ch-time { color: var(--muted); font-variant-numeric: tabular-nums; text-align: right;
  font-size: .9rem; line-height: 1.2; }
.ch-time small { display: block; font-size: .75rem; opacity: .8; }
.chapter.done .ch-title { color: var(--muted); }
audio { display: none; }
@media (min-width: 900px), (orientation: landscape) and (min-width: 600px) {
  .app {
    grid-template-columns: minmax(0, 1.7fr) minmax(240px, 1fr);
    grid-template-areas: "head head" "timeline timeline" "now list" "controls list";
    grid-template-rows: auto auto auto 1fr; align-items: start;
  }
  .list { max-height: calc(100vh - 130px); max-height: calc(100dvh - 130px); overflow: auto;
    padding-right: 4px; }
  .list h2 { margin-top: 0; }
}
@media (orientation: landscape) and (max-height: 500px) {
  .app { gap: 8px 14px; grid-template-areas: "head head" "timeline timeline" "now controls" "now list";
    grid-template-rows: auto auto auto 1fr; }
  .legend { display: none; }
  .now { padding: 16px 14px 12px; gap: 4px; }
  #exercise { font-size: clamp(2rem, 10vh, 3.2rem); }
  #detail { font-size: 1.25rem; }
  #cue { font-size: 1.05rem; }
  .stat output { font-size: 1.5rem; }
  .buttons { gap: 8px; }
  .controls button { width: 48px; height: 48px; }
  #play { width: 64px; height: 64px; }
  .list { max-height: calc(100vh - 190px); max-height: calc(100dvh - 190px); }
  .list h2 { display: none; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
</style>
</head>
<body>
<main class="app">
  <header>
    <h1>@@TITLE@@</h1>
    <span class="level">@@LEVEL@@</span>
  </header>

  <section class="timeline-wrap" aria-label="Timeline">
    <div id="timeline" role="slider" tabindex="0" aria-label="Position in the session"
         aria-valuemin="0" aria-valuemax="@@DURATION@@" aria-valuenow="0"
         aria-valuetext="0:00 of @@TOTAL@@">
      @@BLOCKS@@@@TICKS@@<div id="played"></div><div id="marker"></div>
    </div>
    <div class="legend" aria-hidden="true">@@LEGEND@@</div>
  </section>

  <section class="now" aria-label="Now">
    <span id="phase">Get ready</span>
    <h2 id="exercise">@@FIRST@@</h2>
    <p id="detail"></p>
    <p id="cue" aria-live="polite" aria-atomic="true"></p>
    <div class="stats">
      <div class="stat"><span class="label" id="left-exercise-label">Exercise left</span>
        <output id="left-exercise" aria-labelledby="left-exercise-label">@@FIRSTLEFT@@</output></div>
      <div class="stat"><span class="label" id="left-session-label">Session left</span>
        <output id="left-session" aria-labelledby="left-session-label">@@TOTAL@@</output></div>
    </div>
    <p class="next">Next up: <span id="next">@@NEXT@@</span></p>
  </section>

  <section class="controls" aria-label="Player">
    <div class="buttons">
    <button type="button" id="prev" aria-label="Previous exercise">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 5h2v14H6zM20 5v14L9 12z"/></svg>
    </button>
    <button type="button" id="back" aria-label="Back 10 seconds">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V1L7 6l5 5V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z"/></svg>
    </button>
    <button type="button" id="play" aria-label="Play" aria-pressed="false">
      <svg class="play-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 4v16l13-8z"/></svg>
      <svg class="pause-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 4h4v16H6zM14 4h4v16h-4z"/></svg>
    </button>
    <button type="button" id="forward" aria-label="Forward 10 seconds">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V1l5 5-5 5V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z"/></svg>
    </button>
    <button type="button" id="skip" aria-label="Next exercise">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16 5h2v14h-2zM4 5v14l11-7z"/></svg>
    </button>
    </div>
    <p id="status" class="status" role="status"></p>
    <p id="screen-note" class="note" role="note" hidden><strong>Keep the screen on:</strong>
      this page cannot stop the phone locking here (that needs an https page or a newer
      browser). Set auto-lock to never while you train (iPhone: Settings &rsaquo; Display
      &amp; Brightness &rsaquo; Auto-Lock; Android: Settings &rsaquo; Display &rsaquo; Screen
      timeout), and back afterwards.</p>
  </section>

  <nav class="list" aria-label="Exercises">
    <h2>Exercises</h2>
    <ol id="chapters">
@@CHAPTERS@@
    </ol>
  </nav>

  <audio id="audio" src="@@SRC@@" preload="auto" playsinline></audio>
</main>
<script type="application/json" id="audiocoach-data">@@DATA@@</script>
<script>
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("audiocoach-data").textContent);
  var audio = document.getElementById("audio");
  var $ = function (id) { return document.getElementById(id); };
  var LABELS = { ready: "Get ready", work: "Work", hold: "Hold", rest: "Rest", done: "Done" };
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("#chapters .chapter"));
  var shown = {};

  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds - 0.0005));
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  // index of the last item whose start is at or before t, or -1
  function lastAtOrBefore(list, t) {
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function stateAt(t) {
    var ci = Math.max(0, lastAtOrBefore(D.chapters, t));
    var chapter = D.chapters[ci];
    var qi = lastAtOrBefore(D.cues, t);
    var cue = qi >= 0 ? D.cues[qi] : null;
    var own = cue && cue.start >= chapter.start;  // a cue of this exercise, not the last one
    var bi = Math.max(0, lastAtOrBefore(D.blocks, t));
    return {
      time: t, chapterIndex: ci, chapter: chapter,
      exercise: chapter.title,
      set: own ? cue.set : null, side: own ? cue.side : null, rep: own ? cue.rep : null,
      cue: cue ? cue.text : "",
      kind: D.blocks.length ? D.blocks[bi].kind : "ready"
    };
  }

  function detailParts(s) {
    var parts = [];
    if (s.set && s.chapter.sets > 1) parts.push("Set " + s.set + " of " + s.chapter.sets);
    if (s.side) parts.push(s.side);
    if (s.rep && s.chapter.reps > 1) parts.push("rep " + s.rep + " of " + s.chapter.reps);
    return parts;
  }

  function setText(id, text) {
    if (shown[id] !== text) { $(id).textContent = text; shown[id] = text; }
  }

  // "Set 2 of 3 · left · rep 7 of 12", each part kept on one line
  function setDetail(parts) {
    var text = parts.join(" \\u00b7 ");
    if (shown.detail === text) return;
    shown.detail = text;
    var el = $("detail");
    el.textContent = "";
    parts.forEach(function (part, i) {
      if (i) el.appendChild(document.createTextNode(" \\u00b7 "));
      var span = document.createElement("span");
      span.textContent = part;
      el.appendChild(span);
    });
  }

  // "Name · round 2 · left side" as the name, then its other parts: each part a span
  function fill(el, title, cls) {
    var parts = title.split(" \u00b7 ");
    el.textContent = "";
    var name = document.createElement("span");
    name.className = cls + "-name";
    name.textContent = parts[0];
    el.appendChild(name);
    if (parts.length < 2) return;
    var sep = document.createElement("span");
    sep.className = cls + "-sep";
    sep.textContent = cls === "ex" ? " \u00b7 " : "\u00a0\u00b7 ";  // "·" ends a line, never starts one
    el.appendChild(sep);
    var where = cls === "ex" ? document.createElement("span") : el;
    if (where !== el) { where.className = "ex-where"; el.appendChild(where); }
    parts.slice(1).forEach(function (part, i) {
      if (i) where.appendChild(document.createTextNode("\u00a0\u00b7 "));
      var span = document.createElement("span");
      span.className = "part";
      span.textContent = part;
      where.appendChild(span);
    });
  }

  // the heading as big as it can be with every word whole: shrink until the longest fits
  var MIN_HEADING = 26;
  function fitHeading() {
    var el = $("exercise");
    el.style.fontSize = "";
    el.classList.remove("squeeze");
    for (var i = 0; i < 8 && el.scrollWidth > el.clientWidth + 0.5; i++) {
      var size = parseFloat(getComputedStyle(el).fontSize);
      if (size <= MIN_HEADING) break;
      var next = Math.max(MIN_HEADING, Math.floor(size * el.clientWidth / el.scrollWidth * 0.98));
      el.style.fontSize = Math.min(next, size - 1) + "px";
    }
    if (el.scrollWidth > el.clientWidth + 0.5) el.classList.add("squeeze");
  }

  function setTitle(id, title, cls) {
    if (shown[id] === title) return;
    shown[id] = title;
    fill($(id), title, cls);
    if (id === "exercise") fitHeading();
  }

  function show(t) {
    var s = stateAt(t);
    setTitle("exercise", s.exercise, "ex");
    setDetail(detailParts(s));
    setText("cue", s.cue);
    setText("phase", LABELS[s.kind] || "");
    if (shown.kind !== s.kind) {
      document.documentElement.style.setProperty("--phase-colour", "var(--" + s.kind + ")");
      shown.kind = s.kind;
    }
    var next = D.chapters[s.chapterIndex + 1];
    setTitle("next", next ? next.title : "Finish", "next");
    setText("left-exercise", clock(s.chapter.end - t));
    setText("left-session", clock(D.duration - t));
    var pct = (D.duration > 0 ? Math.min(100, Math.max(0, 100 * t / D.duration)) : 0) + "%";
    $("marker").style.left = pct;
    $("played").style.width = pct;
    var whole = Math.floor(t);
    if (shown.whole !== whole) {
      shown.whole = whole;
      var timeline = $("timeline");
      timeline.setAttribute("aria-valuenow", String(whole));
      timeline.setAttribute("aria-valuetext", clock(t) + " of " + clock(D.duration) + ", " + s.exercise);
    }
    if (shown.chapter !== s.chapterIndex) {
      shown.chapter = s.chapterIndex;
      chapterButtons.forEach(function (b, i) {
        if (i === s.chapterIndex) b.setAttribute("aria-current", "true");
        else b.removeAttribute("aria-current");
        b.classList.toggle("done", i < s.chapterIndex);
      });
      keepInView(chapterButtons[s.chapterIndex]);
    }
    return s;
  }

  // where the list scrolls by itself (side by side), keep the current exercise in it,
  // without ever scrolling the page
  function keepInView(button) {
    var list = document.querySelector(".list");
    if (!button || list.scrollHeight <= list.clientHeight + 1) return;
    var top = button.offsetTop - list.offsetTop, bottom = top + button.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top - 8;
    else if (bottom > list.scrollTop + list.clientHeight) {
      list.scrollTop = bottom - list.clientHeight + 8;
    }
  }

  function now() { return audio.currentTime || 0; }
  function update() { show(now()); }

  function seek(t) {
    t = Math.min(Math.max(0, t), D.duration);
    try { audio.currentTime = t; } catch (e) { /* not loaded yet */ }
    show(t);
  }

  function setPlaying(playing) {
    var b = $("play");
    b.setAttribute("aria-pressed", playing ? "true" : "false");
    b.setAttribute("aria-label", playing ? "Pause" : "Play");
  }

  function toggle() {
    if (audio.paused) {
      var p = audio.play();
      if (p && p.catch) p.catch(function (err) { $("status").textContent = "Could not play: " + err.message; });
    } else {
      audio.pause();
    }
  }

  // the screen wake lock needs a secure origin (https, localhost, a file): over `serve` on a
  // LAN address there is none, so the page says, visibly, how to keep the screen on
  var wakeLock = null, asking = false;
  function screenNote(visible) { $("screen-note").hidden = !visible; }
  function keepAwake(on) {
    try {
      if (on && !navigator.wakeLock) { screenNote(true); return; }
      if (on && !wakeLock && !asking) {
        asking = true;
        navigator.wakeLock.request("screen").then(function (l) {
          asking = false;
          if (audio.paused) { l.release(); return; }
          wakeLock = l; screenNote(false);
          if (l.addEventListener) l.addEventListener("release", function () {
            if (wakeLock === l) wakeLock = null;
          });
        }, function () { asking = false; screenNote(true); });
      } else if (!on && wakeLock) { wakeLock.release(); wakeLock = null; }
    } catch (e) { screenNote(true); }
  }
  if (!window.isSecureContext || !("wakeLock" in navigator)) screenNote(true);
  // the system lets go of the lock when the page is hidden: take it again on return
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !audio.paused) keepAwake(true);
  });
  window.addEventListener("resize", fitHeading);

  var frame = 0;
  function tick() { update(); frame = audio.paused ? 0 : requestAnimationFrame(tick); }

  audio.addEventListener("play", function () {
    setPlaying(true); keepAwake(true); $("status").textContent = "";
    if (!frame) frame = requestAnimationFrame(tick);
  });
  audio.addEventListener("pause", function () { setPlaying(false); keepAwake(false); update(); });
  audio.addEventListener("ended", function () { setPlaying(false); keepAwake(false); update(); });
  ["timeupdate", "seeked", "seeking", "loadedmetadata"].forEach(function (name) {
    audio.addEventListener(name, update);
  });
  audio.addEventListener("error", function () {
    $("status").textContent = "Cannot load the audio \\u201c" + D.mp3 +
      "\\u201d: keep this page in the same folder as the MP3.";
  });

  $("play").addEventListener("click", toggle);
  $("back").addEventListener("click", function () { seek(now() - 10); });
  $("forward").addEventListener("click", function () { seek(now() + 10); });
  $("prev").addEventListener("click", function () {
    var s = stateAt(now());
    // early in an exercise: the one before; later: back to this one's start
    var i = now() - s.chapter.start < 3 ? Math.max(0, s.chapterIndex - 1) : s.chapterIndex;
    seek(D.chapters[i].start);
  });
  $("skip").addEventListener("click", function () {
    var next = D.chapters[stateAt(now()).chapterIndex + 1];
    if (next) seek(next.start);
  });
  chapterButtons.forEach(function (b) {
    b.addEventListener("click", function () { seek(parseFloat(b.getAttribute("data-start"))); });
  });

  var timeline = $("timeline");
  function seekToPointer(ev) {
    var box = timeline.getBoundingClientRect();
    seek(D.duration * Math.min(1, Math.max(0, (ev.clientX - box.left) / box.width)));
  }
  var dragging = false;
  timeline.addEventListener("pointerdown", function (ev) {
    dragging = true; timeline.setPointerCapture(ev.pointerId); seekToPointer(ev);
  });
  timeline.addEventListener("pointermove", function (ev) { if (dragging) seekToPointer(ev); });
  timeline.addEventListener("pointerup", function () { dragging = false; });
  timeline.addEventListener("pointercancel", function () { dragging = false; });
  timeline.addEventListener("keydown", function (ev) {
    var step = { ArrowLeft: -10, ArrowDown: -10, ArrowRight: 10, ArrowUp: 10,
                 PageDown: -60, PageUp: 60 }[ev.key];
    if (step) { seek(now() + step); ev.preventDefault(); }
    else if (ev.key === "Home") { seek(0); ev.preventDefault(); }
    else if (ev.key === "End") { seek(D.duration); ev.preventDefault(); }
  });

  document.addEventListener("keydown", function (ev) {
    var tag = ev.target && ev.target.tagName;
    if (tag === "BUTTON" || tag === "INPUT" || ev.target === timeline || ev.altKey ||
        ev.ctrlKey || ev.metaKey) return;
    if (ev.key === " " || ev.key === "k") { toggle(); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft" || ev.key === "j") { seek(now() - 10); ev.preventDefault(); }
    else if (ev.key === "ArrowRight" || ev.key === "l") { seek(now() + 10); ev.preventDefault(); }
  });

  if ("mediaSession" in navigator) {
    try {
      navigator.mediaSession.metadata = new MediaMetadata({ title: D.title, artist: "audiocoach" });
      navigator.mediaSession.setActionHandler("seekbackward", function () { seek(now() - 10); });
      navigator.mediaSession.setActionHandler("seekforward", function () { seek(now() + 10); });
      navigator.mediaSession.setActionHandler("previoustrack", function () { $("prev").click(); });
      navigator.mediaSession.setActionHandler("nexttrack", function () { $("skip").click(); });
    } catch (e) { /* partial support */ }
  }

  // for tests and for anyone driving the page from outside
  window.audiocoachState = function () {
    var s = stateAt(now());
    return { exercise: s.exercise, set: s.set, side: s.side, rep: s.rep, cue: s.cue,
             kind: s.kind, time: s.time };
  };
  window.audiocoachSeek = seek;

  update();
})();
</script>
</body>
</html>
"""
