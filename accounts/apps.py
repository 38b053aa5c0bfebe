from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # Not "Accounts": allauth's app (the e-mail addresses) is called that in the admin.
    verbose_name = "People"

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401 - connects the audit receivers
        from accounts.services import unsubscribe  # noqa: F401 - List-Unsubscribe on mail
