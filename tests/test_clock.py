"""The test session's clock (tests/conftest.py): every test sees the same day, whatever the
date on the machine."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from conftest import TEST_NOW
from netweave.core.demo import generate


def test_the_session_runs_at_the_fixed_moment_and_ticks():
    now = timezone.now()
    assert TEST_NOW <= now < TEST_NOW + timedelta(hours=12)
    assert datetime.now(UTC).date() == TEST_NOW.date()
    assert abs(time.time() - datetime.now(UTC).timestamp()) < 5
    before = time.time()
    time.sleep(0.01)
    assert time.time() > before


def test_the_demo_ends_on_the_fixed_day():
    assert generate(seed=1, people=20, months=2).end.date() == TEST_NOW.date()
