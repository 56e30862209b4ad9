"""Trust, operations: ``netweave doctor`` on good and bad deployments, and ``netweave
backup`` / ``netweave restore`` giving back the same report (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from netweave.core.measure.data import Period
from netweave.core.measure.engine import measure
from netweave.dashboard.reading import read_network_data
from netweave.discuss import services as discuss_services
from netweave.jobs.models import WorkerHeartbeat
from netweave.networks import services
from netweave.networks.activity_log import database_url
from netweave.networks.models import Network, Person

NETWEAVE = str(Path(sys.executable).with_name("netweave"))
STRONG_KEY = "k3Y-" + "".join(chr(65 + (i * 7) % 26) + str(i % 10) for i in range(30))


def doctor(*args: str) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("doctor", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def statuses(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        parts = line.split(None, 1)
        if parts and parts[0] in ("OK", "WARN", "FAIL"):
            found[line[6:21].strip()] = parts[0]
    return found


@pytest.fixture
def good_deployment(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("NETWEAVE_SECRET_KEY", STRONG_KEY)
    settings.SECRET_KEY = STRONG_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["netweave.example.org"]
    settings.NETWEAVE_PRODUCTION = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.org"
    settings.DEFAULT_FROM_EMAIL = "netweave <netweave@example.org>"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings


@pytest.mark.django_db
def test_doctor_passes_a_good_deployment(good_deployment):
    WorkerHeartbeat.objects.create(name="web1:worker", seen_at=timezone.now())
    output, failed = doctor("--min-free-mb", "1")
    assert failed is None, output
    found = statuses(output)
    assert set(found) == {"database", "migrations", "worker", "secret key", "debug",
                          "allowed hosts", "https", "e-mail", "static files", "disk space",
                          "django checks"}
    assert [name for name, status in found.items() if status == "FAIL"] == []
    for name in ("migrations", "worker", "secret key", "debug", "allowed hosts", "https",
                 "e-mail", "static files", "disk space"):
        assert found[name] == "OK", (name, output)
    assert "All 11 checks passed" in output
    assert "web1:worker seen" in output


@pytest.mark.django_db
def test_doctor_names_every_fault_of_a_bad_deployment(good_deployment, tmp_path):
    good_deployment.DEBUG = True
    good_deployment.SECRET_KEY = "django-insecure-change-me"
    good_deployment.ALLOWED_HOSTS = ["*"]
    good_deployment.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    good_deployment.STATIC_ROOT = tmp_path / "never-collected"
    WorkerHeartbeat.objects.create(name="old", seen_at=timezone.now() - timedelta(hours=1))
    output, failed = doctor()
    found = statuses(output)
    for name in ("secret key", "debug", "allowed hosts", "e-mail", "static files", "worker"):
        assert found[name] == "FAIL", (name, output)
    assert found["migrations"] == "OK" and found["database"] != "FAIL"
    assert failed is not None and failed.startswith("6 checks failed")
    assert "set NETWEAVE_SECRET_KEY" in output and "run `netweave collectstatic`" in output
    assert "last heartbeat 3600 s ago from old" in output or "last heartbeat 3601 s" in output
    as_json, _failed = doctor("--json")
    rows = {row["name"]: row["status"] for row in json.loads(as_json)}
    assert rows["debug"] == "fail" and rows["migrations"] == "ok"


def _run_doctor(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([NETWEAVE, "doctor"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def test_doctor_on_an_unmigrated_and_an_unreachable_database(tmp_path):
    fresh = _run_doctor({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}",
                         "NETWEAVE_DATA_DIR": str(tmp_path)})
    found = statuses(fresh.stdout)
    assert fresh.returncode == 1
    assert found["database"] == "OK" and found["migrations"] == "FAIL"
    assert "run `netweave migrate`" in fresh.stdout
    down = _run_doctor({"DATABASE_URL": "postgresql://netweave@127.0.0.1:9/netweave",
                        "NETWEAVE_DATA_DIR": str(tmp_path)})
    assert down.returncode == 1
    assert statuses(down.stdout)["database"] == "FAIL"
    assert "unreachable" in down.stdout
    assert "migrations" not in statuses(down.stdout)  # not tried without a database


# --- backup and restore --------------------------------------------------------------------

def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def _figures(end) -> str:
    """Every network's engine figures for the 90 days before ``end``, as one JSON text.

    Floats are rounded to 9 decimals: a restore changes the order in which PostgreSQL
    returns rows, and sums taken in another order differ in the last bit (0.0998249299719888
    against ...77)."""
    found = {}
    for network in Network.objects.order_by("slug"):
        data = read_network_data(database_url(), network.pk)
        figures = dict(measure(data, Period(end - timedelta(days=90), end)).figures)
        figures.pop("generated_at", None)
        found[network.slug] = _rounded(figures)
    return json.dumps(found, sort_keys=True, default=str)


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_gives_the_same_report(tmp_path):
    call_command("demo", "--people", "30", "--months", "3", "--events", "4", "--seed", "5",
                 "--no-progress", stdout=io.StringIO())
    end = timezone.now()
    before = _figures(end)
    file = tmp_path / "netweave.backup"
    out = io.StringIO()
    call_command("backup", "--out", str(file), stdout=out)
    assert f"to {file}" in out.getvalue() and file.stat().st_size > 0
    # Life goes on after the backup: new activity changes the figures.
    main = Network.objects.order_by("pk").first()
    author = Person.objects.filter(memberships__network=main).first()
    discuss_services.start_topic(main, author, title="After the backup", body="New.",
                                 at=end - timedelta(hours=1))
    services.create_network(facilitator=author, name="Later", slug="after-backup",
                            purpose="Made after the backup.", primary_type="practice")
    assert _figures(end) != before
    with pytest.raises(CommandError, match=r"the database is not empty \(\d+ accounts"):
        call_command("restore", str(file))
    assert Network.objects.filter(slug="after-backup").exists()  # refused: nothing changed
    out = io.StringIO()
    call_command("restore", str(file), "--force", stdout=out)
    assert "Restored the" in out.getvalue()
    assert not Network.objects.filter(slug="after-backup").exists()
    assert _figures(end) == before


@pytest.mark.django_db
def test_restore_refuses_files_that_are_not_a_backup_of_this_kind(tmp_path):
    garbage = tmp_path / "notes.txt"
    garbage.write_text("hello")
    with pytest.raises(CommandError, match="is not a netweave backup"):
        call_command("restore", str(garbage), "--force")
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        expected = "is a postgresql backup, but this netweave uses sqlite"
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        expected = "is a sqlite backup, but this netweave uses postgresql"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), "--force")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore", str(tmp_path / "missing.backup"))
