"""Dashboard pages, API, job and command on a real database (SQLite or PostgreSQL).

Figures come from stored snapshots: a page without one queues a job and never runs the
engine itself; names always respect pseudonyms; secret networks stay invisible.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from netweave.core.present import CLUSTER_COLOURS, SECTOR_COLOURS
from netweave.dashboard import services
from netweave.dashboard.models import ReportPage, Snapshot
from netweave.jobs.models import Job, JobStatus
from netweave.jobs.services import run_next
from netweave.networks.demo_loader import load_demo_networks
from netweave.networks.models import Identity, Membership, Network, Person, Visibility
from netweave.networks.selectors import person_ref

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = "energieregio-rivierenland"
CIRCLE = "carers-circle"


@pytest.fixture
def demo() -> dict[str, Network]:
    return {n.slug: n for n in load_demo_networks(people=30, months=6)}


def login(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def outsider() -> Client:
    user = get_user_model().objects.create_user("outsider", "o@example.org", "x-1234567890")
    Person.objects.create(user=user, name="Otto Outsider")
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_dashboard_queues_a_job_and_never_measures_on_request(demo, settings):
    settings.NETWEAVE_JOBS_EAGER = False
    client = login("facilitator")
    first = client.get(f"/n/{PUBLIC}/dashboard/")
    assert first.status_code == 200
    assert "being computed in the background" in text(first)
    assert 'data-template="Computing: step {done} of {total}."' in text(first)
    assert not Snapshot.objects.exists()
    client.get(f"/n/{PUBLIC}/dashboard/")  # a second visit queues no second job
    jobs = Job.objects.filter(kind=services.JOB_KIND, network=demo[PUBLIC])
    assert jobs.count() == 1 and jobs.get().status == JobStatus.QUEUED
    assert jobs.get().payload["period"] == "90"
    status = client.get(f"/api/dashboard/networks/{PUBLIC}/status?days=90").json()
    assert status["ready"] is False and status["job"]["status"] == "queued"

    job = run_next()  # the worker
    assert job.status == JobStatus.DONE, job.error
    assert job.result["period"] == "90"
    page = client.get(f"/n/{PUBLIC}/dashboard/")
    body = text(page)
    assert "Figures computed" in body and "being computed" not in body
    assert 'data-chart="retention"' in body and "Health card" in body
    status = client.get(f"/api/dashboard/networks/{PUBLIC}/status?days=90").json()
    assert status["ready"] is True and status["job"] is None


def test_a_stale_snapshot_is_shown_while_a_fresh_one_is_queued(demo, settings):
    services.compute_snapshot(demo[PUBLIC], "90")
    settings.NETWEAVE_JOBS_EAGER = False
    settings.NETWEAVE_DASHBOARD_MAX_AGE = 0
    body = text(login("facilitator").get(f"/n/{PUBLIC}/dashboard/"))
    assert "Figures computed" in body and "Fresher figures are being computed" in body
    assert Job.objects.filter(kind=services.JOB_KIND, status=JobStatus.QUEUED).count() == 1


def test_every_card_figure_and_chart_links_to_the_rows_it_counts(demo):
    client = login("facilitator")
    body = text(client.get(f"/n/{PUBLIC}/dashboard/"))
    links = set(re.findall(r'href="(/n/[^"]+/dashboard/activities/\?[^"]+)"', body))
    assert len(links) >= 5
    snapshot = Snapshot.objects.get(network=demo[PUBLIC], period="90")
    card_keys = [row["key"] for row in snapshot.cards["en"]["rows"]]
    assert body.count('class="card indicator') + body.count('class="item indicator') == len(
        card_keys)
    activities = client.get(next(link for link in links if "set=contributions" in link))
    assert activities.status_code == 200
    rows = re.findall(r"<tr><td><time", text(activities))
    assert rows, "the contributions of 90 days of a live demo network are not empty"
    total = int(re.search(r"(\d+) rows? of", text(activities)).group(1))
    assert total == snapshot.figures["activity"]["activities"]


def test_period_picker_custom_and_bad_input(demo):
    client = login("facilitator")
    # a whole month inside the demo's six: the third before this one
    first = timezone.localdate().replace(day=1) - relativedelta(months=3)
    last = first + relativedelta(months=1) - timedelta(days=1)
    period = f"{first.isoformat()}..{last.isoformat()}"
    body = text(client.get(f"/n/{PUBLIC}/dashboard/?days=custom&start={first}&end={last}"))
    snap = Snapshot.objects.get(network=demo[PUBLIC], period=period)
    assert snap.figures["period"]["days"] in (30, 31)
    assert 'value="custom" checked' in body
    bad = text(client.get(f"/n/{PUBLIC}/dashboard/?days=custom&start=2026-03-31&end=x"))
    assert "Last day: expected a date like 2026-03-31, got “x”." in bad
    assert "Showing the last 90 days instead." in bad
    backwards = text(client.get(f"/n/{PUBLIC}/dashboard/?start={last}&end={first}"))
    assert "The last day comes before the first day." in backwards
    seven = text(client.get(f"/n/{PUBLIC}/dashboard/?days=7"))
    assert "Days: expected one of 28, 90, 365, got “7”." in seven
    assert set(Snapshot.objects.values_list("period", flat=True)) == {"90", period}
    response = client.get(f"/api/dashboard/networks/{PUBLIC}/map?days=7")
    assert response.status_code == 400 and "expected one of" in response.json()["detail"]
    drill = client.get(f"/n/{PUBLIC}/dashboard/activities/?set=all&from=yesterday&to=now")
    assert drill.status_code == 400
    assert "from: expected a time like 2026-01-31T00:00:00+00:00" in text(drill)


def test_map_api_serves_the_layout_with_shown_names(demo):
    client = login("facilitator")
    response = client.get(f"/api/dashboard/networks/{PUBLIC}/map?days=365")
    assert response.status_code == 200
    data = response.json()
    from netweave.dashboard.api import MapOut

    schema_keys = set(MapOut.model_fields)
    assert set(data) <= schema_keys, set(data) - schema_keys  # the OpenAPI schema is exact
    assert MapOut.model_validate(data).people == data["people"]
    assert set(data["attributes"]) <= set(MapOut.model_fields["attributes"].annotation
                                          .model_fields)
    assert data["kind"] == "people"
    n = len(data["ids"])
    assert n == data["people"] > 10
    assert len(data["x"]) == len(data["y"]) == len(data["names"]) == n
    assert len(data["u"]) == len(data["v"]) == len(data["w"]) > 0
    attributes = data["attributes"]
    for name in ("sector", "cluster", "coreness", "betweenness", "degree", "articulation",
                 "since"):
        assert len(attributes[name]) == n, name
    assert max(attributes["since"]) < len(data["months"])
    structure = Snapshot.objects.get(period="365").figures["structure"]
    assert sum(attributes["articulation"]) == structure["articulation_point_count"]
    # People by their references in this network, never by global ids.
    members = {person_ref(demo[PUBLIC], m.person_id): m for m in
               Membership.objects.filter(network=demo[PUBLIC]).select_related("person")}
    assert set(data["ids"]) & set(members)
    assert not set(data["ids"]) & {str(p) for p in Person.objects.values_list("pk", flat=True)}
    for ref, name in zip(data["ids"], data["names"], strict=True):
        m = members.get(ref)
        if m is not None:
            expected = m.pseudonym if m.identity == Identity.PSEUDONYM else m.person.name
            assert name == expected


def test_map_of_more_people_than_the_limit_shows_clusters(demo, settings):
    settings.NETWEAVE_MAP_PEOPLE_LIMIT = 10
    client = login("facilitator")
    data = client.get(f"/api/dashboard/networks/{PUBLIC}/map?days=365").json()
    assert data["kind"] == "clusters" and data["limit"] == 10
    assert "names" not in data  # clusters, not people: no names at all
    from netweave.dashboard.api import MapOut

    assert set(data) <= set(MapOut.model_fields)
    assert MapOut.model_validate(data).kind == "clusters"
    assert sum(data["size"]) == data["people"] > 10
    structure = Snapshot.objects.get(period="365").figures["structure"]
    isolates = 1 if structure["isolates"] else 0
    assert len(data["ids"]) == structure["clusters"]["count"] + isolates
    assert len(data["attributes"]["sector"]) == len(data["ids"])
    page = text(client.get(f"/n/{PUBLIC}/dashboard/map/?days=365"))
    assert 'id="map"' in page
    colours = json.loads(re.search(r'id="map-colours"[^>]*>(.*?)</script>', page, re.S)[1])
    assert colours["sector"] == SECTOR_COLOURS  # the report's palette, not a copy
    assert colours["cluster"] == list(CLUSTER_COLOURS)


def test_pseudonymous_members_real_names_never_appear(demo):
    circle = demo[CIRCLE]
    hidden = [(m.person.name, m.pseudonym) for m in
              Membership.objects.filter(network=circle).select_related("person")]
    assert hidden and all(identity for _name, identity in hidden)
    client = login("circle-member")
    pages = [client.get(f"/n/{CIRCLE}/dashboard/?days=365"),
             client.get(f"/n/{CIRCLE}/dashboard/map/?days=365"),
             client.get(f"/api/dashboard/networks/{CIRCLE}/map?days=365"),
             client.get(f"/n/{CIRCLE}/dashboard/me/")]
    body = text(pages[0])
    drills = re.findall(r'href="(/n/[^"]+/dashboard/activities/\?[^"]+)"', body)
    pages += [client.get(link) for link in sorted(set(drills))[:6]]
    mapped = pages[2].json()
    pages.append(client.get(f"/n/{CIRCLE}/dashboard/activities/?set=all&from="
                            f"2000-01-01T00:00:00%2B00:00&to=2100-01-01T00:00:00%2B00:00"
                            f"&person={mapped['ids'][0]}"))
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        content = text(response)
        for real, _pseudonym in hidden:
            assert real not in content, f"{real} shown on {response.request['PATH_INFO']}"
    assert set(mapped["names"]) <= {p for _real, p in hidden}
    assert any(p in text(pages[-1]) for _real, p in hidden)


def test_secret_network_is_404_and_closed_network_403_for_outsiders(demo):
    Network.objects.filter(slug=PUBLIC).update(visibility=Visibility.SECRET)
    client = outsider()
    for path in (f"/n/{PUBLIC}/dashboard/", f"/n/{PUBLIC}/dashboard/map/",
                 f"/n/{PUBLIC}/dashboard/activities/", f"/n/{PUBLIC}/dashboard/me/",
                 f"/api/dashboard/networks/{PUBLIC}/map",
                 f"/api/dashboard/networks/{PUBLIC}/status"):
        assert client.get(path).status_code == 404, path
    for path in (f"/n/{CIRCLE}/dashboard/", f"/api/dashboard/networks/{CIRCLE}/map"):
        assert client.get(path).status_code == 403, path
    assert not Snapshot.objects.exists() and not Job.objects.exists()
    anonymous = Client()
    assert anonymous.get(f"/n/{PUBLIC}/dashboard/").status_code == 404
    assert anonymous.get(f"/n/{CIRCLE}/dashboard/").status_code == 403


def test_public_network_dashboard_is_open_to_anonymous_visitors(demo):
    anonymous = Client()
    assert anonymous.get(f"/n/{PUBLIC}/dashboard/").status_code == 200
    assert anonymous.get(f"/api/dashboard/networks/{PUBLIC}/map").status_code == 200
    me = anonymous.get(f"/n/{PUBLIC}/dashboard/me/")
    assert me.status_code == 302 and "/accounts/login/" in me["Location"]
    # the link to one's own view shows to members only
    mine = f'href="/n/{PUBLIC}/dashboard/me/"'
    assert mine not in text(anonymous.get(f"/n/{PUBLIC}/dashboard/"))
    assert mine not in text(outsider().get(f"/n/{PUBLIC}/dashboard/"))
    assert mine in text(login("member").get(f"/n/{PUBLIC}/dashboard/"))
    # a closed network's outsiders see its charter page without links to its figures
    assert "/dashboard/" not in text(anonymous.get(f"/n/{CIRCLE}/"))


def test_member_view_shows_my_participation_give_take_introductions_and_stories(demo):
    from netweave.networks.models import Introduction, ValueStory

    person = get_user_model().objects.get(username="member").person
    network = demo[PUBLIC]
    other = Membership.objects.filter(network=network).exclude(person=person).first().person
    Introduction.objects.create(network=network, introducer=other, person_a=person,
                                person_b=other, met=True, valuable=None)
    ValueStory.objects.create(network=network, author=person, title="Warmte uit de dijk",
                              text="We deelden een warmtepomp.", cycle="applied")
    body = text(login("member").get(f"/n/{PUBLIC}/dashboard/me/"))
    assert "Warmte uit de dijk" in body and "Applied value" in body
    assert "You were introduced to" in body and "you met" in body and "not known yet" in body
    assert "contributions in all" in body or "contribution in all" in body
    assert 'data-chart="mine"' in body


def test_host_view_is_for_staff_sorts_and_shows_overlap(demo):
    assert login("member").get("/dashboard/networks/").status_code == 403
    get_user_model().objects.filter(username="facilitator").update(is_staff=True)
    both = Person.objects.get(user__username="member")
    Membership.objects.create(network=demo[CIRCLE], person=both, identity=Identity.PSEUDONYM,
                              pseudonym="Zon")
    client = login("facilitator")
    body = text(client.get("/dashboard/networks/?sort=-members"))
    assert body.index("Energieregio Rivierenland") < body.index("Carers")
    assert Snapshot.objects.filter(period="90").count() == 2  # queued (eagerly run) for both
    ascending = text(client.get("/dashboard/networks/?sort=members"))
    assert ascending.index("Carers") < ascending.index("Energieregio Rivierenland")
    overlap = ascending[ascending.index("Overlap between networks"):]
    assert "<td>1</td>" in overlap


def test_measure_command_refreshes_snapshots(demo):
    out = StringIO()
    call_command("measure", "--network", CIRCLE, "--days", "28", stdout=out)
    assert f"{CIRCLE} 28 days" in out.getvalue()
    assert list(Snapshot.objects.values_list("period", flat=True)) == ["28"]
    call_command("measure", "--all", stdout=StringIO())
    assert Snapshot.objects.count() == 2 * 3
    with pytest.raises(CommandError, match="no network with the short name 'nope'"):
        call_command("measure", "--network", "nope")
    with pytest.raises(CommandError, match="--days"):
        call_command("measure", "--all", "--days", "7")


def test_job_with_a_bad_period_fails_with_its_message(demo):
    from netweave.jobs.services import enqueue

    job = enqueue(services.JOB_KIND, {"period": "2026-05-01..2026-04-01"}, network=demo[PUBLIC])
    assert job.status == JobStatus.FAILED
    assert job.error == "The last day comes before the first day."
    assert not Snapshot.objects.exists()


def test_plotly_is_served_from_the_installed_package_with_long_caching(demo):
    import plotly

    client = Client()
    response = client.get(f"/dashboard/assets/plotly-{plotly.__version__}.min.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    body = b"".join(response.streaming_content)
    installed = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert body == installed.read_bytes() and body.startswith(b"/**\n* plotly.js v")
    assert client.get("/dashboard/assets/plotly-0.0.1.min.js").status_code == 404
    page = text(client.get(f"/n/{PUBLIC}/dashboard/"))
    assert f"/dashboard/assets/plotly-{plotly.__version__}.min.js" in page
    assert "cdn" not in page.lower()


def test_openapi_schema_types_the_dashboard_endpoints(demo):
    schema = json.loads(Client().get("/api/openapi.json").content)
    paths = schema["paths"]
    assert "/api/dashboard/networks/{slug}/map" in paths
    assert "/api/dashboard/networks/{slug}/status" in paths
    answers = paths["/api/dashboard/networks/{slug}/map"]["get"]["responses"]
    assert {"200", "202", "400"} <= set(answers)


def test_network_page_card_comes_from_the_snapshot_and_queues_when_missing(demo, settings):
    settings.NETWEAVE_JOBS_EAGER = False
    network = demo[PUBLIC]
    assert services.network_page_card(network, "nl") is None
    assert Job.objects.filter(kind=services.JOB_KIND, status=JobStatus.QUEUED).count() == 1
    assert services.network_page_card(network, "nl") is None  # still one job
    assert Job.objects.filter(kind=services.JOB_KIND).count() == 1
    run_next()
    card = services.network_page_card(network, "nl")
    assert card is not None and card["rows"]
    snapshot = Snapshot.objects.get(network=network, period="90")
    assert [r["label"] for r in card["rows"]] == [
        r["label"] for r in snapshot.cards["nl"]["rows"]]
    assert card["rows"] != snapshot.cards["en"]["rows"]  # Dutch labels and sentences


def test_the_report_page_is_built_by_a_job_never_on_request(demo, settings):
    settings.NETWEAVE_JOBS_EAGER = False
    client = login("facilitator")
    first = client.get(f"/n/{PUBLIC}/report/")
    assert first.status_code == 200
    assert "The report is being computed in the background" in text(first)
    assert not ReportPage.objects.exists()
    client.get(f"/n/{PUBLIC}/report/")  # a second visit queues no second job
    jobs = Job.objects.filter(kind=services.REPORT_JOB_KIND, network=demo[PUBLIC])
    assert jobs.count() == 1 and jobs.get().payload["lang"] == "en"

    job = run_next()  # the worker
    assert job.status == JobStatus.DONE, job.error
    body = text(client.get(f"/n/{PUBLIC}/report/"))
    assert 'id="plot-map"' in body and "being computed" not in body
    dutch = text(client.get(f"/n/{PUBLIC}/report/", headers={"accept-language": "nl"}))
    assert "Het rapport wordt op de achtergrond berekend" in dutch  # a page per language
    assert jobs.filter(payload__lang="nl").count() == 1

    settings.NETWEAVE_DASHBOARD_MAX_AGE = 0  # stale: shown while a fresh one is queued
    assert 'id="plot-map"' in text(client.get(f"/n/{PUBLIC}/report/"))
    assert jobs.filter(payload__lang="en", status=JobStatus.QUEUED).count() == 1


def test_reuse_rebuilds_once_when_expired_and_serves_the_old_value_meanwhile():
    from django.core.cache import cache

    from netweave.dashboard.selectors import reuse

    cache.clear()
    assert reuse("k", lambda: "first", seconds=3600) == "first"
    assert reuse("k", lambda: "second", seconds=3600) == "first"  # still fresh: reused
    assert reuse("old", lambda: "first", seconds=0) == "first"
    cache.add("old:rebuilding", 1)  # another request is rebuilding it right now
    assert reuse("old", lambda: "second", seconds=0) == "first"
    cache.delete("old:rebuilding")
    assert reuse("old", lambda: "second", seconds=0) == "second"  # expired: rebuilt
    assert cache.get("old:rebuilding") is None


def test_the_month_not_over_yet_is_marked_on_the_charts(demo):
    """The 90 days up to now end inside June: June's point is marked (pale, dotted, "so far"
    in the table, "not over yet" in the summary), not shown as a cliff; a period that ends at
    a month's end marks nothing."""
    from netweave.dashboard.selectors import charts

    body = text(login("facilitator").get(f"/n/{PUBLIC}/dashboard/"))
    scripts = json.loads(re.search(r'id="dashboard-charts"[^>]*>(.*?)</script>', body,
                                   re.S).group(1))
    monthly = {c["key"]: c for c in scripts if c["key"] not in ("mix", "retention")}
    assert monthly and all(c["partial"] and c["x"][-1] == "2026-06" for c in monthly.values())
    assert "<th scope=\"row\">2026-06 (so far)</th>" in body
    assert "Latest month (2026-06, not over yet)" in body
    network = demo[PUBLIC]
    network.timezone = "UTC"  # the engine's months are UTC months (METRICS.md conventions)
    network.save(update_fields=["timezone"])
    snapshot = services.compute_snapshot(network, "2026-03-01..2026-05-31")
    closed = [c for c in charts(demo[PUBLIC], snapshot.figures) if c.key in monthly]
    assert closed and not any(c.partial for c in closed)
    assert not any("(so far)" in row[0] for c in closed for row in c.rows)


def test_member_view_counts_as_the_engine_in_the_networks_months(demo):
    """The member view's figures are the engine's (one definition of a contribution, the
    effective log), by calendar month in the network's time zone."""
    from datetime import UTC, datetime

    from netweave.core.measure.member import member_figures
    from netweave.dashboard.selectors import member_view
    from netweave.networks.activity_log import network_log
    from netweave.networks.models import Activity

    network = demo[PUBLIC]
    network.timezone = "America/New_York"  # not the server's zone (Europe/Amsterdam)
    network.save(update_fields=["timezone"])
    person = get_user_model().objects.get(username="member").person
    view = member_view(network, person)
    engine = member_figures(network_log(network.pk), person.pk, timezone.now(),
                            tz=network.timezone)
    assert (view.months, view.contributions, view.total, view.events_attended) == (
        engine["months"], engine["contributions"], engine["total"], engine["events_attended"])
    assert view.total > 0
    before = dict(zip(view.months, view.contributions, strict=True))
    late = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # May in New York, June in Amsterdam
    Activity.objects.create(network=network, actor=person, kind="post", channel="online",
                            at=late)
    Activity.objects.create(network=network, actor=person, kind="rsvp", channel="online",
                            at=late)
    wrong = Activity.objects.create(network=network, actor=person, kind="post",
                                    channel="online", at=late)
    Activity.objects.create(network=network, actor=person, kind="void", channel="online",
                            at=late, corrects=wrong)
    after = member_view(network, person)
    counts = dict(zip(after.months, after.contributions, strict=True))
    assert counts["2026-05"] == before["2026-05"] + 1
    assert counts["2026-06"] == before["2026-06"] and after.total == view.total + 1


def test_the_dashboard_says_who_said_they_would_come_where_attendance_was_not_recorded(demo):
    import datetime as dt

    from netweave.meet import services as meet_services

    network = demo[PUBLIC]
    start = timezone.now() - dt.timedelta(days=5)
    event = meet_services.create_event(network, title="Zonder presentielijst", starts_at=start,
                                       ends_at=start + dt.timedelta(hours=2))
    for member in Membership.objects.filter(network=network)[:3]:
        meet_services.rsvp(event, member.person, "going", at=start - dt.timedelta(days=2))
    snapshot = services.compute_snapshot(network, "90")
    assert snapshot.figures["events"]["events_without_attendance"] == 1
    body = text(login("facilitator").get(f"/n/{PUBLIC}/dashboard/"))
    assert ("Attendance was not recorded for 1 event of this period; people who said by RSVP "
            "they would come: 3.") in body
    dutch = text(login("facilitator").get(f"/n/{PUBLIC}/dashboard/",
                                          headers={"accept-language": "nl"}))
    assert "Voor 1 bijeenkomst van deze periode is de aanwezigheid niet vastgelegd" in dutch
