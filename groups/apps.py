from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    label = "support_groups"  # "groups" would be confused with django.contrib.auth's groups
    verbose_name = "Support groups"

    def ready(self) -> None:
        # Each registers what it contributes to a lower app: export and deletion parts,
        # the calendar address on the profile page, the reminder planner and builder, the
        # meeting notices' builder, the hosting alerts' and the service terms' planners and
        # builders, the news digest's and the check-ins' builders.
        from groups import (  # noqa: F401
            account_data,
            check_ins,
            emails,
            handovers,
            hosting,
            news,
            panels,
            reminders,
        )
