from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from resources.selectors import MARK_END, MARK_START

register = template.Library()


@register.filter
def highlighted(snippet: str) -> SafeString:
    """A search snippet with its matched words in <mark>, everything else escaped."""
    text = escape(snippet or "")
    return mark_safe(  # noqa: S308 - escaped just above; only our markers become tags
        text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )
