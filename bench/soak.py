"""Soak test: mixed traffic against the production server for a long while (issue 9).

gunicorn (2 workers) serves netweave on a fresh PostgreSQL database; from this second
process, ``--clients`` logged-in members keep reading pages and API answers, posting
replies, answering RSVPs and checking in, for ``--minutes``. Afterwards every acknowledged
write is looked up in the database, and the workers' memory (RSS) over time is reported.

    .venv/bin/python bench/soak.py --minutes 10 --clients 20

Prints a table: requests per second, latency median and p95 per kind, 5xx count, lost
writes, and worker memory at the start and end. Exit status 1 on any 5xx or lost write.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from live_site import fresh_postgres, live_site

SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from netweave.networks import services
from netweave.meet import services as meet_services
from netweave.discuss import services as discuss_services
from netweave.networks.models import Person
import json
User = get_user_model()
people = []
for i in range({members} + 1):
    user = User.objects.create_user(f"s{{i}}", f"s{{i}}@soak.example", "soak-Pass-2026")
    people.append(Person.objects.create(user=user, name=f"Soak Member {{i}}"))
network = services.create_network(facilitator=people[0], name="Soak network", slug="soak",
                                  purpose="Keep running.", primary_type="practice")
for person in people[1:]:
    services.join_network(network, person)
start = timezone.now() + timedelta(minutes=5)
event = meet_services.create_event(network, title="Soak meeting", starts_at=start,
                                   ends_at=start + timedelta(hours=3), hosts=[people[0]])
event.refresh_from_db()
topics = [discuss_services.start_topic(network, people[0], title=f"Soak topic {{i}}",
                                       body="Go.").pk for i in range({topics})]
print(json.dumps({{"event": event.pk, "code": event.checkin_code, "topics": topics}}))
"""

CHECK = """
import json
from netweave.networks.models import Attendance, Post, Registration
print(json.dumps({
    "bodies": list(Post.objects.values_list("body", flat=True)),
    "rsvps": {r.person.user.username: r.status
              for r in Registration.objects.select_related("person__user")},
    "attended": [a.person.user.username
                 for a in Attendance.objects.select_related("person__user")],
}))
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--topics", type=int, default=200,
                        help="topics the replies are spread over (a forum, not one thread)")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test",
                        help="a PostgreSQL URL whose server gets a fresh database")
    args = parser.parse_args()

    with fresh_postgres(args.postgres, "netweave_soak") as url, \
            live_site(url, workers=2, threads=4) as site:
        seed = json.loads(site.python(
            SEED.format(members=args.clients, topics=args.topics)).splitlines()[-1])
        base = f"{site.base}/api"
        event, topics = seed["event"], seed["topics"]
        sessions = [site.login(f"s{i}", "soak-Pass-2026") for i in range(1, args.clients + 1)]

        latencies: dict[str, list[float]] = defaultdict(list)
        statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        posted: set[str] = set()
        last_rsvp: dict[str, str] = {}
        checked_in: set[str] = set()
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.minutes * 60

        reads = [f"{site.base}/n/soak/", f"{site.base}/n/soak/discussions/",
                 f"{site.base}/n/soak/events/", f"{base}/discuss/n/soak/topics",
                 f"{base}/meet/n/soak/events"]

        def client(index: int) -> None:
            session, username = sessions[index], f"s{index + 1}"
            rng = random.Random(index)
            n = 0
            while time.monotonic() < stop:
                n += 1
                roll = rng.random()
                try:
                    started = time.perf_counter()
                    if roll < 0.5:
                        kind = "read"
                        url = (rng.choice(reads) if roll < 0.35 else
                               f"{site.base}/n/soak/discussions/{rng.choice(topics)}/")
                        answer = session.get(url, timeout=60)
                    elif roll < 0.75:
                        kind, body = "post", f"soak {username} {n}"
                        topic = rng.choice(topics)
                        answer = session.post(f"{base}/discuss/n/soak/topics/{topic}/replies",
                                              json={"body": body}, timeout=60)
                        if answer.status_code == 201:
                            with lock:
                                posted.add(body)
                    elif roll < 0.9:
                        kind, status = "rsvp", rng.choice(["going", "maybe", "not_going"])
                        answer = session.post(f"{base}/meet/n/soak/events/{event}/rsvp",
                                              json={"status": status}, timeout=60)
                        if answer.status_code == 200:
                            with lock:
                                last_rsvp[username] = status
                    else:
                        kind = "check-in"
                        answer = session.post(f"{base}/meet/n/soak/events/{event}/checkin",
                                              json={"code": seed["code"]}, timeout=60)
                        if answer.status_code == 200:
                            with lock:
                                checked_in.add(username)
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies[kind].append(elapsed)
                        statuses[kind][answer.status_code] += 1
                except requests.RequestException as exc:
                    with lock:
                        errors.append(repr(exc))

        memory: list[tuple[float, int]] = []
        began = time.monotonic()

        def sample() -> None:
            while time.monotonic() < stop:
                pids = worker_pids(site.process.pid)
                memory.append((time.monotonic() - began, sum(rss_kib(p) for p in pids)))
                time.sleep(5)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        threads.append(threading.Thread(target=sample))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - began

        state = json.loads(site.python(CHECK).splitlines()[-1])
        lost_posts = posted - set(state["bodies"])
        lost_rsvps = {u for u, s in last_rsvp.items() if state["rsvps"].get(u) != s}
        lost_checkins = checked_in - set(state["attended"])

    total = sum(len(v) for v in latencies.values())
    server_errors = sum(c for kind in statuses.values() for s, c in kind.items() if s >= 500)
    print(f"\nsoak: {args.clients} clients, {duration / 60:.1f} min, {total} requests, "
          f"{total / duration:.1f} requests/s, {server_errors} 5xx, "
          f"{len(errors)} connection errors")
    print("| kind | requests | median ms | p95 ms | statuses |")
    print("|---|---|---|---|---|")
    for kind, values in sorted(latencies.items()):
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        codes = ", ".join(f"{s}: {c}" for s, c in sorted(statuses[kind].items()))
        print(f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
              f"{p95 * 1000:.0f} | {codes} |")
    print(f"acknowledged writes: {len(posted)} replies, {len(last_rsvp)} people's RSVPs, "
          f"{len(checked_in)} check-ins; lost: {len(lost_posts)} replies, "
          f"{len(lost_rsvps)} RSVPs, {len(lost_checkins)} check-ins")
    if memory:
        first = statistics.median(m for t, m in memory if t < 60)
        last = statistics.median(m for t, m in memory if t >= memory[-1][0] - 60)
        print(f"worker memory (RSS of both workers): first minute {first / 1024:.0f} MiB, "
              f"last minute {last / 1024:.0f} MiB ({(last / first - 1) * 100:+.1f}%)")
        per_minute = defaultdict(list)
        for moment, kib in memory:
            per_minute[int(moment // 60)].append(kib)
        print("by minute (MiB): " + ", ".join(
            f"{statistics.median(v) / 1024:.0f}" for _, v in sorted(per_minute.items())))
    failed = server_errors or errors or lost_posts or lost_rsvps or lost_checkins
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
