"""The database connection drops during writes (issue 9).

A real gunicorn serves netweave on its own PostgreSQL database while members post replies;
a second connection keeps killing the site's database backends (``pg_terminate_backend``)
in the middle of that. Every request must either complete or fail cleanly (an HTTP answer,
never a torn connection or a hang); afterwards nothing is half-written: every acknowledged
reply is stored, every stored post has exactly its activity row and every activity row its
post, and the site serves and writes again once the database is left alone.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from live_site import fresh_postgres, live_site

POSTGRES = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not POSTGRES.startswith(("postgres://", "postgresql://")),
    reason="kills PostgreSQL backends: runs in the PostgreSQL pass of the suite",
)

MEMBERS = 6
REPLIES_EACH = 25

SEED = """
from django.contrib.auth import get_user_model
from netweave.networks import services
from netweave.discuss import services as discuss_services
from netweave.networks.models import Person
User = get_user_model()
people = []
for i in range({members} + 1):
    user = User.objects.create_user(f"m{{i}}", f"m{{i}}@fault.example", "fault-Pass-2026")
    people.append(Person.objects.create(user=user, name=f"Member {{i}}"))
network = services.create_network(facilitator=people[0], name="Fault network", slug="fault",
                                  purpose="Survive faults.", primary_type="practice")
for person in people[1:]:
    services.join_network(network, person)
topic = discuss_services.start_topic(network, people[0], title="Faults", body="Reply here.")
print(topic.pk)
"""

CHECK = """
import json
from netweave.networks.models import Activity, Post
# An opening post is logged as its discussion; every other post as itself.
posts = set(Post.objects.exclude(parent=None).values_list("pk", flat=True))
logged = list(Activity.objects.filter(object_type="post").values_list("object_id", flat=True))
bodies = list(Post.objects.values_list("body", flat=True))
print(json.dumps({"posts": sorted(posts), "logged": sorted(logged), "bodies": bodies}))
"""


def _killer(url: str, database: str, stop: threading.Event, kills: list[int]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()[0]
            kills.append(killed)
            time.sleep(0.15)


def test_killed_database_connections_leave_nothing_half_written():
    name = f"netweave_fault_{os.getpid()}"
    with fresh_postgres(POSTGRES, name) as url, live_site(url, workers=2, threads=4) as site:
        topic = int(site.python(SEED.format(members=MEMBERS)).strip().splitlines()[-1])
        sessions = [site.login(f"m{i}", "fault-Pass-2026") for i in range(1, MEMBERS + 1)]
        reply_url = f"{site.base}/n/fault/discussions/{topic}/reply/"

        def write(index: int) -> list[tuple[str, int]]:
            session, outcomes = sessions[index], []
            for n in range(REPLIES_EACH):
                body = f"reply {index}-{n}"
                try:
                    answer = session.post(reply_url, data={"body": body}, timeout=60,
                                          allow_redirects=False)
                    stored = "#post-" in answer.headers.get("Location", "")
                    outcomes.append((body, 201 if stored else answer.status_code))
                except requests.RequestException as exc:  # a torn connection is a failure
                    outcomes.append((body, -1))
                    print(f"{body}: {exc!r}")
            return outcomes

        stop, kills = threading.Event(), []
        killer = threading.Thread(target=_killer, args=(POSTGRES, name, stop, kills))
        killer.start()
        try:
            with ThreadPoolExecutor(MEMBERS) as pool:
                outcomes = [o for chunk in pool.map(write, range(MEMBERS)) for o in chunk]
        finally:
            stop.set()
            killer.join()

        statuses = [status for _body, status in outcomes]
        assert -1 not in statuses, "a request ended without an HTTP answer"
        # 201 stands for "redirected to the new post": the reply was acknowledged.
        assert set(statuses) <= {201, 500, 503}, sorted(set(statuses))
        acknowledged = {body for body, status in outcomes if status == 201}
        failed = [body for body, status in outcomes if status >= 500]
        assert sum(kills) > 0, "the killer never caught a backend: the test proved nothing"
        assert failed, "no request failed: the faults did not reach the writes"
        assert acknowledged, "no request succeeded at all"

        # The site recovers once the database is left alone.
        again = sessions[0].post(reply_url, data={"body": "after the storm"}, timeout=60,
                                 allow_redirects=False)
        assert "#post-" in again.headers.get("Location", "")

        state = json.loads(site.python(CHECK).strip().splitlines()[-1])
        stored = set(state["bodies"])
        assert acknowledged | {"after the storm"} <= stored, "an acknowledged write was lost"
        assert state["posts"] == state["logged"], "posts and the activity log disagree"
        assert len(state["bodies"]) == len(stored), "a reply was stored twice"
