from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetConfig(AppConfig):
    name = "netweave.meet"
    verbose_name = _("Meetings")
