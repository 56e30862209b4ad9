"""A Meetup group's history from the organiser's own exports (issue 18), each file imported
as downloaded, in any order: the attendance report, the member list and the RSVP export
are one group — the same people by their Meetup id, the same event in two files, and group
memberships dated from the day each member joined."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from netweave.core import activity as act
from netweave.imports.services import import_file
from netweave.networks import services as net_services
from netweave.networks.models import Activity, Attendance, Event, Membership, Person, Registration

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports"
REPORT = FIXTURES / "Repair Café Tiel 2026-03-05 19.30.csv"
MEMBERS = FIXTURES / "Energieregio Rivierenland Members.csv"
RSVPS = FIXTURES / "meetup_rsvps_api.csv"
pytestmark = pytest.mark.django_db


def _joined(network, name: str) -> datetime:
    return Membership.objects.get(network=network, person__name=name).joined_at


def _join_rows(network, name: str) -> list[datetime]:
    person = Person.objects.get(name=name)
    return [row.at for row in Activity.objects.filter(network=network, actor=person,
                                                      kind=act.JOIN).order_by("id")]


@pytest.mark.parametrize("order", [(REPORT, RSVPS, MEMBERS), (MEMBERS, RSVPS, REPORT)],
                         ids=["report-rsvps-members", "members-rsvps-report"])
def test_three_exports_make_one_group_in_any_order(order):
    facilitator = Person.objects.create(name="Fien Facilitator", email="fien@example.org")
    network = net_services.create_network(
        facilitator=facilitator, name="Energieregio", slug="energieregio",
        purpose="Samen energie besparen.", primary_type="action")
    for path in order:
        import_file(network, "meetup", path)
    members = Membership.objects.filter(network=network).exclude(person=facilitator)
    assert members.count() == 7  # Anaïs, Bart, Chantal, Dirk, Eline, Femke, Gijs
    assert Person.objects.filter(name="Anaïs Voorbeeld").count() == 1
    # Memberships (and their join rows) are dated from the day each joined the group,
    # whichever file came first: Gijs only RSVPed in 2026 but joined in April 2022.
    assert _joined(network, "Gijs van Dam") == datetime(2022, 4, 20, 22, 0, tzinfo=UTC)
    assert _joined(network, "Anaïs Voorbeeld") == datetime(2024, 11, 2, 23, 0, tzinfo=UTC)
    assert _join_rows(network, "Gijs van Dam")[-1] == datetime(2022, 4, 20, 22, 0, tzinfo=UTC)
    # Two events, the Repair Café once although two files hold it.
    assert sorted(Event.objects.filter(network=network).values_list("title", flat=True)) == [
        "Energiecafé: warmtepompen", "Repair Café Tiel"]
    repair = Event.objects.get(network=network, title="Repair Café Tiel")
    assert repair.starts_at == datetime(2026, 3, 5, 18, 30, tzinfo=UTC)
    assert list(repair.hosts.values_list("name", flat=True)) == ["Anaïs Voorbeeld"]
    assert Attendance.objects.filter(event=repair).count() == 2
    assert Registration.objects.filter(event=repair).count() == 5
    # Importing every file again adds nothing.
    before = Activity.objects.count()
    for path in order:
        assert import_file(network, "meetup", path)["added"]["activity_rows"] == 0
    assert Activity.objects.count() == before
