"""Reading one YAML document of the format: its nodes with the line and column of each, turned
into checked values, with every problem noted rather than stopping at the first.

PyYAML's node tree is walked directly, rather than loading plain dicts, because the nodes keep
the position of every key and value. Routines and programs are both read here: `load_file`
is the one way a document is loaded from a path, `Reader` reads the values in it against the
tables of `format.py`, and the caller builds its model from them.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import yaml

from .errors import Problem, RoutineError
from .format import LIMITS, MAX_DEPTH, MAX_FILE_BYTES, MAX_TEXT, SECONDS_HELP, Key, parse_seconds
from .model import LEVELS, Range, fixed

T = TypeVar("T")
Build = Callable[["Reader", yaml.Node], "T | None"]
"""Makes the model from a document's root, noting problems on the reader; None if it can't."""

_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_EXPECTED = {"routine": "a routine with a title and exercises",
             "program": "a program with its name, weeks and sessions",
             "manifest": "a list of jobs, each with a name and a routine or a program"}
"""What an empty file of each kind should hold."""
_UNREADABLE = object()
_SURROGATE = re.compile("[\ud800-\udfff]")


def load_file(path: Path, what: str, build: Build[T]) -> T:
    """Read the `what` file (routine, program) at `path` and build from it. Only a regular
    file is read: a missing one, a folder, a device, FIFO or socket is refused unopened.
    Raises RoutineError listing every problem found."""
    name = str(path)
    if not path.exists():
        raise RoutineError([Problem(name, None, None, "no such file")])
    if path.is_dir():
        raise RoutineError([Problem(name, None, None, f"is a folder, expected a {what} file")])
    if not path.is_file():
        raise RoutineError([Problem(name, None, None, "is not a regular file (a device, FIFO "
                                                      f"or socket), expected a {what} file")])
    return load_document(path.read_bytes(), name, build, what)


def load_document(data: bytes | str, name: str, build: Build[T], what: str = "routine") -> T:
    """Read the document `data` (from the `what` file `name`) and build from its root.
    Raises RoutineError listing every problem found, in the order they appear in the file."""
    reader = Reader(name, what)
    root = reader.document(data)
    built = build(reader, root) if root is not None else None
    if reader.problems or built is None:
        raise RoutineError(sorted(reader.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return built


class _Mark(Protocol):
    """Where in the file: PyYAML's Mark, from its Python or its C parser."""
    line: int
    column: int


class Reader:
    """Reads the nodes of one document into values, noting each problem with its position."""

    def __init__(self, name: str, what: str = "routine"):
        self.name = name
        self.what = what
        """What the file is (routine, program, manifest), as its messages name it."""
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | _Mark | None, message: str) -> None:
        """Note a problem at the node (or mark); None for one about the whole file."""
        mark = node.start_mark if isinstance(node, yaml.Node) else node
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        self.problems.append(Problem(self.name, line, col, message))

    # -- the document ------------------------------------------------------------------------

    def document(self, data: bytes | str) -> yaml.Node | None:
        """The root node, or None when the data is too big, not UTF-8, not YAML, or uses
        what a routine never needs (anchors, deep nesting)."""
        text = self._decoded(data)
        if text is None:
            return None
        try:
            if not self._plain_and_shallow(text):
                return None
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as err:
            self._not_yaml(err, text)
            return None
        if root is None:
            self.problem(None, f"file is empty; expected {_EXPECTED.get(self.what, self.what)}")
        return root

    def _decoded(self, data: bytes | str) -> str | None:
        """The data as text, if it is within the size limit and (as bytes) UTF-8."""
        size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "replace"))
        if size > MAX_FILE_BYTES:
            self.problem(None, f"file is {size} bytes; a {self.what} file is at most "
                               f"{MAX_FILE_BYTES} bytes")
            return None
        if isinstance(data, str):
            return data
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            self.problems.append(Problem(self.name, line, None,
                                         f"is not UTF-8 text; expected a YAML {self.what} "
                                         "file"))
            return None

    def _plain_and_shallow(self, text: str) -> bool:
        """Whether the YAML has no anchor or alias and nests at most MAX_DEPTH deep, checked
        on the parser's events before any node is made."""
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                self.problem(event.start_mark, "YAML anchors and aliases (&, *) are not "
                             "supported; write the value out in full")
                return False
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:  # stop early: PyYAML slows down badly with depth
                    self.problem(event.start_mark, f"nested more than {MAX_DEPTH} levels "
                                                   "deep; a routine never needs that")
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return True

    def _not_yaml(self, err: yaml.YAMLError, text: str) -> None:
        """Note why PyYAML could not read the text, where it says."""
        if isinstance(err, yaml.MarkedYAMLError):
            self.problem(err.problem_mark, _yaml_message(err))
        elif isinstance(err, yaml.reader.ReaderError):
            line = text[: err.position].count("\n") + 1
            code = err.character if isinstance(err.character, int) else ord(err.character)
            self.problems.append(Problem(self.name, line, None, "contains a control character "
                                         f"({code:#04x}) that YAML does not allow"))
        else:
            self.problem(None, f"not valid YAML: {err}")

    # -- mappings and their keys -------------------------------------------------------------

    def mapping(self, node: yaml.Node | None, table: dict[str, Key], what: str
                ) -> dict[str, yaml.Node] | None:
        """The values of a mapping by key, with unknown, duplicate and missing keys noted;
        None if the node is missing or not a mapping."""
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"expected {what} as a mapping of keys, got {kind(node)}")
            return None
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, f"a key is a word such as 'reps', got {kind(key_node)}")
            elif key in found:
                self.problem(key_node, f"duplicate key '{key}'; each key appears once")
            elif key not in table:
                close = difflib.get_close_matches(str(key), table, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.problem(key_node, f"unknown key '{key}' in {what}{hint} "
                                       f"(expected one of: {', '.join(table)})")
            else:
                found[key] = value
        for key, spec in table.items():
            if spec.required and key not in found:
                self.problem(node, f"missing '{key}' in {what}")
        return found

    # -- scalar values -----------------------------------------------------------------------

    def scalar(self, node: yaml.Node) -> object:
        """The scalar's value; a value YAML cannot make (`!!int three`, `!custom`) is noted
        and comes back as `_UNREADABLE`."""
        try:
            return _CONSTRUCTOR.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError,
                OverflowError):
            self.problem(node, f"cannot read the value '{node.value}' (tagged {node.tag})")
            return _UNREADABLE

    def text(self, node: yaml.Node | None, allow_empty: bool = False, spoken: bool = True
             ) -> str | None:
        """A text value. Every text is valid Unicode (a lone surrogate such as "\\ud800" is
        refused, as it can never be written out); a `spoken` one has a letter or a digit."""
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and allow_empty:
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(node, f"expected text, got {kind(node)}")
            return None
        text = self._whole_characters(node, str(value).strip())
        if text is None:
            return None
        if not text and not allow_empty:
            self.problem(node, "expected text, got an empty value")
        elif len(text) > MAX_TEXT:
            self.problem(node, f"text is {len(text)} characters; a cue is at most {MAX_TEXT}")
        elif spoken and text and not any(unicodedata.category(c)[0] in "LN" for c in text):
            self.problem(node, f"the text {text!r} has no letter or digit, so there is "
                               "nothing to say; write words, or leave it out")
        else:
            return text
        return None

    def _whole_characters(self, node: yaml.Node, text: str) -> str | None:
        """The text with each escaped surrogate pair ("\\ud83d\\ude00") made the one character
        it is; None, noted, if a surrogate stands alone (it is no character at all)."""
        if not _SURROGATE.search(text):
            return text
        try:
            return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            code = ord(_SURROGATE.search(text)[0])  # type: ignore[index]
            self.problem(node, f"the text has a lone surrogate (\\u{code:04x}), which is "
                               "not a character and cannot be written as UTF-8; write the "
                               "character itself")
            return None

    def texts(self, node: yaml.Node | None) -> tuple[str, ...]:
        """One text or a list of them; the ones that are not valid are noted and left out."""
        if node is None:
            return ()
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = [self.text(item) for item in items]
        return tuple(t for t in out if t)

    def choice(self, node: yaml.Node | None, key: Key) -> str | None:
        """One of the key's choices."""
        if node is None:
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if value not in key.choices:
            shown = repr(value) if isinstance(value, str) else kind(node)
            self.problem(node, f"got {shown}; expected one of: {', '.join(key.choices)}")
            return None
        return value

    # -- amounts: counts and seconds ---------------------------------------------------------

    def count(self, node: yaml.Node | None, key: str) -> Range | None:
        """A whole number >= 1, or a range 'low-high' such as 8-12, within LIMITS[key]. Read
        from the text as written, so YAML's other readings of it (`1:30` as 90, `0x10`) never
        slip in."""
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            return self.by_level(node, key, lambda n: self.count(n, key))
        what = f"'{key}': expected a whole number such as 12, or a range such as 8-12"
        plain = isinstance(node, yaml.ScalarNode) and node.tag.rsplit(":", 1)[-1] in ("int", "str")
        if not plain:
            self.problem(node, f"{what}; got {kind(node)}")
            return None
        text = node.value.strip()
        if re.fullmatch(r"-\s*[0-9]{1,9}", text):
            self.problem(node, f"'{key}' is {text}; expected more than 0")
            return None
        parts = [p.strip() for p in text.split("-")]
        if len(parts) > 2:
            self.problem(node, f"{what}; '{text}' has {len(parts)} parts, a range has two ends")
            return None
        if not all(re.fullmatch(r"[0-9]+", p) for p in parts):
            hint = " (that reads as a time)" if ":" in text else ""
            self.problem(node, f"{what}; got '{text}'{hint}")
            return None
        if any(len(p.lstrip("0")) > 9 for p in parts):
            self.problem(node, f"'{key}' is {text}; at most {LIMITS[key]} is allowed")
            return None
        numbers = [int(p) for p in parts]
        return self.check_range(node, key, Range(numbers[0], numbers[-1]), zero=False)

    def seconds(self, node: yaml.Node | None, key: Key) -> Range | None:
        """Seconds as a number or a duration ('30s', '2 min', '1:30'), or a range ('5-10s'),
        within the key's limit; a value per level, except for rests."""
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode) and key.limit != "rest":
            return self.by_level(node, key.limit or "phase", lambda n: self.seconds(n, key))
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is _UNREADABLE:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(node, f"{SECONDS_HELP}; got {kind(node)}")
            return None
        limit = key.limit or "phase"
        if isinstance(value, str):
            return self._duration(node, value, limit, key.zero)
        if isinstance(value, float) and math.isnan(value):
            self.problem(node, f"{SECONDS_HELP}; got {node.value}")
            return None
        if value > 10 ** 9:
            self.problem(node, f"'{key.limit}' is huge; at most {LIMITS[limit]} is allowed")
            return None
        return self.check_range(node, limit, fixed(float(value)), key.zero)

    def _duration(self, node: yaml.Node, value: str, limit: str, zero: bool) -> Range | None:
        """A duration written as text, or a range of two ('5-10s': the unit of the high end
        is that of the low end too)."""
        parts = value.split("-")
        if len(parts) > 2:
            self.problem(node, f"'{value}' has {len(parts)} parts; a range has two ends, "
                               f"such as 5-10s")
            return None
        unit = re.sub(r"^[\d.\s]+", "", parts[-1])
        numbers = [parse_seconds(p if re.search(r"[a-z:]", p) else p + unit) for p in parts]
        if any(n is None or not math.isfinite(n) or n > 10 ** 9 for n in numbers):
            self.problem(node, f"{SECONDS_HELP}; got '{value}'")
            return None
        return self.check_range(node, limit, Range(numbers[0], numbers[-1]), zero)  # type: ignore[arg-type]

    def by_level(self, node: yaml.MappingNode, key: str, one: Callable[[yaml.Node], Range | None]
                 ) -> Range | None:
        """`{easy: 8, medium: 15, hard: 15}`: a value per level; a missing level takes
        medium's value, or the nearest one given."""
        keys = self.mapping(node, {lv: Key("count", lv) for lv in LEVELS},
                            f"'{key}' per level (easy, medium, hard)")
        if not keys:
            if keys is not None:
                self.problem(node, f"'{key}' per level needs at least one of easy, medium, hard")
            return None
        values = {lv: one(v) for lv, v in keys.items()}
        if any(v is None for v in values.values()):
            return None
        if any(v.low != v.high or v.mid is not None for v in values.values()):  # type: ignore[union-attr]
            self.problem(node, f"'{key}' per level: give each level one number, not a range")
            return None
        got = {lv: v.low for lv, v in values.items()}  # type: ignore[union-attr]
        medium = got.get("medium")
        easy = got.get("easy", medium if medium is not None else got.get("hard"))
        hard = got.get("hard", medium if medium is not None else easy)
        if not easy <= (medium if medium is not None else easy) <= hard:  # type: ignore[operator]
            self.problem(node, f"'{key}' per level goes the wrong way; expected easy <= medium "
                               f"<= hard")
            return None
        return Range(easy, hard, medium)  # type: ignore[arg-type]

    def check_range(self, node: yaml.Node, key: str, value: Range, zero: bool) -> Range | None:
        """The value, if it is more than 0 (or 0, when `zero`), goes up, and is within
        LIMITS[key]."""
        limit = LIMITS.get(key, LIMITS["phase"])
        if value.low < 0 or (value.low == 0 and not zero):
            self.problem(node, f"'{key}' is {value}; expected more than 0")
        elif value.low > value.high:
            self.problem(node, f"the range {value} is upside down; write the low end first, "
                               f"such as {value.high:g}-{value.low:g}")
        elif value.high > limit:
            self.problem(node, f"'{key}' is {value}; at most {limit} is allowed")
        else:
            return value
        return None


def kind(node: yaml.Node | None) -> str:
    """What a node is, for messages: 'a mapping', 'a list', 'nothing', "the text 'x'", 'int 5'."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag.endswith(":null"):
        return "nothing"
    if node.tag.endswith(":str"):
        return f"the text '{node.value}'"
    return f"{node.tag.rsplit(':', 1)[-1]} {node.value}"


def _yaml_message(err: yaml.MarkedYAMLError) -> str:
    """PyYAML's complaint, with a hint for the two mistakes people make most."""
    problem = err.problem or "not valid YAML"
    if "\\t" in problem or "'\\t'" in problem or "tab" in problem:
        return f"not valid YAML: {problem}; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem or "expected <block end>" in problem:
        return f"not valid YAML: {problem}; check the indentation of this line and the one above"
    return f"not valid YAML: {problem}"
