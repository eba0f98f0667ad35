"""Files to documents: front-matter, body, and a map back to lines and columns.

MkDocs' own front-matter reader drops YAML errors silently, so every shell
reads post-mortems through this module. Nothing is lost on the way: a BOM,
CRLF endings and duplicate keys are reported, never silently "fixed".
"""

from __future__ import annotations

import codecs
import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .clean import HIDDEN, describe
from .findings import Finding

FM_BOUNDARY = YAMLHandler.FM_BOUNDARY

try:  # the C parser is much faster; fall back when libyaml is missing
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML without implicit timestamps: pydantic parses dates, with better errors."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Loc = tuple[str | int, ...]

# What a front-matter may hold. Real ones are a few kilobytes, a few hundred values and
# four levels deep; the limits are far above that and far below what makes a check slow:
# YAML aliases repeat a node without repeating its text, so 600 bytes of nested aliases
# expand to a billion values, and every later step (schema, rules, pages) would walk them.
MAX_FRONT_MATTER_CHARS = 1_000_000
MAX_VALUES = 10_000  # scalars, lists and mappings, each alias counted as what it repeats
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40  # Python refuses ints of 4,300 digits; YAML 1.1 sexagesimals are slow


@dataclass
class Document:
    """One Markdown file as read from disk."""

    path: str  # as shown in findings, relative to the working directory when possible
    src_uri: str  # relative to the docs dir, with forward slashes
    text: str = ""
    meta: dict[str, Any] | None = None
    body: str = ""
    body_line: int = 1  # line number of the body's first line
    node: yaml.Node | None = None
    fm_line: int = 1  # line of the opening ---
    findings: list[Finding] = field(default_factory=list)
    # key -> (key node, value node) of large mappings, so locating each of 5,000 unknown
    # keys is not a scan of all 5,000 (a quadratic check)
    _keys: dict[int, dict[Any, tuple[Any, Any]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def finding(
        self, code: str, message: str, line: int = 1, column: int = 1, **kw: Any
    ) -> Finding:
        return Finding(self.path, line, column, code, kw.pop("severity", "error"), message, **kw)

    def locate(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """The line and column of a front-matter value (or of its key)."""
        node = self.node
        found: tuple[int, int] = (self.fm_line, 1)
        if node is not None:
            found = _mark(node, self.fm_line)
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = self._pair(node, part)
                if pair is None:
                    break
                if key and part == loc[-1]:
                    return _mark(pair[0], self.fm_line)
                node = pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = node.value[part]
            else:
                continue  # a pydantic-internal step such as a union member's name
            found = _mark(node, self.fm_line)
        return found

    def _pair(self, node: yaml.MappingNode, key: str) -> tuple[Any, Any] | None:
        """The first pair with this key (the one a duplicate-key finding keeps pointing at)."""
        if len(node.value) <= 32:
            return next((kv for kv in node.value if kv[0].value == key), None)
        index = self._keys.get(id(node))
        if index is None:
            index = self._keys[id(node)] = {}
            for pair in node.value:
                if isinstance(pair[0], yaml.ScalarNode):
                    index.setdefault(pair[0].value, pair)
        return index.get(key)


def _mark(node: yaml.Node, fm_line: int) -> tuple[int, int]:
    return node.start_mark.line + fm_line + 1, node.start_mark.column + 1


def load(path: Path, display: str, src_uri: str) -> Document:
    doc = Document(path=display, src_uri=src_uri)
    problem = link_problem(path, _docs_dir_of(path, src_uri))
    if problem is not None:  # never read: the finding names the link, not what it points at
        doc.findings.append(doc.finding("PM109", problem))
        return doc
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(doc.finding("PM101", f"cannot read the file: {exc.strerror}"))
        return doc
    return parse(raw, doc)


def parse(raw: bytes, doc: Document) -> Document:
    if raw.startswith(codecs.BOM_UTF8):
        doc.findings.append(
            doc.finding(
                "PM103",
                "the file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
                severity="warning",
            )
        )
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.findings.append(
            doc.finding(
                "PM102",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
                line,
                column,
            )
        )
        return doc
    doc.text = text.replace("\r\n", "\n")
    if not doc.text.strip():
        doc.findings.append(doc.finding("PM101", "the file is empty; start from `postmortems new`"))
        return doc
    _split(doc)
    _body_controls(doc)
    return doc


def _body_controls(doc: Document) -> None:
    """PM110 in the body too: a bidirectional override there reorders what readers and
    reviewers see of the narrative, and an ESC or NUL is as invisible. One finding a line."""
    if not HIDDEN.search(doc.body):
        return
    for n, line in enumerate(doc.body.split("\n")):
        found = HIDDEN.search(line)
        if found is not None:
            doc.findings.append(
                doc.finding(
                    "PM110",
                    f"control character {describe(found.group(0))} in "
                    f"`{_excerpt(line, found.start())}`; delete it, or write what it stands "
                    "for in words",
                    doc.body_line + n,
                    found.start() + 1,
                )
            )


def _split(doc: Document) -> None:
    text = doc.text
    lead = len(text) - len(text.lstrip("\n"))
    opening = FM_BOUNDARY.match(text, lead)
    if opening is None:
        doc.findings.append(
            doc.finding(
                "PM104",
                "no YAML front-matter; start the file with a `---` line, the fields, and `---`",
            )
        )
        doc.body = text
        return
    doc.fm_line = text.count("\n", 0, lead) + 1
    closing = FM_BOUNDARY.search(text, opening.end())
    if closing is None:
        doc.findings.append(
            doc.finding(
                "PM104",
                "the front-matter opened here is never closed; add a `---` line after it",
                doc.fm_line,
            )
        )
        return
    source = text[opening.end() + 1 : closing.start()]
    doc.body_line = text.count("\n", 0, closing.end()) + 2
    doc.body = text[closing.end() + 1 :]
    if len(source) > MAX_FRONT_MATTER_CHARS:
        doc.findings.append(
            doc.finding(
                "PM108",
                f"the front-matter is {len(source):,} characters long; the limit is "
                f"{MAX_FRONT_MATTER_CHARS:,}: keep long text in the body",
                doc.fm_line,
            )
        )
        return
    try:
        loader = _Loader(source)
        try:
            composer = _Composer(loader, doc.fm_line)
            node = composer.compose()
            doc.findings.extend(
                doc.finding("PM110", message, *_position(mark, doc.fm_line))
                for mark, message in composer.controls
            )
            data = _construct(loader, node) if node is not None else None
        finally:
            loader.dispose()
    except _Limit as exc:
        doc.findings.append(doc.finding(exc.code, exc.message, *_position(exc.mark, doc.fm_line)))
        return
    except yaml.reader.ReaderError as exc:  # a raw control character: say where it is
        at = exc.position
        if _BaseLoader is not yaml.SafeLoader:  # libyaml counts bytes of UTF-8
            at = len(source.encode("utf-8")[:at].decode("utf-8", "ignore"))
        line = source.count("\n", 0, at) + doc.fm_line + 1
        column = at - (source.rfind("\n", 0, at) + 1) + 1
        doc.findings.append(
            doc.finding(
                "PM110",
                f"control character {describe(chr(exc.character))} in the front-matter; "
                "delete it (it is invisible in most editors)",
                line,
                column,
            )
        )
        return
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + doc.fm_line + 1 if mark else doc.fm_line
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        doc.findings.append(
            doc.finding(
                "PM105",
                f"the front-matter is not valid YAML: {problem}; "
                "check indentation and quote values that contain `: ` or `#`",
                line,
                column,
            )
        )
        return
    except yaml.YAMLError as exc:  # e.g. an unhashable key
        doc.findings.append(
            doc.finding("PM105", f"the front-matter is not valid YAML: {exc}", doc.fm_line)
        )
        return
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind(data)}"
        line, column = _mark(node, doc.fm_line) if node is not None else (doc.fm_line, 1)
        doc.findings.append(
            doc.finding(
                "PM106",
                f"the front-matter is {kind}; it must be a mapping of fields such as `id: ...`",
                line,
                column,
            )
        )
        return
    doc.node = node
    doc.meta = data
    doc.findings.extend(_duplicate_keys(doc, node))


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map"))
_SCALARS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "null"))


_INT = "tag:yaml.org,2002:int"


class _Limit(Exception):
    """The front-matter is beyond MAX_VALUES, MAX_DEPTH or MAX_NUMBER_CHARS."""

    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.mark = code, message, mark


def _position(mark: Any, fm_line: int) -> tuple[int, int]:
    return mark.line + fm_line + 1, mark.column + 1


class _Composer:
    """YAML events → nodes, as PyYAML's composer does, counting as it goes.

    PyYAML's own composer shares a node between an anchor and its aliases, so composing
    a "billion laughs" is cheap and everything after it is not. Here every alias adds the
    size of what it repeats to the count, and composing stops at the first value past a
    limit, with its line: a hostile file costs milliseconds, whatever its size.
    Scalars with control characters (written as escapes, such as "\\e") are noted too.
    """

    def __init__(self, loader: Any, fm_line: int = 1) -> None:
        self.loader = loader
        self.fm_line = fm_line  # to name lines of the file in messages
        self.count = 0
        self.controls: list[tuple[Any, str]] = []

    def compose(self) -> yaml.Node | None:
        loader = self.loader
        loader.get_event()  # stream start
        root = None
        if not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # document start
            root = self._node()
            loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                root.start_mark if root is not None else None,
                "but found another document",
                event.start_mark,
            )
        loader.get_event()  # stream end
        return root

    def _too_many(self, mark: Any) -> _Limit:
        return _Limit(
            "PM108",
            f"the front-matter holds more than {MAX_VALUES:,} values here (each use of "
            "an alias `*name` counts as all it repeats); write the values out, or "
            "move long lists into the body",
            mark,
        )

    def _node(self) -> yaml.Node:
        """One node and everything under it, without recursion (depth is data)."""
        get_event, resolve = self.loader.get_event, self.loader.resolve
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        scalar_node, sequence_node, mapping_node = (
            yaml.ScalarNode,
            yaml.SequenceNode,
            yaml.MappingNode,
        )
        control = HIDDEN.search
        anchors: dict[str, tuple[yaml.Node, int | None]] = {}
        # open collections: [node, is a sequence, anchor, count before it, key awaiting value]
        stack: list[list[Any]] = []
        count = 0
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                count += 1
                if count > MAX_VALUES:
                    raise self._too_many(event.start_mark)
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(scalar_node, value, event.implicit)
                if tag == _INT and len(value) > MAX_NUMBER_CHARS:
                    raise _Limit(
                        "PM208",
                        f"a number of {len(value):,} characters is out of range; "
                        "write a smaller number, or quote it if it is text",
                        event.start_mark,
                    )
                if control(value):
                    self._control(event, value)
                done = scalar_node(tag, value, event.start_mark, event.end_mark, event.style)
                if event.anchor is not None:
                    self._anchor(anchors, event, done, 1)
            elif kind in ends:
                node, _, anchor, before, _ = stack.pop()
                node.end_mark = event.end_mark
                if anchor is not None:
                    anchors[anchor] = (node, count - before)
                done = node
            elif kind is alias_event:
                target = anchors.get(event.anchor)
                if target is None:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                    )
                done, size = target
                if size is None:
                    raise _Limit(
                        "PM108",
                        f"the alias `*{event.anchor}` is inside the node it repeats, which "
                        "never ends; write the values out",
                        event.start_mark,
                    )
                count += size
                if count > MAX_VALUES:
                    raise self._too_many(event.start_mark)
            else:  # the start of a sequence or a mapping
                count += 1
                if count > MAX_VALUES:
                    raise self._too_many(event.start_mark)
                if len(stack) >= MAX_DEPTH:
                    raise _Limit(
                        "PM108",
                        f"the front-matter nests deeper than {MAX_DEPTH} levels here; "
                        "a post-mortem needs four",
                        event.start_mark,
                    )
                is_sequence = kind is yaml.SequenceStartEvent
                node_kind = sequence_node if is_sequence else mapping_node
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_kind, None, event.implicit)
                node = node_kind(tag, [], event.start_mark, None, event.flow_style)
                if event.anchor is not None:
                    self._anchor(anchors, event, node, None)  # open: an alias to it recurses
                stack.append([node, is_sequence, event.anchor, count - 1, None])
                continue
            if not stack:
                self.count = count
                return done
            top = stack[-1]
            if top[1]:
                top[0].value.append(done)
            elif top[4] is None:
                top[4] = done  # a key; its value comes next
            else:
                top[0].value.append((top[4], done))
                top[4] = None

    def _anchor(
        self,
        anchors: dict[str, tuple[yaml.Node, int | None]],
        event: Any,
        node: yaml.Node,
        size: int | None,
    ) -> None:
        anchor = event.anchor
        if anchor in anchors:
            first = anchors[anchor][0].start_mark.line + self.fm_line + 1
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the anchor `&{anchor}` is defined twice (first at line {first}); rename one",
                event.start_mark,
            )
        anchors[anchor] = (node, size)

    def _control(self, event: Any, value: str) -> None:
        offset = HIDDEN.search(value).start()  # type: ignore[union-attr]
        self.controls.append(
            (
                event.start_mark,
                f"control character {describe(value[offset])} in `{_excerpt(value, offset)}`; "
                "delete it, or write what it stands for in words",
            )
        )


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _excerpt(value: str, offset: int) -> str:
    """Up to 30 characters around a position, control characters as escapes."""
    start = max(0, offset - 15)
    text = value[start : offset + 15]
    shown = HIDDEN.sub(_escape, text).replace("`", "'")
    return ("…" if start else "") + shown + ("…" if offset + 15 < len(value) else "")


class _Unusual(Exception):
    """A node the fast walk leaves to PyYAML: an alias, a merge key, an explicit tag..."""


def _construct(loader: yaml.BaseLoader, root: yaml.Node) -> Any:
    """The front-matter's value: PyYAML's safe constructor, minus its generic machinery.

    Front-matter is mappings, lists and plain scalars; walking them here is several times
    faster than PyYAML's construct_document, a large share of reading a file. Anything
    else (anchors and aliases, merge keys, explicit tags) goes to PyYAML itself, so the
    values and the errors are PyYAML's either way.
    """
    seen: set[int] = set()
    constructors = loader.yaml_constructors

    def walk(node: yaml.Node) -> Any:
        if id(node) in seen:
            raise _Unusual  # an alias: PyYAML shares the object
        seen.add(id(node))
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP:
            out = {}
            for key, value in node.value:
                if key.tag != _STR and key.tag not in _SCALARS:
                    raise _Unusual  # a merge key (<<), a list as a key...
                out[walk(key)] = walk(value)
            return out
        if tag == _SEQ:
            return [walk(item) for item in node.value]
        if tag in _SCALARS:
            return constructors[tag](loader, node)
        raise _Unusual

    try:
        return walk(root)
    except _Unusual:
        return loader.construct_document(root)


def _duplicate_keys(doc: Document, node: yaml.Node) -> Iterator[Finding]:
    """PyYAML keeps the last of two equal keys; the author's first value would be lost."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        first = seen[key.value].start_mark.line + doc.fm_line + 1
                        line, column = _mark(key, doc.fm_line)
                        yield doc.finding(
                            "PM107",
                            f"duplicate key `{key.value}` (first at line {first}); "
                            "keep one of them",
                            line,
                            column,
                        )
                    seen[key.value] = key
                if not isinstance(value, yaml.ScalarNode):  # scalars hold no keys
                    stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(v for v in current.value if not isinstance(v, yaml.ScalarNode))


def _kind(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def is_postmortem(src_uri: str, exclude: list[str]) -> bool:
    """Every Markdown page is a post-mortem except index pages, READMEs and excluded globs."""
    return postmortem_filter(exclude)(src_uri)


def postmortem_filter(exclude: list[str]) -> Callable[[str], bool]:
    """`is_postmortem` for one list of globs, to ask of every file of a large archive."""
    excluded = _excluded(tuple(exclude))

    def keep(src_uri: str) -> bool:
        name = src_uri.rstrip("/").rpartition("/")[2].lower()
        dot = name.rfind(".")  # a suffix as pathlib sees it: not a leading dot
        suffix = name[dot:] if 0 < dot < len(name) - 1 else ""
        if suffix != ".md" or name in ("index.md", "readme.md"):
            return False
        return excluded(src_uri) is None

    return keep


@functools.lru_cache(maxsize=16)
def _excluded(patterns: tuple[str, ...]) -> Any:
    """One compiled regex for the globs (what fnmatch does per pattern, per call): a large
    archive asks this once per file."""
    if not patterns:
        return lambda _: None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def discover(docs_dir: Path, exclude: list[str]) -> Iterator[tuple[Path, str]]:
    """Post-mortem files under docs_dir, in a stable order, and every symbolic link there
    that points outside the repository or nowhere (`load` reports those, without reading).

    Links to folders inside the repository are followed, as MkDocs does, each folder once.
    """
    root = repository_root(docs_dir)
    found: list[tuple[Path, bool]] = []  # (path, is a bad link)
    visited: set[str] = set()
    folders = [docs_dir]
    while folders:
        folder = folders.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue  # a link back to a folder already walked (a loop)
        visited.add(real)
        try:
            items = list(os.scandir(folder))
        except OSError:
            continue
        for item in items:
            path = folder / item.name
            if item.is_symlink():
                if link_problem(path, docs_dir, root) is not None:
                    found.append((path, True))
                    continue
                if item.is_dir():
                    folders.append(path)
                    continue
            elif item.is_dir(follow_symlinks=False):
                folders.append(path)
                continue
            if item.name.endswith(".md"):
                found.append((path, False))
    for path, bad in sorted(found):
        src_uri = path.relative_to(docs_dir).as_posix()
        if bad or is_postmortem(src_uri, exclude):
            yield path, src_uri


@functools.lru_cache(maxsize=64)
def repository_root(docs_dir: Path) -> Path:
    """What the archive may read: the git work tree holding docs_dir (its nearest ancestor
    with `.git`), else the folder above docs_dir, where mkdocs.yml lives."""
    resolved = docs_dir.resolve()
    for folder in (resolved, *resolved.parents):
        if (folder / ".git").exists():
            return folder
    return resolved.parent


def link_problem(path: Path, docs_dir: Path, root: Path | None = None) -> str | None:
    """Why a file (or folder) under docs_dir must not be read, or None when it may be.

    A symbolic link that leads outside the repository would publish whatever it points
    at; one that leads nowhere made MkDocs stop with a traceback. Links inside are fine.
    The plugin asks this for every file MkDocs collects (MkDocs follows links itself).
    """
    root = root or repository_root(docs_dir)
    try:
        if not path.is_symlink():
            parent = _resolved_dir(path.parent)  # a linked folder higher up
            return None if parent.is_relative_to(root) else _outside(path, "folder")
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, on older Pythons
        return (
            f"`{path.name}` is a symbolic link to something that does not exist; "
            "remove the link, or point it at a file in the repository"
        )
    return None if real.is_relative_to(root) else _outside(path, "link")


def _outside(path: Path, how: str) -> str:
    where = "is a symbolic link" if how == "link" else "is in a linked folder that leads"
    return (
        f"`{path.name}` {where} outside the repository; it is not read or published. "
        "Copy what it points at into the repository, or remove the link"
    )


def _docs_dir_of(path: Path, src_uri: str) -> Path:
    """The docs dir a file was found in: its path without the src_uri parts."""
    parts = PurePosixPath(src_uri).parts
    if 0 < len(parts) < len(path.parts) and path.parts[-len(parts) :] == parts:
        return Path(*path.parts[: -len(parts)])
    return path.parent


@functools.lru_cache(maxsize=256)
def _resolved_dir(directory: Path) -> Path:
    """Resolved once per directory, not once per file (each resolve is a syscall per part)."""
    return directory.resolve()


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Paths relative to the working directory, so editors and GitHub can open them."""
    base = _resolved_dir(cwd or Path.cwd())
    resolved = _resolved_dir(path.parent) / path.name
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def key_path(loc: tuple[object, ...]) -> str:
    """A front-matter location as authors write it: `action_items[2].owner`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
