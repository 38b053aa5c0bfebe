"""The one hook into allauth: how a signed-up user is saved and how its mail is sent."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from accounts.emails import email_send_later


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data["display_name"]
        user.time_zone = form.cleaned_data["time_zone"]
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            "login_url": self.request.build_absolute_uri(reverse("account_login")),
        }
        ctx.update(context)
        user = context.get("user")
        email_send_later(
            self.render_mail(template_prefix, email, ctx),
            user=user if getattr(user, "pk", None) else None,
        )
