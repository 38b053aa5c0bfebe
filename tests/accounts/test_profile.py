import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.services.users import user_update_profile
from tests.factories import UserFactory

VALID = {
    "display_name": "Morgan B",
    "time_zone": "Europe/Berlin",
    "language": "en",
    "reminder_lead_minutes": ["15", "2880"],
    "reminder_scope": "all",
    "discreet_mode": "",  # unticked
    "name_visible_to_members": "on",
}


@pytest.mark.django_db
def test_new_accounts_get_the_documented_defaults():
    user = UserFactory()
    assert user.reminder_lead_minutes == [1440, 60]
    assert user.reminder_scope == User.ReminderScope.GOING
    assert user.discreet_mode is True
    assert user.name_visible_to_members is False
    assert user.language == "en"


@pytest.mark.django_db
def test_a_member_saves_profile_and_preferences(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:profile"), VALID)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Morgan B"
    assert member.time_zone == "Europe/Berlin"
    assert member.reminder_lead_minutes == [2880, 15]
    assert member.reminder_scope == "all"
    assert member.discreet_mode is False
    assert member.name_visible_to_members is True
    page = client.get(response["Location"])
    assert "Your profile and preferences are saved." in page.content.decode()


@pytest.mark.django_db
def test_the_change_is_audited_by_field_name_never_by_value(client, member):
    client.force_login(member)
    client.post(reverse("accounts:profile"), VALID)

    event = AuditEvent.objects.get(subject=member, action=AuditEvent.Action.PROFILE_CHANGED)
    assert "display_name" in event.details["fields"]
    assert "Morgan B" not in str(event.details)
    assert "Europe/Berlin" not in str(event.details)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"time_zone": "Moon/Base"}, "time_zone", "not a time zone we know"),
        ({"display_name": ""}, "display_name", "required"),
        ({"display_name": "    "}, "display_name", "required"),
        ({"display_name": "me@example.org"}, "display_name", "cannot contain"),
        ({"reminder_lead_minutes": ["30"]}, "reminder_lead_minutes", "not one of the available"),
        ({"reminder_scope": "sometimes"}, "reminder_scope", "not one of the available"),
    ],
)
def test_bad_profile_input_is_refused_with_a_message_and_changes_nothing(
    client, member, override, field, message
):
    client.force_login(member)
    before = User.objects.filter(pk=member.pk).values().get()

    response = client.post(reverse("accounts:profile"), {**VALID, **override})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.filter(pk=member.pk).values().get() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROFILE_CHANGED).exists()
    # What was typed comes back, so nothing has to be entered twice.
    if field != "display_name":
        assert 'value="Morgan B"' in response.content.decode()


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("accounts:profile"), VALID)

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.display_name == "Morgan"


@pytest.mark.django_db
def test_the_service_refuses_a_lead_time_we_do_not_offer_even_without_the_form(member):
    with pytest.raises(ValidationError, match="not a lead time we offer"):
        user_update_profile(user=member, changes={"reminder_lead_minutes": [1440, 30]})
    member.refresh_from_db()
    assert member.reminder_lead_minutes == [1440, 60]


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_the_time_zone_field_offers_a_searchable_list_of_zone_names(client, member):
    client.force_login(member)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'list="time-zone-names"' in html
    assert '<option value="Europe/London">' in html
    assert '<option value="US/Eastern">' not in html  # legacy aliases left out
