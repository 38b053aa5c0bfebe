from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from accounts.models import DELIVERY_FIELDS, User
from accounts.services.users import PROFILE_FIELDS
from accounts.validators import (
    REMINDER_LEAD_LABELS,
    validate_display_name,
    validate_time_zone,
)
from accounts.zones import zone_choices, zone_resolve
from lib.fields import SingleLineFormField

if TYPE_CHECKING:
    from django.forms.renderers import BaseRenderer
    from django.utils.safestring import SafeString


@cache
def time_zone_datalist() -> SafeString:
    # Browsers match what is typed against the label too: "Kolkata" or "Eastern" finds it.
    options = format_html_join(
        "", '<option value="{}">{}</option>', ((name, label) for name, label in zone_choices())
    )
    return format_html('<datalist id="{}">{}</datalist>', TimeZoneInput.DATALIST_ID, options)


class TimeZoneInput(forms.TextInput):
    """A text box with the zone names as suggestions: searchable by typing (“London”,
    “Chicago”) in every browser, without JavaScript. The server reads whatever is typed
    (TimeZoneField)."""

    DATALIST_ID = "time-zone-names"

    def __init__(self, attrs: dict | None = None):
        defaults = {"list": self.DATALIST_ID, "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**defaults, **(attrs or {})})

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        return super().render(name, value, attrs, renderer) + time_zone_datalist()


class TimeZoneField(forms.CharField):
    """A zone as people type it ("kolkata", "New York", "EST", "UTC+5:45"), cleaned to its
    canonical IANA name ("Asia/Kolkata"); a helpful message when it cannot say which zone
    is meant (accounts.zones.zone_resolve)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(
                gettext("A time zone has at most %(limit)d characters: type your city."),
                code="max_length",
                params={"limit": self.max_length},
            )
        return zone_resolve(text)


def time_zone_field(**kwargs: Any) -> TimeZoneField:
    kwargs.setdefault("label", gettext_lazy("Time zone"))
    return TimeZoneField(
        max_length=64,
        validators=[validate_time_zone],
        help_text=gettext_lazy(
            "Type your city, for example Kolkata, London or New York, and pick from the list. "
            "A zone's name or an abbreviation such as EST works too."
        ),
        **kwargs,
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the two things we need from the start: a display name and a zone."""

    display_name = SingleLineFormField(
        label=gettext_lazy("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        validators=[validate_display_name],
        help_text=gettext_lazy(
            "Shown to your groups instead of your e-mail. Use a first name, a nickname or "
            "initials, never your full legal name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Starts at the site's default; static/js/site.js puts the browser's own zone in.
    time_zone = time_zone_field(
        initial=settings.TIME_ZONE,
        widget=TimeZoneInput(attrs={"data-browser-time-zone": "true"}),
    )

    field_order = ["email", "display_name", "time_zone", "password1", "password2"]

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        """For an address that has an account, allauth creates nothing and mails its owner
        instead, behind the same page as a new account's: the same work goes into that
        answer, so that its time does not tell either. A new account's password is hashed,
        which is most of a sign-up's time; this one is hashed too, and thrown away."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    """Profile and preferences: what the member sees and chooses on /accounts/profile/."""

    time_zone = time_zone_field(widget=TimeZoneInput())
    reminder_lead_minutes = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Remind me before a meeting"),
        choices=list(REMINDER_LEAD_LABELS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose any number, or none for no reminders."),
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "reminder_scope": gettext_lazy("Send reminders for"),
            "discreet_mode": gettext_lazy("Discreet mode"),
            "name_visible_to_members": gettext_lazy(
                "Fellow members of my groups may see my display name"
            ),
            "reminders_by": gettext_lazy("Meeting reminders"),
            "news_delivery": gettext_lazy("Announcements from my groups"),
            "quiet_from": gettext_lazy("Quiet hours from"),
            "quiet_until": gettext_lazy("Quiet hours until"),
            "changes_by": gettext_lazy("Changes and cancellations"),
            "waitlist_by": gettext_lazy("A place from the waiting list"),
            # Translators: "I can't make it" is the button a member presses to say they will
            # miss a meeting; quote it as that button is called.
            "cant_make_it_by": gettext_lazy("Confirmations of “I can't make it”"),
        }
        help_texts = {
            "quiet_until": gettext_lazy(
                "In your time zone, e.g. 22:00 to 08:00. Announcements wait until they end; "
                "reminders, changes and cancellations still come at once. Leave both empty "
                "for none."
            ),
            "language": gettext_lazy(
                "Pages, e-mails and notifications come to you in this language."
            ),
            "discreet_mode": gettext_lazy(
                # Translators: “Appointment” and “A meeting was cancelled” quote a discreet
                # calendar title and subject: use the same words as their own translations.
                "Subjects, notifications and calendar titles say only what kind of news it "
                "is, such as “Appointment” or “A meeting was cancelled”: nothing on a lock "
                "screen names a group, topic or substance. The message itself still has the "
                "details."
            ),
            "name_visible_to_members": gettext_lazy(
                # Translators: “A member” quotes what other members see instead of the name.
                "Off: other members see “A member”. Facilitators of your groups always see "
                "your display name. Nobody but you and the admins sees your e-mail address."
            ),
        }
        widgets = {
            "reminder_scope": forms.RadioSelect,
            "news_delivery": forms.RadioSelect,
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A form sent without one of these (an older page) leaves that choice as it was.
        for name in (*DELIVERY_FIELDS.values(), "news_delivery"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in DELIVERY_FIELDS.values():
            if not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        if "news_delivery" not in self.data:  # an older page: as it was
            cleaned["news_delivery"] = self.instance.news_delivery
        start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_until" if start else "quiet_from",
                gettext("Give both times, or neither for no quiet hours."),
            )
        elif start is not None and start == end:
            self.add_error("quiet_until", gettext("The quiet hours must end at another time."))
        return cleaned

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()

    def clean_reminder_lead_minutes(self) -> list[int]:
        return sorted(set(self.cleaned_data["reminder_lead_minutes"]), reverse=True)


class AccountDeleteForm(BaseAuthenticateForm):
    """The current password and, for a member with an authenticator app, a code from it or a
    recovery code. Both are checked the way allauth checks them when signing in: the password
    through the adapter (rate-limited, failures signalled), the code by allauth's
    BaseAuthenticateForm (TOTP with its tolerance and replay protection, or an unused
    recovery code), so nothing here reimplements either."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["password", "code"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            code = self.fields["code"]
            code.label = gettext("Code from your authenticator app, or a recovery code")
            code.widget.attrs.pop("placeholder", None)
            code.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})
        else:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not get_account_adapter().reauthenticate(self.user, password):
            raise get_account_adapter().validation_error("incorrect_password")
        return password

    def clean_code(self) -> str:
        # A recovery code is spent once it validates: check it only behind a right password.
        if "password" not in self.cleaned_data:
            return self.cleaned_data["code"]
        return super().clean_code()
