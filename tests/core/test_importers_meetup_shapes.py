"""Meetup's exports in the shapes an organiser downloads them (fixtures in
tests/fixtures/imports, written for these tests in Meetup's own column names): an event's
attendance report named after the event, the group's member list with join dates, and an
RSVP export in the API's names with millisecond times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from netweave.core import importers
from netweave.core.importers.errors import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
REPORT = "Repair Café Tiel 2026-03-05 19.30.csv"
MEMBERS = "Energieregio Rivierenland Members.csv"
RSVPS = "meetup_rsvps_api.csv"
START = datetime(2026, 3, 5, 18, 30, tzinfo=UTC)  # 19:30 in Amsterdam


def read(name: str, **kwargs):
    return importers.parse("meetup", FIXTURES / name, timezone="Europe/Amsterdam", **kwargs)


def test_attendance_report_is_the_event_named_in_its_file_name():
    batch = read(REPORT)
    [event] = batch.events
    assert (event.title, event.starts_at) == ("Repair Café Tiel", START)
    # "Title" is the member's title in the group, never the event; the host is the host.
    assert event.hosts == ["meetup:184467301"]
    assert {r.person: r.status for r in batch.rsvps} == {
        "meetup:184467301": "going", "meetup:201155872": "going",
        "meetup:90233118": "going", "meetup:255010447": "maybe",
        "meetup:238877120": "not_going"}
    assert sorted(a.person for a in batch.attendance) == ["meetup:184467301",
                                                          "meetup:201155872"]
    # Month first, as Meetup writes it, in the network's time zone.
    first = next(r for r in batch.rsvps if r.person == "meetup:184467301")
    assert first.at == datetime(2026, 2, 20, 8, 14, tzinfo=UTC)
    assert batch.joined["meetup:184467301"] == datetime(2024, 11, 2, 23, 0, tzinfo=UTC)
    assert batch.people["meetup:184467301"].name == "Anaïs Voorbeeld"
    assert any("1 guests brought along" in note for note in batch.notes)


def test_member_list_gives_members_and_the_day_they_joined():
    batch = read(MEMBERS)
    assert not batch.events and not batch.rsvps and not batch.attendance
    assert set(batch.people) == {"meetup:184467301", "meetup:201155872",
                                 "meetup:277301554", "meetup:110298833"}
    assert batch.joined["meetup:110298833"] == datetime(2022, 4, 20, 22, 0, tzinfo=UTC)
    assert "a member list: 4 members, 4 with the day they joined the group" in batch.notes


def test_rsvp_export_with_millisecond_times_and_many_events():
    batch = read(RSVPS)
    events = {e.title: e for e in batch.events}
    assert events["Repair Café Tiel"].starts_at == START
    assert events["Repair Café Tiel"].location == "Buurthuis De Schakel"
    assert events["Energiecafé: warmtepompen"].starts_at == datetime(2026, 4, 2, 18, 30,
                                                                     tzinfo=UTC)
    # The same event as the attendance report's: one source id for both.
    assert {e.source_id for e in read(REPORT).events} <= set(events_ids := {
        e.source_id for e in batch.events}) and len(events_ids) == 2
    femke = next(r for r in batch.rsvps if r.person == "meetup:277301554")
    assert femke.at == datetime.fromtimestamp(1774200000.789, UTC)  # mtime: the last change
    assert not batch.attendance


def test_unreadable_dates_and_answers_name_the_line(tmp_path):
    bad = tmp_path / "Borrel 2026-05-01.csv"
    bad.write_text('"Name","User ID","RSVP","RSVPed on"\n"A","user 1","Yes","someday"\n')
    with pytest.raises(ParseError, match="RSVP time 'someday' is unreadable") as err:
        importers.parse("meetup", bad)
    assert err.value.line == 2
    undated = tmp_path / "Borrel.csv"
    undated.write_text('"Name","User ID","RSVP"\n"A","user 1","Yes"\n')
    with pytest.raises(ParseError, match="a date in the file's name"):
        importers.parse("meetup", undated)
