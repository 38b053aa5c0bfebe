from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # Not "Accounts": allauth's app (the e-mail addresses) is called that in the admin.
    verbose_name = _("People")

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401 - connects the audit receivers
        from accounts.services import unsubscribe  # noqa: F401 - List-Unsubscribe on mail
