from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "netweave.trust"
    verbose_name = _("Trust")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit, ratelimit

        audit.install_admin_hook()
        user_logged_in.connect(ratelimit.on_logged_in, dispatch_uid="trust.login.ok")
