"""The ``netweave`` console script.

Every sub-command is a Django management command (``netweave serve``, ``netweave demo``,
``netweave migrate``, ``netweave createsuperuser`` …), so the CLI and the web app share one
configuration: see :mod:`netweave.site.settings` for the environment variables.

``netweave report`` on files (no ``--network``) reads no database and no app: it runs its
command without setting up Django's app registry (models, admin, the API), which costs
more than a small report.
"""

from __future__ import annotations

import os
import sys


def reports_on_files(args: list[str]) -> bool:
    """Whether ``args`` ask for ``netweave report`` on files (no ``--network``)."""
    return bool(args) and args[0] == "report" and not any(
        a == "--network" or a.startswith("--network=") for a in args[1:])


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netweave.site.settings")
    args = sys.argv[1:] if argv is None else argv
    if reports_on_files(args):
        from netweave.dashboard.management.commands.report import Command

        Command().run_from_argv(["netweave", *args])
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["netweave", *args])
    return 0
