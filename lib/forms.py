from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.http import HttpRequest, QueryDict
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Form widgets (every checkbox, option and input) from Django's own Jinja2 copies of its
    widget templates: the same HTML in a fraction of the time of the template language, which
    a directory form of forty checkboxes renders forty times (bench/scale.py). Templates with
    no Jinja2 copy, such as the admin's widgets, come from the template language."""

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._templates.get_template(template_name)

    @cached_property
    def _templates(self) -> DjangoTemplates:
        return DjangoTemplates()


def form_page_status(form: forms.BaseForm) -> int:
    """The status of a page that shows a form: 400 when it shows a submitted form again
    (a valid submission redirects instead), 200 for a fresh one."""
    return 400 if form.is_bound else 200


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST, None otherwise. `request.POST or None` would treat a
    POST with no fields (a confirmation button alone) as if nothing had been sent."""
    return request.POST if request.method == "POST" else None
