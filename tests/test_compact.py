"""Written pages lose the templates' indentation, never text a reader sees."""

from __future__ import annotations

from mkdocs_postmortems.render import compact_html


def test_indentation_collapses_and_preformatted_text_stays() -> None:
    page = (
        "<div>\n      <p>Two  spaces\n        stay apart</p>\n    </div>\n"
        "<pre><code>line 1\n    indented line 2\n</code></pre>\n"
        '<script>\n  var a = "x\\n    y";\n</script>\n'
        "<p>inline <code>a\n    b</code> code</p>\n"
        "<textarea>\n  kept\n</textarea>"
    )
    assert compact_html(page) == (
        "<div>\n<p>Two  spaces\nstay apart</p>\n</div>\n"
        "<pre><code>line 1\n    indented line 2\n</code></pre>\n"
        '<script>\n  var a = "x\\n    y";\n</script>\n'
        "<p>inline <code>a\n    b</code> code</p>\n"
        "<textarea>\n  kept\n</textarea>"
    )


def test_a_page_without_indentation_is_unchanged() -> None:
    page = "<p>a</p>\n<p>b <em>c</em></p>"
    assert compact_html(page) == page
