from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resource library"

    def ready(self) -> None:
        from resources import (
            account_data,  # noqa: F401 - registers export and deletion parts
            panels,  # noqa: F401 - what a group's and a meeting's page show
        )
