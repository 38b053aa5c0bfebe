from __future__ import annotations

from django import forms


def form_page_status(form: forms.BaseForm) -> int:
    """The status of a page that shows a form: 400 when it shows a submitted form again
    (a valid submission redirects instead), 200 for a fresh one."""
    return 400 if form.is_bound else 200
