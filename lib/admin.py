from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _


class LabelledChangelistForm(forms.ModelForm):
    """A row of a list whose cells can be edited in place: each field is named by its
    column and its row ("Position of Ketamine"), since the column's header is not its label
    (axe: label)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Translators: the name of a cell edited in an admin list, e.g. "Position of Ketamine":
            # the column's name, then the row's.
            label = _("%(column)s of %(row)s") % {"column": field.label, "row": self.instance}
            field.widget.attrs.setdefault("aria-label", label)


class KinshipModelAdmin(admin.ModelAdmin):
    """What every admin page of ours shares:
    - links typed without a scheme are https (Django 6's default, and what every link of
      ours is; without it, a page with a URL field warns on each build of its form);
    - cells edited in the list are labelled (LabelledChangelistForm);
    - many-to-many choices are checkboxes, not the two-box filter whose script adds
      ARIA attributes axe rejects (aria-prohibited-attr)."""

    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form", LabelledChangelistForm)
        return super().get_changelist_form(request, **kwargs)


class ReadOnlyModelAdmin(KinshipModelAdmin):
    """Records admins look at but never write: nobody adds, edits or deletes them here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
