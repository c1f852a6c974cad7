"""A podcast feed for a folder of rendered workouts: RSS 2.0 with the itunes and podcast
namespaces, one item per workout MP3, and JSON chapters (Podcasting 2.0) for each.

Every text a routine or a file name brings is passed through `xml_text`, which drops what
XML 1.0 cannot hold; ElementTree escapes the rest (`&`, `<`, `>`, quotes)."""

from __future__ import annotations

import json
import os
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
GUID_NAMESPACE = uuid.UUID("6f1f3b5e-4c0e-4d8a-9a51-a0d1c0ac0ac0")
# what XML 1.0 forbids (section 2.2): control characters but tab, LF, CR; lone surrogates
# (from a routine, or a file name that is not UTF-8); U+FFFE and U+FFFF
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text)


@dataclass(frozen=True)
class Item:
    mp3: Path
    title: str
    seconds: float
    chapters: list[dict]  # [{"title", "start", "end"}] as in the script JSON


def feed_xml(title: str, base_url: str, items: list[Item]) -> str:
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("podcast", PODCAST)
    base = xml_text(base_url).rstrip("/") + "/"
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", xml_text(title)), ("link", base), ("language", "en"),
                      ("description", "Voice-guided workouts made with audiocoach.")):
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, f"{{{ITUNES}}}author").text = "audiocoach"
    ET.SubElement(channel, f"{{{ITUNES}}}explicit").text = "false"
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Health & Fitness"})
    for item in items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = xml_text(item.title)
        url = base + _quoted(item.mp3.name)
        ET.SubElement(node, "enclosure", {"url": url, "length": str(item.mp3.stat().st_size),
                                          "type": "audio/mpeg"})
        # the GUID depends only on the file name, so re-rendering never makes a new episode
        guid = uuid.uuid5(GUID_NAMESPACE, os.fsencode(item.mp3.name).decode("utf-8", "replace"))
        ET.SubElement(node, "guid", {"isPermaLink": "false"}).text = str(guid)
        ET.SubElement(node, "pubDate").text = formatdate(item.mp3.stat().st_mtime, usegmt=True)
        ET.SubElement(node, f"{{{ITUNES}}}duration").text = str(round(item.seconds))
        if item.chapters:
            ET.SubElement(node, f"{{{PODCAST}}}chapters", {
                "url": base + _quoted(chapters_name(item.mp3)),
                "type": "application/json+chapters"})
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def chapters_json(item: Item) -> str:
    """JSON chapters, Podcasting 2.0 format."""
    return json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": c["start"], "endTime": c["end"], "title": xml_text(c["title"])}
        for c in item.chapters]}, indent=1)


def chapters_name(mp3: Path) -> str:
    return f"{mp3.stem}.chapters.json"


def _quoted(name: str) -> str:
    """A file name in a URL; one that is not UTF-8 keeps its bytes, as `serve` expects."""
    return quote(name, errors="surrogateescape")
