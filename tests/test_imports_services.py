"""Imports into the database: every format, idempotency, dry runs, bad input, person
resolution with review, and pseudonymisation (real SQLite or PostgreSQL, no mocks)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from netweave.core import activity as act
from netweave.core.importers import samples
from netweave.core.importers.errors import ParseError
from netweave.imports.models import ImportRun, PersonKey, PseudonymKey, ReviewItem, SourceKey
from netweave.imports.services import import_file
from netweave.networks import services as net_services
from netweave.networks.models import (
    Activity,
    Attendance,
    Discussion,
    Event,
    IdentityMode,
    Membership,
    Network,
    Organisation,
    Person,
    Post,
    Reaction,
    Registration,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 12, 1, tzinfo=UTC)
TABLES = (Person, Membership, Organisation, Event, Registration, Attendance, Discussion, Post,
          Reaction, Activity, ImportRun, SourceKey, PersonKey, ReviewItem)


def snapshot() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


def make_network(slug: str = "warmte-noord", mode: str = IdentityMode.NAMED) -> Network:
    facilitator = Person.objects.create(name="Fien Facilitator", email="fien@example.org")
    return net_services.create_network(
        facilitator=facilitator, name="Warmte Noord", slug=slug, purpose="Samen van het gas af.",
        primary_type="action", at=T0, identity_mode=mode,
        facilitator_pseudonym="fien" if mode == IdentityMode.PSEUDONYMOUS_ONLY else "")


@pytest.fixture
def network() -> Network:
    return make_network()


def files(tmp_path) -> dict[str, tuple]:
    header, rows = samples.attendance_rows()
    mheader, mrows = samples.meetup_rows()
    out = {
        "attendance": ("lijst.csv", samples.table(header, rows, delimiter=";")),
        "log": ("log.csv", samples.log(200, people=12)),
        "ical": ("agenda.ics", samples.ics(2)),
        "mbox": ("lijst.mbox", samples.mbox()),
        "slack": ("slack.zip", samples.slack_zip()),
        "discourse": ("forum.json", json.dumps([samples.discourse_topic(7, 3),
                                                samples.discourse_topic(8, 1)]).encode()),
        "meetup": ("meetup.xlsx", samples.xlsx(mheader, mrows)),
    }
    paths = {}
    for kind, (name, raw) in out.items():
        path = tmp_path / name
        path.write_bytes(raw)
        paths[kind] = path
    return paths


EXPECTED = {  # what each sample adds
    "attendance": {"people": 4, "events": 2, "attendance": 5},
    "log": {"people": 12, "interactions": 200},
    "ical": {"people": 4, "events": 2, "rsvps": 6},
    "mbox": {"people": 3, "discussions": 2, "posts": 4},
    "slack": {"people": 4, "discussions": 2, "posts": 3, "reactions": 2, "interactions": 1},
    "discourse": {"people": 4, "discussions": 2, "posts": 6},
    "meetup": {"people": 4, "events": 1, "rsvps": 4, "attendance": 1},
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_each_format_imports_once_and_adds_nothing_the_second_time(tmp_path, network, kind):
    path = files(tmp_path)[kind]
    result = import_file(network, kind, path)
    for key, value in EXPECTED[kind].items():
        assert result["added"][key] == value, key
    assert result["added"]["activity_rows"] == Activity.objects.filter(
        network=network, source=f"import:{kind}").count() > 0
    run = ImportRun.objects.get(pk=result["run"])
    assert run.status == "done" and run.added == result["added"] and len(run.digest) == 64
    before = snapshot()
    again = import_file(network, kind, path)
    assert again["already_imported"] and not any(again["added"].values())
    after = snapshot()
    assert after.pop("ImportRun") == before.pop("ImportRun") + 1 and after == before


def test_changed_file_adds_only_what_is_new(tmp_path, network):
    first = tmp_path / "a.csv"
    first.write_bytes(samples.log(100, people=8))
    import_file(network, "log", first)
    longer = tmp_path / "b.csv"
    longer.write_bytes(samples.log(150, people=8))  # the same 100 lines, then 50 more
    result = import_file(network, "log", longer)
    assert result["added"]["interactions"] == 50 and result["added"]["people"] == 0
    slack = tmp_path / "s.zip"
    slack.write_bytes(samples.slack_zip())
    import_file(network, "slack", slack)
    slack.write_bytes(samples.slack_zip(extra_day=[
        {"type": "message", "user": "U3", "text": "Nieuw", "ts": "1767700000.000100"}]))
    result = import_file(network, "slack", slack)
    assert result["added"]["posts"] == 1 and result["added"]["discussions"] == 1
    assert result["added"]["reactions"] == 0


def test_dry_run_reports_the_same_and_changes_nothing(tmp_path, network):
    path = files(tmp_path)["mbox"]
    before = snapshot()
    dry = import_file(network, "mbox", path, dry_run=True)
    assert snapshot() == before
    real = import_file(network, "mbox", path)
    assert dry["added"] == real["added"] and dry["dry_run"] and not real["dry_run"]


@pytest.mark.parametrize(("kind", "name", "raw", "where"), [
    ("attendance", "a.csv", "naam;datum\nAnaïs;2026-01-01\nBram;nooit\n", "a.csv, line 3"),
    ("log", "l.csv", samples.log(50).decode() + "p1,p2,not-a-time\n", "l.csv, line 52"),
    ("mbox", "m.mbox", samples.mbox()[samples.mbox().rindex(b"From "):samples.mbox().rindex(
        b"Date:")], "m.mbox, line 1"),
    ("ical", "c.ics", samples.ics(2).decode().replace("DTEND:20260112T110000Z",
                                                      "DTEND:20260101T110000Z"), "c.ics"),
])
def test_bad_input_changes_nothing(tmp_path, network, kind, name, raw, where):
    path = tmp_path / name
    path.write_bytes(raw.encode() if isinstance(raw, str) else raw)
    before = snapshot()
    with pytest.raises(ParseError) as info:
        import_file(network, kind, path)
    assert str(info.value).startswith(where)
    assert snapshot() == before


def test_activity_rows_say_who_answered_whom(tmp_path, network):
    paths = files(tmp_path)
    import_file(network, "mbox", paths["mbox"])
    bram = Person.objects.get(email="bram@example.org")
    anais = Person.objects.get(email="anais@example.org")
    reply = Activity.objects.get(network=network, kind=act.REPLY, actor=bram)
    assert reply.target_id == anais.pk and reply.source == "import:mbox"
    import_file(network, "slack", paths["slack"])
    reacts = Activity.objects.filter(network=network, kind=act.REACT, source="import:slack")
    assert {r.target_id for r in reacts} == {anais.pk}
    mention = Activity.objects.get(network=network, kind=act.MESSAGE, source="import:slack")
    assert (mention.actor_id, mention.target_id) == (anais.pk, bram.pk)
    assert Post.objects.filter(discussion__network=network, parent__isnull=False).count() == 3


def test_people_are_one_person_across_sources(tmp_path, network):
    paths = files(tmp_path)
    import_file(network, "attendance", paths["attendance"])
    import_file(network, "ical", paths["ical"])
    import_file(network, "mbox", paths["mbox"])
    import_file(network, "slack", paths["slack"])
    for _name, email in samples.PEOPLE:
        if email != "cees@example.org":
            assert Person.objects.filter(email=email).count() == 1, email
    # Cees came without an e-mail on the list, then with one: merged on the name, for review.
    cees = Person.objects.filter(name="Cees Test")
    assert cees.count() == 1
    item = ReviewItem.objects.get(network=network, person=cees.get())
    assert item.reason == "name_only" and item.status == "open"
    # Same name, another address: kept apart and listed.
    other = tmp_path / "other.csv"
    other.write_text("naam,e-mail,datum\nBram Proef,bram.elders@example.org,2026-05-01\n")
    result = import_file(network, "attendance", other)
    assert result["added"]["people"] == 1 and result["added"]["review"] == 1
    apart = ReviewItem.objects.get(network=network, reason="email_differs")
    assert apart.other.email == "bram.elders@example.org"
    assert apart.person.email == "bram@example.org"


def test_pseudonymous_network_never_stores_real_names(tmp_path):
    network = make_network("anoniem", IdentityMode.PSEUDONYMOUS_ONLY)
    other = make_network("ander", IdentityMode.PSEUDONYMOUS_ONLY)
    paths = files(tmp_path)
    for kind in ("attendance", "mbox", "slack"):
        import_file(network, kind, paths[kind])
    import_file(other, "attendance", paths["attendance"])
    members = Membership.objects.filter(network=network).exclude(
        person__name="Fien Facilitator")
    assert members.count() == 4
    assert all(m.identity == "pseudonym" and m.pseudonym.startswith("member-") for m in members)
    out = io.StringIO()
    call_command("dumpdata", "networks", "imports.importrun", "imports.reviewitem",
                 "imports.personkey", "imports.sourcekey", stdout=out)
    dump = out.getvalue()
    for name, email in samples.PEOPLE:
        assert name.split()[0] not in dump and email not in dump
    secret = PseudonymKey.objects.get(network=network).secret
    assert secret not in dump
    names_here = set(members.values_list("pseudonym", flat=True))
    names_there = set(Membership.objects.filter(network=other).values_list("pseudonym",
                                                                            flat=True))
    assert not names_here & names_there  # keyed per network: not linkable across networks
    import_file(network, "attendance", paths["attendance"])  # stable: nobody new
    assert set(Membership.objects.filter(network=network).exclude(
        person__name="Fien Facilitator").values_list("pseudonym", flat=True)) == names_here


def test_pseudonymous_network_keeps_same_name_other_address_apart(tmp_path):
    network = make_network("anoniem", IdentityMode.PSEUDONYMOUS_ONLY)
    first = tmp_path / "a.csv"
    first.write_text("naam,e-mail,datum\nBram Proef,bram@example.org,2026-05-01\n")
    import_file(network, "attendance", first)
    second = tmp_path / "b.csv"
    second.write_text("naam,e-mail,datum\nBram Proef,bram.elders@example.org,2026-06-01\n"
                      "Bram Proef,,2026-06-01\n")
    result = import_file(network, "attendance", second)
    assert result["added"]["people"] == 1 and result["added"]["review"] == 2
    reasons = sorted(ReviewItem.objects.filter(network=network).values_list("reason", flat=True))
    assert reasons == ["email_differs", "name_only"]
    assert "Bram" not in "".join(ReviewItem.objects.values_list("incoming", flat=True))


def test_import_command_reports_and_refuses_clearly(tmp_path, network):
    from django.core.management.base import CommandError

    path = files(tmp_path)["attendance"]
    out = io.StringIO()
    call_command("import", "attendance", str(path), network=network.slug, dry_run=True,
                 no_progress=True, stdout=out)
    assert "Dry run" in out.getvalue() and not Event.objects.filter(network=network).exists()
    out = io.StringIO()
    call_command("import", "attendance", str(path), network=network.slug, no_progress=True,
                 as_json=True, stdout=out)
    assert json.loads(out.getvalue())["added"]["attendance"] == 5
    bad = tmp_path / "bad.csv"
    bad.write_text("naam;datum\nAnaïs;gisteren\n")
    with pytest.raises(CommandError, match=r"bad.csv, line 2.*Nothing was imported"):
        call_command("import", "attendance", str(bad), network=network.slug, no_progress=True)
    with pytest.raises(CommandError, match="No network"):
        call_command("import", "log", str(bad), network="nowhere", no_progress=True)


def test_real_archive_shapes_import_once_and_list_skipped_messages(network):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parent / "fixtures" / "imports"
    out = io.StringIO()
    call_command("import", "mbox", str(fixtures / "listserv.mbox"), network=network.slug,
                 no_progress=True, stdout=out)
    assert "skipped message 4 (line 20): no Date header" in out.getvalue()
    assert Post.objects.filter(discussion__network=network).count() == 3
    for name in ("pipermail.mbox", "bare.mbox"):
        first = import_file(network, "mbox", fixtures / name)
        assert first["added"]["posts"] == 4 and first["notes"] == []
    assert Person.objects.filter(name="Anaïs Voorbeeld").count() == 1
    before = snapshot()
    again = import_file(network, "mbox", fixtures / "pipermail.mbox")
    after = snapshot()
    assert after.pop("ImportRun") == before.pop("ImportRun") + 1  # the run itself is logged
    assert again["added"]["posts"] == 0 and after == before


def test_contact_log_imports_as_contacts_once_and_refuses_wrong_columns(network):
    from pathlib import Path

    from django.core.management.base import CommandError

    tij = Path(__file__).resolve().parent / "fixtures" / "imports" / "tij.dat"
    before = snapshot()
    with pytest.raises(CommandError, match=r"column 1 looks like the time.*--columns"):
        call_command("import", "log", str(tij), network=network.slug, no_progress=True)
    assert snapshot() == before
    out = io.StringIO()
    args = {"network": network.slug, "no_progress": True, "columns": "time,actor,target",
            "time_origin": "2026-01-05T09:00Z", "contacts": 20, "stdout": out}
    call_command("import", "log", str(tij), **args)
    assert "7 contact windows of 20 seconds read as 4 contacts" in out.getvalue()
    rows = Activity.objects.filter(network=network, source="import:log", kind=act.MESSAGE)
    assert rows.count() == 4 and {r.channel for r in rows} == {act.OFFLINE}
    assert sorted(round(r.weight * 60) for r in rows) == [20, 20, 40, 60]
    call_command("import", "log", str(tij), **{**args, "stdout": io.StringIO()})
    assert rows.count() == 4


def test_names_only_sign_in_sheets_return_as_the_same_person(tmp_path, network):
    for month in (1, 2, 3):
        sheet = tmp_path / f"sheet{month}.csv"
        sheet.write_text(f"naam,datum\nAnaïs Voorbeeld,2026-0{month}-05\n"
                         f"Bram Proef,2026-0{month}-05\n")
        result = import_file(network, "attendance", sheet)
        assert result["added"]["review"] == 0
    assert Person.objects.filter(name__in=["Anaïs Voorbeeld", "Bram Proef"]).count() == 2
    assert Attendance.objects.filter(event__network=network).count() == 6
    assert not ReviewItem.objects.filter(network=network).exists()


def test_person_by_event_table_with_events_file_imports_once(network):
    from pathlib import Path

    fixtures = Path(__file__).resolve().parent / "fixtures" / "imports"
    args = {"network": network.slug, "no_progress": True,
            "events": str(fixtures / "events.csv"), "stdout": io.StringIO()}
    call_command("import", "attendance", str(fixtures / "women_events.csv"), **args)
    assert Attendance.objects.filter(event__network=network).count() == 4
    assert Event.objects.filter(network=network, location="Church").count() == 1
    assert "1 rows say not attended" in args["stdout"].getvalue()
    call_command("import", "attendance", str(fixtures / "women_events.csv"), **args)
    assert Attendance.objects.filter(event__network=network).count() == 4


def test_dry_run_shows_date_range_kinds_and_first_rows(network):
    from pathlib import Path

    archive = Path(__file__).resolve().parent / "fixtures" / "imports" / "pipermail.mbox"
    out = io.StringIO()
    call_command("import", "mbox", str(archive), network=network.slug, dry_run=True,
                 no_progress=True, stdout=out)
    text = out.getvalue()
    assert "From 2026-01-05T09:00 to 2026-01-06T11:00 (UTC); activity by kind: post 2, " \
           "reply 2" in text
    assert "2026-01-05 10:00 UTC  reply    Bram Proef -> Anaïs Voorbeeld" in text
    hidden = make_network("verborgen", IdentityMode.PSEUDONYMOUS_ONLY)
    assert "preview" not in import_file(hidden, "mbox", archive, dry_run=True)
