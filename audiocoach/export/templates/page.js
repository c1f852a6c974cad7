(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("audiocoach-data").textContent);
  var audio = document.getElementById("audio");
  var $ = function (id) { return document.getElementById(id); };
  var W = D.words;  // every written word, from the page's table in Python
  var LABELS = W.phase;
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("#chapters .chapter"));
  var shown = {};

  // `text` with each {name} in it replaced by values[name]
  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

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
    if (s.set && s.chapter.sets > 1) parts.push(say(W.set_of, { set: s.set, sets: s.chapter.sets }));
    if (s.side) parts.push(s.side);
    if (s.rep && s.chapter.reps > 1) parts.push(say(W.rep_of, { rep: s.rep, reps: s.chapter.reps }));
    return parts;
  }

  function setText(id, text) {
    if (shown[id] !== text) { $(id).textContent = text; shown[id] = text; }
  }

  // "Set 2 of 3 · left · rep 7 of 12", each part kept on one line
  function setDetail(parts) {
    var text = parts.join(" \u00b7 ");
    if (shown.detail === text) return;
    shown.detail = text;
    var el = $("detail");
    el.textContent = "";
    parts.forEach(function (part, i) {
      if (i) el.appendChild(document.createTextNode(" \u00b7 "));
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
    setTitle("next", next ? next.title : W.finish, "next");
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
      var position = say(W.position_text, { time: clock(t), total: clock(D.duration) });
      timeline.setAttribute("aria-valuetext", position + ", " + s.exercise);
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
    b.setAttribute("aria-label", playing ? W.pause : W.play);
  }

  function toggle() {
    if (audio.paused) {
      var p = audio.play();
      if (p && p.catch) p.catch(function (err) {
        $("status").textContent = say(W.cannot_play, { error: err.message });
      });
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

  function watchScreen() {
    if (!window.isSecureContext || !("wakeLock" in navigator)) screenNote(true);
    // the system lets go of the lock when the page is hidden: take it again on return
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !audio.paused) keepAwake(true);
    });
    window.addEventListener("resize", fitHeading);
  }

  // while playing, the display follows the audio frame by frame
  function watchAudio() {
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
      $("status").textContent = say(W.cannot_load, { mp3: D.mp3 });
    });
  }

  function previousExercise() {
    var s = stateAt(now());
    // early in an exercise: the one before; later: back to this one's start
    var i = now() - s.chapter.start < 3 ? Math.max(0, s.chapterIndex - 1) : s.chapterIndex;
    seek(D.chapters[i].start);
  }

  function nextExercise() {
    var next = D.chapters[stateAt(now()).chapterIndex + 1];
    if (next) seek(next.start);
  }

  function wireButtons() {
    $("play").addEventListener("click", toggle);
    $("back").addEventListener("click", function () { seek(now() - 10); });
    $("forward").addEventListener("click", function () { seek(now() + 10); });
    $("prev").addEventListener("click", previousExercise);
    $("skip").addEventListener("click", nextExercise);
    chapterButtons.forEach(function (b) {
      b.addEventListener("click", function () { seek(parseFloat(b.getAttribute("data-start"))); });
    });
  }

  // the timeline is a slider: tap or drag to a place, or step with the keys
  function wireTimeline(timeline) {
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
  }

  // space or k plays and pauses, the arrows or j and l step 10 s, except where a control
  // has the key itself
  function wireKeys(timeline) {
    document.addEventListener("keydown", function (ev) {
      var tag = ev.target && ev.target.tagName;
      if (tag === "BUTTON" || tag === "INPUT" || ev.target === timeline || ev.altKey ||
          ev.ctrlKey || ev.metaKey) return;
      if (ev.key === " " || ev.key === "k") { toggle(); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft" || ev.key === "j") { seek(now() - 10); ev.preventDefault(); }
      else if (ev.key === "ArrowRight" || ev.key === "l") { seek(now() + 10); ev.preventDefault(); }
    });
  }

  // the lock screen's and headphones' controls
  function wireMediaSession() {
    if (!("mediaSession" in navigator)) return;
    try {
      navigator.mediaSession.metadata = new MediaMetadata({ title: D.title, artist: "audiocoach" });
      navigator.mediaSession.setActionHandler("seekbackward", function () { seek(now() - 10); });
      navigator.mediaSession.setActionHandler("seekforward", function () { seek(now() + 10); });
      navigator.mediaSession.setActionHandler("previoustrack", function () { $("prev").click(); });
      navigator.mediaSession.setActionHandler("nexttrack", function () { $("skip").click(); });
    } catch (e) { /* partial support */ }
  }

  watchScreen();
  watchAudio();
  wireButtons();
  wireTimeline($("timeline"));
  wireKeys($("timeline"));
  wireMediaSession();

  // for tests and for anyone driving the page from outside
  window.audiocoachState = function () {
    var s = stateAt(now());
    return { exercise: s.exercise, set: s.set, side: s.side, rep: s.rep, cue: s.cue,
             kind: s.kind, time: s.time };
  };
  window.audiocoachSeek = seek;

  update();
})();
