from __future__ import annotations

from django import forms
from django.http import HttpRequest, QueryDict


def form_page_status(form: forms.BaseForm) -> int:
    """The status of a page that shows a form: 400 when it shows a submitted form again
    (a valid submission redirects instead), 200 for a fresh one."""
    return 400 if form.is_bound else 200


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST, None otherwise. `request.POST or None` would treat a
    POST with no fields (a confirmation button alone) as if nothing had been sent."""
    return request.POST if request.method == "POST" else None
