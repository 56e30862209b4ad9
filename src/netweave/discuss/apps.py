from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussConfig(AppConfig):
    name = "netweave.discuss"
    verbose_name = _("Discussions")
