"""Shared test set-up.

The suite runs once per database: SQLite by default, PostgreSQL when DATABASE_URL names one
(``make test`` runs both). When PostgreSQL was asked for and cannot be reached the run stops
with an error; it never quietly falls back to SQLite.
"""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"netweave database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Password hashing is deliberately slow; tests need it correct, not slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            raise pytest.UsageError(
                f"PostgreSQL was asked for (DATABASE_URL={url}) but cannot be reached: {exc}"
            ) from exc
