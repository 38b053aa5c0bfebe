from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = "Resource library"

    def ready(self) -> None:
        from resources import account_data  # noqa: F401 - registers export and deletion parts
