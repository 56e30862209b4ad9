"""``netweave report`` and the report page, on SQLite and PostgreSQL.

The report reads the database through ADBC on its own connection, so tests that report on a
network in the database commit their data (``transaction=True``). The file-input tests have
no database access at all: pytest-django would fail them if the command touched it.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import networkx as nx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from netweave.core.demo import MAIN_SLUG, PEER_SLUG
from netweave.core.report import REPORT_FILES
from netweave.core.report.html import plotly_js
from netweave.discuss import services as discuss_services
from netweave.meet import services as meet_services
from netweave.networks import services
from netweave.networks.demo_loader import load_demo_networks
from netweave.networks.models import Membership, Network, Organisation, Person
from netweave.networks.selectors import person_ref
from netweave.weaving import services as weaving_services

PASSWORD = "Weave-the-net-2026"
db = pytest.mark.django_db(transaction=True)


def report(**options) -> str:
    out = StringIO()
    call_command("report", no_progress=True, stdout=out, **options)
    return out.getvalue()


def read_all(directory: Path) -> dict[str, str]:
    """The four files' text; the page without the inlined plotly.js (not ours)."""
    texts = {name: (directory / name).read_text(encoding="utf-8") for name in REPORT_FILES}
    texts["report.html"] = texts["report.html"].replace(plotly_js(), "")
    return texts


def check_files(directory: Path) -> dict:
    texts = read_all(directory)
    figures = json.loads(texts["report.json"])
    assert texts["report.html"].startswith("<!DOCTYPE html>")
    assert 'id="card"' in texts["report.html"] and 'id="plot-map"' in texts["report.html"]
    people = figures["structure"]["per_person"]["person"]
    for name in ("ties.graphml", "ties.gexf"):
        g = (nx.read_graphml(directory / name) if name.endswith("graphml")
             else nx.read_gexf(directory / name, relabel=False))
        assert sorted(int(n) for n in g.nodes) == sorted(people)
        assert g.number_of_edges() == figures["structure"]["ties"]
    return figures


# --- networks in the database --------------------------------------------------------------

@pytest.fixture
def demo(transactional_db) -> list[Network]:
    return load_demo_networks(people=40, months=8)


@db
def test_report_of_the_demo_network_writes_the_four_files(demo, tmp_path):
    out = report(network=MAIN_SLUG, out=tmp_path / "r")
    assert "Energieregio Rivierenland" in out
    figures = check_files(tmp_path / "r")
    assert figures["network"]["name"] == "Energieregio Rivierenland"
    # the Dutch demo network reports in its own language unless --lang says otherwise
    assert figures["period"]["days"] == 90 and figures["language"] == "nl"
    assert [e["key"] for e in figures["card"] if e["leading"]] == [
        "events_held", "reach", "cross_sector_tie_share", "realised_stories"]
    # by id as well, in English, for another period
    network = Network.objects.get(slug=MAIN_SLUG)
    report(network=str(network.pk), out=tmp_path / "en", lang="en", days=28,
           end=(timezone.now() - timedelta(days=30)).date().isoformat())
    en = json.loads((tmp_path / "en" / "report.json").read_text())
    assert en["period"]["days"] == 28 and en["language"] == "en"
    assert '<html lang="en">' in (tmp_path / "en" / "report.html").read_text()


@db
def test_default_output_directory(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report(network=PEER_SLUG)
    assert sorted(p.name for p in (tmp_path / f"report-{PEER_SLUG}").iterdir()) == sorted(
        REPORT_FILES)


@pytest.fixture
def pseudonymous(transactional_db) -> Network:
    """A pseudonymous-only network whose members have names, e-mails and organisations."""
    now = timezone.now()
    hoeve = Organisation.objects.create(name="Zorgboerderij De Hoeve", sector="business")
    people = [Person.objects.create(name=name, email=email, organisation=hoeve)
              for name, email in (("Wilhelmina Zuiderveen", "wilhelmina.z@example.org"),
                                  ("Barend Kloosterhuis", "barend.k@example.org"),
                                  ("Ingeborg Terpstra", "ingeborg.t@example.org"),
                                  ("Folkert Hazelaar", "folkert.h@example.org"))]
    start = now - timedelta(days=80)
    net = services.create_network(
        facilitator=people[0], facilitator_pseudonym="Nachtuil7", name="Mantelzorg Kring",
        slug="mantelzorg-kring", purpose="Elkaar steunen in de zorg voor een ouder.",
        primary_type="circumstance", identity_mode="pseudonymous_only", visibility="public",
        at=start - timedelta(days=60))
    for person, alias in zip(people[1:], ("Zilvervos", "Blauwe Reiger", "Egeltje42"), strict=True):
        services.join_network(net, person, pseudonym=alias, at=start - timedelta(days=50))
    for k in range(3):
        at = start + timedelta(days=20 * k)
        event = meet_services.create_event(net, title=f"Avond {k}", starts_at=at,
                                           ends_at=at + timedelta(hours=2), mode="online")
        for person in people[: 2 + k % 3]:
            meet_services.check_in(event, person, at=at)
        question = discuss_services.start_topic(net, people[k + 1], title="Hoe houd je het vol?",
                                                body="Tips voor de nachten?", is_question=True,
                                                at=at + timedelta(days=2))
        answer = discuss_services.reply(question, people[0], "Slaap als het kan.",
                                        at=at + timedelta(days=3))
        discuss_services.react(answer, people[2], at=at + timedelta(days=4))
        discuss_services.reply(answer.discussion, people[3], "Dank je, dat helpt.", parent=answer,
                               at=at + timedelta(days=5))
    weaving_services.tell_story(net, people[1], title="Een rustiger huis", text="Het hielp echt.",
                                cycle="realised", at=now - timedelta(days=3))
    return net


def secrets_of(network: Network) -> list[str]:
    """Everything that could identify the network's members."""
    out = []
    for m in Membership.objects.filter(network=network).select_related(
            "person", "person__organisation"):
        out += [m.person.name, m.person.email, m.pseudonym]
        if m.person.organisation:
            out.append(m.person.organisation.name)
    return [s for s in out if s]


@db
def test_no_name_e_mail_pseudonym_or_organisation_leaves_a_pseudonymous_network(
        pseudonymous, tmp_path):
    report(network=pseudonymous.slug, out=tmp_path / "r")
    figures = check_files(tmp_path / "r")
    assert figures["structure"]["people"] == 4
    assert figures["stories"]["items"][0]["title"] == "Een rustiger huis"
    secrets = secrets_of(pseudonymous)
    assert len(secrets) == 4 * 3 + 4
    for name, text in read_all(tmp_path / "r").items():
        lower = text.lower()
        for secret in secrets:
            assert secret.lower() not in lower, f"{secret!r} in {name}"
    # People are numbered 1..n and labelled by their references in this network: no global
    # person id leaves in the files (issue 15), so two networks' files cannot be linked.
    members = Membership.objects.filter(network=pseudonymous)
    refs = {person_ref(pseudonymous, m.person_id) for m in members}
    g = nx.read_graphml(tmp_path / "r" / "ties.graphml")
    assert sorted(int(n) for n in g.nodes) == list(range(1, g.number_of_nodes() + 1))
    assert {d["label"] for _n, d in g.nodes(data=True)} <= refs
    assert figures["structure"]["per_person"]["person"] == sorted(
        figures["structure"]["per_person"]["person"])
    for ref in refs & {d["label"] for _n, d in g.nodes(data=True)}:
        assert ref in read_all(tmp_path / "r")["report.html"]


@db
def test_no_member_name_leaves_the_demo_peer_support_circle(demo, tmp_path):
    report(network=PEER_SLUG, out=tmp_path / "r")
    network = Network.objects.get(slug=PEER_SLUG)
    assert network.identity_mode == "pseudonymous_only"
    names = [m.person.name for m in Membership.objects.filter(network=network)
             .select_related("person")]
    emails = [m.person.email for m in Membership.objects.filter(network=network)
              .select_related("person") if m.person.email]
    assert len(names) >= 15
    for name, text in read_all(tmp_path / "r").items():
        for secret in names + emails:
            assert secret not in text, f"{secret!r} in {name}"


@db
def test_unknown_network_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match="No network with the short name or id 'nope'"):
        report(network="nope", out=tmp_path / "r")
    assert not (tmp_path / "r").exists()


# --- files ---------------------------------------------------------------------------------

def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    people = ["Anna de Wit", "Bram Smit", "Cor Visser", "Dina Mol", "Eef Bos", "Fleur Kok"]
    rows = [["actor", "target", "time", "kind"]]
    for day in range(0, 60, 3):
        a, b = people[day % 6], people[(day // 3 + 1) % 6]
        if a != b:
            rows.append([a, b, f"2026-03-{1 + day % 28:02d}T10:00", "reply"])
            rows.append([b, a, f"2026-04-{1 + day % 28:02d}T11:00", "answer"])
    interactions = write_csv(tmp_path / "log.csv", rows)
    attendance = write_csv(tmp_path / "attendance.csv", [["person", "event", "time"]] + [
        [p, f"meeting {k}", f"2026-0{3 + k}-10T19:00"] for k in range(3) for p in people[:4]])
    attributes = write_csv(tmp_path / "attributes.csv", [["person", "sector"]] + [
        [p, s] for p, s in zip(people, ["overheid", "bedrijf", "ngo", "bewoners", "onderwijs",
                                        "business"], strict=True)])
    return {"interactions": interactions, "attendance": attendance, "attributes": attributes}


def test_report_from_files_needs_no_database(files, tmp_path):
    """No django_db marker: any database access would fail this test."""
    out = report(**files, out=tmp_path / "r", timezone="Europe/Amsterdam")
    # As for a network: the last 90 days up to now, since the last activity (2026-05-10)
    # falls in them; with 30 days, which hold nothing, up to midnight after that activity.
    assert re.search(r"Report of log from 2026-03-17 \S+ to 2026-06-15 \S+ \(Europe/Amsterdam",
                     out)
    out = report(**files, out=tmp_path / "r30", timezone="Europe/Amsterdam", days=30)
    assert "Report of log from 2026-04-11 00:00 to 2026-05-11 00:00 (Europe/Amsterdam" in out
    figures = check_files(tmp_path / "r")
    assert figures["structure"]["people"] == 6
    g = nx.read_graphml(tmp_path / "r" / "ties.graphml")
    assert sorted(d["label"] for _, d in g.nodes(data=True)) == [
        "Anna de Wit", "Bram Smit", "Cor Visser", "Dina Mol", "Eef Bos", "Fleur Kok"]
    sectors = {d["label"]: d["sector"] for _, d in g.nodes(data=True)}
    assert sectors["Anna de Wit"] == "government" and sectors["Eef Bos"] == "knowledge"
    assert "Anna de Wit" in (tmp_path / "r" / "report.html").read_text()


def test_a_message_log_shows_what_it_does_not_record_as_not_recorded(tmp_path):
    """A log of messages records no events, sectors or give and take: the card says so in
    grey, in words, instead of "0, Red"; people without a sector are unknown, not "other"."""
    people = ["ann", "bob", "cas", "dee"]
    rows = [["actor", "target", "time", "kind"]] + [
        [people[i % 4], people[(i + 1) % 4], f"2026-05-{1 + i:02d}T10:00", "message"]
        for i in range(20)]
    log = write_csv(tmp_path / "messages.csv", rows)
    report(interactions=log, out=tmp_path / "r", timezone="UTC")
    figures = json.loads((tmp_path / "r" / "report.json").read_text())
    assert figures["recorded"] == {
        "events": False, "attendance": False, "meetings": False, "online": True,
        "give_take": False, "stories": False, "discussions": False, "sectors": False}
    card = {e["key"]: e for e in figures["card"]}
    for key in ("events_held", "cross_sector_tie_share", "reciprocal_members",
                "offline_attendances", "blau_sector"):
        assert (card[key]["status"], card[key]["light"]) == ("not_recorded", "grey"), key
    assert card["reach"]["status"] == "measured"
    sector = figures["composition"]["attributes"]["sector"]
    assert (sector["known"], sector["unknown"], sector["shares"]["other"]) == (0, 4, None)
    page = (tmp_path / "r" / "report.html").read_text()
    html = page[page.index('id="card"'):page.index('id="trends"')]
    events = html[html.index('data-key="events_held"'):]
    events = events[:events.index("</li>")]
    assert "Not recorded" in events and "Events held: not recorded in this data." in events
    assert "Red" not in events
    assert "Sector unknown" in page and ">Other<" not in page
    graph = nx.read_graphml(tmp_path / "r" / "ties.graphml")
    assert {d["sector"] for _, d in graph.nodes(data=True)} == {"unknown"}


def test_attendance_alone_and_default_directory(files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report(attendance=files["attendance"], end="2026-07-01", days=120)
    figures = json.loads((tmp_path / "report-attendance" / "report.json").read_text())
    assert figures["period"]["end"].startswith("2026-06-30T22:00")  # Amsterdam midnight
    assert figures["activity"]["events_held"] == 3


def test_a_malformed_file_names_the_line_and_writes_nothing(files, tmp_path):
    lines = files["interactions"].read_text().splitlines()
    lines[2] = "Anna de Wit,Bram Smit,yesterday-ish,reply"
    files["interactions"].write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as caught:
        report(**files, out=tmp_path / "r")
    message = str(caught.value)
    assert "log.csv, line 3: time 'yesterday-ish' is unreadable" in message
    assert "expected Unix seconds or ISO 8601" in message and "No report was written" in message
    assert not (tmp_path / "r").exists()


def test_a_bad_attributes_file_writes_nothing(files, tmp_path):
    write_csv(files["attributes"], [["person", "sector"], ["Anna de Wit", "overheid"],
                                    ["Bram Smit", "aliens"]])
    with pytest.raises(CommandError, match=r"attributes.csv, line 3: unknown sector 'aliens'"):
        report(**files, out=tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_bad_arguments_are_clear_errors(files, tmp_path):
    with pytest.raises(CommandError, match="Nothing to report on"):
        report(out=tmp_path / "r")
    with pytest.raises(CommandError, match="either --network or files"):
        report(network="x", interactions=files["interactions"])
    with pytest.raises(CommandError, match="Unknown time zone"):
        report(interactions=files["interactions"], timezone="Mars/Olympus")
    with pytest.raises(CommandError, match="not an ISO 8601"):
        report(interactions=files["interactions"], end="next week", out=tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.csv: cannot be read"):
        report(interactions=tmp_path / "nope.csv", out=tmp_path / "r")


# --- the web pages -------------------------------------------------------------------------

@db
def test_the_network_page_shows_the_card_and_links_to_the_report(demo, client):
    network = Network.objects.get(slug=MAIN_SLUG)
    html = client.get(network.get_absolute_url()).content.decode()
    assert '<h2 id="health-heading">Health card</h2>' in html
    assert 'data-key="events_held"' in html and 'data-key="reach"' in html
    assert f'href="/n/{MAIN_SLUG}/report/"' in html and "Full report" in html
    page = client.get(f"/n/{MAIN_SLUG}/report/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert 'id="plot-map"' in body and "Network report: Energieregio Rivierenland" in body
    dutch = client.get(network.get_absolute_url(), headers={"accept-language": "nl"})
    assert "Gezondheidskaart" in dutch.content.decode()
    assert "Volledig rapport" in dutch.content.decode()
    report_nl = client.get(f"/n/{MAIN_SLUG}/report/", headers={"accept-language": "nl"})
    assert "Netwerkrapport: Energieregio Rivierenland" in report_nl.content.decode()


@db
def test_the_report_page_of_a_pseudonymous_network_shows_no_names(pseudonymous, client):
    body = client.get(f"/n/{pseudonymous.slug}/report/").content.decode()
    body = body.replace(plotly_js(), "")
    assert "Mantelzorg Kring" in body
    for secret in secrets_of(pseudonymous):
        assert secret not in body


@pytest.fixture
def secret(transactional_db) -> Network:
    """A secret network of "mia"; "olaf" has an account but is not a member."""
    member = Person.objects.create(
        name="Mia", user=get_user_model().objects.create_user("mia", password=PASSWORD))
    Person.objects.create(
        name="Olaf", user=get_user_model().objects.create_user("olaf", password=PASSWORD))
    return services.create_network(facilitator=member, name="Stille Kring",
                                   slug="stille-kring", purpose="Niet openbaar.",
                                   primary_type="practice", visibility="secret")


@db
def test_a_secret_networks_report_is_404_for_outsiders(secret, client):
    net = secret
    url = f"/n/{net.slug}/report/"
    assert client.get(url).status_code == 404
    client.login(username="olaf", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="mia", password=PASSWORD)
    assert client.get(url).status_code == 200
    assert "Health card" in client.get(f"/n/{net.slug}/").content.decode()


@db
def test_a_closed_networks_report_is_only_for_members(demo, client):
    network = Network.objects.get(slug=PEER_SLUG)
    assert network.visibility == "closed"
    assert client.get(f"/n/{PEER_SLUG}/report/").status_code == 403
    html = client.get(f"/n/{PEER_SLUG}/").content.decode()
    assert "Health card" not in html and "/report/" not in html


def comparable(figures: dict) -> dict:
    """A report's figures without what names people (numbered differently from the database
    and from files) or the moment it was made: every count, share and light stays."""
    out = {k: v for k, v in figures.items() if k not in ("generated_at", "network")}
    assert figures["drift"]["languages"]
    out["structure"] = {k: len(v) if k in ("bridges", "articulation_points") else v
                        for k, v in figures["structure"].items()
                        if k not in ("per_person", "brokers", "fragments")}
    out["reciprocity"] = {k: v for k, v in figures["reciprocity"].items() if k != "per_person"}
    out["warmth"] = {k: v for k, v in figures["warmth"].items() if k != "per_member"}
    out["between_meetings"] = {k: v for k, v in figures["between_meetings"].items()
                               if k != "quiet_since_last_meeting"}
    out["stories"] = {k: v for k, v in figures["stories"].items() if k != "items"}
    # A file has no charter to compare discussions with: drift keeps its texts per quarter.
    out["drift"] = [(q["quarter"], q["documents"]) for q in figures["drift"]["quarters"]]
    return out


@db
def test_report_on_an_archive_file_agrees_with_the_same_archive_imported(tmp_path):
    """One parser stack and one date rule: `report --interactions x.mbox` and `import mbox` +
    `report --network` give the same figures, with or without --end (the facilitator joined
    long after the archive's period)."""

    archive = Path(__file__).resolve().parent / "fixtures" / "imports" / "pipermail.mbox"
    fien = Person.objects.create(name="Fien Facilitator")
    services.create_network(
        facilitator=fien, name="Buurt", slug="buurt", purpose="Elkaar helpen.",
        primary_type="practice", timezone="UTC")
    call_command("import", "mbox", str(archive), network="buurt", stdout=StringIO())
    common = {"end": "2026-01-10T00:00+00:00", "timezone": "UTC", "days": 28}
    report(network="buurt", out=tmp_path / "db", **common)
    report(interactions=archive, out=tmp_path / "file", **common)
    from_db = json.loads((tmp_path / "db" / "report.json").read_text())
    from_file = json.loads((tmp_path / "file" / "report.json").read_text())
    assert comparable(from_db) == comparable(from_file)
    assert from_file["activity"]["activities"] == 4
    # Without --end the quiet history ends at its last activity in both modes, said so.
    db_err, file_err = StringIO(), StringIO()
    call_command("report", network="buurt", out=tmp_path / "db2", no_progress=True,
                 stdout=StringIO(), stderr=db_err)
    call_command("report", interactions=archive, out=tmp_path / "file2", timezone="UTC",
                 no_progress=True, stdout=StringIO(), stderr=file_err)
    for err in (db_err, file_err):
        assert "the period ends at the last activity (2026-01-06)" in err.getvalue()
    from_db = json.loads((tmp_path / "db2" / "report.json").read_text())
    from_file = json.loads((tmp_path / "file2" / "report.json").read_text())
    assert comparable(from_db) == comparable(from_file)
    assert from_db["period"]["end"] == "2026-01-07T00:00:00+00:00"
    assert from_db["period"]["ends_at_last_activity"] is True
    assert from_db["activity"]["activities"] == 4
    assert from_db["warmth"]["days_since_last_contribution"] < 1
    page = (tmp_path / "db2" / "report.html").read_text()
    assert ("Nothing happened in the 90 days before today, so this report ends at the last "
            "activity, on 2026-01-06.") in page
    report(interactions=archive, out=tmp_path / "nl", timezone="UTC", lang="nl")
    assert ("Er gebeurde niets in de 90 dagen voor vandaag, dus dit rapport eindigt bij de "
            "laatste activiteit, op 2026-01-06.") in (tmp_path / "nl" / "report.html").read_text()


@db
def test_a_network_with_recent_activity_reports_up_to_now(tmp_path):
    """The same rule keeps the default end at now when something happened in the period:
    an RSVP counts, joining does not."""
    from netweave.networks.models import Activity

    fien = Person.objects.create(name="Fien Facilitator")
    network = services.create_network(
        facilitator=fien, name="Buurt", slug="buurt", purpose="Elkaar helpen.",
        primary_type="practice", timezone="UTC")
    Activity.objects.create(network=network, actor=fien, kind="post", channel="online",
                            at=timezone.now() - timedelta(days=200))
    err = StringIO()
    call_command("report", network="buurt", out=tmp_path / "quiet", no_progress=True,
                 stdout=StringIO(), stderr=err)
    assert "ends at the last activity" in err.getvalue()
    Activity.objects.create(network=network, actor=fien, kind="rsvp", channel="online",
                            at=timezone.now() - timedelta(days=3))
    err = StringIO()
    call_command("report", network="buurt", out=tmp_path / "now", no_progress=True,
                 stdout=StringIO(), stderr=err)
    figures = json.loads((tmp_path / "now" / "report.json").read_text())
    assert "ends at the last activity" not in err.getvalue()
    assert figures["period"]["ends_at_last_activity"] is False
    assert figures["period"]["end"].startswith(timezone.now().date().isoformat())


def test_report_reads_files_as_import_does_with_its_options(tmp_path):
    fixtures = Path(__file__).resolve().parent / "fixtures" / "imports"
    with pytest.raises(CommandError, match=r"column 1 looks like the time.*No report"):
        report(interactions=fixtures / "tij.dat", out=tmp_path / "x")
    report(interactions=fixtures / "tij.dat", columns="time,actor,target", contacts="20",
           time_origin="2026-01-05T09:00Z", out=tmp_path / "r", timezone="UTC")
    figures = check_files(tmp_path / "r")
    assert figures["structure"]["people"] == 4 and figures["structure"]["ties"] == 2
    report(attendance=fixtures / "women_events.csv", events=str(fixtures / "events.csv"),
           out=tmp_path / "w", timezone="UTC", days=365)
    assert check_files(tmp_path / "w")["structure"]["people"] == 3


@db
def test_an_rsvp_only_history_reports_its_events_and_who_was_coming(tmp_path):
    """Events held come from the events themselves: a meeting whose attendance nobody
    recorded is held all the same, and the report says who said they would come."""
    fien = Person.objects.create(name="Fien Facilitator")
    net = services.create_network(facilitator=fien, name="Buurt", slug="buurt",
                                  purpose="Elkaar helpen.", primary_type="action",
                                  timezone="UTC")
    start = timezone.now() - timedelta(days=20)
    event = meet_services.create_event(net, title="Buurtavond", starts_at=start,
                                       ends_at=start + timedelta(hours=2))
    for name, answer in (("Bob", "going"), ("Cas", "not_going"), ("Dee", "going")):
        person = Person.objects.create(name=name)
        services.join_network(net, person, at=start - timedelta(days=40))
        meet_services.rsvp(event, person, answer, at=start - timedelta(days=10))
    report(network="buurt", out=tmp_path / "r")
    figures = json.loads((tmp_path / "r" / "report.json").read_text())
    card = {e["key"]: e for e in figures["card"]}
    assert figures["activity"]["events_held"] == 1
    assert (card["events_held"]["value"], card["events_held"]["light"]) == (1, "green")
    assert {k: figures["events"][k] for k in ("events_without_attendance", "rsvp_going",
                                             "rsvp_answers")} == {
        "events_without_attendance": 1, "rsvp_going": 2, "rsvp_answers": 3}
    page = (tmp_path / "r" / "report.html").read_text()
    assert ("Attendance was not recorded for 1 event of this period: by their RSVPs, "
            "2 people said they would come.") in page
    report(network="buurt", out=tmp_path / "nl", lang="nl")
    assert ("Voor 1 bijeenkomst van deze periode is de aanwezigheid niet vastgelegd: volgens "
            "hun aanmeldingen zeiden 2 mensen te komen.") in (
        tmp_path / "nl" / "report.html").read_text()
