"""The ``netweave`` console script.

Every sub-command is a Django management command (``netweave serve``, ``netweave demo``,
``netweave migrate``, ``netweave createsuperuser`` …), so the CLI and the web app share one
configuration: see :mod:`netweave.site.settings` for the environment variables.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.site.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["netweave", *args])
    return 0
