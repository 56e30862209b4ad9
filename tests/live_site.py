"""A real netweave deployment for fault and soak tests: its own PostgreSQL database, gunicorn
with its workers in separate processes, reached over loopback like any client would; or
``netweave serve`` (waitress and its job worker) on its own data dir.

Used by ``tests/test_faults.py``, ``tests/test_sqlite_sharing.py`` and ``bench/soak.py``.
Nothing here is mocked: the server is the production WSGI server started from the installed
``netweave`` package.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_postgres(admin_url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside ``admin_url``'s; dropped afterwards."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    base: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """Run a ``netweave`` command against the site's database; its standard output."""
        done = subprocess.run([str(BIN / "netweave"), *args], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"netweave {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python with Django set up against the site's database; its standard output."""
        return self.manage("shell", "-c", code)

    def login(self, username: str, password: str) -> requests.Session:
        """A browser-like session, logged in through the login form."""
        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(f"{self.base}/accounts/login/", timeout=30,
                              data={"username": username, "password": password,
                                    "csrfmiddlewaretoken": token},
                              headers={"Referer": f"{self.base}/accounts/login/"})
        answer.raise_for_status()
        assert "sessionid" in session.cookies, f"login as {username} failed"
        session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
        session.headers["Referer"] = f"{self.base}/"
        return session


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def site_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a site on ``data_dir``; its database is SQLite in the data dir
    unless ``database_url`` names one."""
    env = {**os.environ, "NETWEAVE_DATA_DIR": str(data_dir),
           "NETWEAVE_SECRET_KEY": "live-site-test-key-" + "x" * 40,
           "NETWEAVE_ALLOWED_HOSTS": "127.0.0.1,localhost", "NETWEAVE_LOG_LEVEL": "WARNING"}
    env.pop("NETWEAVE_DEBUG", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextmanager
def served(env: dict[str, str], *, threads: int = 4) -> Iterator[Site]:
    """``netweave serve --no-demo`` (migrations, waitress, the job worker) with
    ``env`` on a free port until the block ends; then stopped with SIGTERM."""
    port = free_port()
    log_path = Path(env["NETWEAVE_DATA_DIR"]) / f"serve-{port}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(BIN / "netweave"), "serve", "--no-demo", "--port", str(port),
             "--threads", str(threads)],
            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log_path)
            yield Site(base, env, process, log_path)
        finally:
            _stop(process)


@contextmanager
def live_site(database_url: str, *, workers: int = 2, threads: int = 1) -> Iterator[Site]:
    """Migrate ``database_url`` and serve netweave on it with gunicorn until the block ends."""
    data_dir = tempfile.mkdtemp(prefix="netweave-live-")
    port = free_port()
    env = site_env(Path(data_dir), database_url)
    subprocess.run([str(BIN / "netweave"), "migrate", "--no-input", "-v", "0"], env=env,
                   check=True, timeout=600)
    subprocess.run([str(BIN / "netweave"), "collectstatic", "--no-input", "-v", "0"],
                   env=env, check=True, timeout=600)
    # The server's log goes to a file: a pipe nobody reads would fill up and stall it.
    log = open(Path(data_dir) / "gunicorn.log", "w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "netweave.site.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--graceful-timeout", "5", "--timeout", "60", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, Path(data_dir) / "gunicorn.log")
        yield Site(base, env, process, Path(data_dir) / "gunicorn.log")
    finally:
        _stop(process)
        log.close()
