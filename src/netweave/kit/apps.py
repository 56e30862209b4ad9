"""The plug-in convention of the apps: a module of a known name in each netweave app."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """``<app>.<name>`` of every installed netweave app that has one, imported, in
    ``INSTALLED_APPS`` order (``app_modules("jobs")`` registers every job kind)."""
    found = []
    for config in apps.get_app_configs():
        module = f"{config.name}.{name}"
        if config.name.startswith("netweave.") and find_spec(module) is not None:
            found.append(import_module(module))
    return found
