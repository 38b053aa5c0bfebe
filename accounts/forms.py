from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings

from accounts.models import User
from accounts.validators import time_zone_names, validate_display_name, validate_time_zone


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the two things we need from the start: a display name and a zone."""

    display_name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("display_name").max_length,
        validators=[validate_display_name],
        help_text=(
            "Shown to your groups instead of your e-mail. Use a first name, a nickname or "
            "initials, never your full legal name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Meeting times and reminders are shown to you in this zone.",
        widget=forms.Select(attrs={"data-browser-time-zone": "true"}),
    )

    field_order = ["email", "display_name", "time_zone", "password1", "password2"]

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()
