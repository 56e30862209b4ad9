"""The web upload offers what the command line has (issue 18): a headerless log's columns,
a time origin for a relative clock, undirected contact windows, an attendance list's events
file, the date of undated events and what 'not recorded' is; an option a kind does not use
is refused on the form. A dry run's page shows the date range, the rows per kind and the
first rows as they will be read (not in a pseudonymous network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.imports.models import ImportRun
from netweave.networks import services as net_services
from netweave.networks.models import Activity, Attendance, Event, IdentityMode, Person

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _facilitator(client, mode=IdentityMode.NAMED):
    user = get_user_model().objects.create_user("fien", password="pw-import-test")
    fac = Person.objects.create(name="Fien", user=user)
    network = net_services.create_network(
        facilitator=fac, name="Open Net", slug="open-net", purpose="Iets.",
        primary_type="practice", identity_mode=mode,
        facilitator_pseudonym="fien" if mode == IdentityMode.PSEUDONYMOUS_ONLY else "")
    client.force_login(user)
    return network


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_form_offers_the_options_and_refuses_one_the_kind_does_not_use(client, tmp_path):
    network = _facilitator(client)
    home = reverse("imports-home", args=[network.slug])
    page = client.get(home).content.decode()
    for name in ("columns", "time_origin", "contacts", "events", "date", "not_recorded"):
        assert f'name="{name}"' in page
    wrong = client.post(home, {"kind": "attendance", "file": _file("time_i_j.tsv"),
                               "columns": "time,actor,target"})
    assert "not used for this kind of file" in wrong.content.decode()
    assert not ImportRun.objects.exists()
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").iterdir())


def test_headerless_time_i_j_log_with_columns_dry_run_shows_what_will_be_read(client):
    network = _facilitator(client)
    response = client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "log", "file": _file("time_i_j.tsv"), "columns": "time,actor,target",
        "dry_run": "on"})
    run = ImportRun.objects.get(network=network)
    assert run.status == "done" and run.options == {"columns": "time,actor,target"}
    page = client.get(response.url).content.decode()
    assert "From 2026-01-05T08:00 to 2026-01-05T08:03 (UTC)." in page
    assert 'id="run-kinds"' in page and "message" in page
    first = page.split('id="run-first-rows">')[1].split("</pre>")[0]
    assert first.splitlines()[0].endswith("5 -&gt; 7")
    assert not Activity.objects.filter(source="import:log").exists()  # a dry run


def test_contact_windows_and_time_origin_from_the_form(client):
    network = _facilitator(client)
    client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "log", "file": _file("tij.dat"), "columns": "time,actor,target",
        "contacts": "20", "time_origin": "2026-01-05T09:00"})
    run = ImportRun.objects.get(network=network)
    assert run.status == "done", run.error
    assert run.options == {"columns": "time,actor,target", "contacts": "20",
                           "time_origin": "2026-01-05T09:00"}
    rows = Activity.objects.filter(source="import:log", kind="message").order_by("at")
    # Consecutive 20-second windows of a pair are one contact, dated from the origin.
    assert rows.count() < 7 and rows[0].at.isoformat().startswith("2026-01-05T08:00:20")


def test_attendance_with_an_events_file_and_zero_meaning_not_recorded(client, tmp_path):
    network = _facilitator(client)
    client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "attendance", "file": _file("women_events.csv"),
        "events": _file("events.csv"), "not_recorded": "0"})
    run = ImportRun.objects.get(network=network)
    assert run.status == "done", run.error
    assert sorted(Event.objects.filter(network=network).values_list("location", flat=True)) \
        == ["Church", "Club"]
    assert Attendance.objects.filter(event__network=network).count() == 4
    assert any("unknown" in note for note in run.preview["notes"])
    assert not list((tmp_path / "imports").iterdir())  # both uploads removed
    # The same list with the same events file again is recognised and adds nothing.
    client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "attendance", "file": _file("women_events.csv"),
        "events": _file("events.csv"), "not_recorded": "0"})
    again = ImportRun.objects.filter(network=network).order_by("-pk").first()
    assert again.pk != run.pk and again.digest == run.digest
    assert again.added["activity_rows"] == 0


def test_pseudonymous_network_dry_run_shows_no_first_rows(client):
    network = _facilitator(client, IdentityMode.PSEUDONYMOUS_ONLY)
    response = client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "log", "file": _file("time_i_j.tsv"), "columns": "time,actor,target",
        "dry_run": "on"})
    page = client.get(response.url).content.decode()
    assert 'id="run-first-rows"' not in page and 'id="run-counts"' in page


def test_the_api_takes_the_same_options_and_returns_the_preview(client):
    network = _facilitator(client)
    response = client.post(f"/api/import/{network.slug}/runs", {
        "kind": "log", "file": _file("time_i_j.tsv"), "columns": "time,actor,target",
        "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["options"] == {"columns": "time,actor,target"}
    assert body["preview"]["preview"]["from"].startswith("2026-01-05T08:00")
    refused = client.post(f"/api/import/{network.slug}/runs", {
        "kind": "mbox", "file": _file("bare.mbox"), "contacts": "20"})
    assert refused.status_code == 400 and "contacts" in refused.json()["detail"]
