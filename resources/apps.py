from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Resource library")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from resources import (
            account_data,  # noqa: F401 - registers export and deletion parts
            panels,  # noqa: F401 - what a group's and a meeting's page show
        )
        from resources.sqlite_search import sqlite_index_ensure

        post_migrate.connect(sqlite_index_ensure, sender=self)
