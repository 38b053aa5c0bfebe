from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The admin area in our own pages (/manage/): reports, the review queue, join requests."""

    name = "staff"
    verbose_name = _("Admin area")
