"""Benchmark: showing one long discussion topic, and answering a reply through the API.

Builds a topic with ``--replies`` replies (a third of them nested under an earlier reply) in a
fresh SQLite database under ``var/bench/topic/``, then times, ``--repeat`` times each:

* **page**: the topic page as the app serves it (``GET /n/…/discussions/<id>/``, Django's test
  client, logged in): the opening post and the first page of replies with their sub-threads;
* **whole (baseline)**: the same template given every post of the topic, as the page was
  rendered before it was paged;
* **reply answer**: rendering the one post a ``POST …/replies`` answers with
  (``selectors.post_node``), next to the whole topic it used to render to find that post.

Prints medians and the ratios. Run by hand: ``.venv/bin/python bench/topic.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    data = ROOT / "var" / "bench" / "topic"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ.update(NETWEAVE_DATA_DIR=str(data), DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
                      DJANGO_SETTINGS_MODULE="netweave.site.settings",
                      NETWEAVE_ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from netweave.discuss import selectors, services
    from netweave.networks import services as domain
    from netweave.networks.models import Person

    call_command("migrate", verbosity=0)
    users = get_user_model()
    people = []
    for i in range(20):
        user = users.objects.create_user(f"p{i}", f"p{i}@example.org", "bench-Pass-2026")
        people.append(Person.objects.create(user=user, name=f"Person {i}", email=user.email))
    net = domain.create_network(facilitator=people[0], name="Bench", slug="bench",
                                purpose="A long thread.", primary_type="practice")
    for person in people[1:]:
        domain.join_network(net, person)
    rng = random.Random(1)
    topic = services.start_topic(net, people[1], title="One long thread",
                                 body="Where do we start? **Ideas** welcome.")
    posts = []
    started = time.perf_counter()
    for i in range(args.replies):
        parent = rng.choice(posts) if posts and rng.random() < 1 / 3 else None
        posts.append(services.reply(topic, rng.choice(people),
                                    f"Reply {i}: *some* thoughts on [this](https://example.org/{i}).",
                                    parent=parent))
    print(f"{args.replies} replies written in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(people[2].user)
    url = f"/n/bench/discussions/{topic.pk}/"
    assert client.get(url).status_code == 200
    request = RequestFactory().get(url)
    request.user = people[2].user

    def whole() -> str:
        page = selectors.topic_page(topic, people[2])
        return render_to_string("discuss/topic_detail.html", {
            "network": net, "page": page, "discussion": topic, "can_post": True,
            "can_accept": False, "reactions": services.REACTIONS}, request=request)

    last = posts[-1]
    rows = [
        ("topic page (first page)", median_ms(lambda: client.get(url), args.repeat)),
        ("whole topic rendered (baseline)", median_ms(whole, args.repeat)),
        ("reply answer: one post", median_ms(lambda: selectors.post_node(last, people[2]),
                                             args.repeat)),
        ("reply answer: whole topic (baseline)",
         median_ms(lambda: selectors.topic_page(topic, people[2]), args.repeat)),
    ]
    print(f"\n{args.replies} replies, median of {args.repeat}")
    for name, ms in rows:
        print(f"  {name:40s} {ms:9.1f} ms")
    print(f"  page vs whole: {rows[1][1] / rows[0][1]:.1f}x faster; "
          f"reply answer: {rows[3][1] / rows[2][1]:.0f}x faster")


if __name__ == "__main__":
    main()
