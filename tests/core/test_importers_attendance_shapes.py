"""Attendance tables in the shapes real ones come in (fixtures in tests/fixtures/imports,
written for these tests): a classic person-by-event table with an events file and an
attended column, and a names-only sign-in sheet of undated events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from netweave.core import importers
from netweave.core.importers.errors import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def read(name: str, **options):
    return importers.parse("attendance", FIXTURES / name, options=options, timezone="UTC")


def test_events_file_dates_events_and_attended_is_not_the_channel():
    batch = read("women_events.csv", events=str(FIXTURES / "events.csv"))
    assert sorted((a.person, a.event) for a in batch.attendance) == [
        ("name:evelyn", "E1"), ("name:evelyn", "E2"), ("name:laura", "E1"),
        ("name:theresa", "E2")]
    assert not any(a.online for a in batch.attendance)
    dates = {e.title: (e.starts_at, e.location) for e in batch.events}
    assert dates == {"E1": (datetime(1935, 6, 27, tzinfo=UTC), "Church"),
                     "E2": (datetime(1935, 3, 2, tzinfo=UTC), "Club")}
    assert set(batch.people) == {"name:evelyn", "name:laura", "name:theresa"}
    assert batch.notes == ["1 rows say not attended and 1 rows say unknown: not counted as "
                           "attendance"]


def test_zero_can_mean_not_recorded():
    batch = read("women_events.csv", events=str(FIXTURES / "events.csv"), not_recorded="0")
    assert "0 rows say not attended and 2 rows say unknown" in batch.notes[0]


def test_an_event_missing_from_the_events_file_is_named(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("event,date\nE1,1935-06-27\n")
    table = tmp_path / "t.csv"
    table.write_text("woman,event\nEvelyn,E1\nEvelyn,E3\n")
    with pytest.raises(ParseError, match="'E3' is unreadable and not in the events file"):
        importers.parse("attendance", table, options={"events": str(events)})


def test_undated_events_are_one_period():
    batch = read("signin_undated.csv", date="2026-03-01")
    assert sorted(e.title for e in batch.events) == ["Buurtavond", "Klusdag"]
    assert {e.starts_at for e in batch.events} == {datetime(2026, 3, 1, tzinfo=UTC)}
    assert len(batch.attendance) == 3
    assert batch.notes == ["2 events have no date: all are dated 2026-03-01 (one period; "
                           "--date sets it)"]


def test_a_header_it_cannot_place_is_asked_for_by_mapping(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("deelnemende partij,event\nX,2026-01-01\n")
    with pytest.raises(ParseError, match="mapping like 'Column title=person'"):
        importers.parse("attendance", table)
    batch = importers.parse("attendance", table, mapping="deelnemende partij=person")
    assert list(batch.people) == ["name:x"]


def test_attended_values_that_are_not_yes_no_or_unknown_are_refused(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("name,date,attended\nX,2026-01-01,maybe\n")
    with pytest.raises(ParseError, match="attended 'maybe'"):
        importers.parse("attendance", table)
