"""Checks of a deployment, for ``netweave doctor``: each returns a :class:`Finding`.

Kept apart from the command so that each check can be read (and tested) on its own. A check
never changes anything.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import checks as django_checks
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OK, WARN, FAIL = "ok", "warn", "fail"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
UNSENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@dataclass(frozen=True)
class Finding:
    name: str
    status: str  # OK, WARN or FAIL
    message: str


def database() -> Finding:
    vendor = connection.vendor
    name = connection.settings_dict.get("NAME")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Finding("database", FAIL, f"{vendor} database {name} unreachable: {first}")
    if vendor == "sqlite":
        return Finding("database", WARN if settings.NETWEAVE_PRODUCTION else OK,
                       f"SQLite {name} reachable (one machine only; PostgreSQL for several "
                       "web or worker machines)")
    host = connection.settings_dict.get("HOST") or "local socket"
    return Finding("database", OK, f"{vendor} database {name} on {host} reachable")


def migrations() -> Finding:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Finding("migrations", FAIL, f"cannot read the migration table: {exc}")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return Finding("migrations", FAIL, f"{len(plan)} migrations not applied ({names}{more}):"
                       " run `netweave migrate`")
    return Finding("migrations", OK, "every migration applied")


def secret_key() -> Finding:
    key = settings.SECRET_KEY
    if not key or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        return Finding("secret key", FAIL, "the secret key is a default or too weak (need 50+ "
                       "random characters): set NETWEAVE_SECRET_KEY")
    if settings.NETWEAVE_PRODUCTION and "NETWEAVE_SECRET_KEY" not in _environ():
        return Finding("secret key", WARN, "generated into the data dir: every web machine "
                       "needs the same key, set NETWEAVE_SECRET_KEY when there are several")
    return Finding("secret key", OK, "set and strong")


def _environ() -> dict:
    import os

    return dict(os.environ)


def debug() -> Finding:
    if settings.DEBUG:
        return Finding("debug", FAIL, "NETWEAVE_DEBUG is on: error pages show settings and "
                       "code to anyone; turn it off")
    return Finding("debug", OK, "off")


def allowed_hosts() -> Finding:
    hosts = [host for host in settings.ALLOWED_HOSTS if host]
    if not hosts or "*" in hosts:
        return Finding("allowed hosts", FAIL, f"ALLOWED_HOSTS is {hosts or 'empty'}: set "
                       "NETWEAVE_ALLOWED_HOSTS to the site's host names")
    public = [host for host in hosts if host not in LOCAL_HOSTS]
    if not public:
        return Finding("allowed hosts", WARN, f"only local names ({', '.join(hosts)}): set "
                       "NETWEAVE_ALLOWED_HOSTS to the site's host names")
    return Finding("allowed hosts", OK, ", ".join(hosts))


def https() -> Finding:
    if not settings.NETWEAVE_PRODUCTION:
        return Finding("https", WARN, "NETWEAVE_PRODUCTION is off: cookies are not HTTPS-only "
                       "and there is no HSTS; set it when served over HTTPS")
    return Finding("https", OK, f"secure cookies, HSTS {settings.SECURE_HSTS_SECONDS} s, "
                   f"redirect to HTTPS {'on' if settings.SECURE_SSL_REDIRECT else 'off'}")


def email() -> Finding:
    backend = settings.EMAIL_BACKEND
    if backend in UNSENT_MAIL_BACKENDS:
        return Finding("e-mail", FAIL, f"{backend.rsplit('.', 2)[-2]} backend: mails "
                       "(password resets, invitations) are not sent; set EMAIL_BACKEND and "
                       "EMAIL_HOST")
    if backend == "django.core.mail.backends.smtp.EmailBackend" and (
            settings.EMAIL_HOST in ("", "localhost", "127.0.0.1")):
        note = f"SMTP via {settings.EMAIL_HOST or '?'}:{settings.EMAIL_PORT}"
        return Finding("e-mail", WARN, f"{note}: a local mail server must relay the mail")
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        return Finding("e-mail", WARN, f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL}: "
                       "receivers will reject it")
    return Finding("e-mail", OK, f"{backend.rsplit('.', 2)[-2]} via {settings.EMAIL_HOST}:"
                   f"{settings.EMAIL_PORT}, from {settings.DEFAULT_FROM_EMAIL}")


def static_files() -> Finding:
    root = Path(settings.STATIC_ROOT)
    wanted = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(storage, "prefix", None) or ""
            wanted.add(f"{prefix}/{path}" if prefix else path)
    missing = sorted(path for path in wanted if not (root / path).exists())
    if missing:
        return Finding("static files", FAIL, f"{len(missing)} of {len(wanted)} files not "
                       f"collected into {root} (e.g. {missing[0]}): run "
                       "`netweave collectstatic`")
    return Finding("static files", OK, f"{len(wanted)} files collected in {root}")


def worker(max_age: timedelta = timedelta(minutes=2)) -> Finding:
    try:
        from netweave.jobs.models import Job, WorkerHeartbeat
    except ImportError:  # pragma: no cover - the jobs app is always installed
        return Finding("worker", WARN, "no jobs app")
    try:
        latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
        queued = Job.objects.filter(status="queued").count()
    except DatabaseError as exc:
        return Finding("worker", FAIL, f"cannot read worker heartbeats: {exc}")
    if latest is None:
        return Finding("worker", FAIL, "no worker has ever run: start `netweave worker` "
                       f"(or `netweave serve`); {queued} jobs waiting")
    age = timezone.now() - latest.seen_at
    seconds = int(age.total_seconds())
    if age > max_age:
        return Finding("worker", FAIL, f"last heartbeat {seconds} s ago from {latest.name}: "
                       f"is `netweave worker` running? {queued} jobs waiting")
    return Finding("worker", OK, f"{latest.name} seen {seconds} s ago; {queued} jobs waiting")


def disk(min_free_mb: int = 1024) -> Finding:
    path = Path(settings.DATA_DIR)
    usage = shutil.disk_usage(path if path.exists() else path.parent)
    free_mb = usage.free // (1024 * 1024)
    share = usage.free / usage.total if usage.total else 0
    text = f"{free_mb} MB free ({share:.0%}) where {path} is"
    if free_mb < min_free_mb // 4:
        return Finding("disk space", FAIL, text)
    if free_mb < min_free_mb or share < 0.05:
        return Finding("disk space", WARN, text)
    return Finding("disk space", OK, text)


def deploy_checks() -> Finding:
    """Django's own system checks, deployment checks included."""
    messages = django_checks.run_checks(include_deployment_checks=True)
    serious = [m for m in messages if m.level >= django_checks.ERROR]
    warnings = [m for m in messages if django_checks.WARNING <= m.level < django_checks.ERROR]
    ids = ", ".join(m.id or "?" for m in (serious + warnings)[:8])
    if serious:
        return Finding("django checks", FAIL, f"{len(serious)} errors, {len(warnings)} "
                       f"warnings ({ids}): see `netweave check --deploy`")
    if warnings:
        return Finding("django checks", WARN, f"{len(warnings)} warnings ({ids}): see "
                       "`netweave check --deploy`")
    return Finding("django checks", OK, "`check --deploy` finds nothing")


def run_all(*, min_free_mb: int = 1024, worker_age: timedelta = timedelta(minutes=2)
            ) -> list[Finding]:
    """Every check, in order; checks that need the database are skipped when it is down."""
    found = [database()]
    if found[0].status != FAIL:
        found += [migrations(), worker(worker_age)]
    found += [secret_key(), debug(), allowed_hosts(), https(), email(), static_files(),
              disk(min_free_mb), deploy_checks()]
    return found
