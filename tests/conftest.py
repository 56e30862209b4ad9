"""Shared test set-up.

The suite runs once per database: SQLite by default, PostgreSQL when DATABASE_URL names one
(``make test`` runs both). When PostgreSQL was asked for and cannot be reached the run stops
with an error; it never quietly falls back to SQLite.

Every test runs at the same moment, whatever today is: the whole session's clock starts at
:data:`TEST_NOW` and ticks on from there (time-machine patches ``time.time`` and ``datetime``
in this process: tests, fixtures, the live server's thread, the demo generator). Monotonic
clocks are left alone, so timeouts and hypothesis deadlines are real. A process that a test
starts sees the real clock: give it explicit dates instead (``netweave demo --end``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

#: The moment the test session starts at (a Monday in summer time, mid-month: a fortnight
#: either way crosses no month end and no change of daylight saving time).
TEST_NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
_CLOCK = pytest.StashKey[time_machine.travel]()

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"netweave database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Password hashing is deliberately slow; tests need it correct, not slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_cache_and_jobs(settings) -> None:
    """Each test process keeps its own cache (never the data dir's file cache, which outlives
    the test databases), and background jobs run inside the request that queues them."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"netweave-tests-{os.getpid()}"}}
    settings.NETWEAVE_JOBS_EAGER = True


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's default language (English), whatever language an
    earlier test or request left active in this thread, and leaves none behind."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module is imported, so that module-level dates see it too.
    clock = time_machine.travel(TEST_NOW, tick=True)
    clock.start()
    config.stash[_CLOCK] = clock
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            raise pytest.UsageError(
                f"PostgreSQL was asked for (DATABASE_URL={url}) but cannot be reached: {exc}"
            ) from exc


def pytest_unconfigure(config: pytest.Config) -> None:
    clock = config.stash.get(_CLOCK, None)
    if clock is not None:
        clock.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """A headless Debian Chromium driven by Playwright, one per test module (its event loop
    ends with the module); a missing browser fails the test, it never skips it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium "
                    "(apt-get install chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # beside it (building data, the live server's requests) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser) -> Iterator:
    """Opens a page in a fresh browser context (its own cookies: one person each); every
    context is closed after the test. Keyword options go to ``browser.new_context``."""
    contexts = []

    def open_page(locale: str = "en-GB", *, width: int = 1280, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


def account_with_client(username: str, name: str):
    """A person with an account (``<username>@example.org``) and a test client logged in as
    them, asking for English pages: ``(person, client)``."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from netweave.networks.models import Person

    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-2026x")
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return Person.objects.create(user=user, name=name, email=user.email), client


def log_in(page, base: str, username: str, password: str) -> None:
    """Log ``page`` in through the login form and wait for the home page."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base}/")
