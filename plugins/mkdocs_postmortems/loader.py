"""Files to documents: front-matter, body, and a map back to lines and columns.

MkDocs' own front-matter reader drops YAML errors silently, so every shell
reads post-mortems through this module. Nothing is lost on the way: a BOM,
CRLF endings and duplicate keys are reported, never silently "fixed".
"""

from __future__ import annotations

import codecs
import fnmatch
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .findings import Finding

FM_BOUNDARY = YAMLHandler.FM_BOUNDARY

try:  # the C parser is 10x faster; fall back when libyaml is missing
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
                pair = next((kv for kv in node.value if kv[0].value == part), None)
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


def _mark(node: yaml.Node, fm_line: int) -> tuple[int, int]:
    return node.start_mark.line + fm_line + 1, node.start_mark.column + 1


def load(path: Path, display: str, src_uri: str) -> Document:
    doc = Document(path=display, src_uri=src_uri)
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
    return doc


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
    try:
        loader = _Loader(source)
        try:
            node = loader.get_single_node()
            data = _construct(loader, node) if node is not None else None
        finally:
            loader.dispose()
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


class _Unusual(Exception):
    """A node the fast walk leaves to PyYAML: an alias, a merge key, an explicit tag..."""


def _construct(loader: yaml.BaseLoader, root: yaml.Node) -> Any:
    """The front-matter's value: PyYAML's safe constructor, minus its generic machinery.

    Front-matter is mappings, lists and plain scalars; walking them here is several times
    faster than PyYAML's construct_document, which was a third of reading a file. Anything
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
    pure = PurePosixPath(src_uri)
    if pure.suffix.lower() != ".md" or pure.name.lower() in ("index.md", "readme.md"):
        return False
    return not any(fnmatch.fnmatch(src_uri, pattern) for pattern in exclude)


def discover(docs_dir: Path, exclude: list[str]) -> Iterator[tuple[Path, str]]:
    """Post-mortem files under docs_dir, in a stable order."""
    for path in sorted(docs_dir.rglob("*.md")):
        src_uri = path.relative_to(docs_dir).as_posix()
        if is_postmortem(src_uri, exclude):
            yield path, src_uri


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
