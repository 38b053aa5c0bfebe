from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.meetings.times import format_instant
from groups.models import Meeting, SupportGroup
from lib.fields import SingleLineFormField
from resources.models import Category, Resource, Tag, http_url
from resources.selectors import AUDIENCE_CHOICES, AUDIENCE_FIELDS, MAX_QUERY_LENGTH


class LibraryFilterForm(forms.Form):
    """The library's search and filters, read from the query string so a search can be
    shared. Values that are not valid are dropped, not reported."""

    q = forms.CharField(
        label=_("Search the library"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "A search can be at most %(limit_value)d characters (this one has "
                "%(show_value)d): try a few words, such as cravings or sleep."
            )
        },
        help_text=_("For example: cravings, CBT, bladder, help for my son."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.MultipleChoiceField(
        label=_("Kind"),
        required=False,
        choices=Resource.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=_("For"),
        required=False,
        choices=AUDIENCE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ModelMultipleChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Category.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    tag = forms.ModelMultipleChoiceField(
        label=_("Tag"),
        required=False,
        queryset=Tag.objects.all(),
        to_field_name="slug",
        widget=forms.MultipleHiddenInput,
    )

    def refused(self) -> bool:
        """True for a query longer than the limit: the page says so (and answers 400) rather
        than searching part of it, or nothing, as if that was what was asked. The box's
        maxlength keeps a browser within it; a link may not be."""
        self.is_valid()
        return self.has_error("q", "max_length")

    def filters(self) -> dict[str, Any]:
        """Valid filters as keyword arguments for resource_list_library."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "q": cleaned.get("q") or "",
            "kinds": cleaned.get("kind") or [],
            "audiences": [a for a in cleaned.get("audience") or [] if a in AUDIENCE_FIELDS],
            "categories": list(cleaned.get("category") or []),
            "tags": list(cleaned.get("tag") or []),
        }


class SuggestForm(forms.Form):
    title = SingleLineFormField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Why it helps"),
        max_length=300,
        help_text=_("One or two sentences: who it is for and what they will find."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    external_url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        validators=[http_url],
        assume_scheme="https",
        help_text=_("Where it can be read (http or https)."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=40000,
        help_text=_("Or write it here (Markdown works)."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = cast("dict[str, Any]", super().clean())  # Form.clean returns cleaned_data
        if not data.get("external_url") and not (data.get("body") or "").strip():
            raise forms.ValidationError(gettext("Give a link, or write the text."))
        return data


class AttachForm(forms.Form):
    resource = forms.ModelChoiceField(
        label=_("Resource"),
        queryset=Resource.objects.filter(state=Resource.State.PUBLISHED).order_by("title"),
        to_field_name="slug",
    )
    meeting = forms.ModelChoiceField(
        label=_("For one meeting"),
        required=False,
        queryset=Meeting.objects.none(),
        empty_label=_("The whole group"),
        help_text=_("Shown on that meeting's page; otherwise on the group's page."),
    )

    def __init__(self, *args: Any, group: SupportGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field = cast("forms.ModelChoiceField[Meeting]", self.fields["meeting"])
        meeting_field.queryset = (
            Meeting.objects.filter(
                group=group, status=Meeting.Status.SCHEDULED, ends_at__gt=timezone.now()
            )
            .select_related("series")
            .order_by("starts_at")
        )
        zone = group.time_zone
        meeting_field.label_from_instance = lambda meeting: (  # type: ignore[method-assign,assignment]  # per instance, no self
            # Translators: a meeting in the list of a group's meetings: its title, then when
            # it starts.
            gettext("%(meeting)s, %(when)s")
            % {"meeting": meeting.series.title, "when": format_instant(meeting.starts_at, zone)}
        )
