from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_upsert_verified(
    *,
    email: str,
    display_name: str,
    time_zone: str,
    password: str,
    is_facilitator: bool = False,
    is_staff: bool = False,
) -> tuple[User, bool]:
    """Create or refresh an account whose e-mail is already verified (demo data, operators).

    Running it again with the same e-mail updates that account instead of adding another.
    """
    email = email.lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User(email=email)
    user.display_name = display_name
    user.time_zone = time_zone
    user.is_facilitator = is_facilitator
    user.is_staff = is_staff
    user.is_superuser = is_staff
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created
