"""User text shown through Markdown: literal, with its line breaks."""

from homecrm.ui.text import md, md_lines


def test_markdown_and_links_are_shown_literally():
    out = md("**gras** [lien](http://evil.example)")
    assert out.startswith(r"\*\*gras\*\* \[lien\]\(http") and "**" not in out.replace("\\*", "")


def test_line_breaks_are_kept():
    assert md_lines("ligne A\nligne *B*") == "ligne A  \nligne \\*B\\*"
    assert md_lines(None) == ""
