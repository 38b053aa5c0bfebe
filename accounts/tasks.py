from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from accounts.emails import email_from_payload
from accounts.services import audit, exports

logger = logging.getLogger(__name__)


class DeliveryDeferred(Exception):
    """A failed delivery attempt, described without the addresses smtplib puts in its errors."""


# Delivery is at least once: the task is acknowledged only after the SMTP server accepted the
# message (acks_late), and a refused or unreachable server is retried with growing pauses for
# about two hours. A worker that dies between the SMTP "250 OK" and the acknowledgement sends
# the message again; a duplicate is better than a lost sign-up code.
@shared_task(
    name="accounts.tasks.email_deliver",
    autoretry_for=(DeliveryDeferred,),
    retry_backoff=15,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=10,
)
def email_deliver(payload: dict) -> None:
    message = email_from_payload(payload)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        # Celery logs the exception of each retry: keep addresses and subjects out of it.
        code = getattr(exc, "smtp_code", None)
        raise DeliveryDeferred(f"{type(exc).__name__}{f' {code}' if code else ''}") from None
    logger.info("e-mail delivered to %d recipient(s)", len(message.to))


@shared_task(name="accounts.tasks.export_build")
def export_build(export_id: int) -> None:
    # Safe to run twice (acks_late redelivers after a crash): the service builds a file once.
    exports.export_build(export_id=export_id)


@shared_task(name="accounts.tasks.exports_purge_expired")
def exports_purge_expired() -> int:
    return exports.export_purge_expired()


@shared_task(name="accounts.tasks.audit_prune")
def audit_prune() -> None:
    erased, deleted = audit.audit_prune()
    logger.info("audit retention: %d addresses erased, %d events deleted", erased, deleted)
