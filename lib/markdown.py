"""Markdown written by facilitators and admins, rendered to safe HTML.

Markdown is converted by Python-Markdown, then everything not on a short list of tags,
attributes and URL schemes is removed by nh3 (Ammonia): no scripts, styles, event handlers,
iframes or `javascript:` links, whatever the text contains. Registered as a template builtin:
`{{ group.description|markdown }}`.
"""

from __future__ import annotations

import re

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


# A link in a message we wrote: http(s) addresses and e-mail addresses, ending before
# trailing punctuation (as in "see https://example.org/x.").
_LINKS = re.compile(
    r"(?P<url>https?://[^\s<>\"']+?)(?=[.,;:!?)\]]*(?:[\s<>\"']|$))"
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
