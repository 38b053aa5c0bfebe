"""The site's addresses, and `/bench/trivial/`: a one-file view that renders a 20-item
template through the same gunicorn, middleware and template engine as every page. A page's
requests per second divided by this view's is a figure that hardly depends on how fast the
machine is (bench/scale.py). Served only by the benchmark."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

import config.urls

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item.name }}: {{ item.note }}</li>
{% endfor %}</ul></body></html>"""
_ITEMS = [
    {"name": f"Item {n}", "note": f"the line numbered {n} of a plain list"} for n in range(20)
]


@cache
def _template() -> Any:
    """Compiled once per process, as the cached template loader keeps a page's templates."""
    return engines["django"].from_string(_TEMPLATE)


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_template().render({"title": "Twenty items", "items": _ITEMS}, request))


urlpatterns = [path("bench/trivial/", trivial), *config.urls.urlpatterns]
handler403 = getattr(config.urls, "handler403", None)
handler404 = getattr(config.urls, "handler404", None)
handler500 = getattr(config.urls, "handler500", None)
