"""The site's URLs: admin, API, language switch, and every netweave app's ``urls`` module.

Each netweave app with a ``urls`` module is included at the root, after ``networks`` (whose
patterns come first), so that an app adds pages without editing this file.
"""

from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from .api import api


def _app_urls() -> list[URLResolver]:
    names = [c.name for c in apps.get_app_configs() if c.name.startswith("netweave.")]
    return [path("", include(f"{name}.urls")) for name in names
            if find_spec(f"{name}.urls") is not None]


urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    *_app_urls(),
]
