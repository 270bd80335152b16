"""User text shown through Markdown: literal, with its line breaks."""

from homecrm.ui.text import md, md_lines


def test_markdown_and_links_are_shown_literally():
    out = md("**gras** [lien](http://evil.example)")
    assert out.startswith(r"\*\*gras\*\* \[lien\]\(http") and "**" not in out.replace("\\*", "")


def test_line_breaks_are_kept():
    assert md_lines("ligne A\nligne *B*") == "ligne A  \nligne \\*B\\*"
    assert md_lines(None) == ""


def test_chips_and_the_calendar_legend_show_user_text_literally():
    """Both go through st.markdown(unsafe_allow_html=True): a name is never HTML (colours are hex, checked at save)."""
    from homecrm.ui.calendar import legend_html
    from homecrm.ui.cards import chip

    nasty = '<img src=x onerror="alert(1)">'
    for html in (chip(nasty, "#ff0000"), legend_html([(nasty, "#00aa00")])):
        assert "<img" not in html and "<script" not in html and "&lt;img" in html
