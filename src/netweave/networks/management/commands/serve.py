"""``netweave serve``: migrate, load the demo when empty, and serve the app."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from netweave.jobs.services import work
from netweave.networks.models import Network


class Command(BaseCommand):
    help = ("Apply migrations, collect static files, load the demo networks when the database "
            "holds none, and serve netweave with waitress (a production WSGI server).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-demo", action="store_true",
                            help="do not load the demo networks into an empty database")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not run background jobs in this process (run "
                                 "`netweave worker` separately instead)")

    def handle(self, *args, host: str, port: int, threads: int, no_demo: bool,
               no_worker: bool, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo and not Network.objects.exists():
            self.stdout.write("Empty database: loading the demo networks …")
            call_command("demo", if_empty=True)
        from waitress import serve

        from netweave.site.wsgi import application

        if not no_worker:
            # One machine, one command: a worker thread runs the background jobs.
            threading.Thread(target=work, name="netweave-worker", daemon=True).start()
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS(
            f"netweave on http://{host}:{port}/ ({db['ENGINE'].rsplit('.', 1)[-1]}: "
            f"{db['NAME']}); Ctrl-C stops it."))
        serve(application, host=host, port=port, threads=threads, ident="netweave")
