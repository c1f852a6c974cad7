"""A podcast feed for a folder of rendered workouts: RSS 2.0 with the itunes and podcast
namespaces, one item per workout MP3, and JSON chapters (Podcasting 2.0) for each.

Each item says what the workout is, its dose and its equipment (read from the script JSON),
links its cover (written beside the MP3 from the embedded picture), its VTT and SRT as
`podcast:transcript`, and its chapters. The sessions of a program make a serial feed: each is
named by week and day, with `itunes:season` (the week) and `itunes:episode` (its place in the
program), dated in program order. The channel's `language` is the workouts' (the script
JSON's `language`; the most common one when they differ), and each item's equipment and
countdown are recognised in its own language's words.

Every text a routine or a file name brings is passed through `xml_text`, which drops what
XML 1.0 cannot hold; ElementTree escapes the rest (`&`, `<`, `>`, quotes).

`write_feed` writes the feed, the chapters and the covers into the folder, each atomically
(see atomic.py)."""

from __future__ import annotations

import json
import math
import os
import re
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from mutagen import MutagenError
from mutagen.id3 import ID3

from ..atomic import write_bytes, write_text
from ..compiler import PAUSE_MS
from ..errors import AudiocoachError, OutputError, OutputWarning
from ..phrases import DEFAULT, Catalog, catalog, normalise
from ..script import whole_seconds
from ..tags import COVER_MAX_BYTES

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
GUID_NAMESPACE = uuid.UUID("6f1f3b5e-4c0e-4d8a-9a51-a0d1c0ac0ac0")
# what XML 1.0 forbids (section 2.2): control characters but tab, LF, CR; lone surrogates
# (from a routine, or a file name that is not UTF-8); U+FFFE and U+FFFF
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CATEGORY, SUBCATEGORY = "Health & Fitness", "Fitness"  # Apple's category list, as spelled there
AUTHOR = "audiocoach"
TRANSCRIPTS = ((".vtt", "text/vtt", None), (".srt", "application/x-subrip", "captions"))
"""The synced text beside X.mp3 linked as podcast:transcript: suffix, MIME type, rel."""
COVERS = {"image/jpeg": ".cover.jpg", "image/png": ".cover.png"}
"""The embedded cover of X.mp3 is written beside it as X.cover.jpg or X.cover.png."""
IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
MAX_SCRIPT_JSON = 64 * 2**20
"""write_feed reads no script JSON larger than this (ours are a few MB at most)."""


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text)


@dataclass(frozen=True)
class Item:
    mp3: Path
    title: str
    seconds: float
    chapters: list[dict]  # [{"title", "start", "end"}] as in the script JSON
    description: str = ""
    author: str = AUTHOR
    image: str | None = None
    """The file name of the cover beside the MP3, if there is one."""
    transcripts: tuple[tuple[str, str, str | None], ...] = ()
    """(file name, MIME type, rel) of each transcript beside the MP3."""
    program: str | None = None
    season: int | None = None  # the week of a program's session
    episode: int | None = None  # its place in the program, from 1
    language: str = DEFAULT
    """The BCP 47 tag of the language it is coached in."""


def base_url(url: str) -> str:
    """The base URL of the feed's links, ending in `/`: an http or https URL with a host and
    no query or fragment; the path percent-encoded (what is already escaped stays so).
    Raises AudiocoachError saying what is wrong."""
    text = xml_text(url).strip()
    hint = "give where the folder is served, e.g. http://192.168.1.20:8000/"
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError if it is not a number in 0-65535
    except ValueError:
        raise AudiocoachError(f"--base-url {url!r} is not a valid URL", hint=hint) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise AudiocoachError(f"--base-url {url!r} must start with http:// or https://",
                              hint=hint)
    if not parts.hostname or port == 0 or not parts.netloc.isascii() \
            or any(c.isspace() or c in "<>\"\\^`{|}" for c in parts.netloc):
        raise AudiocoachError(f"--base-url {url!r} has no valid host (a name or an address, "
                              "in ASCII)", hint=hint)
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise AudiocoachError(f"--base-url {url!r} has a query or fragment; the files' URLs "
                              "are made by adding their names to it", hint=hint)
    path = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", parts.path)  # a lone % is a literal one
    path = quote(path, safe="/%!$&'()*+,;=:@~", errors="surrogateescape")
    return urlunsplit((parts.scheme.lower(), parts.netloc, path.rstrip("/") + "/", "", ""))


def feed_xml(title: str, base_url_: str, items: list[Item], description: str | None = None
             ) -> str:
    """The feed of `items`, in their order. When every item is a session of one program the
    feed is serial and the items are dated a minute apart in that order (apps list a serial
    show oldest first); otherwise each is dated by its file's time."""
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("podcast", PODCAST)
    base = base_url(base_url_)
    programs = {i.program for i in items}
    serial = bool(items) and None not in programs and len(programs) == 1 \
        and all(i.episode for i in items)
    if description is None:
        description = _channel_description(items, programs.pop() if serial else None)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(rss, title, description, base, items, serial)
    first = min((i.mp3.stat().st_mtime for i in items), default=0)
    for n, item in enumerate(items):
        _item(channel, item, base, first + 60 * n if serial else item.mp3.stat().st_mtime)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def _channel(rss: ET.Element, title: str, description: str, base: str, items: list[Item],
             serial: bool) -> ET.Element:
    """The feed's `channel`, with what it says of the whole show (no items yet)."""
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", xml_text(title)), ("link", base),
                      ("language", feed_language(items)),
                      ("description", xml_text(description))):
        ET.SubElement(channel, tag).text = text
    cover = next((i.image for i in items if i.image), None)
    if cover:
        image = ET.SubElement(channel, "image")
        for tag, text in (("url", base + _quoted(cover)), ("title", xml_text(title)),
                          ("link", base)):
            ET.SubElement(image, tag).text = text
        ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": base + _quoted(cover)})
    authors = {i.author for i in items}
    author = authors.pop() if len(authors) == 1 else AUTHOR
    ET.SubElement(channel, f"{{{ITUNES}}}author").text = xml_text(author)
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = "false"
    category = ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": CATEGORY})
    ET.SubElement(category, f"{{{ITUNES}}}category", {"text": SUBCATEGORY})
    ET.SubElement(channel, f"{{{ITUNES}}}type").text = "serial" if serial else "episodic"
    return channel


def _item(channel: ET.Element, item: Item, base: str, when: float) -> None:
    """The `item` of one workout, dated `when` (a Unix time), added to `channel`."""
    node = ET.SubElement(channel, "item")
    ET.SubElement(node, "title").text = xml_text(item.title)
    if item.description:
        ET.SubElement(node, "description").text = xml_text(item.description)
    url = base + _quoted(item.mp3.name)
    ET.SubElement(node, "enclosure", {"url": url, "length": str(item.mp3.stat().st_size),
                                      "type": "audio/mpeg"})
    # the GUID depends only on the file name, so re-rendering never makes a new episode
    guid = uuid.uuid5(GUID_NAMESPACE, os.fsencode(item.mp3.name).decode("utf-8", "replace"))
    ET.SubElement(node, "guid", {"isPermaLink": "false"}).text = str(guid)
    ET.SubElement(node, "pubDate").text = formatdate(when, usegmt=True)
    seconds = whole_seconds(round(item.seconds * 1000))
    ET.SubElement(node, f"{{{ITUNES}}}duration").text = str(seconds)
    ET.SubElement(node, f"{{{ITUNES}}}author").text = xml_text(item.author)
    ET.SubElement(node, f"{{{ITUNES}}}explicit").text = "false"
    _item_extras(node, item, base)


def _item_extras(node: ET.Element, item: Item, base: str) -> None:
    """What only some items have: a cover, a place in a program, chapters, transcripts."""
    if item.image:
        ET.SubElement(node, f"{{{ITUNES}}}image", {"href": base + _quoted(item.image)})
    if item.season:
        ET.SubElement(node, f"{{{ITUNES}}}season").text = str(item.season)
    if item.episode:
        ET.SubElement(node, f"{{{ITUNES}}}episode").text = str(item.episode)
        ET.SubElement(node, f"{{{ITUNES}}}episodeType").text = "full"
    if item.chapters:
        ET.SubElement(node, f"{{{PODCAST}}}chapters", {
            "url": base + _quoted(chapters_name(item.mp3)),
            "type": "application/json+chapters"})
    for name, mime, rel in item.transcripts:
        ET.SubElement(node, f"{{{PODCAST}}}transcript", {
            "url": base + _quoted(name), "type": mime, **({"rel": rel} if rel else {})})


def feed_language(items: list[Item]) -> str:
    """The language of the feed: its items' (the most common one, the first such in order,
    when they differ); English when there are none."""
    counted = Counter(i.language for i in items).most_common(1)
    return counted[0][0] if counted else DEFAULT


def script_language(script: dict) -> str:
    """The language a script JSON says it is in, when it is a supported one; else English
    (a JSON from before there were languages)."""
    tag = script.get("language")
    known = normalise(tag) if isinstance(tag, str) else None
    return known or DEFAULT


def _channel_description(items: list[Item], program: str | None) -> str:
    if program:
        weeks = len({i.season for i in items})
        return (f"{program}: {len(items)} voice-guided sessions over {weeks} "
                f"week{'s' * (weeks != 1)}, in order. Made with audiocoach.")
    titles = list(dict.fromkeys(i.title for i in items))
    return "Voice-guided workouts made with audiocoach: " + ", ".join(titles[:20]) + \
        (", ..." if len(titles) > 20 else "") + "."


def chapters_json(item: Item) -> str:
    """JSON chapters, Podcasting 2.0 format."""
    return json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": c["start"], "endTime": c["end"], "title": xml_text(c["title"])}
        for c in item.chapters]}, indent=1)


FEED = "feed.xml"
"""The feed's file name in its folder."""


def chapters_name(mp3: Path) -> str:
    return f"{mp3.stem}.chapters.json"


def cover_name(mp3: Path, mime: str) -> str:
    """Where the cover embedded in `mp3` is written beside it (`serve` publishes it)."""
    return mp3.stem + COVERS[mime]


def written_beside(mp3s: list[str]) -> list[str]:
    """The names of every file write_feed may write in the folder of these MP3s (named
    as in it): feed.xml, and beside each its chapters and its cover (whichever kind)."""
    return [FEED] + [name for mp3 in map(Path, mp3s)
                     for name in (chapters_name(mp3), *(cover_name(mp3, m) for m in COVERS))]


def transcripts(mp3: Path) -> tuple[tuple[str, str, str | None], ...]:
    """The transcripts (file name, MIME type, rel) that exist beside `mp3`."""
    return tuple((mp3.stem + ext, mime, rel) for ext, mime, rel in TRANSCRIPTS
                 if (mp3.parent / (mp3.stem + ext)).is_file())


def describe(script: dict, session: dict | None = None) -> str:
    """What the workout is, its dose and its equipment, from its script JSON (and, for a
    program's session, where it stands in the program)."""
    lines = []
    if session:
        lines.append(f"Week {session['week']}, day {session['day']} of {session['program']} "
                     f"(session {session['number']} of {session['sessions']}).")
    minutes = max(1, round(script["duration"] / 60))
    what = f"{script['title']}: a voice-guided workout at the {script.get('level')} level, " \
           f"about {minutes} min."
    if isinstance(script.get("source"), str) and script["source"]:
        what += f" Source: {script['source']}."
    lines.append(what)
    events = [e for e in script.get("events", []) if isinstance(e, dict)]
    cat = catalog(script_language(script))
    lines.append(_equipment(events, cat) or "No equipment needed.")
    dose = _dose(events, cat)
    if dose:
        lines.append("Dose: " + "; ".join(dose) + ".")
    return "\n".join(lines)


def _equipment(events: list[dict], cat: Catalog) -> str | None:
    """The intro's line of equipment ("You will need: a mat."), in the words of `cat`."""
    before, after = cat.template("equipment").split("{items}")
    return next((e["text"] for e in events if e.get("phase") == "intro"
                 and isinstance(e.get("text"), str) and e["text"].startswith(before)
                 and e["text"].endswith(after)), None)


def _dose(events: list[dict], cat: Catalog) -> list[str]:
    """Each exercise with its sets, reps (or seconds of work) and sides, from the events (the
    countdown's "go" in the words of `cat`)."""
    seen: dict[str, dict] = {}
    go_end = None
    for e in events:
        name = e.get("exercise")
        if not isinstance(name, str):
            continue
        ex = seen.setdefault(name, {"sets": set(), "sides": set(), "reps": 0, "work": 0.0})
        if isinstance(e.get("set"), int):
            ex["sets"].add(e["set"])
        if e.get("side") in ("left", "right"):
            ex["sides"].add(e["side"])
        if isinstance(e.get("rep"), int):
            ex["reps"] = max(ex["reps"], e["rep"])
        if e.get("phase") == "countdown" and e.get("text") == cat.phrase("go"):
            go_end = e.get("end")
        elif e.get("kind") == "tone" and e.get("tone") == "end" and go_end is not None:
            ex["work"] = max(ex["work"], e["start"] - go_end - PAUSE_MS / 1000)
            go_end = None
    out = []
    for name, ex in seen.items():
        sets = len(ex["sets"]) or 1
        amount = f"{ex['reps']} rep{'s' * (ex['reps'] != 1)}" if ex["reps"] \
            else f"{round(ex['work'])} s" if ex["work"] >= 0.5 else ""
        dose = (f"{sets} sets of {amount}" if sets > 1 else amount) if amount \
            else f"{sets} set{'s' * (sets != 1)}"
        out.append(f"{name} {dose}" + (" each side" if len(ex["sides"]) == 2 else ""))
    return out


def _quoted(name: str) -> str:
    """A file name in a URL; one that is not UTF-8 keeps its bytes, as `serve` expects."""
    return quote(name, errors="surrogateescape")


def detailed(item: Item, script_file: Path) -> tuple[Item, tuple[str, bytes] | None]:
    """`item` with its description, author, cover, transcripts and place in a program, read
    from its script JSON (already checked by the caller) and its MP3's tags; and the cover to
    write beside the MP3 (file name, bytes), if it has one."""
    try:
        data = json.loads(script_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        data = {}
    if not isinstance(data, dict) or not isinstance(data.get("duration"), (int, float)):
        data = {"title": item.title, "duration": item.seconds}
    session = _session(data.get("session"))
    author, picture = _mp3_tags(item.mp3)
    cover = (cover_name(item.mp3, picture[1]), picture[0]) if picture else None
    return replace(
        item, title=session["title"] if session else item.title,
        language=script_language(data),
        description=describe(data, session), author=author or AUTHOR,
        image=cover[0] if cover else None, transcripts=transcripts(item.mp3),
        program=session["program"] if session else None,
        season=session["week"] if session else None,
        episode=session["number"] if session else None), cover


def _session(value) -> dict | None:
    """The `session` a program's render adds to the script JSON, if it is well formed."""
    if not isinstance(value, dict):
        return None
    count = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1  # noqa: E731
    ok = all(count(value.get(k)) for k in ("week", "day", "number", "sessions")) \
        and all(isinstance(value.get(k), str) and value[k] for k in ("program", "title"))
    return value if ok else None


def _mp3_tags(mp3: Path) -> tuple[str | None, tuple[bytes, str] | None]:
    """The artist (TPE1) and the front cover (APIC: bytes, MIME type, a JPEG or PNG by its
    first bytes) of `mp3`; None for what it has not."""
    try:
        tags = ID3(str(mp3))
    except (OSError, MutagenError, ValueError):
        return None, None
    artist = str(tags["TPE1"]) if "TPE1" in tags and str(tags["TPE1"]).strip() else None
    pictures = sorted(tags.getall("APIC"), key=lambda p: p.type != 3)  # the front cover first
    for p in pictures:
        mime = next((m for magic, m in IMAGE_TYPES if p.data.startswith(magic)), None)
        if mime and len(p.data) <= COVER_MAX_BYTES:
            return artist, (p.data, mime)
    return artist, None


def write_feed(folder: Path, base_url_: str, title: str | None = None) -> Path:
    """`folder/feed.xml` with one item per rendered workout (an MP3 with its script JSON),
    and the JSON chapters of each. An MP3 that is not a file in the folder (a dangling link,
    a link out of it) or whose JSON is not a script JSON is skipped with an OutputWarning."""
    base_url(base_url_)  # a bad URL is refused before anything is written
    items = []
    for item, script_file in _workouts(folder):
        items.append(_published(folder, item, script_file))
    if not items:
        raise OutputError(f"no rendered workouts in {folder}",
                          hint=f"render some first: audiocoach render routines -o {folder}")
    # a program's sessions in program order, then the other workouts by name
    items.sort(key=lambda i: (i.program is None, i.program or "", i.episode or 0))
    path = folder / FEED
    write_text(path, feed_xml(title or _feed_title(folder, items), base_url_, items))
    return path


def _workouts(folder: Path) -> Iterator[tuple[Item, Path]]:
    """The bare item and the script JSON of each workout MP3 in `folder`, by name. An MP3
    without a JSON (a per-exercise track, or not ours) is passed over; one that is not a
    file, or whose JSON will not do, is skipped with an OutputWarning."""
    root = folder.resolve()
    for mp3 in sorted(folder.glob("*.mp3")):
        script_file = mp3.with_suffix(".json")
        if not mp3.is_file():
            _skip(mp3, "it is not a file (a link to nothing?)")
        elif script_file.exists() or script_file.is_symlink():
            item, why = _feed_item(mp3, script_file, root)
            if item is None:
                _skip(mp3, why)
            else:
                yield item, script_file


def _skip(mp3: Path, why: str) -> None:
    # stacklevel: the warning is told as coming from write_feed's caller
    warnings.warn(OutputWarning(f"feed: skipped {mp3.name}: {why}"), stacklevel=4)


def _feed_item(mp3: Path, script_file: Path, root: Path) -> tuple[Item | None, str]:
    """The feed item of `mp3`, or None and why not."""
    for path in (mp3, script_file):
        if not path.resolve().is_relative_to(root):
            return None, f"{path.name} leads out of the folder"
    json_name = script_file.name
    try:
        if not script_file.is_file():
            return None, f"{json_name} is not a file"
        if script_file.stat().st_size > MAX_SCRIPT_JSON:
            return None, f"{json_name} is too large to be a script JSON"
        data = json.loads(script_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"{json_name} cannot be read as a script JSON ({err})"
    if not _is_script_json(data):
        return None, f"{json_name} is not a script JSON written by audiocoach"
    return Item(mp3, data["title"], data["duration"], data["chapters"]), ""


def _is_script_json(data: object) -> bool:
    """Whether `data` holds what a feed item needs: a title, a duration and chapters."""
    return isinstance(data, dict) and isinstance(data.get("title"), str) \
        and _seconds(data.get("duration")) and isinstance(data.get("chapters"), list) \
        and all(isinstance(c, dict) and isinstance(c.get("title"), str)
                and _seconds(c.get("start")) and _seconds(c.get("end"))
                for c in data["chapters"])


def _seconds(value: object) -> bool:
    """Whether `value` is a time in seconds: a finite number, not negative (nor a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value) and value >= 0


def _published(folder: Path, item: Item, script_file: Path) -> Item:
    """`item` in full (see `detailed`), with its cover and JSON chapters written beside it."""
    item, cover = detailed(item, script_file)
    if cover:  # the MP3's embedded cover, beside it as X.cover.jpg or .png
        _write_if_changed(folder / cover[0], cover[1])
    write_text(folder / chapters_name(item.mp3), chapters_json(item))
    return item


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` to `path` unless it holds them already (its time then stays)."""
    try:
        same = path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        same = False
    if not same:
        write_bytes(path, data)


def _feed_title(folder: Path, items: list[Item]) -> str:
    """The program's title when every item is a session of one; else the folder's name."""
    programs = {i.program for i in items}
    only = programs.pop() if len(programs) == 1 else None
    return only if only is not None else f"audiocoach: {folder.resolve().name}"
