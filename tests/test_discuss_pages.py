"""Discussions through pages and API: topics, threaded replies, reactions, accepted answers,
mentions, follows, Markdown sanitisation, permissions and Dutch pages."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from netweave.core import activity as act
from netweave.discuss import services
from netweave.discuss.models import Follow, Mention
from netweave.discuss.text import find_mentions, render_markdown
from netweave.networks import services as domain
from netweave.networks.models import (
    Activity,
    Discussion,
    Identity,
    IdentityMode,
    Network,
    Person,
    Post,
    Reaction,
    Role,
    Visibility,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def make_person(username: str, name: str) -> Person:
    user = User.objects.create_user(username, email=f"{username}@example.org", password="x")
    return Person.objects.create(user=user, name=name, email=f"{username}@example.org")


def client_for(person: Person | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person.user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def world() -> dict:
    fac = make_person("fac", "Fenna Facilitator")
    mo = make_person("mo", "Mo Member")
    ann = make_person("ann", "Ann Asker")
    outsider = make_person("out", "Otto Outsider")
    net = domain.create_network(facilitator=fac, slug="energy", name="Energy Table",
                                purpose="Share energy know-how.", primary_type="practice",
                                visibility=Visibility.CLOSED)
    domain.join_network(net, mo)
    domain.join_network(net, ann)
    return {"fac": fac, "mo": mo, "ann": ann, "out": outsider, "net": net}


EVIL = """Hello <script>alert('x')</script>
<img src=x onerror="alert(1)"> <a href="#" onclick="steal()">click</a>
[js](javascript:alert(document.cookie)) [JS](JaVaScRiPt:alert(2))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![pic](data:image/png;base64,iVBORw0KGgo=) <span style="color:red">red</span>
<iframe src="https://evil.example"></iframe> **bold** [fine](https://example.org/a)"""


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered and "<img" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), "an event handler attribute survived"
    assert not re.search(r"<[^>]+style\s*=", lowered), "a style attribute survived"
    for href in re.findall(r'href="([^"]*)"', lowered):
        assert href.startswith(("https:", "http:", "mailto:", "#", "/")), href


def test_markdown_is_rendered_and_sanitised() -> None:
    html = render_markdown(EVIL)
    _assert_inert(html)
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/a"' in html and 'rel="nofollow noopener noreferrer"' in html
    # Typed HTML shows as text, so the reader sees what was written.
    assert "&lt;script&gt;" in html


def test_sanitised_post_on_page_and_in_api(world) -> None:
    d = services.start_topic(world["net"], world["mo"], title="Evil", body=EVIL)
    services.reply(d, world["ann"], EVIL)
    page = text(client_for(world["fac"]).get(reverse("discuss-topic", args=["energy", d.pk])))
    body = page.split('<ul class="posts">', 1)[1]
    _assert_inert(body)
    api = client_for(world["fac"]).get(f"/api/discuss/n/energy/topics/{d.pk}").json()
    for post in api["posts"]:
        _assert_inert(post["html"])
        assert post["body"].startswith("Hello <script>")  # the source text is kept as written


def test_find_mentions_by_shown_name() -> None:
    names = {"Mo Member": 1, "Mo": 2, "Ann": 3}
    assert find_mentions("Thanks @mo member! and @Ann.", names) == {1: "Mo Member", 3: "Ann"}
    assert find_mentions("mail ann@Ann or @Annie", names) == {}


def test_topic_reply_thread_react_accept_follow_via_pages(world) -> None:
    net, mo, ann = world["net"], world["mo"], world["ann"]
    c_ann, c_mo = client_for(ann), client_for(mo)
    new = c_ann.get(reverse("discuss-new", args=["energy"]))
    assert 'data-overlap="discussion"' in text(new) and 'data-network="energy"' in text(new)
    assert "charters/overlap.js" in text(new)
    r = c_ann.post(reverse("discuss-new", args=["energy"]),
                   {"title": "Heat pumps in old houses?", "body": "Who tried one? @Mo Member",
                    "is_question": "on"})
    d = Discussion.objects.get(title="Heat pumps in old houses?")
    assert r.status_code == 302 and r["Location"] == reverse("discuss-topic", args=["energy",
                                                                                    d.pk])
    assert Mention.objects.filter(person=mo, post__discussion=d).exists()
    assert Follow.objects.filter(person=ann, discussion=d).exists()
    opening = d.posts.get(parent__isnull=True)
    c_mo.post(reverse("discuss-reply", args=["energy", d.pk]), {"body": "We did, it works."})
    answer = Post.objects.get(body="We did, it works.")
    c_ann.post(reverse("discuss-reply", args=["energy", d.pk]),
               {"body": "Which brand?", "parent": answer.pk})
    nested = Post.objects.get(body="Which brand?")
    assert answer.parent_id == opening.pk and nested.parent_id == answer.pk
    c_ann.post(reverse("discuss-react", args=["energy", d.pk, answer.pk]), {"emoji": "👍"})
    assert Reaction.objects.filter(post=answer, person=ann).count() == 1
    # Only the asker (or a facilitator) accepts; a member who did not ask cannot.
    c_mo.post(reverse("discuss-accept", args=["energy", d.pk, answer.pk]))
    d.refresh_from_db()
    assert d.accepted_answer_id is None
    c_ann.post(reverse("discuss-accept", args=["energy", d.pk, answer.pk]))
    d.refresh_from_db()
    assert d.accepted_answer_id == answer.pk
    page = text(c_ann.get(reverse("discuss-topic", args=["energy", d.pk])))
    # Threaded: the nested reply sits inside the answer's <li>.
    answer_li = page.split(f'id="post-{answer.pk}"', 1)[1]
    assert answer_li.index("Which brand?") < answer_li.index("</li>\n</ul>")
    assert "Accepted answer" in page and '<span class="mention">@Mo Member</span>' in page
    c_ann.post(reverse("discuss-follow", args=["energy", d.pk]), {"follow": "0"})
    assert not Follow.objects.filter(person=ann, discussion=d).exists()
    # The activity rows of METRICS.md 0: ask, the mention of Mo in it, answer (to the
    # asker), reply, react.
    kinds = list(Activity.objects.filter(network=net).exclude(kind=act.JOIN)
                 .order_by("pk").values_list("kind", "actor_id", "target_id"))
    assert kinds == [(act.ASK, ann.pk, None), (act.MENTION, ann.pk, mo.pk),
                     (act.ANSWER, mo.pk, ann.pk), (act.REPLY, ann.pk, mo.pk),
                     (act.REACT, ann.pk, mo.pk)]


def test_bad_input_changes_nothing(world) -> None:
    c = client_for(world["mo"])
    r = c.post(reverse("discuss-new", args=["energy"]), {"title": "  ", "body": ""})
    assert r.status_code == 200 and "This field is required." in text(r)
    assert not Discussion.objects.exists()
    d = services.start_topic(world["net"], world["mo"], title="T", body="B")
    r = c.post(reverse("discuss-react", args=["energy", d.pk, d.posts.get().pk]),
               {"emoji": "<b>"})
    assert not Reaction.objects.exists()
    api = c.post(f"/api/discuss/n/energy/topics/{d.pk}/replies", json.dumps({"body": "  "}),
                 content_type="application/json")
    assert api.status_code == 400 and "empty" in api.json()["detail"]
    assert Post.objects.count() == 1
    api = c.post(f"/api/discuss/n/energy/topics/{d.pk}/accept",
                 json.dumps({"post": d.posts.get().pk}), content_type="application/json")
    assert api.status_code == 400 and "question" in api.json()["detail"]


def test_permissions(world) -> None:
    d = services.start_topic(world["net"], world["mo"], title="Members only", body="Hi")
    anon, out = Client(), client_for(world["out"])
    assert anon.get(reverse("discuss-list", args=["energy"])).status_code == 403
    assert out.get(reverse("discuss-topic", args=["energy", d.pk])).status_code == 403
    assert out.get(f"/api/discuss/n/energy/topics/{d.pk}").status_code == 403
    assert out.post("/api/discuss/n/energy/topics", json.dumps({"title": "x", "body": "y"}),
                    content_type="application/json").status_code == 403
    # Members read and write; only facilitators see the between-meetings page.
    mo = client_for(world["mo"])
    assert mo.get(reverse("discuss-list", args=["energy"])).status_code == 200
    assert mo.get(reverse("discuss-between", args=["energy"])).status_code == 403
    assert mo.get("/api/discuss/n/energy/between-meetings").status_code == 403
    # A secret network is a 404 to outsiders, in pages and API.
    Network.objects.filter(pk=world["net"].pk).update(visibility=Visibility.SECRET)
    assert out.get(reverse("discuss-list", args=["energy"])).status_code == 404
    assert out.get("/api/discuss/n/energy/topics").status_code == 404
    # An observer reads but does not post.
    obs = make_person("obs", "Olga Observer")
    domain.join_network(world["net"], obs, role=Role.OBSERVER)
    assert client_for(obs).get(reverse("discuss-new", args=["energy"])).status_code == 403


def test_api_round_trip(world) -> None:
    c = client_for(world["ann"])
    r = c.post("/api/discuss/n/energy/topics",
               json.dumps({"title": "Subsidies?", "body": "Any *tips*, @Mo Member?",
                           "is_question": True}), content_type="application/json")
    assert r.status_code == 201
    topic = r.json()
    assert topic["posts"][0]["html"].count("<em>tips</em>") == 1
    assert Activity.objects.get(kind=act.ASK).source == "api"
    m = client_for(world["mo"])
    r = m.post(f"/api/discuss/n/energy/topics/{topic['id']}/replies",
               json.dumps({"body": "The ISDE scheme."}), content_type="application/json")
    assert r.status_code == 201 and r.json()["author"] == "Mo Member"
    reply_id = r.json()["id"]
    r = c.post(f"/api/discuss/n/energy/posts/{reply_id}/reactions",
               json.dumps({"emoji": "🙏"}), content_type="application/json")
    assert r.json() == [{"emoji": "🙏", "count": 1, "mine": True}]
    r = c.post(f"/api/discuss/n/energy/topics/{topic['id']}/accept",
               json.dumps({"post": reply_id}), content_type="application/json")
    assert r.status_code == 200 and r.json()["accepted_answer"] == reply_id
    r = m.put(f"/api/discuss/n/energy/topics/{topic['id']}/follow",
              json.dumps({"following": True}), content_type="application/json")
    assert r.json() == {"topic": topic["id"], "following": True}
    listing = m.get("/api/discuss/n/energy/topics").json()
    assert listing[0]["answered"] is True and listing[0]["following"] is True
    assert m.get("/api/discuss/digest/preference").json() == {"frequency": "weekly"}
    r = m.put("/api/discuss/digest/preference", json.dumps({"frequency": "daily"}),
              content_type="application/json")
    assert r.json() == {"frequency": "daily"}
    bad = m.put("/api/discuss/digest/preference", json.dumps({"frequency": "hourly"}),
                content_type="application/json")
    assert bad.status_code == 422
    schema = Client().get("/api/openapi.json").json()
    assert "/api/discuss/n/{slug}/topics/{topic_id}/replies" in schema["paths"]


def test_pseudonymous_names_in_discussions(world) -> None:
    fac = world["fac"]
    circle = domain.create_network(facilitator=fac, slug="circle", name="Circle",
                                   purpose="Support.", primary_type="circumstance",
                                   identity_mode=IdentityMode.PSEUDONYMOUS_ONLY,
                                   facilitator_pseudonym="Guide")
    domain.join_network(circle, world["mo"], identity=Identity.PSEUDONYM, pseudonym="Willow")
    d = services.start_topic(circle, world["mo"], title="Evenings", body="Hard ones.")
    services.reply(d, fac, "Thinking of you @Willow")
    page = text(client_for(fac).get(reverse("discuss-topic", args=["circle", d.pk])))
    assert "Willow" in page and "Guide" in page
    assert "Mo Member" not in page and "Fenna Facilitator" not in page
    # A mention by real name finds nobody: only the shown name counts.
    services.reply(d, fac, "Hello @Mo Member")
    assert Mention.objects.filter(post__discussion=d).count() == 1


def test_dutch_pages(world) -> None:
    d = services.start_topic(world["net"], world["mo"], title="Vraag", body="Tekst",
                             is_question=True)
    c = client_for(world["mo"])
    c.cookies["django_language"] = "nl"
    listing = text(c.get(reverse("discuss-list", args=["energy"]),
                         headers={"accept-language": "nl"}))
    assert "Nieuw onderwerp" in listing and "Discussies" in listing
    page = text(c.get(reverse("discuss-topic", args=["energy", d.pk]),
                      headers={"accept-language": "nl"}))
    assert "Reageren" in page and "Volgen" not in page  # the author already follows
    assert "Ontvolgen" in page


def test_admin_lists_load_for_staff(world) -> None:
    services.start_topic(world["net"], world["mo"], title="T", body="Hi @Ann Asker")
    staff = User.objects.create_superuser("root", "root@example.org", "x")
    c = Client()
    c.force_login(staff)
    for model in ("follow", "mention", "digestpreference", "visit", "digestsent"):
        response = c.get(reverse(f"admin:discuss_{model}_changelist"))
        assert response.status_code == 200
        assert "Mo Member" not in text(response) and "Ann Asker" not in text(response)


def test_a_long_topic_is_shown_in_pages_of_whole_sub_threads(world, monkeypatch) -> None:
    from netweave.discuss import selectors

    monkeypatch.setattr(selectors, "BRANCHES_PER_PAGE", 3)
    net, mo, ann = world["net"], world["mo"], world["ann"]
    d = services.start_topic(net, ann, title="Long thread", body="Opening words")
    tops = [services.reply(d, mo, f"Top reply {i}") for i in range(7)]
    services.reply(d, ann, "Nested under the first", parent=tops[0])
    c = client_for(ann)
    url = reverse("discuss-topic", args=["energy", d.pk])

    def shown(page: str) -> list[str]:
        return re.findall(r"Top reply \d|Nested under the first", page)

    first = text(c.get(url))
    assert "Opening words" in first and "Page 1 of 3" in first
    assert shown(first) == ["Top reply 0", "Nested under the first", "Top reply 1",
                            "Top reply 2"]
    assert "8 replies" in first  # the count is the whole topic's
    third = text(c.get(url, {"page": 3}))
    assert "Opening words" in third and shown(third) == ["Top reply 6"]
    assert shown(text(c.get(url, {"page": 99}))) == ["Top reply 6"]  # clamped
    assert shown(text(c.get(url, {"page": "x"}))) == shown(first)
    # A reply lands on the page that shows it; a nested one on its sub-thread's page.
    r = c.post(reverse("discuss-reply", args=["energy", d.pk]), {"body": "Newest"})
    newest = Post.objects.get(body="Newest")
    assert r["Location"] == f"{url}?page=3#post-{newest.pk}"
    # The digest's links use the same path.
    assert selectors.topic_path(net, d.pk, newest.pk) == r["Location"]
    r = c.post(reverse("discuss-reply", args=["energy", d.pk]),
               {"body": "Late answer to the first", "parent": tops[0].pk})
    assert r["Location"] == f"{url}#post-{Post.objects.get(body='Late answer to the first').pk}"
    # The API still gives every post.
    api = c.get(f"/api/discuss/n/energy/topics/{d.pk}").json()
    assert len(api["posts"]) == 11
    reply = c.post(f"/api/discuss/n/energy/topics/{d.pk}/replies",
                   {"body": "Via the API"}, content_type="application/json")
    assert reply.status_code == 201 and reply.json()["body"] == "Via the API"
