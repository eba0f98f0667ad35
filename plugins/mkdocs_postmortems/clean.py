"""Author text on its way out: one function per output kind that does not escape by itself.

HTML goes through Jinja's autoescape and JSON through `json`; these are for the rest:

- `terminal`: `postmortems check/search/actions` print titles and quoted values; an ESC
  or a carriage return in a title would recolour, move or overwrite what the reader sees;
- `csv_cell`: a cell starting with `=`, `+`, `-` or `@` is a formula to a spreadsheet;
- `xml_text`: XML 1.0 cannot carry most control characters at all (the feed would be
  ill-formed);
- `ics_text`: RFC 5545 text excludes control characters other than tab.

Nothing is dropped silently: a control character in the XML or calendar becomes U+FFFD,
and `postmortems check` reports it in the front-matter (PM110).

A leaf module: it imports nothing of the package, so every layer may use it.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls (U+0085 NEL included).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What PM110 asks to remove from the front-matter: control characters, and the
# bidirectional embeddings and overrides that show a title's words in another order than
# they are stored ("Trojan Source"). Marks and isolates (U+200E, U+2066...) are kept: they
# are how right-to-left text is written correctly.
HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
# For the terminal also bidirectional overrides and isolates, which reorder what is shown
# ("Trojan Source"), and newlines and tabs inside one value.
_TERMINAL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TERMINAL_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# What XML 1.0 cannot hold besides the controls above: lone surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str, *, keep_newlines: bool = False) -> str:
    """Control characters as visible escapes (`\\x1b`), so text cannot drive the terminal.

    `keep_newlines` is for text this package laid out itself (a table, the list of
    findings); a single value (a title) has its newlines escaped too.
    """
    pattern = _TERMINAL_KEEP_LINES if keep_newlines else _TERMINAL
    return pattern.sub(_visible, text)


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection).

    A leading `'` is what spreadsheets themselves use to mark "this is text"; it only
    goes on cells that start like a formula, so ids, dates and plain titles are unchanged.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: control characters and non-characters become U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, text)


def ics_text(text: str) -> str:
    """Text an iCalendar TEXT value may hold (RFC 5545 3.3.11: no controls but tab, and
    newlines, which the icalendar library writes as `\\n`)."""
    return _NOT_XML.sub(REPLACEMENT, text)


def control_characters(text: str) -> list[int]:
    """Offsets of the control characters in `text` (tab and newline are fine)."""
    return [match.start() for match in CONTROL.finditer(text)]


def describe(char: str) -> str:
    """`U+001B` with a name a reader may know, for messages."""
    names = {
        "\x00": "NUL",
        "\x07": "BEL",
        "\x08": "backspace",
        "\x0b": "vertical tab",
        "\x0c": "form feed",
        "\x0d": "carriage return",
        "\x1b": "ESC",
        "\x7f": "DEL",
        "\x85": "NEL",
        "\x9b": "CSI",
        "\u202a": "left-to-right embedding",
        "\u202b": "right-to-left embedding",
        "\u202c": "pop directional formatting",
        "\u202d": "left-to-right override",
        "\u202e": "right-to-left override",
    }
    name = names.get(char)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")
