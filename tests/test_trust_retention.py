"""Trust, retention: each network forgets guests' contact details, uploaded import files,
old bookkeeping and audit details after the limits its facilitators set; every figure stays
the same, a dry run changes nothing, a second run changes nothing, only facilitators may
change the limits."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.core.demo import MAIN_SLUG, PEER_SLUG
from netweave.core.measure.data import Period
from netweave.core.measure.engine import measure
from netweave.dashboard.reading import read_network_data
from netweave.discuss.models import DigestSent, Visit
from netweave.imports.models import ImportRun
from netweave.jobs.services import enqueue
from netweave.meet import services as meet_services
from netweave.meet.models import Notice
from netweave.networks import services
from netweave.networks.activity_log import database_url
from netweave.networks.models import Membership, Network, Person, Visibility
from netweave.trust import retention
from netweave.trust.models import AuditEntry, Erasure, RetentionPolicy

PASSWORD = "Weave-the-net-2026"
User = get_user_model()


def make_person(username: str, name: str) -> Person:
    user = User.objects.create_user(username, email=f"{username}@example.org",
                                    password=PASSWORD)
    return Person.objects.create(user=user, name=name, email=f"{username}@example.org")


def event_at(network: Network, days_ago: int, title: str):
    start = timezone.now() - timedelta(days=days_ago)
    return meet_services.create_event(network, title=title, starts_at=start,
                                      ends_at=start + timedelta(hours=2))


@pytest.fixture
def circle(db):
    fac = make_person("fac", "Fenna Facilitator")
    mo = make_person("mo", "Mo Member")
    net = services.create_network(
        facilitator=fac, slug="buurt", name="Buurtkring", purpose="Elkaar kennen.",
        primary_type="practice", visibility=Visibility.CLOSED)
    services.join_network(net, mo)
    imported = Person.objects.create(name="Ida Imported", email="ida@example.org")
    services.join_network(net, imported)
    old = event_at(net, 400, "Old meet-up")
    recent = event_at(net, 10, "Recent meet-up")
    old_guest = meet_services.add_guest(net, name="Gerrit Gast", email="gerrit@example.org",
                                        organisation="Bakkerij Brood")
    walk_in = meet_services.add_guest(net, name="Wanda Walk-in")
    new_guest = meet_services.add_guest(net, name="Rosa Recent", email="rosa@example.org")
    meet_services.rsvp(old, old_guest, "going", at=old.starts_at - timedelta(days=2))
    meet_services.check_in(old, old_guest, at=old.starts_at)
    meet_services.check_in(old, walk_in, method="walk_in", at=old.starts_at)
    meet_services.check_in(recent, new_guest, method="walk_in", at=recent.starts_at)
    for person in (fac, mo, imported):
        meet_services.check_in(old, person, at=old.starts_at)
    return {"net": net, "fac": fac, "mo": mo, "imported": imported, "old": old,
            "recent": recent, "old_guest": old_guest, "walk_in": walk_in,
            "new_guest": new_guest}


def snapshot() -> str:
    """Everything retention may touch, as one comparable text."""
    return json.dumps({
        "people": list(Person.objects.order_by("pk").values(
            "pk", "name", "email", "interests", "user_id", "organisation_id")),
        "erasures": list(Erasure.objects.order_by("pk").values_list("person_id", flat=True)),
        "runs": list(ImportRun.objects.order_by("pk").values("pk", "upload", "error")),
        "visits": Visit.objects.count(), "digests": DigestSent.objects.count(),
        "notices": Notice.objects.count(),
        "audit": list(AuditEntry.objects.exclude(action__startswith="trust.retention")
                      .order_by("pk").values("pk", "details", "ip")),
    }, sort_keys=True, default=str)


def test_defaults_apply_until_a_facilitator_saves_limits(circle):
    assert retention.limits_of(circle["net"]).as_dict() == retention.DEFAULTS
    assert retention.DEFAULTS == {"guest_days": 365, "import_days": 30,
                                  "bookkeeping_days": 365, "audit_days": 730}
    client = Client()
    client.force_login(circle["fac"].user)
    body = client.get(reverse("trust-retention", args=["buurt"])).content.decode()
    assert 'name="guest_days" value="365"' in body
    assert 'name="audit_days" value="730"' in body


def test_a_guest_past_the_limit_is_erased_and_nobody_else(circle):
    counts = retention.apply_policy(circle["net"])
    assert counts["guests"] == 2
    for key in ("old_guest", "walk_in"):
        guest = Person.objects.get(pk=circle[key].pk)
        assert (guest.name, guest.email) == ("", "")
        assert Erasure.objects.filter(person=guest).exists()
    gerrit = Person.objects.get(pk=circle["old_guest"].pk)
    assert gerrit.organisation is not None  # counted in the organisation mix: stays
    assert gerrit.registrations.count() == 1 and gerrit.attendances.count() == 1
    assert Person.objects.get(pk=circle["new_guest"].pk).name == "Rosa Recent"
    for key, name in (("fac", "Fenna Facilitator"), ("mo", "Mo Member"),
                      ("imported", "Ida Imported")):
        assert Person.objects.get(pk=circle[key].pk).name == name
    entry = AuditEntry.objects.get(action="trust.retention.apply")
    assert entry.network == circle["net"] and entry.details["counts"]["guests"] == 2
    assert "Gerrit" not in json.dumps(entry.details)
    assert RetentionPolicy.objects.filter(network=circle["net"]).count() == 0


def test_keep_forever_and_a_guest_another_network_still_keeps(circle):
    retention.set_policy(circle["net"], {**retention.DEFAULTS, "guest_days": None})
    assert retention.apply_policy(circle["net"])["guests"] == 0
    other = services.create_network(
        facilitator=circle["mo"], slug="andere", name="Andere kring", purpose="Ook.",
        primary_type="practice")
    retention.set_policy(circle["net"], {**retention.DEFAULTS, "guest_days": 30})
    retention.set_policy(other, {**retention.DEFAULTS, "guest_days": 3650})
    meet_services.check_in(event_at(other, 400, "Elsewhere"), circle["walk_in"])
    counts = retention.apply_policy(circle["net"])
    assert counts["guests"] == 1  # Gerrit; Wanda is still kept by the other network
    assert Person.objects.get(pk=circle["walk_in"].pk).name == "Wanda Walk-in"
    assert Person.objects.get(pk=circle["old_guest"].pk).name == ""


def test_import_files_bookkeeping_and_audit_details_are_forgotten(
        circle, tmp_path, django_capture_on_commit_callbacks):
    net, mo = circle["net"], circle["mo"]
    long_ago = timezone.now() - timedelta(days=800)
    upload = tmp_path / "leden.csv"
    upload.write_text("name,email\nGerrit Gast,gerrit@example.org\n")
    old_run = ImportRun.objects.create(network=net, kind="attendance", file_name="leden.csv",
                                       digest="a", upload=str(upload), created_at=long_ago,
                                       error="line 2: 'Gerrit Gast' has no event")
    new_run = ImportRun.objects.create(network=net, kind="attendance", file_name="new.csv",
                                       digest="b", error="line 3: expected a date")
    Visit.objects.create(person=mo, network=net, last_seen_at=long_ago)
    Visit.objects.create(person=circle["fac"], network=net)
    DigestSent.objects.create(person=mo, frequency="weekly", period_start=long_ago,
                              period_end=long_ago + timedelta(days=7), sent_at=long_ago)
    Notice.objects.create(event=circle["old"], person=mo, kind="reminder", sent_at=long_ago)
    Notice.objects.create(event=circle["recent"], person=mo, kind="reminder")
    old_entry = AuditEntry.objects.create(network=net, action="meet.event.cancel",
                                          at=long_ago, details={"reason": "ziek"},
                                          ip="192.0.2.1")
    new_entry = AuditEntry.objects.create(network=net, action="meet.event.cancel",
                                          details={"reason": "storm"})
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.apply_policy(net)
    assert counts == {"guests": 2, "import_files": 1, "import_errors": 1, "visits": 1,
                      "digests": 1, "notices": 1, "audit_details": 1}
    assert not upload.exists()
    old_run.refresh_from_db()
    new_run.refresh_from_db()
    assert (old_run.upload, old_run.error) == ("", "")
    assert new_run.error == "line 3: expected a date"
    assert list(Visit.objects.values_list("person_id", flat=True)) == [circle["fac"].pk]
    assert not DigestSent.objects.exists()
    assert list(Notice.objects.values_list("event_id", flat=True)) == [circle["recent"].pk]
    old_entry.refresh_from_db()
    new_entry.refresh_from_db()
    assert (old_entry.details, old_entry.ip, old_entry.action) == ({}, None,
                                                                   "meet.event.cancel")
    assert new_entry.details == {"reason": "storm"}


def test_a_dry_run_counts_and_changes_nothing(circle, tmp_path,
                                             django_capture_on_commit_callbacks):
    upload = tmp_path / "old.csv"
    upload.write_text("x")
    ImportRun.objects.create(network=circle["net"], kind="attendance", file_name="old.csv",
                             digest="c", upload=str(upload),
                             created_at=timezone.now() - timedelta(days=90))
    before = snapshot()
    entries = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = retention.apply_policy(circle["net"], dry_run=True)
    assert not callbacks
    assert counts["guests"] == 2 and counts["import_files"] == 1
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries
    assert upload.exists()


def test_a_second_run_changes_nothing(circle):
    first = retention.apply_policy(circle["net"])
    assert first["guests"] == 2
    after_first = snapshot()
    second = retention.apply_policy(circle["net"])
    assert second == dict.fromkeys(retention.COUNTS, 0)
    assert snapshot() == after_first


def test_the_command_applies_one_network_or_all_and_reports_counts(circle):
    out = io.StringIO()
    call_command("retention", "--network", "buurt", "--dry-run", "--no-progress", stdout=out)
    assert "buurt: guests 2" in out.getvalue() and "would forget" in out.getvalue()
    assert Person.objects.get(pk=circle["old_guest"].pk).name == "Gerrit Gast"
    out = io.StringIO()
    call_command("retention", "--no-progress", stdout=out)
    assert "1 networks; forgot: guests 2" in out.getvalue()
    assert Person.objects.get(pk=circle["old_guest"].pk).name == ""
    with pytest.raises(CommandError, match="nope"):
        call_command("retention", "--network", "nope", "--no-progress")


def test_the_background_job_applies_the_networks_limits(circle):
    job = enqueue("trust.retention", {"dry_run": False}, network=circle["net"],
                  user=circle["fac"].user)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.result["networks"]["buurt"]["guests"] == 2
    assert AuditEntry.objects.get(action="trust.retention.apply").actor == circle["fac"].user
    everywhere = enqueue("trust.retention", {"dry_run": True})
    everywhere.refresh_from_db()
    assert everywhere.status == "done", everywhere.error
    assert everywhere.result == {"dry_run": True, "networks": {
        "buurt": dict.fromkeys(retention.COUNTS, 0)}}


def test_only_facilitators_change_the_settings(circle):
    url = reverse("trust-retention", args=["buurt"])
    data = {"guest_days": "90", "import_days": "", "bookkeeping_days": "180",
            "audit_days": "365"}
    member = Client()
    member.force_login(circle["mo"].user)
    assert member.get(url).status_code == 403
    assert member.post(url, data).status_code == 403
    assert member.post(reverse("trust-retention-apply", args=["buurt"])).status_code == 403
    network_page = reverse("network-detail", args=["buurt"])
    assert url not in member.get(network_page).content.decode()
    assert not RetentionPolicy.objects.exists()

    fac = Client()
    fac.force_login(circle["fac"].user)
    assert url in fac.get(network_page).content.decode()
    response = fac.post(url, data)
    assert response.status_code == 302
    assert retention.limits_of(circle["net"]).as_dict() == {
        "guest_days": 90, "import_days": None, "bookkeeping_days": 180, "audit_days": 365}
    entry = AuditEntry.objects.get(action="trust.retention.set")
    assert entry.actor == circle["fac"].user
    assert entry.details["after"]["import_days"] is None
    response = fac.post(reverse("trust-retention-apply", args=["buurt"]))
    assert response.status_code == 302
    assert Person.objects.get(pk=circle["old_guest"].pk).name == ""


def test_a_secret_network_is_not_found_by_outsiders(circle):
    Network.objects.filter(pk=circle["net"].pk).update(visibility=Visibility.SECRET)
    make_person("outsider", "Otto Outsider")
    client = Client()
    client.login(username="outsider", password=PASSWORD)
    assert client.get(reverse("trust-retention", args=["buurt"])).status_code == 404
    assert client.post(reverse("trust-retention-apply", args=["buurt"])).status_code == 404
    assert Client().get(reverse("trust-retention", args=["buurt"])).status_code == 404


@pytest.mark.parametrize("value", ["abc", "0", "-5", "40000", "1.5"])
def test_bad_input_gets_a_clear_message_and_changes_nothing(circle, value):
    client = Client()
    client.force_login(circle["fac"].user)
    response = client.post(reverse("trust-retention", args=["buurt"]), {
        "guest_days": value, "import_days": "30", "bookkeeping_days": "", "audit_days": ""})
    assert response.status_code == 400
    assert "Give a whole number of days from 1 to 36500" in response.content.decode()
    assert not RetentionPolicy.objects.exists()
    assert not AuditEntry.objects.filter(action="trust.retention.set").exists()


def _figures(slug: str, end) -> str:
    network = Network.objects.get(slug=slug)
    figures = dict(measure(read_network_data(database_url(), network.pk),
                           Period(end - timedelta(days=90), end)).figures)
    figures.pop("generated_at", None)
    return json.dumps(figures, sort_keys=True, default=str)


@pytest.mark.django_db(transaction=True)
def test_every_figure_stays_the_same_when_guests_are_erased():
    call_command("demo", "--people", "30", "--months", "3", "--events", "4", "--seed", "7",
                 "--no-progress", stdout=io.StringIO())
    network = Network.objects.get(slug=MAIN_SLUG)
    event = network.events.order_by("starts_at").first()
    for name in ("Walter Walk-in", "Gina Guest"):  # the demo brings members only: add two walk-ins
        meet_services.check_in(event,
                               meet_services.add_guest(network, name=name, organisation="Gemeente"),
                               method="walk_in", at=event.starts_at)
    end = timezone.now()
    slugs = (MAIN_SLUG, PEER_SLUG)
    before = {slug: _figures(slug, end) for slug in slugs}
    for slug in slugs:
        retention.set_policy(Network.objects.get(slug=slug),
                             {**retention.DEFAULTS, "guest_days": 1})
    total = sum(retention.apply_policy(Network.objects.get(slug=slug))["guests"]
                for slug in slugs)
    assert total >= 2
    assert not Person.objects.filter(user__isnull=True, memberships__isnull=True,
                                     erasure__isnull=True, attendances__isnull=False,
                                     attendances__event__ends_at__lt=end - timedelta(days=1)
                                     ).exists()
    assert {slug: _figures(slug, end) for slug in slugs} == before
    assert Membership.objects.filter(person__erasure__isnull=False).count() == 0
    again = sum(sum(retention.apply_policy(Network.objects.get(slug=slug)).values())
                for slug in slugs)
    assert again == 0
