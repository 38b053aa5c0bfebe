"""Mail about the library: telling the curators (the admins) that a resource waits for them.

Recorded in the outbox in the transaction of the change, sent once it has committed. The
subject names no topic or substance (a resource's title may), so it suits discreet mode;
the title comes only after the discreet opening."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.emails import email_send_later
from accounts.models import User
from groups.emails import DISCREET_OPENING, site_subject
from lib.i18n import in_language_of
from lib.urls import absolute_reverse
from resources.models import Resource

REVIEW_WAITING_SUBJECT = _("A resource is waiting for your review")


def curators_to_review(*, resource: Resource, submitted_by: User) -> list[User]:
    """The admins who can review it: everyone but its author (four eyes) and the admin who
    sent it."""
    left_out = {submitted_by.pk, resource.author_id} - {None}
    return list(
        User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .exclude(pk__in=left_out)
        .order_by("pk")
    )


def review_waiting_later(*, resource: Resource, submitted_by: User) -> None:
    review_url = absolute_reverse("staff:review-detail", args=[resource.pk])
    for curator in curators_to_review(resource=resource, submitted_by=submitted_by):
        with in_language_of(curator):
            subject = site_subject(REVIEW_WAITING_SUBJECT)
            context = {
                "user": curator,
                "subject": subject,
                "resource": resource,
                "submitted_by": submitted_by,
                "review_url": review_url,
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
                "profile_url": absolute_reverse("accounts:profile"),
                "discreet_opening": (
                    DISCREET_OPENING.format(site=settings.SITE_NAME)
                    if curator.discreet_mode
                    else ""
                ),
            }
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("resources/emails/review_waiting.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[curator.email],
            )
            email_send_later(message, user=curator)
