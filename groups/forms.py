from __future__ import annotations

from django import forms

from accounts.forms import TimeZoneInput, time_zone_field
from groups.models import Announcement, Membership, Report, SupportGroup, Topic

# --- public side: the directory's filters and joining -----------------------------------------


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string so a search can be shared.

    Values that are not valid (a topic since removed, a format misspelt in a shared link) are
    dropped rather than reported: the directory still shows what the rest of the link asks."""

    MAX_WORDS = 8

    q = forms.CharField(
        label="Search by words",
        required=False,
        max_length=100,
        help_text="A name, a place or a word from the description.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    format = forms.MultipleChoiceField(
        label="Format",
        required=False,
        choices=SupportGroup.Format.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.ModelMultipleChoiceField(
        label="Topic",
        required=False,
        queryset=Topic.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label="For",
        required=False,
        choices=[
            (SupportGroup.Audience.RECOVERY, "People in recovery"),
            (SupportGroup.Audience.LOVED_ONES, "Family and friends"),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def filters(self) -> dict[str, object]:
        """The valid filters, as keyword arguments for `group_list_directory`."""
        self.is_valid()
        data = self.cleaned_data
        words = (data.get("q") or "").split()[: self.MAX_WORDS]
        return {
            "formats": data.get("format") or [],
            "topics": list(data.get("topic") or []),
            "audiences": data.get("audience") or [],
            "words": words,
        }


class JoinForm(forms.Form):
    """Accepting the code of conduct, and for approval groups a word to the facilitators."""

    accept_conduct = forms.BooleanField(
        label="I have read the code of conduct and will keep it",
        error_messages={"required": "Please read the code of conduct and tick the box."},
    )
    message = forms.CharField(
        label="A message to the facilitators",
        required=False,
        max_length=Membership._meta.get_field("request_message").max_length,
        help_text=(
            "Why you would like to join, or anything they should know. Only the facilitators "
            "read it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, asks_message: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_message:
            del self.fields["message"]


# --- facilitator side ---------------------------------------------------------------------------


class MembershipDecisionForm(forms.Form):
    """The optional word a facilitator adds to an approval, a decline or a removal."""

    message = forms.CharField(
        label="Message to the person",
        required=False,
        max_length=Membership._meta.get_field("decision_message").max_length,
        help_text="Optional. It goes into the e-mail we send them.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupForm(forms.ModelForm):
    """A group's settings, for starting one and for changing it later."""

    time_zone = time_zone_field(widget=TimeZoneInput())
    online_url = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=SupportGroup._meta.get_field("online_url").max_length,
        assume_scheme="https",
        help_text="Only active members see the link.",
    )

    class Meta:
        model = SupportGroup
        fields = [
            "name",
            "description",
            "topics",
            "audience",
            "format",
            "time_zone",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "online_url",
            "join_policy",
            "listed",
            "member_limit",
            "code_of_conduct_extra",
        ]
        labels = {
            "name": "Name",
            "description": "What the group is about",
            "audience": "For",
            "street": "Street and room",
            "postal_code": "Postal code",
            "join_policy": "Who can join",
            "listed": "List the group in the directory",
            "member_limit": "Most members at one time",
        }
        help_texts = {
            "name": "Shown in the directory. No one's name, please.",
            "description": (
                "Who it is for and what happens at a meeting. Markdown works: **bold**, "
                "*italics*, lists and links."
            ),
            "street": "Only active members see the street; everyone sees the city.",
            "listed": "Unlisted groups are not in the directory; people reach them by link.",
        }
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "audience": forms.RadioSelect,
            "format": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 8}),
            "code_of_conduct_extra": forms.Textarea(attrs={"rows": 5}),
        }

    def group_fields(self) -> dict[str, object]:
        """The cleaned values for `group_create` / `group_update` (topics go separately)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "topics"}

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]
        labels = {"title": "Title", "body": "Message"}
        help_texts = {
            "body": (
                "Markdown works: **bold**, *italics*, lists and links. It is shown on the group "
                "page to members and e-mailed to every active member."
            )
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is the concern?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="What happened",
        max_length=Report._meta.get_field("text").max_length,
        help_text=(
            "What you saw or heard, and when. Only the admins read it; the person you report "
            "is not told who reported them."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
