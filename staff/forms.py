from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Report
from resources.models import StateChange

NOTE_MAX_LENGTH = 5000


class ReportUpdateForm(forms.Form):
    """Working a report: where it stands and the admins' note (never shown to the reporter
    or the person reported). Resolving has its own page, since it tells the reporter."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Report.Status.OPEN, Report.Status.OPEN.label),
            (Report.Status.IN_PROGRESS, Report.Status.IN_PROGRESS.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the admins"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("What was done and what is left. Only admins see it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportResolveForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the admins"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_(
            "How it was resolved. Only admins see it; the reporter is told only that it is "
            "resolved."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResourceReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"),
        max_length=StateChange._meta.get_field("note").max_length,
        help_text=_("Kept with the resource's history, for its author."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
