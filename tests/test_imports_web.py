"""Import pages and API: facilitators upload a file, the job imports it, the run page shows
progress and the result; others are refused; bad files change nothing."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netweave.core.importers import samples
from netweave.imports.models import ImportRun, ReviewItem
from netweave.networks import services as net_services
from netweave.networks.models import Activity, Event, IdentityMode, Person, Role, Visibility

pytestmark = pytest.mark.django_db


def account(username: str) -> tuple:
    user = get_user_model().objects.create_user(username, password="pw-import-test")
    return user, Person.objects.create(name=username.title(), user=user)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def setup():
    fac_user, fac = account("fien")
    mem_user, mem = account("mo")
    out_user, _ = account("olga")
    network = net_services.create_network(
        facilitator=fac, name="Stil Netwerk", slug="stil", purpose="Iets stils.",
        primary_type="practice", visibility=Visibility.SECRET,
        identity_mode=IdentityMode.PSEUDONYMS_ALLOWED)
    net_services.join_network(network, mem, role=Role.MEMBER)
    return network, fac_user, mem_user, out_user


def upload(name: str, raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="application/octet-stream")


def attendance_file() -> bytes:
    header, rows = samples.attendance_rows()
    return samples.table(header, rows, delimiter=";")


def test_facilitator_uploads_and_reads_the_result(client, setup):
    network, fac_user, _, _ = setup
    client.force_login(fac_user)
    home = client.get(reverse("imports-home", args=[network.slug]))
    assert home.status_code == 200 and b"import-form" in home.content
    response = client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "attendance", "file": upload("lijst.csv", attendance_file()), "mapping": ""})
    run = ImportRun.objects.get(network=network)
    assert response.status_code == 302 and response.url == reverse(
        "imports-run", args=[network.slug, run.pk])
    assert run.status == "done" and run.added["attendance"] == 5 and run.upload == ""
    assert run.job.status == "done" and run.job.result["added"]["events"] == 2
    page = client.get(response.url)
    assert b"run-counts" in page.content and b"refresh" not in page.content
    assert Event.objects.filter(network=network).count() == 2
    listing = client.get(reverse("imports-home", args=[network.slug]))
    assert b"lijst.csv" in listing.content


def test_bad_file_fails_the_run_with_a_clear_message_and_changes_nothing(client, setup):
    network, fac_user, _, _ = setup
    client.force_login(fac_user)
    before = Activity.objects.count()
    client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "log", "file": upload("log.csv", b"actor,target,time\na,b,gisteren\n")})
    run = ImportRun.objects.get(network=network)
    assert run.status == "failed" and "log.csv, line 2" in run.error
    assert run.job.status == "failed" and "line 2" in run.job.error
    assert Activity.objects.count() == before
    page = client.get(reverse("imports-run", args=[network.slug, run.pk]))
    assert b"log.csv, line 2" in page.content


def test_upload_type_and_size_limits(client, setup, settings):
    network, fac_user, _, _ = setup
    client.force_login(fac_user)
    page = client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "slack", "file": upload("export.csv", b"a,b\n")})
    assert page.status_code == 200 and b".zip" in page.content
    settings.NETWEAVE_UPLOAD_MAX_BYTES = 10
    page = client.post(reverse("imports-home", args=[network.slug]), {
        "kind": "attendance", "file": upload("lijst.csv", attendance_file())})
    assert page.status_code == 200 and not ImportRun.objects.exists()


def test_members_are_refused_and_outsiders_see_nothing(client, setup):
    network, _, mem_user, out_user = setup
    urls = [reverse("imports-home", args=[network.slug]),
            reverse("imports-review", args=[network.slug])]
    client.force_login(mem_user)
    assert all(client.get(u).status_code == 403 for u in urls)
    assert client.get(f"/api/import/{network.slug}/runs").status_code == 403
    client.force_login(out_user)
    assert all(client.get(u).status_code == 404 for u in urls)  # a secret network
    assert client.get(f"/api/import/{network.slug}/runs").status_code == 404
    response = client.post(f"/api/import/{network.slug}/runs", {
        "kind": "attendance", "file": upload("lijst.csv", attendance_file())})
    assert response.status_code in (403, 404) and not ImportRun.objects.exists()


def test_api_upload_progress_and_review(client, setup):
    network, fac_user, _, _ = setup
    client.force_login(fac_user)
    response = client.post(f"/api/import/{network.slug}/runs", {
        "kind": "attendance", "file": upload("lijst.csv", attendance_file()),
        "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["dry_run"] and body["added"]["attendance"] == 5
    assert body["progress"]["done"] == body["progress"]["total"]
    assert not Event.objects.filter(network=network).exists()  # a dry run
    client.post(f"/api/import/{network.slug}/runs", {
        "kind": "attendance", "file": upload("lijst.csv", attendance_file())})
    extra = "naam,e-mail,datum\nBram Proef,bram.elders@example.org,2026-05-01\n"
    client.post(f"/api/import/{network.slug}/runs", {
        "kind": "attendance", "file": upload("extra.csv", extra.encode())})
    runs = client.get(f"/api/import/{network.slug}/runs").json()
    assert [r["file"] for r in runs] == ["extra.csv", "lijst.csv", "lijst.csv"]
    one = client.get(f"/api/import/{network.slug}/runs/{runs[0]['id']}").json()
    assert one["added"]["review"] == 1
    items = client.get(f"/api/import/{network.slug}/review").json()
    assert [i["reason"] for i in items] == ["email_differs"]
    assert items[0]["person"] == "Bram Proef" and items[0]["incoming"] == "Bram Proef"
    decided = client.post(f"/api/import/{network.slug}/review/{items[0]['id']}",
                          json.dumps({"decision": "confirmed"}),
                          content_type="application/json").json()
    assert decided["status"] == "confirmed"
    assert client.get(f"/api/import/{network.slug}/runs/99999").status_code == 404
    page = client.get(reverse("imports-review", args=[network.slug]))
    assert b"Bram Proef" in page.content
    item = ReviewItem.objects.get()
    client.post(reverse("imports-review", args=[network.slug]),
                {"item": item.pk, "decision": "open"})
    item.refresh_from_db()
    assert item.status == "open" and item.decided_at is None


def test_review_hides_what_the_source_called_a_pseudonymous_member(client, setup, tmp_path):
    network, fac_user, _, _ = setup
    _user, person = account("pim")
    person.name, person.email = "Bram Proef", "bram@example.org"
    person.save()
    net_services.join_network(network, person, identity="pseudonym", pseudonym="Uil")
    client.force_login(fac_user)
    client.post(f"/api/import/{network.slug}/runs", {
        "kind": "log", "file": upload("log.csv", b"actor,target,time\nBram Proef,Fien,1\n")})
    items = {i["person"]: i for i in client.get(f"/api/import/{network.slug}/review").json()}
    assert items["Uil"]["incoming"] == ""  # merged on the real name, which stays hidden
    page = client.get(reverse("imports-review", args=[network.slug])).content.decode()
    assert "Uil" in page and "Bram Proef" not in page


def test_network_page_links_the_import_page_for_facilitators_only(client, setup):
    network, fac_user, mem_user, _ = setup
    link = reverse("imports-home", args=[network.slug]).encode()
    client.force_login(fac_user)
    assert link in client.get(reverse("network-detail", args=[network.slug])).content
    client.force_login(mem_user)
    assert link not in client.get(reverse("network-detail", args=[network.slug])).content


@pytest.mark.parametrize("name", ["contacts.dat", "contacts.tsv", "contacts.txt"])
def test_logs_upload_as_dat_tsv_and_txt(client, setup, name):
    network, fac_user, _, _ = setup
    client.force_login(fac_user)
    response = client.post(f"/api/import/{network.slug}/runs", {
        "kind": "log", "file": upload(name, b"actor\ttarget\ttime\nBram\tFien\t1767600000\n")})
    assert response.status_code < 300, response.content
    run = ImportRun.objects.get(network=network)
    assert run.status == "done" and run.added["interactions"] == 1
