"""Limits of an import (issue 15): uploads are checked by check_upload and an archive's
directory before they are stored; sizes (packed, unpacked, counted while reading), rows,
columns and time are enforced by the web page, the API and the command line alike, with a
message naming the file and the limit, and nothing is imported."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from netweave.core.importers import LimitExceeded, Limits, ParseError, parse, samples
from netweave.core.importers.common import read_table
from netweave.imports.models import ImportRun
from netweave.imports.services import import_limits
from netweave.networks import services as net_services
from netweave.networks.models import Activity, Attendance, Discussion, Event, Person, Post

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def setup():
    user = get_user_model().objects.create_user("fien", password="pw-import-test")
    fac = Person.objects.create(name="Fien", user=user)
    network = net_services.create_network(facilitator=fac, name="Grens", slug="grens",
                                          purpose="Grenzen.", primary_type="practice")
    return network, user


def nothing_imported() -> bool:
    return not (Discussion.objects.exists() or Post.objects.exists()
                or Event.objects.exists() or Attendance.objects.exists()
                or Activity.objects.filter(source__startswith="import:").exists())


def upload(name: str, raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="application/octet-stream")


def post_page(client, network, kind: str, name: str, raw: bytes):
    return client.post(reverse("imports-home", args=[network.slug]),
                       {"kind": kind, "file": upload(name, raw)})


def post_api(client, network, kind: str, name: str, raw: bytes):
    return client.post(f"/api/import/{network.slug}/runs", {"kind": kind,
                                                            "file": upload(name, raw)})


def stored_uploads(settings) -> list:
    folder = settings.DATA_DIR / "imports"
    return list(folder.iterdir()) if folder.exists() else []


def test_the_documented_defaults():
    limits = import_limits()
    assert limits.max_bytes == 20 * MB and limits.max_unpacked == 100 * MB
    assert (limits.max_rows, limits.max_columns, limits.seconds) == (200_000, 100, 600)
    assert (limits.max_members, limits.max_ratio) == (10_000, 100)


# --- zip bombs and archives --------------------------------------------------------------------

def test_a_slack_zip_bomb_is_refused_by_page_api_and_command_line(client, setup, settings,
                                                                   tmp_path):
    network, user = setup
    client.force_login(user)
    bomb = samples.slack_bomb(30_000)  # 2 MB unpacked from a few KB
    page = post_page(client, network, "slack", "bomb.zip", bomb)
    assert page.status_code == 200
    assert b"bomb.zip: algemeen/2026-01-05.json is compressed more than 100 to 1" \
        in page.content
    api = post_api(client, network, "slack", "bomb.zip", bomb)
    assert api.status_code == 400 and "zip bomb" in api.json()["detail"]
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb)
    with pytest.raises(CommandError, match=r"bomb.zip: algemeen/2026-01-05.json is "
                                           r"compressed more than 100 to 1.*Nothing was"):
        call_command("import", "slack", str(path), network=network.slug, no_progress=True)
    assert not ImportRun.objects.exists() and not stored_uploads(settings)
    assert nothing_imported()


def test_a_discourse_zip_unpacking_too_far_is_refused(client, setup, settings):
    network, user = setup
    client.force_login(user)
    settings.NETWEAVE_IMPORT_MAX_RATIO = 10_000  # let the bomb past the ratio: size counts
    settings.NETWEAVE_IMPORT_MAX_UNPACKED_BYTES = 1 * MB
    page = post_page(client, network, "discourse", "forum.zip", samples.discourse_bomb(20_000))
    assert b"forum.zip unpacks to more than 1.0\xc2\xa0MB" in page.content
    assert not ImportRun.objects.exists() and nothing_imported()


def test_too_many_members_are_refused(client, setup, settings):
    network, user = setup
    client.force_login(user)
    settings.NETWEAVE_IMPORT_MAX_MEMBERS = 20
    api = post_api(client, network, "slack", "export.zip", samples.many_members(30))
    assert api.status_code == 400
    assert "export.zip holds 30 files" in api.json()["detail"]
    assert not ImportRun.objects.exists() and nothing_imported()


def test_bytes_are_counted_while_unpacking(tmp_path):
    """A member is read in chunks and stops at the limit, whatever the directory says."""
    day = [{"type": "message", "user": "U0", "text": f"bericht {k}", "ts": f"{k}.0"}
           for k in range(500)]
    path = tmp_path / "export.zip"
    path.write_bytes(samples.slack_zip(extra_day=day))
    with pytest.raises(LimitExceeded, match=r"energie/2026-01-07\.json.*more than 5,000 bytes"):
        parse("slack", path, limits=Limits(max_document=5_000))
    assert len(parse("slack", path).posts) == 503


def test_a_json_document_of_too_many_objects_is_refused_before_parsing(tmp_path):
    """Each empty object costs memory out of all proportion to its 3 bytes."""
    path = tmp_path / "t.json"
    path.write_bytes(b"[" + b"{}," * 150 + b"{}]")
    with pytest.raises(LimitExceeded, match=r"t\.json: holds more than 100 JSON objects"):
        parse("discourse", path, limits=Limits(max_nodes=100))
    bomb = tmp_path / "export.zip"
    day = [{"type": "message", "user": "U0", "text": "a", "ts": f"{k}.0"} for k in range(200)]
    bomb.write_bytes(samples.slack_zip(extra_day=day))
    with pytest.raises(LimitExceeded, match=r"energie/2026-01-07\.json: holds more than 100"):
        parse("slack", bomb, limits=Limits(max_nodes=100))


def test_a_member_larger_than_its_directory_says_is_refused(tmp_path):
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("t/1.json", json.dumps(samples.discourse_topic(1, 30)))
    data = bytearray(raw.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    small = (100).to_bytes(4, "little")
    data[info.header_offset + 22:info.header_offset + 26] = small  # local header
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24:directory + 28] = small  # central directory
    path = tmp_path / "lies.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ParseError, match=r"lies\.zip"):
        parse("discourse", path)


# --- tables: XLSX and CSV --------------------------------------------------------------------

def test_an_xlsx_declaring_every_column_is_read_only_as_wide_as_the_limit(tmp_path):
    path = tmp_path / "lijst.xlsx"
    path.write_bytes(samples.wide_xlsx(300))
    table = read_table(path.read_bytes(), "lijst.xlsx", Limits(max_columns=10))
    assert len(table.rows) == 300 and all(len(f) <= 10 for _line, f in table.rows)
    assert len(parse("attendance", path).attendance) == 50  # 50 people at one meeting


def test_too_many_columns_are_refused(tmp_path):
    path = tmp_path / "breed.xlsx"
    path.write_bytes(samples.wide_xlsx(5, columns=12))
    with pytest.raises(LimitExceeded, match=r"breed.xlsx, line 1: has more than 10 columns"):
        parse("attendance", path, limits=Limits(max_columns=10))
    csv = tmp_path / "breed.csv"
    csv.write_text("Naam,Datum" + ",x" * 20 + "\nA,2026-01-05" + ",x" * 20 + "\n")
    with pytest.raises(LimitExceeded, match=r"breed\.csv, line 1: has more than 10 columns"):
        parse("attendance", csv, limits=Limits(max_columns=10))


def test_an_xlsx_of_too_many_rows_fails_its_run_and_imports_nothing(client, setup, settings):
    network, user = setup
    client.force_login(user)
    settings.NETWEAVE_IMPORT_MAX_ROWS = 100
    post_page(client, network, "attendance", "lang.xlsx",
              samples.wide_xlsx(101, dimension="A1:C102"))
    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert run.error == ("lang.xlsx has more than 100 rows or records, the most one import "
                         "reads; split it into smaller files. Nothing was imported.")
    assert nothing_imported() and not stored_uploads(settings)
    settings.NETWEAVE_IMPORT_MAX_ROWS = 101
    post_page(client, network, "attendance", "lang.xlsx",
              samples.wide_xlsx(101, dimension="A1:C102"))
    assert ImportRun.objects.filter(status="done").count() == 1


def test_a_csv_of_too_many_rows_is_refused_by_the_command_line_unless_raised(setup, settings,
                                                                              tmp_path):
    network, _user = setup
    settings.NETWEAVE_IMPORT_MAX_ROWS = 100
    path = tmp_path / "lang.csv"
    path.write_bytes(samples.table(["Naam", "Bijeenkomst", "Datum"],
                                   [[f"P{k}", "Aftrap", "2026-01-05"] for k in range(150)]))
    with pytest.raises(CommandError, match=r"lang\.csv has more than 100 rows"):
        call_command("import", "attendance", str(path), network=network.slug,
                     no_progress=True)
    assert nothing_imported()
    out = io.StringIO()
    call_command("import", "attendance", str(path), network=network.slug, no_progress=True,
                 max_rows=200, stdout=out)
    assert Attendance.objects.count() == 150


# --- size, type, time ------------------------------------------------------------------------

def test_uploads_go_through_check_upload(client, setup, settings):
    network, user = setup
    client.force_login(user)
    page = post_page(client, network, "attendance", "lijst.xlsx", b"Naam,Datum\nA,2026-01-05\n")
    assert b"lijst.xlsx does not contain what its name says (.xlsx)" in page.content
    settings.NETWEAVE_UPLOAD_MAX_BYTES = 100
    big = samples.table(["Naam", "Datum"], [[f"P{k}", "2026-01-05"] for k in range(20)])
    api = post_api(client, network, "attendance", "lijst.csv", big)
    assert api.status_code == 400
    assert "lijst.csv is " in api.json()["detail"] and "files up to 100" in api.json()["detail"]
    assert not ImportRun.objects.exists() and not stored_uploads(settings)


def test_utf16_lists_pass_the_upload_check(client, setup):
    network, user = setup
    client.force_login(user)
    text = "Naam;Bijeenkomst;Datum\nAnaïs;Aftrap;05-01-2026\n"
    post_page(client, network, "attendance", "lijst.csv", text.encode("utf-16"))
    assert ImportRun.objects.get().status == "done" and Attendance.objects.count() == 1


def test_an_import_past_its_time_limit_is_stopped_and_imports_nothing(client, setup,
                                                                      settings):
    network, user = setup
    client.force_login(user)
    settings.NETWEAVE_IMPORT_MAX_SECONDS = 1e-9  # already past when the first check comes
    header, rows = samples.attendance_rows()
    post_page(client, network, "attendance", "lijst.csv", samples.table(header, rows))
    run = ImportRun.objects.get()
    assert run.status == "failed" and "lijst.csv took longer than" in run.error
    assert "Nothing was imported." in run.error and nothing_imported()


def test_the_command_line_refuses_a_forum_on_an_internal_address(setup):
    network, _user = setup
    for url in ("http://127.0.0.1:9/", "http://169.254.169.254/", "http://[::1]:8000/"):
        with pytest.raises(CommandError, match="is not a public internet address"):
            call_command("import", "discourse", url, network=network.slug, no_progress=True)
    assert nothing_imported()
