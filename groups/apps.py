from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    label = "support_groups"  # "groups" would be confused with django.contrib.auth's groups
    verbose_name = "Support groups"

    def ready(self) -> None:
        from groups import (
            account_data,  # noqa: F401 - registers export and deletion parts
            reminders,  # noqa: F401 - registers the reminder planner
        )
