from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The admin area in our own pages (/manage/): reports, the review queue, join requests."""

    name = "staff"
    verbose_name = "Admin area"
