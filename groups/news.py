"""Group news (announcements) by e-mail, the way each member chose: each as it is posted,
or gathered in a daily or weekly digest (accounts.User.news_delivery); either way held
while the member's quiet hours last (notifications.quiet). Both go through the outbox, so
its guarantees hold: a digest is one row per member and due time, whoever posts how many
announcements before it goes, and it is written when it is sent.

A digest row is added by the first announcement that goes into it, and keeps when that
was posted (its payload's "since"); every announcement posted after it and up to the
digest's due time is in it, except the member's own. The next announcement after that
time adds the next digest. So each announcement is in one digest, and none that the member
was already mailed one by one before choosing a digest. None left to tell (taken down
meanwhile): it is not sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import email_send_later, email_wanted
from accounts.models import User
from groups.emails import UPDATES, announcement_recipients, member_email
from groups.models import Announcement, Membership
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from notifications.kinds import NotToBeSent, outbox_builder
from notifications.models import OutboxMessage
from notifications.outbox import outbox_plan
from notifications.quiet import digest_due, news_due

NEWS_DIGEST = "news-digest"
Delivery = User.NewsDelivery
DIGESTS = {Delivery.DAILY, Delivery.WEEKLY}


def announcement_send_later(announcement: Announcement, *, now: datetime | None = None) -> None:
    """Tell each active member but the author, as they chose (see the module)."""
    now = now or timezone.now()
    group = announcement.group
    group_url = absolute_reverse("groups:group-detail", args=[group.slug])
    digests = []
    for user in announcement_recipients(group=group, author_id=announcement.author_id):
        if user.news_delivery in DIGESTS:
            digests.append(_digest_row(user, now=now, since=announcement.created_at))
            continue
        with in_language_of(user):
            message = member_email(
                user=user,
                template="announcement",
                # Translators: an e-mail's subject: the group's name, then the announcement's title.
                subject=_("%(group)s: %(title)s")
                % {"group": group.name, "title": announcement.title},
                # Translators: the subject in discreet mode, on a phone's lock screen: no group,
                # topic or substance.
                discreet_subject=_("A new announcement"),
                context={"announcement": announcement, "group": group, "group_url": group_url},
                html=True,
            )
            email_send_later(message, user=user, category=UPDATES, due_at=news_due(now, user))
    outbox_plan([row for row in digests if row is not None])


def _digest_row(user: User, *, now: datetime, since: datetime) -> OutboxMessage | None:
    """The member's next digest: one row per member and due time (its variant, in minutes
    since the epoch), so a second announcement before it goes adds nothing and the first's
    `since` stays."""
    if not email_wanted(user=user, category=UPDATES):
        return None
    due = digest_due(now, user, weekly=user.news_delivery == Delivery.WEEKLY)
    return OutboxMessage(
        kind=NEWS_DIGEST,
        category=UPDATES,
        user=user,
        target_id=0,
        variant=int(due.timestamp() // 60),
        due_at=due,
        payload={"since": since.isoformat()},
    )


def digest_items(*, user: User, since: datetime, until: datetime) -> list[Announcement]:
    """The announcements of a digest (see the module): posted from `since` to `until`."""
    groups = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("group_id")
    return list(
        Announcement.objects.filter(
            group_id__in=groups, created_at__gte=since, created_at__lte=until
        )
        .exclude(author=user)
        .select_related("group")
        .order_by("created_at", "pk")
    )


@outbox_builder(NEWS_DIGEST)
def news_digest_build(row: OutboxMessage, now: datetime, batch: object) -> EmailMultiAlternatives:
    user = cast(User, row.user)
    since = datetime.fromisoformat(row.payload["since"])
    items = digest_items(user=user, since=since, until=row.due_at)
    if not items:
        raise NotToBeSent(OutboxMessage.State.CANCELLED, "no news to tell")
    count = len(items)
    return member_email(
        user=user,
        template="news_digest",
        subject=ngettext(
            "%(count)d announcement from your groups",
            "%(count)d announcements from your groups",
            count,
        )
        % {"count": count},
        # Translators: the subject in discreet mode, on a phone's lock screen: no group,
        # topic or substance.
        discreet_subject=_("News from your groups"),
        context={
            "items": [
                (item, absolute_reverse("groups:group-detail", args=[item.group.slug]))
                for item in items
            ],
            "weekly": user.news_delivery == Delivery.WEEKLY,
            "profile_url": absolute_reverse("accounts:profile"),
        },
    )
