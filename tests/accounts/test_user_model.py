import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_email_is_stored_lowercase_and_is_the_login():
    user = User.objects.create_user("Casey@Example.ORG", "a-long-password-1", display_name="Casey")
    assert user.email == "casey@example.org"
    assert user.check_password("a-long-password-1")
    assert User.USERNAME_FIELD == "email"


@pytest.mark.django_db
def test_the_same_email_in_other_case_is_refused():
    UserFactory(email="jo@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="JO@example.org", display_name="Jo")])


@pytest.mark.django_db
def test_display_name_is_what_others_see_never_the_email():
    user = UserFactory(email="private@example.org", display_name="Jay")
    assert str(user) == "Jay"
    assert user.get_full_name() == "Jay"
    assert "private" not in str(user)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("display_name", "message"),
    [("jay@example.org", "cannot contain “@”"), (" J ", "at least two characters")],
)
def test_unfit_display_names_are_refused_with_a_reason(display_name, message):
    user = UserFactory.build(display_name=display_name)
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert message in str(caught.value.message_dict["display_name"])


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "EST5EDT6", ""])
def test_time_zone_must_be_a_real_zoneinfo_name(zone):
    user = UserFactory.build(time_zone=zone)
    with pytest.raises(ValidationError) as caught:
        user.full_clean(exclude=["password"])
    assert "time_zone" in caught.value.message_dict


@pytest.mark.django_db
def test_real_zones_including_ones_with_daylight_saving_are_accepted():
    for zone in ["Europe/London", "America/Los_Angeles", "Australia/Lord_Howe", "UTC"]:
        UserFactory.build(time_zone=zone).full_clean(exclude=["password"])
