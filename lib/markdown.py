"""Markdown written by facilitators and admins, rendered to safe HTML.

Markdown is converted by Python-Markdown, then everything not on a short list of tags,
attributes and URL schemes is removed by nh3 (Ammonia): no scripts, styles, event handlers,
iframes or `javascript:` links, whatever the text contains. Registered as a template builtin:
`{{ group.description|markdown }}`. The plain-text part of an e-mail gets the same text as
readable words, from that same sanitised HTML: `{{ announcement.body|markdown_text }}`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

register = template.Library()


def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


_BLOCKS = {"p", "h2", "h3", "h4", "pre"}


class _PlainText(HTMLParser):
    """render_markdown's HTML (a short list of tags) as the plain text of an e-mail: emphasis
    dropped, a link as "its words (its address)", list items as "- item" or "1. item"
    (indented when nested), a quotation as "> " lines, paragraphs a blank line apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [ordered, items so far]
        self.links: list[tuple[str, int]] = []  # per open link: (href, where its words start)
        self.quotes: list[int] = []  # per open quotation: where it starts
        self.in_pre = 0

    def _ends_with(self, characters: str) -> bool:
        last = next((piece for piece in reversed(self.out) if piece), "")
        return not last or last[-1] in characters

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            if not self.lists:  # a nested list starts on its item's next line
                self.out.append("\n\n")
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self.out.append("\n")
            if self.lists:
                self.lists[-1][1] += 1
                ordered, count = self.lists[-1]
            else:
                ordered, count = False, 0
            self.out.append(
                "  " * max(len(self.lists) - 1, 0) + (f"{count}. " if ordered else "- ")
            )
        elif tag == "br":
            self.out.append("\n")
        elif tag == "hr":
            self.out.append("\n\n---\n\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag == "blockquote":
            self.out.append("\n\n")
            self.quotes.append(len(self.out))
        elif tag in _BLOCKS:
            self.out.append("\n\n")
            self.in_pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            if href and href not in (shown, f"mailto:{shown}", f"tel:{shown}"):
                self.out.append(f" ({href})")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self.out.append("\n\n")
        elif tag == "blockquote" and self.quotes:
            start = self.quotes.pop()
            quoted = _tidy("".join(self.out[start:]))
            lines = [f"> {line}" if line else ">" for line in quoted.split("\n")]
            self.out[start:] = ["\n".join(lines), "\n\n"]
        elif tag in _BLOCKS:
            self.out.append("\n\n")
            self.in_pre -= tag == "pre"

    def handle_data(self, data: str) -> None:
        if self.in_pre:
            self.out.append(data)
            return
        words = re.sub(r"\s+", " ", data)
        if self._ends_with("\n "):
            words = words.lstrip()
        self.out.append(words)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def markdown_to_text(text: str) -> str:
    """Markdown as the plain text of an e-mail: what render_markdown keeps, as words."""
    parser = _PlainText()
    parser.feed(render_markdown(text))
    parser.close()
    return _tidy("".join(parser.out))


@register.filter(name="markdown_text")
def markdown_text_filter(text: str) -> str:
    return markdown_to_text(text)


# A link in a message we wrote: http(s) addresses and e-mail addresses, ending before
# trailing punctuation (as in "see https://example.org/x."). Square brackets end an address
# too: "[page](https://x)" is Markdown's, not part of one.
_LINKS = re.compile(
    r"(?P<url>https?://[^\s<>\"'\[\]]+?)(?=[.,;:!?)\]]*(?:[\s<>\"']|$))"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)


@register.filter(name="links", is_safe=True)
def links_filter(text: str) -> SafeString:
    """Plain text with its web and e-mail addresses made links, everything else escaped: the
    HTML part of our messages. Django's `urlize` does the same for any text, word by word,
    and took a tenth of a reminder's sending time; our messages only need these two kinds."""
    parts: list[str] = []
    done = 0
    for match in _LINKS.finditer(text):
        parts.append(escape(text[done : match.start()]))
        shown = escape(match[0])
        href = shown if match["url"] else f"mailto:{shown}"
        parts.append(f'<a href="{href}">{shown}</a>')
        done = match.end()
    parts.append(escape(text[done:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped
