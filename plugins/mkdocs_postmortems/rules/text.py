"""Prose of a post-mortem, with where each character came from.

The BL and AI rules read prose, not Markdown: fenced code, HTML comments,
headings, inline code and link targets are left out (masked with spaces so
columns stay right). Each `Span` is a paragraph of the body or one text field
of the front-matter, and maps an offset back to a line and column of the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from ..loader import key_path
from ..model import FISHBONE, GAP_TYPES

if TYPE_CHECKING:
    from ..entry import Entry

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# inline code, link/image targets, bare URLs, raw HTML tags: not prose
NOT_PROSE = re.compile(
    r"`[^`\n]*`|\]\([^)\n]*\)|<https?://[^>\s]*>|https?://\S+|</?[A-Za-z][^>\n]*>"
)
COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"
# Where a sentence ends: after . ! ? followed by space, at a list item, a table cell or a
# blank line. Good enough for prose checks; abbreviations such as "e.g." split early.
BOUNDARY = re.compile(
    r"[.!?]+[\"')\]]*\s+|\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)|\||(?<=:)\s*\n|^\s*(?:[-*+]|\d+[.)])\s+",
    re.M,
)

# Front-matter fields that hold prose, as locations into the mapping ("*" = every element).
FRONT_MATTER_TEXT: tuple[tuple[Any, ...], ...] = (
    ("title",),
    ("summary",),
    ("impact", "description"),
    *(("contributing_factors", k, "*") for k in FISHBONE),
    *(("gaps", k, "*") for k in GAP_TYPES),
    ("action_items", "*", "title"),
)


class Span:
    """A run of prose and where it starts in the file.

    The start of a front-matter span is looked up lazily (`resolve`): only spans with a
    finding need it, and locating YAML nodes for every text field cost more than the rules.
    """

    __slots__ = ("_boundaries", "_line_starts", "_resolve", "_start", "_where", "section", "text")

    def __init__(
        self,
        text: str,
        line: int = 1,
        column: int = 1,
        where: str | tuple[Any, ...] = "body",  # or the front-matter field's location
        section: str = "",  # the body heading the paragraph sits under
        exact: bool = True,  # False: offsets cannot be mapped (folded YAML), use the start
        resolve: Callable[[], tuple[int, int, bool]] | None = None,
    ) -> None:
        self.text = text
        self._where = where
        self.section = section
        self._start = None if resolve else (line, column, exact)
        self._resolve = resolve
        self._boundaries: tuple[list[int], list[int]] | None = None
        self._line_starts: list[int] | None = None

    def _origin(self) -> tuple[int, int, bool]:
        if self._start is None:
            assert self._resolve is not None
            self._start = self._resolve()
        return self._start

    @property
    def where(self) -> str:
        """ "body" or the front-matter field, e.g. "action_items[2].title"."""
        return self._where if isinstance(self._where, str) else key_path(self._where)

    @property
    def line(self) -> int:
        return self._origin()[0]

    @property
    def column(self) -> int:
        return self._origin()[1]

    @property
    def exact(self) -> bool:
        return self._origin()[2]

    def __repr__(self) -> str:
        return f"Span({self.text!r}, where={self.where!r})"

    def position(self, offset: int) -> tuple[int, int]:
        """The file line and column of a character of `text`."""
        line, column, exact = self._origin()
        if not exact:
            return line, column
        if "\n" not in self.text:
            return line, column + offset
        if self._line_starts is None:  # once per span: many findings cost one scan
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        newlines = bisect_right(self._line_starts, offset) - 1
        if newlines == 0:
            return line, column + offset
        return line + newlines, offset - self._line_starts[newlines] + 1

    def sentence(self, offset: int) -> tuple[int, int]:
        """The start and end offsets of the sentence around `offset`.

        The boundaries are found once per span: a paragraph of many findings costs one scan.
        """
        if self._boundaries is None:
            found = list(BOUNDARY.finditer(self.text))
            self._boundaries = ([m.start() for m in found], [m.end() for m in found])
        starts, ends = self._boundaries
        before = bisect_right(ends, offset)  # boundaries that end at or before `offset`
        start = ends[before - 1] if before else 0
        after = bisect_left(starts, offset)  # the first boundary starting at or after it
        end = starts[after] if after < len(starts) else len(self.text)
        return start, end

    def sentence_prefix(self, offset: int) -> str:
        """The text of the sentence before `offset` (for negation and "sentence start")."""
        return self.text[self.sentence(offset)[0] : offset]

    def sentence_text(self, offset: int) -> str:
        start, end = self.sentence(offset)
        return " ".join(self.text[start:end].split())


def spans(entry: Entry) -> list[Span]:
    """Every prose span of the file (kept in `entry.text_cache`: each rule reads the same)."""
    cache = entry.text_cache
    if cache.spans is None:
        found = list(body_spans(entry.doc.body, entry.doc.body_line))
        found.extend(front_matter_spans(entry))
        cache.spans = found  # type: ignore[assignment]
    return cache.spans  # type: ignore[return-value]


def body_spans(body: str, first_line: int = 1) -> Iterator[Span]:
    """Paragraphs of the body outside code fences, comments and headings."""
    paragraph: list[str] = []
    start = first_line
    section = ""
    fenced = False
    in_comment = False
    lines = body.split("\n")

    def flush() -> Iterator[Span]:
        text = "\n".join(paragraph)
        if text.strip():
            yield Span(text, start, 1, "body", section)
        paragraph.clear()

    # Substring checks before each regex: most lines are plain prose, and these lines
    # are most of the cost of reading a file's prose.
    has_fence = "```" in body or "~~~" in body
    for index, raw in enumerate(lines):
        number = first_line + index
        if has_fence and (fenced or FENCE.match(raw)):
            if FENCE.match(raw):
                fenced = not fenced
            yield from flush()
            continue
        if in_comment or COMMENT_OPEN in raw:
            line, in_comment = _mask_comments(raw, in_comment)
        else:
            line = raw
        if "#" in line and HEADING.match(line) and not in_comment:
            yield from flush()
            section = line.strip().lstrip("#").strip().rstrip("#").strip()
            continue
        if not line.strip() or ("--" in line and TABLE_RULE.match(line)):
            yield from flush()
            continue
        if not paragraph:
            start = number
        if "`" in line or "](" in line or "<" in line or "http" in line:
            line = NOT_PROSE.sub(_blank, line)
        paragraph.append(line)
    yield from flush()


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _mask_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Blank out HTML comments (which may span lines), keeping columns."""
    out = []
    position = 0
    while position < len(line):
        if in_comment:
            end = line.find(COMMENT_CLOSE, position)
            if end < 0:
                out.append(" " * (len(line) - position))
                return "".join(out), True
            out.append(" " * (end + len(COMMENT_CLOSE) - position))
            position = end + len(COMMENT_CLOSE)
            in_comment = False
        else:
            begin = line.find(COMMENT_OPEN, position)
            if begin < 0:
                out.append(line[position:])
                break
            out.append(line[position:begin])
            position = begin
            in_comment = True
    return "".join(out), in_comment


def front_matter_spans(entry: Entry) -> Iterator[Span]:
    """Text fields of the front-matter, read from the raw mapping (works without a model)."""
    meta = entry.doc.meta
    if not isinstance(meta, dict):
        return
    for pattern in FRONT_MATTER_TEXT:
        for loc, value in _walk(meta, pattern):
            if isinstance(value, str) and value.strip():
                yield Span(value, where=loc, resolve=partial(_start, entry, loc, value))


def _start(entry: Entry, loc: tuple[Any, ...], value: str) -> tuple[int, int, bool]:
    """Where a front-matter text value starts, and whether its offsets map to columns."""
    line, column = entry.doc.locate(loc)
    lines = entry.text_cache.lines
    if lines is None:
        lines = entry.text_cache.lines = entry.doc.text.split("\n")
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    exact = "\n" not in value.strip()
    if raw[column - 1 :].startswith(value):
        pass
    elif raw[column - 1 : column].strip() in ("'", '"') and raw[column:].startswith(value):
        column += 1
    else:
        exact = False  # folded, escaped or block scalar: point at its start
    return line, column, exact


def _walk(node: Any, pattern: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """The (location, value) pairs `pattern` reaches, in document order."""
    found: list[tuple[tuple[Any, ...], Any]] = [((), node)]
    for head in pattern:
        reached = []
        for loc, value in found:
            if head == "*":
                if isinstance(value, list):
                    reached.extend(((*loc, i), item) for i, item in enumerate(value))
            elif isinstance(value, dict) and head in value:
                reached.append(((*loc, head), value[head]))
        if not reached:
            return reached
        found = reached
    return found
