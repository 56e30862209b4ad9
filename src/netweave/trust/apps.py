from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "netweave.trust"
    verbose_name = _("Trust")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import audit, ratelimit

        audit.install_admin_hook()
        user_login_failed.connect(ratelimit.on_login_failed, dispatch_uid="trust.login.failed")
        user_logged_in.connect(ratelimit.on_logged_in, dispatch_uid="trust.login.ok")
