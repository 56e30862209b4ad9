"""``netweave serve``: migrate, load the demo when empty, and serve the app."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from netweave.jobs.services import recover_stale
from netweave.networks.models import Network

log = logging.getLogger(__name__)


class WorkerProcess:
    """``netweave worker`` as a child process of the server: started with it, started again
    when it dies, stopped (and, after ``grace`` seconds, killed) when the server stops. The
    child also ends by itself when the server process is gone."""

    def __init__(self, grace: float = 10.0) -> None:
        self.grace = grace
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.thread = threading.Thread(target=self._watch, name="netweave-worker-watch",
                                       daemon=True)

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "netweave", "worker",
                                 "--parent", str(os.getpid())])

    def start(self) -> None:
        self.process = self._spawn()
        self.thread.start()

    def _watch(self) -> None:
        delay = 1.0
        while not self.stopping.is_set():
            code = self.process.wait()
            if self.stopping.is_set():
                return
            log.error("the worker process %s ended (%s); starting it again in %.0f s",
                      self.process.pid, code, delay)
            if self.stopping.wait(delay):
                return
            self.restarts += 1
            self.process = self._spawn()
            delay = min(delay * 2, 30.0)

    def stop(self) -> None:
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()  # the worker finishes or leaves its job; a later start recovers it
        try:
            process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Command(BaseCommand):
    help = ("Apply migrations, collect static files, load the demo networks when the database "
            "holds none, and serve netweave with waitress (a production WSGI server), with a "
            "worker process for background jobs.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-demo", action="store_true",
                            help="do not load the demo networks into an empty database")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start a worker process for background jobs (run "
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

        worker = None
        if not no_worker:
            requeued, failed = recover_stale()  # jobs of a worker that died with a server
            if requeued or failed:
                self.stdout.write(f"Jobs of a stopped worker: {requeued} queued again, "
                                  f"{failed} failed.")
            # One machine, one command: a worker process (not a thread of the web process)
            # runs the background jobs, each job in a process of its own.
            worker = WorkerProcess()
            worker.start()
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS(
            f"netweave on http://{host}:{port}/ ({db['ENGINE'].rsplit('.', 1)[-1]}: "
            f"{db['NAME']}); Ctrl-C stops it."), ending="\n")
        self.stdout.flush()

        def terminate(*_args) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, terminate)  # stop like Ctrl-C: the worker goes too
        try:
            serve(application, host=host, port=port, threads=threads, ident="netweave")
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.stop()
