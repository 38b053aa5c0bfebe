from __future__ import annotations

from datetime import time, timedelta

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from groups.models import Meeting, MeetingSeries, Membership, Rsvp, SupportGroup, Topic

DEFAULT_PASSWORD = "correct-horse-battery-staple"
WEEK = timedelta(weeks=1)
HOUR_AND_HALF = timedelta(minutes=90)


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A member whose e-mail is verified, so they can sign in at once."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Friend {n}")
    time_zone = "America/Chicago"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app would show now (or at `at`, a Unix time)."""
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def activate_totp(user) -> str:
    """Give `user` an active authenticator app (and recovery codes); returns the secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def _now():
    from django.utils import timezone

    return timezone.now()


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = "support_groups.Topic"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class SupportGroupFactory(factory.django.DjangoModelFactory[SupportGroup]):
    """An active, listed, open online group. Pass `topics=[...]` to set its topics."""

    class Meta:
        model = "support_groups.SupportGroup"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Tuesday circle {n}")
    slug = factory.Sequence(lambda n: f"tuesday-circle-{n}")
    description = "A peer group. We listen and share."
    audience = "recovery"
    format = "online"
    time_zone = "America/Chicago"
    online_url = "https://meet.example.org/room"
    join_policy = "open"
    listed = True
    state = "active"

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    """An active member (pass role="facilitator" or state="pending" as needed)."""

    class Meta:
        model = "support_groups.Membership"

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(SupportGroupFactory)
    role = "member"
    state = "active"
    conduct_accepted_at = factory.LazyFunction(_now)


class MeetingSeriesFactory(factory.django.DjangoModelFactory[MeetingSeries]):
    """A weekly online series on Tuesdays at 19:00 in the group's zone, starting next week.

    Created through the model, so its meetings are not stored: call
    `groups.services.meetings.meetings_extend(series=...)` (or use `series_create`)."""

    class Meta:
        model = "support_groups.MeetingSeries"

    group = factory.SubFactory(SupportGroupFactory)
    slug = factory.Sequence(lambda n: f"series-{n}")
    title = "Tuesday evening meeting"
    rrule = "FREQ=WEEKLY;BYDAY=TU"
    weekdays = "TU"
    start_date = factory.LazyFunction(lambda: _next_weekday(1))  # Tuesday
    start_time = factory.LazyFunction(lambda: time(19, 0))
    duration_minutes = 90
    time_zone = factory.LazyAttribute(lambda o: o.group.time_zone)
    attendance_option = "online"


def _next_weekday(weekday: int):
    from django.utils import timezone

    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    """One stored meeting of a series, a week from now unless told."""

    class Meta:
        model = "support_groups.Meeting"

    series = factory.SubFactory(MeetingSeriesFactory)
    group = factory.LazyAttribute(lambda o: o.series.group)
    occurrence_start = factory.LazyFunction(lambda: _now().replace(microsecond=0) + WEEK)
    starts_at = factory.LazyAttribute(lambda o: o.occurrence_start)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + HOUR_AND_HALF)


class HostedMeetingFactory(MeetingFactory):
    """A meeting that a facilitator of its group said they will host (groups.hosting), as a
    group that uses Kinship has: no "nobody is hosting" alert joins the messages a test of
    reminders or notices counts. The host chose no reminders of their own."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def host(meeting, create, extracted, **kwargs):
        if not create:
            return
        from groups.models import HostingAnswer, Membership

        host = UserFactory(display_name="Host", reminder_lead_minutes=[])
        Membership.objects.create(
            user=host, group=meeting.group, role=Membership.Role.FACILITATOR, state="active"
        )
        HostingAnswer.objects.create(meeting=meeting, user=host, answer="will_host")


class RsvpFactory(factory.django.DjangoModelFactory[Rsvp]):
    class Meta:
        model = "support_groups.Rsvp"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    answer = "going"
