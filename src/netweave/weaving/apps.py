from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeavingConfig(AppConfig):
    name = "netweave.weaving"
    verbose_name = _("Weaving")
