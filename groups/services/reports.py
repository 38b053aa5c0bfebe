"""Reports of a concern: filing one, telling the people who must act on it, and working it.

Who is told, at once (through the outbox, after the commit):
- every admin (is_staff or is_superuser: accounts.permissions treats both as admins), for
  every report;
- for a report that someone may be in danger, the group's active facilitators too, with the
  crisis lines, since they may be able to reach the person before an admin reads the mail.
Neither the reporter nor the person reported is told about their own report this way (the
reporter gets an acknowledgement instead).

What the alert carries is what the recipient needs to act and no more: the reason, what the
report is about (the group, and a person by display name only), the reporter's words and a
link to the report in /manage/. Never an e-mail address, a time zone or another group of the
person, and facilitators are not told who reported. Subjects name no group, topic or
substance, so the same subject serves discreet mode.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.emails import email_send_later
from accounts.models import AuditEvent, User
from accounts.services.audit import audit_record
from groups import emails
from groups.models import Announcement, Membership, Report, SupportGroup
from lib.i18n import in_language_of
from lib.urls import absolute_reverse

# Translators: an e-mail subject to admins and facilitators; %(number)s is the report's number.
URGENT_SUBJECT = gettext_lazy("Urgent: someone may be in danger (report %(number)s)")
# Translators: an e-mail subject to admins; %(number)s is the report's number.
ALERT_SUBJECT = gettext_lazy("A new report to look at (report %(number)s)")
# Translators: an e-mail subject to the person who reported; %(number)s is the report's number.
RESOLVED_SUBJECT = gettext_lazy("Your report was resolved (report %(number)s)")


def report_admins() -> QuerySet[User]:
    """Everyone who works reports: the site's admins."""
    return User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)


def report_alert_recipients(*, report: Report) -> tuple[list[User], list[User]]:
    """(admins, facilitators) to alert about `report`; facilitators only for danger, and
    nobody twice, nor the reporter or the person reported."""
    left_out = {report.reporter_id, report.person_id} - {None}
    admins = list(report_admins().exclude(pk__in=left_out).order_by("pk"))
    facilitators: list[User] = []
    if report.reason == Report.Reason.SAFETY and report.group_id is not None:
        facilitators = list(
            User.objects.filter(
                is_active=True,
                memberships__group_id=report.group_id,
                memberships__role=Membership.Role.FACILITATOR,
                memberships__state=Membership.State.ACTIVE,
            )
            .exclude(pk__in=left_out | {admin.pk for admin in admins})
            .order_by("pk")
        )
    return admins, facilitators


def _report_email(
    *, user: User, template: str, subject: str, context: dict[str, object]
) -> EmailMultiAlternatives:
    # Our subjects name no group, topic or substance, so discreet mode keeps them: an admin
    # must see "Urgent" on the lock screen, not a neutral "An update".
    return emails.member_email(
        user=user, template=template, subject=subject, discreet_subject=subject, context=context
    )


def report_alert_later(*, report: Report) -> None:
    """Record the alerts about a new report in the outbox (sent once the filing commits),
    each in its recipient's language (lib.i18n)."""
    admins, facilitators = report_alert_recipients(report=report)
    urgent = report.reason == Report.Reason.SAFETY
    context: dict[str, object] = {
        "report": report,
        "urgent": urgent,
        "group_name": report.group.name if report.group else "",
        "person_name": report.person.display_name if report.person else "",
        "announcement_title": report.announcement.title if report.announcement else "",
    }
    manage_url = absolute_reverse("staff:report-detail", args=[report.pk])
    recipients = [(admin, True) for admin in admins] + [
        (facilitator, False) for facilitator in facilitators
    ]
    for recipient, for_admin in recipients:
        with in_language_of(recipient):
            message = _report_email(
                user=recipient,
                template="report_alert",
                subject=(URGENT_SUBJECT if urgent else ALERT_SUBJECT) % {"number": report.pk},
                context={
                    **context,
                    "reason": report.get_reason_display(),
                    "for_admin": for_admin,
                    "manage_url": manage_url if for_admin else "",
                },
            )
        email_send_later(message, user=recipient)


@transaction.atomic
def report_file(
    *,
    reporter: User,
    reason: str,
    text: str,
    group: SupportGroup | None = None,
    announcement: Announcement | None = None,
    person: User | None = None,
) -> Report:
    """Record a concern, acknowledge it to the reporter and alert the admins (and, for
    danger, the group's facilitators) by e-mail."""
    if not (group or announcement or person):
        raise ValidationError(_("Say what the concern is about."), code="no_subject")
    report = Report(
        reporter=reporter,
        reason=reason,
        text=text,
        group=group,
        announcement=announcement,
        person=person,
    )
    report.full_clean()
    report.save()
    audit_record(
        action=AuditEvent.Action.REPORT_FILED,
        subject=reporter,
        details={"report": report.pk},
    )
    with in_language_of(reporter):
        message = emails.member_email(
            user=reporter,
            template="report_received",
            # Translators: an e-mail subject to the person who reported a concern.
            subject=_("We received your report"),
            discreet_subject=_("We received your report"),
            context={"report": report},
        )
    email_send_later(message, user=reporter)
    report_alert_later(report=report)
    return report


@transaction.atomic
def report_update(*, report: Report, by: User, status: str, note: str) -> Report:
    """Set a report's status and the admins' note (never shown to anyone else). Moving it
    to "resolved" resolves it (report_resolve), which tells the reporter."""
    if status == Report.Status.RESOLVED and report.status != Report.Status.RESOLVED:
        return report_resolve(report=report, by=by, note=note)
    report.status = status
    report.admin_note = note
    report.handled_by = by
    if status != Report.Status.RESOLVED:
        report.resolved_at = None
        report.resolved_by = None
    _report_save(report, by=by)
    return report


def _report_save(report: Report, *, by: User) -> None:
    """Save a handled report and record in the audit trail who changed it, to what."""
    report.full_clean()
    report.save()
    audit_record(
        action=AuditEvent.Action.REPORT_UPDATED,
        subject=None,
        actor=by,
        details={"report": report.pk, "status": report.status},
    )


@transaction.atomic
def report_resolve(*, report: Report, by: User, note: str) -> Report:
    """Close a report and tell the reporter it was resolved: only that, and when they filed
    it, never the admins' note or anything about the other people involved."""
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("reporter").get(pk=report.pk)
    )
    if report.status == Report.Status.RESOLVED:
        raise ValidationError(_("This report is already resolved."), code="resolved")
    now = timezone.now()
    report.status = Report.Status.RESOLVED
    report.admin_note = note
    report.handled_by = by
    report.resolved_at = now
    report.resolved_by = by
    _report_save(report, by=by)
    reporter = report.reporter
    if reporter is not None and reporter.is_active:
        with in_language_of(reporter):
            message = _report_email(
                user=reporter,
                template="report_resolved",
                subject=RESOLVED_SUBJECT % {"number": report.pk},
                context={"report": report},
            )
        email_send_later(message, user=reporter)
    return report
