"""Meet: recurring series across daylight saving, iCalendar output, the waiting list, guests,
check-in, exports, feeds, reminders and their activity rows (METRICS.md section 0)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from icalendar import Calendar
from openpyxl import load_workbook

from netweave.core import activity as act
from netweave.meet import ical, recurrence, services
from netweave.meet import services as meet_services
from netweave.meet.exports import attendees_csv, attendees_xlsx
from netweave.meet.models import Notice
from netweave.meet.selectors import attendee_rows
from netweave.networks import services as net
from netweave.networks.models import (
    Activity,
    Attendance,
    Event,
    Identity,
    IdentityMode,
    Person,
    Registration,
    Visibility,
)

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def person(name: str, *, account: bool = True) -> Person:
    user = None
    if account:
        user = get_user_model().objects.create_user(name.lower().replace(" ", "."),
                                                    f"{name.split()[0].lower()}@example.org",
                                                    "pw-Long-2026")
    return Person.objects.create(user=user, name=name,
                                 email=f"{name.split()[0].lower()}@example.org")


@pytest.fixture
def fenna() -> Person:
    return person("Fenna Bakker")


@pytest.fixture
def network(fenna):
    return net.create_network(facilitator=fenna, name="Warmte Zuid", slug="warmte-zuid",
                              purpose="Samen van het gas af.", primary_type="place",
                              identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)


def future(days: int, hour: int = 19, minute: int = 30) -> datetime:
    day = (datetime.now(AMS) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def one_off(network, *, capacity=None, days=10, **fields) -> Event:
    start = future(days)
    fields.setdefault("mode", "hybrid")
    fields.setdefault("location", "Buurthuis De Linde")
    fields.setdefault("online_url", "https://meet.example.org/warmte")
    return meet_services.create_event(network, title="Warmte-avond", starts_at=start,
                                      ends_at=start + timedelta(hours=2), capacity=capacity,
                                      **fields)


# --- recurrence and daylight saving --------------------------------------------------------

def test_first_thursday_keeps_its_local_time_across_both_dst_changes():
    starts = recurrence.expand("FREQ=MONTHLY;BYDAY=1TH", datetime(2026, 1, 1, 19, 30),
                               "Europe/Amsterdam", limit=12)
    assert [s.date().isoformat() for s in starts[:4]] == [
        "2026-01-01", "2026-02-05", "2026-03-05", "2026-04-02"]
    assert {(s.hour, s.minute) for s in starts} == {(19, 30)}
    utc = {s.date().isoformat(): recurrence.to_utc(s).strftime("%H:%M") for s in starts}
    assert utc["2026-03-05"] == "18:30" and utc["2026-04-02"] == "17:30"  # CET -> CEST
    assert utc["2026-10-01"] == "17:30" and utc["2026-11-05"] == "18:30"  # CEST -> CET


def test_bad_rules_and_zones_say_what_was_expected():
    with pytest.raises(recurrence.RuleError, match="FREQ=MONTHLY;BYDAY=1TH"):
        recurrence.expand("every thursday", datetime(2026, 1, 1, 19, 30), "Europe/Amsterdam")
    with pytest.raises(recurrence.RuleError, match="IANA"):
        recurrence.expand("FREQ=WEEKLY", datetime(2026, 1, 1, 19, 30), "Mars/Olympus")
    assert recurrence.preset_rule("monthly_weekday", datetime(2026, 3, 5)) == \
        "FREQ=MONTHLY;BYDAY=+1TH"
    assert recurrence.preset_rule("monthly_weekday", datetime(2026, 3, 12)) == \
        "FREQ=MONTHLY;BYDAY=+2TH"
    assert recurrence.preset_rule("monthly_weekday", datetime(2026, 10, 29)) == \
        "FREQ=MONTHLY;BYDAY=-1TH"


@pytest.fixture
def weekly(network, fenna):
    """Weekly on Thursday 19:30 Amsterdam, 2026-03-19 .. 2026-11-05: both DST changes."""
    start = datetime(2026, 3, 19, 19, 30, tzinfo=AMS)
    return services.create_series(network, title="Donderdagavond", starts_at=start,
                                  ends_at=start + timedelta(hours=2),
                                  rule="FREQ=WEEKLY;UNTIL=20261105T235959", hosts=[fenna],
                                  mode="hybrid", location="De Linde",
                                  online_url="https://meet.example.org/x")


def test_series_occurrences_are_events_at_the_same_local_time(weekly, fenna):
    events = list(weekly.occurrences.order_by("starts_at"))
    assert len(events) == 34
    local = [e.starts_at.astimezone(AMS) for e in events]
    assert {(t.hour, t.minute) for t in local} == {(19, 30)}
    by_date = {t.date().isoformat(): e.starts_at.astimezone(UTC).hour
               for t, e in zip(local, events, strict=True)}
    assert by_date["2026-03-19"] == 18 and by_date["2026-04-02"] == 17
    assert by_date["2026-10-22"] == 17 and by_date["2026-10-29"] == 18
    hosts = Activity.objects.filter(kind=act.HOST, actor=fenna)
    assert hosts.count() == 34  # one host row per occurrence


def test_series_ics_parses_back_and_expands_across_dst(weekly):
    ics = ical.series_calendar(weekly).to_ical()
    cal = Calendar.from_ical(ics)
    assert cal.get("version") == "2.0"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    (master,) = cal.walk("VEVENT")
    start = master.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Amsterdam" and (start.hour, start.minute) == (19, 30)
    rule = master["rrule"].to_ical().decode()
    dates = list(rrulestr(rule, dtstart=start))
    assert len(dates) == 34
    march = [d for d in dates if d.month in (3, 4)][:3]
    assert [d.astimezone(UTC).hour for d in march] == [18, 18, 17]  # 19, 26 March, 2 April
    october = [d for d in dates if d.month == 10 or (d.month == 11)]
    assert all((d.hour, d.minute) == (19, 30) for d in october)
    assert [d.astimezone(UTC).hour for d in october[-3:]] == [17, 18, 18]


def test_edit_one_occurrence_and_the_series(weekly):
    events = list(weekly.occurrences.order_by("starts_at"))
    fifth = events[4]
    services.edit_occurrence(fifth, title="Extra: excursie", location="Warmtecentrale")
    services.edit_series(events[2], start_time=datetime(2000, 1, 1, 20, 0).time(),
                         location="Bibliotheek")
    fresh = {e.pk: e for e in weekly.occurrences.all()}
    assert fresh[events[0].pk].location == "De Linde"  # before the edited one: unchanged
    assert fresh[events[3].pk].location == "Bibliotheek"
    assert fresh[events[3].pk].starts_at.astimezone(AMS).hour == 20
    assert fresh[fifth.pk].title == "Extra: excursie" and fresh[fifth.pk].detached
    assert fresh[fifth.pk].location == "Warmtecentrale"  # edited alone: left alone
    assert {e.starts_at.astimezone(AMS).hour for e in events[2:] if not e.pk == fifth.pk
            for e in [fresh[e.pk]]} == {20}
    meet_services.cancel_event(fresh[events[6].pk])
    cal = Calendar.from_ical(ical.series_calendar(weekly).to_ical())
    vevents = cal.walk("VEVENT")
    master, overrides = vevents[0], vevents[1:]
    exdates = [d.dt for ex in [master["exdate"]] for d in
               (ex if isinstance(ex, list) else [ex]) for d in d.dts]
    assert [d.date() for d in exdates] == [events[6].starts_at.astimezone(AMS).date()]
    ids = {o.decoded("recurrence-id").date() for o in overrides}
    assert events[4].starts_at.astimezone(AMS).date() in ids
    # a moved occurrence's host row is re-dated by a correcting row
    moved = fresh[events[3].pk]
    latest = Activity.objects.filter(kind=act.HOST, object_id=moved.pk).order_by("-id").first()
    assert latest.at == moved.starts_at and latest.corrects is not None
    voided = Activity.objects.filter(kind=act.VOID, object_id=events[6].pk)
    assert voided.count() == 1


def test_event_ics_and_feeds_parse_back(network, fenna):
    event = one_off(network)
    cal = Calendar.from_ical(ical.event_calendar(event).to_ical())
    (vevent,) = cal.walk("VEVENT")
    assert vevent.decoded("dtstart") == event.starts_at
    assert "meet.example.org" in str(vevent["location"])
    client = Client()
    response = client.get(f"/n/{network.slug}/events.ics")
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


# --- RSVP, waiting list, guests ------------------------------------------------------------

def test_freed_place_goes_to_the_first_waiting_person_who_gets_an_email(
        network, django_capture_on_commit_callbacks):
    event = one_off(network, capacity=2)
    anna, bram, chidi, daan = (person(n) for n in ("Anna A", "Bram B", "Chidi C", "Daan D"))
    for p in (anna, bram, chidi, daan):
        net.join_network(network, p)
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(event, anna, "going")
        services.rsvp(event, bram, "going")
        chidi_r = services.rsvp(event, chidi, "going")
        daan_r = services.rsvp(event, daan, "going")
    assert chidi_r.is_waitlisted and daan_r.is_waitlisted
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(event, bram, "not_going")
    chidi_r.refresh_from_db()
    daan_r.refresh_from_db()
    assert not chidi_r.is_waitlisted and daan_r.is_waitlisted
    assert [m.to for m in mail.outbox] == [["chidi@example.org"]]
    assert "Warmte-avond" in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == "event.ics"
    # the RSVP change is a new row correcting the old one
    rows = list(Activity.objects.filter(kind=act.RSVP, actor=bram).order_by("id"))
    assert [r.weight for r in rows] == [1.0, 0.0] and rows[1].corrects_id == rows[0].pk


def test_guest_registers_without_account_and_is_checked_in_by_ticket(
        network, django_capture_on_commit_callbacks):
    event = one_off(network)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_guest(event, name="Gijs Gast",
                                               email="Gijs@Example.org",
                                               organisation="Woonbond")
    guest = registration.person
    assert guest.user is None and guest.email == "gijs@example.org"
    assert guest.organisation.name == "Woonbond"
    assert mail.outbox and registration.ticket in mail.outbox[0].body
    with time_machine.travel(event.starts_at, tick=False):   # check-in is open
        attendance = services.check_in_ticket(event, registration.ticket.lower())
        assert attendance.method == "code"
        assert Activity.objects.filter(kind=act.ATTEND, actor=guest,
                                       object_id=event.pk).exists()
        with pytest.raises(ValidationError, match="ZZZ"):
            services.check_in_ticket(event, "zzz")


def test_guests_are_refused_in_closed_and_pseudonymous_networks(network):
    event = one_off(network)
    network.visibility = Visibility.CLOSED
    network.save()
    event.refresh_from_db()
    with pytest.raises(ValidationError):
        services.register_guest(event, name="X", email="x@example.org")
    assert not Person.objects.filter(email="x@example.org").exists()


def test_self_check_in_walk_in_and_undo(network):
    event = one_off(network)
    member = person("Mila Lid")
    net.join_network(network, member)
    with time_machine.travel(event.starts_at, tick=False):   # check-in is open
        with pytest.raises(ValidationError):
            services.self_check_in(event, member, "WRONG")
        attendance = services.self_check_in(event, member, event.checkin_code.lower())
        assert attendance.method == "code"
        walk = services.walk_in(event, name="Wim Binnenloper")
        assert walk.method == "walk_in" and walk.person.user is None
        meet_services.undo_check_in(walk)
    assert not Attendance.objects.filter(pk=walk.pk).exists()
    rows = Activity.objects.filter(object_id=event.pk, actor=walk.person).order_by("id")
    assert [r.kind for r in rows] == [act.ATTEND, act.VOID]


# --- exports and pseudonymity --------------------------------------------------------------

def test_exports_show_attendance_and_pseudonyms_only(network):
    event = one_off(network)
    secret = person("Sanne Geheim")
    net.join_network(network, secret, identity=Identity.PSEUDONYM, pseudonym="Zonnebloem")
    named = person("Noor Naam")
    net.join_network(network, named)
    services.rsvp(event, secret, "going")
    services.rsvp(event, named, "maybe")
    meet_services.check_in(event, secret)
    text = attendees_csv(event)
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Name"
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["Zonnebloem"][1] == "" and by_name["Zonnebloem"][6] == "yes"
    assert by_name["Noor Naam"][1] == "noor@example.org"
    assert "Sanne" not in text and "sanne@" not in text
    book = load_workbook(io.BytesIO(attendees_xlsx(event)))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "Zonnebloem" in cells and not any("Sanne" in str(c) for c in cells)
    assert {r.name for r in attendee_rows(event)} == {"Zonnebloem", "Noor Naam"}


# --- reminders, invitations, feeds ---------------------------------------------------------

def test_remind_command_is_idempotent(network, capsys):
    soon = one_off(network, days=0)
    soon.starts_at = datetime.now(UTC) + timedelta(hours=3)
    soon.ends_at = soon.starts_at + timedelta(hours=2)
    soon.save()
    later = one_off(network, days=20)
    member = person("Rosa Rappel")
    net.join_network(network, member)
    services.rsvp(soon, member, "going")
    services.rsvp(later, member, "going")
    call_command("remind")
    call_command("remind")
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert "reminders sent: 1; failed: 0" in capsys.readouterr().out
    assert Notice.objects.filter(kind="reminder").count() == 1


def test_invitations_go_once_to_members_who_have_not_answered(network, fenna):
    event = one_off(network)
    member = person("Ivo Uitnodiging")
    net.join_network(network, member)
    assert services.invite_members(event) == 2  # Fenna and Ivo
    assert services.invite_members(event) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["fenna@example.org", "ivo@example.org"]


def test_closed_network_feed_only_with_an_entitled_secret(network, fenna):
    network.visibility = Visibility.CLOSED
    network.save()
    one_off(network)
    client = Client()
    url = f"/n/{network.slug}/events.ics"
    assert client.get(url).status_code == 404
    outsider = person("Otto Buiten")
    assert client.get(url, {"token": services.calendar_token(outsider).token}).status_code == 404
    token = services.calendar_token(fenna).token
    assert client.get(url, {"token": token}).status_code == 200
    own = client.get(f"/meet/feed/{token}.ics")
    assert own.status_code == 200 and len(Calendar.from_ical(own.content).walk("VEVENT")) == 1
    renewed = services.calendar_token(fenna, renew=True).token
    assert client.get(f"/meet/feed/{token}.ics").status_code == 404
    assert client.get(f"/meet/feed/{renewed}.ics").status_code == 200


def test_answers_for_past_or_cancelled_events_are_refused(network):
    event = one_off(network)
    member = person("Lars Laat")
    net.join_network(network, member)
    meet_services.cancel_event(event)
    with pytest.raises(ValidationError):
        services.rsvp(event, member, "going")
    assert not Registration.objects.filter(event=event).exists()


def test_more_places_move_waiting_people_up_and_tell_them(
        network, django_capture_on_commit_callbacks):
    event = one_off(network, capacity=1)
    first, second = person("Eva Eerst"), person("Tom Tweede")
    for p in (first, second):
        net.join_network(network, p)
    services.rsvp(event, first, "going")
    assert services.rsvp(event, second, "going").is_waitlisted
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_occurrence(event, capacity=2)
    assert not Registration.objects.get(event=event, person=second).is_waitlisted
    assert [m.to for m in mail.outbox] == [["tom@example.org"]]


def test_open_series_is_made_to_the_horizon_and_extended_later(network, fenna):
    s = future(3)
    series = services.create_series(network, title="Wekelijks", starts_at=s,
                                    ends_at=s + timedelta(hours=1), rule="FREQ=WEEKLY",
                                    hosts=[fenna], location="Hier")
    made = list(series.occurrences.order_by("starts_at"))
    horizon = recurrence.HORIZON
    assert made[-1].starts_at <= s + horizon < made[-1].starts_at + timedelta(days=7)
    moment = s + timedelta(days=28)
    later = services.extend_series(series, now=moment)
    assert len(later) == 4
    assert later[0].starts_at.astimezone(AMS) == made[-1].starts_at.astimezone(AMS) + \
        timedelta(days=7)
    assert later[-1].starts_at <= moment + horizon < later[-1].starts_at + timedelta(days=7)
    assert {e.starts_at.astimezone(AMS).strftime("%H:%M") for e in later} == {"19:30"}
    assert services.extend_series(series, now=moment) == []
    cal = Calendar.from_ical(ical.series_calendar(series).to_ical())
    (master,) = cal.walk("VEVENT")
    assert "UNTIL" in master["rrule"]  # calendars show exactly the occurrences made


def test_event_page_in_dutch(network, fenna):
    event = one_off(network)
    client = Client()
    client.force_login(fenna.user)
    response = client.get(f"/n/{network.slug}/events/{event.pk}/",
                          headers={"accept-language": "nl"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Kom je?" in text and "Presentielijst (bij de deur)" in text
    door = client.get(f"/n/{network.slug}/events/{event.pk}/door/",
                      headers={"accept-language": "nl"}).content.decode()
    assert "Inchecken met toegangscode" in door and event.checkin_code in door
