"""The cleaning functions, one per output that does not escape by itself."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from mkdocs_postmortems import clean


def test_terminal_shows_control_characters_as_escapes() -> None:
    text = "a\x1b[2Jb\rc\x07d\x9be\u202ef\x00g\th\ni"
    assert clean.terminal(text) == "a\\x1b[2Jb\\x0dc\\x07d\\x9be\\u202ef\\x00g\\x09h\\x0ai"
    assert clean.terminal(text, keep_newlines=True).endswith("g\th\ni")
    assert clean.terminal("Café — 日本語 ✓") == "Café — 日本語 ✓"  # printable text unchanged


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Add a load test", "Add a load test"),
        ("2026-04-26", "2026-04-26"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell_neutralises_formulas_only(cell: str, shown: str) -> None:
    assert clean.csv_cell(cell) == shown


def test_xml_and_ics_text_replace_what_they_cannot_carry() -> None:
    text = "a\x00b\x1bc\x7fd\x85e\ufffff\tg\nh"
    assert clean.xml_text(text) == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\tg\nh"
    assert clean.ics_text(text) == clean.xml_text(text)
    element = ET.Element("t")
    element.text = clean.xml_text("".join(chr(c) for c in range(0x20)))
    ET.fromstring(ET.tostring(element))  # well-formed


def test_describe_names_the_character() -> None:
    assert clean.describe("\x1b") == "U+001B (ESC)"
    assert clean.describe("\x01") == "U+0001"
