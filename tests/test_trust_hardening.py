"""Issue 15, medium findings on accounts: the login rate limit counts and checks one
normalised user name atomically (parallel attempts against the real file cache and Redis),
account mails to a typed address are throttled, and signing up never says whether an
address already has an account."""

from __future__ import annotations

import multiprocessing
import re
import threading
import uuid
from datetime import timedelta

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netweave.kit import counters
from netweave.meet import services as meet_services
from netweave.meet.services import calendar_token
from netweave.networks import services
from netweave.networks.models import Activity, Membership, Person, Visibility
from netweave.trust import gdpr
from netweave.trust.models import Scope
from netweave.trust.services import create_token

PASSWORD = "Weave-the-net-2026"
REDIS_URL = "redis://127.0.0.1:6379/0"
User = get_user_model()


def _file_cache(settings, tmp_path) -> None:
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache")}}


def _redis_cache(settings) -> str:
    prefix = f"netweave-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    return prefix


@pytest.fixture(params=["file", "redis"])
def shared_cache(request, settings, tmp_path):
    """A cache every thread and process shares: the default file cache, or a real Redis
    (its keys removed afterwards, never the whole database)."""
    if request.param == "file":
        _file_cache(settings, tmp_path)
        yield request.param
        return
    prefix = _redis_cache(settings)
    yield request.param
    client = redis.Redis.from_url(REDIS_URL)
    for name in client.scan_iter(f"{prefix}:*"):
        client.delete(name)


def _user(username: str, email: str | None = None) -> Person:
    email = email or f"{username}@example.org"
    user = User.objects.create_user(username, email=email, password=PASSWORD)
    return Person.objects.create(user=user, name=username.title(), email=email)


def _login(username: str, password: str, ip: str = "10.0.0.1", client: Client | None = None):
    return (client or Client()).post(reverse("login"),
                                     {"username": username, "password": password},
                                     REMOTE_ADDR=ip)


# --- login rate limit ----------------------------------------------------------------------

@pytest.mark.django_db
def test_a_fullwidth_or_upper_case_user_name_is_locked_with_the_plain_one(settings):
    settings.NETWEAVE_LOGIN_LIMIT_USERNAME = 5
    _user("victim1")
    for _ in range(5):
        assert _login("victim1", "wrong-password").status_code == 200
    for spelling in ("\uff56ictim1", "VICTIM1", " victim1 "):  # a fullwidth "v"
        response = _login(spelling, PASSWORD, ip="10.0.0.2")
        assert response.status_code == 429, spelling
        assert "Too many failed logins" in response.content.decode()
    # Nothing cleared the lock: the plain name is still refused, even with the password.
    assert _login("victim1", PASSWORD, ip="10.0.0.3").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_check_no_more_than_the_limit(settings, shared_cache):
    # The real (slow) hasher: every attempt is in flight while the others start.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.NETWEAVE_LOGIN_LIMIT_USERNAME = 5
    _user("target")
    start = threading.Barrier(16)
    statuses: list[int] = []

    def attempt(number: int) -> None:
        try:
            start.wait()
            statuses.append(_login("target", "wrong-password", ip=f"10.1.0.{number}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 11
    assert _login("target", PASSWORD, ip="10.1.1.1").status_code == 429


def _bump(name: str, times: int) -> None:
    for _ in range(times):
        counters.hit(name, 600)


@pytest.mark.django_db
def test_counters_lose_no_update_across_processes(shared_cache):
    name = counters.key("test", uuid.uuid4().hex)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_bump, args=(name, 50)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * 4
    assert counters.hit(name, 600, 0).count == 200


@pytest.mark.django_db
def test_a_successful_login_gives_its_place_in_the_address_count_back(settings):
    settings.NETWEAVE_LOGIN_LIMIT_IP = 3
    _user("busy")
    for _ in range(5):  # five colleagues behind one address log in fine
        assert _login("busy", PASSWORD, ip="10.2.0.1").status_code == 302
    for number in range(3):
        _login(f"nobody{number}", "wrong-password", ip="10.2.0.1")
    assert _login("busy", PASSWORD, ip="10.2.0.1").status_code == 429


# --- password reset mails ------------------------------------------------------------------

@pytest.mark.django_db
def test_password_reset_mails_are_limited_per_address_and_per_client(settings):
    settings.NETWEAVE_MAIL_LIMIT_ADDRESS = 3
    settings.NETWEAVE_MAIL_LIMIT_IP = 5
    _user("resetme")
    pages = [Client().post(reverse("password_reset"), {"email": "resetme@example.org"},
                           REMOTE_ADDR=f"10.3.0.{n}") for n in range(8)]
    assert {(p.status_code, p["Location"]) for p in pages} == {
        (302, reverse("password_reset_done"))}  # the same answer every time
    assert len(mail.outbox) == 3
    # From one client: at most five mails, whatever the addresses.
    for number in range(6):
        _user(f"other{number}")
    for number in range(6):
        Client().post(reverse("password_reset"), {"email": f"other{number}@example.org"},
                      REMOTE_ADDR="10.3.1.1")
    assert len(mail.outbox) == 3 + 5


# --- sign-up -------------------------------------------------------------------------------

def _sign_up(email: str, username: str = "newcomer", client: Client | None = None):
    return (client or Client()).post(reverse("signup"), {
        "username": username, "name": "New Comer", "email": email,
        "password1": PASSWORD, "password2": PASSWORD}, follow=True)


def _page(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account():
    _user("owner", "owner@example.org")
    taken = _sign_up("OWNER@example.org", username="newcomer1")
    free = _sign_up("free@example.org", username="newcomer2")
    assert taken.status_code == free.status_code == 200
    assert taken.redirect_chain == free.redirect_chain == [(reverse("signup-sent"), 302)]
    assert _page(taken) == _page(free)
    assert "already exists" not in _page(taken)
    # The owner hears that someone tried; the new address gets its link.
    to_owner, to_new = mail.outbox
    assert to_owner.to == ["owner@example.org"]
    assert "Someone tried" in to_owner.subject and "owner" in to_owner.body
    assert to_new.to == ["free@example.org"]
    assert not User.objects.filter(username__in=["newcomer1", "newcomer2"]).exists()


@pytest.mark.django_db
def test_the_sign_up_link_creates_the_account_once_and_logs_in():
    _sign_up("anouk@example.org", username="anouk")
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", mail.outbox[0].body)[0]
    client = Client()
    assert client.get(link).status_code == 200  # a GET creates nothing
    assert not User.objects.filter(username="anouk").exists()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="anouk")
    assert user.check_password(PASSWORD) and user.email == "anouk@example.org"
    assert Person.objects.get(user=user).name == "New Comer"
    assert client.get(reverse("home")).wsgi_request.user == user
    assert Client().post(link).status_code == 404  # used once


# --- account deletion ----------------------------------------------------------------------

@pytest.mark.django_db
def test_deleting_an_account_ends_memberships_and_stops_feeds_and_tokens():
    fac, leaver = _user("stayer"), _user("leaver")
    network = services.create_network(
        facilitator=fac, name="Feed circle", slug="feed-circle", purpose="Meet.",
        primary_type="practice", visibility=Visibility.CLOSED)
    services.join_network(network, leaver)
    start = timezone.now() + timedelta(days=5)
    meet_services.create_event(network, title="Feed meeting", starts_at=start,
                               ends_at=start + timedelta(hours=1), hosts=[fac])
    feed = calendar_token(leaver).token
    _row, api_token = create_token(leaver.user, "mine", Scope.READ)
    own_feed = reverse("meet-person-feed", args=[feed])
    network_feed = reverse("meet-network-feed", args=[network.slug]) + f"?token={feed}"
    assert "Feed meeting" in Client().get(network_feed).content.decode()
    assert Client().get(own_feed).status_code == 200
    whoami = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}").get("/api/trust/whoami")
    assert whoami.status_code == 200

    gdpr.delete_account(leaver.user)

    assert Client().get(own_feed).status_code == 404
    assert Client().get(network_feed).status_code == 404
    whoami = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}").get("/api/trust/whoami")
    assert whoami.status_code == 401
    membership = Membership.objects.get(network=network, person=leaver)
    assert membership.left_at is not None
    assert Activity.objects.filter(network=network, actor=leaver, kind="leave",
                                   source="erasure").count() == 1
