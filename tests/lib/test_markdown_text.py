"""Markdown as the plain text of an e-mail (lib.markdown.markdown_to_text), and links in
text we wrote (the `links` filter) that stay out of Markdown's brackets."""

from __future__ import annotations

from lib.markdown import links_filter, markdown_to_text


def test_emphasis_goes_links_keep_their_address_and_lists_read_as_lists():
    text = markdown_to_text(
        "We **won't** meet; see [the page](https://example.org/p) or <https://example.org>.\n\n"
        "1. first\n2. second\n\n- one\n- two\n    - nested\n\n> quoted *words*\n\n---\n\n"
        "    code  kept\n\nA & B <script>alert(1)</script>"
    )
    assert text == (
        "We won't meet; see the page (https://example.org/p) or https://example.org.\n\n"
        "1. first\n2. second\n\n- one\n- two\n  - nested\n\n> quoted words\n\n---\n\n"
        "code  kept\n\nA & B"
    )


def test_plain_text_stays_as_it_is():
    assert markdown_to_text("Just a line.") == "Just a line."
    assert markdown_to_text("") == ""


def test_links_in_our_text_are_not_made_inside_markdown_brackets():
    html = links_filter("see [http://page](https://example.org/p).")
    assert 'href="http://page' not in html
    assert '<a href="https://example.org/p">https://example.org/p</a>' in html
